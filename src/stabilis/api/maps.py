"""``GET /api/v1/indicators/{code}/values``: one indicator for every country in one year.

This is what the overview map and its ranked table draw: each country's value, the producer's
interval where there is one, its rank among the countries shown, and its ISO numeric code (the
id of its shape in the Natural Earth TopoJSON). ``group`` keeps the members of a group in that
year. The scale's direction (is higher better?) travels with the data so every legend states it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.models import MapBody
from stabilis.api.params import check_year, parse_format
from stabilis.api.responses import PAGE, Page, envelope, json_response, records, table_response
from stabilis.errors import NotFoundError

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def indicator_values(
    ws: Workspace, code: str, year: int | None, group: str
) -> tuple[Any, dict[str, Any]]:
    """The ranked cross-section and its metadata (indicator, year, years available, group)."""
    import pandas as pd

    with ws.reading():  # one connection for the four reads
        meta = records(ws.indicator_meta([code]))[0]
        years = ws.indicator_years(code)
        if years.empty:
            raise NotFoundError(f"The indicator '{code}' has no values in the warehouse.")
        available = [int(y) for y in years["year"]]
        chosen = available[-1] if year is None else check_year(year)
        values = ws.cross_section(code, chosen)
        names = ws.country_names()
    members = None if group == "all" else set(ws.group_members(group, chosen))
    table = values.merge(names, on="iso3", how="left")
    if members is not None:
        table = table[table["iso3"].isin(members)]
    ascending = meta.get("higher_is_better") is False
    table = table.sort_values(["value", "iso3"], ascending=[ascending, True], kind="stable")
    table.insert(0, "rank", range(1, len(table) + 1))
    table["iso3n"] = [None if pd.isna(n) else f"{int(n):03d}" for n in table["iso3n"]]
    table = table[["rank", "iso3", "name", "value", "lower", "upper", "iso3n"]].reset_index(
        drop=True
    )
    info = {
        "indicator": meta,
        "year": chosen,
        "years": available,
        "group": group,
        "members_without_value": sorted(members - set(table["iso3"])) if members else [],
        "ranked": "best first" if meta.get("higher_is_better") is not None else "highest first",
    }
    return table, info


def values_key(code: str, year: int | None, group: str, page: Page) -> tuple[Any, ...]:
    """The cache key of a whole cross-section (JSON, first page of at least 1,000 rows)."""
    return ("values", code, year, group, page.limit)


def cited(ws: Workspace, code: str, group: str, info: dict[str, Any]) -> Any:
    """The provenance of a cross-section (the indicator's sources, the registry for a group)."""
    from stabilis.report import provenance

    query = {"indicator": code, "year": info["year"], "group": group}
    also = ["registry"] if group != "all" else []
    return provenance.for_indicators(ws, [code], query, also=also)


def values_body(ws: Workspace, code: str, year: int | None, group: str, page: Page) -> bytes:
    table, info = indicator_values(ws, code, year, group)
    return envelope(
        records(page.slice(table)),
        **info,
        **page.meta(len(table)),
        provenance=cited(ws, code, group, info).to_dict(),
    )


def materialise(
    ws: Workspace, cache: ReadCache, code: str = "vdem.v2x_polyarchy", first_year: int = 1990
) -> int:
    """Keep the map's cross-sections of ``code`` (every year from ``first_year``, all countries)
    as files for the current build; returns how many there are."""
    years = [int(y) for y in ws.indicator_years(code)["year"] if int(y) >= first_year]
    page = Page()
    for year in [None, *years]:
        cache.persist(
            values_key(code, year, "all", page), partial(values_body, ws, code, year, "all", page)
        )
    return len(years) + 1


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["map"])

    @api.get(
        "/indicators/{code}/values",
        summary="One indicator across countries in one year, ranked (the overview map)",
        responses={200: {"model": MapBody, "description": "The ranked cross-section."}},
    )
    def values(
        code: str = Path(description="Indicator code, e.g. vdem.v2x_polyarchy"),
        year: int | None = Query(None, description="Default: the latest year with values."),
        group: str = Query(
            "all",
            description="A group name (all = every country, nato, partners, members_and_partners, pfp, ...; each one described at GET /api/v1/groups).",
        ),
        format: str = Query(
            "json", description="json (paginated), csv, parquet or datapackage (whole, cited)."
        ),
        page: Page = PAGE,
    ) -> Response:
        fmt = parse_format(format)
        key = group.lower()
        if fmt == "json" and page.offset == 0 and page.limit >= 1000:
            # The map asks for whole cross-sections: cache them by (code, year, group).
            def compute() -> bytes:
                return values_body(ws, code, year, key, page)

            return json_response(cache.get_or_compute(values_key(code, year, key, page), compute))
        table, info = indicator_values(ws, code, year, key)
        name = f"{code}-{info['year']}-{key}"
        return table_response(table, fmt, name, page, provenance=cited(ws, code, key, info), **info)

    return api
