"""``stabilis serve``: the dashboard and the JSON API on a local address (uvicorn)."""

from __future__ import annotations

import typer

from stabilis.cli.context import workspace_of


def serve(
    ctx: typer.Context,
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (loopback by default)."
    ),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1,
        "--workers",
        min=1,
        max=64,
        help="Server processes sharing the port (each with its own cache).",
    ),
) -> None:
    """Serve the dashboard and the JSON API (read-only) until Ctrl-C or SIGTERM.

    A taken port is refused before anything starts; an address other than loopback is served
    with a warning.
    """
    from stabilis.api.server import run

    ws = workspace_of(ctx)
    if not ws.warehouse_exists():
        from stabilis.errors import WarehouseError

        raise WarehouseError(
            f"There is no warehouse at {ws.warehouse_path}. Run 'stabilis pull' and "
            "'stabilis build' first (or 'make demo')."
        )
    run(
        ws,
        host=host,
        port=port,
        workers=workers,
        warm=True,
        echo=typer.echo,
        warn=lambda text: typer.secho(text, err=True, fg=typer.colors.YELLOW),
    )
