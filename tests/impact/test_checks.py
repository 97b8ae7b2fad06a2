"""Diagnostics return uniform CheckResults and detect what they are meant to detect."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.impact.checks import CheckResult, leave_one_out, placebo_in_time, pretrend_test
from stabilis.impact.event_study import event_study
from stabilis.impact.simulate import factor_panel, staggered_panel
from stabilis.impact.synth import SyntheticControl, fit_gaps, prepare


@pytest.fixture(scope="module")
def data():
    return prepare(
        factor_panel(n_donors=15, effect=0.3, seed=7),
        outcome="y",
        treated="TRT",
        treatment_year=2000,
    )


def test_every_check_has_the_same_shape(data):
    est = SyntheticControl()
    gaps = fit_gaps(data, est)
    fitted = SyntheticControl().fit(data)
    for check in (placebo_in_time(data, est), leave_one_out(data, est, fitted.weights_, gaps)):
        assert isinstance(check, CheckResult)
        assert isinstance(check.tidy(), pd.DataFrame) and len(check.tidy())
        assert check.plot_spec()["$schema"].startswith("https://vega.github.io")
        assert set(check.to_dict()) >= {
            "name",
            "statistic",
            "p_value",
            "passed",
            "message",
            "table",
        }


def test_placebo_in_time_finds_no_effect_before_the_real_treatment(data):
    check = placebo_in_time(data, SyntheticControl())
    assert check.passed, check.message
    assert check.details["fake_year"] < 2000


def test_placebo_in_time_flags_an_effect_that_started_early():
    panel = factor_panel(n_donors=15, seed=7)
    panel.loc[(panel["iso3"] == "TRT") & (panel["year"] >= 1995), "y"] += 0.4
    moved = prepare(panel, outcome="y", treated="TRT", treatment_year=2000)
    check = placebo_in_time(moved, SyntheticControl(), shift=5)
    assert check.passed is False


def test_leave_one_out_keeps_the_sign_of_a_real_effect(data):
    fitted = SyntheticControl().fit(data)
    check = leave_one_out(data, SyntheticControl(), fitted.weights_, data.Y1 - fitted.predict())
    assert check.passed
    assert (check.table["mean_post_gap"] > 0.2).all()


def test_pretrend_test_detects_diverging_pre_trends():
    sim = staggered_panel(seed=3, zero=True)
    panel = sim.panel.copy()
    treated = panel["cohort"].notna()
    panel.loc[treated, "y"] += 0.02 * (panel.loc[treated, "year"] - 1990)  # treated units drift up
    result = event_study(panel, outcome="y", design="sunab")
    assert result.pretrend.passed is False
    assert result.pretrend.p_value < 0.01


def test_pretrend_test_on_known_values():
    check = pretrend_test(pd.Series([0.0, 0.0], index=[-3, -2]), np.eye(2), "test")
    assert check.statistic == 0 and check.p_value == pytest.approx(1.0)
