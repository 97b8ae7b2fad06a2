"""Fragile States Index parser: the stacked CSV and an official yearly workbook."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import fsi

HEADER = [
    "Country", "Year", "Rank", "Total", "C1: Security Apparatus", "C2: Factionalized Elites",
    "C3: Group Grievance", "E1: Economy", "E2: Economic Inequality",
    "E3: Human Flight and Brain Drain", "P1: State Legitimacy", "P2: Public Services",
    "P3: Human Rights", "S1: Demographic Pressures", "S2: Refugees and IDPs",
    "X1: External Intervention",
]  # fmt: skip
YEMEN = "Yemen,2021,1st,111.7,9.4,10.0,9.4,9.8,7.7,6.7,9.9,9.8,9.7,9.8,9.8,9.7"
SOMALIA = "Somalia,2021,2nd,110.9,9.3,10.0,8.3,9.2,9.5,8.8,9.2,9.8,8.7,10.0,9.2,8.9"
FINLAND = "Finland,2023,177th,16.0,2.0,1.4,0.3,2.7,1.6,1.5,0.4,1.0,0.5,1.7,1.9,1.0"
TEXT = ",".join(HEADER) + f"\n{YEMEN}\n{SOMALIA}\n{FINLAND}\n"


def test_parser_reads_official_header_and_ranks(write_file: Callable[[str, str], Path]) -> None:
    [table] = fsi.parse("scores", write_file("fsi.csv", TEXT))
    frame = table.frame.set_index("country")
    assert table.country_keys == {"country": "name"}
    assert list(frame["rank"]) == [1, 2, 177]
    assert frame.loc["Yemen", "total"] == pytest.approx(111.7)
    assert frame.loc["Finland", "c3"] == pytest.approx(0.3)
    assert frame.loc["Finland", "year"] == 2023
    specs = {spec.code: spec for spec in table.indicators}
    assert set(specs) == {"fsi.total", "fsi.rank"} | {f"fsi.{c}" for c in fsi.COMPONENTS}
    assert specs["fsi.total"].higher_is_better is False
    assert specs["fsi.rank"].higher_is_better is True  # 1st = most fragile


def test_official_yearly_workbook_is_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "FSI 2006-2022"
    sheet.append(HEADER)
    # Excel downloads store the year as a date and the scores as numbers.
    sheet.append(["Yemen", datetime.datetime(2022, 1, 1), "1st", 111.7, *[9.5] * 12])
    sheet.append(["Somalia", datetime.datetime(2022, 1, 1), "2nd", 110.5, *[9.0] * 12])
    path = tmp_path / "fsi-2022-download.xlsx"
    book.save(path)
    [table] = fsi.parse("scores", path)
    assert list(table.frame["year"]) == [2022, 2022]
    assert list(table.frame["rank"]) == [1, 2]
    assert list(table.frame["_row"]) == [2, 3]
    assert table.frame["x1"].tolist() == [9.5, 9.0]


def test_bad_rank_names_file_row_and_column(write_file: Callable[[str, str], Path]) -> None:
    path = write_file("fsi.csv", TEXT.replace("2nd", "second"))
    refused(fsi.parse, "scores", path, match="not a rank", at=(3, "Rank"))


def test_indicator_above_ten_is_refused(write_file: Callable[[str, str], Path]) -> None:
    path = write_file(
        "fsi.csv", TEXT.replace("Finland,2023,177th,16.0,2.0", "Finland,2023,177th,16.0,12.0")
    )
    refused(fsi.parse, "scores", path, at=(4, "C1: Security Apparatus"))


def test_duplicate_country_year_is_refused(write_file: Callable[[str, str], Path]) -> None:
    with pytest.raises(DataFileError, match="same key"):
        fsi.parse("scores", write_file("fsi.csv", TEXT + YEMEN + "\n"))


def test_empty_country_name_is_refused(write_file: Callable[[str, str], Path]) -> None:
    refused(
        fsi.parse,
        "scores",
        write_file("fsi.csv", TEXT.replace("Somalia,", ",")),
        match="name only",
        at=(3, "Country"),
    )


def test_renamed_indicator_column_is_reported(write_file: Callable[[str, str], Path]) -> None:
    text = TEXT.replace("X1: External Intervention", "X1 External Intervention")
    with pytest.raises(DataFileError) as info:
        fsi.parse("scores", write_file("fsi.csv", text))
    assert info.value.column == "X1: External Intervention"


@pytest.mark.integration
def test_mirror_file_holds_finland_2023(mirror: Path) -> None:
    [table] = fsi.parse("scores", mirror / fsi.SPEC.file("scores").mirror_path)
    frame = table.frame
    assert len(frame) == 537
    assert frame.groupby("year").size().to_dict() == {2021: 179, 2022: 179, 2023: 179}
    finland = frame[(frame["country"] == "Finland") & (frame["year"] == 2023)].iloc[0]
    assert (finland["rank"], finland["total"], finland["_row"]) == (177, 16.0, 536)
