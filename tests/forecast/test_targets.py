"""The ERT-lite coder: its rules on small series, and agreement with the published lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.errors import NotFoundError, QueryError
from stabilis.forecast.targets import (
    SPACES,
    code_space_targets,
    conflict_onsets,
    ert_lite_events,
    ert_lite_known,
    event_next2,
    resolve_outcomes,
    resolve_space,
)


def test_a_single_step_above_the_cutpoint_is_an_event():
    events = ert_lite_events(np.array([0.5, 0.5, 0.5, 0.6, 0.6]), 0.05)
    assert events.tolist() == [False, False, False, True, False]


def test_an_event_known_in_its_own_year_is_what_every_next_year_value_would_give():
    """Brute force: for each year y of random series, code the full rules with many values of
    year y + 1; ``ert_lite_known`` must be 1 (or 0) exactly when all of them give an event (or
    none does), and NaN only when the value of y + 1 decides."""
    rng = np.random.default_rng(5)
    cp = 0.05
    nexts = np.linspace(-0.3, 0.3, 121)
    undecided = 0
    for _ in range(40):
        x = np.round(0.5 + np.cumsum(rng.normal(0, 0.03, 12)), 3)
        known = ert_lite_known(x, cp)
        for y in range(len(x) - 1):
            outcomes = {
                bool(ert_lite_events(np.append(x[: y + 1], x[y] + step), cp)[y]) for step in nexts
            }
            if len(outcomes) == 2:
                undecided += 1
                assert np.isnan(known[y]), (x.tolist(), y)
            else:
                assert known[y] == float(outcomes.pop()), (x.tolist(), y)
    assert undecided > 0  # the series do reach the undecided case


def test_the_first_two_years_are_never_events():
    events = ert_lite_events(np.array([0.1, 0.5, 0.5, 0.5]), 0.05)
    assert events.tolist() == [False, False, False, False]


def test_a_two_year_rise_counts_only_when_both_steps_exceed_a_tenth_of_the_cutpoint():
    # 0.04 + 0.02 = 0.06 > 0.05 over two years, both steps > 0.005: rule (b) at t and (c) at t-1
    assert ert_lite_events(np.array([0.5, 0.5, 0.5, 0.54, 0.56]), 0.05).tolist() == [
        False, False, False, True, True,
    ]  # fmt: skip
    # the same two-year rise with a flat first step is no event
    assert not ert_lite_events(np.array([0.5, 0.5, 0.5, 0.5, 0.56]), 0.05)[:4].any()
    assert not ert_lite_events(np.array([0.5, 0.5, 0.5, 0.503, 0.557]), 0.05)[3]


def test_closing_is_the_same_rule_on_the_negated_series():
    x = np.array([0.8, 0.8, 0.8, 0.7, 0.7])
    assert ert_lite_events(-x, 0.05).tolist() == [False, False, False, True, False]
    assert not ert_lite_events(x, 0.05).any()


def test_tie_rules_differ_only_on_a_step_equal_to_the_cutpoint():
    x = np.array([0.725, 0.725, 0.725, 0.775])  # 0.775 - 0.725 is 0.05000000000000004 in binary
    assert ert_lite_events(x, 0.05, "float")[3]
    assert not ert_lite_events(x, 0.05, "above")[3]
    assert ert_lite_events(x, 0.05, "at_or_above")[3]
    with pytest.raises(QueryError):
        ert_lite_events(x, 0.05, "nearest")


def _series(gwcode: int, iso3: str, years: range, values: list[float]) -> pd.DataFrame:
    frame = pd.DataFrame({"gwcode": gwcode, "iso3": iso3, "year": list(years)})
    for space in SPACES.values():
        frame[space.indicator] = values
    return frame


def test_targets_are_missing_past_the_data_and_zero_past_the_state():
    cps = {s.indicator: 0.05 for s in SPACES.values()}
    ended = _series(265, "DDR", range(2000, 2006), [0.2, 0.2, 0.2, 0.2, 0.2, 0.5])
    alive = _series(2, "USA", range(2000, 2011), [0.5] * 8 + [0.7, 0.7, 0.7])
    coded = code_space_targets(pd.concat([ended, alive]), cps, last_year=2010)
    one = coded[coded["indicator"] == "v2x_veracc_osp"].set_index(["gwcode", "year"])
    # the state ends in 2005: its last two rows are 0 even though 2005 is an opening
    assert one.loc[(265, 2005), "change"] == "up"
    assert one.loc[(265, 2004), "up_next2"] == 0
    assert one.loc[(265, 2003), "up_next2"] == 1
    # the data end in 2010: the last two rows are missing
    assert pd.isna(one.loc[(2, 2009), "up_next2"]) and pd.isna(one.loc[(2, 2010), "up_next2"])
    assert one.loc[(2, 2006), "up_next2"] == 1 and one.loc[(2, 2005), "up_next2"] == 0
    assert one.loc[(2, 2000), "change"] == "first year of independence"


def test_a_series_with_a_missing_year_is_refused():
    cps = {s.indicator: 0.05 for s in SPACES.values()}
    gap = _series(2, "USA", range(2000, 2004), [0.5] * 4)
    gap.loc[2, "year"] = 2005
    with pytest.raises(QueryError, match="skips a year"):
        code_space_targets(gap, cps)


def test_spaces_resolve_by_short_name_alias_label_and_indicator():
    assert resolve_space("electoral").indicator == "v2x_veracc_osp"
    assert resolve_space("governmental").indicator == "v2x_horacc_osp"
    assert resolve_space("Informational").indicator == "v2x_freexp_altinf"
    assert resolve_space("v2x_pubcorr").name == "economic"
    with pytest.raises(NotFoundError, match="Spaces"):
        resolve_space("judicial")
    assert len(resolve_outcomes(None)) == 15
    with pytest.raises(NotFoundError):
        resolve_outcomes(["electoral_sideways"])


def test_a_conflict_onset_needs_two_quiet_years_before_it():
    conflicts = pd.DataFrame({"iso3": ["A"] * 4 + ["B"], "year": [2000, 2001, 2004, 2006, 2003]})
    onsets = conflict_onsets(conflicts)
    assert sorted(map(tuple, onsets.to_numpy().tolist())) == [("A", 2000), ("A", 2004), ("B", 2003)]


def test_event_targets_look_two_years_ahead_and_stop_at_the_source_end():
    universe = pd.DataFrame({"iso3": ["A"] * 5, "year": [2000, 2001, 2002, 2003, 2004]})
    events = pd.DataFrame({"iso3": ["A"], "year": [2003]})
    got = event_next2(universe, events, last_year=2004)
    assert got[:3].tolist() == [0.0, 1.0, 1.0] and np.isnan(got[3:]).all()


@pytest.mark.integration
def test_coded_targets_agree_with_the_published_lists(built):
    from stabilis.forecast.service import ForecastService

    agreement = ForecastService(built).target_agreement()
    assert agreement.compared == 2 * 6 * 8796
    assert agreement.agreement >= 0.999
    # every disagreement is listed and explained as a tie at the cut-point
    assert len(agreement.disagreements) == agreement.compared - agreement.agreeing
    assert agreement.disagreements["reason"].str.startswith("tie").all()
    assert "disagree" in agreement.summary()
