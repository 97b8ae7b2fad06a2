"""``ImpactService(ws)``: impact studies over a workspace's panel and registry.

The service only reads: the panel (``ws.panel``), the conflict records (``ws.table``), the
country table (``ws.countries``), indicator directions (``ws.indicators``) and the registry.
Every design is also callable on a user's own panel through the function-first API
(:func:`stabilis.impact.synth`, :func:`~stabilis.impact.did`,
:func:`~stabilis.impact.event_study`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Any, Protocol

import numpy as np
import pandas as pd

from stabilis.errors import NotFoundError, QueryError

from .cases import (
    CaseResult,
    CaseSpec,
    PooledResult,
    donor_pool,
    get_case,
    load_cases,
    pooled_p_value,
)
from .did import DidResult, control_rule, did
from .event_study import EventStudyResult, event_study
from .outcomes import DERIVED, HIGHER_IS_BETTER, conflict_outcomes
from .results import SynthResult, synth
from .treatments import cohort_frame, treatment


class WorkspaceLike(Protocol):
    """The part of :class:`stabilis.workspace.Workspace` the service uses."""

    @property
    def registry(self) -> Any: ...

    def panel(
        self,
        indicators: Sequence[str] | str,
        countries: Any = None,
        years: tuple[int, int] | None = None,
    ) -> pd.DataFrame: ...

    def table(self, name: str, iso3: str | None = None) -> pd.DataFrame: ...

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame: ...

    def indicators(self, source: str | None = None, search: str | None = None) -> pd.DataFrame: ...


#: Default panel years per staggered treatment: from a few years before the first cohort,
#: late enough that most of the population is observed every year (the panel is balanced).
DID_YEARS: dict[str, tuple[int, int]] = {
    "pfp": (1990, 2024),
    "map": (1995, 2024),
    "ipap": (1998, 2024),
    "dcb": (2000, 2024),
}

#: Country-years where a country exists, for derived outcomes (V-Dem covers every state).
EXISTENCE = "vdem.v2x_polyarchy"


class ImpactService:
    """Case studies, staggered DiD and event studies on the workspace's data."""

    def __init__(self, ws: WorkspaceLike, workers: int = 1) -> None:
        self.ws = ws
        self.workers = workers

    # ---- data ------------------------------------------------------------------------------

    @cached_property
    def _countries(self) -> pd.DataFrame:
        return self.ws.countries()

    @cached_property
    def _directions(self) -> dict[str, bool | None]:
        meta = self.ws.indicators()
        out: dict[str, bool | None] = {}
        for code, flag in zip(meta["indicator"], meta["higher_is_better"], strict=True):
            out[str(code)] = None if pd.isna(flag) else bool(flag)
        out.update(HIGHER_IS_BETTER)
        return out

    def higher_is_better(self, outcome: str) -> bool | None:
        return self._directions.get(outcome)

    def panel(self, outcomes: Sequence[str], years: tuple[int, int] | None = None) -> pd.DataFrame:
        """Wide ``iso3, year`` frame with the outcomes, derived conflict outcomes included."""
        derived = [o for o in outcomes if o in DERIVED]
        stored = [o for o in outcomes if o not in DERIVED]
        codes = list(dict.fromkeys([*stored, *([EXISTENCE] if derived else [])]))
        frame = self.ws.panel(codes, years=years)
        if derived:
            exists = frame.loc[frame[EXISTENCE].notna(), ["iso3", "year"]]
            extra = conflict_outcomes(self.ws.table("conflicts"), exists)
            frame = frame.merge(extra[["iso3", "year", *derived]], on=["iso3", "year"], how="left")
        return frame[["iso3", "year", *outcomes]]

    # ---- case studies ----------------------------------------------------------------------

    @cached_property
    def _cases(self) -> dict[str, CaseSpec]:
        return load_cases(self.ws.registry)

    def cases(self) -> pd.DataFrame:
        """The pre-registered cases: id, title, treated, treatment, year, outcomes."""
        rows = [
            {
                "id": s.id,
                "title": s.title,
                "treated": " ".join(s.treated),
                "treatment": f"{s.kind} {s.code}".strip(),
                "year": s.treatment_year,
                "outcomes": ", ".join(s.outcomes),
            }
            for s in self._cases.values()
        ]
        return pd.DataFrame(rows)

    def case(self, case_id: str) -> CaseSpec:
        return get_case(self._cases, case_id)

    def run_case(
        self,
        case_id: str,
        *,
        outcomes: Sequence[str] | None = None,
        method: str | None = None,
        inference: bool = True,
    ) -> CaseResult:
        """Run one case for its outcomes (or the given subset) and return every result."""
        spec = self.case(case_id)
        chosen = list(outcomes) if outcomes else list(spec.outcomes)
        unknown = [
            o
            for o in chosen
            if o not in spec.outcomes and o not in DERIVED and o not in self._directions
        ]
        if unknown:
            raise NotFoundError(
                f"Unknown outcome '{unknown[0]}'. List indicators with 'stabilis indicators list'."
            )
        donors, excluded = donor_pool(spec, self.ws.registry, self._countries)
        panel = self.panel(chosen, years=(spec.first_pre_year, spec.last_year))
        result = CaseResult(spec=spec, donors=donors, excluded=excluded)
        caveats = []
        if spec.confounders:
            caveats.append("confounding events in the window: " + "; ".join(spec.confounders))
        if spec.anticipation:
            caveats.append("anticipation: " + spec.anticipation)
        cache: dict[tuple[Any, ...], list[np.ndarray]] = {}
        for outcome in chosen:
            runs = [
                self._synth(
                    spec,
                    panel,
                    outcome,
                    iso3,
                    donors,
                    method or spec.method,
                    inference,
                    caveats,
                    cache,
                )
                for iso3 in spec.treated
            ]
            if len(runs) == 1:
                result.results.append(runs[0])
            else:
                result.results.append(self._pool(outcome, runs))
        return result

    def _synth(
        self,
        spec: CaseSpec,
        panel: pd.DataFrame,
        outcome: str,
        iso3: str,
        donors: list[str],
        method: str,
        inference: bool,
        caveats: list[str],
        cache: dict[tuple[Any, ...], list[np.ndarray]],
    ) -> SynthResult:
        present = set(panel.loc[panel[outcome].notna(), "iso3"])
        if iso3 not in present:
            return _no_data(spec, outcome, iso3, donors, caveats, self.higher_is_better(outcome))
        result = synth(
            panel,
            outcome=outcome,
            treated=iso3,
            treatment_year=spec.treatment_year,
            donors=donors,
            pre_years=(spec.first_pre_year, spec.treatment_year - 1),
            last_year=spec.last_year,
            method=method,
            inference=inference,
            min_pre_years=spec.min_pre_years,
            min_donors=spec.min_donors,
            max_fit_ratio=spec.max_fit_ratio,
            caveats=caveats,
            higher_is_better=self.higher_is_better(outcome),
            label=f"{spec.title} — {iso3}",
            workers=self.workers,
            placebo_cache=cache,
        )
        self._spillover_caveat(result)
        return result

    def _spillover_caveat(self, result: SynthResult) -> None:
        table = self._countries.set_index("iso3")
        if result.data.treated not in table.index or result.weights.empty:
            return
        raw = table.at[result.data.treated, "neighbours"]
        neighbours = set(str(raw).split(";")) if isinstance(raw, str) else set()
        heavy = [d for d, w in result.weights.items() if d in neighbours and abs(w) >= 0.05]
        if heavy:
            result.caveats.insert(
                0,
                "neighbouring donors in the synthetic control (spillovers likely): "
                + ", ".join(heavy),
            )

    def _pool(self, outcome: str, runs: list[SynthResult]) -> PooledResult:
        good = [r for r in runs if r.verdict == "estimate" and "placebo_in_space" in r.checks]
        reasons = []
        average = p_value = None
        if len(good) < 2:
            reasons.append(
                f"only {len(good)} of {len(runs)} treated countries have a credible synthetic control"
            )
        else:
            atts = [r.att for r in good if r.att is not None]
            average = float(np.mean(atts))
            treated_ratios = np.array(
                [float(r.checks["placebo_in_space"].statistic or np.nan) for r in good]
            )
            table = good[0].checks["placebo_in_space"].table
            placebo = table.loc[~table["treated"], "ratio"].to_numpy()
            p_value = pooled_p_value(treated_ratios, placebo)
        return PooledResult(
            outcome, runs, average, p_value, reasons, self.higher_is_better(outcome)
        )

    # ---- staggered programmes ---------------------------------------------------------------

    def cohorts(self, treatment_code: str) -> pd.DataFrame:
        """Population of the staggered study: ``iso3, cohort`` (NaN = never treated)."""
        return cohort_frame(self.ws.registry, treatment_code, self._countries)

    def _staggered_panel(
        self, treatment_code: str, outcome: str, years: tuple[int, int]
    ) -> pd.DataFrame:
        cohorts = self.cohorts(treatment_code)
        panel = self.panel([outcome], years=years)
        panel = panel[panel["iso3"].isin(cohorts["iso3"])].merge(cohorts, on="iso3", how="left")
        return panel.dropna(subset=[outcome])

    def _did_caveats(self, treatment_code: str, cohorts: pd.DataFrame, never: int) -> list[str]:
        spec = treatment(treatment_code)
        notes = [
            f"treatment: {spec.describe()}; treatment is absorbing (treated from the first year on)",
            "anticipation: programmes are negotiated before they start; rerun with --anticipation 1 to allow a year",
            "spillovers: controls are neighbours and partners of the treated countries",
        ]
        small = cohorts[cohorts["units"] < 3]
        if len(small):
            notes.insert(
                0,
                f"few treated countries: {len(small)} of {len(cohorts)} cohorts have fewer than 3 countries, so their ATTs are noisy",
            )
        if never < 5:
            notes.insert(
                0,
                f"few controls: only {never} never-treated countries, so late cohorts carry the comparison",
            )
        if treatment_code in ("map", "pfp"):
            notes.append(
                "confounding: MAP and PfP countries often joined the EU and NATO later, so effects mix accession"
            )
        return notes

    def did(
        self,
        treatment_code: str,
        outcome: str,
        *,
        control: str = "notyet",
        years: tuple[int, int] | None = None,
        anticipation: int = 0,
        n_boot: int = 999,
        seed: int = 0,
    ) -> DidResult:
        """Callaway & Sant'Anna ATTs of a registry programme on an outcome."""
        if control not in ("notyet", "never"):
            raise QueryError(f"control must be 'notyet' or 'never', not '{control}'.")
        years = years or DID_YEARS.get(treatment_code.lower(), (1990, 2024))
        panel = self._staggered_panel(treatment_code, outcome, years)
        if panel.empty:
            raise QueryError(
                f"No data for {outcome} among the {treatment_code} population in {years[0]}-{years[1]}."
            )
        result = did(
            panel,
            outcome=outcome,
            treatment=treatment(treatment_code).label,
            control=control,  # type: ignore[arg-type]
            anticipation=anticipation,
            n_boot=n_boot,
            seed=seed,
            higher_is_better=self.higher_is_better(outcome),
        )
        result.caveats = self._did_caveats(treatment_code, result.cohorts, result.n_never)
        return result

    def event_study(
        self,
        treatment_code: str,
        outcome: str,
        *,
        design: str = "sunab",
        years: tuple[int, int] | None = None,
        leads: int = 5,
        lags: int = 10,
    ) -> EventStudyResult:
        """TWFE or Sun & Abraham event study of a registry programme on an outcome."""
        years = years or DID_YEARS.get(treatment_code.lower(), (1990, 2024))
        panel = self._staggered_panel(treatment_code, outcome, years)
        return event_study(
            panel,
            outcome=outcome,
            design=design,  # type: ignore[arg-type]
            leads=leads,
            lags=lags,
            treatment=treatment(treatment_code).label,
        )

    @staticmethod
    def control_rule(control: str, anticipation: int = 0) -> str:
        return control_rule(control, anticipation)


def _no_data(
    spec: CaseSpec, outcome: str, iso3: str, donors: list[str], caveats: list[str], hib: bool | None
) -> SynthResult:
    """A not-credible result for a treated country with no outcome data in the window."""
    from .synth import SynthData

    empty = np.zeros((0,))
    data = SynthData(
        treated=iso3,
        outcome=outcome,
        treatment_year=spec.treatment_year,
        years=np.zeros(0, dtype=int),
        donors=tuple(donors),
        X1=empty,
        X0=np.zeros((0, len(donors))),
        Y1=empty,
        Y0=np.zeros((0, len(donors))),
        predictor_labels=(),
        optimise_years=(),
        raw_X1=empty,
        raw_X0=np.zeros((0, len(donors))),
    )
    return SynthResult(
        method=spec.method,
        data=data,
        synthetic=empty,
        weights=pd.Series(dtype=float),
        verdict="not_credible",
        reasons=[f"{iso3} has no {outcome} data in {spec.first_pre_year}-{spec.last_year}"],
        caveats=list(caveats),
        higher_is_better=hib,
        label=f"{spec.title} — {iso3}",
    )
