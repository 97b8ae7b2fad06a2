"""The CLI over a built warehouse, as a user types it."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

pytestmark = pytest.mark.integration


def test_panel_csv_returns_nato_series_of_vdem_fh_and_wgi(run_cli):
    # A group means its members in the last year asked: 32 in 2024 (Sweden joined that year).
    # WGI is annual from 2002 (1996, 1998 and 2000 before that).
    result = run_cli(
        "panel",
        "-i",
        "vdem.v2x_polyarchy,fh.pr,wgi.va_est",
        "-c",
        "nato",
        "-y",
        "2002-2024",
        "-f",
        "csv",
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    assert list(frame.columns) == ["iso3", "year", "vdem.v2x_polyarchy", "fh.pr", "wgi.va_est"]
    assert frame["iso3"].nunique() == 32
    # Freedom House rated "Serbia and Montenegro" as one until 2005 (the SRB row carries it).
    upto_2023 = frame[
        (frame["year"] <= 2023) & ~((frame["iso3"] == "MNE") & (frame["year"] < 2006))
    ]
    assert upto_2023[["vdem.v2x_polyarchy", "fh.pr", "wgi.va_est"]].notna().all(axis=None)
    assert frame.loc[frame["year"] == 2024, "vdem.v2x_polyarchy"].notna().all()


def test_panel_parquet_for_partners(run_cli, tmp_path):
    out = tmp_path / "partners.parquet"
    result = run_cli(
        "panel",
        "-i",
        "vdem.v2x_libdem,fh.total",
        "-c",
        "partners",
        "-y",
        "2015-2023",
        "-f",
        "parquet",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    frame = pd.read_parquet(out)
    assert {"GEO", "UKR", "MLT"} <= set(frame["iso3"])


def test_unknown_indicator_is_a_clear_error(run_cli):
    result = run_cli("panel", "-i", "vdem.v2x_polyarhy", "-c", "GEO")
    assert result.exit_code != 0
    assert "Did you mean vdem.v2x_polyarchy" in str(result.exception)


def test_summary_json_envelope(run_cli):
    result = run_cli("summary", "--json")
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert set(body) == {"data", "meta"}
    assert body["data"]["totals"]["countries"] > 190


def test_registry_frameworks_for_georgia_in_2008(run_cli):
    result = run_cli("registry", "frameworks", "GEO", "--year", "2008", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["data"]
    frameworks = {f["framework"] for f in data["frameworks"]}
    assert {"Partnership for Peace", "Euro-Atlantic Partnership Council"} <= frameworks


def test_quality_and_indicator_listing(run_cli):
    assert run_cli("quality", "--unexplained").exit_code == 0
    result = run_cli("indicators", "list", "--source", "wgi", "--json")
    codes = {row["indicator"] for row in json.loads(result.stdout)["data"]}
    assert "wgi.pv_est" in codes


def readme_commands() -> list[list[str]]:
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    commands = []
    for line in re.findall(r"^\$ stabilis (.*)$", readme, re.M):
        words = shlex.split(line, comments=True)
        # The session fixture has pulled the mirror already; `serve` runs until stopped (the
        # browser tests start a real server); the full backtest takes a minute or more (tests/forecast
        # runs a short one, benchmarks/forecast_vs_demspaces.py the full one).
        if not {"pull", "serve", "backtest"} & set(words):
            commands.append(words)
    return commands


def _docs_case_file(name: str) -> str:
    """The TOML block that docs/impact.md asks the reader to save as ``name``."""
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "impact.md").read_text(encoding="utf-8")
    found = re.search(rf"Save this as `{re.escape(name)}`:\s*```toml\n(.*?)```", docs, re.S)
    assert found, f"docs/impact.md has no case file named {name}"
    return found.group(1)


@pytest.mark.parametrize("words", readme_commands(), ids=" ".join)
def test_readme_command_runs(run_cli, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files the examples write (--out) land in the test's folder
    for word in words:
        if word.endswith(".toml"):  # a case file: the worked example of docs/impact.md
            (tmp_path / word).write_text(_docs_case_file(word), encoding="utf-8")
    result = run_cli(*words)
    assert result.exit_code == 0, f"stabilis {' '.join(words)}:\n{result.output}"
