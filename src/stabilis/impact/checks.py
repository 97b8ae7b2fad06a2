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

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .synth import Estimator, SynthData, clone, fit_gaps


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

    def tidy(self) -> pd.DataFrame:
        """The check's table (one row per placebo, donor, period or coefficient)."""
        return self.table.copy()

    def summary(self) -> str:
        return f"{self.name}: {self.message}"

    def plot_spec(self) -> dict[str, Any]:
        """A Vega-Lite spec of the check (empty when the check has nothing to draw)."""
        return dict(self.chart)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "design": self.design,
            "statistic": _num(self.statistic),
            "p_value": _num(self.p_value),
            "passed": self.passed,
            "message": self.message,
            "details": {k: v for k, v in self.details.items() if not isinstance(v, pd.DataFrame)},
            "table": _records(self.table),
        }


def _num(value: float | None) -> float | None:
    if value is None or not np.isfinite(value):
        return None
    return float(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.replace({np.nan: None}).to_dict(orient="records")
    return [{str(k): v for k, v in row.items()} for row in out]


#: Smallest pre-period RMSPE used as a divisor in RMSPE ratios, as a share of the outcome's
#: cross-unit spread before treatment: fits closer than this count as equally good, so a
#: near-exact fit (common for 0/1 outcomes and flat series) cannot inflate a ratio without limit.
PRE_RMSPE_FLOOR = 0.05


def rmspe_floor(data: SynthData) -> float:
    """The divisor floor for ``data``: ``PRE_RMSPE_FLOOR`` times the cross-unit spread."""
    pre = data.pre_mask
    both = np.column_stack([data.Y1[pre], data.Y0[pre]])
    spread = float(np.mean(both.std(axis=1, ddof=1))) if both.shape[1] > 1 and both.size else 0.0
    return max(PRE_RMSPE_FLOOR * spread, 1e-9)


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
        "data": {"values": _records(frame)},
        "layer": layers,
    }


# ---- synthetic control --------------------------------------------------------------------


def placebo_gaps(data: SynthData, estimator: Estimator, workers: int = 1) -> list[np.ndarray]:
    """Gap paths with each donor in turn as the treated unit (the rest as its pool)."""
    placebo = [data.as_treated(d) for d in data.donors]
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
) -> CheckResult:
    """Refit with every donor as the treated unit; rank the treated unit's RMSPE ratio.

    ``gaps`` reuses placebo paths already computed for the same donors and years (several
    treated countries sharing one pool).
    """
    post, pre = ~data.pre_mask, data.pre_mask
    if gaps is None:
        gaps = placebo_gaps(data, estimator, workers)
    floor = rmspe_floor(data)
    rows = []
    for unit, g in [(data.treated, treated_gaps), *zip(data.donors, gaps, strict=True)]:
        pre_r, post_r = rmspe(g, pre), rmspe(g, post)
        rows.append(
            {
                "unit": unit,
                "treated": unit == data.treated,
                "pre_rmspe": pre_r,
                "post_rmspe": post_r,
                # Near-perfect pre-period fits are divided by the floor (see rmspe_floor).
                "ratio": post_r / max(pre_r, floor),
                "mean_post_gap": float(np.mean(g[post])) if post.any() else float("nan"),
            }
        )
    table = pd.DataFrame(rows)
    ratio = table.loc[table["treated"], "ratio"].iloc[0]
    others = table.loc[~table["treated"], "ratio"].to_numpy()
    p_value = (1 + int(np.sum(others >= ratio))) / (len(others) + 1)
    # Abadie et al. (2010) also drop placebos fitting more than 5 times worse than the treated.
    pre_t = table.loc[table["treated"], "pre_rmspe"].iloc[0]
    good = table.loc[~table["treated"] & (table["pre_rmspe"] <= 5 * pre_t), "ratio"].to_numpy()
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
            "p_value_excluding_poor_fits_5x": p_value_5x,
            "placebos_kept_5x": len(good),
            "placebo_gaps": paths,
            "n_placebos": len(others),
            "rmspe_floor": floor,
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
    alpha = 1 - level
    pre_t = max(pre_t, float(placebo.details.get("rmspe_floor", 1e-9)))
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


def placebo_in_time(data: SynthData, estimator: Estimator, shift: int | None = None) -> CheckResult:
    """Pretend the treatment came ``shift`` years early, using pre-period data only."""
    pre_years = data.years[data.pre_mask]
    if shift is None:
        shift = max(2, min(5, len(pre_years) // 3))
    fake = int(data.treatment_year - shift)
    if int(np.sum(pre_years < fake)) < 3 or int(np.sum(pre_years >= fake)) < 1:
        return CheckResult(
            name="placebo_in_time",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=None,
            message=f"not run: too few pre-period years to move the treatment to {fake}",
        )
    moved = data.truncated(fake)
    gaps = fit_gaps(moved, estimator)
    pre = moved.years < fake
    ratio_pre = rmspe(gaps, pre)
    fake_post = rmspe(gaps, ~pre)
    ratio = fake_post / ratio_pre if ratio_pre > 0 else float("inf")
    table = pd.DataFrame(
        {"year": moved.years, "gap": gaps, "period": np.where(pre, "pre", "fake_post")}
    )
    passed = bool(ratio < 2.0)
    return CheckResult(
        name="placebo_in_time",
        design="synthetic_control",
        statistic=float(ratio),
        p_value=None,
        passed=passed,
        message=(
            f"treatment moved to {fake}: post/pre RMSPE ratio {ratio:.2f} before the real "
            f"treatment ({'no' if passed else 'a'} spurious effect; flagged above 2)"
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
        details={"fake_year": fake},
    )


def leave_one_out(
    data: SynthData, estimator: Estimator, weights: np.ndarray, full_gaps: np.ndarray, top: int = 5
) -> CheckResult:
    """Drop each of the (up to ``top``) heaviest donors in turn and refit."""
    post = ~data.pre_mask
    order = [int(i) for i in np.argsort(-np.abs(weights)) if abs(weights[i]) >= 0.01][:top]
    if len(data.donors) < 3 or not order:
        return CheckResult(
            name="leave_one_out",
            design="synthetic_control",
            statistic=None,
            p_value=None,
            passed=None,
            message="not run: fewer than three donors",
        )
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
        return CheckResult(
            name="pretrend_test",
            design=design,
            statistic=None,
            p_value=None,
            passed=None,
            message="not run: no pre-treatment coefficients",
        )
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
