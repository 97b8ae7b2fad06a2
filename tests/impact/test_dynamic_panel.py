"""Dynamic-panel within estimator: recovers known persistence and effects (simulated)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.errors import QueryError
from stabilis.impact.dynamic_panel import dynamic_panel


def _panel(n_units=150, n_years=60, gamma=(0.5, 0.2), beta=0.3, seed=0) -> pd.DataFrame:
    """y_it = 0.5 y_t-1 + 0.2 y_t-2 + 0.3 D_it + a_i + d_t + e; D switches on and off."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0, 1, n_units)
    d = rng.normal(0, 0.5, n_years)
    rows = []
    for i in range(n_units):
        y = [0.0, 0.0]
        state = rng.random() < 0.4
        for t in range(n_years):
            if rng.random() < 0.05:
                state = not state  # not absorbing
            value = gamma[0] * y[-1] + gamma[1] * y[-2] + beta * state + a[i] + d[t]
            value += rng.normal(0, 0.3)
            y.append(value)
            rows.append({"iso3": f"U{i:03d}", "year": 1960 + t, "y": value, "dem": float(state)})
    return pd.DataFrame(rows)


def test_dynamic_panel_recovers_persistence_and_the_long_run_effect():
    panel = _panel()
    result = dynamic_panel(panel, outcome="y", treatment="dem", lags=2)
    coef = result.coefficients.set_index("term")["estimate"]
    # Tolerances: Nickell bias is about -(1 + gamma)/T ~ 0.03 on the first lag with T = 60.
    assert coef["y_lag1"] == pytest.approx(0.5, abs=0.05)
    assert coef["y_lag2"] == pytest.approx(0.2, abs=0.05)
    assert coef["dem"] == pytest.approx(0.3, abs=0.05)
    assert result.long_run["estimate"] == pytest.approx(0.3 / (1 - 0.7), abs=0.25)
    assert result.n_clusters == 150 and "Long-run effect" in result.summary()


def test_long_run_standard_error_is_the_delta_method():
    result = dynamic_panel(_panel(seed=1), outcome="y", treatment="dem", lags=2)
    b = result.coefficients["estimate"].to_numpy()
    rho = b[0] + b[1]
    grad = np.array([b[2] / (1 - rho) ** 2, b[2] / (1 - rho) ** 2, 1 / (1 - rho)])
    assert result.long_run["se"] == pytest.approx(np.sqrt(grad @ result.covariance @ grad))


def test_clustered_standard_errors_cover_the_truth_at_about_the_nominal_rate():
    # 40 panels: the 95 % interval for beta should miss about 2 times; more than 6 has p < 1 %.
    misses = 0
    for seed in range(40):
        r = dynamic_panel(
            _panel(n_units=60, n_years=40, seed=seed), outcome="y", treatment="dem", lags=2
        )
        row = r.coefficients.set_index("term").loc["dem"]
        bias = 0.0  # the effect's Nickell bias is small next to its SE here
        misses += abs(row["estimate"] - 0.3 - bias) > 1.96 * row["se"]
    assert misses <= 6


def test_dynamic_panel_refuses_missing_columns_and_zero_lags():
    panel = _panel(n_units=5, n_years=10)
    with pytest.raises(QueryError, match="no column 'gdp'"):
        dynamic_panel(panel, outcome="gdp", treatment="dem")
    with pytest.raises(QueryError, match="at least one lag"):
        dynamic_panel(panel, outcome="y", treatment="dem", lags=0)
