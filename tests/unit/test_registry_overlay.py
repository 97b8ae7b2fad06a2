"""Approved edits laid over the registry: provenance, ids, and edits that break the rules."""

from __future__ import annotations

import pytest

from stabilis.errors import NotFoundError, RegistryError
from stabilis.registry import load_registry
from stabilis.registry.overlay import row_fingerprint

NATO = "https://www.nato.int/cps/en/natohq/topics_132756.htm"


def _add(edit_id: str, table: str = "programmes", **fields: str) -> dict:
    return {"edit_id": edit_id, "action": "add", "table": table, "row_id": "", "fields": fields}


def test_added_rows_get_codes_country_names_and_distinct_ids() -> None:
    step = {
        "country_iso3": "MDA",
        "programme": "Defence Capacity Building",
        "milestone": "package reviewed",
        "kind": "defence capacity building",
        "start_date": "2025",
        "source": NATO,
    }
    registry = load_registry(edits=[_add("E-1", **step), _add("E-2", **step), _add("E-3", **step)])
    added = registry.table("programmes").query("provenance.str.startswith('E-')", engine="python")
    assert added["id"].tolist() == ["DCB-MDA-2025", "DCB-MDA-2025-b", "DCB-MDA-2025-c"]
    assert set(added["country"]) == {"Moldova"} and set(added["programme_code"]) == {"DCB"}
    assert set(added["shape"]) == {"spell"}
    partner = load_registry(
        edits=[
            _add(
                "E-4",
                "partnerships",
                country_iso3="SRB",
                framework="Mediterranean Dialogue",
                joined_date="2030",
                status="active",
                source=NATO,
            )
        ]
    ).table("partnerships")
    assert partner.query("provenance == 'E-4'")["framework_code"].tolist() == ["MD"]
    kfor = "Kosovo Force (KFOR), Operation Joint Guardian / Joint Enterprise"
    operation = load_registry(
        edits=[
            _add("E-5", "operations", operation=kfor, kind="peace support", host_iso3="ALB",
                 host_name="Albania", start_date="1999", source=NATO),
            _add("E-6", "operations", operation="Operation New Watch", operation_code="NEW_WATCH",
                 kind="maritime", host_name="Baltic Sea", start_date="2025", source=NATO),
        ]
    ).table("operations")  # fmt: skip
    codes = operation.query("provenance in ('E-5', 'E-6')")["operation_code"].tolist()
    assert codes == ["KFOR", "NEW_WATCH"]


def test_corrections_stack_their_edit_ids_in_the_provenance() -> None:
    edits = [
        {"edit_id": f"E-{n}", "action": "correct", "table": "programmes", "row_id": "DCB-MDA",
         "fields": {"notes": f"fix {n}"}}
        for n in (1, 2)
    ]  # fmt: skip
    row = load_registry(edits=edits).row("programmes", "DCB-MDA")
    assert row["notes"] == "fix 2"
    assert row["provenance"] == "registry@2026.12, corrected by E-1, E-2"
    assert row_fingerprint(row, "programmes") != row_fingerprint(
        load_registry().row("programmes", "DCB-MDA"), "programmes"
    )


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        ({**_add("E-9"), "table": "treaties"}, "not a registry table"),
        (_add("E-9", colour="red"), "not a column an edit can set"),
        ({**_add("E-9"), "action": "delete"}, "not an edit action"),
        ({"edit_id": "E-9", "action": "correct", "table": "programmes", "row_id": "NOPE-XXX",
          "fields": {"notes": "x"}}, "no programmes row"),
        (_add("E-9", country_iso3="MDA", programme="Defence Capacity Building", kind="x",
              start_date="2025", source=NATO, end_date="2020"), "before start_date"),
    ],
)  # fmt: skip
def test_an_edit_that_breaks_a_rule_is_named(edit: dict, match: str) -> None:
    with pytest.raises(RegistryError, match=match) as caught:
        load_registry(edits=[edit])
    assert "E-9" in str(caught.value)


def test_row_lookup_and_empty_country_records() -> None:
    registry = load_registry()
    with pytest.raises(NotFoundError, match="no members row"):
        registry.row("members", "MEM-XXX")
    assert registry.country_records("BRA", 2020).empty
    assert registry.table_as_of("operations", 2000, "XKX")["status_as_of"].eq("active").any()
