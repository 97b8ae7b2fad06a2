"""Running the web application: the port, the limits, the workers and a clean stop.

:func:`run` is what ``stabilis serve`` calls:

* the listening socket is bound **before** anything is printed, so a taken port is refused with a
  clear message and no URL is shown as if the server had started;
* an address other than loopback is served with a warning (the API and the dashboard only
  read, but anyone who can reach the address can read everything);
* connection limits: a connection that sends no complete request within
  :data:`REQUEST_READ_TIMEOUT` seconds is closed (a stalled client cannot hold a worker), idle
  keep-alive connections close after :data:`KEEP_ALIVE_TIMEOUT` seconds, request heads are at most
  :data:`MAX_HEAD_BYTES`, and at most :data:`MAX_CONNECTIONS` connections are served at once
  (more answer 503);
* Ctrl-C and SIGTERM stop it gracefully: requests in flight finish, the background warmer is
  joined, the process exits 0;
* ``workers`` > 1 runs that many processes on the one socket, each with its own caches and read
  connection (the settings travel in an environment variable).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from stabilis.errors import ConfigError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from stabilis.workspace import Workspace

#: Seconds a new or idle connection may take to send a complete request head.
REQUEST_READ_TIMEOUT = 15.0
#: Seconds an idle keep-alive connection stays open.
KEEP_ALIVE_TIMEOUT = 5
#: The largest request head (request line and headers) accepted, in bytes.
MAX_HEAD_BYTES = 16 * 1024
#: Connections served at once per worker; beyond that the server answers 503.
MAX_CONNECTIONS = 512
#: Seconds a graceful stop waits for requests in flight.
GRACEFUL_SECONDS = 10

_SETTINGS_ENV = "STABILIS_SERVE_SETTINGS"


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``, or a ConfigError that says what to do."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise ConfigError(
            f"Cannot listen on '{host}': the address is unknown ({exc.strerror}). Use an IP "
            "address of this machine, e.g. --host 127.0.0.1.",
            details={"parameter": "host", "value": host},
        ) from exc
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno == 98:  # EADDRINUSE
            raise ConfigError(
                f"Port {port} on {host} is already in use (another program, perhaps another "
                "'stabilis serve', listens there). Stop it, or choose another port with --port.",
                details={"parameter": "port", "value": port},
            ) from exc
        raise ConfigError(
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}). Ports below 1024 need "
            "extra rights; choose another with --port.",
            details={"parameter": "port", "value": port},
        ) from exc
    sock.set_inheritable(True)
    return sock


class StalledConnectionsClose(H11Protocol):
    """uvicorn's h11 protocol, closing a connection that sends no complete request head within
    :data:`REQUEST_READ_TIMEOUT` seconds of opening or of its previous response."""

    _read_deadline: Any = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
        super().connection_lost(exc)

    def _arm(self) -> None:
        if self._read_deadline is not None:
            self._read_deadline.cancel()
        self._read_deadline = self.loop.call_later(REQUEST_READ_TIMEOUT, self._stalled)

    def _stalled(self) -> None:
        idle = self.cycle is None or self.cycle.response_complete
        if idle and not self.transport.is_closing():
            self.transport.close()


class QuietStop(uvicorn.Server):
    """Stops on SIGINT/SIGTERM without re-raising the signal afterwards (so it exits 0)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM)
        original = {sig: signal.signal(sig, self.handle_exit) for sig in handled}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)


def _config(app: Any, *, factory: bool = False, workers: int = 1) -> Any:
    return uvicorn.Config(
        app,
        factory=factory,
        log_level="warning",
        http=StalledConnectionsClose,
        timeout_keep_alive=KEEP_ALIVE_TIMEOUT,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
        limit_concurrency=MAX_CONNECTIONS,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        workers=workers,
        lifespan="on",
    )


def app_from_environment() -> FastAPI:
    """The application of one worker process, from the settings its parent passed on."""
    from stabilis.api.app import create_app
    from stabilis.workspace import open_workspace

    values = json.loads(os.environ[_SETTINGS_ENV])
    warm = bool(values.pop("_warm", False))
    return create_app(open_workspace(**values), warm=warm)


def run(
    ws: Workspace,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    warm: bool = True,
    workers: int = 1,
    echo: Callable[[str], None] = print,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Serve ``ws`` on ``host:port`` until Ctrl-C or SIGTERM (see the module's docstring)."""
    sock = bind(host, port)
    try:
        if not is_loopback(host):
            (warn or echo)(
                f"Warning: serving on {host}, reachable from other machines. Everything in the "
                "warehouse can be read by anyone who reaches this address (the API has no "
                "sign-in yet, and it never writes). Use --host 127.0.0.1 to serve this machine "
                "only."
            )
        shown = f"[{host}]" if ":" in host else host
        echo(f"Stabilis dashboard on http://{shown}:{port}/ (API: /api/v1, stop with Ctrl+C)")
        if workers > 1:
            _run_workers(ws, sock, warm=warm, workers=workers)
        else:
            from stabilis.api.app import create_app

            server = QuietStop(_config(create_app(ws, warm=warm)))
            server.run(sockets=[sock])
            ws.keep_open(False)
    finally:
        sock.close()


def _run_workers(ws: Workspace, sock: socket.socket, *, warm: bool, workers: int) -> None:
    from uvicorn.supervisors import Multiprocess

    settings = ws.settings
    values: dict[str, Any] = {
        "data_dir": str(settings.data_dir),
        "mirror": settings.mirror,
        "config_file": str(settings.config_file) if settings.config_file else None,
        "timeout": settings.timeout,
        "spark_master": settings.spark_master,
        "unknown_countries": settings.unknown_countries,
        "require_sign_in": settings.require_sign_in,
        "_warm": warm,
    }
    os.environ[_SETTINGS_ENV] = json.dumps(values)
    config = _config("stabilis.api.server:app_from_environment", factory=True, workers=workers)
    Multiprocess(config, sockets=[sock]).run()
