"""Regression event studies beside Callaway & Sant'Anna: TWFE and Sun & Abraham (2021).

* ``twfe``: ``Y_it = a_i + d_t + sum_e b_e 1{t - g_i = e} + u_it`` with event time binned at
  ``-leads`` and ``+lags`` and ``e = -1`` as reference. Under staggered adoption with
  heterogeneous effects its coefficients mix effects across cohorts with possibly negative
  weights: it is shown for comparison, not trusted alone.
* ``sunab``: the interaction-weighted estimator. Cohort x event-time interactions are estimated
  against a clean control cohort (never-treated units, or the last-treated cohort with years
  from its treatment on dropped), then averaged with cohort-share weights.

Unit and year effects are absorbed by alternating projections (works on unbalanced panels);
standard errors are clustered by unit (CR1, with fixest's small-sample factor; fixed effects
nested in the clusters are not counted).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from stabilis.errors import QueryError
from stabilis.panel.serialise import records

from .checks import CheckResult, pretrend_test

Design = Literal["twfe", "sunab"]


#: The x axis of every event-study chart.
EVENT_AXIS: dict[str, str] = {
    "field": "event_time",
    "type": "quantitative",
    "title": "years since treatment",
}


def event_layers(estimate: str, y_title: str | None = None) -> list[dict[str, Any]]:
    """Vega-Lite layers of an event-study chart (the regression and the Callaway & Sant'Anna
    event studies draw the same): the pointwise interval ``lower``-``upper``, the
    ``estimate`` points and the zero line."""
    y: dict[str, str] = {"field": estimate, "type": "quantitative"}
    if y_title:
        y["title"] = y_title
    interval = {"field": "lower", "type": "quantitative"}
    return [
        {"mark": "rule", "encoding": {"x": EVENT_AXIS, "y": interval, "y2": {"field": "upper"}}},
        {"mark": "point", "encoding": {"x": EVENT_AXIS, "y": y}},
        {"mark": {"type": "rule", "strokeDash": [4, 4]}, "encoding": {"y": {"datum": 0}}},
    ]


def event_long(event: pd.DataFrame, estimate: str) -> pd.DataFrame:
    """An event-study table in its long form: ``event_time``, the ``estimate`` column as
    ``value`` with its ``lower``/``upper``, then every other column in its order."""
    first = ["event_time", "value", "lower", "upper"]
    long = event.rename(columns={estimate: "value"})
    return long[[*first, *(c for c in long.columns if c not in first)]].reset_index(drop=True)


def absorb(
    matrix: np.ndarray, unit: np.ndarray, time: np.ndarray, tol: float = 1e-10, max_iter: int = 500
) -> np.ndarray:
    """Remove unit and time means from each column by alternating projections."""
    out = matrix.astype(float).copy()
    n_u, n_t = int(unit.max()) + 1, int(time.max()) + 1
    count_u = np.bincount(unit, minlength=n_u)[:, None]
    count_t = np.bincount(time, minlength=n_t)[:, None]
    for _ in range(max_iter):
        sums_u = np.zeros((n_u, out.shape[1]))
        np.add.at(sums_u, unit, out)
        out -= (sums_u / np.maximum(count_u, 1))[unit]
        sums_t = np.zeros((n_t, out.shape[1]))
        np.add.at(sums_t, time, out)
        means_t = sums_t / np.maximum(count_t, 1)
        out -= means_t[time]
        if np.abs(means_t).max(initial=0.0) < tol:
            break
    return out


def clustered_ols(
    y: np.ndarray, x: np.ndarray, cluster: np.ndarray, extra_k: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """OLS coefficients and CR1 cluster-robust covariance (``extra_k`` absorbed parameters
    that count toward the small-sample factor ``G/(G-1) (n-1)/(n-k-extra_k)``)."""
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    scores = x * resid[:, None]
    n_c = int(cluster.max()) + 1
    summed = np.zeros((n_c, x.shape[1]))
    np.add.at(summed, cluster, scores)
    meat = summed.T @ summed
    n, k = x.shape
    factor = (n_c / (n_c - 1)) * ((n - 1) / max(n - k - extra_k, 1))
    return beta, factor * xtx_inv @ meat @ xtx_inv


@dataclass
class EventStudyResult:
    """Event-time coefficients from a regression event study."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("event_time",)

    design: str
    outcome: str
    treatment: str
    event: pd.DataFrame
    covariance: np.ndarray
    pretrend: CheckResult
    n_units: int
    n_obs: int
    notes: list[str] = field(default_factory=list)
    #: ``term, estimate, se`` of the covariates (empty without covariates).
    covariate_effects: pd.DataFrame = field(default_factory=pd.DataFrame)

    def tidy(self) -> pd.DataFrame:
        """Long: one row per event time, ``event_time, value`` (the coefficient) with its
        ``lower``/``upper``, then ``se``. The wide table as fitted is :attr:`event`."""
        return event_long(self.event, "estimate")

    def summary(self) -> str:
        post = self.event[self.event["event_time"] >= 0]
        avg = float(post["estimate"].mean()) if len(post) else float("nan")
        name = {"twfe": "TWFE event study", "sunab": "Sun & Abraham event study"}[self.design]
        lines = [
            f"{name}, {self.treatment} on {self.outcome}: {self.n_units} countries, {self.n_obs} country-years; "
            f"mean post-treatment coefficient {avg:+.3f}.",
            "Pre-trends: " + self.pretrend.message + ".",
        ]
        lines += self.notes
        return "\n".join(lines)

    def plot_spec(self) -> dict[str, Any]:
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"{self.treatment} on {self.outcome}: {self.design} event study",
            "data": {"values": records(self.event)},
            "layer": event_layers("estimate"),
        }

    def meta(self) -> dict[str, Any]:
        """JSON-ready settings and diagnostics (an event study has no verdict of its own)."""
        return {
            "design": self.design,
            "settings": {"outcome": self.outcome, "treatment": self.treatment},
            "diagnostics": {"pretrend": self.pretrend.to_dict()},
            "n_units": self.n_units,
            "n_obs": self.n_obs,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": self.design,
            "outcome": self.outcome,
            "treatment": self.treatment,
            "event_study": [{str(k): v for k, v in r.items()} for r in records(self.event)],
            "pretrend": self.pretrend.to_dict(),
            "n_units": self.n_units,
            "n_obs": self.n_obs,
            "notes": self.notes,
            "summary": self.summary(),
        }


