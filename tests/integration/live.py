"""A real server on a free loopback port, in a thread, over a given workspace (for the tests that
talk HTTP to a live app: schemathesis, the load test)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def wait_until_up(url: str, seconds: float = 60) -> None:
    """Wait (up to ``seconds``) until the app at ``url`` answers its status route."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/status", timeout=5):
                return
        except OSError:
            time.sleep(0.1)


@contextmanager
def live_server(ws: Any) -> Iterator[str]:
    import uvicorn

    from stabilis.api import create_app
    from stabilis.api.server import _config, bind

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(_config(create_app(ws)))
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url)
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        _ = socket  # the socket module stays imported for type checkers
