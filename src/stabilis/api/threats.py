"""Threat profiles and alerts (the support audit and the scorecard are in ``api/alliance.py``).

``GET /api/v1/threats/{iso3}`` and ``/api/v1/alerts?since=``: each returns the result's ``tidy()`` rows as ``data`` and its
``summary()`` (definitions, provenance, caveats) as ``meta``. All read only the warehouse and
the registry, so they are cached per warehouse build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import check_year, parse_iso3, parse_years
from stabilis.api.responses import envelope, json_response, records

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def _result(result: Any) -> bytes:
    return envelope(records(result.tidy()), **_jsonable(result.summary()))


def _jsonable(summary: dict[str, Any]) -> dict[str, Any]:
    import json

    from stabilis.api.responses import encode

    return dict(json.loads(encode(summary)))


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
            ("threat-profile", code, span), lambda: _result(ws.threats.profile(code, span))
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

    return api
