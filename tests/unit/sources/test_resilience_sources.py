"""Parsers of SOURCES.md section 24: Eurostat, INFORM, Ember, archived OWID."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import ember, eurostat_energy, inform, owid_archive

EUROSTAT = (
    "dataset,freq,siec,partner,unit,geo,year,value,flag,raw\n"
    "nrg_ind_id,A,TOTAL,,PC,EL,2022,80.5,,80.5\n"
    "nrg_ind_id,A,G3000,,PC,NO,2022,-1122.0,,-1122.0\n"
    "nrg_ind_idogas,A,G3000,RU,PC,DE,2020,55.0,,55.0\n"
    "nrg_ind_id,A,TOTAL,,PC,DE,2024,,m,: m\n"
)


def test_eurostat_keeps_geo_codes_and_negative_dependency(
    write_file: Callable[[str, str], Path],
) -> None:
    records, indicators = eurostat_energy.parse("dependency", write_file("e.csv", EUROSTAT))
    assert records.country_keys == {"geo": "eurostat"}
    wide = indicators.frame.set_index(["geo", "year"])
    assert wide.loc[("EL", 2022), "TOTAL"] == pytest.approx(80.5)
    assert wide.loc[("NO", 2022), "G3000"] == pytest.approx(-1122.0)
    assert records.frame["flag"].tolist()[-1] == "m"


def test_eurostat_refuses_an_unknown_flag_and_unit(write_file: Callable[[str, str], Path]) -> None:
    with pytest.raises(DataFileError) as info:
        eurostat_energy.parse("dependency", write_file("e.csv", EUROSTAT.replace(",m,", ",q,")))
    assert (info.value.row, info.value.column) == (5, "flag")
    with pytest.raises(DataFileError) as info:
        eurostat_energy.parse(
            "dependency", write_file("e.csv", EUROSTAT.replace(",PC,EL", ",KTOE,EL"))
        )
    assert info.value.column == "unit"


def test_eurostat_refuses_an_empty_geo_code(write_file: Callable[[str, str], Path]) -> None:
    path = write_file("e.csv", EUROSTAT.replace(",PC,NO,", ",PC,,"))
    refused(eurostat_energy.parse, "dependency", path, match="geo code is empty", at=(3, "geo"))


def _inform_text(value: str = "2.5") -> str:
    header = [
        "COUNTRY",
        "ISO3",
        "RISK CLASS",
        "Rank",
        *inform.SCORES,
        "Recentness data (average years)",
    ]
    row = ["Estonia", "EST", "Low", "150", *([value] * len(inform.SCORES)), "0.4"]
    other = ["Latvia", "LVA", "Very Low", "160", *(["x"] * len(inform.SCORES)), "0.4"]
    return ",".join(header) + "\n" + ",".join(row) + "\n" + ",".join(other) + "\n"


def test_inform_scores_are_year_2025_and_x_is_missing(
    write_file: Callable[[str, str], Path],
) -> None:
    [table] = inform.parse("country", write_file("i.csv", _inform_text()))
    assert table.frame["year"].tolist() == [2025, 2025]
    assert table.frame["communication"].iloc[0] == pytest.approx(2.5)
    assert table.frame["communication"].isna().iloc[1]
    assert "inform.lack_of_coping_capacity" in {s.code for s in table.indicators}
    with pytest.raises(DataFileError) as info:
        inform.parse("country", write_file("i.csv", _inform_text("12")))
    assert info.value.row == 2


def test_ember_shares_are_computed_from_twh(write_file: Callable[[str, str], Path]) -> None:
    header = "Area,ISO 3 code,Year," + ",".join(f'"{c}"' if "," in c else c for c in ember.COLUMNS)
    text = header + "\nLithuania,LTU,2020,12,8,4,2,0,1,1,2,0,2\n"
    [table] = ember.parse("europe", write_file("m.csv", text))
    row = table.frame.iloc[0]
    assert row["net_imports_share"] == pytest.approx(100 * 8 / 12)
    assert row["fossil_share"] == pytest.approx(50.0)
    with pytest.raises(DataFileError) as info:
        ember.parse("europe", write_file("m.csv", text.replace(",12,8", ",-12,8")))
    assert info.value.column == "Demand"


def test_owid_food_reads_kcal_and_refuses_text(write_file: Callable[[str, str], Path]) -> None:
    columns = list(owid_archive._SERIES["food"])
    text = "Entity,Year," + ",".join(columns) + "\nPortugal,2017,3477,115.6,152.1\n"
    [table] = owid_archive.parse("food", write_file("f.csv", text))
    assert table.frame["food_kcal"].tolist() == [3477]
    refused(
        owid_archive.parse,
        "food",
        write_file("f.csv", text.replace("3477", "lots")),
        at=(2, columns[0]),
    )
