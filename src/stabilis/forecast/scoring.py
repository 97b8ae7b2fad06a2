"""Scores of probability forecasts: ROC-AUC, PR-AUC, Brier, log-loss, ECE, calibration curves.

All metrics take optional row weights, so a cluster bootstrap (resample countries with
replacement) is a reweighting of the same rows: :func:`bootstrap_differences` sorts once and
recomputes every metric for each resample. ROC-AUC counts tied scores as one half; average
precision (PR-AUC) follows scikit-learn's step definition (precision at each distinct
threshold, weighted by the recall gained). ECE uses ten equal-width bins, weighted by count.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import QueryError
from stabilis.forecast.models import logit, sigmoid

if TYPE_CHECKING:
    import pandas as pd

METRICS = ("roc_auc", "pr_auc", "brier", "log_loss", "ece")
HIGHER_IS_BETTER = {"roc_auc": True, "pr_auc": True, "brier": False, "log_loss": False,
                    "ece": False}  # fmt: skip
_EPS = 1e-15


def _prepare(y: Any, p: Any, w: Any = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    w = np.ones_like(y) if w is None else np.asarray(w, dtype=float)
    if y.shape != p.shape or y.shape != w.shape:
        raise QueryError("Targets, probabilities and weights must have the same length.")
    keep = ~(np.isnan(y) | np.isnan(p))
    return y[keep], p[keep], w[keep]


def _ranked(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Descending order and the start of each block of tied scores in that order."""
    order = np.argsort(-p, kind="stable")
    sorted_p = p[order]
    starts = np.flatnonzero(np.concatenate([[True], sorted_p[1:] != sorted_p[:-1]]))
    return order, starts


def _auc_sorted(y: np.ndarray, w: np.ndarray, starts: np.ndarray) -> float:
    pos = np.add.reduceat(w * y, starts)
    neg = np.add.reduceat(w * (1 - y), starts)
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos <= 0 or total_neg <= 0:
        return float("nan")
    neg_above = np.cumsum(neg) - neg  # negatives with a strictly higher score
    # a positive beats every negative below it: total_neg - neg_above - neg (ties count 1/2)
    wins = pos * (total_neg - neg_above - neg) + 0.5 * pos * neg
    return float(wins.sum() / (total_pos * total_neg))


def _ap_sorted(y: np.ndarray, w: np.ndarray, starts: np.ndarray) -> float:
    pos = np.add.reduceat(w * y, starts)
    every = np.add.reduceat(w, starts)
    total_pos = pos.sum()
    if total_pos <= 0:
        return float("nan")
    tp = np.cumsum(pos)
    predicted = np.cumsum(every)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    return float(np.sum(precision * pos) / total_pos)


def roc_auc(y: Any, p: Any, w: Any = None) -> float:
    """Area under the ROC curve (ties count one half)."""
    y, p, w = _prepare(y, p, w)
    order, starts = _ranked(p)
    return _auc_sorted(y[order], w[order], starts)


def pr_auc(y: Any, p: Any, w: Any = None) -> float:
    """Average precision (scikit-learn's definition)."""
    y, p, w = _prepare(y, p, w)
    order, starts = _ranked(p)
    return _ap_sorted(y[order], w[order], starts)


def brier(y: Any, p: Any, w: Any = None) -> float:
    y, p, w = _prepare(y, p, w)
    return float(np.sum(w * (p - y) ** 2) / np.sum(w))


def log_loss(y: Any, p: Any, w: Any = None) -> float:
    y, p, w = _prepare(y, p, w)
    q = np.clip(p, _EPS, 1 - _EPS)
    return float(-np.sum(w * (y * np.log(q) + (1 - y) * np.log(1 - q))) / np.sum(w))


def calibration_curve(y: Any, p: Any, bins: int = 10, w: Any = None) -> pd.DataFrame:
    """Equal-width bins: ``bin, lower, upper, mean_predicted, observed_rate, count``."""
    import pandas as pd

    y, p, w = _prepare(y, p, w)
    index = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        m = index == b
        weight = float(w[m].sum())
        rows.append(
            {
                "bin": b,
                "lower": b / bins,
                "upper": (b + 1) / bins,
                "mean_predicted": float(np.sum(w[m] * p[m]) / weight) if weight else np.nan,
                "observed_rate": float(np.sum(w[m] * y[m]) / weight) if weight else np.nan,
                "count": weight,
            }
        )
    return pd.DataFrame(rows)


