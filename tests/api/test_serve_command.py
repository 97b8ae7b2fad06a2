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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_runs_uvicorn_on_the_asked_address(built, monkeypatch):
    from stabilis.api.server import QuietStop

    seen: dict[str, Any] = {}

    def fake_run(self: Any, sockets: Any = None) -> None:
        seen.update(app=self.config.app, address=sockets[0].getsockname())

    monkeypatch.setattr(QuietStop, "run", fake_run)
    port = _free_port()
    result = CliRunner().invoke(
        _app(),
        ["--data-dir", str(built.settings.data_dir), "serve", "--port", str(port)],
    )
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.output
    assert seen["address"] == ("127.0.0.1", port)
    assert seen["app"].openapi()["info"]["title"] == "Stabilis API"
    assert "Warning" not in result.output


def test_a_taken_port_is_refused_before_any_url_is_printed(built):
    import socket

    from stabilis.errors import ConfigError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            _app(), ["--data-dir", str(built.settings.data_dir), "serve", "--port", str(port)]
        )
    assert isinstance(result.exception, ConfigError)
    assert "already in use" in result.exception.message and "--port" in result.exception.message
    assert "http://" not in result.output


def test_serving_beyond_loopback_warns(built, monkeypatch):
    from stabilis.api.server import QuietStop

    monkeypatch.setattr(QuietStop, "run", lambda self, sockets=None: None)
    result = CliRunner().invoke(
        _app(),
        ["--data-dir", str(built.settings.data_dir), "serve", "--host", "0.0.0.0",
         "--port", str(_free_port())],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Warning: serving on 0.0.0.0, reachable from other machines" in result.output


def test_serve_without_a_warehouse_says_to_build_first(tmp_path):
    from stabilis.errors import WarehouseError

    result = CliRunner().invoke(_app(), ["--data-dir", str(tmp_path), "serve"])
    assert isinstance(result.exception, WarehouseError)
    assert "stabilis build" in result.exception.message
