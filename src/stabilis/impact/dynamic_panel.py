"""Dynamic-panel within estimator: outcome lags, a treatment and two-way fixed effects.

The design of Acemoglu, Naidu, Restrepo & Robinson (2019), "Democracy Does Cause Growth"
(JPE 127(1)), table 2 column 1::

    y_it = sum_{j=1..p} gamma_j y_i,t-j + beta D_it + alpha_i + delta_t + e_it

estimated by least squares after removing the unit and year effects (the within estimator;
year dummies are partialled out with the unit means, which is exact by Frisch-Waugh-Lovell on
any panel, balanced or not). ``D`` need not be absorbing: a country may enter and leave the
treatment (an event study needs an absorbing one). Standard errors are clustered on the unit
(or another variable) with the small-sample factor ``G/(G-1) * (N-1)/(N-K)``, ``K`` the slopes
plus every year effect (unit effects nested in the clusters are not counted: fixest's default
``ssc(fixef.K = "nested")``, as pyfixest computes it), and p-values from t(G-1). The long-run effect of a permanent change in ``D`` is
``beta / (1 - sum gamma)``, with its standard error by the delta method.

With fixed effects and lags the within estimator has Nickell bias of order 1/T; with the
long country panels here (T about 50) it is small, which is why the paper reports it first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from stabilis.errors import QueryError


@dataclass
class DynamicPanelResult:
    """Within-estimator coefficients, the long-run effect and the clustered covariance."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("term",)

    outcome: str
    treatment: str
    lags: int
    coefficients: pd.DataFrame  # term, estimate, se, t, p_value
    long_run: dict[str, float]
    persistence: float
    n_obs: int
    n_units: int
    n_clusters: int
    covariance: np.ndarray = field(repr=False)

    def tidy(self, level: float = 0.95) -> pd.DataFrame:
        """Long: one row per term (the lags, the treatment, any covariates, then
        ``long_run``): ``term, value, lower, upper`` (a ``level`` interval from t(G-1), as the
        p-values), then ``se``, ``t``, ``p_value``. The table as fitted is
        :attr:`coefficients`."""
        from scipy import stats

        lr = self.long_run
        se = lr["se"]
        row = {"term": "long_run", "estimate": lr["estimate"], "se": se,
               "t": lr["estimate"] / se if se > 0 else float("nan"), "p_value": lr["p_value"]}  # fmt: skip
        table = pd.concat([self.coefficients, pd.DataFrame([row])], ignore_index=True)
        half = stats.t.ppf(0.5 + level / 2, df=max(self.n_clusters - 1, 1)) * table["se"]
        table = table.assign(lower=table["estimate"] - half, upper=table["estimate"] + half)
        table = table.rename(columns={"estimate": "value"})
        return table[["term", "value", "lower", "upper", "se", "t", "p_value"]]

    def summary(self) -> str:
        row = self.coefficients.set_index("term").loc[self.treatment]
        lr = self.long_run
        return "\n".join(
            [
                f"Dynamic panel (within, {self.lags} lags, unit and year effects), {self.treatment} "
                f"on {self.outcome}: {self.n_obs} observations, {self.n_units} units, SEs "
                f"clustered on {self.n_clusters} clusters.",
                f"Short-run effect {row['estimate']:+.4f} (SE {row['se']:.4f}, p = "
                f"{row['p_value']:.3f}); persistence sum of lags {self.persistence:.3f}.",
                f"Long-run effect {lr['estimate']:+.4f} (SE {lr['se']:.4f}, delta method, p = "
                f"{lr['p_value']:.3f}).",
            ]
        )

    def meta(self) -> dict[str, Any]:
        """JSON-ready settings and diagnostics (no verdict rule exists for this design)."""
        return {
            "design": "dynamic_panel_within",
            "settings": {"outcome": self.outcome, "treatment": self.treatment, "lags": self.lags},
            "diagnostics": {"persistence": self.persistence, "n_clusters": self.n_clusters},
            "n_units": self.n_units,
            "n_obs": self.n_obs,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "design": "dynamic_panel_within",
            "outcome": self.outcome,
            "treatment": self.treatment,
            "lags": self.lags,
            "coefficients": self.coefficients.to_dict(orient="records"),
            "long_run": self.long_run,
            "persistence": self.persistence,
            "n_obs": self.n_obs,
            "n_units": self.n_units,
            "n_clusters": self.n_clusters,
            "summary": self.summary(),
        }


def _demean(frame: pd.DataFrame, columns: list[str], unit: str, time: str) -> np.ndarray:
    """Two-way within transformation by alternating projections (exact on balanced panels in
    one pass; converges on unbalanced ones)."""
    values = frame[columns].to_numpy(dtype=float).copy()
    units = pd.factorize(frame[unit])[0]
    times = pd.factorize(frame[time])[0]
    for _ in range(500):
        before = values.copy()
        for codes in (units, times):
            sums = np.zeros((codes.max() + 1, values.shape[1]))
            np.add.at(sums, codes, values)
            counts = np.bincount(codes)[:, None]
            values -= (sums / counts)[codes]
        if np.max(np.abs(values - before)) < 1e-12:
            break
    return values


