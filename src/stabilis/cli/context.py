"""What every command shares: the global options (``State``) and the JSON envelope printer.

Command modules import these from here, never from :mod:`stabilis.cli.main`, which imports the
command modules to register them (so the import graph has no cycle).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer


class State:
    """Global options, turned into Settings on first use."""

    def __init__(self, data_dir: Path | None, mirror: str | None, config: Path | None) -> None:
        self.overrides: dict[str, Any] = {
            "data_dir": data_dir,
            "mirror": mirror,
            "config_file": config,
        }
        self._workspace: Any = None

    def workspace(self, **more: Any) -> Any:
        from stabilis.config import Settings
        from stabilis.workspace import Workspace

        if self._workspace is None or more:
            settings = Settings.load(**{**self.overrides, **more})
            self._workspace = Workspace(settings)
        return self._workspace


def emit_json(data: Any, **meta: Any) -> None:
    """The envelope ``{data, meta}`` on stdout, through the API's one JSON conversion."""
    from stabilis.panel.serialise import encode

    typer.echo(encode({"data": data, "meta": meta}, indent=2).decode())
