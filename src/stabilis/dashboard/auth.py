"""Who is asking (shared by the API and the dashboard, which the API mounts): API tokens (``Authorization: Bearer``) and dashboard sessions (cookie).

* A bearer token that is unknown, expired or revoked is refused (401) rather than ignored.
* A session cookie is ``HttpOnly``, ``SameSite=Strict``, ``Path=/`` and ``Secure`` when the
  request came over HTTPS; a cookie-authenticated write must also carry the session's CSRF
  token (form field ``csrf_token`` or header ``X-CSRF-Token``), else 403.
* ``require_sign_in`` (setting) makes every route except sign-in, static files and the OpenAPI
  document answer 401 (API) or send the browser to the sign-in page without a user.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from stabilis.errors import AuthenticationError, PermissionDeniedError, StabilisError
from stabilis.workspace import User, require_role

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

SESSION_COOKIE = "stabilis_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
#: Paths open even when the server requires sign-in.
OPEN_PATHS = ("/sign-in", "/static/", "/vendor/", "/favicon", "/api/v1/tokens")


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def identify(ws: Workspace, request: Request) -> User | None:
    """The user behind the request's bearer token or session cookie, or None."""
    header = request.headers.get("authorization", "")
    address = client_address(request)
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(
                "The Authorization header must be 'Bearer <token>'.",
                details={"header": "authorization"},
            )
        user: User = ws.accounts.authenticate(token.strip(), "token", address)
        return user
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        try:
            user = ws.accounts.authenticate(session, "session", address)
        except AuthenticationError:
            return None  # a stale cookie is simply not a sign-in
        return User(user.username, user.role, address, user.csrf)
    return None


def session_of(request: Request) -> str | None:
    if request.headers.get("authorization"):
        return None
    return request.cookies.get(SESSION_COOKIE)


def check_csrf(user: User, supplied: str | None) -> None:
    """403 unless ``supplied`` is the session's CSRF token (compared in constant time)."""
    if not supplied or not user.csrf or not hmac.compare_digest(supplied, user.csrf):
        raise PermissionDeniedError(
            "The form's security token is missing or wrong (CSRF protection). Reload the page "
            "and submit it again.",
            details={"csrf": "missing" if not supplied else "wrong"},
        )


def writer(
    ws: Workspace, request: Request, role: str, action: str, csrf: str | None = None
) -> User:
    """The user allowed to write: authenticated, with ``role``, and CSRF-checked for cookies."""
    user = require_role(identify(ws, request), role, action)
    if session_of(request) is not None:
        check_csrf(user, csrf or request.headers.get(CSRF_HEADER))
    return user


def set_session_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/",
    )


def install_sign_in_requirement(app: FastAPI, ws: Workspace) -> None:
    """Refuse every request without a user (the ``require_sign_in`` setting)."""

    @app.middleware("http")
    async def require_sign_in(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if path == "/api/v1/openapi.json" or any(path.startswith(p) for p in OPEN_PATHS):
            response: Response = await call_next(request)
            return response
        try:
            user = identify(ws, request)
        except StabilisError as exc:
            user, error = None, exc
        else:
            error = AuthenticationError(
                "This server requires sign-in: sign in on the dashboard, or send "
                "'Authorization: Bearer <token>' (POST /api/v1/tokens)."
            )
        if user is None:
            if path.startswith("/api/"):
                return JSONResponse({"error": error.to_dict()}, status_code=401)
            return RedirectResponse(f"/sign-in?next={path}", status_code=303)
        response = await call_next(request)
        return response
