"""One success shape, one error shape, clear 4xx for bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app
from stabilis.config import Settings
from stabilis.workspace import Workspace


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/status",
        "/api/v1/groups?year=2010",
        "/api/v1/countries?group=nato&year=2000",
        "/api/v1/countries/MLT",
        "/api/v1/indicators?source=wgi",
        "/api/v1/indicators/wgi.pv_est",
        "/api/v1/indicators/vdem.v2x_polyarchy/values?year=2010",
        "/api/v1/countries/GEO/profile",
        "/api/v1/panel?indicators=fh.total&countries=GEO&years=2015-2020",
        "/api/v1/registry/operations",
        "/api/v1/sources",
        "/api/v1/snapshots",
        "/api/v1/forecasts",
        "/api/v1/impact/cases",
    ],
)
def test_every_route_answers_with_the_data_meta_envelope(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["data"] or body["meta"].get("available") is False


@pytest.mark.parametrize(
    ("path", "status", "code", "words"),
    [
        (
            "/api/v1/panel?indicators=vdem.nope",
            422,
            "invalid_query",
            "Unknown indicator 'vdem.nope'",
        ),
        ("/api/v1/panel?indicators=fh.total&years=2020-1990", 422, "invalid_query", "reversed"),
        (
            "/api/v1/panel?indicators=fh.total&years=last",
            422,
            "invalid_query",
            "e.g. 2020 or 1990-2024",
        ),
        ("/api/v1/panel?indicators=fh.total&format=xlsx", 422, "invalid_query", "csv, parquet"),
        ("/api/v1/panel?indicators=fh.total&countries=Atlantis", 422, "invalid_query", "Atlantis"),
        ("/api/v1/panel?indicators=,", 422, "invalid_query", "at least one indicator"),
        ("/api/v1/panel", 422, "invalid_query", "'indicators'"),
        ("/api/v1/countries?limit=0", 422, "invalid_query", "'limit'"),
        ("/api/v1/countries?limit=10001", 422, "invalid_query", "'limit'"),
        ("/api/v1/countries/XX1", 422, "invalid_query", "ISO3"),
        ("/api/v1/countries/ZZZ", 404, "not_found", "ZZZ"),
        ("/api/v1/countries/ZZZ/profile", 404, "not_found", "ZZZ"),
        ("/api/v1/indicators/fh.total/values?group=warsaw", 422, "invalid_query", "no group"),
        ("/api/v1/indicators/fh.total/values?year=1600", 422, "invalid_query", "1600"),
        ("/api/v1/registry/treaties", 404, "not_found", "treaties"),
        ("/api/v1/nowhere", 404, "not_found", "nothing at this address"),
    ],
)
def test_errors_share_one_shape_with_the_matching_status(client, path, status, code, words):
    response = client.get(path)
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert words in body["error"]["message"]


def test_a_missing_warehouse_is_a_503_that_says_how_to_build_it(tmp_path):
    ws = Workspace(Settings(data_dir=tmp_path))
    with TestClient(create_app(ws)) as empty:
        response = empty.get("/api/v1/status")
    assert response.status_code == 503
    error = response.json()["error"]
    assert error["code"] == "warehouse_error"
    assert "stabilis build" in error["message"]


def test_method_not_allowed_keeps_the_error_shape(client):
    response = client.post("/api/v1/status")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "http_error"


def test_openapi_document_lists_every_json_route_with_a_summary(client):
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/panel" in paths and "/api/v1/countries/{iso3}/profile" in paths
    for path, operations in paths.items():
        assert path.startswith("/api/v1/")
        for operation in operations.values():
            assert operation.get("summary"), f"{path} has no summary"


def test_no_page_loads_swagger_from_a_cdn(client):
    assert client.get("/docs").status_code == 404
    assert client.get("/api/v1/docs").status_code == 404


def test_every_json_route_is_documented(client):
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "dashboard.md").read_text("utf-8")
    for path, operations in client.get("/api/v1/openapi.json").json()["paths"].items():
        documented = [f"{method.upper()} {path}" in docs for method in operations]
        assert any(documented), f"{path} is not in docs/dashboard.md"
