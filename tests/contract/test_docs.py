"""Executable docs: every command and setting is documented, and docs/cli.md is current."""

from __future__ import annotations

import re
from pathlib import Path

from stabilis.config import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_cli_reference_is_current():
    from stabilis.cli.reference import generate

    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == generate(), (
        "docs/cli.md is stale: run 'python -m stabilis.cli.reference > docs/cli.md'"
    )


def test_every_setting_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in Settings.__dataclass_fields__:
        if name == "config_file":
            name = "config"
        assert f"STABILIS_{name.upper()}" in readme, f"STABILIS_{name.upper()} is not in README.md"


def test_readme_commands_exist():
    from stabilis.cli.main import get_app

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    app = get_app()
    top = {c.name or c.callback.__name__ for c in app.registered_commands}
    top |= {g.name for g in app.registered_groups}
    used = set(re.findall(r"^\s*(?:\$ )?stabilis (?:--\S+ \S+ )*([a-z-]+)", readme, re.M))
    assert used, "the README shows no stabilis command"
    assert used <= top, f"README uses unknown commands: {used - top}"
