"""Imports go one way: interfaces -> workspace -> domain -> ingest/panel -> countries ->
store/sources/registry -> config -> errors."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "stabilis"

# Layer of each top-level module or package; a module may import only from lower layers
# (a larger number) or its own package.
LAYERS = {
    "cli": 0,
    "api": 0,
    "dashboard": 0,
    "workspace": 1,
    "forecast": 2,
    "impact": 2,
    "threats": 2,
    "alliance": 2,
    "report": 2,
    "edits": 2,  # registry proposals, reviews, notes, audit log (uses accounts for roles)
    "ingest": 3,
    "panel": 3,
    "accounts": 3,  # users, roles, passwords, sessions and tokens over store.edits
    "countries": 4,  # builds the country table from the reference source's parsed frames
    "store": 5,
    "sources": 5,
    "registry": 5,
    "config": 6,
    "errors": 7,
}
# Interfaces that compose: `serve` starts the API app, and the API app mounts the dashboard.
COMPOSES = {("cli", "api"), ("api", "dashboard")}
# Packages at the same layer that must not import each other.
INDEPENDENT = {"store", "sources", "registry"}


def _owner(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return [m for m in found if m == "stabilis" or m.startswith("stabilis.")]


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
            if len(parts) < 2 or parts[1] == "__version__":
                continue
            target = parts[1]
            if target == owner or target not in LAYERS or (owner, target) in COMPOSES:
                continue
            upward = LAYERS[target] < LAYERS[owner]
            sideways = LAYERS[target] == LAYERS[owner] and (
                (owner in INDEPENDENT and target in INDEPENDENT) or LAYERS[owner] in (0, 2)
            )
            if upward or sideways:
                violations.append(f"{path.relative_to(SRC)} imports {module}")
    assert not violations, "\n".join(violations)


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
