"""Cached reads are served from memory until the warehouse file is replaced."""

from __future__ import annotations

import os

from stabilis.api.cache import ReadCache, warehouse_stamp


def test_a_cached_body_is_reused_until_the_warehouse_changes(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    warehouse.write_bytes(b"build one")
    cache = ReadCache(warehouse, maxsize=4)
    calls = []

    def compute() -> bytes:
        calls.append(1)
        return f"body {len(calls)}".encode()

    assert cache.get_or_compute("k", compute) == b"body 1"
    assert cache.get_or_compute("k", compute) == b"body 1"
    assert (cache.hits, cache.misses) == (1, 1)
    replacement = tmp_path / "next.duckdb"
    replacement.write_bytes(b"build two, longer")
    os.replace(replacement, warehouse)  # what a build does
    assert cache.get_or_compute("k", compute) == b"body 2"


def test_the_cache_keeps_at_most_maxsize_entries(tmp_path):
    cache = ReadCache(tmp_path / "absent.duckdb", maxsize=2)
    for key in "abc":
        cache.get_or_compute(key, lambda k=key: k.encode())
    assert cache.get_or_compute("a", lambda: b"recomputed") == b"recomputed"
    assert warehouse_stamp(tmp_path / "absent.duckdb") is None


def test_size_zero_turns_caching_off(tmp_path):
    cache = ReadCache(tmp_path / "w.duckdb", maxsize=0)
    bodies = [cache.get_or_compute("k", lambda i=i: str(i).encode()) for i in range(2)]
    assert bodies == [b"0", b"1"]
    cache.clear()


def test_the_profile_endpoint_is_served_from_the_cache_the_second_time(client):
    from stabilis.api.app import response_cache

    cache = response_cache(client.app)
    assert cache is not None
    client.get("/api/v1/countries/EST/profile")
    hits = cache.hits
    client.get("/api/v1/countries/EST/profile")
    assert cache.hits == hits + 1


def test_the_warmer_fills_the_cache_with_every_countrys_profile(built):
    import time

    from fastapi.testclient import TestClient

    from stabilis.api import create_app

    app = create_app(built, warm=True)
    with TestClient(app) as client:
        cache = app.state.cache
        deadline = time.monotonic() + 120
        while len(cache._entries) < 150 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(cache._entries) >= 150
        hits = cache.hits
        assert client.get("/api/v1/countries/GEO/profile").status_code == 200
        assert cache.hits == hits + 1
