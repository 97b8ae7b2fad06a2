"""Imports go one way: interfaces -> workspace -> domain -> ingest/panel -> countries ->
store/sources/registry/services/results -> config -> errors; the interfaces import only the
Workspace, ``report/``, ``errors``, ``_version`` and their own package; SQL lives in ``store/``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "stabilis"

# Layer of each top-level module or package; a module may import only from lower layers
# (a larger number) or its own package.
LAYERS = {
    "cli": 0,
    "api": 0,
    "dashboard": 0,
    "workspace": 1,
    "report": 2,  # reports over the Workspace and the services; may import the domain below it
    "forecast": 3,
    "impact": 3,
    "threats": 3,
    "alliance": 3,
    "edits": 3,  # registry proposals, reviews, notes, audit log (uses accounts for roles)
    "ingest": 4,
    "panel": 4,
    "accounts": 4,  # users, roles, passwords, sessions and tokens over store.edits
    "countries": 5,  # builds the country table from the reference source's parsed frames
    "store": 6,
    "sources": 6,
    "registry": 6,
    "services": 6,  # the one WorkspaceLike protocol every service package types its workspace by
    "results": 6,  # the one results contract: tidy() long, summary() prose, meta(), to_dict()
    "config": 7,
    "errors": 8,
    "_version": 9,
    "_lazy": 9,  # lazy re-exports (PEP 562) for the Workspace and the packages
}
# Interfaces that compose: `serve` starts the API app, and the API app mounts the dashboard.
COMPOSES = {("cli", "api"), ("api", "dashboard")}
# Packages at the same layer that must not import each other.
INDEPENDENT = {"store", "sources", "registry"}
# The interfaces go through one door: the Workspace (which re-exports the few names they show or
# annotate with), report/ (which may import the domain), errors and the version. This holds for
# imports under TYPE_CHECKING too.
INTERFACES = {"cli", "api", "dashboard"}
DOOR = {"workspace", "report", "errors", "_version"}


def _owner(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _module_name(path: Path) -> str:
    parts = ["stabilis", *path.relative_to(SRC).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Nodes under ``if TYPE_CHECKING:`` (annotations only: not run, so not a dependency)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for child in ast.walk(node))
    return skip


def _imports(path: Path, *, with_type_checking: bool = True) -> list[str]:
    """Every ``stabilis`` module ``path`` imports, relative imports resolved to absolute names.

    ``from package import name`` counts as an import of ``package.name`` when that is a module
    (importing a sibling submodule through its package is not a dependency on the package).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if with_type_checking else _type_checking_only(tree)
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            subs = [f"{target}.{alias.name}" for alias in node.names]
            modules = [m for m in subs if m in MODULES]
            found.extend(modules)
            if len(modules) < len(subs):
                found.append(target)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [m for m in found if m == "stabilis" or m.startswith("stabilis.")]


MODULES = {_module_name(p) for p in SRC.rglob("*.py")}


def test_every_module_belongs_to_a_layer():
    owners = {_owner(p) for p in SRC.rglob("*.py")} - {"__init__"}
    assert owners <= set(LAYERS), f"unassigned: {owners - set(LAYERS)}"


def test_imports_only_go_downward():
    violations = []
    for path in SRC.rglob("*.py"):
        owner = _owner(path)
        if owner == "__init__":
            continue
        for module in _imports(path):
            parts = module.split(".")
            if len(parts) < 2:
                # The root package imports the Workspace; a subpackage importing it is a cycle
                # (the version lives in stabilis._version for that reason).
                violations.append(f"{path.relative_to(SRC)} imports the root package")
                continue
            target = parts[1]
            if target == owner or target not in LAYERS or (owner, target) in COMPOSES:
                continue
            upward = LAYERS[target] < LAYERS[owner]
            sideways = LAYERS[target] == LAYERS[owner] and (
                (owner in INDEPENDENT and target in INDEPENDENT) or LAYERS[owner] in (0, 3)
            )
            if upward or sideways:
                violations.append(f"{path.relative_to(SRC)} imports {module}")
    assert not violations, "\n".join(violations)


