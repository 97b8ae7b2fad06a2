"""No feature at origin t changes when any data dated after t change (Hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stabilis.forecast.features import build_features, panel_indicators
from stabilis.forecast.targets import SPACES

COUNTRIES = ["AAA", "BBB", "CCC", "DDD"]
NEIGHBOURS = {"AAA": ["BBB"], "BBB": ["AAA", "CCC"], "CCC": ["BBB"], "DDD": []}
REGIONS = {"AAA": "east", "BBB": "east", "CCC": "west", "DDD": "west"}
YEARS = range(1990, 2011)


def _panel(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    keys = pd.MultiIndex.from_product([COUNTRIES, YEARS], names=["iso3", "year"]).to_frame(
        index=False
    )
    codes = panel_indicators()
    values = pd.DataFrame(rng.random((len(keys), len(codes))), columns=codes)
    values = values.mask(rng.random(values.shape) < 0.1)  # some gaps
    return pd.concat([keys, values], axis=1)


def _conflicts(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = [(c, y, int(rng.integers(1, 3))) for c in COUNTRIES for y in YEARS if rng.random() < 0.3]
    return pd.DataFrame(rows, columns=["iso3", "year", "intensity_level"])


def _features(panel: pd.DataFrame, conflicts: pd.DataFrame) -> pd.DataFrame:
    cutpoints = {s.indicator: 0.05 for s in SPACES.values()}
    return build_features(
        panel, conflicts=conflicts, neighbours=NEIGHBOURS, regions=REGIONS, cutpoints=cutpoints
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    origin=st.integers(1991, 2009),
    other=st.integers(0, 10_000),
    drop_rows=st.booleans(),
)
def test_features_at_the_origin_ignore_everything_dated_later(seed, origin, other, drop_rows):
    panel, conflicts = _panel(seed), _conflicts(seed)
    before = _features(panel, conflicts)

    changed = panel.copy()
    later = changed["year"] > origin
    replacement = _panel(other)
    changed.loc[later, panel.columns[2:]] = replacement.loc[later, panel.columns[2:]].to_numpy()
    if drop_rows:  # a later row can also disappear (a state ends, a source stops)
        changed = changed[~(later & (changed["iso3"] == "BBB"))]
    new_conflicts = pd.concat(
        [conflicts[conflicts["year"] <= origin], _conflicts(other).query("year > @origin")]
    )
    after = _features(changed, new_conflicts)

    def upto(frame: pd.DataFrame) -> pd.DataFrame:
        part = frame[frame["year"] <= origin]
        return part.sort_values(["iso3", "year"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(upto(before), upto(after))


def test_features_do_change_when_data_at_the_origin_change():
    # guards the property test: it would pass vacuously if features ignored the data altogether
    panel, conflicts = _panel(1), _conflicts(1)
    changed = panel.copy()
    changed.loc[changed["year"] == 2000, "demspaces.v2x_veracc_osp"] += 0.5
    a = _features(panel, conflicts)
    b = _features(changed, conflicts)
    at = a["year"] == 2000
    assert not a.loc[at, "space.v2x_veracc_osp.d1"].equals(b.loc[at, "space.v2x_veracc_osp.d1"])
    assert not a.loc[at, "nbr.v2x_veracc_osp"].equals(b.loc[at, "nbr.v2x_veracc_osp"])
