"""A bad file stops the build with file/row/column, loads nothing, and keeps the old warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import DataFileError
from stabilis.sources import get_source
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration

POLITY = get_source("polity5").SPEC.file("annual").mirror_path


@pytest.fixture
def small_mirror(tmp_path: Path, mirror: Path) -> Path:
    """A mirror with the reference files and Polity5 only (copies made by the test)."""
    root = tmp_path / "mirror"
    for f in (*get_source("reference").SPEC.files, get_source("polity5").SPEC.file("annual")):
        (root / f.mirror_path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / f.mirror_path, root / f.mirror_path)
    return root


def corrupt(path: Path, line: int, column: str, value: str) -> None:
    import csv

    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[line - 1][rows[0].index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("polity2", "12", "above the valid range"),
        ("year", "19x5", "is not a number"),
    ],
)
def test_bad_value_names_file_row_column_and_keeps_previous_warehouse(
    tmp_path, small_mirror, column, value, message
):
    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(small_mirror)))
    ws.pull(["reference", "polity5"])
    ws.build()
    before = ws.panel(["polity5.polity2"], countries=["GEO"], years=(1991, 2018))

    corrupt(small_mirror / POLITY, 4990, column, value)
    assert ws.pull(["polity5"])[0].status == "new"
    with pytest.raises(DataFileError) as info:
        ws.build()
    error = info.value
    assert error.row == 4990 and error.column == column
    assert "polity5_annual_1776_2018.csv" in error.file and message in str(error)

    after = ws.panel(["polity5.polity2"], countries=["GEO"], years=(1991, 2018))
    assert after.equals(before)
    assert not ws.warehouse.building_path.exists()


def test_renamed_column_is_refused_before_anything_loads(tmp_path, small_mirror):
    path = small_mirror / POLITY
    path.write_text(path.read_text().replace(",polity2,", ",polity_2,", 1))
    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(small_mirror)))
    ws.pull(["reference", "polity5"])
    with pytest.raises(
        DataFileError, match=r"column 'polity2'.*Did the producer rename 'polity_2'"
    ):
        ws.build()
    assert not ws.warehouse.path.exists()


def test_removed_source_is_dropped_from_the_warehouse(tmp_path, small_mirror):
    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(small_mirror)))
    ws.pull(["reference", "polity5"])
    ws.build()
    assert len(ws.indicators(source="polity5"))
    shutil.rmtree(ws.settings.snapshot_dir / "polity5")
    report = ws.build()
    assert report.changed
    assert ws.indicators(source="polity5").empty
    assert ws.quality(source="polity5").empty


def test_warehouse_of_another_schema_version_is_rebuilt_from_scratch(tmp_path, small_mirror):
    import duckdb

    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(small_mirror)))
    ws.pull(["reference", "polity5"])
    ws.build()
    con = duckdb.connect(str(ws.warehouse.path))
    con.execute("UPDATE meta SET value = 'old' WHERE key = 'schema_version'")
    con.close()
    report = ws.build()
    assert report.changed
    assert {s.status for s in report.steps} == {"built"}
