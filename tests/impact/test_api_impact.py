"""The impact routes on the real warehouse: verdicts first, headline estimates, placebo bands."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def api(built):
    with TestClient(create_app(built)) as client:
        yield client


def test_one_case_leads_with_its_verdicts_and_draws_the_placebo_band(api):
    body = api.get("/api/v1/impact/cases/serbia-1999").json()
    meta = body["meta"]
    assert meta["available"] is True, meta["message"]
    assert len(meta["verdicts"]) == len(body["data"]) == 3
    assert all(
        line.split(":")[0] in ("ESTIMATE", "WEAK", "NOT CREDIBLE") for line in meta["verdicts"]
    )
    assert next(iter(body["data"][0])) == "verdict"
    assert meta["summary"].splitlines()[1] == meta["verdicts"][0]
    credible = [p for p in meta["paths"] if p["verdict"] != "not_credible"]
    assert credible, "no outcome of the Serbia case has a credible estimate"
    points = credible[0]["points"]
    banded = [p for p in points if p.get("placebo_low") is not None]
    assert len(banded) == len(points)
    assert all(p["placebo_low"] <= p["placebo_high"] for p in banded)
    for row, path in zip(body["data"], meta["paths"], strict=True):
        assert row["verdict"] == path["verdict"]
        if row["verdict"] == "not_credible":
            assert row["estimate"] is None and row["reason"]


def test_case_list_shows_verdict_estimate_interval_and_p_of_the_stored_results(api):
    api.get("/api/v1/impact/cases/serbia-1999")  # computes and stores it
    body = api.get("/api/v1/impact/cases").json()
    rows = {r["case"]: r for r in body["data"]}
    assert list(body["data"][0])[:2] == ["case", "verdict"]
    serbia = rows["serbia-1999"]
    assert serbia["verdict"] in ("estimate", "weak", "not_credible")
    assert {"estimate", "lower", "upper", "p_value", "reason", "title"} <= set(serbia)
    assert any(r["verdict"] == "not run" for r in rows.values()) == (body["meta"]["not_run"] > 0)
    every = api.get("/api/v1/impact/cases?all_outcomes=true").json()["data"]
    assert len([r for r in every if r["case"] == "serbia-1999"]) == 3
    only = api.get("/api/v1/impact/cases?iso3=SRB").json()["data"]
    assert "serbia-1999" in {r["case"] for r in only}
    assert all("SRB" in r["treated"].replace(",", " ").split() for r in only)


def test_an_unknown_case_is_a_404_that_says_how_to_list_them(api):
    response = api.get("/api/v1/impact/cases/atlantis-2099")
    assert response.status_code == 404
    assert "impact list" in response.json()["error"]["message"]
