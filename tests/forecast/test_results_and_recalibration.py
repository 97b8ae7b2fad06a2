"""The forecast result contract (tidy / summary / meta / to_dict) and the walk-forward
recalibration, on small frames the tests write (simulated forecasts with a known truth)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from tests.contract.test_results_contract import long_form_faults

from stabilis.errors import QueryError
from stabilis.forecast.backtest import BAROMETER_COLUMNS, TIDY_COLUMNS, ForecastFrame
from stabilis.forecast.design import ForecastConfig
from stabilis.forecast.recalibration import apply_map, level_shift, recalibrate
from stabilis.forecast.scoring import ece
from stabilis.forecast.targets import TargetAgreement


def _simulated(
    origins=range(1995, 2012), countries=150, seed=3, bias=2.0, kind="level"
) -> pd.DataFrame:
    """Forecasts whose true event probability is q, issued as q**(1/bias) (``level``: too high)
    or spread ``bias`` times wider on the log-odds around the same mean (``spread``: too
    confident): a known miscalibration that a map learned on earlier origins can undo."""
    rng = np.random.default_rng(seed)
    parts = []
    for origin in origins:
        for outcome in ("electoral_up", "electoral_down", "coup_attempt"):
            q = rng.beta(0.6, 6.0, countries)
            y = (rng.random(countries) < q).astype(float)
            p = q ** (1 / bias)
            if kind == "spread":
                p = apply_map(q, bias, level_shift(q, bias))
            parts.append(pd.DataFrame({
                "outcome": outcome, "origin": origin,
                "iso3": [f"C{i:03d}" for i in range(countries)], "gwcode": np.arange(countries),
                "p": p, "lower": p * 0.8, "upper": np.minimum(p * 1.2, 1), "realised": y,
            }))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def test_tidy_is_one_row_per_country_outcome_and_origin():
    frame = _simulated(origins=[2010, 2011], countries=5)
    result = ForecastFrame(frame, ForecastConfig(), info={"as_of": 2011})
    tidy = result.tidy()
    assert list(tidy.columns) == TIDY_COLUMNS
    assert len(tidy) == 2 * 3 * 5
    assert not tidy.duplicated(["iso3", "outcome", "origin"]).any()
    assert long_form_faults(tidy, ForecastFrame.TIDY_KEYS) == []  # keys first, unique, not wide
    row = tidy[(tidy["outcome"] == "electoral_down") & (tidy["origin"] == 2010)].iloc[0]
    assert (row["space"], row["direction"]) == ("electoral", "down")
    assert row["for_years"] == "2011 - 2012"
    assert tidy.loc[tidy["outcome"] == "coup_attempt", "direction"].eq("event").all()
    # the Barometer's wide layout is still there for files
    assert list(result.barometer().columns)[: len(BAROMETER_COLUMNS)] == BAROMETER_COLUMNS


def test_meta_and_to_dict_are_json_ready_and_describe_the_run():
    frame = _simulated(origins=[2010, 2011], countries=30)
    result = ForecastFrame(frame, ForecastConfig(), seconds=1.5, info={"as_of": np.int64(2011)})
    meta = result.meta()
    assert json.loads(json.dumps(meta)) == meta
    assert meta["origins"] == [2010, 2011] and meta["forecasts"] == len(frame)
    assert meta["config"]["model"] == "lgbm" and meta["as_of"] == 2011
    whole = result.to_dict()
    json.dumps(whole)  # no numpy scalar or NaN left behind that json cannot write
    assert len(whole["forecasts"]) == len(frame) and whole["summary"] == result.summary()
    assert {r["direction"] for r in whole["scores"]} == {"up", "down", "event"}


def test_summary_of_a_live_run_says_nothing_is_scored_yet():
    frame = _simulated(origins=[2024], countries=10).assign(realised=np.nan)
    text = ForecastFrame(frame, ForecastConfig(), info={"as_of": 2024}).summary()
    assert "no target is known yet" in text and "ROC-AUC" not in text


@pytest.mark.parametrize("method", ["spread", "platt"])
def test_recalibration_undoes_a_known_miscalibration_walk_forward(method):
    frame = _simulated(kind="level" if method == "platt" else "spread", bias=2.0)
    fixed = recalibrate(frame, method=method)
    spaces = fixed["outcome"] != "coup_attempt"
    late = (fixed["origin"] >= 2000) & spaces
    assert fixed.loc[fixed["origin"] < 1998, "recalibrated"].eq(False).all()  # nothing earlier
    assert fixed.loc[late, "recalibrated"].all()
    assert not fixed.loc[~spaces, "recalibrated"].any()  # the further targets are left alone
    before = ece(frame.loc[late, "realised"], frame.loc[late, "p"])
    after = ece(fixed.loc[late, "realised"], fixed.loc[late, "p"])
    assert before > 0.03 and after < 0.02, (before, after)
    # the model's own probabilities are kept, and the map is monotone: bounds stay ordered
    np.testing.assert_array_equal(fixed["p_model"], frame["p"])
    assert ((fixed["lower"] <= fixed["p"] + 1e-12) & (fixed["p"] <= fixed["upper"] + 1e-12)).all()
    # the default map keeps each origin's mean forecast and narrows the spread (slope < 1)
    if method != "spread":
        return
    one = fixed[(fixed["origin"] == 2010) & (fixed["outcome"] == "electoral_up")]
    assert one["p"].mean() == pytest.approx(one["p_model"].mean(), abs=1e-6)
    assert (one["recal_slope"] < 0.6).all()  # about 1 / bias
    np.testing.assert_allclose(
        apply_map(
            one["p_model"].to_numpy(), one["recal_slope"].iloc[0], one["recal_shift"].iloc[0]
        ),
        one["p"],
    )


def test_recalibration_of_an_origin_ignores_targets_unknown_at_that_origin():
    frame = _simulated()
    origin = 2006
    changed = frame.copy()
    later = changed["origin"] > origin - 3
    changed.loc[later, "realised"] = 1 - changed.loc[later, "realised"]  # rewrite the future
    a = recalibrate(frame)
    b = recalibrate(changed)
    rows = (a["origin"] <= origin).to_numpy()
    np.testing.assert_array_equal(a.loc[rows, "p"], b.loc[rows, "p"])
    assert not np.allclose(a.loc[~rows, "p"], b.loc[~rows, "p"])


def test_bounds_ruled_forecasts_stay_zero_and_history_feeds_the_first_origins():
    history = _simulated(origins=range(1990, 2000))
    frame = _simulated(origins=range(2000, 2004), seed=9)
    frame.loc[frame.index[:7], ["p", "lower", "upper"]] = 0.0
    alone = recalibrate(frame)
    assert not alone["recalibrated"].any()  # 2000-2003 have no realised origin 3 years back
    fed = recalibrate(frame, history=history)
    assert fed.loc[fed["outcome"] != "coup_attempt", "recalibrated"].all()
    assert (fed.loc[fed.index[:7], ["p", "lower", "upper"]] == 0).all().all()


def test_the_slope_of_each_origin_sums_per_origin_losses_as_a_full_search_would():
    """The spread map's slope is chosen from per-origin log-likelihoods computed once; for any
    set of past origins it must be the slope a direct search of every slope's log-loss picks."""
    from stabilis.forecast.models import logit, sigmoid
    from stabilis.forecast.recalibration import (
        SLOPES,
        origin_log_likelihoods,
        slope_from_likelihoods,
    )

    rng = np.random.default_rng(3)
    origins = rng.integers(2000, 2012, 6000)
    truth = rng.beta(1, 6, len(origins))
    p = sigmoid(1.6 * logit(truth) + 0.9)  # too spread out: the right slope is below 1
    y = (rng.random(len(origins)) < truth).astype(float)
    per_origin = origin_log_likelihoods(p, y, origins)
    chosen = set()
    for last in range(2001, 2012):
        upto = origins <= last
        losses = {}
        for slope in SLOPES:
            total = 0.0
            for o in np.unique(origins[upto]):
                here = upto & (origins == o)
                q = np.clip(sigmoid(slope * logit(p[here]) + level_shift(p[here], slope)),
                            1e-6, 1 - 1e-6)  # fmt: skip
                total -= np.sum(y[here] * np.log(q) + (1 - y[here]) * np.log(1 - q))
            losses[slope] = total
        direct = min(SLOPES, key=lambda a: (round(losses[a], 6), abs(a - 1.0)))
        summed = slope_from_likelihoods([v for o, v in per_origin.items() if o <= last])
        recomputed = origin_log_likelihoods(p[upto], y[upto], origins[upto])
        assert summed == direct == slope_from_likelihoods(list(recomputed.values()))
        chosen.add(summed)
    assert max(chosen) < 1.0  # the known over-spread is found


def test_recalibration_refuses_an_unknown_method():
    with pytest.raises(QueryError, match="recalibration must be one of"):
        recalibrate(_simulated(origins=[2000]), method="spline")  # type: ignore[arg-type]


def test_the_target_comparison_is_keyed_by_indicator_country_year_and_target():
    rows = pd.DataFrame(
        {"indicator": ["v2x_veracc_osp", "v2x_veracc_osp"], "gwcode": [371, 371],
         "iso3": ["ARM", "ARM"], "year": [2018, 2018], "target": ["up_next2", "down_next2"],
         "coded": [1, 0], "published": [0, 0], "reason": ["tie", "tie"]}
    )  # fmt: skip
    agreement = TargetAgreement("above", compared=10, agreeing=8, disagreements=rows)
    tidy = agreement.tidy()
    assert long_form_faults(tidy, TargetAgreement.TIDY_KEYS) == []
    assert list(tidy.columns[4:]) == ["iso3", "coded", "published", "reason"]
