"""Threats, alerts, the support audit and the resilience scorecard through the JSON API."""

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


def test_support_audit_and_resilience_scorecard(client):
    audit = client.get("/api/v1/support-audits/2019")
    assert audit.status_code == 200, audit.text
    assert len(audit.json()["data"]) > 10
    card = client.get("/api/v1/resilience", params={"group": "nato"})
    assert card.status_code == 200, card.text
    assert card.json()["data"]


def test_unknown_group_is_a_4xx_in_the_error_shape(client):
    response = client.get("/api/v1/resilience", params={"group": "martians"})
    assert 400 <= response.status_code < 500
    assert set(response.json()["error"]) == {"code", "message", "details"}
