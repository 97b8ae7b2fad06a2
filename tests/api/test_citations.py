"""Every download carries its citation: read each format back and find the producers' citation."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from stabilis.report.provenance import read_parquet_provenance

pytestmark = pytest.mark.integration

PANEL = "/api/v1/panel?indicators=vdem.v2x_polyarchy,fh.total&countries=UKR,GEO&years=2010-2024"
DOWNLOADS = [
    ("panel", PANEL, "vdem"),
    ("map", "/api/v1/indicators/wgi.pv_est/values?year=2015&group=partners", "wgi"),
    ("countries", "/api/v1/countries?group=nato&year=2024", "reference"),
    ("indicators", "/api/v1/indicators?source=freedom_house", "freedom_house"),
    ("sources", "/api/v1/sources", "ucdp"),
    ("snapshots", "/api/v1/snapshots", "polity5"),
    ("signal", "/api/v1/signals/cyber_operations/values?year=2015", "cyber"),
    ("section", "/api/v1/countries/UKR/sections/resilience", "wgi"),
]


def _cited(bundle: dict, source: str, built) -> None:
    entries = [s for s in bundle["sources"] if s["source"] == source]
    assert entries, f"{source} is not cited"
    snaps = built.snapshots()
    expected = set(snaps.loc[snaps["source"] == source, "sha256"])
    assert {e["sha256"] for e in entries} <= expected
    assert all(e["citation"] for e in entries)


@pytest.mark.parametrize(("name", "url", "source"), DOWNLOADS)
def test_each_format_carries_the_citation(client, built, name, url, source):
    sep = "&" if "?" in url else "?"
    as_json = client.get(url).json()
    _cited(as_json["meta"]["provenance"], source, built)
    parquet = client.get(f"{url}{sep}format=parquet")
    assert parquet.status_code == 200
    _cited(read_parquet_provenance(parquet.content), source, built)
    package = client.get(f"{url}{sep}format=datapackage")
    assert package.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    descriptor = json.loads(archive.read("datapackage.json"))
    _cited(descriptor["stabilis"], source, built)
    csv_name = descriptor["resources"][0]["path"]
    rows = pd.read_csv(io.BytesIO(archive.read(csv_name)))
    assert len(rows) == as_json["meta"].get("total", len(as_json["data"]))
    plain = client.get(f"{url}{sep}format=csv")
    assert plain.headers["content-type"].startswith("text/csv")
    assert 'rel="describedby"' in plain.headers["link"]
    assert source in plain.headers["x-stabilis-sources"]


def test_the_panel_download_keeps_the_producers_bounds(client):
    response = client.get(PANEL + "&bounds=true&format=csv")
    frame = pd.read_csv(io.StringIO(response.text))
    assert list(frame.columns) == [
        "iso3",
        "year",
        "vdem.v2x_polyarchy",
        "vdem.v2x_polyarchy.lower",
        "vdem.v2x_polyarchy.upper",
        "fh.total",
    ]  # fmt: skip  (Freedom House ships no interval)
    row = frame[(frame["iso3"] == "UKR") & (frame["year"] == 2020)].iloc[0]
    assert (
        row["vdem.v2x_polyarchy.lower"]
        < row["vdem.v2x_polyarchy"]
        < row["vdem.v2x_polyarchy.upper"]
    )


def test_sections_refuse_unknown_countries_and_sections(client):
    assert client.get("/api/v1/countries/GOE/sections/threats").status_code == 404
    assert client.get("/api/v1/forecasts?iso3=GOE").status_code == 422  # a query value
    assert client.get("/api/v1/countries/UKR/sections/weather").status_code == 404
    body = client.get("/api/v1/countries/HUN/sections/support").json()
    assert body["meta"]["available"] is False and "not in the" in body["meta"]["message"]


def test_a_threat_signal_outside_its_coverage_is_refused_not_zero(client):
    response = client.get("/api/v1/signals/disinfo_cases/values?year=2010")
    assert response.status_code == 422
    assert "not covered" in response.json()["error"]["message"]


def test_the_cli_panel_files_carry_their_citation(run_cli, built, tmp_path):
    base = ["panel", "-i", "wgi.pv_est", "-c", "UKR"]
    csv = tmp_path / "ukr.csv"
    assert run_cli(*base, "-f", "csv", "--bounds", "-o", str(csv)).exit_code == 0
    companion = json.loads((tmp_path / "ukr.datapackage.json").read_text())
    _cited(companion["stabilis"], "wgi", built)
    assert "wgi.pv_est.lower" in csv.read_text().splitlines()[0]
    parquet = tmp_path / "ukr.parquet"
    assert run_cli(*base, "-f", "parquet", "-o", str(parquet)).exit_code == 0
    _cited(read_parquet_provenance(str(parquet)), "wgi", built)
    package = tmp_path / "ukr.zip"
    assert run_cli(*base, "-f", "datapackage", "-o", str(package)).exit_code == 0
    assert "datapackage.json" in zipfile.ZipFile(package).namelist()
    result = run_cli(*base, "-f", "json")
    _cited(json.loads(result.stdout)["meta"]["provenance"], "wgi", built)


def test_the_disinformation_layer_defaults_to_the_last_full_year_and_flags_a_partial_one(client):
    latest = client.get("/api/v1/signals/disinfo_cases/values").json()["meta"]
    assert latest["year"] == 2020 and latest["note"] == ""  # the scrape ends in February 2021
    partial = client.get("/api/v1/signals/disinfo_cases/values?year=2021").json()
    assert partial["meta"]["note"] == "2021 is covered for 2 months only."
    assert partial["data"][0]["rank"] == 1
    assert client.get("/api/v1/signals/earthquakes/values").status_code == 404


def test_registry_downloads_cite_the_registry_release(client):
    for url in ("/api/v1/registry/programmes?iso3=MDA", "/api/v1/registry/countries/MDA"):
        bundle = client.get(url).json()["meta"]["provenance"]
        (entry,) = [s for s in bundle["sources"] if s["source"] == "registry"]
        assert entry["release"].startswith("registry ") and entry["citation"]
    parquet = client.get("/api/v1/registry/programmes?iso3=MDA&format=parquet")
    cited = read_parquet_provenance(parquet.content)
    assert [s["source"] for s in cited["sources"]] == ["registry"]
    package = zipfile.ZipFile(
        io.BytesIO(client.get("/api/v1/registry/members?format=datapackage").content)
    )
    descriptor = json.loads(package.read("datapackage.json"))
    assert descriptor["stabilis"]["sources"][0]["source"] == "registry"
