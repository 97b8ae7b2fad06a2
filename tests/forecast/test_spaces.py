"""The six spaces are named once (sources/demspaces.SPACES); every reader agrees with it."""

from __future__ import annotations

import pandas as pd
import pytest

from stabilis.errors import NotFoundError
from stabilis.forecast.backtest import annotate
from stabilis.forecast.labels import BASE_LABELS
from stabilis.forecast.targets import SPACES, outcomes, resolve_space
from stabilis.sources import demspaces


def test_the_forecast_spaces_are_the_barometer_list():
    assert list(SPACES) == [s.name for s in demspaces.SPACES] == [
        "electoral", "associational", "individual", "informational", "governing", "economic",
    ]  # fmt: skip
    assert all(SPACES[s.name] is s for s in demspaces.SPACES)


def test_outcomes_labels_and_indicator_specs_all_come_from_the_one_list():
    keys = [o.key for o in outcomes() if o.space is not None]
    assert keys == [f"{s.name}_{d}" for s in demspaces.SPACES for d in ("up", "down")]
    assert [i.code for i in demspaces.SPACE_INDICATORS] == [s.code for s in demspaces.SPACES]
    for space in demspaces.SPACES:
        assert BASE_LABELS[space.indicator] == f"{space.label} space ({space.gist})"


def test_the_api_rows_take_space_and_direction_from_the_domain():
    frame = annotate(pd.DataFrame({"outcome": ["governing_down", "coup_attempt"]}))
    assert frame[["space", "direction"]].values.tolist() == [
        ["governing", "down"], ["coup_attempt", "event"],
    ]  # fmt: skip


def test_an_unknown_space_lists_the_six():
    with pytest.raises(NotFoundError, match="Spaces: electoral, associational"):
        resolve_space("judicial")
