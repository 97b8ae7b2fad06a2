"""The V-Dem parser: v15 high-level indices (democracyData and official files) and vdemlite v14."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import vdem

WriteFile = Callable[[str, str], Path]

INDICES = ("v2x_polyarchy", "v2x_libdem", "v2x_partipdem", "v2x_delibdem", "v2x_egaldem",
           "v2x_api", "v2x_mpi")  # fmt: skip
META = ("historical_date,project,historical,histname,codingstart,codingend,codingstart_contemp,"
        "codingend_contemp,codingstart_hist,codingend_hist,gapstart1,gapstart2,gapstart3,gapend1,"
        "gapend2,gapend3,gap_index")  # fmt: skip
ESTIMATES = ",".join(f"{i},{i}_codelow,{i}_codehigh,{i}_sd" for i in INDICES)

# democracyData's vdem_simple header (54 columns), as in the staged file.
DD_HEADER = (f"vdem_country_name,country_text_id,country_id,year,{META},vdem_cowcode,{ESTIMATES},"
             "extended_country_name,GWn,cown,in_GW_system")  # fmt: skip
# The official V-Dem-CY-Full+Others layout: V-Dem's own names, COWcode, many more columns
# (a text column and v2x_regime stand in for the other ~4,000).
OFFICIAL_HEADER = (f"country_name,country_text_id,country_id,year,{META},COWcode,{ESTIMATES},"
                   "v2x_regime,v2exnamhos")  # fmt: skip

_META_VALUES = "1789-12-31,1.0,1.0,Viceroyalty of New Spain,1789,2024,1900,2024,1789,1920,,,,,,,1"
_EST = ",".join(["0.5,0.4,0.6,0.05"] * len(INDICES))


def _dd_row(name: str, text_id: str, vid: int, year: int, gw: str, polyarchy: str = "0.5") -> str:
    estimates = _EST.replace("0.5", polyarchy, 1)
    return (f"{name},{text_id},{vid},{year},{_META_VALUES},70,{estimates},"
            f"{name},{gw},{gw},True")  # fmt: skip


def _official_row(year: int) -> str:
    return f"Mexico,MEX,3,{year},{_META_VALUES},70,{_EST},0,Jane Doe"


@pytest.fixture
def highlevel(write_file: WriteFile) -> Path:
    rows = [
        _dd_row("Mexico", "MEX", 3, 2023, "70", "0.62"),
        _dd_row("Mexico", "MEX", 3, 2024, "70"),
        _dd_row("Baden", "BDN", 349, 1850, ""),
    ]
    return write_file("snapshot.csv", "\n".join([DD_HEADER, *rows]) + "\n")


def test_highlevel_reads_democracydata_header(highlevel: Path) -> None:
    (table,) = vdem.parse("highlevel", highlevel)
    frame = table.frame
    assert table.table == "indicators"
    assert list(table.country_keys.items()) == [
        ("country_id", "vdem_id"), ("GWn", "gwcode"), ("cown", "cowcode"),
        ("vdem_country_name", "name"),
    ]  # fmt: skip
    assert [s.code for s in table.indicators] == [f"vdem.{i}" for i in INDICES]
    assert frame.loc[0, "v2x_polyarchy"] == pytest.approx(0.62)
    assert frame["_row"].tolist() == [2, 3, 4]
    assert "country_text_id" in frame
    assert frame["GWn"].isna().tolist() == [False, False, True]


def test_highlevel_indicators_point_at_their_interval_columns(highlevel: Path) -> None:
    (table,) = vdem.parse("highlevel", highlevel)
    for spec in table.indicators:
        assert spec.lower_column == f"{spec.column}_codelow"
        assert spec.upper_column == f"{spec.column}_codehigh"
        assert spec.lower_column in table.frame
        assert spec.upper_column in table.frame
        assert spec.higher_is_better is True
        assert (spec.minimum, spec.maximum) == (0, 1)


def test_highlevel_reads_official_country_year_file(write_file: WriteFile) -> None:
    text = "\n".join([OFFICIAL_HEADER, _official_row(2023), _official_row(2024)]) + "\n"
    path = write_file("V-Dem-CY-Full+Others-v15.csv", text)
    (table,) = vdem.parse("highlevel", path)
    assert "GWn" not in table.country_keys
    assert table.country_keys["cown"] == "cowcode"
    assert table.frame["cown"].tolist() == [70, 70]
    assert table.frame["vdem_country_name"].tolist() == ["Mexico", "Mexico"]


def test_highlevel_reads_official_zip(tmp_path: Path) -> None:
    text = "\n".join([OFFICIAL_HEADER, _official_row(2024)]) + "\n"
    archive = tmp_path / "V-Dem-CY-FullOthers-v15_csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("V-Dem-CY-Full+Others-v15.csv", text)
    (table,) = vdem.parse("highlevel", archive)
    assert table.frame["year"].tolist() == [2024]
    assert table.frame["v2x_libdem"].tolist() == [pytest.approx(0.5)]


def test_highlevel_missing_column_names_file_and_column(write_file: WriteFile) -> None:
    header = DD_HEADER.replace("v2x_libdem_codehigh", "v2x_libdem_hi")
    path = write_file("hl.csv", header + "\n" + _dd_row("Mexico", "MEX", 3, 2024, "70") + "\n")
    with pytest.raises(DataFileError) as caught:
        vdem.parse("highlevel", path)
    assert caught.value.column == "v2x_libdem_codehigh"
    assert caught.value.row == 1
    assert "hl.csv" in caught.value.message


def test_highlevel_out_of_range_index_names_row_and_column(write_file: WriteFile) -> None:
    rows = [_dd_row("Mexico", "MEX", 3, 2023, "70"), _dd_row("Mexico", "MEX", 3, 2024, "70", "1.7")]
    path = write_file("hl.csv", "\n".join([DD_HEADER, *rows]) + "\n")
    refused(vdem.parse, "highlevel", path, at=(3, "v2x_polyarchy"))


def test_highlevel_duplicate_country_year_is_refused(write_file: WriteFile) -> None:
    row = _dd_row("Mexico", "MEX", 3, 2024, "70")
    path = write_file("hl.csv", "\n".join([DD_HEADER, row, row]) + "\n")
    with pytest.raises(DataFileError, match="same key"):
        vdem.parse("highlevel", path)


LITE_HEADER = ("country_name,country_text_id,country_id,year,v2x_polyarchy,v2x_freexp_altinf,"
               "v2x_corr,v2exbribe,v2cacamps,v2x_regime,v2x_accountability,v2elfrfair_osp,"
               "e_gdppc")  # fmt: skip


def test_lite_emits_every_variable_except_newer_releases(write_file: WriteFile) -> None:
    rows = ["Mexico,MEX,3,2022,0.6,0.7,0.5,-0.3,1.2,2,0.9,2.5,15.1",
            "Mexico,MEX,3,2023,0.61,0.71,0.5,-0.2,1.4,2,-1.2,2.6,"]  # fmt: skip
    path = write_file("lite.csv", "\n".join([LITE_HEADER, *rows]) + "\n")
    (table,) = vdem.parse("lite", path)
    codes = [s.code for s in table.indicators]
    assert codes == ["vdem.v2x_freexp_altinf", "vdem.v2x_corr", "vdem.v2exbribe",
                     "vdem.v2cacamps", "vdem.v2x_accountability", "vdem.v2elfrfair_osp",
                     "vdem.e_gdppc"]  # fmt: skip
    assert "v2x_polyarchy" not in table.frame
    assert "v2x_regime" not in table.frame
    assert table.country_keys == {"country_id": "vdem_id", "country_name": "name"}
    assert table.frame["e_gdppc"].isna().tolist() == [False, True]


def test_lite_directions_follow_the_explicit_tables(write_file: WriteFile) -> None:
    path = write_file(
        "lite.csv", LITE_HEADER + "\nMexico,MEX,3,2023,0.6,0.7,0.5,-0.3,1.2,2,0,2,1\n"
    )
    (table,) = vdem.parse("lite", path)
    direction = {s.column: s.higher_is_better for s in table.indicators}
    assert direction["v2x_corr"] is False  # higher = more corrupt
    assert direction["v2cacamps"] is False  # higher = more polarized
    assert direction["v2exbribe"] is True  # higher = less bribery
    assert direction["e_gdppc"] is None
    ranges = {s.column: (s.minimum, s.maximum) for s in table.indicators}
    assert ranges["v2x_freexp_altinf"] == (0, 1)
    assert ranges["v2x_accountability"] == (None, None)
    assert ranges["v2elfrfair_osp"] == (0, 4)


def test_lite_non_numeric_value_names_row_and_column(write_file: WriteFile) -> None:
    rows = ["Mexico,MEX,3,2022,0.6,0.7,0.5,-0.3,1.2,2,0,2,1",
            "Mexico,MEX,3,2023,0.6,0.7,0.5,n/a,1.2,2,0,2,1"]  # fmt: skip
    path = write_file("lite.csv", "\n".join([LITE_HEADER, *rows]) + "\n")
    refused(vdem.parse, "lite", path, at=(3, "v2exbribe"))


LOOKUP_HEADER = "tag,name,level,part,big_5,ll_category,hl_category,addl_category"


def test_lookup_returns_the_variables_table_with_repeated_tags(write_file: WriteFile) -> None:
    rows = ["v2x_polyarchy,Electoral democracy index,high_level,part_1,big_5,,v2x_polyarchy_all,",
            "v2x_polyarchy,Electoral democracy index,mid_level,part_1,big_5,,v2x_libdem_all,",
            "v2cacamps,Political polarization,civic_space,,,,,civic space"]  # fmt: skip
    path = write_file("lookup.csv", "\n".join([LOOKUP_HEADER, *rows]) + "\n")
    (table,) = vdem.parse("lite_lookup", path)
    assert table.table == "vdem_variables"
    assert table.year_column is None
    assert table.frame["tag"].tolist() == ["v2x_polyarchy", "v2x_polyarchy", "v2cacamps"]
    assert table.frame["level"].tolist()[2] == "civic_space"


def test_lookup_empty_label_names_row_and_column(write_file: WriteFile) -> None:
    path = write_file("lookup.csv", LOOKUP_HEADER + "\nv2x_api,,mid_level,,,,,\n")
    refused(vdem.parse, "lite_lookup", path, at=(2, "name"))


@pytest.mark.integration
def test_highlevel_mirror_has_usa_2024_polyarchy(mirror: Path) -> None:
    (table,) = vdem.parse("highlevel", mirror / vdem.SPEC.file("highlevel").mirror_path)
    frame = table.frame
    assert len(frame) == 27913
    usa = frame[(frame["country_text_id"] == "USA") & (frame["year"] == 2024)].iloc[0]
    # awk on the staged file: 0.84, codelow 0.804, libdem 0.748
    assert usa["v2x_polyarchy"] == pytest.approx(0.84)
    assert usa["v2x_polyarchy_codelow"] == pytest.approx(0.804)
    assert usa["v2x_libdem"] == pytest.approx(0.748)


@pytest.mark.integration
def test_lite_mirror_has_usa_2023_polarization(mirror: Path) -> None:
    (table,) = vdem.parse("lite", mirror / vdem.SPEC.file("lite").mirror_path)
    frame = table.frame
    assert len(frame) == 9170
    assert len(table.indicators) == 293 - len(vdem.NEWER_RELEASE)
    usa = frame[(frame["country_text_id"] == "USA") & (frame["year"] == 2023)].iloc[0]
    assert usa["v2cacamps"] == pytest.approx(1.459)  # awk: 1.459
    assert usa["v2x_corr"] == pytest.approx(0.061)


@pytest.mark.integration
def test_lookup_mirror_has_558_rows(mirror: Path) -> None:
    (table,) = vdem.parse("lite_lookup", mirror / vdem.SPEC.file("lite_lookup").mirror_path)
    assert len(table.frame) == 558
    polar = table.frame[table.frame["tag"] == "v2cacamps"].iloc[0]
    assert polar["name"] == "Political polarization"
    assert polar["_row"] == 528  # grep -n: line 528
