"""Elections, reconciled incidents, coverage, the alert backtest and external support via the API."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration


def test_elections_of_georgia_list_pei_scores_and_vdem_items(client):
    body = client.get("/api/v1/elections/GEO").json()
    assert set(body) == {"data", "meta"}
    pei = [row for row in body["data"] if row["pei_index"] is not None]
    assert sorted({row["year"] for row in pei}) == [2012, 2013, 2016, 2018]
    assert all(row["clean_elections"] is not None for row in pei)
    assert body["meta"]["receiver_categories"]
    assert client.get("/api/v1/elections/XX").status_code == 422


def test_a_count_outside_coverage_is_null_with_its_status(client):
    body = client.get("/api/v1/threats/MDA").json()
    rows = {row["year"]: row for row in body["data"]}
    assert rows[2010]["dcid"] is None and rows[2010]["dcid_status"] == "not covered"
    assert rows[2022]["eurepoc"] >= 1 and rows[2022]["eurepoc_status"] == "covered"
    coverage = client.get("/api/v1/coverage/MDA", params={"years": "2020-2023"}).json()
    statuses = {(r["source"], r["year"]): r["status"] for r in coverage["data"]}
    assert statuses[("disinfo", 2021)] == "partial" and statuses[("cfr", 2023)] == "not covered"


def test_reconciled_incidents_say_their_sources(client):
    body = client.get("/api/v1/cyber-incidents", params={"iso3": "MDA", "years": "2022-2023"})
    data = body.json()
    assert data["meta"]["count"] == len(data["data"]) >= 1
    assert all("eurepoc" in row["sources"] for row in data["data"])
    assert data["meta"]["matching"]["match_days"] == 31


def test_backtest_and_external_support_routes(client):
    backtest = client.get("/api/v1/alert-backtests").json()
    assert {e["iso3"] for e in backtest["meta"]["episodes"]} == {"EST", "GEO", "UKR"}
    assert len(backtest["meta"]["episodes"]) == 4
    support = client.get("/api/v1/external-supports", params={"iso3": "UKR"}).json()
    assert any(row["supporter_iso3"] == "RUS" for row in support["data"])
