"""Proposals, reviews, conflicts, notes and the audit log, on a fresh edits store."""

from __future__ import annotations

import ast
import inspect
import sqlite3
from pathlib import Path

import pytest

import stabilis.store.edits as edits_module
from stabilis.edits import EditService, parse_edit_id
from stabilis.errors import (
    AuthenticationError,
    ConflictError,
    EditError,
    NotFoundError,
    PermissionDeniedError,
)
from stabilis.registry import load_registry
from stabilis.store.edits import EditsStore, StoreError

from .conftest import MDA_STEP, NATO_DCB


def test_analyst_proposes_editor_approves(edits: EditService, signed_in) -> None:
    edit = edits.propose(signed_in("ana"), table="programmes", fields=MDA_STEP, note="New step")
    assert edit["edit_id"] == "E-1" and edit["status"] == "proposed" and edit["revision"] == 1
    done = edits.review(signed_in("erin"), "E-1", decision="approve", revision=1)
    assert done["status"] == "approved" and done["reviewer"] == "erin"
    registry = edits.current_registry()
    added = registry.table("programmes").query("provenance == 'E-1'")
    assert added["id"].tolist() == ["DCB-MDA-2025"]
    actions = [row["action"] for row in edits.store.audit_log(100)]
    assert actions[:2] == ["edit.approve", "edit.propose"]


def test_writes_need_a_user_with_the_right_role(edits: EditService, signed_in) -> None:
    with pytest.raises(AuthenticationError):
        edits.propose(None, table="programmes", fields=MDA_STEP, note="x")
    with pytest.raises(PermissionDeniedError):
        edits.propose(signed_in("vic"), table="programmes", fields=MDA_STEP, note="x")
    edits.propose(signed_in("ana"), table="programmes", fields=MDA_STEP, note="x")
    with pytest.raises(PermissionDeniedError, match="editor role"):
        edits.review(signed_in("ana"), "E-1", decision="approve")
    with pytest.raises(PermissionDeniedError):  # another analyst cannot revise ana's edit
        edits.revise(signed_in("bo"), "E-1", revision=1, note="mine now")
    with pytest.raises(PermissionDeniedError):
        edits.audit_log(signed_in("erin"))
    assert edits.audit_log(signed_in("ada"))


@pytest.mark.parametrize(
    ("fields", "note", "match"),
    [
        ({**MDA_STEP, "source": ""}, "n", "at least one source"),
        ({**MDA_STEP, "source": "see the NATO site"}, "n", "not a web address"),
        ({**MDA_STEP, "source": "https://sputnikglobe.com/2025/x"}, "n", "never accepts"),
        ({**MDA_STEP, "source": "https://news-front.info/x"}, "n", "never accepts"),
        (MDA_STEP, "  ", "'note' is empty"),
        ({**MDA_STEP, "start_date": "June 2025"}, "n", "start_date"),
        ({**MDA_STEP, "programme": "Secret plan"}, "n", "programme_code"),
        ({**MDA_STEP, "colour": "red"}, "n", "not a column"),
        ({**MDA_STEP, "confidence": "certain"}, "n", "confidence"),
    ],
)
def test_bad_proposals_say_which_field(
    edits: EditService, signed_in, fields: dict, note: str, match: str
) -> None:
    with pytest.raises(EditError, match=match):
        edits.propose(signed_in("ana"), table="programmes", fields=fields, note=note)
    assert edits.list_edits() == []


def test_an_outlet_named_by_euvsdisinfo_is_refused(store: EditsStore, accounts, signed_in) -> None:
    from stabilis.registry.policy import OutletIndex

    index = OutletIndex.from_names(["albidda.net+Sputnik Poland"])
    service = EditService(store, outlets=lambda: index)
    with pytest.raises(EditError, match="named as an outlet in EUvsDisinfo"):
        service.propose(
            signed_in("ana"),
            table="programmes",
            fields={**MDA_STEP, "source": f"{NATO_DCB} | https://albidda.net/2025/x"},
            note="n",
        )
    assert service.propose(signed_in("ana"), table="programmes", fields=MDA_STEP, note="n")


