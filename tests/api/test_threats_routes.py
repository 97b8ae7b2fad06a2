"""Threats and alerts through the JSON API."""

from __future__ import annotations


def test_threat_profile_of_estonia_has_rows_and_provenance(client):
    response = client.get("/api/v1/threats/EST")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["data"], "Estonia's profile has no rows"


def test_alerts_since_2020_carry_their_rule_and_evidence(client):
    body = client.get("/api/v1/alerts", params={"since": 2020}).json()
    assert body["meta"]["count"] == len(body["data"]) > 0
    first = body["data"][0]
    assert {"iso3", "z", "evidence"} <= set(first)
