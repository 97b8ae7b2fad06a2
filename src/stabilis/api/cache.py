"""Caches of encoded responses, keyed by the workspace's freshness key.

Every read the API serves is a pure function of the warehouse and the artefacts beside it (the
forecast archive, event signals, impact results, analyst edits), all of which
``Workspace.freshness()`` covers, plus the registry, which ships with the package. When the key
changes, every cached entry is stale and the cache empties itself: nothing is served from an
older build or an older archive than the one on disk.

Two layers use it:

* :class:`ReadCache`, which routes call with ``get_or_compute(key, compute)``: one computation
  per key and freshness even when many requests miss at once (single flight), a bound on entries
  and on bytes, and optional persistence of expensive results (impact case studies) as files
  under ``<data_dir>/cache/<freshness>/`` so other worker processes and restarts reuse them;
* :class:`ResponseCacheMiddleware`, in front of every ``GET /api/v1/...`` route: it caches whole
  responses (status 200) by address and freshness, answers identical concurrent requests with one
  computation, sets ``ETag`` (freshness + body digest) and answers ``If-None-Match`` with 304,
  limits how many computations run at once (memory stays bounded), refuses bodies larger than
  :data:`MAX_RESPONSE_BYTES` with 413 naming the parameter to change, and answers a request that
  takes longer than :data:`REQUEST_TIMEOUT` seconds with 503. Requests carrying credentials
  (``Authorization``, a cookie) and the personal routes (:data:`PERSONAL_ROUTES`) pass through
  uncached.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, MutableMapping
from pathlib import Path
from typing import Any

Stamp = tuple[int, int, int] | None

#: Bytes of encoded responses a cache keeps at most (per worker process).
MAX_CACHE_BYTES = 256 << 20
#: The largest JSON body one request may produce; larger ones answer 413 (ask for a page).
MAX_RESPONSE_BYTES = 16 << 20
#: The largest CSV or Parquet download one request may produce.
MAX_DOWNLOAD_BYTES = 128 << 20
#: Seconds a request may take before the server answers 503 (the computation is kept for the
#: next identical request).
REQUEST_TIMEOUT = 120.0
#: Computations (cache misses) that run at once per worker; the others wait their turn.
MAX_CONCURRENT_MISSES = 4
#: Routes under the prefix whose answers depend on the user or the edits store: never cached.
PERSONAL_ROUTES = ("users", "tokens", "audit", "edits", "notes", "sessions")


def warehouse_stamp(path: Path) -> Stamp:
    """``(inode, mtime_ns, size)`` of the warehouse file, or None when there is none yet."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


_CODE: list[str] = []


def code_fingerprint() -> str:
    """SHA-256 (16 hex digits) of the source and data files of the packages that compute the
    materialised bodies (api, store, registry, countries), computed once per process."""
    if not _CODE:
        root = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256()
        for package in ("api", "store", "registry", "countries"):
            for path in sorted((root / package).rglob("*")):
                if path.suffix in (".py", ".csv", ".json") and path.is_file():
                    digest.update(path.name.encode())
                    digest.update(path.read_bytes())
        _CODE.append(digest.hexdigest()[:16])
    return _CODE[0]


