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
from stabilis.impact.cases import PooledResult
from stabilis.impact.regional import regional_did_arm
from stabilis.impact.simulate import factor_panel, multi_treated_panel, staggered_panel

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
    multi = multi_treated_panel(n_treated=2, n_donors=8, seed=5)
    donors = sorted(u for u in multi["iso3"].unique() if u.startswith("D"))
    each = [
        synth(multi, outcome="y", treated=t, treatment_year=2000, donors=donors, inference=False)
        for t in ("T01", "T02")
    ]
    first = stag.loc[stag["cohort"] == stag["cohort"].min(), "iso3"].unique().tolist()
    never = stag.loc[stag["cohort"].isna(), "iso3"].unique().tolist()
    return {
        "pooled": PooledResult("y", each, 0.1, 0.2, []),
        "arm": regional_did_arm(
            stag.drop(columns="cohort"), "y", first, int(stag["cohort"].min()), never, {}, set()
        ),
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


LONG = ["synth", "pooled", "did", "honest", "event_study", "dynamic_panel", "arm"]


@pytest.mark.parametrize("name", LONG)
def test_tidy_is_long_with_its_keys_first_and_unique(results, name):
    result = results[name]
    keys = list(type(result).TIDY_KEYS)
    tidy = result.tidy()
    assert list(tidy.columns[: len(keys)]) == keys
    assert not tidy.duplicated(keys).any(), f"{name}: {keys} repeat"
    assert isinstance(tidy.index, pd.RangeIndex) and tidy.index.start == 0
    assert "value" in tidy.columns
    if "lower" in tidy.columns:  # an interval sits right after the value it belongs to
        at = list(tidy.columns).index("value")
        assert list(tidy.columns[at : at + 3]) == ["value", "lower", "upper"]


def test_long_tidy_holds_the_numbers_of_the_wide_views(results):
    sc = results["synth"]
    path = sc.path()
    long = sc.tidy().pivot(index="year", columns="series", values="value")
    for series in ("treated", "synthetic", "gap"):
        assert long[series].tolist() == path.set_index("year")[series].tolist()
    pooled = results["pooled"].tidy()
    assert len(pooled) == 3 * sum(len(r.data.years) for r in results["pooled"].results)
    dyn = results["dynamic_panel"]
    table = dyn.tidy().set_index("term")
    assert table.loc["dem", "value"] == dyn.coefficients.set_index("term").loc["dem", "estimate"]
    assert table.loc["long_run", "value"] == dyn.long_run["estimate"]
    row = table.loc["dem"]
    assert row["lower"] < row["value"] < row["upper"]
