"""Pages render on the server, serve their own front-end files, and never point at a CDN."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app
from stabilis.dashboard import assets

DASHBOARD = Path(assets.__file__).resolve().parent


@pytest.fixture(scope="module")
def client(built):
    with TestClient(create_app(built)) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/", "Overview map"),
        ("/countries", "Countries"),
        ("/countries/mlt", "Malta"),
        ("/forecasts", "Forecasts"),
        ("/impact", "Impact case studies"),
        ("/impact/kosovo-1999", "Impact: kosovo-1999"),
        ("/registry?table=programmes", "Alliance registry"),
        ("/data", "Data sources"),
        ("/api", "JSON API"),
    ],
)
def test_every_page_renders_with_its_heading_and_navigation(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"<h1>{heading}" in response.text
    assert 'href="#main"' in response.text  # skip link for keyboard users
    assert 'aria-current="page"' in response.text


def test_unknown_country_page_is_a_readable_404(client):
    response = client.get("/countries/QQQ")
    assert response.status_code == 404
    assert "Pick one from the list" in response.text and "<h1>Not found" in response.text


def test_unknown_registry_table_is_a_404_page(client):
    assert client.get("/registry?table=treaties").status_code == 404


def test_data_page_lists_every_snapshot_checksum_and_licence(client, built):
    text = client.get("/data").text
    for row in built.snapshots().itertuples():
        assert row.sha256[:16] in text
    assert "Creative Commons" in text or "CC BY" in text


def test_overview_offers_every_map_group(client):
    text = client.get("/").text
    for group in ("nato", "pfp", "md", "ici", "global", "partners", "all"):
        assert f'<option value="{group}">' in text


def test_vendor_files_come_from_the_npm_packages(client):
    for name in assets.VENDOR:
        response = client.get(f"/vendor/{name}")
        assert response.status_code == 200, name
        assert "max-age" in response.headers["cache-control"]
    assert client.get("/vendor/jquery.js").status_code == 404


def test_missing_front_end_files_are_named_with_the_install_command(built, tmp_path):
    with TestClient(create_app(built, assets_dir=tmp_path)) as bare:
        page = bare.get("/").text
        vendor = bare.get("/vendor/d3.min.js")
    assert "npm ci --prefix src/stabilis/dashboard" in page
    assert vendor.status_code == 404
    assert "npm ci" in vendor.text


def test_no_template_script_or_style_loads_from_another_host():
    remote = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//""", re.I)
    fetches = re.compile(r"""(?:fetch|d3\.json|getJSON)\(\s*["'](?:https?:)?//""", re.I)
    for path in [*DASHBOARD.glob("templates/*.html"), *DASHBOARD.glob("static/js/*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not remote.search(text), path
        assert not fetches.search(text), path


def test_the_countries_page_lists_countries_by_name(client):
    names = re.findall(
        r'<td><a href="/countries/[A-Z]{3}">([^<]+)</a></td>', client.get("/countries").text
    )
    assert len(names) > 190
    assert names == sorted(names, key=str.casefold)


def test_every_page_has_the_country_search(client):
    for path in ("/", "/countries/UKR", "/data"):
        text = client.get(path).text
        assert 'action="/search"' in text and '<option value="Ukraine (UKR)">' in text


def test_the_search_opens_a_profile_lists_matches_and_refuses_nonsense(client):
    for query, target in (("Ukraine (UKR)", "/countries/UKR"), ("geo", "/countries/GEO"),
                          ("moldova", "/countries/MDA")):  # fmt: skip
        response = client.get("/search", params={"q": query}, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == target
    exact = client.get("/search", params={"q": "guinea"}, follow_redirects=False)
    assert exact.headers["location"] == "/countries/GIN"  # an exact name wins over a part
    listed = client.get("/search", params={"q": "land"}, follow_redirects=False)
    assert listed.status_code == 200 and "<h1>Countries matching" in listed.text
    assert '<a href="/countries/FIN">Finland</a>' in listed.text
    assert '<a href="/countries/NZL">New Zealand</a>' in listed.text
    refused = client.get("/search", params={"q": "Narnia"})
    assert refused.status_code == 404 and "is not a country code, country name" in refused.text
