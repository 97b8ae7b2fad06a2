"""Forecasts and impact results, read defensively from services that may not exist yet.

The forecasting and impact services are built beside the dashboard. Until the Workspace has them
(``ws.forecasts``, ``ws.impact``), or while they hold no results, every reader here returns an
:class:`Availability` that says so plainly instead of failing; the pages and the API show that
message. These readers only duck-type the services (no import of their packages).

What is read:

* Forecasts: the newest ``run`` entry of ``ws.forecasts.archive`` (``entries()`` oldest first,
  ``load(id)`` -> long frame ``outcome, origin, iso3, p, lower, upper[, factors]``, where
  ``outcome`` is ``<space>_up``, ``<space>_down`` or an event such as ``coup``). A web request
  never fits a model: with no archived run, the page says to run ``stabilis forecast run``.
  Past forecasts against what happened: ``ws.forecasts.score()``, and their calibration curves:
  ``ws.forecasts.calibration()`` (both cached per archive state).
* Impact: ``ws.impact.cases()`` -> ``id, title, treated, ...``; one case's result from
  ``ws.impact.result(case)`` when the service stores results, else ``ws.impact.run_case(case)``
  (computed once per warehouse build, then cached); a result has ``tidy()``, ``summary()`` and,
  per outcome, ``results[i].tidy()`` with ``year, treated, synthetic`` paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stabilis.api.params import parse_format, parse_iso3
from stabilis.api.responses import (
    cached_result,
    envelope,
    json_response,
    records,
    table_response,
)

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.api.cache import ReadCache

#: Columns of the long forecast frame the dashboard needs.
FORECAST_COLUMNS = ("outcome", "origin", "iso3", "p")
#: ``?set=CODE=VALUE`` (repeatable) of the scenario route.
SET_QUERY = Query(
    ...,
    alias="set",
    description="CODE=VALUE, repeatable: v2x_jucon=-0.1 (signed: a change), nato.ipap=0 "
    "(unsigned: a new value).",
)


@dataclass
class Availability:
    """Rows when there are results, else an empty list and a message saying why not."""

    available: bool
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_meta(self) -> dict[str, Any]:
        return {"available": self.available, "message": self.message, **self.extra}


def _service(ws: Any, name: str) -> Any:
    return getattr(ws, name, None)


def _frame_or_reason(service: Any, method: str, *args: Any) -> tuple[pd.DataFrame | None, str]:
    """Call ``service.method(*args)`` and return a frame, or None with the reason."""
    import pandas as pd

    function = getattr(service, method, None)
    if not callable(function):
        return None, f"the service has no '{method}()' method this dashboard reads"
    try:
        frame = function(*args)
    except Exception as exc:  # a results service that fails must not take the page down
        return None, f"'{method}()' failed: {exc}"
    if frame is None:
        return None, f"'{method}()' returned no results"
    if not isinstance(frame, pd.DataFrame):
        try:
            frame = pd.DataFrame(frame)
        except (TypeError, ValueError):
            return None, f"'{method}()' did not return a table"
    return frame, ""


FORECAST_COLUMNS = ("outcome", "origin", "iso3", "p")


def _latest_run(service: Any) -> tuple[pd.DataFrame | None, str, str]:
    """The newest archived live run: (frame, entry id, reason when there is none)."""
    archive = getattr(service, "archive", None)
    if archive is None or not callable(getattr(archive, "entries", None)):
        return None, "", "the forecasting service has no archive this dashboard reads"
    try:
        runs = [e for e in archive.entries() if getattr(e, "kind", "run") == "run"]
        if not runs:
            return None, "", ""
        # the newest run of the latest origin (a later re-run of an older year is not the
        # watch list)
        entry = max(runs, key=lambda e: (getattr(e, "as_of", None) or 0, str(e.id)))
        return archive.load(entry.id), str(entry.id), ""
    except Exception as exc:  # an unreadable archive must not take the page down
        return None, "", f"the forecast archive could not be read ({exc})"


def _direction(outcome: str) -> tuple[str, str]:
    """``electoral_down`` -> (``electoral``, ``down``); an event such as ``coup`` -> (coup, event)."""
    for suffix in ("up", "down"):
        if outcome.endswith(f"_{suffix}"):
            return outcome[: -len(suffix) - 1], suffix
    return outcome, "event"


def forecasts(ws: Any) -> Availability:
    """The latest archived live forecasts (the watch list), or why there are none.

    Rows: ``iso3, country, space, direction (down | up | event), outcome, from_year, p, lower,
    upper, drivers`` (raw feature codes with contributions) and ``drivers_text`` (the same
    factors as sentences).
    """
    service = _service(ws, "forecasts")
    if service is None:
        return Availability(
            False,
            "Forecasts are not available yet: this installation has no forecasting service. "
            "Once it exists, run 'stabilis forecast run' and reload this page.",
        )
    frame, entry_id, reason = _latest_run(service)
    if frame is None:
        return Availability(
            False,
            f"No forecasts to show: {reason}."
            if reason
            else "No forecast has been issued yet. Run 'stabilis forecast run' and reload.",
        )
    missing = [c for c in FORECAST_COLUMNS if c not in frame.columns]
    if missing:
        return Availability(
            False,
            f"The archived forecasts lack the columns {', '.join(missing)}; this dashboard "
            "cannot show them yet.",
        )
    import pandas as pd

    split = [_direction(str(o)) for o in frame["outcome"]]
    table = pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "country": frame.get("country", frame["iso3"]),
            "space": [space for space, _ in split],
            "direction": [direction for _, direction in split],
            "outcome": frame["outcome"],
            "from_year": frame["origin"],
            "p": frame["p"],
            "lower": frame.get("lower"),
            "upper": frame.get("upper"),
            "drivers": frame.get("factors"),
            "drivers_text": frame.get("drivers"),
        }
    )
    origin = int(table["from_year"].max())
    return Availability(
        True,
        f"{len(table)} forecasts issued from data up to {origin} (archive entry {entry_id}).",
        records(table),
        {"archive_id": entry_id, "origin": origin},
    )


def forecast_scores(ws: Any) -> Availability:
    """Archived forecasts rescored against what happened, or why there are none."""
    service = _service(ws, "forecasts")
    if service is None:
        return Availability(False, "Past forecasts are not available yet: no forecasting service.")
    frame, reason = _frame_or_reason(service, "score")
    if frame is None or frame.empty:
        detail = f": {reason}" if reason else ""
        return Availability(False, f"No past forecast has been scored yet{detail}.")
    return Availability(True, f"{len(frame)} scored forecast sets.", records(frame))


def forecast_calibration(ws: Any) -> Availability:
    """Calibration curves of the newest archived forecasts with realised targets, or why none."""
    service = _service(ws, "forecasts")
    if service is None:
        return Availability(
            False, "Calibration curves are not available yet: no forecasting service."
        )
    frame, reason = _frame_or_reason(service, "calibration")
    if frame is None or frame.empty:
        detail = f" ({reason})" if reason else ""
        return Availability(
            False,
            f"No archived forecast has a realised outcome yet{detail}. Run 'stabilis forecast "
            "backtest' to archive forecasts for past years, then reload this page.",
        )
    first = frame.iloc[0]
    verdicts = (
        {
            str(d): str(v)
            for d, v in frame.groupby("direction", sort=True)["verdict"].first().items()
        }
        if {"direction", "verdict"} <= set(frame.columns)
        else {}
    )
    return Availability(
        True,
        f"Archive entry {first['archive_id']} ({first['kind']}): "
        f"{int(frame['count'].sum()):,} forecasts whose outcome is known.",
        records(frame),
        {"archive_id": str(first["archive_id"]), "kind": str(first["kind"]), "verdicts": verdicts},
    )


def _archive_state(ws: Any) -> tuple[str, ...]:
    """The archived forecast sets' ids: a cache key that changes when a forecast is archived."""
    archive = getattr(_service(ws, "forecasts"), "archive", None)
    try:
        return tuple(e.id for e in archive.entries()) if archive is not None else ()
    except Exception:  # the routes that read the archive report the problem themselves
        return ()


