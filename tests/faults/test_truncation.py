"""Truncated source files stop the build, for every source and every way a file gets cut.

Three ways a copy or a download gets cut:

* inside the last field (the file does not end with a line break): refused by the parser;
* early in a row, in the middle of the file (no final line break either): refused by the parser;
* at a row boundary (a clean end, fewer rows): parses, and is stopped by the shrink guard of the
  build, which compares the new snapshot with what the warehouse holds.

Each test damages a copy of the real mirror file (the mirror itself is never touched).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import DataFileError, PullError, SnapshotError, StabilisError
from stabilis.ingest.build import SHRINK_TOLERANCE
from stabilis.sources import SOURCE_MODULES, get_source
from stabilis.store.freshness import file_stamp
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration

FILES = [
    (name, f.key, f.mirror_path) for name in SOURCE_MODULES for f in get_source(name).SPEC.files
]


def _cut_inside_last_field(raw: bytes) -> bytes:
    return raw.rstrip(b"\r\n")[:-2]


def _cut_early_in_a_row(raw: bytes) -> bytes:
    boundary = raw.index(b"\n", len(raw) // 2) + 1
    if boundary >= len(raw):  # one line (a TopoJSON file): cut it in the middle
        return raw[: len(raw) // 2]
    return raw[: boundary + 3]


def _cut_at_a_row_boundary(raw: bytes) -> bytes:
    return raw[: raw.index(b"\n", int(len(raw) * 0.6)) + 1]


@pytest.mark.parametrize("cut", [_cut_inside_last_field, _cut_early_in_a_row])
@pytest.mark.parametrize(("source", "key", "mirror_path"), FILES)
def test_a_file_cut_inside_a_row_is_refused_naming_the_file(
    mirror, tmp_path, source, key, mirror_path, cut
):
    raw = (mirror / mirror_path).read_bytes()
    if get_source(source).SPEC.file(key).sha256 and not raw.endswith(b"\n"):
        # A producer file without a final line break: the spec's checksum refuses a cut copy.
        root = tmp_path / "mirror"
        (root / mirror_path).parent.mkdir(parents=True)
        (root / mirror_path).write_bytes(cut(raw))
        ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(root)))
        with pytest.raises(PullError, match="does not match the producer's checksum"):
            ws.pull([source])
        return
    path = tmp_path / Path(mirror_path).name
    path.write_bytes(cut(raw))
    with pytest.raises(DataFileError) as caught:
        get_source(source).parse(key, path)
    assert str(path) in caught.value.message


def _largest_file(source: str, mirror: Path) -> str:
    files = get_source(source).SPEC.files
    return max(files, key=lambda f: (mirror / f.mirror_path).stat().st_size).mirror_path


@pytest.mark.slow
@pytest.mark.parametrize("source", list(SOURCE_MODULES))
def test_a_file_cut_at_a_row_boundary_stops_the_build(data_copy, mirror, damaged_mirror, source):
    from stabilis.config import Settings
    from stabilis.workspace import Workspace

    mirror_path = _largest_file(source, mirror)
    raw = (mirror / mirror_path).read_bytes()
    if raw.count(b"\n") <= 1:
        pytest.skip(f"{mirror_path} is one line: every cut is inside it (tested above)")
    root = damaged_mirror(mirror_path, _cut_at_a_row_boundary(raw))
    data = data_copy.settings.data_dir
    damaged = Workspace(Settings(data_dir=data, mirror=str(root)))
    if any(f.sha256 and f.mirror_path == mirror_path for f in get_source(source).SPEC.files):
        with pytest.raises(PullError, match="does not match the producer's checksum"):
            damaged.pull([source])  # stopped at the pull: the spec knows the producer's sha256
        return
    damaged.pull([source])
    before = file_stamp(data_copy.settings.warehouse_path)
    try:
        with pytest.raises(StabilisError) as caught:
            damaged.build()
        assert file_stamp(data_copy.settings.warehouse_path) == before
        assert not data_copy.warehouse.building_path.exists()
        error = caught.value
        assert isinstance(error, SnapshotError | DataFileError)
        if isinstance(error, SnapshotError):
            assert "holds much less than the warehouse" in error.message
            assert f"--accept-shrink {source}" in error.message
            assert f"{SHRINK_TOLERANCE:.0%}" in error.message
    finally:
        data_copy.pull([source])  # the real file again: the next test starts from a good state


def test_an_accepted_shrink_is_built_and_logged(built, mirror, damaged_mirror, tmp_path):
    from stabilis.config import Settings
    from stabilis.workspace import Workspace
    from tests.faults.conftest import copy_data

    ws = copy_data(built, tmp_path / "data")
    mirror_path = "polity5/polity5_annual_1776_2018.csv"
    raw = (mirror / mirror_path).read_bytes()
    root = damaged_mirror(mirror_path, _cut_at_a_row_boundary(raw))
    damaged = Workspace(Settings(data_dir=ws.settings.data_dir, mirror=str(root)))
    damaged.pull(["polity5"])
    report = damaged.build(accept_shrink=["polity5"])
    step = next(s for s in report.steps if s.step == "polity5")
    assert step.status == "built" and step.accepted_shrink
    with ws.warehouse.reader() as db:
        log = db.build_log()
    assert list(log["step"].unique()) == ["polity5"]
    assert any("indicators: rows" in d for d in log["detail"])


def test_an_unknown_source_for_accept_shrink_is_refused(built):
    from stabilis.errors import NotFoundError

    with pytest.raises(NotFoundError, match="unknown source: nosuch"):
        built.build(accept_shrink=["nosuch"])