def test_sql_injection_in_every_field_is_stored_as_text(
    edits: EditService, signed_in, store: EditsStore
) -> None:
    attack = "x'); DROP TABLE edits; --"
    edit = edits.propose(
        signed_in("ana"),
        table="programmes",
        fields={**MDA_STEP, "milestone": attack, "notes": attack, "kind": attack},
        note=attack,
    )
    assert edit["fields"]["milestone"] == attack and edit["note"] == attack
    note = edits.add_note(signed_in("ana"), subject_kind="country", subject_id=attack, body=attack)
    assert note["body"] == attack and note["subject_id"] == attack
    with pytest.raises(NotFoundError):
        edits.get("1 OR 1=1")
    assert [t for t in ("edits", "notes", "audit_log") if store.query(f"SELECT 1 FROM {t}")]


def test_correction_conflicts_when_the_row_changed_first(edits: EditService, signed_in) -> None:
    ana, bo, erin = signed_in("ana"), signed_in("bo"), signed_in("erin")
    first = edits.propose(
        ana, table="programmes", row_id="DCB-MDA", fields={"notes": "ana's fix"}, note="a"
    )
    second = edits.propose(
        bo, table="programmes", row_id="DCB-MDA", fields={"notes": "bo's fix"}, note="b"
    )
    edits.review(erin, first["edit_id"], decision="approve")
    with pytest.raises(ConflictError, match="changed since"):
        edits.review(erin, second["edit_id"], decision="approve")
    # Nothing lost: bo's proposal is still there, still proposed, and can be redone.
    kept = edits.get(second["edit_id"])
    assert kept["status"] == "proposed" and kept["fields"]["notes"] == "bo's fix"
    row = edits.current_registry().row("programmes", "DCB-MDA")
    assert row["notes"] == "ana's fix"
    assert row["provenance"].endswith("corrected by E-1")


def test_revisions_conflict_instead_of_overwriting(edits: EditService, signed_in) -> None:
    ana, erin = signed_in("ana"), signed_in("erin")
    edits.propose(ana, table="programmes", fields=MDA_STEP, note="v1")
    edits.revise(ana, "E-1", revision=1, note="v2")
    with pytest.raises(ConflictError, match="revision 2"):
        edits.revise(erin, "E-1", revision=1, note="stale v2'")
    with pytest.raises(ConflictError):
        edits.review(erin, "E-1", decision="approve", revision=1)
    assert edits.get("E-1")["note"] == "v2"
    edits.review(erin, "E-1", decision="reject", revision=2, note="no")
    with pytest.raises(ConflictError, match="already rejected"):
        edits.review(erin, "E-1", decision="approve")
    with pytest.raises(ConflictError, match="already rejected"):
        edits.revise(ana, "E-1", revision=3, note="v3")


def test_notes_are_kept_verbatim_and_listed_by_subject(edits: EditService, signed_in) -> None:
    body = "<script>alert('x')</script> & more"
    edits.add_note(signed_in("ana"), subject_kind="country", subject_id="MDA", body=body)
    edits.add_note(signed_in("bo"), subject_kind="impact_case", subject_id="x-1", body="b")
    assert [n["body"] for n in edits.notes("country", "MDA")] == [body]
    with pytest.raises(EditError, match="note subject"):
        edits.add_note(signed_in("ana"), subject_kind="planet", subject_id="x", body="y")
    with pytest.raises(PermissionDeniedError):
        edits.add_note(signed_in("vic"), subject_kind="country", subject_id="MDA", body="y")


