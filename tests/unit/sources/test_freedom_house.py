"""Freedom House parser: democracyData's CSVs and FH's own All_data workbook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import freedom_house

RATINGS_HEADER = (
    "fh_country,year,pr,cl,status,fh_total,fh_total_reversed,extended_country_name,GWn,cown,"
    "in_GW_system"
)
RATINGS = f"""{RATINGS_HEADER}
Afghanistan,1972,4,5,PF,9,5,Afghanistan,700,700,True
Afghanistan,1973,7,6,NF,13,1,Afghanistan,700,700,True
Finland,2024,1,1,F,2,12,Finland,375,375,True
Hong Kong,2020,5,3,PF,8,6,Hong Kong,,,False
"""

ITEMS = [
    "A1", "A2", "A3", "A", "B1", "B2", "B3", "B4", "B", "C1", "C2", "C3", "C", "AddQ", "AddA",
    "pr_full", "D1", "D2", "D3", "D4", "D", "E1", "E2", "E3", "E", "F1", "F2", "F3", "F4", "F",
    "G1", "G2", "G3", "G4", "G", "cl_full", "total",
]  # fmt: skip
SUBSCORES_HEADER = (
    "fh_full_country,region,country_or_territory,edition,year,status,pr,cl,"
    + ",".join(ITEMS)
    + ",extended_country_name,GWn,cown,in_GW_system"
)
ABKHAZIA = (
    "2.0,2.0,1.0,5.0,2.0,3.0,2.0,1.0,8.0,1.0,1.0,2.0,4.0,0.0,N/A,17.0,2.0,2.0,1.0,3.0,8.0,3.0,"
    "1.0,1.0,5.0,1.0,1.0,1.0,1.0,4.0,1.0,1.0,2.0,1.0,5.0,22.0,39.0"
)
SOUTH_SUDAN = (
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,0.0,1.0,4.0,N/A,-3.0,0.0,0.0,0.0,0.0,0.0,0.0,"
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,1.0,1.0,1.0,4.0,4.0,1.0"
)
SAUDI_2012 = (
    "0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,1.0,0.0,1.0,0.0,2,3.0,0.0,1.0,1.0,0.0,2.0,0.0,"
    "0.0,0.0,0.0,1.0,1.0,1.0,0.0,3.0,1.0,2.0,0.0,1.0,4.0,9.0,12.0"
)
SUBSCORES = f"""{SUBSCORES_HEADER}
Abkhazia,Eurasia,t,2025,2024,PF,5.0,5.0,{ABKHAZIA},Abkhazia,396,,True
South Sudan,Africa,c,2025,2024,NF,7.0,7.0,{SOUTH_SUDAN},South Sudan,626,626,True
Saudi Arabia,Middle East,c,2013,2012,NF,7.0,7.0,{SAUDI_2012},Saudi Arabia,670,670,True
"""

WORKBOOK_HEADER = [
    "Country/Territory", "Region", "C/T", "Edition", "Status", "PR rating", "CL rating",
    "A1", "A2", "A3", "A", "B1", "B2", "B3", "B4", "B", "C1", "C2", "C3", "C", "Add Q",
    "Add A", "PR", "D1", "D2", "D3", "D4", "D", "E1", "E2", "E3", "E", "F1", "F2", "F3", "F4",
    "F", "G1", "G2", "G3", "G4", "G", "CL", "Total",
]  # fmt: skip


def _numbers(text: str) -> list[object]:
    return [v if v == "N/A" else float(v) for v in text.split(",")]


def _workbook(path: Path, header: list[str] = WORKBOOK_HEADER) -> Path:
    """A small copy of FH's All_data workbook: notes sheet, then title row + header row."""
    book = openpyxl.Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "Notes"
    notes["A1"] = "Freedom in the World 2013-2024 aggregate and subcategory scores"
    sheet = book.create_sheet("FIW13-24")
    sheet.append(["Freedom in the World 2013-2024 Aggregate and Subcategory Scores"])
    sheet.append(header)
    sheet.append(["Abkhazia", "Eurasia", "t", 2024, "PF", 5, 5, *_numbers(ABKHAZIA)])
    sheet.append(["South Sudan", "Africa", "c", 2024, "NF", 7, 7, *_numbers(SOUTH_SUDAN)])
    sheet.append(["Saudi Arabia", "Middle East", "c", 2013, "NF", 7, 7, *_numbers(SAUDI_2012)])
    book.save(path)
    return path


def test_parser_reads_ratings_with_codes_and_status(write_file: Callable[[str, str], Path]) -> None:
    [table] = freedom_house.parse("ratings", write_file("fh.csv", RATINGS))
    frame = table.frame
    assert table.table == "indicators"
    assert list(frame["_row"]) == [2, 3, 4, 5]
    assert table.country_keys == {"gwcode": "gwcode", "cowcode": "cowcode", "fh_country": "name"}
    finland = frame[frame["fh_country"] == "Finland"].iloc[0]
    assert (finland["pr"], finland["cl"], finland["pr_cl_sum"]) == (1, 1, 2)
    assert finland["pr_cl_sum_reversed"] == 12
    assert list(frame["status_code"]) == [1, 0, 2, 1]
    assert frame["gwcode"].isna().sum() == 1  # Hong Kong has no G&W code but is kept
    codes = {spec.code for spec in table.indicators}
    assert codes == {"fh.pr", "fh.cl", "fh.pr_cl_sum", "fh.pr_cl_sum_reversed", "fh.status"}


