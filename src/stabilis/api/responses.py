"""The success shape ``{"data": ..., "meta": ...}``, pagination, and table downloads.

Every JSON body the API returns on success goes through :func:`envelope`. Tables (the panel, the
registry, the snapshots, a map's values) can also be downloaded as CSV or Parquet with
``format=csv|parquet``; downloads are not paginated but are capped at :data:`MAX_EXPORT_ROWS`.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Query
from fastapi.responses import Response

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.api.params import Format

#: Rows per JSON page unless ``limit`` says otherwise, and the most ``limit`` may ask for.
DEFAULT_LIMIT, MAX_LIMIT = 1000, 10_000
#: The most rows a CSV or Parquet download may carry (about 50 MB of CSV).
MAX_EXPORT_ROWS = 1_000_000

JSON_TYPE = "application/json"


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: missing values become null, dates ISO strings."""
    if frame.empty:
        return []
    return list(json.loads(frame.to_json(orient="records", date_format="iso")))


def encode(payload: Any) -> bytes:
    """JSON bytes; NaN is refused (``records`` has already turned it into null)."""
    return json.dumps(payload, ensure_ascii=False, allow_nan=False, default=str).encode()


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
    frame: pd.DataFrame, fmt: Format, name: str, page: Page, **meta: Any
) -> Response:
    """A table as a JSON page (with pagination metadata), or a whole CSV/Parquet download."""
    if fmt == "json":
        shown = page.slice(frame)
        return json_response(envelope(records(shown), **meta, **page.meta(len(frame))))
    if len(frame) > MAX_EXPORT_ROWS:
        raise QueryError(
            f"The download would hold {len(frame):,} rows; the limit is {MAX_EXPORT_ROWS:,}. "
            "Ask for fewer indicators, countries or years, or use 'stabilis panel --out FILE'.",
            details={"rows": len(frame), "limit": MAX_EXPORT_ROWS},
        )
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if fmt == "csv":
        return Response(
            frame.to_csv(index=False), media_type="text/csv; charset=utf-8", headers=headers
        )
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return Response(buffer.getvalue(), media_type="application/vnd.apache.parquet", headers=headers)
