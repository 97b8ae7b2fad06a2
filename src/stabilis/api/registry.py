"""``GET /api/v1/registry/{table}``: members, partnerships, programmes and operations, and
``GET /api/v1/registry/countries/{iso3}``: every row about one country.

Every row carries ``status_as_of`` (the status that held in ``year``, default this year),
``evidence`` (``UNVERIFIED``, ``second-tier only``, ``no source``, ``other`` or ``preferred``)
and ``provenance`` (the registry release, or the analyst edit id that added or corrected it).
An unknown country code answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import check_year, parse_format, parse_iso3
from stabilis.api.responses import PAGE, Page, table_response
from stabilis.errors import NotFoundError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.workspace import Workspace

TABLES = ("members", "partnerships", "programmes", "operations")
#: Columns shown and downloaded, in order: the facts, their dates, confidence and source.
COLUMNS = {
    "members": ["iso3", "country", "accession_date", "date_basis", "enlargement_round"],
    "partnerships": [
        "iso3",
        "country",
        "framework",
        "framework_code",
        "joined_date",
        "left_date",
        "status",
    ],
    "programmes": [
        "iso3",
        "country",
        "programme",
        "programme_code",
        "milestone",
        "shape",
        "start_date",
        "end_date",
        "amount",
        "amount_unit",
    ],
    "operations": [
        "iso3",
        "host_name",
        "operation",
        "operation_code",
        "kind",
        "start_date",
        "end_date",
        "peak_personnel",
        "personnel_note",
    ],
}
TRAILER = [
    "status_as_of",
    "evidence",
    "provenance",
    "confidence",
    "unverified",
    "second_tier_only",
    "as_of",
    "notes",
    "source",
]


def registry_table(
    ws: Workspace, table: str, iso3: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """One registry table with its display columns and the status held in ``year``."""
    from datetime import UTC, datetime

    if table not in TABLES:
        raise NotFoundError(
            f"There is no registry table '{table}'. Tables: {', '.join(TABLES)}.",
            details={"table": table},
        )
    frame = ws.registry.table_as_of(table, year or datetime.now(UTC).year, iso3 or None)
    columns = [c for c in COLUMNS[table] + TRAILER if c in frame.columns]
    return frame[columns].reset_index(drop=True)


def router(ws: Workspace) -> APIRouter:
    api = APIRouter(tags=["registry"])

    @api.get("/registry/{table}", summary="A registry table, each fact with its source")
    def table(
        table: str = Path(description="members, partnerships, programmes or operations"),
        iso3: str | None = Query(None, description="Only this country's rows."),
        year: int | None = Query(None, description="Statuses as of this year (default: now)."),
        format: str = Query("json", description="json (paginated), csv or parquet (whole)."),
        page: Page = PAGE,
    ) -> Response:
        code = ws.check_country(parse_iso3(iso3)) if iso3 else None
        if year is not None:
            check_year(year)
        from stabilis.report import provenance

        frame = registry_table(ws, table, code, year)
        cited = provenance.for_sources(
            ws, ["registry"], {"table": table, "iso3": code, "year": year}
        )
        return table_response(
            frame,
            parse_format(format),
            f"registry-{table}",
            page,
            provenance=cited,
            table=table,
            registry_version=ws.registry.version.version,
            year=year,
        )

    @api.get(
        "/registry/countries/{iso3}",
        summary="Every registry row about one country, with the status held in a year",
    )
    def country(
        iso3: str = Path(description="ISO3 code, e.g. MDA"),
        year: int | None = Query(None, description="Statuses as of this year (default: now)."),
    ) -> Response:
        from stabilis.api.responses import envelope, json_response, records

        if year is not None:
            check_year(year)
        frame = ws.registry_records(parse_iso3(iso3), year)
        frame = frame.drop(columns=["start_first", "end_last"], errors="ignore")
        from stabilis.report import provenance

        cited = provenance.for_sources(ws, ["registry"], {"iso3": iso3.upper(), "year": year})
        return json_response(
            envelope(
                records(frame),
                provenance=cited.to_dict(),
                iso3=iso3.upper(),
                year=year,
                rows=len(frame),
                unverified=int(frame["unverified"].sum()) if len(frame) else 0,
                registry_version=ws.registry.version.version,
            )
        )

    return api