def ece(y: Any, p: Any, bins: int = 10, w: Any = None) -> float:
    """Expected calibration error: count-weighted |observed − predicted| over the bins."""
    y, p, w = _prepare(y, p, w)
    index = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(index, weights=w, minlength=bins)
    gap = np.bincount(index, weights=w * (y - p), minlength=bins)
    total = count.sum()
    return float(np.abs(gap).sum() / total) if total else float("nan")


def score(y: Any, p: Any, w: Any = None) -> dict[str, float]:
    """Every metric of one set of forecasts, plus ``n`` and the event rate."""
    y2, p2, w2 = _prepare(y, p, w)
    return {
        "n": float(w2.sum()),
        "events": float(np.sum(w2 * y2)),
        "roc_auc": roc_auc(y2, p2, w2),
        "pr_auc": pr_auc(y2, p2, w2),
        "brier": brier(y2, p2, w2),
        "log_loss": log_loss(y2, p2, w2),
        "ece": ece(y2, p2, w=w2),
    }


def score_table(
    frame: pd.DataFrame, prob: str, target: str, by: Sequence[str] = ()
) -> pd.DataFrame:
    """Scores of ``frame[prob]`` against ``frame[target]``, pooled and per group of ``by``."""
    import pandas as pd

    rows = []
    groups = frame.groupby(list(by), sort=True) if by else [((), frame)]
    for key, part in groups:
        label = dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True))
        rows.append({**label, **score(part[target], part[prob])})
    return pd.DataFrame(rows)


def calibration_chart_spec(curve: pd.DataFrame, title: str = "Calibration") -> dict[str, Any]:
    """A Vega-Lite spec of a calibration curve (points sized by count, diagonal reference)."""
    values = curve.dropna(subset=["mean_predicted"]).to_dict(orient="records")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "line", "strokeDash": [4, 4], "color": "grey"},
                "data": {"values": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]},
                "encoding": {"x": {"field": "x", "type": "quantitative"},
                             "y": {"field": "y", "type": "quantitative"}},
            },
            {
                "mark": {"type": "line", "point": True},
                "encoding": {
                    "x": {"field": "mean_predicted", "type": "quantitative",
                          "title": "mean forecast probability"},
                    "y": {"field": "observed_rate", "type": "quantitative",
                          "title": "observed event rate"},
                    "size": {"field": "count", "type": "quantitative"},
                },
            },
        ],
    }  # fmt: skip


def bootstrap_differences(
    y: Any,
    p_a: Any,
    p_b: Any,
    groups: Any,
    *,
    n_boot: int = 500,
    seed: int = 1,
    level: float = 0.95,
) -> pd.DataFrame:
    """Metric differences a − b with a cluster-bootstrap interval (resampling ``groups``).

    Returns ``metric, a, b, difference, lower, upper, better`` where ``better`` names the
    forecast that is better on the point estimate and ``lower``/``upper`` bound a − b.
    """
    import pandas as pd

    y = np.asarray(y, dtype=float)
    p_a = np.asarray(p_a, dtype=float)
    p_b = np.asarray(p_b, dtype=float)
    groups = np.asarray(groups)
    keep = ~(np.isnan(y) | np.isnan(p_a) | np.isnan(p_b))
    y, p_a, p_b, groups = y[keep], p_a[keep], p_b[keep], groups[keep]
    labels, index = np.unique(groups, return_inverse=True)
    rng = np.random.default_rng(seed)
    order_a, starts_a = _ranked(p_a)
    order_b, starts_b = _ranked(p_b)

    def metrics(w: np.ndarray) -> np.ndarray:
        out = []
        for p, order, starts in ((p_a, order_a, starts_a), (p_b, order_b, starts_b)):
            out.append(
                [
                    _auc_sorted(y[order], w[order], starts),
                    _ap_sorted(y[order], w[order], starts),
                    brier(y, p, w),
                    log_loss(y, p, w),
                    ece(y, p, w=w),
                ]
            )
        return np.asarray(out)

    point = metrics(np.ones(len(y)))
    draws = np.empty((n_boot, len(METRICS)))
    for i in range(n_boot):
        counts = rng.multinomial(len(labels), np.full(len(labels), 1 / len(labels)))
        m = metrics(counts[index].astype(float))
        draws[i] = m[0] - m[1]
    alpha = (1 - level) / 2
    lower, upper = np.nanquantile(draws, [alpha, 1 - alpha], axis=0)
    rows = []
    for j, name in enumerate(METRICS):
        diff = point[0, j] - point[1, j]
        a_better = diff > 0 if HIGHER_IS_BETTER[name] else diff < 0
        rows.append(
            {
                "metric": name,
                "a": point[0, j],
                "b": point[1, j],
                "difference": diff,
                "lower": lower[j],
                "upper": upper[j],
                "better": "a" if a_better else ("b" if diff != 0 else "tie"),
            }
        )
    return pd.DataFrame(rows)


