"""REIGN parser: spell-year records and year-end regime-type dummies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import reign

HEADER = (
    "reign_cowcode,reign_country,gwf_casename,gwf_startdate,gwf_enddate,gwf_regimetype,Start,"
    "End,cow,year,extended_country_name,GWn,cown,in_GW_system"
)
TEXT = f"""{HEADER}
40,Cuba,Cuba19063,3/10/1952,1/1/1959,personal,1952-03-10,1959-01-01,40,1958,Cuba,40,40,True
40,Cuba,Cuba19063,3/10/1952,1/1/1959,personal,1952-03-10,1959-01-01,40,1959,Cuba,40,40,True
40,Cuba,Cuba21551,1/1/1959,12/31/2020,party-personal,1959-01-01,2020-12-31,40,1959,Cuba,40,40,True
260,Germany,Germany18157,9/16/1949,10/1/1990,parliamentary,1949-09-16,1990-10-01,260,1990,German Federal Republic,260,260,True
255,Germany,Germany33117,9/1/1990,12/31/2020,parliamentary,1990-09-01,2020-12-31,255,1990,German Federal Republic,260,255,True
483,Chad,Chad33208,12/1/1990,4/23/2021,personal,1990-12-01,2021-04-23,483,2020,Chad,483,483,True
483,Chad,Chad4232021,4/23/2021,12/31/2020,provisional military,2021-04-23,2020-12-31,483,2020,Chad,483,483,True
"""


def test_records_keep_every_spell_year(write_file: Callable[[str, str], Path]) -> None:
    records, _ = reign.parse("regime_types", write_file("reign.csv", TEXT))
    assert records.table == "regime_types"
    assert list(records.frame["_row"]) == list(range(2, 9))
    cuba = records.frame[records.frame["year"] == 1959]
    assert list(cuba["regime_type"]) == ["personal", "party-personal"]
    assert list(cuba["in_force_at_year_end"]) == [False, True]
    assert records.frame.loc[0, "spell_start"] == "1952-03-10"
    assert records.country_keys == {
        "gwcode": "gwcode",
        "cowcode": "cowcode",
        "reign_country": "name",
    }


def test_indicators_keep_the_spell_in_force_on_31_december(
    write_file: Callable[[str, str], Path],
) -> None:
    _, indicators = reign.parse("regime_types", write_file("reign.csv", TEXT))
    frame = indicators.frame.set_index(["gwcode", "year"])
    assert len(frame) == 4
    assert frame.loc[(40, 1959), "regime_type"] == "party-personal"
    assert frame.loc[(40, 1959), "_row"] == 4
    assert (frame.loc[(40, 1959), "party"], frame.loc[(40, 1959), "personal"]) == (1, 1)
    # Two REIGN states share G&W 260 in 1990: unified Germany (COW 255) is in force at year end.
    assert frame.loc[(260, 1990), "reign_cowcode"] == 255
    # Chad's provisional military spell starts in 2021; 2020 keeps Deby's personal regime.
    assert frame.loc[(483, 2020), "regime_type"] == "personal"
    assert frame.loc[(483, 2020), "military"] == 0


def test_dummies_follow_the_documented_mapping(write_file: Callable[[str, str], Path]) -> None:
    _, indicators = reign.parse("regime_types", write_file("reign.csv", TEXT))
    germany = indicators.frame[indicators.frame["gwcode"] == 260].iloc[0]
    assert (germany["democracy"], germany["parliamentary"], germany["presidential"]) == (1, 1, 0)
    codes = {spec.code for spec in indicators.indicators}
    assert {"reign.democracy", "reign.military", "reign.personal", "reign.party"} <= codes
    assert reign.COMPONENTS["indirect military"] == {"military"}


def test_unknown_regime_type_names_file_row_and_column(
    write_file: Callable[[str, str], Path],
) -> None:
    path = write_file("reign.csv", TEXT.replace(",party-personal,", ",theocracy,"))
    refused(
        reign.parse,
        "regime_types",
        path,
        match="not a known REIGN regime type",
        at=(4, "gwf_regimetype"),
    )


def test_bad_spell_date_is_refused(write_file: Callable[[str, str], Path]) -> None:
    path = write_file("reign.csv", TEXT.replace(",1949-09-16,", ",16/09/1949,"))
    refused(reign.parse, "regime_types", path, match="not an ISO date", at=(5, "Start"))


def test_repeated_spell_year_is_refused(write_file: Callable[[str, str], Path]) -> None:
    repeated = TEXT.splitlines()[1]
    with pytest.raises(DataFileError, match="same key"):
        reign.parse("regime_types", write_file("reign.csv", TEXT + repeated + "\n"))


def test_missing_gw_code_column_is_reported(write_file: Callable[[str, str], Path]) -> None:
    refused(
        reign.parse,
        "regime_types",
        write_file("reign.csv", TEXT.replace(",GWn,", ",gwn,", 1)),
        at=(1, "GWn"),
    )


@pytest.mark.integration
def test_mirror_file_resolves_cuba_1959(mirror: Path) -> None:
    records, indicators = reign.parse(
        "regime_types", mirror / reign.SPEC.file("regime_types").mirror_path
    )
    assert len(records.frame) == 13937
    cuba = records.frame[(records.frame["gwcode"] == 40) & (records.frame["year"] == 1959)]
    assert list(cuba["_row"]) == [392, 393]
    frame = indicators.frame.set_index(["gwcode", "year"])
    assert frame.loc[(40, 1959), "regime_type"] == "party-personal"
    assert frame.loc[(40, 1959), "casename"] == "Cuba21551"
    assert frame.loc[(2, 2007), "presidential"] == 1
