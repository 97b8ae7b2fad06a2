"""Forecast routes: the latest archived forecasts, their track record and scenarios.

What is read, from the Workspace's forecasting service (``ws.forecasts``):

* the newest archived live run (``archive.entries()``, ``archive.load(id)``: a long frame
  ``outcome, origin, iso3, p, lower, upper[, factors, drivers]``), each row's space and direction
  from the domain (``stabilis.forecast.backtest.annotate``). A web request never fits a model:
  with no archived run, the answer says to run ``stabilis forecast run`` (``available`` false:
  the forecasts exist as an idea but have not been issued yet).
* past forecasts against what happened (``score()``) and calibration curves
  (``calibration()``), cached per archive state;
* scenarios (``whatif()``).

Unknown countries and groups in the query are 422s, and any error inside the service reaches the
one handler (logged, 500): nothing here catches an exception.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stabilis.api.params import known_country, known_group, parse_format
from stabilis.api.responses import Found, cached_result, records, respond, table_response

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import ArchiveEntry, Workspace

#: ``?set=CODE=VALUE`` (repeatable) of the scenario route.
SET_QUERY = Query(
    ...,
    alias="set",
    description="CODE=VALUE, repeatable: v2x_jucon=-0.1 (signed: a change), nato.ipap=0 "
    "(unsigned: a new value).",
)


def latest_run(ws: Workspace) -> ArchiveEntry | None:
    """The newest archived live run of the latest origin (a later re-run of an older year is not
    the watch list), or None."""
    runs = [e for e in ws.forecasts.archive.entries() if e.kind == "run"]
    return max(runs, key=lambda e: (e.as_of or 0, str(e.id))) if runs else None


def forecasts(ws: Workspace, group: str | None = None) -> Found:
    """The latest archived live forecasts (the watch list), or why there are none.

    Rows: ``iso3, country, space, direction (down | up | event), outcome, from_year, p, lower,
    upper, drivers`` (raw feature codes with contributions) and ``drivers_text`` (the same
    factors as sentences). ``group``: only its members in the forecast's origin year, as
    ``stabilis forecast list --group`` shows them.
    """
    import pandas as pd

    from stabilis.workspace import annotate

    entry = latest_run(ws)
    if entry is None:
        return Found(False, "No forecast has been issued yet. Run 'stabilis forecast run' and "
                            "reload.")  # fmt: skip
    frame = annotate(ws.forecasts.archive.load(entry.id))
    origin = int(frame["origin"].max())
    if group is not None:
        frame = frame[frame["iso3"].isin(ws.group_members(group, origin))]
    table = pd.DataFrame(
        {
            "iso3": frame["iso3"],
            "country": frame["country"] if "country" in frame else frame["iso3"],
            "space": frame["space"],
            "direction": frame["direction"],
            "outcome": frame["outcome"],
            "from_year": frame["origin"],
            "p": frame["p"],
            "lower": frame["lower"],
            "upper": frame["upper"],
            "drivers": frame.get("factors"),
            "drivers_text": frame.get("drivers"),
        }
    )
    among = f" among {group}" if group else ""
    return Found(
        True,
        f"{len(table)} forecasts{among} issued from data up to {origin} (archive entry "
        f"{entry.id}).",
        records(table),
        {"archive_id": entry.id, "origin": origin, **({"group": group} if group else {})},
    )


def forecast_scores(ws: Workspace) -> Found:
    """Archived forecasts rescored against what happened, or why there are none yet."""
    frame = ws.forecasts.score()
    if frame.empty:
        return Found(False, "No past forecast has been scored yet: run 'stabilis forecast "
                            "backtest' to archive forecasts for past years.")  # fmt: skip
    return Found(True, f"{len(frame)} scored forecast sets.", records(frame))


def forecast_calibration(ws: Workspace) -> Found:
    """Calibration curves of the newest archived forecasts with realised targets, or why none."""
    frame = ws.forecasts.calibration()
    if frame.empty:
        return Found(
            False,
            "No archived forecast has a realised outcome yet. Run 'stabilis forecast backtest' "
            "to archive forecasts for past years, then reload this page.",
        )
    first = frame.iloc[0]
    verdicts = {
        str(d): str(v) for d, v in frame.groupby("direction", sort=True)["verdict"].first().items()
    }
    return Found(
        True,
        f"Archive entry {first['archive_id']} ({first['kind']}): "
        f"{int(frame['count'].sum()):,} forecasts whose outcome is known.",
        records(frame),
        {"archive_id": str(first["archive_id"]), "kind": str(first["kind"]), "verdicts": verdicts},
    )


def _archive_state(ws: Workspace) -> tuple[str, ...]:
    """The archived forecast sets' ids: a cache key that changes when a forecast is archived."""
    return tuple(e.id for e in ws.forecasts.archive.entries())


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    """Routes over forecasts; ``meta.available`` is false only when none has been issued."""
    api = APIRouter(tags=["results"])

    def cached(key: tuple[Any, ...], read: Any) -> Response:
        return cached_result(cache, key, read)

    @api.get("/forecasts", summary="The latest forecasts with intervals and drivers (watch list)")
    def forecast_list(
        iso3: str | None = Query(None, description="Only rows about this country (ISO3)."),
        group: str | None = Query(
            None, description="Only this group's members in the origin year (see /groups)."
        ),
        format: str = Query("json", description="json, csv, parquet or datapackage (cited)."),
    ) -> Response:
        fmt = parse_format(format)
        chosen = known_group(group) if group else None
        code = known_country(ws, iso3) if iso3 else None
        found = forecasts(ws, chosen)
        if code:
            found = found.about(code)
        if fmt == "json":
            return respond(found)
        if not found.available:
            from stabilis.errors import NotFoundError

            raise NotFoundError(f"No forecasts to download: {found.message}")
        import pandas as pd

        from stabilis.report import provenance

        parts = [str(found.extra.get("origin", "")), chosen or "", code or ""]
        name = "-".join(["stabilis-forecasts", *(p for p in parts if p)])
        cited = provenance.for_sources(ws, ["demspaces", "vdem"], {"iso3": code, "group": chosen})
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
        code = known_country(ws, iso3)

        def compute() -> Found:
            scenario = ws.forecasts.whatif(code, list(changes), as_of=as_of)
            return Found(
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