def test_subscores_csv_keeps_negative_pr_scores_and_na(
    write_file: Callable[[str, str], Path],
) -> None:
    [table] = freedom_house.parse("subscores", write_file("sub.csv", SUBSCORES))
    frame = table.frame.set_index("fh_full_country")
    assert frame.loc["South Sudan", "pr_full"] == -3
    assert frame.loc["South Sudan", "total"] == 1
    assert frame.loc["Saudi Arabia", "AddA"] == 2
    assert frame["AddA"].isna().sum() == 2  # "N/A" is missing
    assert frame.loc["Saudi Arabia", "year"] == 2012
    assert frame.loc["Abkhazia", "country_or_territory"] == "t"
    codes = {spec.code for spec in table.indicators}
    assert {"fh.A1", "fh.G4", "fh.A", "fh.pr_full", "fh.cl_full", "fh.total"} <= codes
    assert len(codes) == len(table.indicators)


def test_official_workbook_maps_to_the_same_columns(
    tmp_path: Path, write_file: Callable[[str, str], Path]
) -> None:
    [from_xlsx] = freedom_house.parse("subscores", _workbook(tmp_path / "fiw.xlsx"))
    [from_csv] = freedom_house.parse("subscores", write_file("sub.csv", SUBSCORES))
    xlsx = from_xlsx.frame.set_index("fh_full_country")
    csv = from_csv.frame.set_index("fh_full_country")
    # Edition 2024 -> year under review 2023; the workbook's rows are worksheet rows 3-5.
    assert xlsx.loc["Abkhazia", "year"] == 2023
    assert xlsx.loc["Saudi Arabia", "year"] == 2012
    assert list(from_xlsx.frame["_row"]) == [3, 4, 5]
    assert from_xlsx.country_keys == {"fh_full_country": "name"}
    for spec in from_xlsx.indicators:
        assert xlsx[spec.column].equals(csv[spec.column]), spec.column


def test_workbook_with_unspaced_add_columns_is_read(tmp_path: Path) -> None:
    header = [{"Add Q": "AddQ", "Add A": "AddA"}.get(c, c) for c in WORKBOOK_HEADER]
    [table] = freedom_house.parse("subscores", _workbook(tmp_path / "fiw.xlsx", header))
    assert table.frame["AddQ"].tolist() == [0, 4, 0]


def test_workbook_missing_column_names_file_row_and_column(tmp_path: Path) -> None:
    header = ["Electoral" if c == "A1" else c for c in WORKBOOK_HEADER]
    path = _workbook(tmp_path / "fiw.xlsx", header)
    with pytest.raises(DataFileError) as info:
        freedom_house.parse("subscores", path)
    assert info.value.column == "A1"
    assert info.value.row == 2
    assert "fiw.xlsx" in str(info.value)


def test_out_of_range_rating_names_file_row_and_column(
    write_file: Callable[[str, str], Path],
) -> None:
    path = write_file("fh.csv", RATINGS.replace("Finland,2024,1,1", "Finland,2024,8,1"))
    refused(freedom_house.parse, "ratings", path, at=(4, "pr"))


def test_unknown_status_is_refused(write_file: Callable[[str, str], Path]) -> None:
    path = write_file("fh.csv", RATINGS.replace(",NF,13,", ",Not Free,13,"))
    refused(
        freedom_house.parse, "ratings", path, match="not a Freedom House status", at=(3, "status")
    )


def test_duplicate_country_year_is_refused(write_file: Callable[[str, str], Path]) -> None:
    extra = "Finland,2024,1,2,F,3,11,Finland,375,375,True\n"
    with pytest.raises(DataFileError, match="same key"):
        freedom_house.parse("ratings", write_file("fh.csv", RATINGS + extra))


def test_non_numeric_subscore_names_the_item(write_file: Callable[[str, str], Path]) -> None:
    text = SUBSCORES.replace(
        "Abkhazia,Eurasia,t,2025,2024,PF,5.0,5.0,2.0", "Abkhazia,Eurasia,t,2025,2024,PF,5.0,5.0,two"
    )
    refused(freedom_house.parse, "subscores", write_file("sub.csv", text), at=(2, "A1"))


def test_renamed_csv_column_is_reported(write_file: Callable[[str, str], Path]) -> None:
    text = RATINGS.replace("fh_total_reversed", "fh_total_rev", 1)
    with pytest.raises(DataFileError) as info:
        freedom_house.parse("ratings", write_file("fh.csv", text))
    assert info.value.column == "fh_total_reversed"


@pytest.mark.integration
def test_mirror_ratings_hold_finland_2024(mirror: Path) -> None:
    [table] = freedom_house.parse(
        "ratings", mirror / freedom_house.SPEC.file("ratings").mirror_path
    )
    frame = table.frame
    assert len(frame) == 9965
    finland = frame[(frame["fh_country"] == "Finland") & (frame["year"] == 2024)].iloc[0]
    assert (finland["pr"], finland["cl"], finland["status"], finland["_row"]) == (1, 1, "F", 2932)
    hong_kong = frame[(frame["fh_country"] == "Hong Kong") & (frame["year"] == 2020)].iloc[0]
    assert (hong_kong["pr"], hong_kong["cl"]) == (5, 3)


@pytest.mark.integration
def test_mirror_subscores_hold_south_sudan_2024(mirror: Path) -> None:
    path = mirror / freedom_house.SPEC.file("subscores").mirror_path
    [table] = freedom_house.parse("subscores", path)
    frame = table.frame
    assert len(frame) == 2723
    row = frame[(frame["fh_full_country"] == "South Sudan") & (frame["year"] == 2024)].iloc[0]
    assert (row["pr_full"], row["total"], row["_row"]) == (-3, 1, 169)
