"""Pulling from an offline mirror folder and over HTTP (a server on loopback), with snapshots."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import PullError, SnapshotError
from stabilis.ingest.pull import pull
from stabilis.ingest.snapshots import current_snapshots, list_snapshots
from stabilis.sources import get_source

POLITY_PATH = get_source("polity5").SPEC.file("annual").mirror_path
POLITY = (
    "p5,cyear,polity_annual_ccode,scode,polity_annual_country,year,democ,autoc,polity,polity2,"
    "durable,extended_country_name,GWn,cown,in_GW_system\n"
    "0,2001990,200,UKG,United Kingdom,1990,10,0,10,10,100,United Kingdom,200,200,True\n"
)


@pytest.fixture
def mirror_dir(tmp_path: Path) -> Path:
    root = tmp_path / "mirror"
    (root / POLITY_PATH).parent.mkdir(parents=True)
    (root / POLITY_PATH).write_text(POLITY)
    return root


def settings_for(tmp_path: Path, mirror: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", mirror=mirror, timeout=5)


def test_pull_from_mirror_writes_snapshot_and_sidecar(tmp_path, mirror_dir):
    results = pull(settings_for(tmp_path, str(mirror_dir)), ["polity5"])
    assert [r.status for r in results] == ["new"]
    snap = results[0].snapshot
    assert snap.path.read_text() == POLITY
    sidecar = json.loads(snap.sidecar.read_text())
    assert sidecar["source"] == "polity5" and sidecar["file_key"] == "annual"
    assert sidecar["size"] == len(POLITY.encode())
    assert sidecar["licence"] and sidecar["citation"] and sidecar["url"].startswith("http")
    assert len(sidecar["sha256"]) == 64 and sidecar["retrieved_at"].endswith("Z")
    snap.verify()


def test_repull_of_unchanged_file_is_a_no_op(tmp_path, mirror_dir):
    settings = settings_for(tmp_path, str(mirror_dir))
    first = pull(settings, ["polity5"])[0].snapshot
    second = pull(settings, ["polity5"])
    assert second[0].status == "unchanged"
    assert second[0].snapshot.path == first.path
    assert len(list_snapshots(settings.snapshot_dir)) == 1


def test_changed_file_becomes_new_snapshot_and_old_is_kept(tmp_path, mirror_dir):
    settings = settings_for(tmp_path, str(mirror_dir))
    old = pull(settings, ["polity5"])[0].snapshot
    (mirror_dir / POLITY_PATH).write_text(
        POLITY + POLITY.splitlines()[1].replace("1990", "1991") + "\n"
    )
    new = pull(settings, ["polity5"])[0]
    assert new.status == "new"
    assert old.path.exists() and new.snapshot.path != old.path
    assert len(list_snapshots(settings.snapshot_dir)) == 2
    assert current_snapshots(settings.snapshot_dir)[("polity5", "annual")].path == new.snapshot.path


def test_missing_mirror_file_says_where_to_get_it(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        PullError, match=r"has no file polity5/.*Copy the file there from https?://"
    ):
        pull(settings_for(tmp_path, str(tmp_path / "empty")), ["polity5"])


def test_missing_mirror_folder_is_named(tmp_path):
    with pytest.raises(PullError, match="does not exist"):
        pull(settings_for(tmp_path, str(tmp_path / "nowhere")), ["polity5"])


def test_tampered_snapshot_is_detected(tmp_path, mirror_dir):
    snap = pull(settings_for(tmp_path, str(mirror_dir)), ["polity5"])[0].snapshot
    snap.path.write_text(POLITY.replace("10,0", "9,1"))
    with pytest.raises(SnapshotError, match="changed after it was pulled"):
        snap.verify()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_mirror(mirror_dir: Path) -> Iterator[str]:
    """The mirror folder served over HTTP on a free loopback port."""
    handler = functools.partial(_QuietHandler, directory=str(mirror_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_download_over_http_matches_the_mirror_file(tmp_path, http_mirror):
    settings = settings_for(tmp_path, http_mirror)
    result = pull(settings, ["polity5"])[0]
    assert result.status == "new"
    assert result.snapshot.path.read_text() == POLITY
    assert result.snapshot.provenance.retrieved_from.startswith("http://127.0.0.1:")
    assert pull(settings, ["polity5"])[0].status == "unchanged"


def test_http_404_is_a_clear_error(tmp_path, http_mirror):
    with pytest.raises(PullError, match="HTTP 404"):
        pull(settings_for(tmp_path, http_mirror + "elsewhere/"), ["polity5"])


def test_unreachable_host_suggests_the_offline_mirror(tmp_path):
    # Port 9 on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(PullError, match="offline mirror"):
        pull(settings_for(tmp_path, "http://127.0.0.1:9/"), ["polity5"])
