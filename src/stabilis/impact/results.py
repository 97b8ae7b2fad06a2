"""Synthetic-control results and the function-first entry point :func:`synth`.

A :class:`SynthResult` holds the treated and synthetic paths, the donor weights, the predictor
balance, the checks (placebo in space, the interval from inverting it, placebo in time,
leave-one-out, pre-fit) and a *verdict*: ``estimate`` when the data support one, or
``not_credible`` with the reasons (too short a pre-period, too few donors, poor pre-fit) — then
the summary prints no number. ``tidy()``, ``summary()``, ``plot_spec()`` and ``to_dict()``
give the same facts to tables, people, charts and JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from stabilis.errors import QueryError
from stabilis.panel.serialise import records

from .checks import (
    CheckResult,
    conformal_intervals,
    donor_concentration,
    effect_interval,
    leave_one_out,
    placebo_gaps,
    placebo_in_space,
    placebo_in_time,
    pre_fit,
    rmspe,
    v_corner,
    weight_uniqueness,
)
from .synth import (
    AugmentedSyntheticControl,
    Predictor,
    SynthData,
    SyntheticControl,
    make_estimator,
    prepare,
)
from .verdict import Verdict, VerdictRules, display, synth_verdict

#: Caveats every single-unit comparative case study carries.
STANDARD_CAVEATS = (
    "one treated country, so the p-value is a permutation rank among donor countries",
    "spillovers to donors (neighbours, the same conflict) would bias the comparison",
    "anything else that changed in the treated country at the same time is part of the estimate",
)


#: The series of a synthetic-control path, in the order :meth:`SynthResult.tidy` stacks them.
SERIES = ("treated", "synthetic", "gap")


@dataclass
class SynthResult:
    """A synthetic-control estimate for one treated unit and one outcome."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("year", "series")

    method: str
    data: SynthData
    synthetic: np.ndarray
    weights: pd.Series
    verdict: Verdict
    reasons: list[str]
    checks: dict[str, CheckResult] = field(default_factory=dict)
    caveats: list[str] = field(default_factory=list)
    higher_is_better: bool | None = None
    label: str = ""
    v_weights: pd.Series | None = None
    solutions: pd.DataFrame | None = None
    #: Donors left out by the case's similarity rules for this outcome, with the reason.
    excluded: dict[str, str] = field(default_factory=dict)

    # ---- numbers -------------------------------------------------------------------------

    @property
    def gaps(self) -> np.ndarray:
        return self.data.Y1 - self.synthetic

    @property
    def pre_rmspe(self) -> float:
        return rmspe(self.gaps, self.data.pre_mask)

    @property
    def post_rmspe(self) -> float:
        return rmspe(self.gaps, ~self.data.pre_mask)

    @property
    def att(self) -> float | None:
        """Mean post-treatment gap (treated minus synthetic); None when not credible."""
        if self.verdict == "not_credible":
            return None
        post = ~self.data.pre_mask
        return float(np.mean(self.gaps[post])) if post.any() else None

    @property
    def p_value(self) -> float | None:
        check = self.checks.get("placebo_in_space")
        return check.p_value if check and self.verdict != "not_credible" else None

    @property
    def interval(self) -> tuple[float, float] | None:
        check = self.checks.get("effect_interval")
        if self.verdict == "not_credible" or check is None or not check.passed:
            return None
        return (check.details["lower"], check.details["upper"])

    # ---- views ---------------------------------------------------------------------------

    def path(self) -> pd.DataFrame:
        """The wide view the CLI, API and charts show: one row per year with ``treated``,
        ``synthetic``, ``gap`` and ``period`` (pre / post)."""
        return pd.DataFrame(
            {
                "year": self.data.years,
                "treated": self.data.Y1,
                "synthetic": self.synthetic,
                "gap": self.gaps,
                "period": np.where(self.data.pre_mask, "pre", "post"),
            }
        )

    def tidy(self) -> pd.DataFrame:
        """Long: one row per year and series (``treated``, ``synthetic``, ``gap``):
        ``year, series, value, period``."""
        long = self.path().melt(
            id_vars=["year", "period"],
            value_vars=list(SERIES),
            var_name="series",
            value_name="value",
        )
        return long[["year", "series", "value", "period"]]

    def placebo_band(self, level: float = 0.9) -> pd.DataFrame | None:
        """``year, placebo_low, placebo_high``: the synthetic path plus the central ``level``
        share of the gaps that placebo-in-space fits for every donor, per year.

        A treated path outside the band is unusual among countries that were not treated. None
        when no placebo run exists (inference off, or too few donors).
        """
        if not 0 < level < 1:
            raise QueryError(f"The band's level must be between 0 and 1 (got {level}).")
        check = self.checks.get("placebo_in_space")
        gaps = check.details.get("placebo_gaps") if check is not None else None
        if not isinstance(gaps, pd.DataFrame) or gaps.empty:
            return None
        donors = gaps[gaps["unit"] != self.data.treated]
        if donors.empty:
            return None
        tail = (1 - level) / 2
        by_year = donors.groupby("year")["gap"]
        synthetic = pd.Series(self.synthetic, index=self.data.years)
        band = pd.DataFrame({"low": by_year.quantile(tail), "high": by_year.quantile(1 - tail)})
        band = band.reindex(synthetic.index)
        return pd.DataFrame(
            {
                "year": synthetic.index,
                "placebo_low": (synthetic + band["low"]).to_numpy(),
                "placebo_high": (synthetic + band["high"]).to_numpy(),
            }
        )

    def balance(self) -> pd.DataFrame:
        """Predictor balance: treated, synthetic and donor-average values (unscaled)."""
        raw_x0 = self.data.raw_X0
        w = self.weights.reindex(self.data.donors).fillna(0.0).to_numpy()
        return pd.DataFrame(
            {
                "predictor": list(self.data.predictor_labels),
                "treated": self.data.raw_X1,
                "synthetic": raw_x0 @ w if raw_x0.size else [],
                "donor_mean": raw_x0.mean(axis=1) if raw_x0.size else [],
                "v_weight": self.v_weights.to_numpy() if self.v_weights is not None else np.nan,
            }
        )

    def _direction(self, value: float) -> str:
        if self.higher_is_better is None or value == 0:
            return ""
        better = (value > 0) == self.higher_is_better
        return " (an improvement)" if better else " (a deterioration: harm)"

    def _verdict_reason(self) -> str:
        if self.verdict == "estimate":
            return " (passes every diagnostic)"
        return " (" + "; ".join(self.reasons) + ")" if self.verdict == "weak" else ""

    def summary(self) -> str:
        """A short plain-language summary: verdict first, then estimate, p-value/interval."""
        d = self.data
        post = d.years[~d.pre_mask]
        head = (
            f"{self.label or d.treated}: {d.outcome}, treated {d.treatment_year}, "
            f"{self.method} synthetic control from {len(d.donors)} donors."
        )
        lines = [f"Verdict: {display(self.verdict)}" + self._verdict_reason(), head]
        if self.verdict == "not_credible":
            lines.append(
                "No estimate: the design fails its own diagnostics, because "
                + "; ".join(self.reasons)
                + "."
            )
        else:
            att = self.att
            assert att is not None
            span = f"{post.min()}-{post.max()}" if len(post) else "no post years"
            lines.append(
                f"Estimate: the treated country is {att:+.3f} relative to its synthetic control on "
                f"average over {span}{self._direction(att)}."
            )
            p = self.p_value
            if p is not None:
                n = self.checks["placebo_in_space"].details["n_placebos"]
                lines.append(
                    f"Permutation p = {p:.3f} against {n} placebo countries "
                    f"({'distinguishable from' if p <= 0.1 else 'not distinguishable from'} the "
                    "placebo distribution at 10%)."
                )
            for name in ("effect_interval", "conformal"):
                iv = self.checks.get(name)
                if iv is not None:
                    lines.append(iv.message[0].upper() + iv.message[1:] + ".")
            top = self.weights[self.weights.abs() >= 0.05].sort_values(ascending=False).head(5)
            lines.append(
                "Synthetic control: " + ", ".join(f"{k} {v:.2f}" for k, v in top.items()) + "."
            )
        concerns = [
            c.message
            for c in self.checks.values()
            if c.passed is False and c.name not in ("effect_interval", "conformal")
        ]
        if concerns:
            lines.append("Concerns: " + "; ".join(concerns) + ".")
        if self.caveats:
            lines.append("Caveats: " + "; ".join(self.caveats) + ".")
        return "\n".join(lines)

    def plot_spec(self) -> dict[str, Any]:
        """Vega-Lite spec: treated and synthetic paths with the treatment year marked."""
        path = self.path()
        long = path.melt(id_vars=["year"], value_vars=["treated", "synthetic"], var_name="series")
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"{self.label or self.data.treated}: {self.data.outcome}",
            "data": {"values": records(long)},
            "layer": [
                {
                    "mark": "line",
                    "encoding": {
                        "x": {"field": "year", "type": "quantitative"},
                        "y": {"field": "value", "type": "quantitative", "title": self.data.outcome},
                        "color": {"field": "series", "type": "nominal"},
                    },
                },
                {
                    "mark": {"type": "rule", "strokeDash": [4, 4]},
                    "encoding": {"x": {"datum": self.data.treatment_year - 0.5}},
                },
            ],
        }

    def meta(self) -> dict[str, Any]:
        """JSON-ready settings, diagnostics and verdict (no paths or tables)."""
        return {
            "design": "synthetic_control",
            "verdict": self.verdict,
            "reasons": self.reasons,
            "settings": {
                "treated": self.data.treated,
                "outcome": self.data.outcome,
                "treatment_year": self.data.treatment_year,
                "method": self.method,
                "predictors": list(self.data.predictor_labels),
                "donors": list(self.data.donors),
            },
            "diagnostics": {
                k: {"passed": v.passed, "statistic": v.statistic, "p_value": v.p_value}
                for k, v in self.checks.items()
            },
        }

    def to_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "verdict": self.verdict,
            "reasons": self.reasons,
            "label": self.label,
            "treated": self.data.treated,
            "outcome": self.data.outcome,
            "treatment_year": self.data.treatment_year,
            "method": self.method,
            "estimate": self.att,
            "p_value": self.p_value,
            "interval": list(interval) if interval else None,
            "pre_rmspe": self.pre_rmspe,
            "post_rmspe": self.post_rmspe if self.verdict != "not_credible" else None,
            "n_donors": len(self.data.donors),
            "pre_years": int(self.data.pre_mask.sum()),
            "weights": {k: round(float(v), 4) for k, v in self.weights.items() if abs(v) >= 0.001},
            "dropped_donors": self.data.dropped,
            "excluded_donors": self.excluded,
            "checks": {k: v.to_dict() for k, v in self.checks.items()},
            "caveats": self.caveats,
            "summary": self.summary(),
        }


