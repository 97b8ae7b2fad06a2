"""Response models for the OpenAPI document: the one error body, the envelope, and the bodies of
the country profile and the map's cross-section.

Routes return encoded bytes (the cache keeps bodies, not objects), so these models describe the
responses rather than produce them; :func:`document_responses` writes them into the OpenAPI
document, so a client (or schemathesis with its response checks on) can validate every answer.
Every route documents the error body for every status a StabilisError maps to, with the description of
what each status means here (422 is a parameter Stabilis refused, in the one error shape — not
FastAPI's default validation body).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class ErrorDetail(_Open):
    code: str = Field(description="A stable code, e.g. not_found, invalid_query.")
    message: str = Field(description="A sentence saying what went wrong and what to do.")
    details: dict[str, Any] = Field(description="The parameter, value, file, row ... at fault.")


class ErrorBody(BaseModel):
    """The one error shape of every interface."""

    error: ErrorDetail


class Envelope(BaseModel):
    """The one success shape: ``data`` and ``meta``."""

    data: Any
    meta: dict[str, Any]


class ProfileData(_Open):
    country: dict[str, Any]
    years: list[int] = Field(min_length=2, max_length=2)
    groups: list[str]
    indicators: list[dict[str, Any]]
    episodes: list[dict[str, Any]]
    coups: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


class ProfileBody(BaseModel):
    data: ProfileData
    meta: dict[str, Any]


class MapRow(_Open):
    rank: int
    iso3: str
    name: str | None
    value: float | None
    lower: float | None
    upper: float | None
    iso3n: str | None


class MapMeta(_Open):
    indicator: dict[str, Any]
    year: int
    years: list[int]
    group: str
    members_without_value: list[str]
    ranked: str
    total: int | None = None
    limit: int | None = None
    offset: int | None = None
    next_offset: int | None = None


class MapBody(BaseModel):
    data: list[MapRow]
    meta: MapMeta


_ERRORS = {
    "400": "A setting or request the server cannot accept (the one error body).",
    "401": "Sign-in needed: no user, or an unknown or expired token (the one error body).",
    "403": "Signed in, but the user's role may not do this (the one error body).",
    "404": "Not found: an unknown country, indicator, group, case or address (the one error body).",
    "413": "The answer would be larger than one request may return; ask for a smaller page or "
    "fewer indicators (the error names the parameter).",
    "409": "A conflict: the record changed meanwhile, or already exists (the one error body).",
    "422": "A parameter was refused: unknown, malformed or out of range (the error names it).",
    "429": "Too many attempts (e.g. sign-in); wait and try again (the one error body).",
    "500": "An unexpected error inside Stabilis (the server log has the traceback).",
    "502": "An upstream source could not be reached (the one error body).",
    "503": "No warehouse yet, or the request took too long.",
}
_DOWNLOADS = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.apache.parquet": {"schema": {"type": "string", "format": "binary"}},
}


def document_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """Put the error body, the envelope and the table downloads into every operation of ``spec``."""
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorBody, Envelope):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in definition.pop("$defs", {}).items():
            schemas[name] = sub
        schemas[model.__name__] = definition
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, operations in spec.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            success = next((c for c in sorted(responses) if c.startswith("2")), "200")
            ok = responses.setdefault(success, {"description": "Successful Response"})
            content = ok.setdefault("content", {})
            json_body = content.setdefault("application/json", {})
            if not json_body.get("schema"):
                json_body["schema"] = {"$ref": "#/components/schemas/Envelope"}
            names = {p.get("name") for p in operation.get("parameters", [])}
            if "format" in names:
                content.update(_DOWNLOADS)
            for status, description in _ERRORS.items():
                responses[status] = {
                    "description": description,
                    "content": {"application/json": {"schema": error_ref}},
                }
    return spec
