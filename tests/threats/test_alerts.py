"""The robust z-score rule: spikes alert, flat or small series do not, and it never looks ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stabilis.errors import QueryError
from stabilis.threats.alerts import MAD_TO_SD, MONTHLY, AlertRule, robust_scores


def _series(values, iso3="EST"):
    return pd.DataFrame({"iso3": iso3, "t": range(len(values)), "value": values})


def test_a_spike_above_a_noisy_history_alerts_with_the_stated_score():
    values = [4, 6, 5, 7, 5, 6, 4, 5, 6, 5, 7, 5, 30]
    out = robust_scores(_series(values), "value", ["t"], MONTHLY)
    last = out.iloc[-1]
    past = np.array(values[:-1][-12:], float)
    median = np.median(past)
    mad = np.median(np.abs(past - median))
    assert last["baseline_median"] == median
    assert last["z"] == pytest.approx((30 - median) / max(MAD_TO_SD * mad, 1.0))
    assert bool(last["alert"])
    assert not out["alert"].iloc[:-1].any()


def test_a_blip_after_a_flat_zero_history_needs_the_minimum_count():
    small = robust_scores(_series([0] * 12 + [2]), "value", ["t"], MONTHLY)
    assert not small["alert"].any()  # z = 2 / floor 1 = 2 < 3.5, and 2 < min_count
    big = robust_scores(_series([0] * 12 + [5]), "value", ["t"], MONTHLY)
    assert big["z"].iloc[-1] == 5.0 and bool(big["alert"].iloc[-1])


def test_no_score_without_enough_history():
    out = robust_scores(_series([0, 0, 0, 50]), "value", ["t"], MONTHLY)
    assert out["z"].isna().all() and not out["alert"].any()


def test_countries_are_scored_separately():
    frame = pd.concat([_series([1] * 12 + [9], "EST"), _series([9] * 13, "LVA")])
    out = robust_scores(frame, "value", ["t"], MONTHLY)
    assert out.loc[out["alert"], "iso3"].tolist() == ["EST"]


def test_rule_refuses_inconsistent_parameters():
    with pytest.raises(QueryError):
        AlertRule(window=5, min_history=6)
    assert "1.4826" in MONTHLY.describe() and "3.5" in MONTHLY.describe()


@settings(max_examples=30, deadline=None)
@given(
    history=st.lists(st.integers(0, 50), min_size=8, max_size=20),
    future=st.lists(st.integers(0, 500), min_size=1, max_size=5),
)
def test_a_score_never_depends_on_later_periods(history, future):
    base = robust_scores(_series(history), "value", ["t"], MONTHLY)
    longer = robust_scores(_series(history + future), "value", ["t"], MONTHLY)
    pd.testing.assert_series_equal(base["z"], longer["z"].iloc[: len(history)], check_names=False)
