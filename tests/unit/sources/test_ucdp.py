"""UCDP/PRIO conflicts and onsets: header, location explosion, ranges, duplicates, mirror facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import ucdp

Writer = Callable[[str, str], Path]

ACD_HEADER = (
    "conflict_id,location,side_a,side_a_id,side_a_2nd,side_b,side_b_id,side_b_2nd,"
    "incompatibility,territory_name,year,intensity_level,cumulative_intensity,type_of_conflict,"
    "start_date,start_prec,start_date2,start_prec2,ep_end,ep_end_date,ep_end_prec,gwno_a,"
    "gwno_a_2nd,gwno_b,gwno_b_2nd,gwno_loc,region,version\n"
)
INDIA = (
    "11342,India,Government of India,141,,GNLA,1163,,1,Garoland,2012,1,0,3,1997-05-29,1,"
    "2012-11-15,1,1,2012-12-21,,750,,,,750,3,25.1\n"
)
EGYPT_ISRAEL = (
    '11343,"Egypt, Israel",Government of Egypt,117,,Government of Israel,121,,1,Suez/Sinai,'
    '1967,2,1,2,1967-06-05,1,1967-06-05,1,1,1967-06-10,,651,,666,,"651, 666",2,25.1\n'
)
ONSETS_HEADER = "gwcode,year,sumnewconf,sumonset1,sumonset2,sumonset3,sumonset5,sumonset10\n"


def test_parser_reads_official_header_and_explodes_locations(write_file: Writer) -> None:
    path = write_file("acd.csv", ACD_HEADER + INDIA + EGYPT_ISRAEL)
    (table,) = ucdp.parse("acd", path)
    frame = table.frame
    assert table.table == "conflicts"
    assert table.country_keys == {"gwcode": "gwcode", "location": "name"}
    assert len(frame) == 3
    egypt_israel = frame[frame["conflict_id"] == 11343]
    assert list(egypt_israel["gwcode"]) == [651, 666]
    assert list(egypt_israel["n_locations"]) == [2, 2]
    assert list(egypt_israel["_row"]) == [3, 3]
    india = frame[frame["conflict_id"] == 11342].iloc[0]
    assert india["intensity_level"] == 1
    assert india["type_of_conflict"] == 3
    assert india["start_date"] == "1997-05-29"


def test_duplicate_conflict_year_is_refused(write_file: Writer) -> None:
    path = write_file("acd.csv", ACD_HEADER + INDIA + INDIA)
    with pytest.raises(DataFileError, match="same key") as info:
        ucdp.parse("acd", path)
    assert info.value.row == 2
    assert "conflict_id" in str(info.value.column)


def test_out_of_range_intensity_names_file_row_and_column(write_file: Writer) -> None:
    bad = INDIA.replace(",2012,1,0,3,", ",2012,3,0,3,")
    path = write_file("acd.csv", ACD_HEADER + EGYPT_ISRAEL + bad)
    with pytest.raises(DataFileError) as info:
        ucdp.parse("acd", path)
    assert info.value.row == 3
    assert info.value.column == "intensity_level"
    assert "acd.csv" in str(info.value)


def test_conflict_type_outside_one_to_four_is_refused(write_file: Writer) -> None:
    bad = INDIA.replace(",2012,1,0,3,", ",2012,1,0,5,")
    with pytest.raises(DataFileError) as info:
        ucdp.parse("acd", write_file("acd.csv", ACD_HEADER + bad))
    assert info.value.column == "type_of_conflict"


def test_non_iso_date_is_refused(write_file: Writer) -> None:
    bad = INDIA.replace("1997-05-29", "29-5-1997")
    refused(
        ucdp.parse,
        "acd",
        write_file("acd.csv", ACD_HEADER + bad),
        match="ISO date",
        at=(2, "start_date"),
    )


def test_bad_location_code_names_the_gwno_loc_column(write_file: Writer) -> None:
    bad = EGYPT_ISRAEL.replace('"651, 666"', '"651, x"')
    refused(ucdp.parse, "acd", write_file("acd.csv", ACD_HEADER + bad), at=(2, "gwno_loc"))


def test_missing_column_names_file_and_column(write_file: Writer) -> None:
    path = write_file("acd.csv", ACD_HEADER.replace("gwno_loc", "gwno_location") + INDIA)
    with pytest.raises(DataFileError) as info:
        ucdp.parse("acd", path)
    assert info.value.column == "gwno_loc"


def test_onsets_become_indicators_where_more_is_worse(write_file: Writer) -> None:
    path = write_file("onsets.csv", ONSETS_HEADER + "2,1950,1,1,1,1,1,1\n2,1951,0,0,0,0,0,0\n")
    (table,) = ucdp.parse("onsets", path)
    assert table.table == "indicators"
    assert {i.code for i in table.indicators} >= {"ucdp.sumnewconf", "ucdp.sumonset10"}
    assert all(i.higher_is_better is False for i in table.indicators)
    assert table.frame.loc[0, "sumonset1"] == 1


def test_negative_onset_count_is_refused(write_file: Writer) -> None:
    path = write_file("onsets.csv", ONSETS_HEADER + "2,1950,-1,1,1,1,1,1\n")
    refused(ucdp.parse, "onsets", path, at=(2, "sumnewconf"))


@pytest.mark.integration
def test_mirror_acd_has_all_conflict_years(mirror: Path) -> None:
    (table,) = ucdp.parse("acd", mirror / "ucdp/ucdp_prio_acd_v25_1.csv")
    frame = table.frame
    assert frame["_row"].nunique() == 2751  # SOURCES.md: 2,751 conflict-years
    suez = frame[(frame["conflict_id"] == 11343) & (frame["year"] == 1967)]
    assert sorted(suez["gwcode"]) == [651, 666]  # line 4 of the file: gwno_loc "651, 666"
    assert set(suez["intensity_level"]) == {2}


@pytest.mark.integration
def test_mirror_onsets_cover_1946_to_2017(mirror: Path) -> None:
    (table,) = ucdp.parse("onsets", mirror / "ucdp/ucdp_onsets_gw_1946_2017.csv")
    frame = table.frame
    assert len(frame) == 10142
    usa_1950 = frame[(frame["gwcode"] == 2) & (frame["year"] == 1950)].iloc[0]
    assert usa_1950["sumnewconf"] == 1  # awk: "2,1950,1,1,1,1,1,1"
