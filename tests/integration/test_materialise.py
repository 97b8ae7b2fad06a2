"""``stabilis build`` materialises the default country profiles and map cross-sections: the
server's first request for one reads a file, and answers exactly what computing it gives."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from tests.faults.conftest import copy_data

from stabilis.api import create_app
from stabilis.api.app import read_cache
from stabilis.cli.data import _materialise

pytestmark = pytest.mark.integration


def _without_provenance(value: object) -> object:
    """The body without its provenance blocks (they carry the time they were written)."""
    if isinstance(value, dict):
        return {k: _without_provenance(v) for k, v in value.items() if k != "provenance"}
    if isinstance(value, list):
        return [_without_provenance(v) for v in value]
    return value


def _same(first: bytes, second: bytes) -> bool:
    return _without_provenance(json.loads(first)) == _without_provenance(json.loads(second))


def test_materialised_bodies_are_what_the_routes_compute(built, tmp_path):
    ws = copy_data(built, tmp_path / "data")
    with TestClient(create_app(ws, cache_size=0)) as computing:
        profile = computing.get("/api/v1/countries/GEO/profile").content
        values = computing.get("/api/v1/indicators/vdem.v2x_polyarchy/values?year=2010").content
    _materialise(ws, None)
    files = list((tmp_path / "data" / "cache" / "api").rglob("*.json"))
    assert len([f for f in files if f.name.startswith("profile-")]) >= 190
    assert len([f for f in files if f.name.startswith("values-")]) >= 30
    cache = read_cache(ws)
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        return b"computed"

    from stabilis.api.profiles import profile_key

    kept = cache.get_or_compute(profile_key("GEO", None, None), compute)
    assert calls == [] and _same(kept, profile)
    with TestClient(create_app(ws)) as served:
        assert _same(served.get("/api/v1/countries/GEO/profile").content, profile)
        served_values = served.get("/api/v1/indicators/vdem.v2x_polyarchy/values?year=2010")
        assert _same(served_values.content, values)
