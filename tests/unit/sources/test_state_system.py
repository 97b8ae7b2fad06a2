"""State-system lists: spells, COW date assembly, validation and the system_years rule."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import state_system

Writer = Callable[[str, str], Path]

GW = (
    "gwcode,stateabb,statename,startdate,enddate\n"
    "2,USA,United States of America,1816-01-01,2017-12-31\n"
    "41,HAI,Haiti,1816-01-01,1915-07-04\n"
    "41,HAI,Haiti,1934-08-15,2017-12-31\n"
)
COW = (
    "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    "GMY,255,Germany,1816,1,1,1945,5,8,2016\n"
    "GMY,255,Germany,1990,10,3,2016,12,31,2016\n"
)


def test_gw_parser_keeps_every_spell(write_file: Writer) -> None:
    (table,) = state_system.parse("gw", write_file("gw.csv", GW))
    assert table.table == "gw_states"
    assert table.country_keys["gwcode"] == "gwcode"
    haiti = table.frame[table.frame["gwcode"] == 41]
    assert list(haiti["start_date"]) == ["1816-01-01", "1934-08-15"]


def test_cow_parser_assembles_iso_dates(write_file: Writer) -> None:
    (table,) = state_system.parse("cow", write_file("cow.csv", COW))
    assert table.table == "cow_states"
    assert table.country_keys["cowcode"] == "cowcode"
    assert list(table.frame["start_date"]) == ["1816-01-01", "1990-10-03"]
    assert list(table.frame["end_date"]) == ["1945-05-08", "2016-12-31"]


def test_impossible_cow_date_names_row_and_columns(write_file: Writer) -> None:
    path = write_file("cow.csv", COW.replace("1990,10,3", "1990,2,30"))
    with pytest.raises(DataFileError, match="not an ISO date") as info:
        state_system.parse("cow", path)
    assert info.value.row == 3
    assert info.value.column == "styear/stmonth/stday"
    assert "cow.csv" in str(info.value)


def test_month_out_of_range_is_refused(write_file: Writer) -> None:
    path = write_file("cow.csv", COW.replace("1945,5,8", "1945,13,8"))
    refused(state_system.parse, "cow", path, at=(2, "endmonth"))


def test_spell_ending_before_it_starts_is_refused(write_file: Writer) -> None:
    path = write_file("gw.csv", GW.replace("1934-08-15,2017-12-31", "1934-08-15,1930-01-01"))
    with pytest.raises(DataFileError, match="before it starts") as info:
        state_system.parse("gw", path)
    assert info.value.row == 4


def test_missing_column_names_file_and_column(write_file: Writer) -> None:
    path = write_file("gw.csv", GW.replace("enddate", "end"))
    refused(state_system.parse, "gw", path, at=(1, "enddate"))


def test_system_years_counts_any_part_of_a_year(write_file: Writer) -> None:
    (table,) = state_system.parse("gw", write_file("gw.csv", GW))
    years = state_system.system_years(table.frame, 1914, 1936)
    haiti = list(years.loc[years["gwcode"] == 41, "year"])
    # Haiti leaves in July 1915 and re-enters in August 1934: both years count.
    assert haiti == [1914, 1915, 1934, 1935, 1936]
    assert list(years.columns) == ["gwcode", "year"]
    assert not years.duplicated().any()


def test_system_years_stop_at_the_list_end_unless_extended(write_file: Writer) -> None:
    (table,) = state_system.parse("gw", write_file("gw.csv", GW))
    plain = state_system.system_years(table.frame, 2016, 2020)
    assert sorted(plain.loc[plain["gwcode"] == 2, "year"]) == [2016, 2017]
    extended = state_system.system_years(table.frame, 2016, 2020, extend_open_spells=True)
    assert sorted(extended.loc[extended["gwcode"] == 2, "year"]) == [2016, 2017, 2018, 2019, 2020]


def test_system_years_refuses_reversed_range(write_file: Writer) -> None:
    (table,) = state_system.parse("gw", write_file("gw.csv", GW))
    with pytest.raises(ValueError, match="after"):
        state_system.system_years(table.frame, 2000, 1990)


@pytest.mark.integration
def test_mirror_gw_list_has_216_spells(mirror: Path) -> None:
    (table,) = state_system.parse("gw", mirror / "state_system/gw_states_gleditsch_ward.csv")
    assert len(table.frame) == 216
    haiti = table.frame[table.frame["gwcode"] == 41]  # grep: two spells, split 1915-1934
    assert list(haiti["end_date"]) == ["1915-07-04", "2017-12-31"]
    years = state_system.system_years(table.frame, 1990, 2017)
    assert 41 in set(years.loc[years["year"] == 2017, "gwcode"])


@pytest.mark.integration
def test_mirror_cow_list_has_243_spells(mirror: Path) -> None:
    (table,) = state_system.parse("cow", mirror / "state_system/cow_states_v2016.csv")
    assert len(table.frame) == 243
    germany = table.frame[table.frame["cowcode"] == 255]  # grep: GMY 1816-1945 and 1990-
    assert list(germany["start_date"]) == ["1816-01-01", "1990-10-03"]
