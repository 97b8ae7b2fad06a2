"""What exists: status, groups, countries, indicators (with provenance), sources and snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import parse_format, parse_iso3
from stabilis.api.responses import PAGE, Page, envelope, json_response, records, table_response

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace

FORMAT_QUERY = Query(
    "json", description="json (paginated), csv, parquet or datapackage (whole table, cited)."
)


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["catalogue"])

    @api.get("/status", summary="The warehouse behind the API: when it was built, what it holds")
    def status() -> Response:
        def compute() -> bytes:
            info = ws.summary()
            return envelope(
                {"built_at": info["built_at"], "totals": info["totals"]},
                warehouse=ws.warehouse_path.name,  # never the server's absolute path
                freshness=ws.freshness(),
            )

        return json_response(cache.get_or_compute(("status",), compute))

    @api.get("/groups", summary="Country groups and their members in a year")
    def groups(year: int | None = Query(None, ge=1949, le=2100)) -> Response:
        from stabilis.workspace import GROUPS

        when = year or datetime.now(UTC).year

        def compute() -> bytes:
            data = [
                {"group": name, "description": text, "members": ws.group_members(name, when)}
                for name, text in GROUPS.items()
            ]
            return envelope(data, year=when)

        return json_response(cache.get_or_compute(("groups", when), compute))

    @api.get("/countries", summary="The canonical country table, optionally one group's members")
    def countries(
        group: str | None = Query(
            None,
            description="A group name (all = every country, nato, partners, members_and_partners, pfp, ...; each one described at GET /api/v1/groups).",
        ),
        year: int | None = Query(None, ge=1949, le=2100, description="Group membership year."),
        format: str = FORMAT_QUERY,
        page: Page = PAGE,
    ) -> Response:
        from stabilis.report import provenance

        table = ws.countries(group=group, year=year)
        names = ["reference", "registry"] if group not in (None, "all") else ["reference"]
        cited = provenance.for_sources(ws, names, {"group": group, "year": year})
        return table_response(
            table,
            parse_format(format),
            "countries",
            page,
            provenance=cited,
            group=group,
            year=year,
        )

    @api.get("/countries/{iso3}", summary="One country: codes, region, neighbours, groups now")
    def country(iso3: str = Path(description="ISO3 code, e.g. UKR")) -> Response:
        row = ws.country_row(parse_iso3(iso3), "List them at /api/v1/countries.")
        return json_response(envelope(records(row)[0]))

    @api.get("/indicators", summary="Indicator codes with label, scale, direction and release")
    def indicators(
        source: str | None = Query(None, description="Only this source, e.g. vdem."),
        search: str | None = Query(None, max_length=100, description="Words in code or label."),
        format: str = FORMAT_QUERY,
        page: Page = PAGE,
    ) -> Response:
        from stabilis.report import provenance

        table = ws.indicators(source=source, search=search)
        cited = provenance.for_indicators(ws, list(table["indicator"]), {"source": source})
        return table_response(table, parse_format(format), "indicators", page, provenance=cited)

    @api.get("/indicators/{code}", summary="One indicator: metadata, coverage and provenance")
    def indicator(code: str) -> Response:
        def compute() -> bytes:
            with ws.reading():
                meta = records(ws.indicator_meta([code]))[0]
                years = ws.indicator_years(code)
                snapshots = ws.snapshots(source=meta["source"])
            coverage = {
                "first_year": int(years["year"].min()) if len(years) else None,
                "last_year": int(years["year"].max()) if len(years) else None,
                "years": records(years),
            }
            return envelope(
                {**meta, "coverage": coverage, "provenance": records(snapshots)},
            )

        return json_response(cache.get_or_compute(("indicator", code), compute))

    @api.get("/sources", summary="Every source: producer, release, licence, citation, files")
    def sources(format: str = FORMAT_QUERY, page: Page = PAGE) -> Response:
        from stabilis.report import provenance

        cited = provenance.for_sources(ws)
        return table_response(ws.sources(), parse_format(format), "sources", page, provenance=cited)

    @api.get("/snapshots", summary="The snapshots the warehouse was built from, with checksums")
    def snapshots(format: str = FORMAT_QUERY, page: Page = PAGE) -> Response:
        from stabilis.report import provenance

        cited = provenance.for_sources(ws)
        return table_response(
            ws.snapshots(), parse_format(format), "snapshots", page, provenance=cited
        )

    return api
