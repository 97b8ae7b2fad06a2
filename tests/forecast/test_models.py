"""Estimators follow scikit-learn's contract, are deterministic, calibrated and explainable;
the metrics match scikit-learn's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from stabilis.errors import QueryError
from stabilis.forecast.models import BoostedForecaster, Calibrator, LogisticForecaster
from stabilis.forecast.origins import TimeSplit
from stabilis.forecast.scoring import (
    bootstrap_differences,
    brier,
    calibration_chart_spec,
    calibration_curve,
    ece,
    pr_auc,
    roc_auc,
)


def _data(seed: int = 0, n_countries: int = 40, years: range = range(1970, 2011)):
    rng = np.random.default_rng(seed)
    rows = pd.MultiIndex.from_product([range(n_countries), years]).to_frame(index=False)
    rows.columns = ["country", "year"]
    X = pd.DataFrame(rng.normal(size=(len(rows), 6)), columns=[f"f{i}" for i in range(6)])
    X.loc[rng.random(len(X)) < 0.05, "f3"] = np.nan
    logit = -2.5 + 1.5 * X["f0"].to_numpy() - 1.0 * X["f1"].to_numpy()
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(float)
    return X, y, rows["year"].to_numpy(), rows["country"].to_numpy()


def _fit(model, split=None):
    X, y, years, groups = _data()
    split = split or TimeSplit.honest(2010, lookahead=1)
    train = split.train_mask(years)
    model.fit(X[train], y[train], years=years[train], groups=groups[train], split=split)
    return model, X[years == 2010]


def test_fit_returns_self_and_learned_attributes_end_in_underscore():
    model = BoostedForecaster(n_estimators=20, n_members=2)
    assert not [a for a in vars(model) if a.endswith("_")]
    fitted, _ = _fit(model)
    assert fitted is model
    learned = [a for a in vars(model) if a.endswith("_")]
    assert {"members_", "calibrator_", "feature_names_"} <= set(learned)
    with pytest.raises(QueryError, match="Fit"):
        BoostedForecaster().predict_proba(pd.DataFrame({"f0": [1.0]}))


def test_boosted_forecasts_are_identical_on_a_rerun():
    a, test = _fit(BoostedForecaster(n_estimators=30, n_members=3))
    b, _ = _fit(BoostedForecaster(n_estimators=30, n_members=3))
    np.testing.assert_array_equal(a.predict_proba(test), b.predict_proba(test))
    c, _ = _fit(BoostedForecaster(n_estimators=30, n_members=3, seed=99))
    assert not np.array_equal(a.predict_proba(test), c.predict_proba(test))


def test_intervals_bracket_the_point_and_learn_the_signal():
    model, test = _fit(BoostedForecaster(n_estimators=40, n_members=5))
    p, lo, hi = model.predict_interval(test)
    assert ((lo <= p + 1e-12) & (p <= hi + 1e-12)).all() and (hi > lo).any()
    X, y, years, _ = _data(seed=5)
    assert roc_auc(y[years == 2010], model.predict_proba(X[years == 2010])) > 0.75


def test_contributions_add_up_to_the_members_mean_log_odds():
    model, test = _fit(BoostedForecaster(n_estimators=20, n_members=3))
    contrib = model.contributions(test)
    raw = np.mean([m.predict(test.to_numpy(), raw_score=True) for m in model.members_], axis=0)
    np.testing.assert_allclose(contrib.sum(axis=1).to_numpy(), raw, atol=1e-9)
    assert list(contrib.columns[-1:]) == ["bias"]


def test_logistic_baseline_fits_and_explains():
    model, test = _fit(LogisticForecaster(calibration="platt"))
    p, lo, _hi = model.predict_interval(test)
    assert ((p > 0) & (p < 1)).all() and np.array_equal(p, lo)
    contrib = model.contributions(test)
    assert contrib.loc[:, "f0"].corr(test["f0"]) > 0.99


def test_one_class_training_targets_are_refused():
    X, _, years, groups = _data()
    with pytest.raises(QueryError, match="one class"):
        BoostedForecaster().fit(X, np.zeros(len(X)), years=years, groups=groups)


@pytest.mark.parametrize("method", ["platt", "isotonic"])
def test_calibrator_repairs_a_distorted_probability(method):
    rng = np.random.default_rng(3)
    truth = rng.random(5000) * 0.5
    y = (rng.random(5000) < truth).astype(float)
    distorted = np.sqrt(truth)  # overconfident
    calibrated = Calibrator(method).fit(distorted, y).transform(distorted)
    assert ece(y, calibrated) < ece(y, distorted) / 3


def test_metrics_match_scikit_learn_with_ties_and_weights():
    rng = np.random.default_rng(0)
    y = (rng.random(3000) < 0.15).astype(float)
    p = np.round(rng.random(3000) * 0.6 + 0.3 * y, 2)
    w = rng.integers(0, 3, 3000).astype(float)
    assert roc_auc(y, p, w) == pytest.approx(roc_auc_score(y, p, sample_weight=w), abs=1e-12)
    assert pr_auc(y, p, w) == pytest.approx(
        average_precision_score(y, p, sample_weight=w), abs=1e-12
    )
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p))


def test_calibration_curve_is_data_and_a_chart_spec():
    y = np.array([0, 0, 1, 1, 1, 0.0])
    p = np.array([0.05, 0.15, 0.95, 0.85, 0.92, 0.12])
    curve = calibration_curve(y, p, bins=10)
    assert list(curve.columns) == [
        "bin",
        "lower",
        "upper",
        "mean_predicted",
        "observed_rate",
        "count",
    ]
    assert curve["count"].sum() == 6
    spec = calibration_chart_spec(curve)
    assert spec["layer"][1]["encoding"]["x"]["field"] == "mean_predicted"


def test_bootstrap_differences_bracket_the_point_difference():
    X, y, _years, groups = _data()
    good = 1 / (1 + np.exp(-(-2.5 + 1.5 * X["f0"] - X["f1"]).to_numpy()))
    noisy = np.clip(good + np.random.default_rng(1).normal(0, 0.2, len(good)), 0, 1)
    table = bootstrap_differences(y, good, noisy, groups, n_boot=50).set_index("metric")
    assert table.loc["roc_auc", "better"] == "a"
    assert table.loc["roc_auc", "lower"] > 0
    assert (table["lower"] <= table["difference"]).all()
    assert (table["difference"] <= table["upper"]).all()


def test_the_out_of_bag_shift_follows_a_drifting_event_rate():
    """Simulated: the events' base rate rises in the last training years (a known truth) and no
    feature says so; the out-of-bag shift moves the level towards the recent rate, learning only
    from training rows, while uncalibrated members stay near the pooled rate."""
    rng = np.random.default_rng(5)
    X, _, years, groups = _data(seed=5, n_countries=60)
    base = np.where(years >= 2003, -0.6, -2.5)  # the rate jumps for the last training years
    logit = base + 1.5 * X["f0"].to_numpy() - 1.0 * X["f1"].to_numpy()
    y = (rng.random(len(X)) < 1 / (1 + np.exp(-logit))).astype(float)
    split = TimeSplit.honest(2010, lookahead=1)
    train = split.train_mask(years)
    recent = train & (years >= split.train_last - 4)

    def mean_forecast(calibration: str) -> float:
        model = BoostedForecaster(n_estimators=30, n_members=5, calibration=calibration)
        model.fit(X[train], y[train], years=years[train], groups=groups[train], split=split)
        return float(model.predict_proba(X[recent]).mean())

    rate = float(y[recent].mean())
    raw, shifted = mean_forecast("none"), mean_forecast("oob")
    assert raw < rate - 0.05  # the members alone lag the drift
    assert abs(shifted - rate) < abs(raw - rate) / 2
    # the default calibration is this shift, and here it raises the level
    model = BoostedForecaster(n_estimators=30, n_members=5).fit(
        X[train], y[train], years=years[train], groups=groups[train], split=split
    )
    assert model.calibrator_.method == "oob" and model.calibrator_.shift_ > 0
