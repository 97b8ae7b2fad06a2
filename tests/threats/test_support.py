"""The support audit's building blocks: year shares, concentration, ranking and sensitivity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.errors import QueryError
from stabilis.threats import support as sup


def _spells(rows):
    frame = pd.DataFrame(rows, columns=["iso3", "programme_code", "milestone", "start", "end"])
    frame["start_first"] = pd.to_datetime(frame["start"])
    frame["end_last"] = pd.to_datetime(frame["end"])
    return frame


def test_a_programme_starting_in_november_counts_two_months():
    spells = _spells([("GEO", "IPAP", "first IPAP", "2019-11-01", None)])
    ops = pd.DataFrame(columns=["iso3", "start_first", "end_last"])
    out = sup.support_intensity(spells, ops, ["GEO"], 2019).set_index("iso3")
    assert out.loc["GEO", "reform"] == pytest.approx(61 / 365)
    assert out.loc["GEO", "membership"] == 0.0


def test_undated_and_not_granted_rows_are_not_support():
    spells = _spells(
        [
            ("UKR", "MAP", "MAP requested, not granted", "2008-01-01", None),
            ("UKR", "DEEP", "DEEP programme", None, None),
        ]
    )
    ops = pd.DataFrame(columns=["iso3", "start_first", "end_last"])
    out = sup.support_intensity(spells, ops, ["UKR"], 2019).set_index("iso3")
    assert out.loc["UKR", ["membership", "education"]].sum() == 0.0
    assert out.loc["UKR", "undated_programmes"] == 1


def test_overlapping_operations_count_the_covered_days_once():
    ops = pd.DataFrame(
        {
            "iso3": ["BIH", "BIH"],
            "start_first": pd.to_datetime(["1995-01-01", "1995-06-01"]),
            "end_last": pd.to_datetime(["1995-06-30", "1995-12-31"]),
        }
    )
    assert (
        sup._union_share(list(zip(ops["start_first"], ops["end_last"], strict=True)), 1995) == 1.0
    )


def test_gini_is_zero_when_support_is_proportional_to_need():
    need = np.array([0.2, 0.4, 0.6])
    _, g = sup.lorenz(need * 5, need)
    assert g == pytest.approx(0.0, abs=1e-12)
    _, g = sup.lorenz(np.array([0.0, 0.0, 1.0]), np.array([1.0, 1.0, 1.0]))
    assert g == pytest.approx(2 / 3)
    assert sup.gini(np.array([1.0, 1.0, 1.0])) == pytest.approx(0.0)


def _inputs():
    intensity = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "membership": [1.0, 0.0, 0.0, 0.0],
            "capacity": [0.0, 1.0, 0.0, 0.0],
            "reform": [1.0, 1.0, 1.0, 0.0],
            "partnership": [1.0, 1.0, 1.0, 1.0],
            "education": [0.0, 0.0, 1.0, 0.0],
            "operation": [0.0, 0.0, 0.0, 0.0],
            "undated_programmes": [0, 0, 1, 0],
        }
    )
    needs = pd.DataFrame(
        {
            "iso3": ["AAA", "BBB", "CCC", "DDD"],
            "democratic_deficit": [0.2, 0.5, 0.8, 0.9],
            "fragility": [0.3, 0.5, 0.7, np.nan],
            "conflict": [0.0, 0.5, 1.0, 0.0],
            "threat_exposure": [0.1, 0.5, np.nan, 0.2],
            "vdem.v2x_libdem": [0.8, 0.5, 0.2, 0.1],
            "wgi.pv_est": [1.0, 0.0, -1.0, np.nan],
        }
    )
    return intensity, needs


def test_audit_ranks_by_support_relative_to_need():
    intensity, needs = _inputs()
    result = sup.audit(intensity, needs, 2019)
    table = result.tidy().set_index("iso3")
    assert table["rank"].idxmin() == "AAA"  # most support, least need
    assert table["rank"].idxmax() == "DDD"
    # missing components are left out of the mean, not treated as zero
    assert table.loc["DDD", "need"] == pytest.approx((0.9 + 0.0 + 0.2) / 3)
    assert table.loc["DDD", "need_components"] == "democratic_deficit,conflict,threat_exposure"
    assert table["support_share"].sum() == pytest.approx(1.0)


def test_sensitivity_covers_the_grid_and_bounds_each_rank():
    intensity, needs = _inputs()
    result = sup.audit(intensity, needs, 2019)
    assert len(result.sensitivity) == 3**4 + 3**6
    assert result.sensitivity["spearman"].max() == pytest.approx(1.0)
    table = result.tidy()
    assert (table["rank_best"] <= table["rank"]).all()
    assert (table["rank"] <= table["rank_worst"]).all()


def test_weights_change_the_need_and_unknown_weights_are_refused():
    intensity, needs = _inputs()
    base = sup.audit(intensity, needs, 2019).tidy().set_index("iso3")["need"]
    heavy = sup.audit(intensity, needs, 2019, need_weights={"conflict": 5}).tidy()
    assert not np.allclose(base.sort_index(), heavy.set_index("iso3")["need"].sort_index())
    with pytest.raises(QueryError, match="Unknown weight"):
        sup.audit(intensity, needs, 2019, support_weights={"tanks": 1})
