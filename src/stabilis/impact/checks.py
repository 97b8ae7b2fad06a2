"""Inference and diagnostics as objects: every check returns a :class:`CheckResult`.

Synthetic control (Abadie, Diamond & Hainmueller 2010, 2015):

* :func:`placebo_in_space` refits the estimator with each donor in turn as the "treated" unit
  (the real treated unit left out of the pool) and ranks the treated unit's post/pre RMSPE
  ratio among them. The permutation p-value is ``(1 + #{placebo ratio >= treated ratio}) /
  (J + 1)``: with ``J`` donors it cannot go below ``1 / (J + 1)``.
* :func:`effect_interval` inverts that test for a constant effect ``a`` (Firpo & Possebom
  2018): ``a`` is in the interval when subtracting it from the treated unit's post-period gaps
  leaves a p-value above ``1 - level``. When no p-value can be that small, the interval is
  unbounded and the check says so.
* :func:`placebo_in_time` moves the treatment back ``shift`` years using only real pre-period
  data; a large "effect" there means the design picks up something other than the treatment.
* :func:`leave_one_out` drops each donor with positive weight and refits.
* :func:`pre_fit` compares the pre-period RMSPE to the spread of the outcome across units.

Difference-in-differences: :func:`pretrend_test` is a Wald test that all pre-treatment
event-study coefficients are zero, using the estimator's own covariance.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

from stabilis.panel.serialise import records

from .synth import Estimator, SynthData, fit_gaps, simplex_weights


@dataclass
class CheckResult:
    """One diagnostic: a statistic, an optional p-value, a table and a chart spec.

    ``passed`` is True when the check raises no concern, False when it does, and None when
    it is informational (an estimate with no pass mark).
    """

    name: str
    design: str
    statistic: float | None
    p_value: float | None
    passed: bool | None
    message: str
    table: pd.DataFrame = field(default_factory=pd.DataFrame)
    chart: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def not_run(cls, name: str, design: str, why: str) -> CheckResult:
        """A check that could not be computed: no statistic, no verdict, and why."""
        return cls(name, design, None, None, None, f"not run: {why}")

    def tidy(self) -> pd.DataFrame:
        """The check's table (one row per placebo, donor, period or coefficient)."""
        return self.table.copy()

    def summary(self) -> str:
        return f"{self.name}: {self.message}"

    def plot_spec(self) -> dict[str, Any]:
        """A Vega-Lite spec of the check (empty when the check has nothing to draw)."""
        return dict(self.chart)

    def meta(self) -> dict[str, Any]:
        """The check's name, design, statistic, p-value, verdict and settings (no table)."""
        out = self.to_dict()
        out.pop("table")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "design": self.design,
            "statistic": _num(self.statistic),
            "p_value": _num(self.p_value),
            "passed": self.passed,
            "message": self.message,
            "details": {k: v for k, v in self.details.items() if not isinstance(v, pd.DataFrame)},
            "table": records(self.table),
        }


def _num(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)


#: Placebos whose pre-period MSPE exceeds this multiple of the treated unit's are "poor fits"
#: and left out of the filtered p-value (Abadie, Diamond & Hainmueller 2010 use 20, 5 and 2;
#: the filter is on the MSPE, so a placebo is kept when its RMSPE is at most sqrt(5) times).
POOR_FIT_MSPE_MULTIPLE = 5.0


def rmspe_ratio(pre: float, post: float) -> float:
    """Post/pre RMSPE ratio with no floor (as in the literature): an exact pre-period fit
    (zero, or below 1e-8 of the post-period RMSPE: rounding error) with any post-period gap is
    infinite, and no gap at all is 0."""
    if pre > 0 and post < 1e8 * pre:
        return post / pre
    return float("inf") if post > 0 else 0.0


def rmspe(gaps: np.ndarray, mask: np.ndarray) -> float:
    """Root mean squared prediction error of ``gaps`` over ``mask``."""
    sel = gaps[mask]
    return float(np.sqrt(np.mean(sel**2))) if sel.size else float("nan")


