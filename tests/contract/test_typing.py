"""The seam between the interfaces and the Workspace is type-checked strictly (mypy)."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
#: The per-module flags that make up ``mypy --strict``.
STRICT_FLAGS = {
    "disallow_untyped_defs", "disallow_incomplete_defs", "disallow_untyped_calls",
    "disallow_untyped_decorators", "disallow_any_generics", "disallow_subclassing_any",
    "warn_return_any", "no_implicit_reexport", "strict_equality", "extra_checks",
}  # fmt: skip


def test_the_adapters_and_the_workspace_are_checked_strictly():
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = [
        o for o in config.get("overrides", []) if all(o.get(flag) is True for flag in STRICT_FLAGS)
    ]
    covered = {m for o in strict for m in o["module"]}
    wanted = {"stabilis.workspace", "stabilis.cli.*", "stabilis.dashboard.*", "stabilis.api.*"}
    assert wanted <= covered
    assert config.get("check_untyped_defs") is True and config.get("warn_unused_ignores") is True


def test_the_cli_state_hands_out_a_typed_workspace():
    from stabilis.cli import context

    # Annotations are strings (postponed evaluation); mypy resolves them, here we read them.
    assert context.State.workspace.__annotations__["return"] == "Workspace"
    assert context.workspace_of.__annotations__["return"] == "Workspace"
    assert "from stabilis.workspace import Workspace" in Path(context.__file__).read_text()
