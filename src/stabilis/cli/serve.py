"""``stabilis serve``: the dashboard and the JSON API on a local address (uvicorn)."""

from __future__ import annotations

import typer


def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the dashboard and the JSON API (read-only) until interrupted."""
    import uvicorn

    from stabilis.api import create_app

    ws = ctx.obj.workspace()
    if not ws.warehouse.exists():
        from stabilis.errors import WarehouseError

        raise WarehouseError(
            f"There is no warehouse at {ws.warehouse.path}. Run 'stabilis pull' and "
            "'stabilis build' first (or 'make demo')."
        )
    typer.echo(f"Stabilis dashboard on http://{host}:{port}/ (API: /api/v1, stop with Ctrl+C)")
    uvicorn.run(create_app(ws, warm=True), host=host, port=port, log_level="warning")