def dynamic_panel(
    panel: pd.DataFrame,
    *,
    outcome: str,
    treatment: str,
    lags: int = 4,
    unit: str = "iso3",
    time: str = "year",
    cluster: str | None = None,
    covariates: tuple[str, ...] = (),
) -> DynamicPanelResult:
    """Within estimator of ``outcome`` on its ``lags`` lags, ``treatment`` and ``covariates``
    with unit and year effects; the panel is not modified. Lags are taken within each unit at
    the previous *years* (a missing year leaves the lag missing; the row is then dropped)."""
    from scipy import stats

    needed = [unit, time, outcome, treatment, *covariates, *([cluster] if cluster else [])]
    missing = [c for c in needed if c not in panel.columns]
    if missing:
        raise QueryError(f"The panel has no column '{missing[0]}'.")
    if lags < 1:
        raise QueryError("A dynamic panel needs at least one lag of the outcome (lags >= 1).")
    frame = panel[list(dict.fromkeys(needed))].copy()
    if frame.duplicated([unit, time]).any():
        raise QueryError(f"The panel has duplicate ({unit}, {time}) rows.")
    frame = frame.sort_values([unit, time]).reset_index(drop=True)
    lag_names = [f"{outcome}_lag{j}" for j in range(1, lags + 1)]
    shifted = frame[[unit, time, outcome]].copy()
    for j, name in enumerate(lag_names, start=1):
        back = shifted.assign(**{time: shifted[time] + j}).rename(columns={outcome: name})
        frame = frame.merge(back[[unit, time, name]], on=[unit, time], how="left")
    regressors = [*lag_names, treatment, *covariates]
    frame = frame.dropna(subset=[outcome, *regressors])
    # Units or years with one observation carry no within variation.
    frame = frame[frame.groupby(unit)[time].transform("count") > 1]
    if len(frame) <= len(regressors) + 2:
        raise QueryError("Too few complete observations for the dynamic panel.")
    z = _demean(frame, [outcome, *regressors], unit, time)
    y, x = z[:, 0], z[:, 1:]
    xtx_inv = np.linalg.pinv(x.T @ x)
    beta = xtx_inv @ x.T @ y
    resid = y - x @ beta
    groups = pd.factorize(frame[cluster] if cluster else frame[unit])[0]
    g = int(groups.max()) + 1
    scores = np.zeros((g, x.shape[1]))
    np.add.at(scores, groups, x * resid[:, None])
    n_units = frame[unit].nunique()
    n_years = frame[time].nunique()
    n, k = len(frame), x.shape[1]
    # Small-sample factor, fixest's ssc(fixef.K = "nested"): K counts the slopes and the fixed
    # effects, n_units + n_years - 1, less the unit effects' n_units - 1 when they are nested in
    # the clusters (R/VCOV.R: K - (sum(fixef_sizes[is_nested]) - sum(fixef_sizes[is_nested] > 0))),
    # so every year effect counts; pyfixest's get_ssc gives the same K.
    nested = cluster is None or bool((frame.groupby(unit)[cluster].nunique() == 1).all())
    k_eff = k + n_years + (0 if nested else n_units - 1)
    factor = (g / (g - 1)) * ((n - 1) / (n - k_eff)) if g > 1 and n > k_eff else 1.0
    cov = factor * xtx_inv @ (scores.T @ scores) @ xtx_inv
    se = np.sqrt(np.diag(cov))
    tvals = beta / se
    pvals = 2 * stats.t.sf(np.abs(tvals), df=max(g - 1, 1))
    table = pd.DataFrame(
        {"term": regressors, "estimate": beta, "se": se, "t": tvals, "p_value": pvals}
    )
    persistence = float(beta[:lags].sum())
    b = float(beta[lags])
    lr = b / (1 - persistence)
    grad = np.zeros(k)
    grad[:lags] = b / (1 - persistence) ** 2
    grad[lags] = 1 / (1 - persistence)
    lr_se = float(np.sqrt(grad @ cov @ grad))
    lr_p = float(2 * stats.t.sf(abs(lr / lr_se), df=max(g - 1, 1))) if lr_se > 0 else float("nan")
    return DynamicPanelResult(
        outcome=outcome,
        treatment=treatment,
        lags=lags,
        coefficients=table,
        long_run={"estimate": lr, "se": lr_se, "p_value": lr_p},
        persistence=persistence,
        n_obs=n,
        n_units=n_units,
        n_clusters=g,
        covariance=cov,
    )
