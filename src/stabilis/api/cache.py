"""A small cache of encoded responses, keyed by the warehouse file's identity.

Every read the API caches is a pure function of the warehouse (and the registry, which ships with
the package). A build replaces the warehouse file atomically (``os.replace``), which gives it a
new inode and modification time, so ``(path, inode, mtime_ns, size)`` identifies one build: when
it changes, every cached entry is stale and the cache empties itself. Nothing is ever served from
an older build than the one on disk.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path

Stamp = tuple[int, int, int] | None


def warehouse_stamp(path: Path) -> Stamp:
    """``(inode, mtime_ns, size)`` of the warehouse file, or None when there is none yet."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


class ReadCache:
    """Least-recently-used store of response bodies for one warehouse build.

    ``maxsize=0`` turns caching off (the benchmark's uncached baseline). Thread-safe: FastAPI runs
    plain ``def`` endpoints in a thread pool. Two threads missing the same key both compute it;
    the result is the same, so that costs time, never correctness.
    """

    def __init__(self, warehouse_path: Path, maxsize: int = 512) -> None:
        self.warehouse_path = Path(warehouse_path)
        self.maxsize = maxsize
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._stamp: Stamp = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The cached body for ``key``, computing and storing it on a miss."""
        if self.maxsize <= 0:
            return compute()
        stamp = warehouse_stamp(self.warehouse_path)
        with self._lock:
            if stamp != self._stamp:
                self._entries.clear()
                self._stamp = stamp
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return body
            self.misses += 1
        body = compute()
        with self._lock:
            if stamp == self._stamp:
                self._entries[key] = body
                while len(self._entries) > self.maxsize:
                    self._entries.popitem(last=False)
        return body

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