def _line_chart(
    frame: pd.DataFrame, x: str, y: str, color: str, title: str, rule: float | None
) -> dict[str, Any]:
    layers: list[dict[str, Any]] = [
        {
            "mark": {"type": "line"},
            "encoding": {
                "x": {"field": x, "type": "quantitative"},
                "y": {"field": y, "type": "quantitative"},
                "color": {"field": color, "type": "nominal"},
            },
        }
    ]
    if rule is not None:
        layers.append(
            {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"x": {"datum": rule}}}
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": records(frame)},
        "layer": layers,
    }


# ---- synthetic control --------------------------------------------------------------------


def placebo_gaps(
    data: SynthData, estimator: Estimator, workers: int = 1, keep_treated: bool = True
) -> list[np.ndarray]:
    """Gap paths with each donor in turn as the treated unit; the other donors, and with
    ``keep_treated`` the real treated unit, form its pool (see :meth:`SynthData.as_treated`)."""
    placebo = [data.as_treated(d, keep_treated) for d in data.donors]
    if workers > 1 and len(placebo) > 8:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            gaps = list(pool.map(fit_gaps, placebo, [clone(estimator)] * len(placebo), chunksize=4))
    else:
        gaps = [fit_gaps(p, estimator) for p in placebo]
    return gaps


