"""User-defined cases: TOML files pre-registered with a hash and a timestamp, external panels,
and results kept as artefacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from stabilis.errors import DataFileError, QueryError, RegistryError
from stabilis.impact.artefacts import ResultStore
from stabilis.impact.simulate import factor_panel

CASE = """
id = "sim-2000"
title = "A simulated programme (2000)"
treated = ["TRT"]
outcomes = ["y"]
first_pre_year = 1980
post_years = 11

[treatment]
kind = "custom"
year = 2000

[checks]
min_donors = 5
"""


@pytest.fixture
def panel_file(tmp_path: Path) -> Path:
    frame = factor_panel(n_donors=14, effect=0.3, seed=3).rename(
        columns={"iso3": "unit", "year": "t"}
    )
    path = tmp_path / "panel.csv"
    frame.to_csv(path, index=False)
    return path


def _invoke(app: typer.Typer, *args: str):
    return CliRunner().invoke(app, ["impact", *args])


def test_a_case_file_runs_on_an_external_panel_only_after_registration(cli, tmp_path, panel_file):
    case = tmp_path / "sim.toml"
    case.write_text(CASE)
    panel = ["--panel", str(panel_file), "--unit", "unit", "--time", "t"]
    refused = _invoke(cli, "run", str(case), *panel)
    assert refused.exit_code != 0
    assert "not registered" in str(refused.exception) + refused.output
    registered = _invoke(cli, "register", str(case), "--json")
    assert registered.exit_code == 0, registered.output
    record = json.loads(registered.output)["data"]
    assert record["version"] == 1 and record["new"] and len(record["sha256"]) == 64
    assert record["registered_at"].endswith("+00:00")
    ran = _invoke(cli, "run", str(case), *panel, "--json")
    assert ran.exit_code == 0, ran.output
    payload = json.loads(ran.output)["data"]
    (result,) = payload["results"]
    assert result["verdict"] in ("estimate", "weak")
    assert result["estimate"] == pytest.approx(0.3, abs=0.06)
    assert payload["case"]["registration"]["sha256"] == record["sha256"]
    text = _invoke(cli, "run", str(case), *panel)
    assert text.output.splitlines()[1].startswith(("ESTIMATE: y", "WEAK: y"))


def test_a_changed_case_file_must_be_registered_again(cli, tmp_path, panel_file):
    case = tmp_path / "sim.toml"
    case.write_text(CASE)
    assert _invoke(cli, "register", str(case)).exit_code == 0
    again = _invoke(cli, "register", str(case))
    assert "already registered" in again.output
    case.write_text(CASE.replace("post_years = 11", "post_years = 5"))
    refused = _invoke(
        cli, "run", str(case), "--panel", str(panel_file), "--unit", "unit", "--time", "t"
    )
    assert isinstance(refused.exception, QueryError)
    assert "changed since" in str(refused.exception)
    second = _invoke(cli, "register", str(case), "--json")
    assert json.loads(second.output)["data"]["version"] == 2
    records = json.loads(
        (tmp_path / "data/impact/registered/sim-2000/registrations.json").read_text()
    )
    assert [r["version"] for r in records] == [1, 2]  # the first registration stays on record


def test_a_broken_case_file_is_refused_naming_the_file_and_the_line_or_key(cli, tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\ntitle = \n')
    result = _invoke(cli, "register", str(broken))
    assert isinstance(result.exception, DataFileError)
    assert "broken.toml" in str(result.exception) and "row 2" in str(result.exception)
    typo = tmp_path / "typo.toml"
    typo.write_text(CASE.replace("outcomes", "outcome"))
    result = _invoke(cli, "register", str(typo))
    assert isinstance(result.exception, RegistryError)
    assert "typo.toml" in str(result.exception) and "'outcome'" in str(result.exception)
    assert not (tmp_path / "data/impact/registered/sim-2000").exists()  # nothing stored


def test_an_external_panel_with_a_bad_year_names_its_row_and_column(cli, tmp_path, panel_file):
    case = tmp_path / "sim.toml"
    case.write_text(CASE)
    _invoke(cli, "register", str(case))
    lines = panel_file.read_text().splitlines()
    lines[5] = lines[5].replace(lines[5].split(",")[1], "19x5", 1)
    panel_file.write_text("\n".join(lines) + "\n")
    result = _invoke(
        cli, "run", str(case), "--panel", str(panel_file), "--unit", "unit", "--time", "t"
    )
    assert isinstance(result.exception, DataFileError)
    assert "row 6" in str(result.exception) and "'t'" in str(result.exception)


def test_identical_requests_read_the_stored_result_instead_of_recomputing(
    cli, tmp_path, panel_file, monkeypatch
):
    case = tmp_path / "sim.toml"
    case.write_text(CASE)
    _invoke(cli, "register", str(case))
    args = ["run", str(case), "--panel", str(panel_file), "--unit", "unit", "--time", "t", "--json"]
    first = _invoke(cli, *args)
    stored = list((tmp_path / "data/impact/results").glob("*.pickle"))
    assert len(stored) == 1
    import stabilis.impact.service as service

    def boom(*_a, **_k):
        raise AssertionError("recomputed")

    monkeypatch.setattr(service, "synth", boom)
    second = _invoke(cli, *args)
    assert second.exit_code == 0, second.output
    assert json.loads(second.output)["data"] == json.loads(first.output)["data"]
    # Another panel is another warehouse state: it misses and recomputes.
    other = panel_file.with_name("other.csv")
    changed = factor_panel(n_donors=14, effect=0.1, seed=3).rename(
        columns={"iso3": "unit", "year": "t"}
    )
    changed.to_csv(other, index=False)
    third = _invoke(cli, *args[:2], "--panel", str(other), "--unit", "unit", "--time", "t")
    assert isinstance(third.exception, AssertionError) and "recomputed" in str(third.exception)


def test_result_store_writes_atomically(tmp_path, monkeypatch):
    store = ResultStore(tmp_path / "results")
    key = store.key("spec", "warehouse", ("options",))
    store.save(key, {"answer": 1})
    assert store.load(key) == {"answer": 1}
    assert store.load(store.key("spec", "other warehouse", ("options",))) is None

    import pickle

    def fail(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(pickle, "dump", fail)
    with pytest.raises(OSError, match="disk full"):
        store.save(key, {"answer": 2})
    assert store.load(key) == {"answer": 1}  # the old artefact is intact
    assert [p.name for p in (tmp_path / "results").iterdir()] == [f"{key}.pickle"]  # no temp left
