"""``stabilis serve`` builds the app over the workspace and hands it to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from stabilis.cli.main import State
from stabilis.cli.serve import serve

DATA_DIR = typer.Option(..., "--data-dir")


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context, data_dir: Path = DATA_DIR) -> None:
        ctx.obj = State(data_dir, None, None)

    app.command()(serve)
    return app


def test_serve_runs_uvicorn_on_the_asked_address(built, monkeypatch):
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    result = CliRunner().invoke(
        _app(),
        ["--data-dir", str(built.settings.data_dir), "serve", "--port", "8123"],
    )
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8123/" in result.output
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
    assert seen["app"].openapi()["info"]["title"] == "Stabilis API"


def test_serve_without_a_warehouse_says_to_build_first(tmp_path):
    from stabilis.errors import WarehouseError

    result = CliRunner().invoke(_app(), ["--data-dir", str(tmp_path), "serve"])
    assert isinstance(result.exception, WarehouseError)
    assert "stabilis build" in result.exception.message
