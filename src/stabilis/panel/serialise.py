"""The one conversion of frames and results to JSON, for the API and the CLI's ``--json``.

* :func:`records` — a frame's rows as dicts: missing values (NaN, NaT, ``pd.NA``) become null,
  dates ISO 8601 strings, numpy numbers plain numbers.
* :func:`jsonable` — any payload (dicts, lists, frames, numpy scalars, dates, paths) as plain
  JSON values, NaN and infinities as null.
* :func:`encode` — JSON bytes of a payload; never writes ``NaN`` (which is not JSON).

Every interface goes through these three, so a number reads the same in a download, a page and
a script. This module imports only the standard library at import time (pandas when a frame is
given).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any


def records(frame: Any) -> list[dict[str, Any]]:
    """Rows of ``frame`` as JSON-ready dicts (an empty list for None or an empty frame)."""
    if frame is None or len(frame) == 0:
        return []
    text = frame.to_json(orient="records", date_format="iso", default_handler=str)
    return list(json.loads(text))


def _is_frame(value: Any) -> bool:
    return type(value).__module__.startswith("pandas") and hasattr(value, "to_json")


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON values: NaN and infinities null, frames as :func:`records`."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if _is_frame(value):
        if hasattr(value, "columns"):
            return records(value)
        return jsonable(value.tolist())  # a Series or an Index
    return jsonable(_plain(value))


def _plain(value: Any) -> Any:
    """One value json cannot write natively, as one it can."""
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()  # numpy scalar
    if hasattr(value, "tolist") and type(value).__module__ == "numpy":
        return value.tolist()  # numpy array
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if _is_frame(value) or type(value).__module__.startswith("pandas"):
        text = str(value)
        return None if text in ("NaT", "<NA>", "nan") else text
    return str(value)


def _default(value: Any) -> Any:
    if _is_frame(value):
        return jsonable(value)
    plain = _plain(value)
    if isinstance(plain, float) and not math.isfinite(plain):
        raise ValueError("not finite")  # caught by encode: the slow, cleaning path
    return plain


def encode(payload: Any, *, indent: int | None = None) -> bytes:
    """JSON bytes of ``payload``. Fast when it holds only JSON values; anything else (NaN,
    numpy numbers, dates, frames) is converted by :func:`jsonable`."""
    try:
        text = json.dumps(payload, ensure_ascii=False, allow_nan=False, default=_default,
                          indent=indent)  # fmt: skip
    except (TypeError, ValueError):
        text = json.dumps(jsonable(payload), ensure_ascii=False, allow_nan=False, indent=indent)
    return text.encode()
