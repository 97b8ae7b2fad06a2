"""One contract for impact estimators and results: scikit-learn's estimator contract (clone,
get_params, set_params) and ``tidy`` / ``summary`` / ``meta`` / ``to_dict`` on every result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from sklearn.base import clone

from stabilis.impact import (
    AugmentedSyntheticControl,
    CallawaySantAnna,
    SyntheticControl,
    did,
    dynamic_panel,
    event_study,
    synth,
)
from stabilis.impact.simulate import factor_panel, staggered_panel

sys.path.insert(0, str(Path(__file__).parent))
from test_dynamic_panel import _panel


@pytest.mark.parametrize(
    "estimator",
    [
        SyntheticControl(random_starts=2, seed=3, v={"y1990": 1.0}),
        AugmentedSyntheticControl(ridge=0.5, holdout=2),
        CallawaySantAnna(control="never", n_boot=99, est_method="reg"),
    ],
)
def test_estimators_follow_the_scikit_learn_contract(estimator):
    params = estimator.get_params()
    copy = clone(estimator)
    assert copy is not estimator and copy.get_params() == params
    first = next(iter(params))
    copy.set_params(**{first: params[first]})
    assert copy.get_params() == params


@pytest.fixture(scope="module")
def results():
    stag = staggered_panel(seed=1, n_units=60).panel
    sim = _panel(n_units=30, n_years=25)
    fitted = did(stag, outcome="y", n_boot=99)
    return {
        "synth": synth(
            factor_panel(n_donors=10, effect=0.2, seed=2),
            outcome="y",
            treated="TRT",
            treatment_year=2000,
            inference=False,
        ),
        "did": fitted,
        "honest": fitted.honest("sd", m=[0.0]),
        "event_study": event_study(stag, outcome="y", design="sunab", leads=3, lags=3),
        "dynamic_panel": dynamic_panel(sim, outcome="y", treatment="dem", lags=2),
    }


@pytest.mark.parametrize("name", ["synth", "did", "honest", "event_study", "dynamic_panel"])
def test_every_result_has_tidy_summary_meta_and_to_dict(results, name):
    result = results[name]
    assert isinstance(result.tidy(), pd.DataFrame) and len(result.tidy())
    assert isinstance(result.summary(), str) and result.summary()
    meta = result.meta()
    assert "design" in meta or "restriction" in meta
    json.dumps(meta)  # JSON-ready
    json.dumps(result.to_dict(), default=str)
