"""Alerts: a signal that jumps well above its own recent history, with the rule stated.

**The rule.** For each country and signal (a count per month or per year), at period *t*::

    baseline median  m_t = median(x_{t-N} .. x_{t-1})
    baseline MAD     d_t = median(|x_{t-i} - m_t|, i = 1..N)
    robust z         z_t = (x_t - m_t) / max(1.4826 * d_t, s_min)

and an alert is raised when ``z_t >= 3.5`` **and** ``x_t >= min_count`` **and** at least
``min_history`` of the previous N periods are observed. 1.4826 makes the MAD a consistent
estimate of the standard deviation for normal data; 3.5 is Iglewicz and Hoaglin's cut-off for
the modified z-score. The floor ``s_min`` (one event by default) keeps a series that has been
flat — often at zero — from turning its first small blip into an infinite score; ``min_count``
keeps one or two records from raising an alert on their own. The window looks only backwards,
so an alert at *t* uses nothing after *t*.

Series must be complete inside their source's coverage (months with no case are zeros, months
outside the coverage are absent, not zero); the signal modules build them that way.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class AlertRule:
    """Parameters of the robust z-score rule (see the module docstring)."""

    window: int = 12
    threshold: float = 3.5
    min_count: int = 3
    min_history: int = 6
    min_scale: float = 1.0
    unit: str = "months"

    def __post_init__(self) -> None:
        if self.window < 2 or not 1 <= self.min_history <= self.window:
            raise QueryError(
                f"The alert window ({self.window}) must be at least 2 periods and min_history "
                f"({self.min_history}) between 1 and the window."
            )
        if self.threshold <= 0 or self.min_scale <= 0:
            raise QueryError("The alert threshold and the minimum scale must be positive.")

    def describe(self) -> str:
        return (
            f"robust z = (x - median of the previous {self.window} {self.unit}) / "
            f"max({MAD_TO_SD} x MAD of those {self.unit}, {self.min_scale:g}); alert when "
            f"z >= {self.threshold:g} and x >= {self.min_count} with at least "
            f"{self.min_history} previous {self.unit} observed"
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rule": self.describe()}


#: Default rules: monthly signals look back a year, yearly signals five years.
MONTHLY = AlertRule()
YEARLY = AlertRule(window=5, min_history=3, min_count=2, unit="years")


def robust_scores(
    frame: pd.DataFrame, value: str, order: list[str], rule: AlertRule
) -> pd.DataFrame:
    """Add ``baseline_median``, ``baseline_mad``, ``z`` and ``alert`` per ``iso3`` series.

    ``frame`` has ``iso3``, the ``order`` columns (e.g. ``["year", "month"]``) and ``value``;
    each country's rows must be consecutive periods (complete series).
    """
    import numpy as np

    out = frame.sort_values(["iso3", *order]).reset_index(drop=True)
    medians = np.full(len(out), np.nan)
    mads = np.full(len(out), np.nan)
    values = out[value].to_numpy(dtype=float)
    for _, index in out.groupby("iso3", sort=False).indices.items():
        x = values[index]
        for k in range(len(x)):
            past = x[max(0, k - rule.window) : k]
            past = past[~np.isnan(past)]
            if len(past) < rule.min_history:
                continue
            m = float(np.median(past))
            medians[index[k]] = m
            mads[index[k]] = float(np.median(np.abs(past - m)))
    out["baseline_median"] = medians
    out["baseline_mad"] = mads
    scale = np.maximum(MAD_TO_SD * mads, rule.min_scale)
    out["z"] = (values - medians) / scale
    out["alert"] = (out["z"] >= rule.threshold) & (values >= rule.min_count)
    return out
