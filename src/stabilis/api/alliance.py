"""The support audit, burden-sharing and the resilience scorecard (docs/alliance.md).

* ``GET /api/v1/support-audits/{year}``: one row per recipient with every component; ``meta``
  holds the summary (weights, unit, coverage, Gini and its range), the Lorenz curve, the
  sensitivity settings, the leave-one-out ranks and the sanity cases;
* ``GET /api/v1/support-audits?first=&last=``: ranks per recipient-year and a summary over time;
* ``GET /api/v1/support-positions/{iso3}?year=``: one country's position (for the brief);
* ``GET /api/v1/burden-shares?year=``: members against the 2 % and 20 % guidelines;
* ``GET /api/v1/resilience?group=&year=``: the scorecard rows; ``meta`` has coverage per
  requirement and the overall scores;
* ``GET /api/v1/resilience/{iso3}?year=``: one country's scorecard.

All read only the warehouse and the registry, so they are cached per warehouse build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import check_year, parse_iso3
from stabilis.api.responses import envelope, json_response, jsonable, records

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["alliance"])

    @api.get("/support-audits/{year}", summary="Resources given relative to need, per recipient")
    def support_audit(year: int = Path(description="The year audited, e.g. 2019.")) -> Response:
        checked = check_year(year)

        def compute() -> bytes:
            from stabilis.report.rules import sanity

            result = ws.alliance.support_audit(checked)
            return envelope(
                records(result.table()),
                **jsonable(result.meta()),
                lorenz=records(result.lorenz),
                sensitivity=records(result.sensitivity),
                leave_one_out=records(result.leave_one_out),
                sanity=records(sanity(result)),
            )

        return json_response(cache.get_or_compute(("support-audit", checked), compute))

    @api.get("/support-audits", summary="Support relative to need over the years")
    def support_history(
        first: int = Query(1995, description="First year."),
        last: int = Query(2024, description="Last year."),
    ) -> Response:
        span = (check_year(first, "first"), check_year(last, "last"))

        def compute() -> bytes:
            panel, per = ws.alliance.support_over_time(*span)
            return envelope(records(panel), first=span[0], last=span[1], recipients=records(per))

        return json_response(cache.get_or_compute(("support-history", span), compute))

    @api.get("/support-positions/{iso3}", summary="One country's support position")
    def support_position(
        iso3: str = Path(description="ISO3 code, e.g. UKR."),
        year: int = Query(..., description="Year, e.g. 2019."),
    ) -> Response:
        code, checked = parse_iso3(iso3), check_year(year)

        def compute() -> bytes:
            return envelope(jsonable(ws.alliance.support_position(code, checked)), year=checked)

        return json_response(cache.get_or_compute(("support-position", code, checked), compute))

    @api.get("/burden-shares", summary="Members against the 2 % and 20 % guidelines")
    def burden(year: int = Query(..., description="Year, 2014-2024 (NATO's tables).")) -> Response:
        checked = check_year(year)

        def compute() -> bytes:
            result = ws.alliance.burden(checked)
            return envelope(records(result.table()), **jsonable(result.meta()))

        return json_response(cache.get_or_compute(("burden", checked), compute))

    @api.get("/resilience", summary="NATO's seven baseline requirements, measured where data allow")
    def resilience(
        group: str = Query("nato", description="nato, partners or members_and_partners."),
        year: int | None = Query(None, description="Scorecard year (default: last year)."),
    ) -> Response:
        checked = check_year(year) if year is not None else None

        def compute() -> bytes:
            result = ws.alliance.resilience_scorecard(group, checked)
            return envelope(
                records(result.table()),
                **jsonable(result.meta()),
                overall=records(result.overall),
            )

        return json_response(cache.get_or_compute(("resilience", group.lower(), checked), compute))

    @api.get("/resilience/{iso3}", summary="One country's resilience scorecard")
    def resilience_country(
        iso3: str = Path(description="ISO3 code, e.g. EST."),
        year: int | None = Query(None, description="Scorecard year (default: last year)."),
    ) -> Response:
        code = parse_iso3(iso3)
        checked = check_year(year) if year is not None else None

        def compute() -> bytes:
            result = ws.alliance.resilience_of(code, checked)
            return envelope(records(result.table()), **jsonable(result.meta()))

        return json_response(cache.get_or_compute(("resilience-country", code, checked), compute))

    return api
