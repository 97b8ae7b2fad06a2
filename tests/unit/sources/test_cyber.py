"""DCID 2.0 incidents: typed codes, labels, recomputed formula cells, validation, mirror facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.conftest import refused

from stabilis.errors import DataFileError
from stabilis.sources import cyber
from stabilis.sources.base import ParsedTable

Writer = Callable[[str, str], Path]

HEADER = (
    "Cyberincidentnum,Dyadpair,StateA,StateB,Name,interactionstartdate,method,targettype,"
    "initiator,target,cyber_objective,information_operation,objective_achievement,Concession,"
    "damage type,severity,Cyber_escalation,Ddeny/reject-,Dthreat/demand-,Diplo_Negative,"
    "Dnegotiate+,Dagreement+,Diplo_Positive,Ereduce-,Ethreat-,Eemb/sanc-,Econ_Negative,Ecoop+,"
    "Eease+,Eaid+,Econ_Positive,Mthreat-,Mdisplay-,Musage-,Mil_Negative,Mpromise+,Mcoop+,"
    "Mconfid+,Mil_Positive,Conv_descalation,Conv_escalation\n"
)
REGIN = (
    "1.0,2365.0,US,Russia,Regin malware campaign,2008-02-01,3.0,2.0,2.0,365.0,3.0,0.0,1.0,0.0,"
    "2.0,4.0,0.0,6.0,5.0,2,17.0,18.0,2,0.0,0.0,0.0,0,0,0.0,0.0,0,0.0,2.8,0.0,1,0.0,0.0,0.0,0,5,3\n"
)
DUKE = (
    "1.0,2365.0,US,Russia,Duke Series,2008-04-08,4.2,2.0,365.0,2.0,3.0,0.0,1.0,0.0,2.0,4.0,0.0,"
    "6.0,5.0,2,17.0,18.0,2,0.0,0.0,0.0,=SUM($X3+$Y3+$Z3),16.4,0.0,0.0,1,0.0,2.8,0.1,2,0.0,17.4,"
    '18.3,2,"=SUM($W3,$AE3,$AM3)",=SUM($T3+$AA3+$AI3)\n'
)
NO_CYBER = (
    "3.0,2365.0,US,Russia,No Cyber,2008-05-01,0.0,0.0,2.0,365.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,"
    "0.0,0.0,0,0.0,0.0,0,0.0,0.0,0.0,0,0,0.0,0.0,0,0.0,0.0,0.0,0,0.0,0.0,0.0,0,0,0\n"
)


def _parse(write_file: Writer, body: str) -> ParsedTable:
    (table,) = cyber.parse("dcid", write_file("dcid.csv", HEADER + body))
    return table


def test_parser_reads_official_header_with_typed_codes(write_file: Writer) -> None:
    table = _parse(write_file, REGIN + DUKE + NO_CYBER)
    assert table.table == "cyber_incidents"
    assert table.country_keys == {"target": "cowcode"}
    assert table.other_countries == {"initiator_iso3": {"initiator": "cowcode"}}
    regin = table.frame.iloc[0]
    assert regin["incident_id"] == 1
    assert (regin["initiator"], regin["target"]) == (2, 365)
    assert regin["severity"] == 4
    assert regin["method_label"] == "network intrusion"
    assert regin["cyber_objective_label"] == "long-term espionage"
    assert regin["year"] == 2008
    assert regin["d_deny_reject"] == 6.0


def test_method_keeps_decimal_sub_codes(write_file: Writer) -> None:
    duke = _parse(write_file, DUKE).frame.iloc[0]
    assert duke["method"] == 4.2
    assert duke["method_group"] == 4
    assert duke["method_label"] == "network infiltration"


def test_unevaluated_formulas_are_recomputed_and_flagged(write_file: Writer) -> None:
    frame = _parse(write_file, REGIN + DUKE).frame
    regin, duke = frame.iloc[0], frame.iloc[1]
    assert not regin["responses_recomputed"]
    assert (regin["conv_deescalation"], regin["conv_escalation"]) == (5, 3)  # literal cells kept
    assert duke["responses_recomputed"]
    assert duke["econ_negative"] == 0
    assert duke["conv_deescalation"] == 2 + 1 + 2
    assert duke["conv_escalation"] == 2 + 0 + 2


def test_no_cyber_rows_are_kept_and_marked(write_file: Writer) -> None:
    frame = _parse(write_file, REGIN + NO_CYBER).frame
    assert len(frame) == 2
    assert list(frame["is_cyber_operation"]) == [True, False]
    assert frame.iloc[1]["severity"] == 0


def test_fractional_code_names_file_row_and_column(write_file: Writer) -> None:
    bad = REGIN.replace("2.0,4.0,0.0,6.0", "2.0,4.5,0.0,6.0")
    with pytest.raises(DataFileError, match="whole number") as info:
        _parse(write_file, REGIN.replace("1.0,2365.0", "2.0,2365.0") + bad)
    assert (info.value.row, info.value.column) == (3, "severity")
    assert "dcid.csv" in str(info.value)


def test_severity_above_ten_is_refused(write_file: Writer) -> None:
    bad = REGIN.replace("2.0,4.0,0.0,6.0", "2.0,11.0,0.0,6.0")
    with pytest.raises(DataFileError) as info:
        _parse(write_file, bad)
    assert (info.value.row, info.value.column) == (2, "severity")


def test_bad_start_date_is_refused(write_file: Writer) -> None:
    with pytest.raises(DataFileError, match="ISO date") as info:
        _parse(write_file, REGIN.replace("2008-02-01", "2/1/2008"))
    assert info.value.column == "interactionstartdate"


def test_missing_column_names_file_and_column(write_file: Writer) -> None:
    path = write_file("dcid.csv", HEADER.replace("severity", "Severity") + REGIN)
    refused(cyber.parse, "dcid", path, at=(1, "severity"))


@pytest.mark.integration
def test_mirror_dcid_rows_and_first_incident(mirror: Path) -> None:
    (table,) = cyber.parse("dcid", mirror / "cyber/dcid_v2_0_feb2023.csv")
    frame = table.frame
    assert len(frame) == 862
    assert frame["incident_id"].nunique() == 431
    first = frame.iloc[0]  # line 2 of the file: Regin, US (2) against Russia (365), severity 4
    assert first["name"] == "Regin malware campaign"
    assert (first["initiator"], first["target"], first["severity"]) == (2, 365, 4)
    assert frame["start_date"].min() == "2000-09-01"
