"""Status as of a year: every status shown is the one that held in the year asked."""

from __future__ import annotations

from datetime import date

import pytest

from stabilis.registry import load_registry
from stabilis.registry.status import as_of_day


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def _status(frame, row_id: str) -> str:
    return str(frame.set_index("id").loc[row_id, "status_as_of"])


def test_russia_pfp_is_active_in_2010_and_suspended_from_2014(registry) -> None:
    assert _status(registry.frameworks_during("RUS", 2010), "PFP-RUS") == "active"
    assert _status(registry.frameworks_during("RUS", 2014), "PFP-RUS") == "suspended"
    assert _status(registry.table_as_of("partnerships", 2020), "PFP-RUS") == "suspended"
    assert _status(registry.table_as_of("partnerships", 1993), "PFP-RUS") == "not_yet"


def test_later_members_are_partners_until_their_accession_year(registry) -> None:
    assert _status(registry.table_as_of("partnerships", 1998), "PFP-POL") == "active"
    assert _status(registry.table_as_of("partnerships", 1999), "PFP-POL") == "became_member"
    assert _status(registry.table_as_of("members", 1998), "MEM-POL") == "not_member"
    assert _status(registry.table_as_of("members", 1999), "MEM-POL") == "member"


def test_malta_withdrew_in_1996_and_came_back_in_2008(registry) -> None:
    table = registry.table_as_of("partnerships", 2000)
    assert _status(table, "PFP-MLT-1995") == "withdrawn"
    assert _status(table, "PFP-MLT-2008") == "not_yet"
    assert _status(registry.table_as_of("partnerships", 2010), "PFP-MLT-2008") == "active"


def test_invited_but_never_joined(registry) -> None:
    assert _status(registry.table_as_of("partnerships", 2010), "ICI-OMN") == "invited_not_joined"
    assert _status(registry.table_as_of("partnerships", 2000), "ICI-OMN") == "not_yet"


def test_milestones_are_reached_not_active(registry) -> None:
    programmes = registry.table_as_of("programmes", 2010)
    assert _status(programmes, "MAP-UKR") == "reached"  # requested 2008, never granted
    assert _status(registry.table_as_of("programmes", 2007), "MAP-UKR") == "not_yet"
    assert _status(programmes, "MAP-ALB") == "ended"
    assert _status(registry.table_as_of("programmes", 2005), "MAP-ALB") == "active"
    assert _status(programmes, "DEEP-GEO") == "undated"


def test_operations_as_of_a_year(registry) -> None:
    assert _status(registry.table_as_of("operations", 1996), "IFOR-BIH") == "ended"
    assert _status(registry.table_as_of("operations", 2000), "KFOR-XKX") == "active"
    assert _status(registry.table_as_of("operations", 1995), "SFOR-BIH") == "not_yet"


def test_country_records_hold_every_table_with_the_year_status(registry) -> None:
    records = registry.country_records("FIN", 2022)
    assert set(records["table"]) == {"members", "partnerships", "programmes"}
    assert _status(records, "MEM-FIN") == "not_member"
    assert _status(records, "ACC-FIN-2022") == "reached"
    assert _status(records, "ACC-FIN-2023") == "not_yet"
    assert set(records["as_of"]) == {"2022-12-31"}
    assert registry.country_records("BRA", 2020).empty


def test_the_current_year_is_read_at_today() -> None:
    assert as_of_day(2010) == date(2010, 12, 31)
    assert as_of_day(2026, today=date(2026, 3, 1)) == date(2026, 3, 1)
