"""Synthetic-control results and the function-first entry point :func:`synth`.

A :class:`SynthResult` holds the treated and synthetic paths, the donor weights, the predictor
balance, the checks (placebo in space, the interval from inverting it, placebo in time,
leave-one-out, pre-fit) and a *verdict*: ``estimate`` when the data support one, or
``not_credible`` with the reasons (too short a pre-period, too few donors, poor pre-fit) — then
the summary prints no number. ``tidy()``, ``summary()``, ``plot_spec()`` and ``to_dict()``
give the same facts to tables, people, charts and JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from stabilis.errors import QueryError

from .checks import (
    CheckResult,
    effect_interval,
    leave_one_out,
    placebo_gaps,
    placebo_in_space,
    placebo_in_time,
    pre_fit,
    rmspe,
)
from .synth import (
    AugmentedSyntheticControl,
    Predictor,
    SynthData,
    SyntheticControl,
    make_estimator,
    prepare,
)

Verdict = Literal["estimate", "not_credible"]

#: Caveats every single-unit comparative case study carries.
STANDARD_CAVEATS = (
    "one treated country, so the p-value is a permutation rank among donor countries",
    "spillovers to donors (neighbours, the same conflict) would bias the comparison",
    "anything else that changed in the treated country at the same time is part of the estimate",
)


@dataclass
class SynthResult:
    """A synthetic-control estimate for one treated unit and one outcome."""

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
        if self.verdict != "estimate":
            return None
        post = ~self.data.pre_mask
        return float(np.mean(self.gaps[post])) if post.any() else None

    @property
    def p_value(self) -> float | None:
        check = self.checks.get("placebo_in_space")
        return check.p_value if check and self.verdict == "estimate" else None

    @property
    def interval(self) -> tuple[float, float] | None:
        check = self.checks.get("effect_interval")
        if self.verdict != "estimate" or check is None or not check.passed:
            return None
        return (check.details["lower"], check.details["upper"])

    # ---- views ---------------------------------------------------------------------------

    def tidy(self) -> pd.DataFrame:
        """One row per year: treated, synthetic, gap and period (pre / post)."""
        return pd.DataFrame(
            {
                "year": self.data.years,
                "treated": self.data.Y1,
                "synthetic": self.synthetic,
                "gap": self.gaps,
                "period": np.where(self.data.pre_mask, "pre", "post"),
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

    def summary(self) -> str:
        """A short plain-language summary: estimate, p-value/interval, caveats."""
        d = self.data
        post = d.years[~d.pre_mask]
        head = (
            f"{self.label or d.treated}: {d.outcome}, treated {d.treatment_year}, "
            f"{self.method} synthetic control from {len(d.donors)} donors."
        )
        lines = [head]
        if self.verdict != "estimate":
            lines.append(
                "No estimate: the data do not support a credible one, because "
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
            iv = self.checks.get("effect_interval")
            if iv is not None:
                lines.append(iv.message[0].upper() + iv.message[1:] + ".")
            top = self.weights[self.weights.abs() >= 0.05].sort_values(ascending=False).head(5)
            lines.append(
                "Synthetic control: " + ", ".join(f"{k} {v:.2f}" for k, v in top.items()) + "."
            )
        concerns = [
            c.message
            for c in self.checks.values()
            if c.passed is False and c.name != "effect_interval"
        ]
        if concerns:
            lines.append("Concerns: " + "; ".join(concerns) + ".")
        if self.caveats:
            lines.append("Caveats: " + "; ".join(self.caveats) + ".")
        return "\n".join(lines)

    def plot_spec(self) -> dict[str, Any]:
        """Vega-Lite spec: treated and synthetic paths with the treatment year marked."""
        tidy = self.tidy()
        long = tidy.melt(id_vars=["year"], value_vars=["treated", "synthetic"], var_name="series")
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"{self.label or self.data.treated}: {self.data.outcome}",
            "data": {"values": long.replace({np.nan: None}).to_dict(orient="records")},
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

    def to_dict(self) -> dict[str, Any]:
        interval = self.interval
        return {
            "label": self.label,
            "treated": self.data.treated,
            "outcome": self.data.outcome,
            "treatment_year": self.data.treatment_year,
            "method": self.method,
            "verdict": self.verdict,
            "reasons": self.reasons,
            "estimate": self.att,
            "p_value": self.p_value,
            "interval": list(interval) if interval else None,
            "pre_rmspe": self.pre_rmspe,
            "post_rmspe": self.post_rmspe if self.verdict == "estimate" else None,
            "n_donors": len(self.data.donors),
            "pre_years": int(self.data.pre_mask.sum()),
            "weights": {k: round(float(v), 4) for k, v in self.weights.items() if abs(v) >= 0.001},
            "dropped_donors": self.data.dropped,
            "checks": {k: v.to_dict() for k, v in self.checks.items()},
            "caveats": self.caveats,
            "summary": self.summary(),
        }


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
) -> SynthResult:
    """Estimate a synthetic control for ``treated`` on a wide panel; the panel is not changed.

    ``method`` is ``abadie`` (nested V/W) or ``augmented`` (ridge ASCM). With ``inference``,
    every donor is refitted as a placebo. The verdict is ``not_credible`` when the pre-period
    has fewer than ``min_pre_years`` years, fewer than ``min_donors`` donors remain, or the
    pre-fit RMSPE exceeds ``max_fit_ratio`` times the cross-unit spread. ``placebo_cache``
    shares placebo refits between treated countries with the same donors and years.
    """
    if method not in ("abadie", "augmented"):
        raise QueryError(f"Unknown synthetic-control method '{method}'. Use abadie or augmented.")
    data = prepare(
        panel,
        outcome=outcome,
        treated=treated,
        treatment_year=treatment_year,
        donors=donors,
        predictors=predictors,
        pre_years=pre_years,
        last_year=last_year,
        unit=unit,
        time=time,
    )
    reasons: list[str] = []
    n_pre = int(data.pre_mask.sum())
    n_post = int((~data.pre_mask).sum())
    if n_pre < min_pre_years:
        reasons.append(
            f"only {n_pre} pre-treatment years with data (at least {min_pre_years} needed)"
        )
    if len(data.donors) < min_donors:
        reasons.append(
            f"only {len(data.donors)} donors with complete data (at least {min_donors} needed)"
        )
    if n_post == 0:
        reasons.append("no post-treatment years with data")
    all_caveats = [*caveats, *STANDARD_CAVEATS]
    if reasons and (n_pre == 0 or len(data.donors) == 0):
        empty = pd.Series(dtype=float)
        return SynthResult(
            method,
            data,
            np.full(len(data.years), np.nan),
            empty,
            "not_credible",
            reasons,
            caveats=all_caveats,
            higher_is_better=higher_is_better,
            label=label,
        )
    estimator = make_estimator(method, seed=seed)
    fitted = estimator.fit(data)
    synthetic = fitted.predict()
    weights = pd.Series(fitted.weights_, index=list(data.donors), name="weight")
    gaps = data.Y1 - synthetic
    checks: dict[str, CheckResult] = {"pre_fit": pre_fit(data, gaps, max_fit_ratio)}
    if not checks["pre_fit"].passed:
        reasons.append(
            "the synthetic control does not track the treated country before treatment ("
            + checks["pre_fit"].message
            + ")"
        )
    if inference and not reasons:
        key = (method, data.outcome, data.treatment_year, data.donors, tuple(data.years))
        cached = placebo_cache.get(key) if placebo_cache is not None else None
        if cached is None:
            cached = placebo_gaps(data, estimator, workers)
            if placebo_cache is not None:
                placebo_cache[key] = cached
        space = placebo_in_space(data, estimator, gaps, gaps=cached)
        checks["placebo_in_space"] = space
        checks["effect_interval"] = effect_interval(space, gaps, ~data.pre_mask, level)
        checks["placebo_in_time"] = placebo_in_time(data, estimator)
        checks["leave_one_out"] = leave_one_out(data, estimator, fitted.weights_, gaps)
    v = None
    solutions = None
    if isinstance(fitted, SyntheticControl):
        v = pd.Series(fitted.v_, index=list(data.predictor_labels), name="v")
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
        verdict="not_credible" if reasons else "estimate",
        reasons=reasons,
        checks=checks,
        caveats=all_caveats,
        higher_is_better=higher_is_better,
        label=label,
        v_weights=v,
        solutions=solutions,
    )