def test_the_audit_log_is_append_only(edits: EditService, signed_in, store: EditsStore) -> None:
    edits.add_note(signed_in("ana"), subject_kind="country", subject_id="MDA", body="b")
    con = sqlite3.connect(store.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit_log SET actor = 'mallory'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit_log")
    con.close()


def test_a_write_without_an_audit_record_is_rolled_back(store: EditsStore) -> None:
    with pytest.raises(StoreError, match="without an audit record"), store.write() as tx:
        tx.insert_note("country", "MDA", "sneaky", "mallory")
    assert store.notes("country", "MDA") == []


def test_every_write_statement_in_the_store_sits_in_the_audited_transaction() -> None:
    """No write path skips the audit log: INSERT/UPDATE/DELETE appear only in Transaction
    methods (which run inside EditsStore.write, refusing to commit without an audit row) and in
    the schema/restore code."""
    tree = ast.parse(inspect.getsource(edits_module))
    offenders = []
    for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
        for fn in [n for n in cls.body if isinstance(n, ast.FunctionDef)]:
            text = ast.get_source_segment(inspect.getsource(edits_module), fn) or ""
            writes = any(w in text.upper() for w in ("INSERT INTO", "UPDATE ", "DELETE FROM"))
            if writes and cls.name != "Transaction":
                offenders.append(f"{cls.name}.{fn.name}")
    assert offenders == []
    # Every Transaction write is reached only through EditsStore.write (the audited context).
    src = Path(inspect.getsourcefile(EditService) or "").parent
    for path in [*src.glob("*.py"), *Path(src.parent / "accounts").glob("*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "sqlite3" not in text, path
        assert ".execute(" not in text, path


def test_every_service_write_appends_to_the_audit_log(
    edits: EditService, signed_in, store: EditsStore, tmp_path: Path
) -> None:
    from stabilis.accounts import AccountService

    accounts = AccountService(store)
    ana, erin = signed_in("ana"), signed_in("erin")
    writes = [
        lambda: accounts.add_user("cy", "long enough pw", "viewer", actor=erin),
        lambda: accounts.set_role("cy", "analyst", actor=erin),
        lambda: accounts.disable("cy", actor=erin),
        lambda: accounts.sign_in("ana", "correct horse battery"),
        lambda: accounts.create_token("ana", "correct horse battery"),
        lambda: accounts.revoke(
            accounts.create_token("ana", "correct horse battery").token, actor=ana
        ),
        lambda: edits.propose(ana, table="programmes", fields=MDA_STEP, note="n"),
        lambda: edits.revise(ana, "E-1", revision=1, note="n2"),
        lambda: edits.review(erin, "E-1", decision="approve"),
        lambda: edits.add_note(ana, subject_kind="forecast", subject_id="MDA:coup", body="b"),
        lambda: store.restore(store.backup(tmp_path / "b.sqlite"), actor="operator"),
    ]
    for write in writes:
        before = store.audit_count()
        write()
        assert store.audit_count() > before, write
    failed = store.audit_count()
    with pytest.raises(AuthenticationError):
        accounts.sign_in("ana", "not the password")
    assert store.audit_count() == failed + 1
    assert store.audit_log(1)[0]["action"] == "sign_in.failed"


def test_backup_and_restore_round_trip(edits: EditService, signed_in, store, tmp_path) -> None:
    edits.propose(signed_in("ana"), table="programmes", fields=MDA_STEP, note="keep me")
    backup = store.backup(tmp_path / "backup.sqlite")
    edits.add_note(signed_in("ana"), subject_kind="country", subject_id="MDA", body="later")
    counts = store.restore(backup, actor="operator:test")
    assert counts["edits"] == 1
    assert edits.get("E-1")["note"] == "keep me"
    assert edits.notes("country", "MDA") == []
    assert store.audit_log(1)[0]["action"] == "store.restore"
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        store.restore(junk, actor="operator:test")
    assert edits.get("E-1")["note"] == "keep me"


def test_edit_ids_parse() -> None:
    assert parse_edit_id("E-12") == 12 and parse_edit_id("e12") == 12 and parse_edit_id("7") == 7
    with pytest.raises(NotFoundError):
        parse_edit_id("twelve")


def test_approved_edits_enter_the_registry_with_their_id(edits, signed_in) -> None:
    edits.propose(signed_in("ana"), table="programmes", fields=MDA_STEP, note="n")
    edits.review(signed_in("erin"), "E-1", decision="approve")
    registry = load_registry(edits=edits.store.approved_edits())
    records = registry.country_records("MDA", 2025).set_index("id")
    assert records.loc["DCB-MDA-2025", "provenance"] == "E-1"
    assert records.loc["DCB-MDA-2025", "status_as_of"] == "active"
    assert records.loc["DCB-MDA-2025", "evidence"] == "preferred"