def calibration_verdict(curve: pd.DataFrame, min_count: int = 20) -> str:
    """What one calibration curve (``lower, upper, mean_predicted, observed_rate, count``) says,
    computed from its bins: the ECE and the bin with the largest gap among bins holding at
    least ``min_count`` forecasts, with its count and whether that gap exceeds two binomial
    standard errors. No fixed wording: the sentence follows the numbers."""
    full = curve.dropna(subset=["mean_predicted", "observed_rate"])
    full = full[full["count"] > 0]
    total = float(full["count"].sum())
    if not total:
        return "No bin holds a forecast with a known outcome."
    gaps = (full["observed_rate"] - full["mean_predicted"]).to_numpy(dtype=float)
    value = float(np.sum(np.abs(gaps) * full["count"].to_numpy(dtype=float)) / total)
    grade = ("close to calibrated" if value < 0.02 else
             "somewhat miscalibrated" if value < 0.05 else "poorly calibrated")  # fmt: skip
    text = f"ECE {value:.4f} over {total:,.0f} forecasts ({grade})"
    big = full[full["count"] >= min_count]
    if big.empty:
        return text + f"; no bin holds {min_count} or more forecasts."
    position = int(np.argmax((big["observed_rate"] - big["mean_predicted"]).abs().to_numpy()))
    worst = big.iloc[position]
    gap = float(worst["observed_rate"] - worst["mean_predicted"])
    p = min(max(float(worst["mean_predicted"]), 1e-6), 1 - 1e-6)
    se = float(np.sqrt(p * (1 - p) / float(worst["count"])))
    noise = "beyond" if abs(gap) > 2 * se else "within"
    word = "more" if gap > 0 else "fewer"
    return (
        f"{text}; largest gap in the {worst['lower']:.1f}-{worst['upper']:.1f} bin "
        f"({worst['count']:,.0f} forecasts): predicted {worst['mean_predicted']:.2f}, observed "
        f"{worst['observed_rate']:.2f} ({word} events than forecast, {noise} sampling noise "
        f"of ±{2 * se:.2f})."
    )


# -- intervals ------------------------------------------------------------------------------------

#: Nominal coverage of the 10th-90th percentile interval.
NOMINAL = 0.8
_Z80 = 1.2815515655446004
_SCALES = tuple(round(1 + 0.1 * i, 1) for i in range(31))  # 1.0 ... 4.0


