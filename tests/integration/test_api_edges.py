"""API edges: no absolute path in any response, limits that name their parameter, ETag/304."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app

pytestmark = pytest.mark.integration

ROUTES = [
    "/api/v1/status",
    "/api/v1/snapshots?limit=10000",
    "/api/v1/snapshots?format=csv",
    "/api/v1/sources",
    "/api/v1/countries?limit=10000",
    "/api/v1/indicators?limit=10000",
    "/api/v1/indicators/vdem.v2x_polyarchy",
    "/api/v1/countries/EST/profile",
    "/api/v1/threats/EST",
    "/api/v1/forecasts",
    "/api/v1/impact/cases",
    "/api/v1/nowhere",
]


@pytest.fixture(scope="module")
def client(built):
    with TestClient(create_app(built)) as test_client:
        yield test_client


@pytest.mark.parametrize("route", ROUTES)
def test_no_response_carries_an_absolute_path(client, built, route):
    body = client.get(route).text
    data_dir = str(built.settings.data_dir)
    assert data_dir not in body
    assert str(built.settings.mirror) not in body


def test_too_many_indicators_is_422_naming_the_parameter(client):
    codes = ",".join(f"vdem.v2x_{i}" for i in range(51))
    response = client.get(f"/api/v1/panel?indicators={codes}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["details"]["parameter"] == "indicators" and error["details"]["limit"] == 50


def test_an_answer_over_the_size_limit_is_413_naming_the_parameter(built):
    from stabilis.api.app import response_cache

    app = create_app(built)
    with TestClient(app) as small:
        cache = response_cache(app)
        assert cache is not None
        cache.max_response_bytes = 10_000
        response = small.get("/api/v1/panel?indicators=vdem.v2x_polyarchy&limit=10000")
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "response_too_large" and error["details"]["parameter"] == "limit"


def test_an_unchanged_answer_is_304_with_its_etag(client):
    first = client.get("/api/v1/countries/GEO/profile")
    etag = first.headers["etag"]
    again = client.get("/api/v1/countries/GEO/profile", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag


def test_identical_requests_at_once_are_computed_once(built):
    import threading

    from stabilis.api.app import response_cache

    app = create_app(built)
    with TestClient(app) as fresh:
        cache = response_cache(app)
        assert cache is not None
        misses = cache.misses
        barrier = threading.Barrier(8)
        statuses: list[int] = []

        def ask() -> None:
            barrier.wait()
            statuses.append(fresh.get("/api/v1/threats/LVA?years=2016-2020").status_code)

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert statuses == [200] * 8
    assert cache.misses - misses == 1


def test_requests_with_credentials_and_personal_routes_are_never_cached(built):
    from stabilis.api.app import response_cache

    app = create_app(built)
    with TestClient(app) as fresh:
        cache = response_cache(app)
        assert cache is not None
        before = (cache.hits, cache.misses)
        for _ in range(2):
            fresh.get("/api/v1/status", headers={"Authorization": "Bearer not-a-token"})
            fresh.get("/api/v1/status", headers={"Cookie": "session=abc"})
            fresh.get("/api/v1/users/me")
            fresh.get("/api/v1/edits")
        assert (cache.hits, cache.misses) == before