def event_study(
    panel: pd.DataFrame,
    *,
    outcome: str,
    cohort: str = "cohort",
    design: Design = "sunab",
    leads: int = 5,
    lags: int = 10,
    treatment: str = "",
    unit: str = "iso3",
    time: str = "year",
    level: float = 0.95,
    covariates: tuple[str, ...] | list[str] = (),
) -> EventStudyResult:
    """TWFE or Sun & Abraham event study; ``cohort`` is the first treatment year (NaN = never).

    ``covariates`` (time-varying columns) enter the regression beside the event dummies, as
    ``feols(y ~ x1 + i(period, treat, ref) | unit + time)``; rows missing one are dropped.
    Standard errors are clustered by unit with fixest's default factor
    ``G/(G-1) (n-1)/(n-K)``, ``K`` the slopes plus every time effect (the unit effects, nested
    in the clusters, not counted)."""
    from scipy import stats

    if design not in ("twfe", "sunab"):
        raise QueryError(f"Unknown event-study design '{design}'. Use twfe or sunab.")
    missing = [c for c in (unit, time, outcome, cohort, *covariates) if c not in panel.columns]
    if missing:
        raise QueryError(f"The panel has no column '{missing[0]}'.")
    columns = list(dict.fromkeys([unit, time, outcome, cohort, *covariates]))
    frame = panel[columns].dropna(subset=[outcome, *covariates]).copy()
    frame["_g"] = pd.to_numeric(frame[cohort], errors="coerce")
    last = int(frame[time].max())
    frame.loc[frame["_g"] > last, "_g"] = np.nan
    notes: list[str] = []
    if design == "sunab":
        if frame["_g"].isna().any():
            control_note = "never-treated countries"
        else:
            last_g = int(frame["_g"].max())
            frame = frame[frame[time] < last_g]
            frame.loc[frame["_g"] == last_g, "_g"] = np.nan
            control_note = f"the last-treated cohort ({last_g}), years from {last_g} dropped"
        notes.append(f"Control cohort: {control_note}.")
    rel = (frame[time] - frame["_g"]).clip(lower=-leads, upper=lags)
    treated = frame["_g"].notna().to_numpy()
    events = [e for e in range(-leads, lags + 1) if e != -1]
    unit_idx = pd.factorize(frame[unit])[0]
    time_idx = pd.factorize(frame[time])[0]
    cols: list[np.ndarray] = []
    keys: list[tuple[int, int]] = []
    if design == "twfe":
        for e in events:
            cols.append(((rel == e).to_numpy() & treated).astype(float))
            keys.append((0, e))
    else:
        for g in sorted(frame["_g"].dropna().unique()):
            in_g = (frame["_g"] == g).to_numpy()
            for e in events:
                col = (in_g & (rel == e).to_numpy()).astype(float)
                if col.any():
                    cols.append(col)
                    keys.append((int(g), e))
    if not cols:
        raise QueryError("No treated country-year falls in the event window; widen leads/lags.")
    n_event = len(cols)
    cols.extend(frame[c].to_numpy(dtype=float) for c in covariates)
    x = np.column_stack(cols)
    y = frame[outcome].to_numpy(dtype=float)
    both = absorb(np.column_stack([y, x]), unit_idx, time_idx)
    yd, xd = both[:, 0], both[:, 1:]
    present = np.abs(xd).sum(axis=0) > 1e-12
    beta = np.full(x.shape[1], np.nan)
    vcov_full = np.full((x.shape[1], x.shape[1]), np.nan)
    # every time effect counts toward K (fixest's ssc(fixef.K = "nested"), as pyfixest)
    b, v = clustered_ols(yd, xd[:, present], unit_idx, extra_k=int(time_idx.max()) + 1)
    beta[present] = b
    vcov_full[np.ix_(present, present)] = v
    covariate_effects = pd.DataFrame(
        {"term": list(covariates), "estimate": beta[n_event:],
         "se": np.sqrt(np.clip(np.diag(vcov_full)[n_event:], 0, None))}
    )  # fmt: skip
    beta, vcov_full = beta[:n_event], vcov_full[:n_event, :n_event]
    present = present[:n_event]
    if design == "twfe":
        est = pd.Series(beta, index=events)
        cov = vcov_full
        event_index = events
    else:
        # Interaction weights: share of each cohort among treated observations at event time e.
        shares = frame.loc[treated].assign(_e=rel[treated]).groupby(["_g", "_e"]).size()
        agg_w = np.zeros((len(events), len(keys)))
        for r, e in enumerate(events):
            members = [(i, k) for i, k in enumerate(keys) if k[1] == e and present[i]]
            total = sum(int(shares.get((float(k[0]), e), 0)) for _, k in members)
            for i, k in members:
                agg_w[r, i] = shares.get((float(k[0]), e), 0) / total if total else 0.0
        b_clean = np.nan_to_num(beta)
        v_clean = np.nan_to_num(vcov_full)
        est = pd.Series(agg_w @ b_clean, index=events)
        cov = agg_w @ v_clean @ agg_w.T
        has = agg_w.sum(axis=1) > 0
        est[~has] = np.nan
        event_index = events
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    z = float(stats.norm.ppf(0.5 + level / 2))
    table = pd.DataFrame({"event_time": event_index, "estimate": est.to_numpy(), "se": se})
    table["lower"] = table["estimate"] - z * table["se"]
    table["upper"] = table["estimate"] + z * table["se"]
    ref = pd.DataFrame([{"event_time": -1, "estimate": 0.0, "se": 0.0, "lower": 0.0, "upper": 0.0}])
    table = pd.concat([table, ref]).sort_values("event_time").reset_index(drop=True)
    pre = [i for i, e in enumerate(event_index) if e < -1 and np.isfinite(est.iloc[i])]
    pretrend = pretrend_test(est.iloc[pre], cov[np.ix_(pre, pre)], design)
    notes.append(f"Event time binned at -{leads} and +{lags}; reference year -1.")
    return EventStudyResult(
        design=design,
        outcome=outcome,
        treatment=treatment or cohort,
        event=table,
        covariance=cov,
        pretrend=pretrend,
        n_units=int(unit_idx.max()) + 1,
        n_obs=len(frame),
        notes=notes,
        covariate_effects=covariate_effects,
    )