def for_country(availability: Availability, iso3: str, key: str = "iso3") -> Availability:
    """Only the rows about one country (``key`` may hold several codes, e.g. ``"SRB XKX"``)."""
    if not availability.available:
        return availability
    rows = [
        r
        for r in availability.rows
        if iso3 in str(r.get(key, "")).upper().replace(",", " ").split()
    ]
    if not rows:
        return Availability(False, f"No results concern {iso3}.", [], availability.extra)
    return Availability(True, availability.message, rows, availability.extra)


def _respond(availability: Availability) -> Response:
    return json_response(envelope(availability.rows, **availability.as_meta()))


def router(ws: Any, cache: ReadCache) -> APIRouter:
    """Routes over results; each answers 200 with ``meta.available`` false when there are none."""
    api = APIRouter(tags=["results"])
    iso3_query = Query(None, description="Only rows about this country (ISO3).")

    def cached(key: tuple[Any, ...], read: Any) -> Response:
        return cached_result(cache, key, read)

    @api.get("/forecasts", summary="The latest forecasts with intervals and drivers (watch list)")
    def forecast_list(
        iso3: str | None = iso3_query,
        format: str = Query("json", description="json, csv, parquet or datapackage (cited)."),
    ) -> Response:
        fmt = parse_format(format)
        found = forecasts(ws)
        if iso3:
            from stabilis.report.country import check_country

            code = check_country(ws, parse_iso3(iso3))["iso3"]  # an unknown country is a 404
            found = for_country(found, code)
        if fmt == "json":
            return _respond(found)
        if not found.available:
            from stabilis.errors import NotFoundError

            raise NotFoundError(f"No forecasts to download: {found.message}")
        import pandas as pd

        from stabilis.report import provenance

        name = f"stabilis-forecasts-{found.extra.get('origin', '')}{'-' + iso3 if iso3 else ''}"
        cited = provenance.for_sources(ws, ["demspaces", "vdem"], {"iso3": iso3})
        frame = pd.DataFrame(found.rows)
        return table_response(frame, fmt, name, provenance=cited, **found.as_meta())

    @api.get("/forecasts/scores", summary="Past forecasts against what happened")
    def forecast_score_list() -> Response:
        return cached(("forecast-scores", _archive_state(ws)), lambda: forecast_scores(ws))

    @api.get("/forecasts/calibration", summary="Do forecast probabilities come true? (curves)")
    def forecast_calibration_curves() -> Response:
        key = ("forecast-calibration", _archive_state(ws))
        return cached(key, lambda: forecast_calibration(ws))

    @api.get("/forecasts/whatif", summary="A scenario: the live forecast with changed inputs")
    def forecast_whatif(
        iso3: str = Query(..., description="The country (ISO3), e.g. GEO."),
        changes: list[str] = SET_QUERY,
        as_of: int | None = Query(None, description="Origin of the archived run (newest)."),
    ) -> Response:
        service = _service(ws, "forecasts")
        if service is None or not callable(getattr(service, "whatif", None)):
            return _respond(Availability(False, "Scenarios are not available: no forecasting "
                                                "service with scenarios."))  # fmt: skip
        code = parse_iso3(iso3)

        def compute() -> Availability:
            scenario = service.whatif(code, list(changes), as_of=as_of)
            return Availability(
                True,
                f"Scenario for {scenario.iso3} from the {scenario.as_of} forecast (archive entry "
                f"{scenario.archive_id}; models not refitted).",
                records(scenario.outcomes),
                {"iso3": scenario.iso3, "as_of": scenario.as_of,
                 "archive_id": scenario.archive_id, "changes": records(scenario.changes),
                 "drivers": records(scenario.drivers)},
            )  # fmt: skip

        key = ("forecast-whatif", _archive_state(ws), code, tuple(changes), as_of)
        return cached(key, compute)

    return api
