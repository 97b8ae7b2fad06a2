"""WGI parser: the long file (CSV conversion or the World Bank's own workbook) made wide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import wgi

HEADER = (
    "codeindyr,code,countryname,year,indicator,estimate,stddev,nsource,pctrank,pctranklower,"
    "pctrankupper"
)
ROWS = [
    ["AFGcc1996", "AFG", "Afghanistan", 1996, "cc", -1.29, 0.34, 2, 4.3, 0.0, 27.4],
    ["AFGva1996", "AFG", "Afghanistan", 1996, "va", -1.9, 0.26, 4, 1.0, 0.0, 9.5],
    ["ZARva1996", "ZAR", "Congo, Dem. Rep.", 1996, "va", -1.5, 0.2, 5, 6.0, 2.0, 11.0],
    ["ADOcc1996", "ADO", "Andorra", 1996, "cc", "..", "..", "..", "..", "..", ".."],
    ["AFGcc2023", "AFG", "Afghanistan", 2023, "cc", -1.2, 0.2, 9, 11.3, 6.1, 20.7],
]


def _csv(rows: list[list[object]]) -> str:
    lines = [",".join("" if v == ".." else f'"{v}"' if "," in str(v) else str(v) for v in r)
             for r in rows]  # fmt: skip
    return HEADER + "\n" + "\n".join(lines) + "\n"


def test_long_file_becomes_one_row_per_economy_year(write_file: Callable[[str, str], Path]) -> None:
    [table] = wgi.parse("long", write_file("wgi.csv", _csv(ROWS)))
    frame = table.frame.set_index(["code", "year"])
    assert table.table == "indicators"
    assert table.country_keys == {"code": "wb", "countryname": "name"}
    assert len(frame) == 4  # AFG 1996, ZAR 1996, ADO 1996, AFG 2023
    afg = frame.loc[("AFG", 1996)]
    assert afg["cc_est"] == pytest.approx(-1.29)
    assert afg["va_pctrank"] == pytest.approx(1.0)
    assert afg["cc_est_lower"] == pytest.approx(-1.29 - 1.96 * 0.34)
    assert afg["cc_est_upper"] == pytest.approx(-1.29 + 1.96 * 0.34)
    assert afg["cc_pctrank_upper"] == pytest.approx(27.4)
    assert afg["_row"] == 2  # the first of the economy-year's long rows
    assert frame.loc[("AFG", 1996), "pv_est"] != frame.loc[("AFG", 1996), "pv_est"]  # NaN
    assert frame.loc[("ADO", 1996)].filter(like="_est").isna().all()
    assert frame.loc[("ZAR", 1996), "countryname"] == "Congo, Dem. Rep."


def test_indicator_specs_carry_bands() -> None:
    specs = {spec.code: spec for spec in wgi.INDICATORS}
    assert len(specs) == 12
    assert specs["wgi.pv_est"].lower_column == "pv_est_lower"
    assert specs["wgi.pv_pctrank"].upper_column == "pv_pctrank_upper"
    assert all(spec.higher_is_better for spec in specs.values())


def test_official_workbook_is_read_with_dots_as_missing(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(HEADER.split(","))
    for row in ROWS:
        sheet.append(row)
    path = tmp_path / "wgidataset.xlsx"
    book.save(path)
    [table] = wgi.parse("long", path)
    frame = table.frame.set_index(["code", "year"])
    assert frame.loc[("AFG", 2023), "cc_est"] == pytest.approx(-1.2)
    assert frame.loc[("AFG", 2023), "cc_nsource"] == 9
    assert frame.loc[("ADO", 1996)].filter(like="cc_").isna().all()


def test_duplicate_economy_year_indicator_is_refused(
    write_file: Callable[[str, str], Path],
) -> None:
    with pytest.raises(DataFileError, match="same key") as info:
        wgi.parse("long", write_file("wgi.csv", _csv([*ROWS, ROWS[0]])))
    assert info.value.row == 2


@pytest.mark.parametrize(
    ("row", "field", "value", "match", "at"),
    [
        pytest.param(2, 5, 7.5, "valid range", (4, "estimate"), id="estimate-out-of-range"),
        pytest.param(1, 4, "gov", "not a WGI indicator", (3, "indicator"), id="unknown-indicator"),
        pytest.param(3, 1, "..", "empty", (5, "code"), id="empty-economy-code"),
    ],
)
def test_bad_cell_names_file_row_and_column(
    write_file: Callable[[str, str], Path],
    row: int,
    field: int,
    value: object,
    match: str,
    at: tuple[int, str],
) -> None:
    rows = [list(r) for r in ROWS]
    rows[row][field] = value
    refused(wgi.parse, "long", write_file("wgi.csv", _csv(rows)), match=match, at=at)


def test_missing_column_names_it(write_file: Callable[[str, str], Path]) -> None:
    text = _csv(ROWS).replace("pctranklower", "pctrank_lower", 1)
    refused(wgi.parse, "long", write_file("wgi.csv", text), at=(1, "pctranklower"))


@pytest.mark.integration
def test_mirror_file_holds_norway_and_kosovo_2023(mirror: Path) -> None:
    [table] = wgi.parse("long", mirror / wgi.SPEC.file("long").mirror_path)
    frame = table.frame.set_index(["code", "year"])
    assert len(frame) == 5350  # 214 economies x 25 years
    assert frame.loc[("NOR", 2023), "va_est"] == pytest.approx(1.777254343032837)
    assert frame.loc[("NOR", 2023), "va_pctrank"] == pytest.approx(100.0)
    assert frame.loc[("KSV", 2023), "pv_est"] == pytest.approx(-0.32251161336898804)
    assert frame.loc[("KSV", 2023), "pv_nsource"] == 5
