"""BTI parser: democracyData's 87-column file into bti.<item> indicators."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import bti

HEADER = [
    "bti_country", "year", "bti_region", *bti.ITEMS, "cat_dem_stat_label", "report_year",
    "extended_country_name", "GWn", "cown", "in_GW_system",
]  # fmt: skip


def _row(country: str, year: int, rank: int, level: float, pol_sys: int, cat: int) -> str:
    values = []
    for item in bti.ITEMS:
        if item.startswith("Ranking_"):
            values.append(str(rank))
        elif item == "pol_sys":
            values.append(str(pol_sys))
        elif item == "cat_dem_stat":
            values.append(str(cat))
        else:
            values.append(str(level))
    label = bti.CATEGORIES[cat]
    return ",".join(
        [country, str(year), "Region", *values, label, str(year + 2), country, "339", "339", "True"]
    )


def _text(*rows: str) -> str:
    return ",".join(HEADER) + "\n" + "\n".join(rows) + "\n"


ALBANIA = _row("Albania", 2022, 20, 7.5, 1, 2)
AFGHANISTAN = _row("Afghanistan", 2022, 130, 1.866, 0, 5).replace(",339,339,", ",700,700,")


def test_codes_keep_the_producers_item_names() -> None:
    codes = [spec.code for spec in bti.INDICATORS]
    assert len(codes) == len(set(codes)) == 78
    assert "bti.SI_Democracy_Status" in codes
    assert "bti.Q2_1_Free_and_fair_elections" in codes
    assert "bti.Q2_3_Association_assembly_rights" in codes
    assert "bti.Q12_2_Education_R_D_policy" in codes
    by_code = {spec.code: spec for spec in bti.INDICATORS}
    assert by_code["bti.Ranking_Status_Index"].higher_is_better is False
    assert by_code["bti.Q13_3_Conflict_intensity"].higher_is_better is False
    assert by_code["bti.cat_dem_stat"].higher_is_better is False
    assert by_code["bti.Q3_2_Independent_judiciary"].higher_is_better is True


def test_parser_reads_rows_with_codes(write_file: Callable[[str, str], Path]) -> None:
    [table] = bti.parse("scores", write_file("bti.csv", _text(ALBANIA, AFGHANISTAN)))
    frame = table.frame.set_index("bti_country")
    assert table.country_keys == {"gwcode": "gwcode", "cowcode": "cowcode", "bti_country": "name"}
    assert frame.loc["Albania", "Ranking_Status_Index"] == 20
    assert frame.loc["Albania", "SI_Democracy_Status"] == pytest.approx(7.5)
    assert frame.loc["Afghanistan", "cat_dem_stat"] == 5
    assert frame.loc["Afghanistan", "gwcode"] == 700
    assert frame.loc["Albania", "report_year"] == 2024
    assert list(table.frame["_row"]) == [2, 3]


def test_country_absent_from_an_edition_is_kept_empty(
    write_file: Callable[[str, str], Path],
) -> None:
    empty = ",".join(["Bhutan", "2004", "Asia", *[""] * (len(bti.ITEMS) + 1), "2006", "Bhutan",
                      "760", "760", "True"])  # fmt: skip
    [table] = bti.parse("scores", write_file("bti.csv", _text(ALBANIA, empty)))
    bhutan = table.frame.iloc[1]
    assert bhutan["bti_country"] == "Bhutan"
    assert table.frame.loc[1, [s.column for s in bti.INDICATORS]].isna().all()


def test_score_above_ten_names_file_row_and_column(write_file: Callable[[str, str], Path]) -> None:
    bad = ALBANIA.replace(",7.5,", ",11,", 1)
    refused(
        bti.parse,
        "scores",
        write_file("bti.csv", _text(AFGHANISTAN, bad)),
        at=(3, "S_Status_Index"),
    )


def test_rank_must_be_a_whole_number_but_a_score_need_not(
    write_file: Callable[[str, str], Path],
) -> None:
    first_rank = next(item for item in bti.ITEMS if item.startswith("Ranking_"))
    refused(
        bti.parse,
        "scores",
        write_file("bti.csv", _text(ALBANIA.replace(",20,", ",20.5,", 1))),
        match="whole number",
        at=(2, first_rank),
    )
    [table] = bti.parse("scores", write_file("bti.csv", _text(ALBANIA.replace(",7.5,", ",7.25,"))))
    assert table.frame["S_Status_Index"].iloc[0] == pytest.approx(7.25)


def test_mismatched_category_label_is_refused(write_file: Callable[[str, str], Path]) -> None:
    bad = ALBANIA.replace("Defective democracies", "Moderate autocracies")
    refused(
        bti.parse,
        "scores",
        write_file("bti.csv", _text(bad)),
        match="does not match",
        at=(2, "cat_dem_stat_label"),
    )


def test_duplicate_country_year_is_refused(write_file: Callable[[str, str], Path]) -> None:
    with pytest.raises(DataFileError, match="same key"):
        bti.parse("scores", write_file("bti.csv", _text(ALBANIA, ALBANIA)))


def test_missing_item_column_is_reported(write_file: Callable[[str, str], Path]) -> None:
    text = _text(ALBANIA).replace("Q16.5_Reconciliation", "Q16.5_Reconcile", 1)
    refused(bti.parse, "scores", write_file("bti.csv", text), at=(1, "Q16.5_Reconciliation"))


@pytest.mark.integration
def test_mirror_file_holds_albania_2022(mirror: Path) -> None:
    [table] = bti.parse("scores", mirror / bti.SPEC.file("scores").mirror_path)
    frame = table.frame
    assert len(frame) == 1370
    albania = frame[(frame["bti_country"] == "Albania") & (frame["year"] == 2022)].iloc[0]
    assert albania["_row"] == 3
    assert albania["Ranking_Status_Index"] == 20
    assert albania["SI_Democracy_Status"] == pytest.approx(7.5)
    assert albania["Q1_Stateness"] == pytest.approx(9.25)
