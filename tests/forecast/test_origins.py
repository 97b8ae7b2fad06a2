"""Splits are frozen and refuse look-ahead; walk-forward splits never overlap their origin."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stabilis.errors import QueryError
from stabilis.forecast.origins import TimeSplit, walk_forward


def test_split_refuses_the_barometers_overlapping_training_year():
    # the Barometer trains on t-1, whose window (t, t+1) overlaps the forecast window (t+1, t+2)
    with pytest.raises(QueryError, match="Look-ahead"):
        TimeSplit(origin=2010, train_first=1970, train_last=2009)


def test_split_refuses_rows_whose_coder_reads_past_the_origin():
    TimeSplit(origin=2010, train_first=1970, train_last=2008)
    with pytest.raises(QueryError, match="observed only in 2011"):
        TimeSplit(origin=2010, train_first=1970, train_last=2008, lookahead=1)


def test_split_refuses_empty_training_years_and_is_frozen():
    with pytest.raises(QueryError, match="empty"):
        TimeSplit(origin=1971, train_first=1970, train_last=1969)
    split = TimeSplit.honest(2010, lookahead=1)
    assert (split.train_last, split.for_years) == (2007, "2011 - 2012")
    with pytest.raises(dataclasses.FrozenInstanceError):
        split.train_last = 2009  # type: ignore[misc]


def test_inner_calibration_split_is_itself_honest():
    split = TimeSplit.honest(2010, lookahead=1)
    inner = split.inner(5)
    years = np.arange(1970, 2011)
    held = years[split.holdout_mask(years, 5)]
    assert held.tolist() == [2003, 2004, 2005, 2006, 2007]
    assert inner.origin == 2003 and inner.train_last == 2000


@given(
    origin=st.integers(1980, 2030),
    horizon=st.integers(1, 4),
    lookahead=st.integers(0, 2),
    train_last=st.integers(1975, 2035),
)
def test_a_split_either_raises_or_keeps_every_target_before_the_origin(
    origin, horizon, lookahead, train_last
):
    try:
        split = TimeSplit(origin, 1970, train_last, horizon, lookahead)
    except QueryError:
        assert train_last + horizon + lookahead > origin or train_last < 1970
        return
    years = np.arange(1960, 2040)
    trained = years[split.train_mask(years)]
    assert (trained + horizon + lookahead <= origin).all()
    assert not np.intersect1d(trained, years[split.test_mask(years)]).size


@given(first=st.integers(1990, 2020), span=st.integers(0, 10), lookahead=st.integers(0, 1))
def test_walk_forward_gives_one_honest_split_per_origin(first, span, lookahead):
    splits = walk_forward(first, first + span, lookahead=lookahead)
    assert [s.origin for s in splits] == list(range(first, first + span + 1))
    assert all(s.train_last + 2 + lookahead == s.origin for s in splits)


def test_walk_forward_refuses_reversed_origins():
    with pytest.raises(QueryError, match="reversed"):
        walk_forward(2010, 2005)
