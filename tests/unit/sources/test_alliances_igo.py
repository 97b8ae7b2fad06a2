"""ATOP dyads and derived defence-pact indicators; COW IGO counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import alliances_igo

Writer = Callable[[str, str], Path]

ATOP_HEADER = "ccode1,ccode2,year,atop_defense,atop_offense,atop_neutral,atop_nonagg,atop_consul\n"
ATOP_ROWS = (
    "2,20,2000,1,0,0,0,1\n"
    "2,200,2000,1,0,0,0,1\n"
    "2,365,2000,0,0,0,0,1\n"
    "365,2,2000,0,0,0,0,1\n"
    "2,20,2001,1,0,0,0,1\n"
)
IGO_HEADER = "ccode,year,sum_igo_full,sum_igo_associate,sum_igo_observer,sum_igo_anytype\n"


def test_atop_parser_reads_dyads_and_declares_both_countries(write_file: Writer) -> None:
    dyads, _ = alliances_igo.parse("atop", write_file("atop.csv", ATOP_HEADER + ATOP_ROWS))
    assert dyads.table == "atop_dyads"
    assert dyads.country_keys == {"ccode1": "cowcode"}
    assert dyads.other_countries == {"partner_iso3": {"ccode2": "cowcode"}}
    assert len(dyads.frame) == 5
    assert list(dyads.frame["_row"]) == [2, 3, 4, 5, 6]


def test_defence_partners_are_counted_per_state_year(write_file: Writer) -> None:
    _, states = alliances_igo.parse("atop", write_file("atop.csv", ATOP_HEADER + ATOP_ROWS))
    assert states.table == "indicators"
    assert {i.code for i in states.indicators} == {"atop.defense_partners", "atop.any_defense"}
    frame = states.frame.set_index(["cowcode", "year"])
    assert frame.loc[(2, 2000), "defense_partners"] == 2
    assert frame.loc[(2, 2000), "any_defense"] == 1
    assert frame.loc[(2, 2001), "defense_partners"] == 1
    # Russia has a consultation pact only: present, with no defence partner.
    assert frame.loc[(365, 2000), "defense_partners"] == 0
    assert frame.loc[(365, 2000), "any_defense"] == 0
    assert frame.loc[(2, 2000), "_row"] == 2


def test_flag_other_than_zero_or_one_names_file_row_and_column(write_file: Writer) -> None:
    path = write_file("atop.csv", ATOP_HEADER + "2,20,2000,1,0,2,0,1\n")
    with pytest.raises(DataFileError) as info:
        alliances_igo.parse("atop", path)
    assert (info.value.row, info.value.column) == (2, "atop_neutral")
    assert "atop.csv" in str(info.value)


def test_duplicate_dyad_year_is_refused(write_file: Writer) -> None:
    path = write_file("atop.csv", ATOP_HEADER + "2,20,2000,1,0,0,0,1\n2,20,2000,0,0,0,0,1\n")
    with pytest.raises(DataFileError, match="same key"):
        alliances_igo.parse("atop", path)


def test_igo_counts_become_directionless_indicators(write_file: Writer) -> None:
    (table,) = alliances_igo.parse("igo", write_file("igo.csv", IGO_HEADER + "2,2014,89,0,4,93\n"))
    assert table.country_keys == {"ccode": "cowcode"}
    assert all(i.higher_is_better is None for i in table.indicators)
    assert "cowigo.sum_igo_full" in {i.code for i in table.indicators}
    assert table.frame.loc[0, "sum_igo_anytype"] == 93


def test_igo_non_number_names_file_row_and_column(write_file: Writer) -> None:
    path = write_file("igo.csv", IGO_HEADER + "2,2013,88,0,4,92\n2,2014,many,0,4,93\n")
    refused(alliances_igo.parse, "igo", path, match="not a number", at=(3, "sum_igo_full"))


@pytest.mark.integration
def test_mirror_atop_counts_us_defence_partners(mirror: Path) -> None:
    dyads, states = alliances_igo.parse(
        "atop", mirror / "alliances_igo/atop5_dyad_year_1815_2018.csv"
    )
    assert len(dyads.frame) == 273296
    frame = states.frame.set_index(["cowcode", "year"])
    # awk: 66 distinct ccode2 with ccode1 == 2, year == 2018 and atop_defense == 1.
    assert frame.loc[(2, 2018), "defense_partners"] == 66


@pytest.mark.integration
def test_mirror_igo_counts(mirror: Path) -> None:
    (table,) = alliances_igo.parse(
        "igo", mirror / "alliances_igo/cow_igo_state_year_counts_1816_2014.csv"
    )
    frame = table.frame
    assert len(frame) == 15557
    usa = frame[(frame["ccode"] == 2) & (frame["year"] == 2014)].iloc[0]
    assert usa["sum_igo_full"] == 89  # grep: "2,2014,89,0,4,93"
