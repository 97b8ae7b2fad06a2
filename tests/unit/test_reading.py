"""The strict reader: every kind of bad input gets an error naming file, row and column."""

from __future__ import annotations

import zipfile

import pytest

from stabilis.errors import DataFileError
from stabilis.sources.reading import (
    check_unique,
    read_csv,
    read_xlsx,
    refuse_first,
    split_outside_parentheses,
    to_number,
)

GOOD = "gwcode,year,value\n2,1990,0.5\n20,1990,0.7\n"


def test_reader_keeps_text_and_spreadsheet_row_numbers(write_file):
    frame = read_csv(write_file("a.csv", GOOD), required=["gwcode", "year"])
    assert list(frame["gwcode"]) == ["2", "20"]
    assert list(frame["_row"]) == [2, 3]


def test_empty_file_is_refused(write_file):
    with pytest.raises(DataFileError, match=r"a.csv: the file is empty"):
        read_csv(write_file("a.csv", ""), required=["year"])


def test_header_without_rows_is_refused(write_file):
    with pytest.raises(DataFileError, match=r"header but no data rows"):
        read_csv(write_file("a.csv", "gwcode,year\n"), required=["year"])


def test_wrong_delimiter_is_named(write_file):
    path = write_file("a.csv", GOOD.replace(",", ";"))
    with pytest.raises(DataFileError) as info:
        read_csv(path, required=["year"])
    assert "row 1" in str(info.value) and "';'" in str(info.value)


def test_truncated_row_names_the_row(write_file):
    path = write_file("a.csv", GOOD + "40,19")
    with pytest.raises(DataFileError) as info:
        read_csv(path, required=["year"])
    assert info.value.row == 4
    assert "truncated" in str(info.value)


def test_missing_column_names_the_column_and_a_close_match(write_file):
    path = write_file("a.csv", GOOD.replace("gwcode", "gw_code"))
    with pytest.raises(DataFileError) as info:
        read_csv(path, required=["gwcode", "year"])
    message = str(info.value)
    assert "column 'gwcode'" in message and "gw_code" in message and "a.csv" in message


def test_non_numeric_value_names_row_and_column(write_file):
    frame = read_csv(write_file("a.csv", GOOD.replace("0.7", "n.a.")), required=["value"])
    with pytest.raises(DataFileError) as info:
        to_number(frame, "value", file="a.csv")
    assert (info.value.row, info.value.column) == (3, "value")
    assert "'n.a.' is not a number" in str(info.value)


def test_out_of_range_value_names_row_and_column(write_file):
    frame = read_csv(write_file("a.csv", GOOD.replace("0.7", "7")), required=["value"])
    with pytest.raises(DataFileError) as info:
        to_number(frame, "value", file="a.csv", minimum=0, maximum=1)
    assert (info.value.row, info.value.column) == (3, "value")
    assert "above the valid range [0, 1]" in str(info.value)


def test_special_codes_pass_the_range_check(write_file):
    frame = read_csv(write_file("a.csv", "x\n-88\n5\n"), required=["x"])
    values = to_number(frame, "x", file="a.csv", minimum=-10, maximum=10, allowed=(-88,))
    assert list(values) == [-88, 5]


def test_fractional_value_in_integer_column_is_refused(write_file):
    frame = read_csv(write_file("a.csv", "x\n1.5\n"), required=["x"])
    with pytest.raises(DataFileError, match=r"whole number"):
        to_number(frame, "x", file="a.csv", integer=True)


def test_duplicate_keys_name_both_rows(write_file):
    frame = read_csv(write_file("a.csv", GOOD + "2,1990,0.9\n"), required=["gwcode"])
    with pytest.raises(DataFileError) as info:
        check_unique(frame, ["gwcode", "year"], file="a.csv")
    assert "rows 2 and 4" in str(info.value)
    assert info.value.row == 2


def test_duplicate_header_column_is_refused(write_file):
    with pytest.raises(DataFileError, match=r"names this column twice"):
        read_csv(write_file("a.csv", "year,year\n1,2\n"), required=["year"])


def test_zip_with_one_csv_is_read(tmp_path):
    path = tmp_path / "official.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("folder/data.csv", GOOD)
        archive.writestr("folder/codebook.pdf", b"%PDF")
    frame = read_csv(path, required=["value"])
    assert len(frame) == 2


def test_damaged_zip_is_refused(tmp_path):
    path = tmp_path / "official.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.csv", GOOD)
        archive.writestr("b.csv", GOOD)
    with pytest.raises(DataFileError, match=r"exactly one file"):
        read_csv(path, required=["value"])


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("name,year\nC\xf4te,1990\n".encode("latin-1"))
    with pytest.raises(DataFileError, match=r"UTF-8"):
        read_csv(path, required=["name"])


def test_missing_file_says_to_pull(tmp_path):
    with pytest.raises(DataFileError, match=r"stabilis pull"):
        read_csv(tmp_path / "nope.csv", required=["x"])


def test_xlsx_sheet_keeps_worksheet_row_numbers(tmp_path):
    import openpyxl

    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["A title row"])
    sheet.append(["code", "year", "value"])
    sheet.append(["AFG", 1996, 0.5])
    sheet.append(["ALB", 1996, None])
    book.save(path)
    frame = read_xlsx(path, sheet="Data", header_row=2, required=["code"])
    assert list(frame["code"]) == ["AFG", "ALB"]
    assert list(frame["_row"]) == [3, 4]
    assert frame["value"].iloc[1] is None
    with pytest.raises(DataFileError, match=r"no sheet 'Other'"):
        read_xlsx(path, sheet="Other")


def test_refuse_first_names_the_first_flagged_row_and_treats_missing_as_false(write_file):
    import pandas as pd

    frame = read_csv(write_file("a.csv", GOOD + "3,1991,0.9\n"), required=["gwcode"])
    flags = pd.Series([pd.NA, False, True], dtype="boolean")
    with pytest.raises(DataFileError, match=r"a.csv, row 4, column 'value': '0.9' is odd. Fix it."):
        refuse_first(
            frame,
            flags,
            lambda i: f"'{frame['value'].iloc[i]}' is odd.",
            file="a.csv",
            column="value",
            hint="Fix it.",
        )
    refuse_first(frame, [False, False, False], "never raised", file="a.csv", column="value")


def test_split_outside_parentheses_keeps_commas_inside_them():
    assert split_outside_parentheses("Government of A (B, C), Government of D,") == [
        "Government of A (B, C)",
        "Government of D",
        "",
    ]
