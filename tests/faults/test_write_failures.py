"""A full disk, a build killed at the rename, a binary file: one error shape, nothing left behind.

The disk fills up for real: the child process runs under ``RLIMIT_FSIZE`` (no file it writes may
grow past the limit; ``SIGXFSZ`` is ignored so the write fails with ``EFBIG`` as on a full disk).
"""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from stabilis.errors import DataFileError, PullError, WarehouseError
from tests.faults.conftest import copy_data

pytestmark = pytest.mark.integration

SRC = str(Path(__file__).resolve().parents[2] / "src")
CLI = "import sys; from stabilis.cli.main import run; sys.argv[0] = 'stabilis'; run()"


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def _run(
    args: list[str], *, code: str = CLI, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": SRC},
        preexec_fn=_limit_file_size(limit) if limit else None,
        check=False,
    )


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_full_disk_during_a_build_is_one_error_and_the_warehouse_is_intact(built, tmp_path):
    ws = copy_data(built, tmp_path / "data")
    before = _digest(ws.settings.warehouse_path)
    size = ws.settings.warehouse_path.stat().st_size
    result = _run(["--data-dir", str(ws.settings.data_dir), "build", "--full"], limit=size // 3)
    assert result.returncode == WarehouseError.exit_code, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "the disk is full" in result.stderr and "previous warehouse is unchanged" in result.stderr
    )
    assert _digest(ws.settings.warehouse_path) == before
    assert not ws.warehouse.building_path.exists()


def test_a_full_disk_during_a_pull_is_one_error_and_leaves_no_temporary_file(mirror, tmp_path):
    result = _run(
        ["--data-dir", str(tmp_path), "--mirror", str(mirror), "pull", "--source", "vdem"],
        limit=1 << 20,
    )
    assert result.returncode == PullError.exit_code, result.stderr
    assert "Traceback" not in result.stderr and "the disk is full" in result.stderr
    leftovers = [p for p in (tmp_path / "snapshots").rglob("*") if p.is_file()]
    assert [p.name for p in leftovers] == [".pull.lock"]


KILL_AT_RENAME = (
    "import os, signal, sys\n"
    "real = os.replace\n"
    "def replace(a, b):\n"
    "    if str(b).endswith('warehouse.duckdb'):\n"
    "        os.kill(os.getpid(), signal.SIGKILL)\n"
    "    return real(a, b)\n"
    "os.replace = replace\n" + CLI
)


def test_a_build_killed_at_the_rename_leaves_the_previous_warehouse_and_the_next_build_right(
    built, mirror, tmp_path
):
    ws = copy_data(built, tmp_path / "data")
    changed_mirror = tmp_path / "mirror" / "gdelt"
    changed_mirror.mkdir(parents=True)
    codes = (mirror / "gdelt" / "cameo_event_codes.csv").read_text(encoding="utf-8")
    (changed_mirror / "cameo_event_codes.csv").write_text(
        codes.replace("Decline comment", "Decline to comment", 1), encoding="utf-8"
    )
    for other in (mirror / "gdelt").iterdir():
        if not (changed_mirror / other.name).exists():
            (changed_mirror / other.name).symlink_to(other)
    data = str(ws.settings.data_dir)
    assert (
        _run(
            ["--data-dir", data, "--mirror", str(tmp_path / "mirror"), "pull", "-s", "gdelt"]
        ).returncode
        == 0
    )
    before = _digest(ws.settings.warehouse_path)
    killed = _run(["--data-dir", data, "build"], code=KILL_AT_RENAME)
    assert killed.returncode == -signal.SIGKILL
    assert _digest(ws.settings.warehouse_path) == before
    with ws.warehouse.reader() as db:
        assert db.scalar("SELECT count(*) FROM cameo_codes") > 0
    again = _run(["--data-dir", data, "build"])
    assert again.returncode == 0, again.stderr
    assert not ws.warehouse.building_path.exists()
    with ws.warehouse.reader() as db:
        labels = db.query("SELECT * FROM cameo_codes")
    assert labels.astype(str).apply(lambda c: c.str.contains("Decline to comment")).any().any()


def test_a_binary_file_in_a_sources_place_is_one_error_naming_it(built, tmp_path, damaged_mirror):
    ws = copy_data(built, tmp_path / "data")
    root = damaged_mirror("polity5/polity5_annual_1776_2018.csv", os.urandom(4096) + b"\x00" * 64)
    data = str(ws.settings.data_dir)
    assert (
        _run(["--data-dir", data, "--mirror", str(root), "pull", "-s", "polity5"]).returncode == 0
    )
    before = _digest(ws.settings.warehouse_path)
    result = _run(["--data-dir", data, "build"])
    assert result.returncode == DataFileError.exit_code, result.stderr
    assert "Traceback" not in result.stderr
    assert "polity5_annual_1776_2018.csv" in result.stderr and "binary" in result.stderr
    assert _digest(ws.settings.warehouse_path) == before
