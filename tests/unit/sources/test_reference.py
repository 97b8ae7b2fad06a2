"""The reference parser: countrycode code list, world-countries and the NATO accession list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from stabilis.errors import DataFileError
from stabilis.sources import reference
from stabilis.sources.base import ROW

WriteFile = Callable[[str, str], Path]

_CODELIST_HEADER = (
    "ar5,cctld,continent,country.name.de,country.name.de.regex,country.name.en,"
    "country.name.en.regex,country.name.es,country.name.es.regex,country.name.fr,"
    "country.name.fr.regex,country.name.it,country.name.it.regex,cow.name,cowc,cown,currency,"
    "dhs,ecb,eu28,eurocontrol_pru,eurocontrol_statfor,eurostat,fao,fips,gaul,genc2c,genc3c,"
    "genc3n,gwc,gwn,icao.region,imf,ioc,iso.name.en,iso.name.fr,iso2c,iso3c,iso3n,iso4217c,"
    "iso4217n,p4.name,p4c,p4n,p5c,p5n,region,region23,telephone,un,un.name.ar,un.name.en,"
    "un.name.es,un.name.fr,un.name.ru,un.name.zh,un.region.code,un.region.name,"
    "un.regionintermediate.code,un.regionintermediate.name,un.regionsub.code,"
    "un.regionsub.name,unhcr,unhcr.region,unicode.symbol,unpd,vdem,vdem.name,wb,wb_api2c,"
    "wb_api3c,wvs"
)


def _codelist_row(values: dict[str, str]) -> str:
    columns = _CODELIST_HEADER.split(",")
    return ",".join(values.get(c, "") for c in columns)


_GERMANY = {
    "continent": "Europe",
    "country.name.en": "Germany",
    "country.name.en.regex": r"^(?!.*\beast\b).*\bgermany\b",
    "cow.name": "Germany",
    "cowc": "GMY",
    "cown": "255",
    "gwc": "GFR",
    "gwn": "260",
    "iso2c": "DE",
    "iso3c": "DEU",
    "iso3n": "276",
    "p5n": "255",
    "region": "Europe & Central Asia",
    "un.region.name": "Europe",
    "un.regionsub.name": "Western Europe",
    "vdem": "77",
    "wb": "DEU",
}
_KOSOVO = {
    "country.name.en": "Kosovo",
    "country.name.en.regex": "kosovo",
    "cown": "347",
    "gwn": "347",
    "vdem": "43",
    "wb": "XKX",
    "p5n": "341",
}

_WORLD_HEADER = (
    "name.common,name.official,cca2,ccn3,cca3,cioc,independent,status,unMember,capital,region,"
    "subregion,latlng,landlocked,borders,area"
)
_WORLD_ROWS = (
    "Kosovo,Republic of Kosovo,XK,,UNK,KOS,,user-assigned,0,Pristina,Europe,Southeast Europe,"
    '"42.666667,21.166667",1,"ALB,MKD,MNE,SRB",10908\n'
    "Malta,Republic of Malta,MT,470,MLT,MLT,1,officially-assigned,1,Valletta,Europe,"
    'Southern Europe,"35.83333333,14.58333333",0,,316\n'
    "Svalbard and Jan Mayen,Svalbard og Jan Mayen,SJ,744,SJM,,0,officially-assigned,0,"
    'Longyearbyen,Europe,Northern Europe,"78,20",0,,-1\n'
)
_NATO_HEADER = "country,iso3c,cown,gwn,accession_date,wave,notes"


def _codelist(write_file: WriteFile, *rows: dict[str, str]) -> Path:
    body = "\n".join(_codelist_row(r) for r in rows)
    return write_file("codes.csv", f"{_CODELIST_HEADER}\n{body}\n")


def test_codelist_reads_official_header(write_file: WriteFile) -> None:
    path = _codelist(write_file, _GERMANY, _KOSOVO)
    (table,) = reference.parse("codelist", path)
    assert table.table == "country_codes"
    assert table.country_keys == {}
    assert table.year_column is None
    frame = table.frame.set_index("country_name_en")
    assert frame.loc["Germany", "iso3c"] == "DEU"
    assert frame.loc["Germany", "cown"] == 255 and frame.loc["Germany", "gwn"] == 260
    assert frame.loc["Germany", "un_regionsub_name"] == "Western Europe"
    assert frame.loc["Kosovo", "iso3c"] is None and frame.loc["Kosovo", "wb"] == "XKX"
    assert list(table.frame[ROW]) == [2, 3]


def test_codelist_missing_column_names_file_and_column(write_file: WriteFile) -> None:
    header = _CODELIST_HEADER.replace("country.name.en.regex", "country.name.en.pattern")
    path = write_file("codes.csv", f"{header}\n{_codelist_row(_GERMANY)}\n")
    with pytest.raises(DataFileError) as caught:
        reference.parse("codelist", path)
    assert "codes.csv" in str(caught.value)
    assert caught.value.column == "country.name.en.regex" and caught.value.row == 1


def test_codelist_non_numeric_code_names_row_and_column(write_file: WriteFile) -> None:
    path = _codelist(write_file, _KOSOVO, {**_GERMANY, "gwn": "GFR"})
    with pytest.raises(DataFileError) as caught:
        reference.parse("codelist", path)
    assert caught.value.row == 3 and caught.value.column == "gwn"
    assert "codes.csv, row 3, column 'gwn'" in str(caught.value)


def test_codelist_duplicate_iso3_is_refused(write_file: WriteFile) -> None:
    path = _codelist(write_file, _GERMANY, _GERMANY)
    with pytest.raises(DataFileError, match="same key"):
        reference.parse("codelist", path)


def test_codelist_bad_iso3_shape_is_refused(write_file: WriteFile) -> None:
    path = _codelist(write_file, {**_GERMANY, "iso3c": "DE"})
    with pytest.raises(DataFileError, match="row 2, column 'iso3c'"):
        reference.parse("codelist", path)


def test_world_reads_borders_flags_and_unknown_area(write_file: WriteFile) -> None:
    path = write_file("world.csv", f"{_WORLD_HEADER}\n{_WORLD_ROWS}")
    (table,) = reference.parse("world", path)
    assert table.table == "world_countries"
    frame = table.frame.set_index("cca3")
    assert frame.loc["UNK", "borders"] == "ALB,MKD,MNE,SRB"
    assert frame.loc["MLT", "borders"] is None
    assert bool(frame.loc["MLT", "un_member"]) and bool(frame.loc["UNK", "landlocked"])
    assert pd.isna(frame.loc["UNK", "independent"])
    assert frame.loc["MLT", "area"] == 316 and pd.isna(frame.loc["SJM", "area"])


def test_world_bad_flag_names_row_and_column(write_file: WriteFile) -> None:
    rows = _WORLD_ROWS.replace(
        ",1,officially-assigned,1,Valletta", ",yes,officially-assigned,1,Valletta"
    )
    path = write_file("world.csv", f"{_WORLD_HEADER}\n{rows}")
    with pytest.raises(DataFileError) as caught:
        reference.parse("world", path)
    assert caught.value.row == 3 and caught.value.column == "independent"


def test_nato_reads_dates_and_declares_iso3_key(write_file: WriteFile) -> None:
    path = write_file(
        "nato.csv",
        f"{_NATO_HEADER}\nBelgium,BEL,211,211,1949-08-24,founding,\n"
        "Sweden,SWE,380,380,2024-03-07,2024,\n",
    )
    (table,) = reference.parse("nato_accession", path)
    assert table.table == "nato_accession"
    assert next(iter(table.country_keys.items())) == ("iso3c", "iso3")
    frame = table.frame.set_index("iso3c")
    assert frame.loc["SWE", "accession_date"] == pd.Timestamp("2024-03-07")
    assert frame.loc["BEL", "year"] == 1949


def test_nato_bad_date_names_row_and_column(write_file: WriteFile) -> None:
    path = write_file("nato.csv", f"{_NATO_HEADER}\nBelgium,BEL,211,211,24/08/1949,founding,\n")
    with pytest.raises(DataFileError) as caught:
        reference.parse("nato_accession", path)
    assert caught.value.row == 2 and caught.value.column == "accession_date"


def test_empty_file_is_refused(write_file: WriteFile) -> None:
    path = write_file("nato.csv", "")
    with pytest.raises(DataFileError, match="empty"):
        reference.parse("nato_accession", path)


@pytest.mark.integration
def test_real_codelist_has_292_rows_and_malta(mirror: Path) -> None:
    (table,) = reference.parse("codelist", mirror / "reference/countrycode_codelist.csv")
    assert len(table.frame) == 292
    malta = table.frame.set_index("country_name_en").loc["Malta"]
    # grep -E '^EIT,\.mt' reference/countrycode_codelist.csv: cown 338, iso3n 470
    assert malta["iso3c"] == "MLT" and malta["cown"] == 338 and malta["iso3n"] == 470


@pytest.mark.integration
def test_real_world_has_250_rows_and_kosovo_as_unk(mirror: Path) -> None:
    (table,) = reference.parse("world", mirror / "reference/world_countries_v5_1_0.csv")
    assert len(table.frame) == 250
    kosovo = table.frame.set_index("cca3").loc["UNK"]
    assert kosovo["name_common"] == "Kosovo" and kosovo["borders"] == "ALB,MKD,MNE,SRB"


@pytest.mark.integration
def test_real_nato_has_32_members_ending_with_sweden(mirror: Path) -> None:
    (table,) = reference.parse("nato_accession", mirror / "reference/nato_members_accession.csv")
    assert len(table.frame) == 32
    last = table.frame.sort_values("accession_date").iloc[-1]
    assert last["iso3c"] == "SWE" and last["accession_date"] == pd.Timestamp("2024-03-07")
