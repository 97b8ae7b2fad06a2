"""Two people at once, and a process killed mid-write: nothing approved is ever lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from stabilis.accounts import AccountService
from stabilis.edits import EditService
from stabilis.errors import ConflictError
from stabilis.store.edits import EditsStore

from .conftest import PASSWORD

SRC = Path(__file__).resolve().parents[2] / "src"


def test_two_analysts_correcting_the_same_row_at_once(
    edits: EditService, signed_in, store: EditsStore
) -> None:
    """Both proposals are kept; the editor can approve one; the other gets a conflict."""
    ana, bo, erin = signed_in("ana"), signed_in("bo"), signed_in("erin")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def propose(user, text: str) -> None:
        barrier.wait()
        results[user.username] = edits.propose(
            user, table="programmes", row_id="IPAP-MDA", fields={"notes": text}, note=text
        )

    threads = [
        threading.Thread(target=propose, args=(ana, "ana's correction")),
        threading.Thread(target=propose, args=(bo, "bo's correction")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = sorted(r["edit_id"] for r in results.values())  # type: ignore[index]
    assert ids == ["E-1", "E-2"]

    outcomes: dict[str, str] = {}

    def approve(edit_id: str) -> None:
        barrier.wait()
        try:
            edits.review(erin, edit_id, decision="approve")
            outcomes[edit_id] = "approved"
        except ConflictError:
            outcomes[edit_id] = "conflict"

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["approved", "conflict"]
    loser = next(i for i, o in outcomes.items() if o == "conflict")
    kept = edits.get(loser)
    assert kept["status"] == "proposed" and kept["fields"]["notes"].endswith("correction")
    actions = [e["action"] for e in store.audit_log(50)]
    assert actions.count("edit.propose") == 2 and actions.count("edit.approve") == 1


WORKER = textwrap.dedent(
    """
    import sys
    from stabilis.accounts import AccountService, User
    from stabilis.edits import EditService
    from stabilis.store.edits import EditsStore
    import stabilis.accounts.passwords as passwords
    from argon2 import PasswordHasher

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords._hasher = lambda: cheap
    store = EditsStore(sys.argv[1])
    accounts = AccountService(store)
    edits = EditService(store)
    ana = accounts.verify("ana", sys.argv[2])
    erin = accounts.verify("erin", sys.argv[2])
    i = 0
    while True:
        i += 1
        edit = edits.propose(ana, table="programmes", note=f"n{i}", fields={
            "country_iso3": "MDA", "programme": "Defence Capacity Building",
            "milestone": f"step {i}", "kind": "defence capacity building",
            "start_date": "2025", "source": "https://www.nato.int/cps/en/natohq/x.htm"})
        done = edits.review(erin, edit["edit_id"], decision="approve")
        print(done["edit_id"], flush=True)
    """
)


@pytest.mark.slow
def test_a_server_killed_mid_write_loses_no_approved_edit(
    accounts: AccountService, store: EditsStore, tmp_path: Path
) -> None:
    """A worker approves edits in a loop and is killed with SIGKILL; every approval it reported
    (after the commit) is in the store, approved, with its audit record; the store is intact."""
    script = tmp_path / "worker.py"
    script.write_text(WORKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    reported: list[str] = []
    with subprocess.Popen(
        [sys.executable, str(script), str(store.path), PASSWORD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as worker:
        deadline = time.monotonic() + 60
        assert worker.stdout is not None and worker.stderr is not None
        while len(reported) < 3 and time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            reported.append(line.strip())
        time.sleep(0.05)  # let it get into the middle of the next write
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        errors = worker.stderr.read()
    assert len(reported) >= 3, errors
    assert worker.returncode == -signal.SIGKILL, errors

    approved = {e["edit_id"] for e in store.approved_edits()}
    assert set(reported) <= approved
    counts = store.check_backup(store.backup(tmp_path / "after-kill.sqlite"))
    assert counts["edits"] >= len(reported)
    audit = store.audit_log(10_000)
    approvals = {e["subject"] for e in audit if e["action"] == "edit.approve"}
    assert approved == approvals  # no approval without its audit record, none without the edit
    # The store still takes writes after the crash.
    EditService(store).add_note(
        accounts.verify("ana", PASSWORD), subject_kind="country", subject_id="MDA", body="ok"
    )
    assert json.dumps(store.notes("country", "MDA"))
