"""EUvsDisinfo cases: one row per case, one row per case-country, validation, mirror facts."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import disinfo

Writer = Callable[[str, str], Path]

HEADER = "date,id,title,countries,keywords,languages,outlets\n"
ROWS = (
    "2021-02-18,https://euvsdisinfo.eu/report/german-special-services-helped-navalny/,"
    "German special services helped Navalny,Russia+Germany,Alexei Navalny+Vladimir Putin,"
    "Russian,TASS - Russian\n"
    '2021-02-17,https://euvsdisinfo.eu/report/no-country/,"A case, with no country",,'
    "Elections,English,\n"
)


def test_parser_reads_official_header(write_file: Writer) -> None:
    cases, countries = disinfo.parse("cases", write_file("posts.csv", HEADER + ROWS))
    assert cases.table == "disinfo_cases"
    assert list(cases.frame["case_id"]) == ["german-special-services-helped-navalny", "no-country"]
    assert cases.frame.loc[0, "countries"] == "Russia+Germany"
    assert cases.frame.loc[1, "title"] == "A case, with no country"
    assert countries.table == "disinfo_case_countries"
    assert countries.country_keys == {"country_name": "name"}
    assert list(countries.frame["country_name"]) == ["Russia", "Germany"]
    assert list(countries.frame["_row"]) == [2, 2]


def test_case_without_country_keeps_its_case_row(write_file: Writer) -> None:
    cases, countries = disinfo.parse("cases", write_file("posts.csv", HEADER + ROWS))
    assert "no-country" in set(cases.frame["case_id"])
    assert "no-country" not in set(countries.frame["case_id"])


def test_repeated_country_in_one_case_is_one_mention(write_file: Writer) -> None:
    row = "2020-01-01,https://euvsdisinfo.eu/report/x/,X,Russia+Russia+ Ukraine,,,\n"
    _, countries = disinfo.parse("cases", write_file("posts.csv", HEADER + row))
    assert list(countries.frame["country_name"]) == ["Russia", "Ukraine"]


def test_url_of_another_shape_is_kept_whole(write_file: Writer) -> None:
    row = "2020-01-01,https://example.org/case?id=7,X,Russia,,,\n"
    cases, _ = disinfo.parse("cases", write_file("posts.csv", HEADER + row))
    assert cases.frame.loc[0, "case_id"] == "https://example.org/case?id=7"


def test_duplicate_case_id_is_refused(write_file: Writer) -> None:
    first = ROWS.splitlines(keepends=True)[0]
    with pytest.raises(DataFileError, match="same key") as info:
        disinfo.parse("cases", write_file("posts.csv", HEADER + first + first))
    assert info.value.row == 2


def test_bad_date_names_file_row_and_column(write_file: Writer) -> None:
    bad = ROWS.replace("2021-02-17", "17/02/2021")
    with pytest.raises(DataFileError, match="ISO date") as info:
        disinfo.parse("cases", write_file("posts.csv", HEADER + bad))
    assert (info.value.row, info.value.column) == (3, "date")
    assert "posts.csv" in str(info.value)


def test_missing_column_names_file_and_column(write_file: Writer) -> None:
    path = write_file("posts.csv", HEADER.replace("countries", "country") + ROWS)
    refused(disinfo.parse, "cases", path, at=(1, "countries"))


@pytest.mark.integration
def test_mirror_case_list(mirror: Path) -> None:
    path = mirror / "disinfo/euvsdisinfo_cases_2015_2021.csv"
    cases, countries = disinfo.parse("cases", path)
    assert len(cases.frame) == 10892
    # Counted with the csv module: one country row per '+'-separated name.
    with path.open(encoding="utf-8", newline="") as handle:
        expected = sum(
            len(r["countries"].split("+")) for r in csv.DictReader(handle) if r["countries"]
        )
    assert len(countries.frame) == expected
    navalny = countries.frame[
        countries.frame["case_id"] == "german-special-services-helped-navalny"
    ]
    assert list(navalny["country_name"]) == ["Russia", "Germany"]


def test_case_without_id_names_file_row_and_column(write_file: Writer) -> None:
    row = "2020-01-01,,A title,Russia,,,\n"
    refused(
        disinfo.parse,
        "cases",
        write_file("posts.csv", HEADER + ROWS + row),
        match="empty",
        at=(4, "id"),
    )
