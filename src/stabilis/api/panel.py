"""``GET /api/v1/panel``: any indicators x countries x years, as JSON pages, CSV or Parquet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stabilis.api.params import parse_format, parse_list, parse_years, query_value
from stabilis.api.responses import PAGE, Page, table_response
from stabilis.errors import QueryError

if TYPE_CHECKING:
    from stabilis.workspace import Workspace


def router(ws: Workspace) -> APIRouter:
    api = APIRouter(tags=["panel"])

    @api.get(
        "/panel",
        summary="The country-year panel: one row per country-year, one column per indicator",
    )
    def panel(
        indicators: str = Query(
            ..., description="Comma-separated codes, e.g. vdem.v2x_polyarchy,fh.total (max 50)."
        ),
        countries: str | None = Query(
            None,
            description="A group name (all = every country, nato, partners, "
            "members_and_partners, ...; see /api/v1/groups) or ISO3 codes separated by commas. "
            "Default: all.",
        ),
        years: str | None = Query(None, description="1990-2024 or 2020. Default: every year."),
        format: str = Query(
            "json",
            description="json (paginated), csv, parquet or datapackage (a zip: CSV + "
            "datapackage.json with the citations); whole downloads carry their sources.",
        ),
        bounds: bool = Query(
            False,
            description="Add <code>.lower and <code>.upper where the producer ships an interval.",
        ),
        page: Page = PAGE,
    ) -> Response:
        codes = parse_list(indicators, "indicators")
        if not codes:
            raise QueryError(
                "Ask for at least one indicator, e.g. indicators=vdem.v2x_polyarchy. "
                "The codes are listed at /api/v1/indicators.",
                details={"parameter": "indicators"},
            )
        span = parse_years(years)
        fmt = parse_format(format)
        from stabilis.report import provenance
        from stabilis.report.exports import panel_with_bounds

        with query_value("countries", countries):
            ws.resolve_countries(countries or None)
        with query_value("indicators", indicators):
            if bounds:
                frame = panel_with_bounds(ws, codes, countries=countries or None, years=span)
            else:
                frame = ws.panel(codes, countries=countries or None, years=span)
        query = {"indicators": codes, "countries": countries or "all", "years": span}
        return table_response(
            frame,
            fmt,
            "stabilis-panel",
            page,
            provenance=provenance.for_indicators(ws, codes, query),
            indicators=codes,
            countries=countries or "all",
            years=list(span) if span else None,
        )

    return api