class ReadCache:
    """Least-recently-used store of response bodies for one freshness key.

    ``freshness`` returns the current key (``Workspace.freshness``); without it the warehouse
    file's identity is the key (older callers). ``maxsize=0`` turns caching off (the benchmark's
    uncached baseline). Thread-safe: FastAPI runs plain ``def`` endpoints in a thread pool.
    Identical keys missing at once are computed once; the others wait for that result.
    ``persist_dir`` with ``persist_kinds`` keeps bodies whose key starts with one of those kinds
    as files, one folder per freshness key (older folders are removed when the key changes);
    ``warehouse_kinds`` are kept the same way per warehouse build (``stabilis build``
    materialises the default country profiles and map cross-sections so).
    """

    def __init__(
        self,
        warehouse_path: Path,
        maxsize: int = 512,
        *,
        freshness: Callable[[], Hashable] | None = None,
        max_bytes: int = MAX_CACHE_BYTES,
        persist_dir: Path | None = None,
        persist_kinds: tuple[str, ...] = (),
        warehouse_kinds: tuple[str, ...] = (),
    ) -> None:
        self.warehouse_path = Path(warehouse_path)
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._freshness = freshness or (lambda: warehouse_stamp(self.warehouse_path))
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._stamp: Hashable = None
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Event] = {}
        self.persist_dir = Path(persist_dir) if persist_dir else None
        self.persist_kinds = persist_kinds
        self.warehouse_kinds = warehouse_kinds
        self.hits = 0
        self.misses = 0

    def stamp(self) -> Hashable:
        """The current freshness key this cache keys by."""
        return self._freshness()

    def get_or_compute(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The cached body for ``key``, computing and storing it on a miss (once at a time)."""
        if self.maxsize <= 0:
            return compute()
        stamp = self._freshness()
        while True:
            with self._lock:
                if stamp != self._stamp:
                    self._entries.clear()
                    self._bytes = 0
                    self._stamp = stamp
                body = self._entries.get(key)
                if body is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return body
                flight = self._flights.get((stamp, key))
                if flight is None:
                    flight = threading.Event()
                    self._flights[(stamp, key)] = flight
                    self.misses += 1
                    break
            flight.wait(REQUEST_TIMEOUT)  # another thread computes it; then read it again
            if not flight.is_set():
                return compute()
            with self._lock:
                body = self._entries.get(key) if stamp == self._stamp else None
            if body is not None:
                return body
            return compute()  # the other computation failed or was not kept: our own try
        try:
            body = self._read_persisted(stamp, key)
            if body is None:
                body = compute()
                self._persist(stamp, key, body)
            with self._lock:
                if stamp == self._stamp and len(body) <= self.max_bytes // 4:
                    self._store(key, body)
            return body
        finally:
            with self._lock:
                self._flights.pop((stamp, key), None)
            flight.set()

    def _store(self, key: Hashable, body: bytes) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old)
        self._entries[key] = body
        self._bytes += len(body)
        while self._entries and (len(self._entries) > self.maxsize or self._bytes > self.max_bytes):
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped)

    # -- persisted results (expensive computations, e.g. impact case studies) ----------------

    def _persist_path(self, stamp: Hashable, key: Hashable) -> Path | None:
        if self.persist_dir is None or not isinstance(key, tuple) or not key:
            return None
        if key[0] in self.warehouse_kinds:
            # Bodies that read only the warehouse (and the packaged registry): kept per build, so
            # what 'stabilis build' materialised survives a new forecast or event file.
            # The code that computes them is part of the key: an upgrade never serves old bodies.
            year = time.gmtime().tm_year
            prefix, stamp = "w", (warehouse_stamp(self.warehouse_path), year, code_fingerprint())
        elif key[0] in self.persist_kinds:
            prefix = "f"
        else:
            return None
        folder = prefix + "-" + hashlib.sha256(repr(stamp).encode()).hexdigest()[:16]
        name = hashlib.sha256(repr(key).encode()).hexdigest()[:24]
        return self.persist_dir / folder / f"{key[0]}-{name}.json"

    def persist(self, key: Hashable, compute: Callable[[], bytes]) -> bool:
        """Compute ``key``'s body and keep it on disk (materialise it), unless it is there
        already; returns False when this cache keeps no file for such keys."""
        path = self._persist_path(self._freshness(), key)
        if path is None:
            return False
        if not path.exists():
            self._persist(self._freshness(), key, compute())
        return True

    def _read_persisted(self, stamp: Hashable, key: Hashable) -> bytes | None:
        path = self._persist_path(stamp, key)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def _persist(self, stamp: Hashable, key: Hashable, body: bytes) -> None:
        path = self._persist_path(stamp, key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            prefix = path.parent.name[:2]
            for other in path.parent.parent.iterdir():
                if other.is_dir() and other.name[:2] == prefix and other != path.parent:
                    for stale in other.iterdir():
                        stale.unlink(missing_ok=True)
                    other.rmdir()
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(body)
            os.replace(tmp, path)
        except OSError:
            pass  # persistence is an optimisation; a read-only data folder just recomputes

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


# -- the response cache in front of every API route --------------------------------------------

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Captured:
    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.chunks.append(bytes(message.get("body", b"")))

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


class _Entry:
    __slots__ = ("body", "etag", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.body = body
        self.etag = b'"' + hashlib.sha256(body).hexdigest()[:20].encode() + b'"'
        keep = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"etag")]
        if status == 200:
            keep.append((b"etag", self.etag))
        self.headers = [*keep, (b"content-length", str(len(body)).encode())]


def _error_body(code: str, message: str, details: dict[str, Any]) -> bytes:
    from stabilis.workspace import encode

    return encode({"error": {"code": code, "message": message, "details": details}})


class ResponseCacheMiddleware:
    """Cache, single flight, ETag/304, size limit and timeout for ``GET /api/v1/...``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        freshness: Callable[[], str],
        prefix: str = "/api/v1/",
        maxsize: int = 2048,
        max_bytes: int = MAX_CACHE_BYTES,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        max_download_bytes: int = MAX_DOWNLOAD_BYTES,
        timeout: float = REQUEST_TIMEOUT,
        concurrency: int = MAX_CONCURRENT_MISSES,
        enabled: bool = True,
    ) -> None:
        self.app = app
        self.freshness = freshness
        self.prefix = prefix
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self.max_response_bytes = max_response_bytes
        self.max_download_bytes = max_download_bytes
        self.timeout = timeout
        self.enabled = enabled
        self._concurrency = concurrency
        self._semaphore: asyncio.Semaphore | None = None
        self._entries: OrderedDict[tuple[str, bytes, bool], _Entry] = OrderedDict()
        self._bytes = 0
        self._stamp: str | None = None
        self._flights: dict[tuple[str, bytes, bool], asyncio.Future[_Entry | None]] = {}
        self.hits = 0
        self.misses = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        path = str(scope.get("path", ""))
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not path.startswith(self.prefix)
            or path.startswith(tuple(self.prefix + p for p in PERSONAL_ROUTES))
            or b"authorization" in headers
            or b"cookie" in headers
        ):
            # Writes, answers that depend on who asks, and requests that carry credentials are
            # never cached: one user's answer must never reach another.
            await self.app(scope, receive, send)
            return
        gzip = b"gzip" in headers.get(b"accept-encoding", b"")
        key = (str(scope["path"]), bytes(scope.get("query_string", b"")), gzip)
        stamp = self.freshness()  # a few stat calls: cheaper than a hop to a thread
        if stamp != self._stamp:
            self._entries.clear()
            self._bytes = 0
            self._stamp = stamp
        entry = self._entries.get(key) if self.enabled else None
        if entry is not None:
            self.hits += 1
            self._entries.move_to_end(key)
        else:
            entry = await self._compute(scope, receive, key, stamp)
        await self._answer(entry, headers, scope, send)

    async def _compute(
        self, scope: Scope, receive: Receive, key: tuple[str, bytes, bool], stamp: str
    ) -> _Entry:
        flight = self._flights.get(key) if self.enabled else None
        if flight is not None:
            shared = await asyncio.shield(flight)
            if shared is not None:
                return shared
        loop = asyncio.get_running_loop()
        own: asyncio.Future[_Entry | None] = loop.create_future()
        if self.enabled:
            self._flights[key] = own
        self.misses += 1
        try:
            entry = await self._run(scope, receive)
            cacheable = entry.status == 200 and self.enabled and stamp == self._stamp
            if cacheable and len(entry.body) <= self.max_bytes // 8:
                self._store(key, entry)
            own.set_result(entry if entry.status == 200 else None)
            return entry
        except BaseException:
            if not own.done():
                own.set_result(None)
            raise
        finally:
            if self._flights.get(key) is own:
                del self._flights[key]

    async def _run(self, scope: Scope, receive: Receive) -> _Entry:
        if self._semaphore is None:
            self._semaphore = asyncio.Semaphore(self._concurrency)
        captured = _Captured()
        async with self._semaphore:
            try:
                await asyncio.wait_for(self.app(scope, receive, captured.send), self.timeout)
            except TimeoutError:
                body = _error_body(
                    "timeout",
                    f"The request took longer than {self.timeout:g} s and was abandoned. Ask for "
                    "less (fewer indicators, countries or years, or a smaller page) or try again "
                    "in a moment.",
                    {"timeout_seconds": self.timeout},
                )
                return _Entry(503, [(b"content-type", b"application/json")], body)
        body = captured.body
        media = dict(captured.headers).get(b"content-type", b"")
        limit = (
            self.max_response_bytes
            if media.startswith(b"application/json")
            else self.max_download_bytes
        )
        if captured.status == 200 and len(body) > limit:
            parameter = "limit" if media.startswith(b"application/json") else "indicators"
            body = _error_body(
                "response_too_large",
                f"The answer would be {len(body) / 1e6:.1f} MB; the most one request may return "
                f"is {limit / 1e6:.0f} MB. Ask for less: a smaller page (parameter 'limit', then "
                "'offset'), fewer indicators, countries or years; for bulk exports use "
                "'stabilis panel --out FILE'.",
                {"parameter": parameter, "bytes": len(body), "limit_bytes": limit},
            )
            return _Entry(413, [(b"content-type", b"application/json")], body)
        return _Entry(captured.status, captured.headers, body)

    def _store(self, key: tuple[str, bytes, bool], entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while self._entries and (len(self._entries) > self.maxsize or self._bytes > self.max_bytes):
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    async def _answer(
        self, entry: _Entry, headers: dict[bytes, bytes], scope: Scope, send: Send
    ) -> None:
        match = headers.get(b"if-none-match")
        if entry.status == 200 and match is not None and entry.etag in match:
            await send(
                {"type": "http.response.start", "status": 304, "headers": [(b"etag", entry.etag)]}
            )
            await send({"type": "http.response.body", "body": b""})
            return
        await send(
            {"type": "http.response.start", "status": entry.status, "headers": entry.headers}
        )
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})
