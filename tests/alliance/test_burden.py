"""Burden sharing on simulated NATO and SIPRI rows (a known truth: the figures are made up)."""

from __future__ import annotations

import pandas as pd
import pytest

from stabilis.alliance.burden import MEASURES, burden_sharing
from stabilis.errors import QueryError


def _nato(rows):
    """NATO table cells: (iso3, table, section, year, value, estimate)."""
    return pd.DataFrame(rows, columns=["iso3", "table", "section", "year", "value", "estimate"])


GDP, EQUIP = ("TABLE3", "Share of real GDP (%)"), ("TABLE8a", "Equipment (a)")
NATO = _nato(
    [
        ("AAA", *GDP, 2024, 2.5, True),
        ("AAA", *EQUIP, 2024, 25.0, True),
        ("BBB", *GDP, 2024, 1.5, True),
        ("BBB", *EQUIP, 2024, 10.0, True),
        ("AAA", *GDP, 2014, 2.0, False),
    ]
)
SIPRI = pd.DataFrame(
    {
        "iso3": ["AAA", "BBB"],
        "measure": "share_of_gdp",
        "year": 2024,
        "value": [0.024, 0.019],  # fractions in the file
        "estimate": [False, True],
        "highly_uncertain": [False, True],
    }
)


def _burden():
    names = {"AAA": "Aland", "BBB": "Borduria", "CCC": "Carpania"}
    return burden_sharing(NATO, SIPRI, ["AAA", "BBB", "CCC"], 2024, names)


def test_tidy_is_one_row_per_member_and_measure_with_its_flags():
    result = _burden()
    tidy = result.tidy()
    keys = ["iso3", "country", "year", "measure"]
    assert list(tidy.columns) == [*keys, "value", "estimate", "uncertain", "unit", "source"]
    assert not tidy.duplicated(keys).any() and len(tidy) == 3 * len(MEASURES)
    row = tidy.set_index(["iso3", "measure"])
    assert row.loc[("AAA", "defexp_share_gdp"), "value"] == pytest.approx(2.5)
    assert row.loc[("AAA", "defexp_share_gdp"), "estimate"]  # NATO's 2024 figures are estimates
    assert row.loc[("BBB", "sipri_share_gdp"), "value"] == pytest.approx(1.9)
    assert row.loc[("BBB", "sipri_share_gdp"), "uncertain"]
    assert pd.isna(row.loc[("AAA", "equipment_share"), "uncertain"])  # NATO flags no uncertainty
    assert row.loc[("BBB", "gap_to_2_percent_pp"), "value"] == pytest.approx(0.5)
    assert row.loc[("AAA", "nato_minus_sipri_pp"), "value"] == pytest.approx(0.1)
    # a member absent from NATO's tables keeps its rows, with no value and no estimate flag
    absent = tidy[tidy["iso3"] == "CCC"]
    assert absent["value"].isna().all() and absent["estimate"].isna().all()
    assert row.loc[("AAA", "equipment_share"), "unit"] == "% of defence expenditure"


def test_the_table_keeps_one_row_per_member_with_the_guidelines():
    table = _burden().table().set_index("iso3")
    assert table.loc["AAA", "meets_2_percent"] and not table.loc["BBB", "meets_2_percent"]
    assert table.loc["CCC", "status"] == "not in NATO's tables"
    assert bool(table.loc["BBB", "differs"])  # 1.5 against 1.9: more than 0.2 points


def test_a_year_outside_natos_tables_is_refused():
    with pytest.raises(QueryError, match="2014-2024"):
        burden_sharing(NATO, SIPRI, ["AAA"], 2010, {})
