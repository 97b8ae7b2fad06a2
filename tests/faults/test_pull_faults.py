"""Pulls that race, die or lose their connection leave only whole, verified snapshots."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import PullError, SnapshotError
from stabilis.ingest.snapshots import current_snapshots, list_snapshots
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration

#: Sources whose files the races pull (a few megabytes: big enough to overlap, quick to copy).
SOME = ("polity5", "ucdp", "cyber", "state_system")

CLI = "import sys; from stabilis.cli.main import run; sys.argv[0] = 'stabilis'; run()"


def stabilis(*args: str, **kw: object) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kw,  # type: ignore[arg-type]
    )


def _sources(*names: str) -> list[str]:
    return [arg for name in names for arg in ("--source", name)]


def _all_intact(data: Path) -> int:
    snaps = current_snapshots(data / "snapshots")
    for snap in snaps.values():
        snap.verify()
    return len(snaps)


@pytest.mark.slow
def test_two_concurrent_pulls_are_safe_every_time(mirror, tmp_path):
    rounds, safe = 5, 0
    for i in range(rounds):
        data = tmp_path / f"round{i}"
        args = ["--data-dir", str(data), "--mirror", str(mirror), "pull", *_sources(*SOME)]
        first, second = stabilis(*args), stabilis(*args)
        outcomes = [(p.wait(timeout=300), *p.communicate()) for p in (first, second)]
        codes = sorted(code for code, _, _ in outcomes)
        errors = " ".join(err for _, _, err in outcomes)
        assert "Traceback" not in errors
        assert codes in ([0, 0], [0, PullError.exit_code]), errors
        if PullError.exit_code in codes:
            assert "Another pull into" in errors
        assert _all_intact(data) == sum(
            len(__import__("stabilis.sources", fromlist=["x"]).get_source(s).SPEC.files)
            for s in SOME
        )
        assert not (data / "snapshots" / ".incoming").exists()
        safe += 1
    assert safe == rounds


def test_a_pull_killed_mid_copy_leaves_no_half_snapshot_and_the_next_pull_completes(
    mirror, tmp_path
):
    data = tmp_path / "data"
    args = ["--data-dir", str(data), "--mirror", str(mirror), "pull", *_sources("vdem", "wgi")]
    proc = stabilis(*args)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (data / "snapshots" / ".incoming").exists():
        time.sleep(0.005)
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    for snap in list_snapshots(data / "snapshots"):
        snap.verify()  # whatever was stored is whole
    again = stabilis(*args)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert _all_intact(data) == 4
    leftovers = [p for p in (data / "snapshots").rglob("*") if p.name.startswith((".tmp-",))]
    assert leftovers == [] and not (data / "snapshots" / ".incoming").exists()


class _Truncating(http.server.BaseHTTPRequestHandler):
    """Announces the whole file, sends half of it and hangs up (a lost connection)."""

    body = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body[: len(self.body) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


def test_a_lost_connection_is_a_pull_error_and_stores_nothing(mirror, tmp_path):
    _Truncating.body = (mirror / "polity5" / "polity5_annual_1776_2018.csv").read_bytes()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Truncating)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        ws = Workspace(Settings(data_dir=tmp_path, mirror=url, timeout=10))
        with pytest.raises(PullError) as caught:
            ws.pull(["polity5"])
    finally:
        server.shutdown()
        server.server_close()
    assert "was lost" in caught.value.message and "Nothing was stored" in caught.value.message
    assert list_snapshots(tmp_path / "snapshots") == []
    assert not (tmp_path / "snapshots" / ".incoming").exists()


def test_a_snapshot_damaged_later_is_quarantined_and_the_next_pull_repairs_it(built, tmp_path):
    from tests.faults.conftest import copy_data

    ws = copy_data(built, tmp_path / "data")
    snap = current_snapshots(ws.settings.snapshot_dir)[("ucdp", "acd")]
    snap.path.unlink()
    snap.path.write_bytes(b"not the file any more\n")
    before = os.stat(ws.settings.warehouse_path)
    with pytest.raises(SnapshotError) as caught:
        ws.build()
    message = caught.value.message
    assert "no longer matches its provenance sidecar" in message
    assert "snapshots/.quarantine/ucdp/acd/" in message and "stabilis pull" in message
    assert os.stat(ws.settings.warehouse_path).st_ino == before.st_ino
    results = {(r.source, r.file_key): r for r in ws.pull(["ucdp"])}
    assert results[("ucdp", "acd")].status == "new"
    assert _all_intact(ws.settings.data_dir) >= 1
    assert not ws.build().changed  # the repaired file is the one the warehouse was built from


def test_a_pull_quarantines_a_damaged_current_snapshot_and_stores_it_again(built, tmp_path):
    from tests.faults.conftest import copy_data

    ws = copy_data(built, tmp_path / "data")
    snap = current_snapshots(ws.settings.snapshot_dir)[("polity5", "annual")]
    snap.path.unlink()
    snap.path.write_bytes(snap.path.name.encode())
    (result,) = ws.pull(["polity5"])
    assert result.status == "new" and result.repaired is not None
    assert result.repaired.startswith(".quarantine/polity5/annual/")
    assert (ws.settings.snapshot_dir / result.repaired).is_dir()
    assert _all_intact(ws.settings.data_dir) >= 1


def test_a_second_pull_while_one_holds_the_lock_is_refused(tmp_path, mirror):
    import fcntl

    snapshots = tmp_path / "snapshots"
    snapshots.mkdir()
    with (snapshots / ".pull.lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        ws = Workspace(Settings(data_dir=tmp_path, mirror=str(mirror)))
        with pytest.raises(PullError, match="Another pull into"):
            ws.pull(["polity5"])
