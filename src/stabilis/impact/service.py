"""``ImpactService(ws)``: impact studies over a workspace's panel and registry.

The service only reads: the panel (``ws.panel``), the conflict records (``ws.table``), the
country table (``ws.countries``), indicator directions (``ws.indicators``) and the registry.
Every design is also callable on a user's own panel through the function-first API
(:func:`stabilis.impact.synth`, :func:`~stabilis.impact.did`,
:func:`~stabilis.impact.event_study`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stabilis.errors import NotFoundError, QueryError, StabilisError
from stabilis.services import WorkspaceLike

from .artefacts import ResultStore
from .cases import (
    REGIME,
    CaseResult,
    CaseSpec,
    PooledResult,
    donor_pool,
    get_case,
    load_cases,
    pooled_p_value,
    similar_donors,
)
from .did import DidResult, control_rule, did
from .event_study import EventStudyResult, event_study
from .outcomes import DERIVED, HIGHER_IS_BETTER, conflict_outcomes
from .pooling import pooled_id, pooled_panel
from .regional import DidArm, regional_did_arm
from .registration import (
    Registration,
    external_panel,
    register_case,
    registered_cases,
    spec_for_file,
)
from .results import SynthResult, synth
from .treatments import cohort_frame, treatment

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

    def _known_countries(self) -> pd.DataFrame | None:
        """The country table, or None without a warehouse (a case on an external panel)."""
        try:
            return self._countries
        except StabilisError:
            return None

    @cached_property
    def _directions(self) -> dict[str, bool | None]:
        out: dict[str, bool | None] = {}
        try:
            meta = self.ws.indicators()
        except StabilisError:  # no warehouse: a case on an external panel
            return dict(HIGHER_IS_BETTER)
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
        return load_cases(self.ws.registry, countries=self._known_countries())

    def _all_cases(self) -> dict[str, CaseSpec]:
        """The shipped cases and the user's registered ones (``stabilis impact register``)."""
        root = self._registered_root()
        user = registered_cases(root, self.ws.registry, self._known_countries()) if root else {}
        return {**self._cases, **user}

    def _registered_root(self) -> Path | None:
        root = getattr(getattr(self.ws, "settings", None), "data_dir", None)
        return Path(root) / "impact" / "registered" if root is not None else None

    def register(self, path: Path) -> Registration:
        """Store a case file with its sha256 and a timestamp before its first run."""
        root = self._registered_root()
        if root is None:
            raise QueryError("This workspace has no data directory to register cases in.")
        return register_case(
            path, root, self.ws.registry, self._known_countries(), set(self._cases)
        )

    def registered_file(self, path: Path) -> CaseSpec:
        """The registered case behind ``path``; refuses a file not registered as it is now."""
        root = self._registered_root()
        if root is None:
            raise QueryError("This workspace has no data directory with registered cases.")
        return spec_for_file(path, root, self.ws.registry, self._known_countries())

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
            for s in self._all_cases().values()
        ]
        return pd.DataFrame(rows)

    def case(self, case_id: str) -> CaseSpec:
        return get_case(self._all_cases(), case_id)

    def run_case(
        self,
        case_id: str,
        *,
        outcomes: Sequence[str] | None = None,
        method: str | None = None,
        inference: bool = True,
    ) -> CaseResult:
        """Run one case for its outcomes (or the given subset) and return every result.

        Results are computed once per case definition and warehouse state and kept as an
        artefact (:mod:`.artefacts`): an identical request reads them back instead.
        """
        return self.run_spec(
            self.case(case_id), outcomes=outcomes, method=method, inference=inference
        )

    def run_spec(
        self,
        spec: CaseSpec,
        *,
        outcomes: Sequence[str] | None = None,
        method: str | None = None,
        inference: bool = True,
        panel: pd.DataFrame | None = None,
        unit: str = "iso3",
        time: str = "year",
        panel_id: str = "",
    ) -> CaseResult:
        """Run a case specification on the warehouse, or on an external ``panel`` (one row per
        ``unit``-``time``; ``panel_id`` names it in the artefact key, e.g. its file's sha256)."""
        chosen = list(outcomes) if outcomes else list(spec.outcomes)
        if panel is None:
            unknown = [
                o
                for o in chosen
                if o not in spec.outcomes and o not in DERIVED and o not in self._directions
            ]
            if unknown:
                raise NotFoundError(
                    f"Unknown outcome '{unknown[0]}'. List indicators with 'stabilis indicators list'."
                )
        options = (tuple(chosen), method or spec.method, inference, unit, time, panel_id)
        store = self._store()
        key = store.key(spec.fingerprint(), self._identity(panel_id), options) if store else ""
        if store is not None:
            found = store.load(key)
            if isinstance(found, CaseResult):
                return found
        if panel is None:
            donors, excluded = donor_pool(spec, self.ws.registry, self._countries)
            if spec.origin:
                excluded.pop(spec.origin, None)
                donors = [d for d in donors if d != spec.origin]
                excluded[spec.origin] = "the country intervened in (origin of the spill-over)"
            extra = [REGIME] if spec.donor_rule.regime_distance is not None else []
            frame = self.panel(
                list(dict.fromkeys([*chosen, *extra])), years=(spec.first_pre_year, spec.last_year)
            )
        else:
            frame, donors, excluded = external_panel(spec, panel, chosen, unit, time)
        result = CaseResult(spec=spec, donors=donors, excluded=excluded)
        caveats = []
        if spec.confounders:
            caveats.append("confounding events in the window: " + "; ".join(spec.confounders))
        if spec.anticipation:
            caveats.append("anticipation: " + spec.anticipation)
        if spec.design == "regional":
            caveats.insert(
                0,
                f"regional design: the treated units are the neighbours of {spec.origin}; "
                "their gap is the intervention's spill-over only if nothing else hit the region",
            )
        cache: dict[tuple[Any, ...], list[np.ndarray]] = {}
        if spec.design == "pooled":
            members = ", ".join(sorted(spec.treated))
            caveats.insert(
                0,
                f"pooled design: one synthetic control fitted to the year-by-year average of "
                f"{members}; the estimate is the average effect on them, not any one's",
            )
            frame = pooled_panel(frame, spec.treated)
            for outcome in chosen:
                result.results.append(
                    self._synth(
                        spec,
                        frame,
                        outcome,
                        pooled_id(spec.treated),
                        [d for d in donors if d not in spec.treated],
                        method or spec.method,
                        inference,
                        caveats,
                        cache,
                    )
                )
            if store is not None:
                store.save(key, result)
            return result
        for outcome in chosen:
            runs = [
                self._synth(
                    spec,
                    frame,
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
            if spec.design == "regional" and panel is None:
                result.arms.append(self._regional_arm(spec, frame, outcome, donors))
        if store is not None:
            store.save(key, result)
        return result

    def stored(self, case_id: str) -> CaseResult | None:
        """The stored result of a case's default run for the current warehouse, or None."""
        store = self._store()
        if store is None:
            return None
        spec = self.case(case_id)
        options = (tuple(spec.outcomes), spec.method, True, "iso3", "year", "")
        found = store.load(store.key(spec.fingerprint(), self._identity(""), options))
        return found if isinstance(found, CaseResult) else None

    def headlines(self, compute: bool = False) -> pd.DataFrame:
        """One row per case and outcome, verdict first: verdict, estimate, interval, p-value
        and reason. Cases without a stored result are computed when ``compute``, else shown
        as ``not run``."""
        rows = []
        for spec in self._all_cases().values():
            result = self.run_case(spec.id) if compute else self.stored(spec.id)
            if result is None:
                rows.append(
                    {
                        "case": spec.id,
                        "outcome": spec.outcomes[0],
                        "verdict": "not run",
                        "reason": "not computed for this warehouse yet: open the case, or "
                        f"run 'stabilis impact run {spec.id}'",
                    }
                )
                continue
            for row in result.table().to_dict(orient="records"):
                rows.append({"case": spec.id, **{str(k): v for k, v in row.items()}})
        columns = [
            "case",
            "outcome",
            "arm",
            "treated",
            "verdict",
            "estimate",
            "lower",
            "upper",
            "p_value",
            "n_donors",
            "reason",
        ]
        return pd.DataFrame(rows).reindex(columns=columns)

    def stored_state(self) -> list[str]:
        """Names of the stored result artefacts (changes when a case is computed)."""
        store = self._store()
        if store is None or not store.root.exists():
            return []
        return sorted(p.name for p in store.root.glob("*.pickle"))

    def _store(self) -> ResultStore | None:
        root = getattr(getattr(self.ws, "settings", None), "data_dir", None)
        return ResultStore(Path(root) / "impact" / "results") if root is not None else None

    def _identity(self, panel_id: str) -> str:
        """The warehouse state the results depend on: the warehouse part of ``ws.freshness()``
        when the workspace has it (not the whole key: it also follows the stored impact results
        themselves, so storing one would make it stale, and the forecast archive and notes,
        which no result reads; approved registry edits reach the results through a build),
        else the warehouse file's inode, modification time and size."""
        if panel_id:
            return f"panel:{panel_id}"
        parts = getattr(self.ws, "freshness_parts", None)
        if callable(parts):
            return json.dumps(parts().get("warehouse"), sort_keys=True, default=str)
        path = getattr(getattr(self.ws, "settings", None), "warehouse_path", None)
        try:
            info = os.stat(path) if path is not None else None
        except FileNotFoundError:
            info = None
        return f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}" if info else "no-warehouse"

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
        pre = (spec.first_pre_year, spec.treatment_year - 1)
        donors, dissimilar = similar_donors(spec.donor_rule, panel, outcome, iso3, donors, pre)
        result = synth(
            panel,
            outcome=outcome,
            treated=iso3,
            treatment_year=spec.treatment_year,
            donors=[d for d in donors if d != iso3],
            predictors=list(spec.predictors) or None,
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
        result.excluded = dissimilar
        self._spillover_caveat(result)
        return result

    def _regional_arm(
        self, spec: CaseSpec, frame: pd.DataFrame, outcome: str, donors: list[str]
    ) -> DidArm:
        """The not-yet-treated DiD beside a regional case's synthetic comparison
        (:mod:`.regional`): later regional cases' neighbours serve until they are treated."""
        later: dict[str, int] = {}
        excluded: set[str] = set()
        for other in self._all_cases().values():
            if other.design != "regional" or other.id == spec.id:
                continue
            excluded.add(other.origin)
            for iso3 in other.treated:
                if other.treatment_year > spec.treatment_year:
                    later[iso3] = min(later.get(iso3, other.treatment_year), other.treatment_year)
                else:
                    excluded.add(iso3)
        excluded.add(spec.origin)
        panel = frame
        missing = [u for u in later if u not in set(frame["iso3"])]
        if missing or outcome not in frame.columns:
            panel = self.panel([outcome], years=(spec.first_pre_year, spec.last_year))
        return regional_did_arm(
            panel,
            outcome,
            list(spec.treated),
            spec.treatment_year,
            donors,
            later,
            excluded - set(spec.treated),
            self.higher_is_better(outcome),
        )

    def _spillover_caveat(self, result: SynthResult) -> None:
        known = self._known_countries()
        if known is None:
            return
        table = known.set_index("iso3")
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
        good = [r for r in runs if r.verdict != "not_credible" and "placebo_in_space" in r.checks]
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
            if not np.isfinite(p_value) or p_value > 0.10:
                reasons.append(f"pooled permutation p = {p_value:.3f} exceeds 0.1")
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
