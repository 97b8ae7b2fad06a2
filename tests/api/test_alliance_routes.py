"""The support audit, burden-sharing and the resilience scorecard through the JSON API."""

from __future__ import annotations


def test_support_audit_has_components_lorenz_and_sanity(client):
    response = client.get("/api/v1/support-audits/2019")
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["data"]) > 10
    assert {"operation_personnel", "allied_troops", "us_assistance"} <= set(body["data"][0])
    meta = body["meta"]
    assert meta["lorenz"] and meta["sanity"] and meta["definitions"]
    assert meta["gini_range"][0] <= meta["gini_support_vs_need"] <= meta["gini_range"][1]


def test_history_position_burden_and_resilience(client):
    history = client.get("/api/v1/support-audits", params={"first": 2009, "last": 2010})
    assert history.status_code == 200 and history.json()["meta"]["recipients"]
    position = client.get("/api/v1/support-positions/AFG", params={"year": 2019})
    assert position.status_code == 200 and position.json()["data"]["ranked"]
    burden = client.get("/api/v1/burden-shares", params={"year": 2024})
    assert burden.status_code == 200 and burden.json()["meta"]["meeting_2_percent"] > 0
    card = client.get("/api/v1/resilience", params={"group": "nato", "year": 2025})
    assert card.status_code == 200, card.text
    assert len(card.json()["meta"]["coverage"]) == 7
    one = client.get("/api/v1/resilience/EST", params={"year": 2025})
    assert one.status_code == 200 and len(one.json()["data"]) == 7


def test_bad_requests_are_4xx_in_the_error_shape(client):
    for url, params in (
        ("/api/v1/resilience", {"group": "martians"}),
        ("/api/v1/burden-shares", {"year": 2010}),
        ("/api/v1/support-positions/XYZ", {"year": 2019}),
    ):
        response = client.get(url, params=params)
        assert 400 <= response.status_code < 500, (url, response.text)
        assert set(response.json()["error"]) == {"code", "message", "details"}
