"""What every command shares: the global options (``State``) and the JSON envelope printer.

Command modules import these from here, never from :mod:`stabilis.cli.main`, which imports the
command modules to register them (so the import graph has no cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from stabilis.workspace import Workspace


class State:
    """Global options, turned into Settings on first use."""

    def __init__(self, data_dir: Path | None, mirror: str | None, config: Path | None) -> None:
        self.overrides: dict[str, Any] = {
            "data_dir": data_dir,
            "mirror": mirror,
            "config_file": config,
        }
        self._workspace: Workspace | None = None

    def workspace(self, *, forecast: Mapping[str, Any] | None = None) -> Workspace:
        """The Workspace of the global options; ``forecast`` configures its forecast service
        (fields of ``ForecastConfig``, e.g. ``{"model": "logit"}``) for this command."""
        from stabilis.workspace import open_workspace

        if self._workspace is None:
            self._workspace = open_workspace(**self.overrides)
        if forecast:
            return self._workspace.configured(forecast=forecast)
        return self._workspace


def workspace_of(ctx: typer.Context, *, forecast: Mapping[str, Any] | None = None) -> Workspace:
    """The command's Workspace (typed: ``ctx.obj`` is Any to typer)."""
    state: State = ctx.obj
    return state.workspace(forecast=forecast)


def emit_json(data: Any, **meta: Any) -> None:
    """The envelope ``{data, meta}`` on stdout, through the API's one JSON conversion."""
    from stabilis.workspace import encode

    typer.echo(encode({"data": data, "meta": meta}, indent=2).decode())
