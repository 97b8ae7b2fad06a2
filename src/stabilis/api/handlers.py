"""The one error handler: a StabilisError becomes ``{"error": {code, message, details}}``.

The status is the error's ``http_status`` (404 not found, 422 invalid query, 503 no warehouse...).
FastAPI's own validation errors and unknown routes are turned into the same shape, so a client
reads one error format whatever went wrong. Dashboard pages (paths outside ``/api/``) get the
same message as an HTML page instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from stabilis.api.responses import encode, json_response
from stabilis.errors import NotFoundError, QueryError, StabilisError

log = logging.getLogger("stabilis.api")

#: Renders an error as an HTML page for the dashboard: (request, error) -> response.
HtmlErrorPage = Callable[[Request, StabilisError, int], Response]


#: Where FastAPI says a bad value came from (dropped from the parameter's name).
_LOCATIONS = frozenset({"query", "path", "header", "cookie", "body"})


class _HttpError(StabilisError):
    """A routing error from the web framework itself (405 method not allowed, ...)."""

    code = "http_error"


def _as_stabilis(exc: Exception) -> tuple[StabilisError, int]:
    if isinstance(exc, StabilisError):
        return exc, exc.http_status
    if isinstance(exc, RequestValidationError):
        problems = [
            {
                "parameter": ".".join(str(p) for p in e.get("loc", ()) if p not in _LOCATIONS),
                "problem": e.get("msg", ""),
                "value": e.get("input"),
            }
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"parameter": "?", "problem": "invalid", "value": None}
        message = (
            f"Invalid value for '{first['parameter']}': {first['problem']}. "
            "The routes and their parameters are listed at /api."
        )
        details = {"parameter": first["parameter"], "value": first["value"], "problems": problems}
        return QueryError(message, details=details), QueryError.http_status
    if isinstance(exc, HTTPException):
        if exc.status_code == 404:
            return (
                NotFoundError(
                    "There is nothing at this address. The API's routes are listed at "
                    "/api; the dashboard starts at /."
                ),
                404,
            )
        return _HttpError(str(exc.detail)), exc.status_code
    log.exception("unexpected error", exc_info=exc)
    return StabilisError(
        "An unexpected error occurred inside Stabilis; the server log has the traceback. "
        "Please report it with the address you asked for."
    ), 500


def install_error_handlers(app: FastAPI, html_page: HtmlErrorPage | None = None) -> None:
    """Register the one mapping from exceptions to error responses on ``app``."""

    def handle(request: Request, exc: Exception) -> Response:
        error, status = _as_stabilis(exc)
        if html_page is not None and not request.url.path.startswith("/api/"):
            return html_page(request, error, status)
        return json_response(encode({"error": error.to_dict()}), status_code=status)

    handlers: dict[Any, Any] = {
        StabilisError: handle,
        RequestValidationError: handle,
        HTTPException: handle,
        Exception: handle,
    }
    for kind, function in handlers.items():
        app.add_exception_handler(kind, function)
