"""`stabilis impact list | run | did` with --json."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from stabilis.cli.impact import app as impact_app
from stabilis.cli.main import State

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def app(built):
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(built.settings.data_dir, None, None)

    root.add_typer(impact_app, name="impact")
    return root


def _json(app, *args: str) -> dict:
    result = CliRunner().invoke(app, ["impact", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_impact_list_json_names_every_case(app):
    payload = _json(app, "list")
    ids = {row["case"] for row in payload["data"]}
    assert {"kosovo-1999", "bosnia-1995", "enlargement-2004"} <= ids
    assert payload["meta"]["count"] == len(ids)


def test_impact_run_kosovo_json(app):
    payload = _json(app, "run", "kosovo-1999")
    assert payload["meta"]["case"] == "kosovo-1999"
    assert all(
        r["verdict"] == "not_credible" and r["estimate"] is None for r in payload["data"]["results"]
    )


def test_impact_run_prints_a_summary(app):
    result = CliRunner().invoke(
        app, ["impact", "run", "georgia-ipap-2004", "-o", "vdem.v2x_libdem"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].split(":")[0] in ("ESTIMATE", "WEAK", "NOT CREDIBLE")
    assert "Donor pool:" in result.output


def test_impact_did_json(app):
    payload = _json(app, "did", "--treatment", "ipap", "--outcome", "vdem.v2x_libdem")
    data = payload["data"]
    assert data["design"] == "callaway_santanna"
    assert data["control_rule"].startswith("controls are")
    assert data["event_study"] and data["sun_abraham"]["design"] == "sunab"
    assert data["plot_spec"]["layer"]
    # --breakdown: the honest-DiD breakdown Mbar is computed and shown whatever the verdict needs
    asked = _json(app, "did", "-t", "ipap", "-o", "vdem.v2x_libdem", "--no-compare", "--breakdown")
    honest = asked["data"]["honest"]
    assert honest["breakdown_computed"] is True and honest["breakdown"] >= 0
    assert f"breakdown Mbar = {honest['breakdown']:.2g}" in asked["data"]["summary"]


def test_impact_did_rejects_an_unknown_treatment(app):
    result = CliRunner().invoke(
        app, ["impact", "did", "--treatment", "xyz", "--outcome", "vdem.v2x_libdem"]
    )
    assert result.exit_code != 0


def _docs_case(tmp_path) -> object:
    import re
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "impact.md").read_text()
    block = re.search(r"Save this as `moldova-dcb.toml`:\n\n```toml\n(.*?)```", docs, re.S)
    assert block, "docs/impact.md lost its Moldova example"
    path = tmp_path / "moldova-dcb.toml"
    path.write_text(block.group(1))
    return path


@pytest.fixture
def own_app(built, tmp_path):
    """The impact commands over a copy of the session's warehouse in a folder of the test's
    own: registrations land there, so no other test (the README's `impact register` example
    runs on the session's folder) can have registered the case first."""
    import shutil

    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy2(built.settings.data_dir / "warehouse.duckdb", folder / "warehouse.duckdb")
    root = typer.Typer()

    @root.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(folder, None, None)

    root.add_typer(impact_app, name="impact")
    return root


def test_the_moldova_example_of_the_docs_registers_and_runs(own_app, tmp_path):
    app = own_app
    case = str(_docs_case(tmp_path))
    refused = CliRunner().invoke(app, ["impact", "run", case])
    assert refused.exit_code != 0 and "register" in str(refused.exception)
    registered = CliRunner().invoke(app, ["impact", "register", case])
    assert registered.exit_code == 0, registered.output
    assert "Registered case 'moldova-dcb-2015' version 1" in registered.output
    payload = _json(app, "run", case)
    assert payload["data"]["case"]["treatment"]["year"] == 2015  # from the registry
    assert payload["data"]["case"]["registration"]["version"] == 1
    excluded = payload["data"]["excluded"]
    assert "neighbour of MDA" in excluded["UKR"] or "DCB" in excluded["UKR"]
    assert "neighbour of MDA" in excluded["ROU"] or "member" in excluded["ROU"]
    for result in payload["data"]["results"]:
        assert result["verdict"] in ("estimate", "weak", "not_credible")
        assert (result["estimate"] is None) == (result["verdict"] == "not_credible")
    text = CliRunner().invoke(app, ["impact", "run", case]).output
    assert text.splitlines()[1].split(":")[0] in ("ESTIMATE", "WEAK", "NOT CREDIBLE")
    listed = _json(app, "list", "--no-run")
    assert "moldova-dcb-2015" in {row["case"] for row in listed["data"]}


def test_impact_list_leads_with_the_verdict_and_quotes_estimate_interval_and_p(app):
    result = CliRunner().invoke(app, ["impact", "list", "--all-outcomes"])
    assert result.exit_code == 0, result.output
    head = result.output.splitlines()[0].split()
    assert head[:4] == ["VERDICT", "CASE", "OUTCOME", "ESTIMATE"]
    libya = [line for line in result.output.splitlines() if line.split()[2:3] == ["libya-2011"]]
    assert libya and all(line.startswith("NOT CREDIBLE") for line in libya)


def test_impact_did_aggregates_by_cohort_and_leads_with_the_verdict(app):
    payload = _json(app, "did", "-t", "ipap", "-o", "vdem.v2x_libdem", "--aggregation", "group",
                    "--no-compare")  # fmt: skip
    agg = payload["data"]["aggregation"]
    assert agg["kind"] == "group" and {row["cohort"] for row in agg["table"]}
    assert payload["data"]["verdict"] in ("estimate", "weak", "not_credible")
    text = CliRunner().invoke(app, ["impact", "did", "-t", "pfp", "-o", "vdem.v2x_libdem",
                                    "--no-compare"]).output  # fmt: skip
    assert text.startswith("Verdict: NOT CREDIBLE")
    bad = CliRunner().invoke(app, ["impact", "did", "-t", "ipap", "-o", "vdem.v2x_libdem",
                                   "--aggregation", "monthly"])  # fmt: skip
    assert bad.exit_code != 0
