"""Synthetic control recovers known effects on simulated factor-model panels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.impact import synth
from stabilis.impact.checks import placebo_in_space
from stabilis.impact.simulate import factor_panel
from stabilis.impact.synth import SyntheticControl, fit_gaps, prepare, simplex_weights


def test_simplex_weights_stay_on_the_simplex():
    rng = np.random.default_rng(0)
    basis = rng.normal(size=(8, 12))
    w = simplex_weights(rng.normal(size=8), basis)
    assert w.min() >= 0
    assert w.sum() == pytest.approx(1.0, abs=1e-9)


def test_simplex_weights_find_an_exact_convex_combination():
    rng = np.random.default_rng(1)
    basis = rng.normal(size=(20, 6))
    truth = np.array([0.5, 0.3, 0.2, 0, 0, 0])
    w = simplex_weights(basis @ truth, basis)
    assert w == pytest.approx(truth, abs=1e-6)


@pytest.mark.parametrize("method", ["abadie", "augmented"])
def test_synth_recovers_a_constant_effect(method):
    # Tolerance: 0.05 on an effect of 0.3 with noise sd 0.02 per year.
    panel = factor_panel(n_donors=19, effect=0.3, seed=3)
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000, method=method)
    assert result.verdict == "estimate"
    assert result.att == pytest.approx(0.3, abs=0.05)
    assert result.p_value == pytest.approx(1 / 20)  # the treated ratio ranks first
    lower, upper = result.interval
    assert lower <= 0.3 <= upper


def test_synth_finds_no_effect_when_there_is_none():
    panel = factor_panel(n_donors=19, effect=0.0, seed=5)
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000)
    assert abs(result.att) < 0.05
    assert result.p_value > 0.1


def _null_rejections(seeds: range) -> tuple[int, int]:
    """Rejections at 0.10 of the placebo-in-space test alone (no other check is needed for its
    size, and the full synth() run with every diagnostic is about 13 times slower)."""
    rejected = run = 0
    for seed in seeds:
        panel = factor_panel(n_donors=19, seed=seed)
        data = prepare(panel, outcome="y", treated="TRT", treatment_year=2000)
        estimator = SyntheticControl()
        check = placebo_in_space(data, estimator, fit_gaps(data, estimator))
        if check.p_value is None:
            continue
        run += 1
        rejected += check.p_value <= 0.10
    return rejected, run


def test_placebo_test_rejects_at_about_the_nominal_rate_under_the_null():
    # 30 null panels at level 0.10: expect 3 rejections; more than 8 has probability < 0.2 %.
    rejected, run = _null_rejections(range(30))
    assert run >= 25
    assert rejected <= 8


@pytest.mark.slow
def test_placebo_rejection_rate_is_near_nominal_over_many_panels():
    # 200 null panels: the rate must lie in [0.04, 0.17] (binomial 99.9 % band around 0.10).
    rejected, run = _null_rejections(range(100, 300))
    assert 0.04 <= rejected / run <= 0.17


def test_synth_says_not_credible_with_a_short_pre_period():
    panel = factor_panel(n_donors=10, first_year=1997, treatment_year=2000, effect=0.3)
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000)
    assert result.verdict == "not_credible"
    assert result.att is None and result.p_value is None
    assert "pre-treatment years" in result.summary()
    assert "Estimate:" not in result.summary()


def test_synth_says_not_credible_when_the_treated_unit_is_outside_the_donors():
    panel = factor_panel(n_donors=10, seed=2)
    panel.loc[panel["iso3"] == "TRT", "y"] += 5.0  # far above every donor
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000)
    assert result.verdict == "not_credible"
    assert any("poor pre-period fit" in r for r in result.reasons)


def test_synth_does_not_modify_the_callers_panel():
    panel = factor_panel(n_donors=8, effect=0.1)
    before = panel.copy()
    synth(panel, outcome="y", treated="TRT", treatment_year=2000)
    pd.testing.assert_frame_equal(panel, before)


def test_synth_result_views_agree():
    result = synth(
        factor_panel(n_donors=12, effect=0.2, seed=4),
        outcome="y",
        treated="TRT",
        treatment_year=2000,
    )
    path = result.path()
    assert list(path.columns) == ["year", "treated", "synthetic", "gap", "period"]
    assert path.loc[path["period"] == "post", "gap"].mean() == pytest.approx(result.att)
    tidy = result.tidy()  # the same numbers, long: one row per year and series
    assert list(tidy.columns) == ["year", "series", "value", "period"]
    gaps = tidy[(tidy["series"] == "gap") & (tidy["period"] == "post")]
    assert gaps["value"].mean() == pytest.approx(result.att)
    spec = result.plot_spec()
    assert spec["layer"][0]["mark"] == "line" and spec["data"]["values"]
    payload = result.to_dict()
    assert payload["estimate"] == pytest.approx(result.att)
    assert set(payload["checks"]) == {
        "pre_fit",
        "placebo_in_space",
        "effect_interval",
        "placebo_in_time",
        "leave_one_out",
        "one_donor",
        "w_unique",
        "v_corner",
        "conformal",
    }
    assert "Permutation p" in result.summary()


def test_harm_is_reported_as_plainly_as_improvement():
    panel = factor_panel(n_donors=15, effect=-0.3, seed=6)
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000, higher_is_better=True)
    assert result.att < 0
    assert "deterioration: harm" in result.summary()
    # The same rules judge harm and benefit: mirror the effect and the verdict is the same.
    mirrored = factor_panel(n_donors=15, effect=0.3, seed=6)
    benefit = synth(
        mirrored, outcome="y", treated="TRT", treatment_year=2000, higher_is_better=True
    )
    assert benefit.verdict == result.verdict
    assert benefit.p_value == pytest.approx(result.p_value)
    assert "an improvement" in benefit.summary()


def test_conformal_intervals_cover_the_true_effect_path_and_exclude_zero():
    # Effect 0.3 from 2000 on, noise sd 0.02: each year's 90 % interval should contain 0.3 in
    # most years (tolerance: at least 8 of 11) and exclude zero in every year.
    from stabilis.impact.checks import conformal_intervals
    from stabilis.impact.synth import prepare

    data = prepare(factor_panel(n_donors=19, effect=0.3, seed=3), outcome="y", treated="TRT",
                   treatment_year=2000)  # fmt: skip
    check = conformal_intervals(data, level=0.9)
    table = check.tidy()
    assert len(table) == 11 and check.passed
    assert ((table["lower"] <= 0.3) & (table["upper"] >= 0.3)).sum() >= 8
    assert (table["lower"] > 0).all()
    short = prepare(factor_panel(n_donors=19, first_year=1995, effect=0.3, seed=3), outcome="y",
                    treated="TRT", treatment_year=2000)  # fmt: skip
    assert conformal_intervals(short, level=0.9).passed is False  # 5 pre-years: p >= 1/6


def test_two_step_v_by_cross_validation_then_custom_v():
    # ADH (2015): V fitted on training-period predictors to predict the validation period, then
    # used with the same predictors measured in the validation period.
    from stabilis.errors import QueryError
    from stabilis.impact import cross_validated_v
    from stabilis.impact.synth import Predictor

    panel = factor_panel(n_donors=15, effect=0.3, seed=8)
    panel["x"] = panel["y"].rolling(3, min_periods=1).mean()
    train = [Predictor("y", tuple(range(1980, 1990))), Predictor("x", tuple(range(1980, 1990)))]
    valid = [Predictor("y", tuple(range(1990, 2000))), Predictor("x", tuple(range(1990, 2000)))]
    v = cross_validated_v(panel, outcome="y", treated="TRT", treatment_year=2000,
                          training_predictors=train, validation_years=range(1990, 2000))  # fmt: skip
    assert list(v.index) == [p.label for p in train]
    assert v.sum() == pytest.approx(1.0)
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000, predictors=valid,
                   v=list(v), inference=False)  # fmt: skip
    assert result.v_weights.to_numpy() == pytest.approx(v.to_numpy())
    path = result.path()
    assert path.loc[path["period"] == "post", "gap"].mean() == pytest.approx(0.3, abs=0.08)
    # Two predictors, fifteen donors: the treated unit is matched exactly by many weightings,
    # and the verdict says so rather than reporting one of them.
    assert result.verdict == "not_credible" and "W is not unique" in result.reasons[0]
    with pytest.raises(QueryError, match="one weight per predictor"):
        synth(panel, outcome="y", treated="TRT", treatment_year=2000, predictors=valid, v=[1.0])
    with pytest.raises(QueryError, match="does not have"):
        synth(panel, outcome="y", treated="TRT", treatment_year=2000, predictors=valid,
              v={"nonsense": 1.0})  # fmt: skip
    with pytest.raises(QueryError, match="must end before"):
        cross_validated_v(panel, outcome="y", treated="TRT", treatment_year=2000,
                          training_predictors=train, validation_years=[2001])  # fmt: skip


def test_a_v_fitting_window_separate_from_the_pre_period():
    from stabilis.impact.synth import Predictor

    panel = factor_panel(n_donors=15, effect=0.3, seed=8)
    preds = [Predictor("y", (1985,)), Predictor("y", (1995,))]
    result = synth(panel, outcome="y", treated="TRT", treatment_year=2000, predictors=preds,
                   optimise_years=range(1990, 2000), inference=False)  # fmt: skip
    assert result.data.optimise_years == tuple(range(1990, 2000))
    assert result.data.pre_mask.sum() == 20  # the pre-period is not truncated
