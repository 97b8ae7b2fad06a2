"""Panel invariants: unique keys, and long <-> wide round-trips (property tests)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stabilis.errors import QueryError
from stabilis.panel import check_panel, to_long, to_wide

cells = st.lists(
    st.tuples(
        st.sampled_from(["DEU", "GEO", "MLT", "UKR", "XKX"]),
        st.integers(1990, 2024),
        st.sampled_from(["vdem.v2x_polyarchy", "fh.pr", "wgi.pv_est"]),
        st.floats(-10, 10, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
    unique_by=lambda c: c[:3],
)


@settings(max_examples=60, deadline=None)
@given(cells)
def test_long_wide_round_trip(rows):
    long = pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"])
    wide = to_wide(long)
    check_panel(wide)
    back = to_long(wide)
    expected = long.sort_values(["iso3", "year", "indicator"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


@settings(max_examples=30, deadline=None)
@given(cells)
def test_wide_keys_are_unique_and_sorted(rows):
    wide = to_wide(pd.DataFrame(rows, columns=["iso3", "year", "indicator", "value"]))
    assert not wide.duplicated(["iso3", "year"]).any()
    assert wide[["iso3", "year"]].equals(wide[["iso3", "year"]].sort_values(["iso3", "year"]))


def test_requested_indicator_order_is_kept_even_when_empty():
    long = pd.DataFrame({"iso3": ["GEO"], "year": [2008], "indicator": ["fh.pr"], "value": [4.0]})
    wide = to_wide(long, ["wgi.pv_est", "fh.pr"])
    assert list(wide.columns) == ["iso3", "year", "wgi.pv_est", "fh.pr"]
    assert wide["wgi.pv_est"].isna().all()


def test_duplicate_panel_rows_are_refused():
    frame = pd.DataFrame({"iso3": ["GEO", "GEO"], "year": [2008, 2008], "fh.pr": [4, 3]})
    with pytest.raises(QueryError, match="two rows for GEO 2008"):
        check_panel(frame)
    long = pd.DataFrame(
        {"iso3": ["GEO"] * 2, "year": [2008] * 2, "indicator": ["fh.pr"] * 2, "value": [4, 3]}
    )
    with pytest.raises(QueryError, match="two values"):
        to_wide(long)


def test_missing_key_column_is_refused():
    with pytest.raises(QueryError, match="missing"):
        check_panel(pd.DataFrame({"iso3": ["GEO"]}))
