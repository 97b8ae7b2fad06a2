"""The dynamic-panel within estimator against pyfixest's ``feols`` (a dev dependency).

Same model on both sides: ``y ~ l1 + l2 + d | unit + year`` with standard errors clustered by
unit (``vcov={"CRV1": "unit"}``). Both apply fixest's default small-sample factor
``G/(G-1) * (N-1)/(N-K)`` with ``K`` the slopes plus every year effect (unit effects nested in
the clusters are not counted: ``ssc(fixef.K = "nested")``); pyfixest's demeaning tolerance is
tightened from its default 1e-6 to 1e-12 so that the comparison is of the estimators, not of
when each stops iterating.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from stabilis.impact.dynamic_panel import DynamicPanelResult, dynamic_panel

pyfixest = pytest.importorskip("pyfixest", reason="pyfixest is a dev dependency")


def lagged(panel: pd.DataFrame, outcome: str, lags: int) -> pd.DataFrame:
    """``panel`` with the outcome's lags ``l1..`` at the previous *years* (as ours takes them),
    rows with any missing value dropped: the data pyfixest is given."""
    frame = panel.copy()
    for j in range(1, lags + 1):
        back = panel[["iso3", "year", outcome]].assign(year=panel["year"] + j)
        frame = frame.merge(
            back.rename(columns={outcome: f"l{j}"}), on=["iso3", "year"], how="left"
        )
    return frame.dropna().reset_index(drop=True)


def feols(panel: pd.DataFrame, outcome: str, treatment: str, lags: int) -> pd.DataFrame:
    """pyfixest's estimates and clustered SEs, indexed by our term names."""
    from pyfixest.demeaners import MapDemeaner

    frame = lagged(panel, outcome, lags)
    rhs = " + ".join([*(f"l{j}" for j in range(1, lags + 1)), treatment])
    # pyfixest 0.60.0 calls pandas' deprecated inplace keyword: silence its warnings only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pyfixest.feols(
            f"{outcome} ~ {rhs} | iso3 + year",
            data=frame,
            vcov={"CRV1": "iso3"},
            demeaner=MapDemeaner(fixef_tol=1e-12),
        )
    tidy = fit.tidy()
    names = {f"l{j}": f"{outcome}_lag{j}" for j in range(1, lags + 1)}
    tidy.index = [names.get(str(t), str(t)) for t in tidy.index]
    return tidy.assign(n_obs=fit._N)


def assert_same(ours: DynamicPanelResult, theirs: pd.DataFrame) -> None:
    mine = ours.coefficients.set_index("term")
    assert list(mine.index) == list(theirs.index)
    assert ours.n_obs == int(theirs["n_obs"].iloc[0])
    np.testing.assert_allclose(mine["estimate"], theirs["Estimate"], rtol=0, atol=1e-8)
    np.testing.assert_allclose(mine["se"], theirs["Std. Error"], rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(mine["p_value"], theirs["Pr(>|t|)"], rtol=1e-6, atol=1e-10)


def _simulated(n_units: int = 60, n_years: int = 30, seed: int = 0) -> pd.DataFrame:
    """Simulated: y = 0.5 y_t-1 + 0.2 y_t-2 + 0.3 d + unit and year effects + noise, d switching
    on and off, a few country-years missing (an unbalanced panel)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_units):
        y, state, a = [0.0, 0.0], rng.random() < 0.4, rng.normal()
        for t in range(n_years):
            state = (not state) if rng.random() < 0.08 else state
            y.append(0.5 * y[-1] + 0.2 * y[-2] + 0.3 * state + a + 0.1 * t + rng.normal(0, 0.3))
            rows.append({"iso3": f"U{i:02d}", "year": 1990 + t, "y": y[-1], "d": float(state)})
    panel = pd.DataFrame(rows)
    return panel.drop(index=rng.choice(len(panel), size=40, replace=False)).reset_index(drop=True)


def test_dynamic_panel_equals_pyfixest_on_a_simulated_unbalanced_panel():
    panel = _simulated()
    assert_same(dynamic_panel(panel, outcome="y", treatment="d", lags=2), feols(panel, "y", "d", 2))


def real_panel(ws, treatment: str = "pfp", outcome: str = "vdem.v2x_libdem") -> pd.DataFrame:
    """Every country's V-Dem liberal democracy, 1980-2024, with ``d`` = 1 from its first year
    in the registry programme ``treatment`` on (0 for countries never in it)."""
    service = ws.impact
    panel = service.panel([outcome], years=(1980, 2024)).merge(
        service.cohorts(treatment), on="iso3", how="left"
    )
    panel["d"] = (panel["year"] >= panel["cohort"]).astype(float)
    return panel[["iso3", "year", outcome, "d"]].rename(columns={outcome: "y"}).dropna()


@pytest.mark.integration
def test_dynamic_panel_equals_pyfixest_on_the_real_panel_in_any_row_order(built):
    panel = real_panel(built)
    assert panel["iso3"].nunique() > 150 and 0 < panel["d"].mean() < 0.5
    ours = dynamic_panel(panel, outcome="y", treatment="d", lags=2)
    assert_same(ours, feols(panel, "y", "d", 2))
    shuffled = panel.sample(frac=1.0, random_state=7).reset_index(drop=True)
    again = dynamic_panel(shuffled, outcome="y", treatment="d", lags=2)
    np.testing.assert_allclose(
        again.coefficients[["estimate", "se"]], ours.coefficients[["estimate", "se"]], atol=1e-12
    )
    assert_same(again, feols(shuffled, "y", "d", 2))