def placebo_in_space(
    data: SynthData,
    estimator: Estimator,
    treated_gaps: np.ndarray,
    workers: int = 1,
    gaps: list[np.ndarray] | None = None,
    keep_treated: bool = True,
) -> CheckResult:
    """Refit with every donor as the treated unit; rank the treated unit's RMSPE ratio.

    ``gaps`` reuses placebo paths already computed for the same donors and years.
    """
    post, pre = ~data.pre_mask, data.pre_mask
    if gaps is None:
        gaps = placebo_gaps(data, estimator, workers, keep_treated)
    rows = []
    for unit, g in [(data.treated, treated_gaps), *zip(data.donors, gaps, strict=True)]:
        pre_r, post_r = rmspe(g, pre), rmspe(g, post)
        rows.append(
            {
                "unit": unit,
                "treated": unit == data.treated,
                "pre_rmspe": pre_r,
                "post_rmspe": post_r,
                "ratio": rmspe_ratio(pre_r, post_r),
                "mean_post_gap": float(np.mean(g[post])) if post.any() else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    ratio = table.loc[table["treated"], "ratio"].iloc[0]
    others = table.loc[~table["treated"], "ratio"].to_numpy()
    p_value = (1 + int(np.sum(others >= ratio))) / (len(others) + 1)
    # Abadie et al. (2010) also drop placebos whose pre-period MSPE is more than 5 times the
    # treated unit's (the filter is on the MSPE: RMSPE at most sqrt(5) times).
    pre_t = table.loc[table["treated"], "pre_rmspe"].iloc[0]
    kept = table["pre_rmspe"] ** 2 <= POOR_FIT_MSPE_MULTIPLE * pre_t**2
    good = table.loc[~table["treated"] & kept, "ratio"].to_numpy()
    p_value_5x = (1 + int(np.sum(good >= ratio))) / (len(good) + 1)
    table["rank"] = table["ratio"].rank(ascending=False, method="min").astype(int)
    paths = pd.DataFrame(
        {
            "year": np.tile(data.years, len(gaps) + 1),
            "unit": np.repeat([data.treated, *data.donors], len(data.years)),
            "gap": np.concatenate([treated_gaps, *gaps]),
        }
    )
    chart = _line_chart(
        paths,
        "year",
        "gap",
        "unit",
        "Placebo gaps: treated and every donor",
        data.treatment_year - 0.5,
    )
    message = (
        f"post/pre RMSPE ratio {ratio:.2f} ranks {int(table.loc[table['treated'], 'rank'].iloc[0])} "
        f"of {len(table)}; permutation p = {p_value:.3f} (smallest possible {1 / len(table):.3f})"
    )
    return CheckResult(
        name="placebo_in_space",
        design="synthetic_control",
        statistic=float(ratio),
        p_value=float(p_value),
        passed=None,
        message=message,
        table=table,
        chart=chart,
        details={
            "p_value_excluding_poor_fits": p_value_5x,
            "poor_fit_mspe_multiple": POOR_FIT_MSPE_MULTIPLE,
            "placebos_kept": len(good),
            "placebo_gaps": paths,
            "n_placebos": len(others),
            "treated_in_placebo_pools": bool(keep_treated),
        },
    )


def effect_interval(
    placebo: CheckResult, treated_gaps: np.ndarray, post_mask: np.ndarray, level: float = 0.9
) -> CheckResult:
    """Confidence set for a constant effect by inverting the placebo-in-space test."""
    table = placebo.table
    pre_t = float(table.loc[table["treated"], "pre_rmspe"].iloc[0])
    others = table.loc[~table["treated"], "ratio"].to_numpy()
    n = len(others) + 1
    post = treated_gaps[post_mask]
    alpha = round(1 - level, 12)  # 1 - 0.9 is 0.0999...98 in floating point
    if pre_t <= 0 and post.size:
        return CheckResult(
            name="effect_interval",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=False,
            message=(
                f"no {level:.0%} interval: the pre-period fit is exact, so the RMSPE ratio is "
                "infinite for every effect size and the test cannot be inverted"
            ),
            details={"level": level, "lower": None, "upper": None},
        )
    if 1 / n > alpha or not post.size:
        return CheckResult(
            name="effect_interval",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=False,
            message=(
                f"no {level:.0%} interval: with {n - 1} placebos the smallest p-value is "
                f"{1 / n:.3f}, so no effect size can be rejected"
            ),
            details={"level": level, "lower": None, "upper": None},
        )
    spread = max(float(np.ptp(post)), float(np.abs(post).max()), pre_t) * 4 + 1e-9
    grid = np.linspace(float(post.mean()) - spread, float(post.mean()) + spread, 801)
    ratios = np.sqrt(((post[None, :] - grid[:, None]) ** 2).mean(axis=1)) / pre_t
    pvals = (1 + (others[None, :] >= ratios[:, None]).sum(axis=1)) / n
    accepted = grid[pvals > alpha]
    lower = float(accepted.min()) if accepted.size else float("nan")
    upper = float(accepted.max()) if accepted.size else float("nan")
    bounded = accepted.size > 0 and lower > grid[0] and upper < grid[-1]
    table_out = pd.DataFrame({"effect": grid, "p_value": pvals})
    message = (
        f"{level:.0%} interval for a constant effect: [{lower:.3f}, {upper:.3f}]"
        if bounded
        else f"the {level:.0%} set for a constant effect is unbounded on the search grid"
    )
    return CheckResult(
        name="effect_interval",
        design="synthetic_control",
        statistic=float(post.mean()),
        p_value=None,
        passed=bounded,
        message=message,
        table=table_out,
        details={
            "level": level,
            "lower": lower if bounded else None,
            "upper": upper if bounded else None,
        },
    )


#: The in-time placebo fails when its fake post/pre RMSPE ratio reaches this value: an
#: apparent "effect" twice the pre-fit error before the real treatment.
PLACEBO_IN_TIME_MAX_RATIO = 2.0


def placebo_in_time(
    data: SynthData,
    estimator: Estimator,
    shift: int | None = None,
    rebuild: Callable[[int], SynthData] | None = None,
) -> CheckResult:
    """Pretend the treatment came ``shift`` years early, using pre-period data only.

    ``rebuild(fake_year)`` returns the same problem (same predictors, measured only in years
    before ``fake_year``) ending the year before the real treatment; :func:`~.results.synth`
    passes one so that the placebo tests the estimator the user specified. Without it the
    placebo refits on the outcome in every year before ``fake_year`` (lags only).
    """
    pre_years = data.years[data.pre_mask]
    if shift is None:
        shift = max(2, min(5, len(pre_years) // 3))
    fake = int(data.treatment_year - shift)
    if int(np.sum(pre_years < fake)) < 3 or int(np.sum(pre_years >= fake)) < 1:
        return CheckResult.not_run(
            "placebo_in_time",
            "synthetic_control",
            f"too few pre-period years to move the treatment to {fake}",
        )
    moved = rebuild(fake) if rebuild is not None else data.truncated(fake)
    gaps = fit_gaps(moved, estimator)
    pre = moved.years < fake
    ratio_pre = rmspe(gaps, pre)
    fake_post = rmspe(gaps, ~pre)
    ratio = rmspe_ratio(ratio_pre, fake_post)
    table = pd.DataFrame(
        {"year": moved.years, "gap": gaps, "period": np.where(pre, "pre", "fake_post")}
    )
    passed = bool(ratio < PLACEBO_IN_TIME_MAX_RATIO)
    if not np.isfinite(ratio):
        verdict_text = "infinite: the fit before the fake date is exact, so the test says nothing"
    else:
        verdict_text = (
            f"{'no' if passed else 'a'} spurious effect; flagged at {PLACEBO_IN_TIME_MAX_RATIO:g}"
        )
    return CheckResult(
        name="placebo_in_time",
        design="synthetic_control",
        statistic=float(ratio),
        p_value=None,
        passed=passed,
        message=(
            f"treatment moved to {fake}: post/pre RMSPE ratio {ratio:.3g} before the real "
            f"treatment ({verdict_text})"
        ),
        table=table,
        chart=_line_chart(
            table.assign(series="gap"),
            "year",
            "gap",
            "series",
            f"Placebo in time ({fake})",
            fake - 0.5,
        ),
        details={
            "fake_year": fake,
            "predictors": "the user's" if rebuild is not None else "outcome lags",
            "infinite": not bool(np.isfinite(ratio)),
        },
    )


def leave_one_out(
    data: SynthData, estimator: Estimator, weights: np.ndarray, full_gaps: np.ndarray, top: int = 5
) -> CheckResult:
    """Drop each of the (up to ``top``) heaviest donors in turn and refit."""
    post = ~data.pre_mask
    order = [int(i) for i in np.argsort(-np.abs(weights)) if abs(weights[i]) >= 0.01][:top]
    if len(data.donors) < 3 or not order:
        return CheckResult.not_run("leave_one_out", "synthetic_control", "fewer than three donors")
    base = float(np.mean(full_gaps[post]))
    rows = [
        {"dropped": "(none)", "mean_post_gap": base, "pre_rmspe": rmspe(full_gaps, data.pre_mask)}
    ]
    paths = [pd.DataFrame({"year": data.years, "gap": full_gaps, "dropped": "(none)"})]
    for i in order:
        unit = data.donors[i]
        gaps = fit_gaps(data.without(unit), estimator)
        rows.append(
            {
                "dropped": unit,
                "mean_post_gap": float(np.mean(gaps[post])),
                "pre_rmspe": rmspe(gaps, data.pre_mask),
            }
        )
        paths.append(pd.DataFrame({"year": data.years, "gap": gaps, "dropped": unit}))
    table = pd.DataFrame(rows)
    effects = table["mean_post_gap"].to_numpy()
    same_sign = bool(np.all(np.sign(effects) == np.sign(base))) if base != 0 else False
    spread = float(effects.max() - effects.min())
    return CheckResult(
        name="leave_one_out",
        design="synthetic_control",
        statistic=spread,
        p_value=None,
        passed=same_sign,
        message=(
            f"mean post-period gap ranges {effects.min():.3f} to {effects.max():.3f} when one "
            f"of the {len(order)} heaviest donors is dropped "
            f"({'sign stable' if same_sign else 'sign changes: the estimate rests on single donors'})"
        ),
        table=table,
        chart=_line_chart(
            pd.concat(paths),
            "year",
            "gap",
            "dropped",
            "Leave-one-out gaps",
            data.treatment_year - 0.5,
        ),
    )


def pre_fit(data: SynthData, gaps: np.ndarray, max_ratio: float = 0.25) -> CheckResult:
    """Pre-period fit: RMSPE against the cross-unit spread of the outcome before treatment.

    Fails when the pre-period RMSPE exceeds ``max_ratio`` times the standard deviation of the
    pre-period outcome across all units in the problem: the synthetic unit then does not track
    the treated one, and a post-period gap says little about the treatment.
    """
    pre = data.pre_mask
    pre_r = rmspe(gaps, pre)
    both = np.column_stack([data.Y1[pre], data.Y0[pre]])
    spread = float(np.mean(both.std(axis=1, ddof=1))) if both.shape[1] > 1 else float("nan")
    ratio = pre_r / spread if spread > 0 else float("inf")
    passed = bool(ratio <= max_ratio)
    mean_abs = float(np.mean(np.abs(data.Y1[pre]))) if pre.any() else float("nan")
    table = pd.DataFrame(
        [
            {"statistic": "pre_rmspe", "value": pre_r},
            {"statistic": "cross_unit_sd", "value": spread},
            {"statistic": "rmspe_over_sd", "value": ratio},
            {"statistic": "mean_abs_treated_outcome", "value": mean_abs},
            {"statistic": "pre_years", "value": float(pre.sum())},
        ]
    )
    return CheckResult(
        name="pre_fit",
        design="synthetic_control",
        statistic=float(ratio),
        p_value=None,
        passed=passed,
        message=(
            f"pre-period RMSPE {pre_r:.3f} is {ratio:.2f} of the cross-country spread "
            f"({'good' if passed else 'poor'} fit; the bar is {max_ratio})"
        ),
        table=table,
        details={"pre_rmspe": pre_r, "bar": max_ratio},
    )


def conformal_intervals(data: SynthData, level: float = 0.9, points: int = 201) -> CheckResult:
    """Per-year intervals for the effect path by conformal inference (Chernozhukov, Wüthrich
    & Zhu 2021, "An Exact and Robust Conformal Inference Method for Counterfactual and
    Synthetic Controls", JASA 116(536)).

    For each post-treatment year ``t`` and candidate effect ``a``: subtract ``a`` from the
    treated outcome in ``t``, refit the synthetic control (weights on the simplex matching the
    outcome) on the pre-period plus ``t`` under that null, and rank ``t``'s absolute residual
    among all of them (the permutation over time of their method with one post period). ``a``
    stays in the interval when its p-value exceeds ``1 - level``. The smallest attainable p is
    ``1 / (T0 + 1)``, so with fewer than ``1/(1-level) - 1`` pre-period years the intervals are
    unbounded (said so). The refits use the outcome only, as in the paper, whatever the
    predictors of the main fit.
    """
    pre = data.pre_mask
    post_idx = np.flatnonzero(~pre)
    t0 = int(pre.sum())
    alpha = round(1 - level, 12)  # 1 - 0.9 is 0.0999...98 in floating point
    if post_idx.size == 0 or t0 == 0 or len(data.donors) == 0:
        return CheckResult.not_run("conformal", "synthetic_control", "no post-period")
    if 1 / (t0 + 1) > alpha:
        return CheckResult(
            name="conformal",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=False,
            message=(
                f"no {level:.0%} conformal intervals: with {t0} pre-period years the smallest "
                f"p-value is {1 / (t0 + 1):.3f}"
            ),
        )
    y1_pre, y0_pre = data.Y1[pre], data.Y0[pre]
    w_pre = simplex_weights(y1_pre, y0_pre)
    scale = max(float(np.sqrt(np.mean((y1_pre - y0_pre @ w_pre) ** 2))), 1e-9)
    rows = []
    for i in post_idx:
        gap = float(data.Y1[i] - data.Y0[i] @ w_pre)
        half = 4 * max(abs(gap), 5 * scale)
        grid = np.linspace(gap - half, gap + half, points)
        accepted = []
        y0 = np.vstack([y0_pre, data.Y0[i]])
        for a in grid:
            y1 = np.append(y1_pre, data.Y1[i] - a)
            resid = np.abs(y1 - y0 @ simplex_weights(y1, y0))
            p = float(np.mean(resid >= resid[-1] - 1e-12))
            if p > alpha:
                accepted.append(a)
        bounded = bool(accepted) and accepted[0] > grid[0] and accepted[-1] < grid[-1]
        rows.append(
            {
                "year": int(data.years[i]),
                "gap": gap,
                "lower": float(accepted[0]) if bounded else float("nan"),
                "upper": float(accepted[-1]) if bounded else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    covered = table.dropna()
    excludes_zero = int(((covered["lower"] > 0) | (covered["upper"] < 0)).sum())
    return CheckResult(
        name="conformal",
        design="synthetic_control",
        statistic=float(excludes_zero),
        p_value=None,
        passed=bool(len(covered) == len(table)),
        message=(
            f"{level:.0%} conformal intervals for each post-treatment year: {excludes_zero} of "
            f"{len(table)} exclude zero"
            + ("" if len(covered) == len(table) else f"; {len(table) - len(covered)} unbounded")
        ),
        table=table,
        details={"level": level, "pre_years": t0},
    )


#: W counts as not unique when some donor's weight can move by more than this with the same fit.
W_RANGE_TOLERANCE = 0.05
#: V is a corner solution when one predictor carries at least this share of the weight.
V_CORNER_SHARE = 0.95
#: The synthetic control "rests on one donor" when one donor carries at least this weight.
ONE_DONOR_WEIGHT = 0.9


def _matching_rows(data: SynthData, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows W is fitted on: scaled predictors weighted by sqrt(V) (rows with V > 0), or
    the outcome in the optimisation years for the lags-only default."""
    if data.lags_only or len(data.X1) == 0:
        mask = data.opt_mask
        return data.Y0[mask], data.Y1[mask]
    keep = v > 1e-9 * max(float(v.max(initial=0.0)), 1e-300)
    root = np.sqrt(v[keep])
    return data.X0[keep] * root[:, None], data.X1[keep] * root


def weight_uniqueness(data: SynthData, v: np.ndarray, weights: np.ndarray) -> CheckResult:
    """Is ``W`` the only donor weighting with this fit? (Abadie 2021, section 4.)

    Every minimiser of the inner problem gives the same fitted predictors ``X0 W``, so the
    set of solutions is ``{w on the simplex : X0 w = X0 W}``. For each donor a linear programme
    finds the smallest and largest weight in that set (to a tolerance of 1e-6 of the scale of
    ``X0``). When some weight can move by more than ``W_RANGE_TOLERANCE`` the synthetic control
    is one of many equally good ones (typically: the treated unit lies inside the donors'
    convex hull, or a corner ``V`` leaves one predictor to match) and its composition, and the
    estimate, are arbitrary.
    """
    from scipy.optimize import linprog

    a, _ = _matching_rows(data, v)
    j = a.shape[1]
    if j <= 1:
        return CheckResult(
            name="w_unique",
            design="synthetic_control",
            statistic=0.0,
            p_value=None,
            passed=True,
            message="one donor: W is trivially unique",
        )
    fitted = a @ weights
    eps = 1e-6 * max(1.0, float(np.abs(a).max(initial=0.0)))
    a_ub = np.vstack([a, -a])
    b_ub = np.concatenate([fitted + eps, -fitted + eps])
    a_eq, b_eq = np.ones((1, j)), np.array([1.0])
    lows, highs = np.array(weights, dtype=float), np.array(weights, dtype=float)
    for k in range(j):
        for sign in (1.0, -1.0):
            c = np.zeros(j)
            c[k] = sign
            res = linprog(
                c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, 1), method="highs"
            )
            if res.status == 0:
                value = float(res.x[k])
                if sign > 0:
                    lows[k] = min(lows[k], value)
                else:
                    highs[k] = max(highs[k], value)
    spread = highs - lows
    table = pd.DataFrame(
        {"donor": list(data.donors), "weight": weights, "min_weight": lows, "max_weight": highs}
    )
    table = table[(table["max_weight"] > 1e-3) | (table["weight"] > 1e-3)].reset_index(drop=True)
    worst = int(np.argmax(spread))
    passed = bool(spread[worst] <= W_RANGE_TOLERANCE)
    message = (
        "W is unique: no donor's weight can move by more than "
        f"{W_RANGE_TOLERANCE:g} without worsening the fit"
        if passed
        else (
            f"W is not unique: with the same fit {data.donors[worst]}'s weight can be anywhere "
            f"from {lows[worst]:.2f} to {highs[worst]:.2f}, so the synthetic control's "
            "composition is arbitrary"
        )
    )
    return CheckResult(
        name="w_unique",
        design="synthetic_control",
        statistic=float(spread[worst]),
        p_value=None,
        passed=passed,
        message=message,
        table=table,
        details={
            "tolerance": W_RANGE_TOLERANCE,
            "donor": data.donors[worst],
            "min_weight": float(lows[worst]),
            "max_weight": float(highs[worst]),
        },
    )


def v_corner(data: SynthData, v: np.ndarray) -> CheckResult:
    """Does ``V`` put (almost) all its weight on one predictor? Such a corner solution means
    the synthetic control matches one predictor and ignores the rest, and ``W`` is then
    rarely unique (Klößner, Kaul, Pfeifer & Schieler 2018)."""
    if data.lags_only or len(v) <= 1:
        return CheckResult(
            name="v_corner",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=True,
            message="V is not searched (equal weights on the pre-period outcomes)",
        )
    top = int(np.argmax(v))
    share = float(v[top])
    passed = share < V_CORNER_SHARE
    table = pd.DataFrame({"predictor": list(data.predictor_labels), "v": v})
    return CheckResult(
        name="v_corner",
        design="synthetic_control",
        statistic=share,
        p_value=None,
        passed=passed,
        message=(
            f"V puts {share:.0%} of its weight on {data.predictor_labels[top]}"
            + ("" if passed else f" (a corner solution; flagged at {V_CORNER_SHARE:.0%})")
        ),
        table=table,
        details={"predictor": data.predictor_labels[top]},
    )


def donor_concentration(data: SynthData, weights: np.ndarray) -> CheckResult:
    """Does the synthetic control rest on a single donor? Then it is a one-to-one comparison
    with that country, and anything else that happened to it is in the estimate."""
    if not len(weights):
        return CheckResult("one_donor", "synthetic_control", None, None, None, "no weights")
    top = int(np.argmax(weights))
    share = float(weights[top])
    effective = float(1.0 / np.sum(np.square(weights))) if np.any(weights) else 0.0
    passed = share < ONE_DONOR_WEIGHT
    return CheckResult(
        name="one_donor",
        design="synthetic_control",
        statistic=share,
        p_value=None,
        passed=passed,
        message=(
            f"the heaviest donor {data.donors[top]} carries {share:.2f} of the weight "
            f"(effective number of donors {effective:.1f}"
            + (
                ")"
                if passed
                else f"; the control rests on one donor, flagged at {ONE_DONOR_WEIGHT:g})"
            )
        ),
        details={"effective_donors": effective, "top_donor": data.donors[top]},
    )


# ---- difference-in-differences ------------------------------------------------------------


def pretrend_test(estimates: pd.Series, covariance: np.ndarray, design: str) -> CheckResult:
    """Joint Wald test that the pre-treatment event-time coefficients are all zero.

    ``estimates`` is indexed by event time (negative = before treatment); ``covariance`` is
    their covariance matrix in the same order.
    """
    from scipy import stats

    keep = np.isfinite(estimates.to_numpy()) & np.isfinite(np.diag(covariance))
    theta = estimates.to_numpy()[keep]
    cov = covariance[np.ix_(keep, keep)]
    if theta.size == 0:
        return CheckResult.not_run("pretrend_test", design, "no pre-treatment coefficients")
    stat = float(theta @ np.linalg.pinv(cov) @ theta)
    dof = int(np.linalg.matrix_rank(cov))
    p = float(stats.chi2.sf(stat, max(dof, 1)))
    passed = p >= 0.05
    table = pd.DataFrame(
        {"event_time": estimates.index[keep], "estimate": theta, "se": np.sqrt(np.diag(cov))}
    )
    return CheckResult(
        name="pretrend_test",
        design=design,
        statistic=stat,
        p_value=p,
        passed=passed,
        message=(
            f"joint test of {theta.size} pre-treatment coefficients: chi2({dof}) = {stat:.2f}, "
            f"p = {p:.3f} ({'no evidence against' if passed else 'evidence against'} parallel trends)"
        ),
        table=table,
    )
