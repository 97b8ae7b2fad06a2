"""The support audit: resource components, year shares, concentration, ranking, sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.alliance import support as sup
from stabilis.errors import QueryError


def _spells(rows):
    frame = pd.DataFrame(rows, columns=["iso3", "programme_code", "milestone", "start", "end"])
    frame["start_first"] = pd.to_datetime(frame["start"])
    frame["end_last"] = pd.to_datetime(frame["end"])
    return frame


def test_a_programme_starting_in_november_counts_two_months():
    spells = _spells([("GEO", "IPAP", "first IPAP", "2019-11-01", None)])
    out = sup.programme_participation(spells, ["GEO"], 2019).set_index("iso3")
    assert out.loc["GEO", "reform"] == pytest.approx(61 / 365)
    assert out.loc["GEO", "programme_participation"] == pytest.approx(2 * 61 / 365)
    assert out.loc["GEO", "membership"] == 0.0


def test_undated_and_not_granted_rows_are_not_support():
    spells = _spells(
        [
            ("UKR", "MAP", "MAP requested, not granted", "2008-01-01", None),
            ("UKR", "DEEP", "DEEP programme", None, None),
        ]
    )
    out = sup.programme_participation(spells, ["UKR"], 2019).set_index("iso3")
    assert out.loc["UKR", "programme_participation"] == 0.0
    assert out.loc["UKR", "undated_programmes"] == 1


def test_personnel_anchors_read_dated_strengths_from_the_note():
    note = (
        "about 50,000 from 30 countries at launch (Polish MoD); just under 6,000 from 29 nations "
        "in 2013 (JFC Naples); well over 4,500 from 27 Allies and partners in October 2023"
    )
    anchors = sup.personnel_anchors(note, 1999, 50000)
    assert anchors == {1999: 50000.0, 2013: 6000.0, 2023: 4500.0}
    assert sup._interpolate(anchors, 2018) == pytest.approx(6000 - 1500 * 5 / 10)
    # a peak "at its height" with no date: no anchors, so the troop profile is used
    assert sup.personnel_anchors("more than 130,000 at its height", 2003, 130000) == {}
    # a note dating only later figures gets the peak at the start
    assert sup.personnel_anchors("about 170 in August 2010", 2004, 300) == {
        2004: 300.0,
        2010: 170.0,
    }


def test_operation_personnel_follows_the_us_profile_without_dated_strengths():
    ops = pd.DataFrame(
        {
            "iso3": ["AFG"],
            "operation_code": ["ISAF"],
            "start_first": pd.to_datetime(["2003-01-01"]),
            "end_last": pd.to_datetime(["2014-12-31"]),
            "peak_personnel": ["100000"],
            "personnel_note": ["100,000 at its height"],
        }
    )
    troops = pd.DataFrame(
        {"iso3": "AFG", "year": [2004, 2010, 2011], "troops": [10.0, 80.0, 100.0]}
    )
    out = sup.operation_personnel(ops, troops, ["AFG", "GEO"], 2010).set_index("iso3")
    assert out.loc["AFG", "operation_personnel"] == pytest.approx(80000.0)
    assert "US-troop profile" in out.loc["AFG", "personnel_basis"]
    assert out.loc["GEO", "operation_personnel"] == 0.0


def test_gini_is_zero_when_support_is_proportional_to_need():
    need = np.array([0.2, 0.4, 0.6])
    _, g = sup.lorenz(need * 5, need)
    assert g == pytest.approx(0.0, abs=1e-12)
    _, g = sup.lorenz(np.array([0.0, 0.0, 1.0]), np.array([1.0, 1.0, 1.0]))
    assert g == pytest.approx(2 / 3)
    assert sup.gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)


def test_threat_exposure_is_missing_outside_dcid_dyads_and_coverage():
    cyber = pd.DataFrame({"iso3": ["UKR", "UKR"], "year": [2014, 2020], "operations": [5, 1]})
    disinfo = pd.DataFrame({"iso3": ["UKR", "GEO"], "year": [2016, 2016], "cases": [100, 10]})
    out = sup.threat_exposure(cyber, disinfo, {"UKR"}, 2016, ["UKR", "GEO", "EGY"]).set_index(
        "iso3"
    )
    assert out.loc["UKR", "threat_exposure"] == pytest.approx(1.0)
    assert out.loc["GEO", "exposure_sources"] == "euvsdisinfo"  # not in a DCID dyad
    assert out.loc["EGY", "threat_exposure"] == 0.0  # covered by EUvsDisinfo: no cases
    early = sup.threat_exposure(cyber, disinfo, {"UKR"}, 2014, ["UKR", "EGY"]).set_index("iso3")
    assert np.isnan(early.loc["EGY", "threat_exposure"])  # neither source covers EGY in 2014


def _inputs() -> tuple[sup.SupportInputs, list[str]]:
    codes = ["AAA", "BBB", "CCC", "DDD"]
    programmes = _spells(
        [
            ("BBB", "IPAP", "IPAP", "2000-01-01", None),
            ("CCC", "DEEP", "DEEP", "2000-01-01", None),
        ]
    ).assign(amount=[None, None], amount_unit=[None, None])
    operations = pd.DataFrame(
        {
            "iso3": ["AAA"],
            "operation_code": ["OP"],
            "start_first": pd.to_datetime(["2005-01-01"]),
            "end_last": pd.NaT,
            "peak_personnel": ["1000"],
            "personnel_note": [""],
        }
    )
    troops = pd.DataFrame({"iso3": codes, "year": 2010, "troops": [500.0, 0.0, 100.0, 0.0]})
    exercises = pd.DataFrame(
        {"iso3": ["BBB", "BBB", "CCC"], "year": 2010, "mme_id": ["m1", "m2", "m1"]}
    )
    assistance = pd.DataFrame({"iso3": codes, "year": 2010, "usd_m": [100.0, 50.0, 25.0, 0.0]})
    need_panel = pd.DataFrame(
        {
            "iso3": codes,
            "year": 2010,
            "vdem.v2x_libdem": [0.2, 0.5, 0.8, 0.1],
            "wgi.pv_est": [-1.0, 0.0, 1.0, np.nan],
        }
    )
    conflicts = pd.DataFrame({"iso3": ["AAA"], "year": [2010], "intensity_level": [2]})
    exposure = pd.DataFrame(
        {"iso3": codes, "year": 2010, "threat_exposure": [0.5, 0.2, np.nan, 0.1]}
    )
    inputs = sup.SupportInputs(
        programmes=programmes,
        operations=operations,
        troops=troops,
        exercises=exercises,
        assistance=assistance,
        need_panel=need_panel,
        conflicts=conflicts,
        exposure=exposure,
        coverage_years={"exercises": (1980, 2010), "allied_troops": (1950, 2024)},
    )
    return inputs, codes


def test_audit_shows_every_component_and_states_its_coverage():
    inputs, codes = _inputs()
    result = sup.audit(inputs, codes, 2010)
    table = result.table().set_index("iso3")
    assert table.loc["AAA", "operation_personnel"] == pytest.approx(
        1000.0
    )  # peak: no US profile range
    assert table.loc["BBB", "exercises"] == 2
    assert table["support"].sum() == pytest.approx(1.0)
    assert table.loc["BBB", "why"].startswith(f"rank {table.loc['BBB', 'rank']:.0f} of 4")
    assert result.coverage["programme_amounts"] == "no recipient has any in 2010"
    assert "programme_amounts" not in result.components_used
    # missing need components are left out of the mean, not treated as zero
    assert table.loc["DDD", "need"] == pytest.approx((0.9 + 0.0 + 0.1) / 3)
    _, later = sup.resource_components(inputs, codes, 2011)
    assert later["exercises"].startswith("not covered")


def test_sensitivity_covers_the_grid_and_every_left_out_component():
    inputs, codes = _inputs()
    result = sup.audit(inputs, codes, 2010)
    k = len(result.components_used)
    kinds = result.sensitivity["varied"].value_counts()
    assert kinds["need weights"] == 3**4 and kinds["support weights"] == 3**k
    assert kinds["leave out"] == k + 4
    assert set(result.leave_one_out.columns) >= {f"without {c}" for c in result.components_used}
    table = result.table()
    assert (table["rank_best"] <= table["rank"]).all()
    assert (table["rank"] <= table["rank_worst"]).all()
    low, high = result.meta()["gini_range"]
    assert low <= result.gini_relative <= high


def test_weights_change_the_ranking_and_bad_weights_are_refused():
    inputs, codes = _inputs()
    base = sup.audit(inputs, codes, 2010).table().set_index("iso3")["support"]
    heavy = (
        sup.audit(inputs, codes, 2010, support_weights={"exercises": 10}).table().set_index("iso3")
    )
    assert heavy.loc["BBB", "support"] > base.loc["BBB"]
    with pytest.raises(QueryError, match="Unknown weight"):
        sup.audit(inputs, codes, 2010, support_weights={"tanks": 1})
    with pytest.raises(QueryError, match="negative"):
        sup.audit(inputs, codes, 2010, need_weights={"conflict": -1})


def test_tidy_is_one_row_per_recipient_and_measure_and_pivots_back_to_the_table():
    inputs, codes = _inputs()
    result = sup.audit(inputs, codes, 2010)
    tidy, table = result.tidy(), result.table()
    assert list(tidy.columns) == ["iso3", "year", "measure", "value", "unit"]
    assert not tidy.duplicated(["iso3", "year", "measure"]).any()
    assert set(tidy["year"]) == {2010} and tidy["unit"].notna().all()
    # every number of the table, and only the text notes stay behind
    wide = tidy.pivot(index="iso3", columns="measure", values="value")
    numbers = table.set_index("iso3")[list(wide.columns)].astype(float)
    pd.testing.assert_frame_equal(wide.loc[numbers.index], numbers, check_names=False)
    left = set(table.columns) - set(wide.columns) - {"iso3"}
    assert left == {"operations", "personnel_basis", "need_components", "why"}
    # ranked order: the first recipient of the long frame is rank 1
    assert tidy.loc[0, "iso3"] == table.loc[table["rank"].idxmin(), "iso3"]
