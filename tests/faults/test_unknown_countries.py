"""An unknown country stops the build (file, row, column, the name or code, how to explain it);
``unknown_countries = "report"`` builds and reports it instead. Workbooks load through pull."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from stabilis.config import Settings
from stabilis.errors import ConfigError, DataFileError
from stabilis.sources import get_source
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration

POLITY = get_source("polity5").SPEC.file("annual").mirror_path


def _small_mirror(root: Path, mirror: Path, *extra: str) -> Path:
    files = [f.mirror_path for f in get_source("reference").SPEC.files]
    for path in (*files, POLITY, *extra):
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror / path, root / path)
    return root


def _invent_a_country(path: Path, line: int) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for column, value in (
        ("polity_annual_ccode", "998"),
        ("GWn", "998"),
        ("cown", "998"),
        ("scode", "ATL"),
        ("polity_annual_country", "Atlantis"),
    ):
        rows[line - 1][header.index(column)] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_an_unknown_country_stops_the_build_naming_file_row_column_and_the_fix(tmp_path, mirror):
    root = _small_mirror(tmp_path / "mirror", mirror)
    _invent_a_country(root / POLITY, 40)
    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(root)))
    ws.pull(["reference", "polity5"])
    with pytest.raises(DataFileError) as caught:
        ws.build()
    error = caught.value
    assert (error.row, error.column) == (40, "polity_annual_country")
    assert "polity5_annual_1776_2018.csv" in error.file
    assert "'Atlantis'" in error.message
    assert "'name,Atlantis,<why it has no ISO3>'" in error.message
    assert "unmatched_explained.csv" in error.message
    assert "STABILIS_UNKNOWN_COUNTRIES=report" in error.message
    assert not ws.warehouse.exists()


def test_with_report_the_build_goes_on_and_the_quality_report_lists_the_row(tmp_path, mirror):
    root = _small_mirror(tmp_path / "mirror", mirror)
    _invent_a_country(root / POLITY, 40)
    ws = Workspace(
        Settings(data_dir=tmp_path / "data", mirror=str(root), unknown_countries="report")
    )
    ws.pull(["reference", "polity5"])
    report = ws.build()
    assert sum(s.unexplained for s in report.steps) >= 1
    rows = ws.quality(unexplained_only=True)
    assert 40 in set(rows["row"]) and set(rows["source"]) == {"polity5"}


def test_the_setting_accepts_only_stop_or_report(tmp_path, monkeypatch):
    monkeypatch.setenv("STABILIS_UNKNOWN_COUNTRIES", "ignore")
    with pytest.raises(ConfigError, match="'stop' or 'report'"):
        Settings.load(data_dir=tmp_path)
    monkeypatch.setenv("STABILIS_UNKNOWN_COUNTRIES", "Report")
    assert Settings.load(data_dir=tmp_path).unknown_countries == "report"


def test_a_workbook_under_a_csv_name_is_stored_as_xlsx_and_builds(tmp_path, mirror):
    import openpyxl

    fsi = get_source("fsi").SPEC.files[0].mirror_path
    root = _small_mirror(tmp_path / "mirror", mirror)
    book = openpyxl.Workbook()
    sheet = book.active
    with (mirror / fsi).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows:
        sheet.append([float(v) if v.replace(".", "", 1).isdigit() else v for v in row])
    (root / fsi).parent.mkdir(parents=True, exist_ok=True)
    book.save(root / fsi)  # a real .xlsx, under the mirror's .csv name
    ws = Workspace(Settings(data_dir=tmp_path / "data", mirror=str(root)))
    pulled = {r.source: r for r in ws.pull(["reference", "polity5", "fsi"])}
    assert pulled["fsi"].snapshot.path.suffix == ".xlsx"
    report = ws.build()
    step = next(s for s in report.steps if s.step == "fsi")
    assert step.status == "built" and step.rows > 0
    with ws.warehouse.reader() as db:
        values = db.scalar("SELECT count(*) FROM indicators WHERE source = 'fsi'")
    assert values > 0
