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
    ids = {row["id"] for row in payload["data"]}
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
    assert "Permutation p" in result.output


def test_impact_did_json(app):
    payload = _json(app, "did", "--treatment", "ipap", "--outcome", "vdem.v2x_libdem")
    data = payload["data"]
    assert data["design"] == "callaway_santanna"
    assert data["control_rule"].startswith("controls are")
    assert data["event_study"] and data["sun_abraham"]["design"] == "sunab"
    assert data["plot_spec"]["layer"]


def test_impact_did_rejects_an_unknown_treatment(app):
    result = CliRunner().invoke(
        app, ["impact", "did", "--treatment", "xyz", "--outcome", "vdem.v2x_libdem"]
    )
    assert result.exit_code != 0