def _clip_predictor(p: Predictor, fake: int, shift: int) -> Predictor:
    """The predictor measured before ``fake``: its years before it, or, when none are, the
    same span moved back by ``shift`` years (the placebo-in-time convention of Abadie,
    Diamond & Hainmueller 2015: the same predictors, measured earlier)."""
    kept = tuple(y for y in p.years if y < fake)
    return Predictor(p.variable, kept or tuple(y - shift for y in p.years), p.op)


def synth(
    panel: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    treatment_year: int,
    donors: Sequence[str] | None = None,
    predictors: Sequence[Predictor] | None = None,
    pre_years: tuple[int, int] | None = None,
    last_year: int | None = None,
    optimise_years: Sequence[int] | None = None,
    v: Mapping[str, float] | Sequence[float] | None = None,
    method: str = "abadie",
    inference: bool = True,
    min_pre_years: int = 5,
    min_donors: int = 5,
    max_fit_ratio: float = 0.25,
    level: float = 0.9,
    caveats: Sequence[str] = (),
    higher_is_better: bool | None = None,
    label: str = "",
    unit: str = "iso3",
    time: str = "year",
    seed: int = 0,
    workers: int = 1,
    placebo_cache: dict[tuple[Any, ...], list[np.ndarray]] | None = None,
    rules: VerdictRules | None = None,
    keep_treated_in_placebos: bool = True,
) -> SynthResult:
    """Estimate a synthetic control for ``treated`` on a wide panel; the panel is not changed.

    ``method`` is ``abadie`` (nested V/W) or ``augmented`` (ridge ASCM). ``optimise_years`` is
    the V-fitting window (Synth's ``time.optimize.ssr``; default the pre-period); ``v`` fixes
    the predictor weights instead of searching (Synth's ``custom.v``). With ``inference``,
    every donor is refitted as a placebo (the treated unit stays in each placebo's pool unless
    ``keep_treated_in_placebos`` is False), the test is inverted for an interval, the
    treatment is moved back in time and the heaviest donors are left out in turn. The verdict
    follows the checks by the rules of :mod:`stabilis.impact.verdict`.
    """
    if method not in ("abadie", "augmented"):
        raise QueryError(f"Unknown synthetic-control method '{method}'. Use abadie or augmented.")
    rules = rules or VerdictRules(
        min_pre_years=min_pre_years, min_donors=min_donors, max_fit_ratio=max_fit_ratio
    )
    data = prepare(
        panel,
        outcome=outcome,
        treated=treated,
        treatment_year=treatment_year,
        donors=donors,
        predictors=predictors,
        pre_years=pre_years,
        last_year=last_year,
        optimise_years=optimise_years,
        unit=unit,
        time=time,
    )
    structural: list[str] = []
    n_pre = int(data.pre_mask.sum())
    n_post = int((~data.pre_mask).sum())
    if n_pre < rules.min_pre_years:
        structural.append(
            f"too short a pre-period (only {n_pre} pre-treatment years with data; at least "
            f"{rules.min_pre_years} needed)"
        )
    if len(data.donors) < rules.min_donors:
        structural.append(
            f"too few donors (only {len(data.donors)} with complete data; at least "
            f"{rules.min_donors} needed)"
        )
    if n_post == 0:
        structural.append("no post-period (no post-treatment years with data)")
    all_caveats = [*caveats, *STANDARD_CAVEATS]
    if n_pre == 0 or len(data.donors) == 0 or (method == "augmented" and len(data.donors) < 2):
        empty = pd.Series(dtype=float)
        return SynthResult(
            method,
            data,
            np.full(len(data.years), np.nan),
            empty,
            "not_credible",
            structural,
            caveats=all_caveats,
            higher_is_better=higher_is_better,
            label=label,
        )
    estimator = make_estimator(method, seed=seed)
    if isinstance(estimator, SyntheticControl) and v is not None:
        estimator.v = v
    fitted = estimator.fit(data)
    synthetic = fitted.predict()
    weights = pd.Series(fitted.weights_, index=list(data.donors), name="weight")
    gaps = data.Y1 - synthetic
    checks: dict[str, CheckResult] = {"pre_fit": pre_fit(data, gaps, rules.max_fit_ratio)}
    v_fit = getattr(fitted, "v_", None)
    if isinstance(fitted, SyntheticControl) and v_fit is not None:
        checks["one_donor"] = donor_concentration(data, fitted.weights_)
        checks["w_unique"] = weight_uniqueness(data, v_fit, fitted.weights_)
        checks["v_corner"] = v_corner(data, v_fit)
    if inference and n_post and len(data.donors) >= 2:
        key = (
            method,
            data.outcome,
            data.treatment_year,
            data.donors,
            tuple(data.years),
            keep_treated_in_placebos,
            data.treated,
        )
        cached = placebo_cache.get(key) if placebo_cache is not None else None
        if cached is None:
            cached = placebo_gaps(data, estimator, workers, keep_treated_in_placebos)
            if placebo_cache is not None:
                placebo_cache[key] = cached
        space = placebo_in_space(
            data, estimator, gaps, gaps=cached, keep_treated=keep_treated_in_placebos
        )
        checks["placebo_in_space"] = space
        checks["effect_interval"] = effect_interval(space, gaps, ~data.pre_mask, level)
        checks["conformal"] = conformal_intervals(data, level)
        rebuild = None
        if not data.lags_only:

            def rebuild(fake: int) -> SynthData:
                shift = data.treatment_year - fake
                opt = [y for y in data.optimise_years if y < fake]
                return prepare(
                    panel,
                    outcome=outcome,
                    treated=treated,
                    treatment_year=fake,
                    donors=list(data.donors),
                    predictors=[_clip_predictor(p, fake, shift) for p in data.predictors],
                    pre_years=(int(data.years.min()), fake - 1),
                    last_year=data.treatment_year - 1,
                    optimise_years=opt or None,
                    unit=unit,
                    time=time,
                )

        try:
            checks["placebo_in_time"] = placebo_in_time(data, estimator, rebuild=rebuild)
        except QueryError as exc:
            checks["placebo_in_time"] = CheckResult.not_run(
                "placebo_in_time", "synthetic_control", str(exc)
            )
        checks["leave_one_out"] = leave_one_out(data, estimator, fitted.weights_, gaps)
    verdict, reasons = synth_verdict(checks, structural, rules)
    v_series = None
    solutions = None
    if isinstance(fitted, SyntheticControl):
        v_series = pd.Series(fitted.v_, index=list(data.predictor_labels), name="v")
        solutions = fitted.solutions_
    elif isinstance(fitted, AugmentedSyntheticControl):
        all_caveats.insert(
            0,
            f"augmented SC extrapolates beyond the donors (negative weights allowed; ridge {fitted.ridge_:.3g})",
        )
    return SynthResult(
        method=method,
        data=data,
        synthetic=synthetic,
        weights=weights,
        verdict=verdict,
        reasons=reasons,
        checks=checks,
        caveats=all_caveats,
        higher_is_better=higher_is_better,
        label=label,
        v_weights=v_series,
        solutions=solutions,
    )


def cross_validated_v(
    panel: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    treatment_year: int,
    training_predictors: Sequence[Predictor],
    validation_years: Sequence[int],
    donors: Sequence[str] | None = None,
    unit: str = "iso3",
    time: str = "year",
    seed: int = 0,
) -> pd.Series:
    """Step one of the two-step design of Abadie, Diamond & Hainmueller (2015, section 4):
    ``V`` chosen so that ``W(V)``, fitted on predictors measured in a training period,
    minimises the outcome's MSPE over a later validation period. Pass the result, in
    predictor order, as ``v`` to :func:`synth` with the same predictors measured in the
    validation period (step two). Returns ``V`` indexed by the training predictors' labels."""
    last_validation = max(int(y) for y in validation_years)
    if last_validation >= treatment_year:
        raise QueryError(
            f"The validation years must end before the treatment year {treatment_year}."
        )
    data = prepare(
        panel,
        outcome=outcome,
        treated=treated,
        treatment_year=treatment_year,
        donors=donors,
        predictors=training_predictors,
        optimise_years=[int(y) for y in validation_years],
        unit=unit,
        time=time,
    )
    fitted = SyntheticControl(seed=seed).fit(data)
    return pd.Series(fitted.v_, index=list(data.predictor_labels), name="v")
