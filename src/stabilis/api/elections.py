"""``GET /api/v1/elections/{iso3}``: a country's elections with integrity and interference data.

``data`` is one row per election (PEI index and dimensions, V-Dem election items, cyber incidents
against election bodies and parties, disinformation cases before it, each count with its
coverage status); ``meta`` has the summary (windows, receiver categories, the inferred next
election), the V-Party rows and the incidents behind the counts. Cached per warehouse build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Path
from fastapi.responses import Response

from stabilis.api.params import parse_iso3
from stabilis.api.responses import envelope, json_response, jsonable, records

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["elections"])

    @api.get("/elections/{iso3}", summary="A country's elections: integrity and interference")
    def elections(iso3: str = Path(description="ISO3 code, e.g. GEO.")) -> Response:
        code = parse_iso3(iso3)

        def compute() -> bytes:
            record = ws.threats.elections(code)
            return envelope(
                records(record.table()),
                **jsonable(record.meta()),
                parties=records(record.parties),
                cyber_incidents=records(record.cyber),
            )

        return json_response(cache.get_or_compute(("elections", code), compute))

    return api
