"""``create_app(ws)``: the FastAPI application behind ``stabilis serve``.

JSON routes live under ``/api/v1`` (OpenAPI document at ``/api/v1/openapi.json``; a readable
route list at ``/api``); the dashboard's pages, scripts, styles and map file are served by the
same application, so a browser needs nothing from the internet. The app only reads: it never
pulls, builds or writes to the warehouse.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from stabilis._version import __version__
from stabilis.api import (
    alliance,
    briefs,
    catalogue,
    edits,
    elections,
    impact,
    maps,
    panel,
    profiles,
    registry,
    results,
    threats,
)
from stabilis.api.cache import ReadCache, ResponseCacheMiddleware
from stabilis.api.handlers import install_error_handlers
from stabilis.api.params import KNOWN_PARAMETERS
from stabilis.dashboard.auth import install_sign_in_requirement

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

API_PREFIX = "/api/v1"

DESCRIPTION = """\
Read-only access to the Stabilis warehouse: countries and groups, the country-year panel (JSON,
CSV or Parquet), indicator metadata and provenance, the alliance registry, forecasts and impact
results. Success bodies are `{"data": ..., "meta": ...}`; errors are
`{"error": {"code": ..., "message": ..., "details": ...}}` with the matching HTTP status.
Tables are paginated with `limit` (at most 10,000) and `offset`; `meta.next_offset` gives the
next page.
"""


def create_app(
    ws: Workspace,
    *,
    cache_size: int = 512,
    assets_dir: Path | None = None,
    warm: bool = False,
) -> FastAPI:
    """The web application over ``ws``: JSON API plus dashboard.

    ``cache_size`` is the number of encoded responses kept per warehouse build (0 turns the cache
    off); ``assets_dir`` is where the npm front-end packages were installed (default: the
    dashboard package's ``node_modules``); ``warm`` keeps every country's default profile in the
    cache from a background thread (``stabilis serve`` turns it on; see ``profiles.warm_profiles``).
    """
    from stabilis.dashboard import mount

    ws.keep_open()  # one read connection per worker, re-opened when a build replaces the file
    freshness = _freshness(ws)
    cache = read_cache(ws, cache_size, freshness)
    lifespan = _warming(ws, cache) if warm and cache_size > 0 else None
    app = FastAPI(
        title="Stabilis API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load their scripts from a CDN: not here.
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.workspace = ws
    app.state.cache = cache
    for router in (
        catalogue.router(ws, cache),
        maps.router(ws, cache),
        profiles.router(ws, cache),
        panel.router(ws),
        registry.router(ws),
        results.router(ws, cache),
        impact.router(ws, cache),
        threats.router(ws, cache),
        elections.router(ws, cache),
        alliance.router(ws, cache),
        briefs.router(ws, cache),
        edits.router(ws),
    ):
        app.include_router(router, prefix=API_PREFIX, dependencies=[KNOWN_PARAMETERS])
    html_error = mount(app, ws, cache, assets_dir=assets_dir)
    install_error_handlers(app, html_error)
    _document(app)
    if ws.settings.require_sign_in:
        install_sign_in_requirement(app, ws)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    # Outermost: whole responses cached per address and freshness (compressed ones too).
    app.add_middleware(ResponseCacheMiddleware, freshness=freshness, enabled=cache_size > 0)
    return app


def response_cache(app: FastAPI) -> ResponseCacheMiddleware | None:
    """The response cache in front of the routes (built with the middleware stack)."""
    stack: Any = app.middleware_stack or app.build_middleware_stack()
    app.middleware_stack = stack
    while stack is not None and not isinstance(stack, ResponseCacheMiddleware):
        stack = getattr(stack, "app", None)
    return stack


def read_cache(
    ws: Workspace, maxsize: int = 512, freshness: Callable[[], str] | None = None
) -> ReadCache:
    """The routes' cache: in memory per freshness; impact case studies kept as files per
    freshness; default country profiles and map cross-sections kept as files per build (what
    ``stabilis build`` materialises, see :func:`stabilis.api.profiles.materialise`)."""
    return ReadCache(
        ws.warehouse_path,
        maxsize=maxsize,
        freshness=freshness or _freshness(ws),
        persist_dir=Path(ws.settings.data_dir) / "cache" / "api",
        persist_kinds=("impact",),
        warehouse_kinds=("profile", "values"),
    )


def _document(app: FastAPI) -> None:
    """Every route's OpenAPI entry carries its response bodies and the one error body."""
    from stabilis.api.models import document_responses

    def openapi() -> dict[str, Any]:
        if not app.openapi_schema:
            app.openapi_schema = document_responses(FastAPI.openapi(app))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _freshness(ws: Workspace) -> Callable[[], str]:
    """``ws.freshness()``, plus the archive of a forecast service configured with its own
    folder (a workspace given ready-made services, as tests and embedders do)."""

    def key() -> str:
        own = ws.freshness()
        service = vars(ws).get("forecasts")
        root = getattr(getattr(service, "archive", None), "root", None)
        if root is None:
            return own
        return f"{own}-{ws.folder_key(root)}"

    return key


def _warming(ws: Workspace, cache: ReadCache) -> Any:
    """A lifespan that runs the profile warmer in a daemon thread while the app serves."""

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = threading.Thread(
            target=profiles.warm_profiles, args=(ws, cache, stop), name="warm-profiles", daemon=True
        )
        worker.start()
        app.state.warmer = worker
        try:
            yield
        finally:
            stop.set()
            # Wait for the warmer (at most one profile): a thread killed inside DuckDB at
            # interpreter exit aborts the process ("FATAL: exception not rethrown").
            worker.join(timeout=30)

    return lifespan
