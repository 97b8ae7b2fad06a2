"""Impact routes: the case studies with their verdicts, and one case's full result.

* ``GET /api/v1/impact/cases`` — one row per case (``?all_outcomes=true``: per case and
  outcome), verdict first: ``case, verdict, outcome, estimate, lower, upper, p_value, reason``
  and the case's ``title``/``treated``. Read from the stored results only
  (``ImpactService.headlines``: a request never computes the whole list); a case not yet
  computed shows ``verdict = "not run"``. ``?iso3=`` keeps the cases about one country.
* ``GET /api/v1/impact/cases/{case}`` — one case: ``meta.verdicts`` (one line per outcome,
  verdict first), ``meta.summary``, ``meta.paths`` (treated, synthetic and the placebo band
  per outcome, from ``SynthResult.placebo_band``) and the estimate table. Computed on first
  request and kept as an artefact per warehouse state (``ImpactService.run_case``), so later
  requests read it back.

An unknown case is a 404 and an unknown ``iso3`` a 422, through the one handler; an error inside
the service reaches that handler too (logged, 500). ``meta.available`` is false only when no case
is defined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response

from stabilis.api.params import known_country
from stabilis.api.responses import Found, cached_result, records, respond

if TYPE_CHECKING:
    from stabilis.api.cache import ReadCache
    from stabilis.workspace import CaseResult, SynthResult, Workspace

#: Columns of the case list, in this order first.
FIRST = ("case", "verdict", "title", "outcome", "estimate", "lower", "upper", "p_value")


def impact_cases(ws: Workspace, all_outcomes: bool = False) -> Found:
    """The case studies with their verdicts and headline estimates (stored results only)."""
    service = ws.impact
    cases = service.cases()
    if cases.empty:
        return Found(False, "No impact case is defined yet (see docs/impact.md).")
    cases = cases.rename(columns={"id": "case"})
    heads = service.headlines()
    if not all_outcomes:
        heads = heads.drop_duplicates("case", keep="first")
    info = cases[["case", "title", "treated"]]
    table = heads.drop(columns=["treated"]).merge(info, on="case", how="left")
    table = table[[*FIRST, *(c for c in table if c not in FIRST)]]
    not_run = int((table["verdict"] == "not run").sum())
    message = f"{table['case'].nunique()} case studies"
    if not_run:
        message += f"; {not_run} not run yet (open one, or run 'stabilis impact run CASE')"
    return Found(True, message + ".", records(table), {"not_run": not_run})


def _path(part: SynthResult) -> dict[str, Any]:
    """One outcome's (or pooled case's treated country's) paths with its placebo band."""
    frame = part.path()
    band = part.placebo_band()
    if band is not None:
        frame = frame.merge(band, on="year", how="left")
    data = part.data
    return {
        "outcome": str(data.outcome),
        "treated": str(data.treated),
        "treatment_year": int(data.treatment_year),
        "higher_is_better": part.higher_is_better,
        "verdict": str(part.verdict),
        "reasons": list(part.reasons),
        "points": records(frame),
    }


def paths(result: CaseResult) -> list[dict[str, Any]]:
    """Treated and synthetic paths per outcome (pooled cases: per treated country)."""
    from stabilis.workspace import PooledResult

    parts: list[SynthResult] = []
    for part in result.results:
        parts.extend(part.results if isinstance(part, PooledResult) else [part])
    return [_path(part) for part in parts]


def impact_result(ws: Workspace, case: str) -> Found:
    """One case's result: verdicts, summary with caveats, estimates, paths."""
    result = ws.impact.run_case(case)
    text = result.summary()
    extra = {"case": case, "verdicts": result.verdicts(), "summary": text, "paths": paths(result)}
    first = text.splitlines()[0] if text else f"Result for {case}."
    return Found(True, first, records(result.table()), extra)


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    """The impact routes (see the module's docstring)."""
    api = APIRouter(tags=["impact"])

    @api.get("/impact/cases", summary="Impact case studies with their verdicts and estimates")
    def impact_case_list(
        iso3: str | None = Query(None, description="Only cases about this country (ISO3)."),
        all_outcomes: bool = Query(False, description="One row per case and outcome."),
    ) -> Response:
        if iso3:
            code = known_country(ws, iso3)
            return respond(impact_cases(ws, all_outcomes).about(code, "treated"))
        key = ("impact-cases", all_outcomes, tuple(ws.impact.stored_state()))
        return cached_result(cache, key, lambda: impact_cases(ws, all_outcomes))

    @api.get("/impact/cases/{case}", summary="One case: verdicts, estimates, inference, paths")
    def impact_case(case: str) -> Response:
        ws.impact.case(case)  # an unknown case is a 404 before anything is computed
        return cached_result(cache, ("impact", case), lambda: impact_result(ws, case))

    return api
