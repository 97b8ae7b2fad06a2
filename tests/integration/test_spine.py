"""Pull the whole offline mirror, build the warehouse, and check real facts against the files."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.conftest import NATO_ACCESSION_YEARS

from stabilis.config import Settings
from stabilis.sources import all_sources
from stabilis.store import Warehouse
from stabilis.workspace import Workspace

pytestmark = pytest.mark.integration


def source_value(path: Path, match: dict[str, str], column: str) -> float:
    """Read one value straight from a mirror CSV with the csv module (not with our parsers)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if all(row[k] == v for k, v in match.items()):
                return float(row[column])
    raise AssertionError(f"{match} not in {path}")


def test_every_staged_file_is_a_snapshot_in_the_warehouse(built: Workspace):
    snapshots = built.snapshots()
    expected = {(m.SPEC.name, f.key) for m in all_sources() for f in m.SPEC.files}
    assert set(zip(snapshots["source"], snapshots["file_key"], strict=True)) == expected
    assert snapshots["sha256"].str.len().eq(64).all()
    assert snapshots["licence"].str.len().gt(0).all()


def test_every_source_contributed_rows(built: Workspace):
    summary = built.summary()
    empty = [s["source"] for s in summary["sources"] if s["rows"] == 0]
    assert not empty, f"sources that loaded nothing: {empty}"


def test_quality_report_has_no_unexplained_rows(built: Workspace):
    unexplained = built.quality(unexplained_only=True)
    shown = unexplained.drop_duplicates(["source", "name", "code"]).head(30)
    assert unexplained.empty, "unexplained unmatched rows:\n" + shown.to_string()


def test_all_32_members_with_their_accession_years(built: Workspace):
    flags = built.panel(["nato.member"], countries=list(NATO_ACCESSION_YEARS), years=(1949, 2025))
    first = flags[flags["nato.member"] == 1].groupby("iso3")["year"].min().to_dict()
    assert first == NATO_ACCESSION_YEARS
    assert sorted(built.group_members("nato", 2024)) == sorted(NATO_ACCESSION_YEARS)


def test_every_pfp_partner_is_in_the_panel_malta_included(built: Workspace):
    pfp = set(built.registry.table("partnerships").query("framework_code == 'PFP'")["iso3"])
    assert "MLT" in pfp
    panel = built.panel(["fh.pr", "wgi.va_est"], countries=sorted(pfp), years=(1996, 2023))
    covered = set(panel.dropna(how="all", subset=["fh.pr", "wgi.va_est"])["iso3"])
    assert pfp <= covered, f"missing: {sorted(pfp - covered)}"


def test_vdem_value_equals_the_source_file(built: Workspace, mirror: Path):
    path = mirror / "vdem" / "vdem_v15_highlevel_indices_1789_2024.csv"
    for text_id, year in [("UKR", "2014"), ("GEO", "2008"), ("DEU", "1980"), ("MLT", "2020")]:
        expected = source_value(path, {"country_text_id": text_id, "year": year}, "v2x_polyarchy")
        got = built.panel(["vdem.v2x_polyarchy"], countries=[text_id], years=(int(year), int(year)))
        assert got["vdem.v2x_polyarchy"].iloc[0] == pytest.approx(expected, abs=1e-12)


def test_wgi_and_freedom_house_values_equal_the_source_files(built: Workspace, mirror: Path):
    wgi = source_value(
        mirror / "wgi" / "wgi_1996_2023_long.csv",
        {"code": "ROM", "year": "2010", "indicator": "pv"},
        "estimate",
    )
    fh = source_value(
        mirror / "freedom_house" / "fiw_ratings_1972_2024.csv",
        {"fh_country": "Georgia", "year": "2008"},
        "pr",
    )
    got = built.panel(["wgi.pv_est"], countries=["ROU"], years=(2010, 2010))
    assert got["wgi.pv_est"].iloc[0] == pytest.approx(wgi)
    got = built.panel(["fh.pr"], countries=["GEO"], years=(2008, 2008))
    assert got["fh.pr"].iloc[0] == fh


@pytest.mark.parametrize(
    ("iso3", "year", "indicator"),
    [
        ("DEU", 1980, "vdem.v2x_polyarchy"),  # West Germany
        ("DDR", 1980, "vdem.v2x_polyarchy"),  # East Germany stays its own entity
        ("SRB", 1995, "vdem.v2x_polyarchy"),  # FR Yugoslavia -> Serbia
        ("MNE", 2010, "vdem.v2x_polyarchy"),
        ("XKX", 2010, "fh.pr"),  # Kosovo
        ("RUS", 1985, "vdem.v2x_polyarchy"),  # USSR -> Russia
        ("CZE", 1985, "polity5.polity2"),  # Czechoslovakia -> Czechia
        ("SVK", 1995, "polity5.polity2"),
        ("SSD", 2015, "vdem.v2x_polyarchy"),
        ("SDN", 2015, "vdem.v2x_polyarchy"),
        ("YEM", 1985, "polity5.polity2"),  # North Yemen
        ("YMD", 1985, "polity5.polity2"),  # South Yemen
        ("VNM", 1970, "polity5.polity2"),  # North Vietnam
        ("RVN", 1960, "polity5.polity2"),  # South Vietnam (1965-75 are Polity interruption codes)
        ("MKD", 2000, "fh.pr"),  # "Macedonia"
        ("MKD", 2020, "fh.pr"),  # "North Macedonia"
        ("MLT", 2020, "fh.pr"),
    ],
)
def test_hard_cases_land_on_the_right_country(built: Workspace, iso3, year, indicator):
    got = built.panel([indicator], countries=[iso3], years=(year, year))
    assert len(got) == 1 and got[indicator].notna().all()


def test_malta_is_absent_where_the_source_leaves_it_out(built: Workspace):
    got = built.panel(["polity5.polity2", "fh.pr"], countries=["MLT"], years=(2000, 2018))
    assert got["fh.pr"].notna().all()
    assert got["polity5.polity2"].isna().all()  # Polity covers states over 500,000 people


def test_panel_keys_are_unique(built: Workspace):
    panel = built.panel(["vdem.v2x_polyarchy", "fh.pr", "wgi.va_est", "nato.member"])
    assert not panel.duplicated(["iso3", "year"]).any()


def test_second_build_is_a_no_op(built: Workspace):
    report = built.build()
    assert not report.changed
    assert {s.status for s in report.steps} == {"skipped"}


def test_killed_build_leaves_the_previous_warehouse_readable(built: Workspace, tmp_path: Path):
    before = built.summary()["totals"]
    env = {**os.environ, "STABILIS_DATA_DIR": str(built.settings.data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "stabilis.cli", "build", "--full", "--quiet"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    building = Warehouse(built.settings.warehouse_path).building_path
    deadline = time.monotonic() + 60
    while not building.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert building.exists(), "the build never started writing"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert built.summary()["totals"] == before
    # The next build removes the half-built copy and finds nothing to do.
    ws = Workspace(Settings(data_dir=built.settings.data_dir))
    assert not ws.build().changed
    assert not building.exists()
