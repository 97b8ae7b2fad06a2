"""``stabilis``: entry point, global options and the one error handler.

Every command builds a Workspace from the merged settings and prints either a human view or,
with ``--json``, the envelope ``{"data": ..., "meta": ...}`` (errors: ``{"error": {...}}``).
A :class:`~stabilis.errors.StabilisError` becomes its message on stderr and its exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from stabilis._version import __version__
from stabilis.cli.context import State, emit_json  # noqa: F401 (State and emit_json live on here for callers)
from stabilis.errors import StabilisError

app = typer.Typer(
    name="stabilis",
    help="Stabilis: democracy and stability among an alliance's members and partners.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def version_callback(value: bool) -> None:
    if value:
        typer.echo(f"stabilis {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Folder for snapshots and the warehouse [env: STABILIS_DATA_DIR]."
    ),
    mirror: str | None = typer.Option(
        None,
        "--mirror",
        help="Offline mirror (folder or http address laid out like shared/data) [env: STABILIS_MIRROR].",
    ),
    config: Path | None = typer.Option(
        None, "--config", help="TOML settings file [env: STABILIS_CONFIG; default ./stabilis.toml]."
    ),
    version: bool = typer.Option(
        False, "--version", callback=version_callback, is_eager=True, help="Show the version."
    ),
) -> None:
    ctx.obj = State(data_dir, mirror, config)


def _register_commands() -> None:
    from stabilis.cli import (
        alliance,
        audit,
        brief,
        data,
        elections,
        forecast,
        impact,
        notes,
        registry,
        serve,
        threats,
        users,
    )

    data.register(app)
    app.add_typer(registry.app, name="registry")
    app.add_typer(forecast.app, name="forecast")
    app.add_typer(impact.app, name="impact")
    app.add_typer(threats.threats_app, name="threats")
    app.add_typer(alliance.support_app, name="support")
    app.add_typer(alliance.resilience_app, name="resilience")
    app.command(name="elections")(elections.elections)
    app.command(name="serve")(serve.serve)
    app.command(name="brief")(brief.brief)
    app.add_typer(users.app, name="users")
    app.add_typer(notes.app, name="notes")
    app.add_typer(audit.app, name="audit")


def run() -> None:
    """Console-script entry point with the single error handler.

    Usage errors are click's own (exit code 2 with the usage line); a StabilisError becomes its
    message on stderr (or the JSON error envelope with ``--json``) and its exit code.
    """
    application = get_app()
    json_mode = "--json" in sys.argv
    try:
        application()
    except StabilisError as exc:
        if json_mode:
            from stabilis.workspace import encode

            typer.echo(encode({"error": exc.to_dict()}, indent=2).decode())
        else:
            typer.secho(f"Error: {exc.message}", err=True, fg=typer.colors.RED)
        sys.exit(exc.exit_code)


_register_commands_done = False


def get_app() -> typer.Typer:
    """The app with every command registered (for tests and doc generation)."""
    global _register_commands_done
    if not _register_commands_done:
        _register_commands()
        _register_commands_done = True
    return app
