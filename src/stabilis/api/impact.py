"""Impact routes: the case studies with their verdicts, and one case's full result.

* ``GET /api/v1/impact/cases`` — one row per case (``?all_outcomes=true``: per case and
  outcome), verdict first: ``case, verdict, outcome, estimate, lower, upper, p_value, reason``
  and the case's ``title``/``treated``. Read from the stored results only (a request never
  computes the whole list); a case not yet computed shows ``verdict = "not run"``.
  ``?iso3=`` keeps the cases about one country.
* ``GET /api/v1/impact/cases/{case}`` — one case: ``meta.verdicts`` (one line per outcome,
  verdict first), ``meta.summary``, ``meta.paths`` (treated, synthetic and the placebo band
  per outcome) and the estimate table. Computed on first request and kept as an artefact per
  warehouse state (``ImpactService.run_case``), so later requests read it back.

Both answer 200 with ``meta.available`` false, and a message saying why, when the
installation has no impact service or the case cannot be run; the services are duck-typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stabilis.api.params import parse_iso3
from stabilis.api.responses import cached_result, envelope, json_response, records

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache


@dataclass
class Found:
    """Rows when there are results, else an empty list and a message saying why not."""

    available: bool
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_meta(self) -> dict[str, Any]:
        return {"available": self.available, "message": self.message, **self.extra}


def _table(service: Any, method: str, **kwargs: Any) -> tuple[Any, str]:
    import pandas as pd

    function = getattr(service, method, None)
    if not callable(function):
        return None, f"the service has no '{method}()' method"
    try:
        frame = function(**kwargs)
    except Exception as exc:  # a failing service must not take the page down
        return None, f"'{method}()' failed: {exc}"
    return (frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)), ""


def impact_cases(ws: Any, all_outcomes: bool = False) -> Found:
    """The case studies with their verdicts and headline estimates, or why there are none."""
    service = getattr(ws, "impact", None)
    if service is None:
        return Found(
            False,
            "Impact results are not available yet: this installation has no impact service. "
            "Once it exists, run 'stabilis impact run <case>' and reload this page.",
        )
    cases, reason = _table(service, "cases")
    if cases is None or cases.empty:
        detail = f": {reason}" if reason else ""
        return Found(False, f"No impact case is defined yet{detail}.")
    cases = cases.rename(columns={"id": "case"})
    heads, _ = _table(service, "headlines")
    if heads is None or heads.empty:
        return Found(True, f"{len(cases)} case studies.", records(cases))
    if not all_outcomes:
        heads = heads.drop_duplicates("case", keep="first")
    info = cases[[c for c in ("case", "title", "treated") if c in cases.columns]]
    table = heads.drop(columns=[c for c in ("treated",) if c in heads.columns]).merge(
        info, on="case", how="left"
    )
    first = ["case", "verdict", "title", "outcome", "estimate", "lower", "upper", "p_value"]
    table = table[[c for c in first if c in table] + [c for c in table if c not in first]]
    not_run = int((table["verdict"] == "not run").sum())
    message = f"{table['case'].nunique()} case studies"
    if not_run:
        message += f"; {not_run} not run yet (open one, or run 'stabilis impact list')"
    return Found(True, message + ".", records(table), {"not_run": not_run})


def _with_placebo_band(frame: Any, part: Any, level: float = 0.9) -> Any:
    """Add ``placebo_low``/``placebo_high``: the synthetic path plus the donors' placebo gaps.

    Each year's band is the central ``level`` share of the gaps that placebo-in-space fits for
    every donor, drawn around the synthetic control: a treated path outside it is unusual among
    countries that were not treated. Absent when no placebo run exists.
    """
    import pandas as pd

    check = (getattr(part, "checks", None) or {}).get("placebo_in_space")
    gaps = getattr(check, "details", {}).get("placebo_gaps") if check is not None else None
    treated = str(getattr(getattr(part, "data", None), "treated", ""))
    if not isinstance(gaps, pd.DataFrame) or gaps.empty:
        return frame
    donors = gaps[gaps["unit"] != treated]
    if donors.empty:
        return frame
    tail = (1 - level) / 2
    by_year = donors.groupby("year")["gap"]
    band = pd.DataFrame({"low": by_year.quantile(tail), "high": by_year.quantile(1 - tail)})
    out = frame.merge(band, left_on="year", right_index=True, how="left")
    out["placebo_low"] = out["synthetic"] + out.pop("low")
    out["placebo_high"] = out["synthetic"] + out.pop("high")
    return out


def _paths(result: Any) -> list[dict[str, Any]]:
    """Treated and synthetic paths per outcome (pooled cases: per treated country)."""
    paths = []
    parts: list[Any] = []
    for part in getattr(result, "results", None) or []:
        inner = getattr(part, "results", None)
        parts.extend(inner if isinstance(inner, list) else [part])
    for part in parts:
        tidy = getattr(part, "tidy", None)
        data = getattr(part, "data", None)
        if not callable(tidy) or data is None:
            continue
        frame = tidy()
        if not {"year", "treated", "synthetic"} <= set(frame.columns):
            continue
        frame = _with_placebo_band(frame, part)
        paths.append(
            {
                "outcome": str(getattr(data, "outcome", "")),
                "treated": str(getattr(data, "treated", "")),
                "treatment_year": getattr(data, "treatment_year", None),
                "higher_is_better": getattr(part, "higher_is_better", None),
                "verdict": str(getattr(part, "verdict", "")),
                "reasons": list(getattr(part, "reasons", []) or []),
                "points": records(frame),
            }
        )
    return paths


def impact_result(ws: Any, case: str) -> Found:
    """One case's result (verdicts, summary with caveats, estimates, paths), or why not."""
    service = getattr(ws, "impact", None)
    if service is None:
        return Found(False, "Impact results are not available yet: no impact service.")
    function = getattr(service, "run_case", None)
    if not callable(function):
        return Found(False, "The impact service has no result this page can read.")
    try:
        result = function(case)
    except Exception as exc:  # an unknown case or a failed run: say it on the page
        return Found(False, f"No result for case '{case}': {exc}")
    summary = getattr(result, "summary", None)
    text = str(summary() if callable(summary) else summary or "")
    tidy = getattr(result, "tidy", None)
    rows = records(tidy()) if callable(tidy) else []
    verdicts = getattr(result, "verdicts", None)
    extra = {
        "case": case,
        "verdicts": list(verdicts()) if callable(verdicts) else [],
        "summary": text,
        "paths": _paths(result),
    }
    return Found(True, text.splitlines()[0] if text else f"Result for {case}.", rows, extra)


