"""Citations travel with the data: each export format is read back and names its sources.

Unit tests on a small frame and a hand-made bundle (no warehouse); the integration tests in
test_exports.py do the same through the API and the CLI on the real warehouse.
"""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from stabilis.report import provenance

SOURCE = {
    "source": "vdem",
    "title": "Varieties of Democracy",
    "producer": "V-Dem Institute",
    "release": "v15",
    "file": "vdem_v15.csv",
    "snapshot": "vdem/highlevel@abc123",
    "sha256": "a" * 64,
    "retrieved_at": "2026-12-01T00:00:00Z",
    "licence": "CC BY-SA 4.0",
    "citation": "Coppedge, M. et al. (2025). V-Dem Dataset v15.",
    "url": "https://v-dem.net",
}


@pytest.fixture
def bundle() -> provenance.Provenance:
    return provenance.Provenance((SOURCE,), {"indicators": ["vdem.v2x_polyarchy"]})


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame({"iso3": ["UKR", "GEO"], "year": [2024, 2024], "value": [0.389, 0.42]})


def test_parquet_carries_the_bundle_in_its_key_value_metadata(frame, bundle):
    data = provenance.parquet_bytes(frame, bundle)
    found = provenance.read_parquet_provenance(data)
    assert found["sources"][0]["citation"] == SOURCE["citation"]
    assert found["sources"][0]["sha256"] == "a" * 64
    assert found["query"] == {"indicators": ["vdem.v2x_polyarchy"]}
    back = pd.read_parquet(io.BytesIO(data))
    pd.testing.assert_frame_equal(back, frame)


def test_the_data_package_zip_holds_the_csv_its_descriptor_and_the_citation(frame, bundle):
    archive = zipfile.ZipFile(io.BytesIO(provenance.csv_package(frame, "panel", bundle)))
    assert sorted(archive.namelist()) == ["CITATION.txt", "datapackage.json", "panel.csv"]
    descriptor = json.loads(archive.read("datapackage.json"))
    assert descriptor["profile"] == "tabular-data-package"
    assert descriptor["resources"][0]["path"] == "panel.csv"
    fields = {f["name"]: f["type"] for f in descriptor["resources"][0]["schema"]["fields"]}
    assert fields == {"iso3": "string", "year": "integer", "value": "number"}
    assert descriptor["sources"][0]["title"] == SOURCE["citation"]
    assert descriptor["sources"][0]["sha256"] == "a" * 64
    assert "Coppedge" in archive.read("CITATION.txt").decode()
    back = pd.read_csv(io.BytesIO(archive.read("panel.csv")))
    assert list(back["iso3"]) == ["UKR", "GEO"]


def test_a_lone_csv_gets_a_companion_descriptor(tmp_path, frame, bundle):
    target = tmp_path / "ukraine.csv"
    companion = provenance.write_csv(frame, target, bundle)
    assert companion == tmp_path / "ukraine.datapackage.json"
    descriptor = json.loads(companion.read_text())
    assert descriptor["resources"][0]["path"] == "ukraine.csv"
    assert descriptor["stabilis"]["sources"][0]["licence"] == "CC BY-SA 4.0"
    assert target.read_text().splitlines()[0] == "iso3,year,value"


def test_citation_text_says_when_a_producer_gives_none():
    bare = provenance.Provenance(({"source": "x", "title": "X data"},))
    text = bare.citation_text()
    assert "no citation given by the producer" in text and "Licence: not stated" in text
