"""Writes over the API: tokens, registry edits, notes, and the audit log (admins).

``POST /api/v1/tokens`` (user name and password -> a bearer token), ``DELETE
/api/v1/tokens/current``, ``GET /api/v1/users/me``, ``GET|POST /api/v1/edits``, ``GET|PATCH
/api/v1/edits/{edit_id}`` (revise, or approve/reject with ``decision``), ``GET|POST
/api/v1/notes``, ``GET /api/v1/audit``. Every write needs a bearer token (or a dashboard
session plus its CSRF token) of a user with the right role; errors use the one error shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from stabilis.api.responses import envelope, json_response
from stabilis.dashboard.auth import client_address, identify, writer
from stabilis.errors import AuthenticationError

if TYPE_CHECKING:
    from stabilis.workspace import Workspace


class TokenRequest(BaseModel):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    label: str = Field("api", max_length=80)
    days: int = Field(30, ge=1, le=365)


class EditRequest(BaseModel):
    table: Literal["members", "partnerships", "programmes", "operations"]
    fields: dict[str, str] = Field(
        description="Columns to set, e.g. {'country_iso3': 'MDA', 'source': 'https://...'}."
    )
    note: str = Field(max_length=4000, description="Why: what the source says.")
    row_id: str = Field("", max_length=80, description="Correct this row instead of adding.")


class EditPatch(BaseModel):
    revision: int = Field(description="The revision you read; a changed edit answers 409.")
    decision: Literal["approve", "reject"] | None = Field(
        None, description="Editors: approve or reject. Omit to revise the proposal."
    )
    fields: dict[str, str] | None = None
    note: str | None = Field(None, max_length=4000)
    review_note: str = Field("", max_length=4000)


class NoteRequest(BaseModel):
    subject_kind: Literal["country", "forecast", "impact_case"]
    subject_id: str = Field(max_length=120)
    body: str = Field(max_length=4000)


def _created(data: Any, **meta: Any) -> Response:
    return json_response(envelope(data, **meta), status_code=201)


def router(ws: Workspace) -> APIRouter:
    api = APIRouter(tags=["edits"])

    @api.post("/tokens", summary="Sign in: a bearer token for the API", status_code=201)
    def create_token(body: TokenRequest, request: Request) -> Response:
        credential = ws.accounts.create_token(
            body.username,
            body.password,
            client_address(request),
            label=body.label,
            days=body.days,
        )
        return _created(
            {
                "token": credential.token,
                "expires_at": credential.expires_at,
                "username": credential.user.username,
                "role": credential.user.role,
            },
            note="Send it as 'Authorization: Bearer <token>'. It is shown once.",
        )

    @api.delete("/tokens/current", summary="Revoke the bearer token of this request")
    def revoke_token(request: Request) -> Response:
        user = identify(ws, request)
        header = request.headers.get("authorization", "")
        if user is None or not header:
            raise AuthenticationError("Send the token to revoke as 'Authorization: Bearer ...'.")
        ws.accounts.revoke(header.partition(" ")[2].strip(), actor=user)
        return json_response(envelope({"revoked": True}))

    @api.get("/users/me", summary="Who the request is signed in as")
    def me(request: Request) -> Response:
        user = identify(ws, request)
        if user is None:
            raise AuthenticationError("Not signed in: send 'Authorization: Bearer <token>'.")
        return json_response(envelope({"username": user.username, "role": user.role}))

    @api.get("/edits", summary="Registry edits (proposed, approved, rejected)")
    def list_edits(
        status: str | None = Query(None, description="proposed, approved or rejected"),
    ) -> Response:
        edits = ws.edits.list_edits(status)
        return json_response(envelope(edits, count=len(edits)))

    @api.get("/edits/{edit_id}", summary="One registry edit")
    def get_edit(edit_id: str = Path(description="e.g. E-3")) -> Response:
        return json_response(envelope(ws.edits.get(edit_id)))

    @api.post("/edits", summary="Propose a registry fact or correction (analysts)", status_code=201)
    def propose(body: EditRequest, request: Request) -> Response:
        user = writer(ws, request, "analyst", "propose a registry edit")
        edit = ws.edits.propose(
            user, table=body.table, fields=body.fields, note=body.note, row_id=body.row_id
        )
        return _created(edit, enters_registry="after approval, at the next 'stabilis build'")

    @api.patch("/edits/{edit_id}", summary="Revise a proposal, or approve/reject it (editors)")
    def patch(body: EditPatch, request: Request, edit_id: str = Path()) -> Response:
        if body.decision is None:
            user = writer(ws, request, "analyst", "revise a registry edit")
            edit = ws.edits.revise(
                user, edit_id, revision=body.revision, fields=body.fields, note=body.note
            )
        else:
            user = writer(ws, request, "editor", "approve or reject registry edits")
            edit = ws.edits.review(
                user,
                edit_id,
                decision=body.decision,
                revision=body.revision,
                note=body.review_note,
            )
        return json_response(envelope(edit))

    @api.get("/notes", summary="Notes on countries, forecasts and impact cases")
    def list_notes(
        subject_kind: str | None = Query(None, description="country, forecast or impact_case"),
        subject_id: str | None = Query(None, description="e.g. MDA"),
    ) -> Response:
        notes = ws.edits.notes(subject_kind, subject_id)
        return json_response(envelope(notes, count=len(notes)))

    @api.post("/notes", summary="Add a note (analysts)", status_code=201)
    def add_note(body: NoteRequest, request: Request) -> Response:
        user = writer(ws, request, "analyst", "write a note")
        subject = body.subject_id
        if body.subject_kind == "country":
            subject = ws.check_country(subject)
        note = ws.edits.add_note(
            user, subject_kind=body.subject_kind, subject_id=subject, body=body.body
        )
        return _created(note)

    @api.get("/audit", summary="The audit log, newest first (admins)")
    def audit(
        request: Request,
        limit: int = Query(200, ge=1, le=10_000),
        offset: int = Query(0, ge=0),
    ) -> Response:
        entries = ws.edits.audit_log(identify(ws, request), limit=limit, offset=offset)
        return json_response(envelope(entries, count=len(entries), offset=offset))

    return api
