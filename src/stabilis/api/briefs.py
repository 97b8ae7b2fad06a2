"""The country brief and the country sections the profile page shares with it.

* ``GET /api/v1/countries/{iso3}/brief?format=pdf|html&year=`` — the printable brief
  (:mod:`stabilis.report.brief`), as a download;
* ``GET /api/v1/signals/{signal}/values?year=`` — a threat signal (``cyber_operations``,
  ``disinfo_cases``) across countries in one year, for the overview map;
* ``GET /api/v1/countries/{iso3}/sections/{name}?year=&format=`` — one section of the country
  report (headline, regime, registry, forecasts, forecast_record, impact, threats, resilience,
  support): ``data`` is its rows, ``meta`` its sentence, availability and sources; ``format=csv``
  (or parquet, datapackage) downloads the rows with their citations.

Both are cached per warehouse build and per state of the results the sections read (the forecast
archive's entries, the saved event signal), so a new forecast run shows up at once.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.params import check_year, known_group, parse_format, parse_iso3
from stabilis.api.responses import encode, json_response, table_response

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace


def results_state(ws: Any) -> tuple[Any, ...]:
    """What the sections read beside the warehouse: archive entry ids and the event signal."""
    ids: tuple[str, ...] = ()
    archive = getattr(getattr(ws, "forecasts", None), "archive", None)
    try:
        ids = tuple(str(e.id) for e in archive.entries()) if archive is not None else ()
    except Exception:  # an unreadable archive: the forecast section says so itself
        ids = ()
    events = getattr(getattr(ws, "threats", None), "events_dir", None)
    stamp = None
    if events is not None:
        try:
            stamp = os.stat(os.path.join(events, "meta.json")).st_mtime_ns
        except OSError:
            stamp = None
    return ids, stamp


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["countries"])

    @api.get(
        "/countries/{iso3}/brief",
        summary="A printable country brief (PDF or HTML) with charts and cited sources",
    )
    def country_brief(
        iso3: str = Path(description="ISO3 code, e.g. UKR"),
        format: str = Query("pdf", description="pdf or html."),
        year: int | None = Query(None, description="Data up to this year (default: latest)."),
    ) -> Response:
        from stabilis.report.brief import brief_html, brief_pdf, check_format
        from stabilis.report.country import check_country, country_report

        code = parse_iso3(iso3)
        fmt = check_format(format)
        when = check_year(year) if year is not None else None
        check_country(ws, code)

        def html() -> bytes:
            return brief_html(country_report(ws, code, when)).encode("utf-8")

        state = results_state(ws)
        page = cache.get_or_compute(("brief-html", code, when, state), html)
        if fmt == "html":
            return Response(page, media_type="text/html; charset=utf-8")
        pdf = cache.get_or_compute(
            ("brief-pdf", code, when, state), lambda: brief_pdf(page.decode("utf-8"))
        )
        name = f"stabilis-brief-{code}{'-' + str(when) if when else ''}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @api.get(
        "/countries/{iso3}/sections/{name}",
        summary="One section of a country's report (threats, support, resilience, forecasts...)",
    )
    def country_section(
        iso3: str = Path(description="ISO3 code, e.g. UKR"),
        name: str = Path(
            description="headline, regime, registry, forecasts, forecast_record, impact, "
            "threats, resilience or support"
        ),
        year: int | None = Query(None, description="Data up to this year (default: latest)."),
        format: str = Query("json", description="json, csv, parquet or datapackage."),
    ) -> Response:
        import pandas as pd

        from stabilis.report import provenance
        from stabilis.report.country import section

        code = parse_iso3(iso3)
        fmt = parse_format(format)
        when = check_year(year) if year is not None else None
        key = ("section", name, code, when, results_state(ws))

        def compute() -> bytes:
            found = section(ws, name, code, when)
            body = found.to_dict()
            rows = body.pop("rows")
            cited = provenance.for_sources(ws, found.sources, {"iso3": code, "section": name})
            meta = {"iso3": code, **body, "provenance": cited.to_dict()}
            return encode({"data": rows, "meta": meta})

        body = cache.get_or_compute(key, compute)
        if fmt == "json":
            return json_response(body)
        import json

        decoded = json.loads(body)
        frame = pd.json_normalize(decoded["data"]) if decoded["data"] else pd.DataFrame()
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, list | dict)).any():
                frame[column] = frame[column].map(
                    lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v
                )
        bundle = decoded["meta"]["provenance"]
        cited = provenance.Provenance(
            tuple(bundle["sources"]), bundle["query"], bundle["generated_at"]
        )
        return table_response(frame, fmt, f"{code}-{name}", provenance=cited)

    @api.get(
        "/signals/{signal}/values",
        summary="A threat signal across countries in one year (the map's threat layers)",
    )
    def signal_values(
        signal: str = Path(description="cyber_operations or disinfo_cases"),
        year: int | None = Query(None, description="Default: the last year the source covers."),
        group: str = Query(
            "all", description="Only this group's members in the year, ranked among themselves."
        ),
        format: str = Query("json", description="json, csv, parquet or datapackage."),
    ) -> Response:
        from stabilis.report import provenance
        from stabilis.report import signals as threat_signals

        fmt = parse_format(format)
        when = check_year(year) if year is not None else None
        chosen = known_group(group)

        table, info = threat_signals.signal_values(ws, signal, when)
        if chosen != "all":
            members = set(ws.group_members(chosen, info["year"]))
            table = table[table["iso3"].isin(members)].reset_index(drop=True)
            table["rank"] = range(1, len(table) + 1)
        info = {**info, "group": chosen}
        source = info["indicator"]["source"]
        cited = provenance.for_sources(ws, [source], {"signal": signal, "year": info["year"]})
        return table_response(table, fmt, f"{signal}-{info['year']}", provenance=cited, **info)

    return api
