"""``GET /api/v1/registry/{table}``: members, partnerships, programmes and operations."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import parse_format, parse_iso3
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
        "start_date",
        "end_date",
    ],
    "operations": [
        "iso3",
        "host_name",
        "operation",
        "operation_code",
        "kind",
        "start_date",
        "end_date",
    ],
}
TRAILER = ["notes", "confidence", "source"]


def registry_table(ws: Workspace, table: str, iso3: str | None = None) -> pd.DataFrame:
    """One registry table with its display columns, optionally one country's rows."""
    if table not in TABLES:
        raise NotFoundError(
            f"There is no registry table '{table}'. Tables: {', '.join(TABLES)}.",
            details={"table": table},
        )
    frame = ws.registry.table(table)
    if iso3:
        frame = frame[frame["iso3"] == iso3]
    columns = [c for c in COLUMNS[table] + TRAILER if c in frame.columns]
    return frame[columns].reset_index(drop=True)


def router(ws: Workspace) -> APIRouter:
    api = APIRouter(tags=["registry"])

    @api.get("/registry/{table}", summary="A registry table, each fact with its source")
    def table(
        table: str = Path(description="members, partnerships, programmes or operations"),
        iso3: str | None = Query(None, description="Only this country's rows."),
        format: str = Query("json", description="json (paginated), csv or parquet (whole)."),
        page: Page = PAGE,
    ) -> Response:
        code = parse_iso3(iso3) if iso3 else None
        frame = registry_table(ws, table, code)
        return table_response(
            frame,
            parse_format(format),
            f"registry-{table}",
            page,
            table=table,
            registry_version=ws.registry.version.version,
        )

    return api
