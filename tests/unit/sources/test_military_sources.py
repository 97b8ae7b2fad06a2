"""Parsers of SOURCES.md section 22: SIPRI, NATO's tables, troopdata, MME, UN PKO, US aid."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import mme, nato_defexp, sipri, troopdata, un_pko, us_aid

SIPRI_HEADER = (
    "country,region,subregion,currency,notes,measure,year,value,value_raw,"
    "sipri_estimate_blue,highly_uncertain_red\n"
)
SIPRI = SIPRI_HEADER + (
    "Ukraine,Europe,Eastern Europe,,,share_of_gdp,2022,0.3349,,1,0\n"
    "Ukraine,Europe,Eastern Europe,,,constant_2023_usd_m,2022,60000.5,,0,1\n"
    "Kosovo,Europe,South-East Europe,,,share_of_gdp,1995,,xxx,,\n"
    "Kosovo,Europe,South-East Europe,,,share_of_gdp,2010,,...,,\n"
)


def test_sipri_keeps_estimate_and_uncertain_flags_and_gives_percent(
    write_file: Callable[[str, str], Path],
) -> None:
    records, indicators = sipri.parse("milex", write_file("sipri.csv", SIPRI))
    frame = records.frame.set_index(["country", "measure", "year"])
    assert bool(frame.loc[("Ukraine", "share_of_gdp", 2022), "estimate"]) is True
    assert bool(frame.loc[("Ukraine", "constant_2023_usd_m", 2022), "highly_uncertain"]) is True
    assert frame.loc[("Kosovo", "share_of_gdp", 1995), "value_raw"] == "xxx"
    wide = indicators.frame.set_index(["country", "year"])
    assert wide.loc[("Ukraine", 2022), "share_of_gdp"] == pytest.approx(33.49)
    assert {s.code for s in indicators.indicators} >= {"sipri.share_of_gdp"}


NATO = (
    "table,table_title,unit,section,country_or_aggregate,column,year,estimate,value,value_raw\n"
    "TABLE3,T3,Based on 2015 prices,Share of real GDP (%),Poland*,2024e,2024,1,4.12,\n"
    "TABLE3,T3,Based on 2015 prices,Share of real GDP (%),NATO Total,2024e,2024,1,2.71,\n"
    "TABLE8a,T8,Percentage,Equipment (a),Poland*,2024e,2024,1,51.0,\n"
    "TABLE1,T1,Million,Current prices,Czechia*   (Koruny),2014,2014,0,42000,\n"
)


def test_nato_labels_are_cleaned_and_estimates_kept(write_file: Callable[[str, str], Path]) -> None:
    records, indicators = nato_defexp.parse("tables", write_file("nato.csv", NATO))
    assert list(records.frame["country"]) == ["Poland", "NATO Total", "Poland", "Czechia"]
    assert records.frame["footnote"].tolist() == [True, False, True, True]
    wide = indicators.frame.set_index(["country", "year"])
    assert wide.loc[("Poland", 2024), "defexp_share_gdp"] == pytest.approx(4.12)
    assert wide.loc[("Poland", 2024), "equipment_share"] == pytest.approx(51.0)
    assert records.frame["estimate"].iloc[0]


@pytest.mark.parametrize(
    ("source", "file_key", "text", "old", "new", "match", "at"),
    [
        pytest.param(sipri, "milex", SIPRI, "0.3349", "33.49", "not a fraction", (2, "value"),
                     id="sipri-percentage"),
        pytest.param(sipri, "milex", SIPRI, "60000.5,,0,1", "60000.5,,,1", None,
                     (3, "sipri_estimate_blue"), id="sipri-flag"),
        pytest.param(sipri, "milex", SIPRI, "constant_2023", "const", "expected values",
                     (3, "measure"), id="sipri-measure"),
        pytest.param(sipri, "milex", SIPRI, "Ukraine,Europe", ",Europe", "name only",
                     (2, "country"), id="sipri-no-name"),
        pytest.param(nato_defexp, "tables", NATO, "TABLE8a", "TABLE9", "expected values",
                     (4, "table"), id="nato-table"),
        pytest.param(nato_defexp, "tables", NATO, "Poland*", "", "name only",
                     (2, "country_or_aggregate"), id="nato-no-label"),
    ],
)  # fmt: skip
def test_expenditure_files_refuse_a_bad_cell_naming_its_row_and_column(
    write_file: Callable[[str, str], Path],
    source: ModuleType,
    file_key: str,
    text: str,
    old: str,
    new: str,
    match: str | None,
    at: tuple[int, str],
) -> None:
    path = write_file(f"{source.SPEC.name}.csv", text.replace(old, new, 1))
    refused(source.parse, file_key, path, match=match, at=at)


def test_troops_read_na_iso3_and_fall_back_to_cow(write_file: Callable[[str, str], Path]) -> None:
    header = "countryname,year,ccode,iso3c,troops_ad,total_selected_reserve,total_civilian\n"
    text = header + "Afghanistan,2019,700,AFG,26000,0,0\nAden,1951,1029,NA,5,0,0\n"
    [table] = troopdata.parse("troops", write_file("t.csv", text))
    assert table.frame["iso3c"].tolist() == ["AFG", None]
    assert table.frame["troops_ad"].tolist() == [26000, 5]
    refused(
        troopdata.parse,
        "troops",
        write_file("t.csv", text.replace("26000", "lots")),
        at=(2, "troops_ad"),
    )


def test_mme_participants_are_long_and_missing_names_counted(
    write_file: Callable[[str, str], Path],
) -> None:
    header = ["MMEID", "Ex_Name", "Series_Name", "Location", "s.year", "s.month", "e.year"]
    header += list(mme.TYPES) + list(mme.PARTICIPANT_COLUMNS)
    row = ["mme1", "Ex", "", "Baltic Sea", "2005", "xx", "2005", *["0"] * 9]
    row += ["Latvia", "United States", "-9"] + [""] * (len(mme.PARTICIPANT_COLUMNS) - 3)
    path = write_file("mme.csv", ",".join(header) + "\n" + ",".join(row) + "\n")
    exercises, participants = mme.parse("exercises", path)
    assert exercises.frame["participants"].tolist() == [2]
    assert exercises.frame["missing_names"].tolist() == [1]
    assert participants.frame["participant"].tolist() == ["Latvia", "United States"]
    bad = path.read_text().replace("mme1", "exercise one")
    with pytest.raises(DataFileError):
        mme.parse("exercises", write_file("mme.csv", bad))


def test_geopko_contributor_text_is_split_and_checked(
    write_file: Callable[[str, str], Path],
) -> None:
    header = "mission,year,location,latitude,longitude,No.TCC,year.overview\n"
    text = header + 'UNMISS,2019,Juba,4.85,31.6,2,"Korea (ROK) (150), Nepal (size unknown)"\n'
    locations, contributors = un_pko.parse("contributors", write_file("g.csv", text))
    assert contributors.frame["contributor"].tolist() == ["Korea (ROK)", "Nepal"]
    assert contributors.frame["troops"].tolist()[0] == 150
    assert locations.frame["n_tcc"].tolist() == [2]
    refused(
        un_pko.parse,
        "contributors",
        write_file("g.csv", text.replace("(150)", "(many)")),
        match="neither a number",
        at=(2, "year.overview"),
    )


def test_kathman_missing_code_becomes_empty(write_file: Callable[[str, str], Path]) -> None:
    header = "mission,missioncountry,missionccode,missionccode2,year,month,troop,police,militaryobservers,total,total2\n"
    text = header + "UNMIK,Kosovo,347,,2005,1,-999,2000,30,2030,2030\n"
    [table] = un_pko.parse("missions", write_file("k.csv", text))
    assert table.frame["troop"].isna().all()
    assert table.frame["police"].tolist() == [2000]


def test_us_aid_keeps_the_transition_quarter_apart(write_file: Callable[[str, str], Path]) -> None:
    header = (
        "Country Code,Country Name,Region ID,Region Name,Income Group Acronym,Income Group Name,"
        "Transaction Type ID,Transaction Type Name,Fiscal Year,current_amount,constant_amount\n"
    )
    text = header + (
        "UKR,Ukraine,3,Europe,LMIC,x,2,Obligations,2019,700,800\n"
        "UKR,Ukraine,3,Europe,LMIC,x,2,Obligations,1976tq,1,2\n"
    )
    [table] = us_aid.parse("country", write_file("a.csv", text))
    assert table.frame["fiscal_year"].tolist() == [2019, 1976]
    assert table.frame["transition_quarter"].tolist() == [False, True]
    refused(
        us_aid.parse,
        "country",
        write_file("a.csv", text.replace(",2,Obl", ",7,Obl", 1)),
        at=(2, "Transaction Type ID"),
    )
