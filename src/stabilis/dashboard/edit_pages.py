"""The dashboard's write pages: sign-in, proposing and reviewing registry edits, notes, and the
admins' audit log.

Every form carries a CSRF token: the session's own once signed in, and for the sign-in form a
random value also set in a short-lived ``SameSite=Strict`` cookie (double submit). Pages that
need a role send a browser without a session to ``/sign-in?next=...``; a signed-in user without
the role gets the 403 error page. Everything a user typed is shown through Jinja's
autoescaping, never as markup.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import RedirectResponse, Response

from stabilis.dashboard.auth import (
    CSRF_FIELD,
    SESSION_COOKIE,
    check_csrf,
    client_address,
    identify,
    set_session_cookie,
)
from stabilis.errors import (
    AuthenticationError,
    PermissionDeniedError,
    RateLimitError,
    StabilisError,
)
from stabilis.workspace import User, require_role

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

SIGN_IN_CSRF_COOKIE = "stabilis_sign_in_csrf"
Render = Callable[..., Response]


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host, no ``//``): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/registry"
    return target


def _sign_in_redirect(request: Request) -> Response:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={path}", status_code=303)


def mount(app: FastAPI, ws: Workspace, render: Render) -> None:
    """Add the write pages to ``app`` (``render`` is the dashboard's page renderer)."""
    editable = ws.editable_fields()

    def who(request: Request) -> User | None:
        try:
            return identify(ws, request)
        except StabilisError:
            return None

    def page(request: Request, name: str, status: int = 200, **context: Any) -> Response:
        return render(request, name, "registry", status=status, user=who(request), **context)

    def needs(request: Request, role: str, action: str) -> User | Response:
        user = who(request)
        if user is None:
            return _sign_in_redirect(request)
        require_role(user, role, action)
        return user

    def form_user(request: Request, role: str, action: str, csrf: str) -> User:
        user = who(request)
        if user is None:
            raise AuthenticationError(f"Sign in to {action}.")
        check_csrf(user, csrf)
        return require_role(user, role, action)

    # -- sign-in ------------------------------------------------------------------------

    def sign_in_form(
        request: Request, next_path: str, error: str = "", status: int = 200, username: str = ""
    ) -> Response:
        token = secrets.token_urlsafe(24)
        response = page(
            request,
            "sign_in.html",
            status=status,
            csrf=token,
            next_path=_safe_next(next_path),
            error=error,
            username=username,
        )
        response.set_cookie(
            SIGN_IN_CSRF_COOKIE, token, max_age=1800, httponly=True, samesite="strict", path="/"
        )
        return response

    @app.get("/sign-in", include_in_schema=False)
    def sign_in_page(request: Request, next: str = "/registry") -> Response:
        return sign_in_form(request, next)

    @app.post("/sign-in", include_in_schema=False)
    def sign_in(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        csrf_token: str = Form(""),
        next: str = Form("/registry"),
    ) -> Response:
        expected = request.cookies.get(SIGN_IN_CSRF_COOKIE, "")
        if not csrf_token or not expected or not secrets.compare_digest(csrf_token, expected):
            raise PermissionDeniedError(
                "The sign-in form's security token is missing or wrong (CSRF protection). "
                "Reload the sign-in page and try again."
            )
        try:
            credential = ws.accounts.sign_in(username, password, client_address(request))
        except RateLimitError as exc:
            return sign_in_form(request, next, exc.message, 429, username)
        except AuthenticationError as exc:
            return sign_in_form(request, next, exc.message, 401, username)
        response = RedirectResponse(_safe_next(next), status_code=303)
        set_session_cookie(response, request, credential.token, ws.session_hours * 3600)
        response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/")
        return response

    @app.post("/sign-out", include_in_schema=False)
    def sign_out(request: Request, csrf_token: str = Form("")) -> Response:
        user = who(request)
        session = request.cookies.get(SESSION_COOKIE)
        if user is not None and session:
            check_csrf(user, csrf_token)
            ws.accounts.revoke(session, actor=user)
        response = RedirectResponse("/registry", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # -- proposals and reviews ------------------------------------------------------------

    def propose_form(
        request: Request,
        user: User,
        table: str,
        row_id: str,
        values: dict[str, str],
        error: str = "",
        status: int = 200,
    ) -> Response:
        columns = [c for c in editable.get(table, ()) if c != "source"]
        return page(
            request,
            "propose.html",
            status=status,
            table=table,
            tables=tuple(editable),
            columns=columns,
            row_id=row_id,
            values=values,
            error=error,
            csrf=user.csrf,
        )

    @app.get("/registry/propose", include_in_schema=False)
    def propose_page(request: Request, table: str = "programmes", row_id: str = "") -> Response:
        user = needs(request, "analyst", "propose a registry edit")
        if isinstance(user, Response):
            return user
        if table not in editable:
            table = "programmes"
        values: dict[str, str] = {}
        if row_id:
            row = ws.edits.current_registry().row(table, row_id)
            values = {c: str(row.get(c, "") or "") for c in editable[table]}
        return propose_form(request, user, table, row_id, values)

    @app.post("/registry/propose", include_in_schema=False)
    async def propose(request: Request) -> Response:
        form = await request.form()
        values = {str(k): str(v) for k, v in form.items()}
        user = form_user(request, "analyst", "propose a registry edit", values.pop(CSRF_FIELD, ""))
        table = values.pop("table", "programmes")
        row_id = values.pop("row_id", "").strip()
        note = values.pop("note", "")
        fields = {k[len("f_") :]: v for k, v in values.items() if k.startswith("f_")}
        if "source" in fields:
            lines = fields["source"].replace(" | ", "\n").splitlines()
            fields["source"] = " | ".join(line.strip() for line in lines if line.strip())
        if row_id:
            row = ws.edits.current_registry().row(table, row_id)
            fields = {k: v for k, v in fields.items() if str(row.get(k, "") or "") != v.strip()}
        else:
            fields = {k: v for k, v in fields.items() if v.strip()}
        try:
            edit = ws.edits.propose(user, table=table, fields=fields, note=note, row_id=row_id)
        except StabilisError as exc:
            if isinstance(exc, AuthenticationError | PermissionDeniedError):
                raise
            shown = {k[len("f_") :]: v for k, v in values.items() if k.startswith("f_")}
            return propose_form(
                request, user, table, row_id, {**shown, "note": note}, exc.message, exc.http_status
            )
        return RedirectResponse(f"/registry/review?proposed={edit['edit_id']}", status_code=303)

    @app.get("/registry/review", include_in_schema=False)
    def review_page(request: Request, proposed: str = "", status: str = "proposed") -> Response:
        user = needs(request, "analyst", "see proposed registry edits")
        if isinstance(user, Response):
            return user
        shown = status if status in ("proposed", "approved", "rejected") else "proposed"
        return page(
            request,
            "review.html",
            edits=ws.edits.list_edits(shown),
            edit_status=shown,
            proposed=proposed,
            can_review=user.has("editor"),
            csrf=user.csrf,
        )

    @app.post("/registry/review/{edit_id}", include_in_schema=False)
    def review(
        request: Request,
        edit_id: str,
        decision: str = Form(""),
        revision: int = Form(0),
        review_note: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        user = form_user(request, "editor", "approve or reject registry edits", csrf_token)
        edit = ws.edits.review(
            user, edit_id, decision=decision, revision=revision, note=review_note
        )
        return RedirectResponse(
            f"/registry/review?status={edit['status']}&proposed={edit['edit_id']}",
            status_code=303,
        )

    # -- notes and the audit log ------------------------------------------------------------

    @app.get("/notes", include_in_schema=False)
    def notes_page(
        request: Request, subject_kind: str = "country", subject_id: str = ""
    ) -> Response:
        user = who(request)
        notes = ws.edits.notes(subject_kind, subject_id or None)
        return page(
            request,
            "notes.html",
            notes=notes,
            subject_kind=subject_kind,
            subject_id=subject_id,
            can_write=bool(user and user.has("analyst")),
            csrf=user.csrf if user else "",
        )

    @app.post("/notes", include_in_schema=False)
    def add_note(
        request: Request,
        subject_kind: str = Form(""),
        subject_id: str = Form(""),
        body: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        user = form_user(request, "analyst", "write a note", csrf_token)
        subject = ws.check_country(subject_id) if subject_kind == "country" else subject_id
        ws.edits.add_note(user, subject_kind=subject_kind, subject_id=subject, body=body)
        return RedirectResponse(
            f"/notes?subject_kind={subject_kind}&subject_id={subject}", status_code=303
        )

    @app.get("/admin/audit", include_in_schema=False)
    def audit_page(request: Request, offset: int = 0) -> Response:
        user = needs(request, "admin", "read the audit log")
        if isinstance(user, Response):
            return user
        entries = [
            {
                **e,
                **{
                    f"{k}_text": "" if e[k] is None else json.dumps(e[k], ensure_ascii=False)
                    for k in ("before", "after")
                },
            }
            for e in ws.edits.audit_log(user, limit=200, offset=max(0, offset))
        ]
        return page(request, "audit.html", entries=entries, offset=offset, roles=ws.roles)