def scaled_interval(p: Any, lower: Any, upper: Any, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """The ensemble's interval widened ``scale`` times on the log-odds scale around ``p``."""
    z = logit(p)
    lo = z - scale * np.clip(z - logit(lower), 0, None)
    hi = z + scale * np.clip(logit(upper) - z, 0, None)
    p = np.asarray(p, dtype=float)
    out_lo = np.where(p > 0, sigmoid(lo), 0.0)
    out_hi = np.where(p > 0, sigmoid(hi), 0.0)
    return out_lo, out_hi


def _coverage_groups(
    frame: pd.DataFrame, target: str, group_size: int
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The realised, non-zero forecasts sorted by origin, direction and p, with each row's block
    (origin × direction) and group (consecutive ``group_size`` rows of a block; the id is
    block · (rows + 1) + rank // group_size)."""
    data = frame.dropna(subset=[target])
    data = data[data["p"] > 0]
    keys = [c for c in ("origin", "direction") if c in data.columns]
    data = data.sort_values([*keys, "p"], kind="stable")
    if keys:
        rank = data.groupby(keys, sort=False).cumcount().to_numpy()
        block = data.groupby(keys, sort=False).ngroup().to_numpy()
    else:
        rank, block = np.arange(len(data)), np.zeros(len(data), dtype=int)
    return data, block, block * (len(data) + 1) + rank // group_size


def interval_coverage(
    frame: pd.DataFrame, *, target: str = "realised", lower: str = "lower", upper: str = "upper",
    group_size: int = 100,
) -> dict[str, float]:  # fmt: skip
    """How often the interval holds the event rate it claims, measured on realised forecasts.

    A single event cannot check a probability interval, so forecasts are grouped: within each
    origin and direction, consecutive groups of ``group_size`` forecasts sorted by probability.
    A group is covered when its observed event rate lies within its mean interval, widened by
    the binomial noise of a group of that size (added in quadrature: the 80 % half-width
    sqrt(w² + (1.28·se)²)). ``coverage`` is the share of covered groups (nominal 0.80);
    ``coverage_zero_width`` the same for intervals of zero width (binomial noise alone), so the
    difference shows what the interval adds. Forecasts set to 0 by the bounds rule are left out.
    """
    import pandas as pd

    data, _, group = _coverage_groups(frame, target, group_size)
    agg = pd.DataFrame({"g": group, "p": data["p"].to_numpy(), "y": data[target].to_numpy(),
                        "lo": data[lower].to_numpy(), "hi": data[upper].to_numpy()})  # fmt: skip
    stats = agg.groupby("g").agg(p=("p", "mean"), y=("y", "mean"), lo=("lo", "mean"),
                                 hi=("hi", "mean"), n=("p", "size"))  # fmt: skip
    stats = stats[stats["n"] >= group_size / 2]
    groups = len(stats)
    se = np.sqrt(stats["p"] * (1 - stats["p"]) / stats["n"])
    w = (stats["hi"] - stats["lo"]) / 2
    gap = (stats["y"] - stats["p"]).abs()
    covered = int((gap <= np.sqrt(w**2 + (_Z80 * se) ** 2)).sum())
    covered0 = int((gap <= _Z80 * se).sum())
    return {
        "groups": float(groups),
        "coverage": covered / groups if groups else float("nan"),
        "coverage_zero_width": covered0 / groups if groups else float("nan"),
        "nominal": NOMINAL,
    }


def spread_scale(frame: pd.DataFrame, *, target: str = "realised", group_size: int = 100) -> float:
    """The smallest widening (1.0, 1.1, … 4.0) of the ensemble's interval whose coverage on
    ``frame``'s realised forecasts reaches the nominal 80 % (4.0 when none does; 1.0 with no
    realised forecasts)."""
    return scale_from_counts(covered_groups(frame, target=target, group_size=group_size))


def covered_groups(
    frame: pd.DataFrame, *, target: str = "realised", group_size: int = 100
) -> pd.DataFrame:
    """Per origin and direction of ``frame``'s realised forecasts, grouped as
    :func:`interval_coverage` groups them: ``groups`` (how many) and ``covered_<i>``, how many
    of them the ensemble's interval widened ``_SCALES[i]`` times covers. A block with realised
    forecasts but no full group has ``groups`` 0. The coverage of any set of origins is a sum
    of these counts, so the widenings of many windows need the grouping only once."""
    import pandas as pd

    data, block, group = _coverage_groups(frame, target, group_size)
    keys = [c for c in ("origin", "direction") if c in data.columns]
    p = data["p"].to_numpy(dtype=float)
    member_lo = data["member_lower"].to_numpy(dtype=float)
    member_hi = data["member_upper"].to_numpy(dtype=float)
    columns: dict[str, np.ndarray] = {"g": group, "p": p, "y": data[target].to_numpy()}
    for i, scale in enumerate(_SCALES):
        columns[f"lo{i}"], columns[f"hi{i}"] = scaled_interval(p, member_lo, member_hi, scale)
    agg = pd.DataFrame(columns)
    grouped = agg.groupby("g")
    stats = grouped.mean()
    stats["n"] = grouped.size()
    stats = stats[stats["n"] >= group_size / 2]
    mean_p, n = stats["p"].to_numpy(), stats["n"].to_numpy()
    se = np.sqrt(mean_p * (1 - mean_p) / n)
    gap = (stats["y"] - stats["p"]).abs().to_numpy()
    of_block = (stats.index.to_numpy() // (len(data) + 1)).astype(int)
    blocks = len(np.unique(block))
    out = pd.DataFrame({"groups": np.bincount(of_block, minlength=blocks)})
    for i in range(len(_SCALES)):
        w = ((stats[f"hi{i}"] - stats[f"lo{i}"]) / 2).to_numpy()
        covered = gap <= np.sqrt(w**2 + (_Z80 * se) ** 2)
        out[f"covered_{i}"] = np.bincount(of_block[covered], minlength=blocks)
    firsts = np.unique(block, return_index=True)[1]
    for key in keys:
        out.insert(0, key, data[key].to_numpy()[firsts])
    return out


def scale_from_counts(counts: pd.DataFrame) -> float:
    """The smallest widening whose pooled coverage over ``counts`` (rows of
    :func:`covered_groups`) reaches :data:`NOMINAL`; 1.0 with no realised forecasts, 4.0 when
    none does or no group is full."""
    if counts.empty:
        return 1.0
    groups = int(counts["groups"].sum())
    for i, scale in enumerate(_SCALES):
        if groups and int(counts[f"covered_{i}"].sum()) / groups >= NOMINAL:
            return scale
    return _SCALES[-1]
