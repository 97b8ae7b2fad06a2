"""Threat profiles and alerts (the support audit and the scorecard are in ``api/alliance.py``).

``GET /api/v1/threats/{iso3}``, ``/api/v1/alerts?since=``, ``/api/v1/cyber-incidents``,
``/api/v1/coverage/{iso3}``, ``/api/v1/alert-backtests`` and ``/api/v1/external-supports``:
each returns rows as ``data`` and the result's summary (definitions, provenance, caveats) as
``meta``. All read only the warehouse and the registry, so they are cached per warehouse build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import check_year, parse_iso3, parse_years
from stabilis.api.responses import envelope, json_response, jsonable, records

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def _profile(result: Any) -> bytes:
    """The yearly table (one row per year, a column per signal) and the profile's meta."""
    return envelope(records(result.table()), **jsonable(result.meta()))


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["threats"])

    @api.get("/threats/{iso3}", summary="A country's threat profile with provenance")
    def profile(
        iso3: str = Path(description="ISO3 code, e.g. EST."),
        years: str | None = Query(None, description="FIRST-LAST, e.g. 2015-2021."),
    ) -> Response:
        code = parse_iso3(iso3)
        span = parse_years(years)
        body = cache.get_or_compute(
            ("threat-profile", code, span), lambda: _profile(ws.threats.profile(code, span))
        )
        return json_response(body)

    @api.get("/alerts", summary="Signals far above their own history, with evidence")
    def alerts(
        since: int = Query(2015, description="First year of alerts."),
    ) -> Response:
        year = check_year(since, "since")

        def compute() -> bytes:
            frame = ws.threats.alerts(year)
            return envelope(records(frame), since=year, count=len(frame))

        return json_response(cache.get_or_compute(("alerts", year), compute))

    @api.get("/cyber-incidents", summary="Cyber incidents reconciled across DCID, EuRepoC, CFR")
    def cyber_incidents(
        iso3: str | None = Query(None, description="Target ISO3 code, e.g. MDA."),
        years: str | None = Query(None, description="FIRST-LAST, e.g. 2022-2023."),
    ) -> Response:
        code = parse_iso3(iso3) if iso3 else None
        span = parse_years(years)

        def compute() -> bytes:
            from stabilis.report.rules import CLOSE_DAYS, MATCH_DAYS

            frame = ws.threats.cyber_records([code] if code else None, span)
            report = ws.threats.match_report()
            return envelope(
                records(frame),
                count=len(frame),
                matching={
                    "close_days": CLOSE_DAYS,
                    "match_days": MATCH_DAYS,
                    "per_source": records(report),
                    **report.attrs,
                },
            )

        return json_response(cache.get_or_compute(("cyber-incidents", code, span), compute))

    @api.get("/coverage/{iso3}", summary="Which source covers a country in which year")
    def coverage(
        iso3: str = Path(description="ISO3 code, e.g. MDA."),
        years: str | None = Query(None, description="FIRST-LAST, default 2000-2023."),
    ) -> Response:
        code = parse_iso3(iso3)
        span = parse_years(years) or (2000, 2023)
        body = cache.get_or_compute(
            ("coverage", code, span),
            lambda: envelope(
                records(ws.threats.coverage([code], span)),
                iso3=code,
                rules=[c.describe() for c in ws.threats.coverages.values()],
            ),
        )
        return json_response(body)

    @api.get("/alert-backtests", summary="The alert rule over the staged history")
    def alert_backtest() -> Response:
        def compute() -> bytes:
            result = ws.threats.alert_backtest(2000, 2023)
            return envelope(
                records(result.per_year),
                episodes=records(result.episodes),
                **jsonable(result.meta()),
            )

        return json_response(cache.get_or_compute(("alert-backtest",), compute))

    @api.get("/external-supports", summary="States backing armed actors in members and partners")
    def external_support(
        iso3: str | None = Query(None, description="Location ISO3 code, e.g. UKR."),
    ) -> Response:
        code = parse_iso3(iso3) if iso3 else None
        body = cache.get_or_compute(
            ("external-support", code),
            lambda: envelope(
                records(ws.threats.external_support(code)),
                source="UCDP External Support Dataset 18.1 (to 2017)",
            ),
        )
        return json_response(body)

    return api
