"""The route-level cache: one computation per key and freshness, persisted impact results."""

from __future__ import annotations

import threading
import time

from stabilis.api.cache import ReadCache


def test_identical_misses_at_once_compute_once(tmp_path):
    cache = ReadCache(tmp_path / "w.duckdb", freshness=lambda: "k1")
    calls: list[int] = []

    def compute() -> bytes:
        calls.append(1)
        time.sleep(0.2)
        return b"body"

    bodies: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: bodies.append(cache.get_or_compute("k", compute)))
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bodies == [b"body"] * 6 and len(calls) == 1


def test_impact_results_are_kept_as_files_per_freshness(tmp_path):
    key = ["one"]

    def worker_cache() -> ReadCache:
        return ReadCache(
            tmp_path / "w.duckdb",
            freshness=lambda: key[0],
            persist_dir=tmp_path / "cache",
            persist_kinds=("impact",),
        )

    first = worker_cache()
    assert first.get_or_compute(("impact", "georgia"), lambda: b"estimate") == b"estimate"
    # Another worker process (a new cache) reads the file instead of computing again.
    second = worker_cache()
    assert second.get_or_compute(("impact", "georgia"), lambda: b"recomputed") == b"estimate"
    assert second.get_or_compute(("profile", "GEO"), lambda: b"not kept") == b"not kept"
    assert len(list((tmp_path / "cache").rglob("*.json"))) == 1
    key[0] = "two"  # a rebuild: the old result is stale and its folder goes
    assert second.get_or_compute(("impact", "georgia"), lambda: b"new") == b"new"
    assert len(list((tmp_path / "cache").iterdir())) == 1  # one folder: the new freshness


def test_the_cache_keeps_at_most_its_byte_budget(tmp_path):
    cache = ReadCache(tmp_path / "w.duckdb", freshness=lambda: 1, max_bytes=400)
    for i in range(10):
        cache.get_or_compute(i, lambda: b"x" * 100)
    assert cache._bytes <= 400
