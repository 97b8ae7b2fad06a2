"""Every /api/v1 route refuses a query parameter it does not declare, naming it (422).

An analyst who types ``yeers=1990`` must not silently get every year; one dependency
(``stabilis.api.params.KNOWN_PARAMETERS``) compares the query string with the route's declared
parameters, so a new route cannot forget it.
"""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter, FastAPI, Query
from fastapi.testclient import TestClient

from stabilis.api.handlers import install_error_handlers
from stabilis.api.params import KNOWN_PARAMETERS
from stabilis.api.responses import PAGE, Page


def _error(response) -> dict:
    assert response.status_code == 422, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == "invalid_query"
    return body["error"]


@pytest.mark.parametrize(
    ("path", "parameter", "value", "hint"),
    [
        ("/api/v1/forecasts?bogus=1", "bogus", "1", "This route accepts: iso3"),
        ("/api/v1/panel?indicators=fh.total&yeers=1990", "yeers", "1990", "Did you mean 'years'?"),
        ("/api/v1/countries?grup=nato", "grup", "nato", "Did you mean 'group'?"),
        ("/api/v1/impact/cases?iso=GEO", "iso", "GEO", "iso3, all_outcomes"),
    ],
)
def test_a_misspelt_parameter_is_a_422_naming_it(client, path, parameter, value, hint):
    error = _error(client.get(path))
    assert f"Unknown parameter '{parameter}'" in error["message"]
    assert hint in error["message"]
    assert error["details"]["parameter"] == parameter
    assert error["details"]["value"] == value


def test_every_api_route_refuses_an_unknown_parameter(client):
    """Each GET route of the OpenAPI document, path items filled with placeholders."""
    spec = client.get("/api/v1/openapi.json").json()
    checked = 0
    for path, operations in spec["paths"].items():
        if "get" not in operations:
            continue
        address = re.sub(r"\{[^}]+\}", "GEO", path)
        error = _error(client.get(f"{address}?bogus=1"))
        assert error["details"] == {
            "parameter": "bogus",
            "value": "1",
            "accepted": [p["name"] for p in operations["get"].get("parameters", [])
                         if p["in"] == "query"],
        }, path  # fmt: skip
        checked += 1
    assert checked >= 20


def test_a_malformed_value_is_a_422_naming_the_parameter_and_value(client):
    error = _error(client.get("/api/v1/countries?limit=many"))
    assert "'limit'" in error["message"]
    assert error["details"]["parameter"] == "limit" and error["details"]["value"] == "many"


def test_a_dashboard_page_tolerates_an_unknown_parameter(client):
    """Pages are for browsers, whose links and bookmarks carry extra parameters; the page's own
    controls show the values it used (docs/api.md, "Errors")."""
    response = client.get("/?utm_source=newsletter")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


# -- the mechanism on a small app of its own (no warehouse) ----------------------------------


TAGS = Query([], alias="tag")


@pytest.fixture(scope="module")
def small():
    api = APIRouter()

    @api.get("/things")
    def things(
        name: str | None = Query(None),
        tags: list[str] = TAGS,
        page: Page = PAGE,
    ) -> dict:
        return {"name": name, "tags": tags, "limit": page.limit}

    app = FastAPI()
    app.include_router(api, prefix="/api/v1", dependencies=[KNOWN_PARAMETERS])
    install_error_handlers(app)
    with TestClient(app) as test_client:
        yield test_client


def test_declared_parameters_of_the_route_and_its_dependencies_pass(small):
    response = small.get("/api/v1/things?name=a&tag=x&tag=y&limit=5&offset=0")
    assert response.status_code == 200
    assert response.json() == {"name": "a", "tags": ["x", "y"], "limit": 5}


def test_a_single_valued_parameter_given_twice_is_refused(small):
    error = _error(small.get("/api/v1/things?name=a&name=b"))
    assert "'name' is given more than once" in error["message"]
    assert error["details"]["parameter"] == "name" and error["details"]["value"] == "b"


def test_the_message_lists_what_the_route_accepts(small):
    error = _error(small.get("/api/v1/things?nmae=a"))
    assert error["message"] == (
        "Unknown parameter 'nmae' for /api/v1/things. Did you mean 'name'? "
        "This route accepts: name, tag, limit, offset."
    )
    assert error["details"]["accepted"] == ["name", "tag", "limit", "offset"]
