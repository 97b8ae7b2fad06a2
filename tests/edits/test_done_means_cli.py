"""The issue's "Done means", typed at the command line on a copy of the built warehouse:
add an editor and an analyst; the analyst proposes Moldova's next DCB step with a source; the
editor approves; build; the fact shows in ``registry frameworks MDA`` and the country's records
with its edit id; the audit log shows both actions."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stabilis.cli.main import get_app
from stabilis.errors import StabilisError
from stabilis.workspace import Workspace

from .conftest import NATO_DCB, PASSWORD

pytestmark = pytest.mark.integration


def exit_code(result) -> int:
    """The exit code the installed command gives (its one handler maps StabilisError)."""
    if isinstance(result.exception, StabilisError):
        return result.exception.exit_code
    return int(result.exit_code)


def message(result) -> str:
    return str(result.exception) if result.exception else result.output


def copy_data_dir(built: Workspace, target: Path) -> Path:
    """The built data folder, snapshots hard-linked (they are immutable), warehouse copied."""
    source = built.settings.data_dir
    shutil.copytree(source / "snapshots", target / "snapshots", copy_function=os.link)
    shutil.copy2(built.settings.warehouse_path, target / "warehouse.duckdb")
    return target


@pytest.fixture
def cli(built: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    data_dir = copy_data_dir(built, tmp_path / "data")
    monkeypatch.setenv("STABILIS_PASSWORD", PASSWORD)
    runner = CliRunner()
    app = get_app()

    def invoke(*args: str):
        return runner.invoke(app, ["--data-dir", str(data_dir), *args])

    invoke.data_dir = data_dir  # type: ignore[attr-defined]
    return invoke


def test_analyst_proposes_editor_approves_build_shows_the_fact(cli) -> None:
    assert cli("users", "add", "erin", "--role", "editor").exit_code == 0
    assert cli("users", "add", "ana", "--role", "analyst").exit_code == 0
    listed = cli("users", "list", "--json")
    assert [u["role"] for u in json.loads(listed.stdout)["data"]] == ["analyst", "editor"]
    assert PASSWORD not in listed.stdout

    proposed = cli(
        "registry", "propose", "--user", "ana", "--table", "programmes",
        "--field", "country_iso3=MDA",
        "--field", "programme=Defence Capacity Building",
        "--field", "milestone=enhanced DCB package agreed",
        "--field", "kind=defence capacity building",
        "--field", "start_date=2025-06",
        "--source", NATO_DCB,
        "--note", "NATO topic page on DCB lists the enhanced package for Moldova.",
        "--json",
    )  # fmt: skip
    assert proposed.exit_code == 0, proposed.output
    edit_id = json.loads(proposed.stdout)["data"]["edit_id"]
    assert edit_id == "E-1"

    # The analyst cannot approve their own edit; the editor can.
    refused = cli("registry", "approve", edit_id, "--user", "ana")
    assert exit_code(refused) == 10, refused.output
    assert "you need the editor role" in message(refused)
    pending = cli("registry", "review")
    assert "E-1 [proposed" in pending.stdout
    approved = cli("registry", "approve", edit_id, "--user", "erin", "--note", "checked")
    assert approved.exit_code == 0, approved.output

    # Not in the registry before the build...
    before = json.loads(cli("registry", "frameworks", "MDA", "--year", "2025", "--json").stdout)
    assert edit_id not in {p["provenance"] for p in before["data"]["programmes"]}
    built = cli("build")
    assert built.exit_code == 0, built.output
    after = json.loads(cli("registry", "frameworks", "MDA", "--year", "2025", "--json").stdout)
    added = [p for p in after["data"]["programmes"] if p["provenance"] == edit_id]
    assert len(added) == 1
    assert added[0]["milestone"] == "enhanced DCB package agreed"
    assert added[0]["status_as_of"] == "active"
    assert added[0]["source"] == NATO_DCB
    text = cli("registry", "records", "MDA", "--year", "2025")
    assert edit_id in text.stdout

    log = json.loads(cli("audit", "log", "--json").stdout)["data"]
    actions = [(e["actor"], e["action"], e["subject"]) for e in log]
    assert ("ana", "edit.propose", edit_id) in actions
    assert ("erin", "edit.approve", edit_id) in actions
    assert all(e["address"] for e in log)
    assert PASSWORD not in json.dumps(log)


def test_unknown_country_is_refused_with_a_clear_error(cli) -> None:
    result = cli("registry", "frameworks", "GOE")
    assert exit_code(result) == 8
    assert "no such country 'GOE'" in message(result)
    assert cli("registry", "records", "BRA").exit_code == 0  # a country, just not in the registry


def test_notes_and_backup_restore_from_the_shell(cli, tmp_path: Path) -> None:
    assert cli("users", "add", "ana", "--role", "analyst").exit_code == 0
    added = cli("notes", "add", "Watch the 2025 election.", "--user", "ana", "--country", "mda")
    assert added.exit_code == 0, added.output
    backup = tmp_path / "edits-backup.sqlite"
    assert cli("audit", "backup", str(backup)).exit_code == 0
    assert cli("notes", "add", "later", "--user", "ana", "--country", "MDA").exit_code == 0
    restored = cli("audit", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    notes = json.loads(cli("notes", "list", "--country", "MDA", "--json").stdout)["data"]
    assert [n["body"] for n in notes] == ["Watch the 2025 election."]
    bad = cli("notes", "add", "x", "--user", "ana", "--country", "GOE")
    assert exit_code(bad) == 8
    wrong = cli("users", "set-role", "ana", "emperor")
    assert exit_code(wrong) == 10


def test_a_build_refuses_an_approved_edit_citing_a_disinfo_outlet(cli) -> None:
    """Approval checks the outlets too; this guards the build against an edit approved before
    the outlet appeared in EUvsDisinfo (simulated by writing it straight into the store)."""
    from stabilis.config import Settings
    from stabilis.errors import RegistryError
    from stabilis.store.edits import EditsStore

    data_dir = cli.data_dir
    store = EditsStore.in_data_dir(data_dir)
    fields = {
        "country_iso3": "MDA",
        "programme": "Defence Capacity Building",
        "kind": "defence capacity building",
        "start_date": "2025",
        "source": f"{NATO_DCB} | https://albidda.net/2025/x",
    }
    with store.write() as tx:
        number = tx.insert_edit("add", "programmes", "", fields, "n", "", "ana")
        tx.review_edit(number, 1, "approved", "erin", "")
        tx.audit(actor="test", action="edit.approve", subject=f"E-{number}")
    ws = Workspace(Settings(data_dir=data_dir))
    before = ws.registry.table("programmes")
    with pytest.raises(RegistryError, match=r"albidda\.net"):
        ws.build()
    assert len(Workspace(Settings(data_dir=data_dir)).registry.table("programmes")) == len(before)