def test_the_import_graph_has_no_cycles():
    """No module imports (at run time, anywhere in the file) a module that imports it back."""
    graph = {
        _module_name(p): {m for m in _imports(p, with_type_checking=False) if m in MODULES}
        - {_module_name(p)}
        for p in SRC.rglob("*.py")
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_check_sees_relative_and_function_level_imports(tmp_path):
    """The checker itself: both sides of a cycle through a relative, function-level import."""
    package = tmp_path / "stabilis" / "demo"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .b import g\n")
    (package / "b.py").write_text("from stabilis.demo import a\n")
    saved = globals()["SRC"], globals()["MODULES"]
    globals()["SRC"] = tmp_path / "stabilis"
    globals()["MODULES"] = {"stabilis.demo", "stabilis.demo.a", "stabilis.demo.b"}
    try:
        assert "stabilis.demo.b" in _imports(package / "a.py", with_type_checking=False)
        assert "stabilis.demo.a" in _imports(package / "b.py", with_type_checking=False)
    finally:
        globals()["SRC"], globals()["MODULES"] = saved


def test_interfaces_import_only_the_workspace_report_errors_and_version():
    violations = []
    for path in SRC.rglob("*.py"):
        owner = _owner(path)
        if owner not in INTERFACES:
            continue
        for module in _imports(path):
            parts = module.split(".")
            target = parts[1] if len(parts) > 1 else "stabilis"
            if target == owner or target in DOOR or (owner, target) in COMPOSES:
                continue
            violations.append(f"{path.relative_to(SRC)} imports {module}")
    assert not violations, "\n".join(violations)


def test_the_door_check_sees_a_side_door(tmp_path):
    """The checker itself: an adapter importing store (even under TYPE_CHECKING) is caught."""
    package = tmp_path / "stabilis" / "api"
    package.mkdir(parents=True)
    (package / "maps.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from stabilis.store import x\n"
    )
    saved = globals()["SRC"], globals()["MODULES"]
    globals()["SRC"] = tmp_path / "stabilis"
    globals()["MODULES"] = {"stabilis.api", "stabilis.api.maps"}
    try:
        with pytest.raises(AssertionError, match=r"api/maps\.py imports stabilis\.store"):
            test_interfaces_import_only_the_workspace_report_errors_and_version()
    finally:
        globals()["SRC"], globals()["MODULES"] = saved


#: SQL outside store/, each with its reason. Anything else is a side door.
SQL_ELSEWHERE = {
    # The one event SQL specification, transpiled to Spark SQL; store/events.py runs it on DuckDB.
    "threats/events.py",
    # One read inside an edits-store write transaction (EditsStore.write hands out the cursor).
    "edits/service.py",
}


def test_sql_lives_in_store():
    import re

    statement = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|CREATE\s+TABLE|DELETE\s+FROM)\b")
    offenders = []
    for path in SRC.rglob("*.py"):
        rel = str(path.relative_to(SRC))
        if _owner(path) == "store" or rel in SQL_ELSEWHERE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and statement.search(node.value)
            ):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, "SQL outside store/: " + ", ".join(offenders)


def test_duckdb_is_imported_only_in_store():
    offenders = [
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if _owner(p) != "store"
        and "duckdb"
        in {
            n.names[0].name if isinstance(n, ast.Import) else (n.module or "")
            for n in ast.walk(ast.parse(p.read_text()))
            if isinstance(n, ast.Import | ast.ImportFrom)
        }
    ]
    assert not offenders


def test_import_stabilis_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, stabilis; heavy = {'pandas', 'duckdb', 'pyarrow', 'typer'} & set(sys.modules);"
        "print(','.join(sorted(heavy)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