def for_country(found: Found, iso3: str, key: str = "treated") -> Found:
    """Only the rows about one country (``key`` may hold several codes, e.g. ``"SRB XKX"``)."""
    if not found.available:
        return found
    rows = [r for r in found.rows if iso3 in str(r.get(key, "")).upper().replace(",", " ").split()]
    if not rows:
        return Found(False, f"No results concern {iso3}.", [], found.extra)
    return Found(True, found.message, rows, found.extra)


def _stored_state(ws: Any) -> tuple[str, ...]:
    """Names of the stored results: a cache key that changes when a case is computed."""
    state = getattr(getattr(ws, "impact", None), "stored_state", None)
    try:
        return tuple(state()) if callable(state) else ()
    except Exception:  # the route reports the problem itself
        return ()


def router(ws: Any, cache: ReadCache) -> APIRouter:
    """The impact routes; each answers 200 with ``meta.available`` false when there is nothing."""
    api = APIRouter(tags=["impact"])

    def cached(key: tuple[Any, ...], read: Any) -> Response:
        return cached_result(cache, key, read)

    @api.get("/impact/cases", summary="Impact case studies with their verdicts and estimates")
    def impact_case_list(
        iso3: str | None = Query(None, description="Only cases about this country (ISO3)."),
        all_outcomes: bool = Query(False, description="One row per case and outcome."),
    ) -> Response:
        key = ("impact-cases", all_outcomes, _stored_state(ws))
        if iso3:
            code = parse_iso3(iso3)
            found = for_country(impact_cases(ws, all_outcomes), code)
            return json_response(envelope(found.rows, **found.as_meta()))
        return cached(key, lambda: impact_cases(ws, all_outcomes))

    @api.get("/impact/cases/{case}", summary="One case: verdicts, estimates, inference, paths")
    def impact_case(case: str) -> Response:
        return cached(("impact", case), lambda: impact_result(ws, case))

    return api
