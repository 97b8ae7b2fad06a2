"""The success shape ``{"data": ..., "meta": ...}``, pagination, and table downloads.

Every JSON body the API returns on success goes through :func:`envelope`, and every body
through :func:`~stabilis.panel.serialise.encode` (the one JSON conversion, shared with the CLI). Tables (the panel, the
registry, the snapshots, a map's values) can also be downloaded as CSV, Parquet or a zipped
Frictionless data package with ``format=csv|parquet|datapackage``, each carrying its citation
(:func:`table_response`); downloads are not paginated but are capped at :data:`MAX_EXPORT_ROWS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Query
from fastapi.responses import Response

from stabilis.errors import QueryError
from stabilis.workspace import encode, jsonable, records

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.api.params import Format
    from stabilis.report.provenance import Provenance

#: Rows per JSON page unless ``limit`` says otherwise, and the most ``limit`` may ask for.
DEFAULT_LIMIT, MAX_LIMIT = 1000, 10_000
#: The most rows a CSV or Parquet download may carry (about 50 MB of CSV).
MAX_EXPORT_ROWS = 1_000_000

JSON_TYPE = "application/json"

__all__ = ["Found", "Page", "cached_result", "encode", "envelope", "json_response", "jsonable",
           "records", "respond", "table_response"]  # fmt: skip


def envelope(data: Any, **meta: Any) -> bytes:
    return encode({"data": data, "meta": meta})


def json_response(body: bytes, status_code: int = 200) -> Response:
    return Response(body, status_code=status_code, media_type=JSON_TYPE)


@dataclass(frozen=True)
class Page:
    """``limit``/``offset`` from the query string (FastAPI checks the bounds, 422 otherwise)."""

    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def slice(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame.iloc[self.offset : self.offset + self.limit]

    def meta(self, total: int) -> dict[str, Any]:
        following = self.offset + self.limit
        return {
            "total": total,
            "limit": self.limit,
            "offset": self.offset,
            "next_offset": following if following < total else None,
        }


def page_params(
    limit: int = Query(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT})."
    ),
    offset: int = Query(0, ge=0, description="Rows to skip."),
) -> Page:
    return Page(limit=limit, offset=offset)


#: The ``limit``/``offset`` dependency, declared once (``page: Page = PAGE`` in a route).
PAGE = Depends(page_params)


def table_response(
    frame: pd.DataFrame,
    fmt: Format,
    name: str,
    page: Page | None = None,
    *,
    provenance: Provenance | None = None,
    **meta: Any,
) -> Response:
    """A table as JSON (a page when ``page`` is given), or a whole CSV, Parquet or data package.

    The one helper for every route that returns a table, so ``format=csv`` means the same
    everywhere. ``provenance`` (see :mod:`stabilis.report.provenance`) travels with the data:
    ``meta.provenance`` in JSON, key-value metadata in Parquet, ``datapackage.json`` inside the
    ``datapackage`` zip, and a ``Link`` header naming that package on a plain CSV.
    """
    if fmt == "json":
        shown = page.slice(frame) if page is not None else frame
        extra: dict[str, Any] = page.meta(len(frame)) if page else {"total": len(frame)}
        if provenance is not None:
            extra["provenance"] = provenance.to_dict()
        return json_response(envelope(records(shown), **meta, **extra))
    if len(frame) > MAX_EXPORT_ROWS:
        raise QueryError(
            f"The download would hold {len(frame):,} rows; the limit is {MAX_EXPORT_ROWS:,}. "
            "Ask for fewer indicators, countries or years, or use 'stabilis panel --out FILE'.",
            details={"rows": len(frame), "limit": MAX_EXPORT_ROWS},
        )
    from stabilis.report import provenance as bundle

    suffix = "zip" if fmt == "datapackage" else fmt
    headers = {"Content-Disposition": f'attachment; filename="{name}.{suffix}"'}
    if fmt == "csv":
        if provenance is not None:
            headers["Link"] = '<?format=datapackage>; rel="describedby"; type="application/zip"'
            headers["X-Stabilis-Sources"] = ", ".join(provenance.names())
        return Response(
            frame.to_csv(index=False), media_type="text/csv; charset=utf-8", headers=headers
        )
    prov = provenance or bundle.Provenance((), {"note": "no source recorded for this table"})
    if fmt == "datapackage":
        return Response(
            bundle.csv_package(frame, name, prov), media_type="application/zip", headers=headers
        )
    return Response(
        bundle.parquet_bytes(frame, prov),
        media_type="application/vnd.apache.parquet",
        headers=headers,
    )


@dataclass
class Found:
    """A results answer: rows, a sentence about them, and ``available`` false only when the
    thing exists but has not been computed yet (no forecast issued, no case defined)."""

    available: bool
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def as_meta(self) -> dict[str, Any]:
        return {"available": self.available, "message": self.message, **self.extra}

    def about(self, iso3: str, key: str = "iso3") -> Found:
        """Only the rows about one country (``key`` may hold several codes: ``"SRB XKX"``); an
        empty list, still available, when none concerns it."""
        if not self.available:
            return self
        rows = [r for r in self.rows if iso3 in str(r.get(key) or "").replace(",", " ").split()]
        message = self.message if rows else f"None of these results concerns {iso3}."
        return Found(True, message, rows, self.extra)


def respond(found: Found) -> Response:
    """``found`` as the success envelope (not cached)."""
    return json_response(envelope(found.rows, **found.as_meta()))


class _NotCached(Exception):
    """A 'not available' answer: returned, but not kept, so a later run shows up at once."""

    def __init__(self, body: bytes) -> None:
        super().__init__("not cached")
        self.body = body


def cached_result(cache: Any, key: tuple[Any, ...], read: Callable[[], Found]) -> Response:
    """The envelope of ``read()``,
    kept in ``cache`` under ``key`` only when it is available: a "nothing yet" answer is sent
    but not kept, so results computed later show up at once."""

    def compute() -> bytes:
        found = read()
        if not found.available:
            raise _NotCached(encode({"data": found.rows, "meta": found.as_meta()}))
        return envelope(found.rows, **found.as_meta())

    try:
        return json_response(cache.get_or_compute(key, compute))
    except _NotCached as miss:
        return json_response(miss.body)
