"""Property: no impact result depends on the order of the panel's rows or of the donor list."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stabilis.impact import did, synth
from stabilis.impact.simulate import factor_panel, staggered_panel
from stabilis.impact.synth import Predictor, SyntheticControl, prepare

PANEL = factor_panel(n_donors=12, effect=0.2, seed=11)
rng = np.random.default_rng(0)
PANEL["x"] = PANEL["y"] * 0.5 + rng.normal(0, 0.05, len(PANEL))  # a second predictor
DONORS = sorted(set(PANEL["iso3"]) - {"TRT"})
#: Predictors that make the V search non-trivial (not the lags-only shortcut).
PREDICTORS = [
    Predictor("y", (1985,)),
    Predictor("y", (1990, 1991, 1992)),
    Predictor("y", (1999,)),
    Predictor("x", tuple(range(1980, 2000))),
]
STAGGERED = staggered_panel(n_units=50, seed=4).panel

permutations = st.randoms(use_true_random=False)


def _shuffled(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    return frame.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), order=permutations)
def test_v_search_and_weights_ignore_row_and_donor_order(seed, order):
    donors = list(DONORS)
    order.shuffle(donors)
    base = prepare(PANEL, outcome="y", treated="TRT", treatment_year=2000, predictors=PREDICTORS)
    moved = prepare(
        _shuffled(PANEL, seed),
        outcome="y",
        treated="TRT",
        treatment_year=2000,
        donors=donors,
        predictors=PREDICTORS,
    )
    a, b = SyntheticControl().fit(base), SyntheticControl().fit(moved)
    assert moved.donors == base.donors
    np.testing.assert_array_equal(a.v_, b.v_)
    np.testing.assert_array_equal(a.weights_, b.weights_)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31 - 1), order=permutations)
def test_synth_estimate_and_inference_ignore_row_and_donor_order(seed, order):
    donors = list(DONORS)
    order.shuffle(donors)
    base = synth(PANEL, outcome="y", treated="TRT", treatment_year=2000)
    moved = synth(
        _shuffled(PANEL, seed), outcome="y", treated="TRT", treatment_year=2000, donors=donors
    )
    assert moved.verdict == base.verdict
    assert moved.att == base.att
    assert moved.p_value == base.p_value
    pd.testing.assert_series_equal(moved.weights, base.weights)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 2**31 - 1))
def test_did_ignores_row_order(seed):
    base = did(STAGGERED, outcome="y", n_boot=49)
    moved = did(_shuffled(STAGGERED, seed), outcome="y", n_boot=49)
    pd.testing.assert_frame_equal(base.att_gt, moved.att_gt)
    assert base.overall == moved.overall
