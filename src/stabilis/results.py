"""The one results contract every analysis result follows.

* ``tidy()`` — a long ``pandas.DataFrame``: one row per observation, key columns first, flat
  string column names, a plain 0..n-1 index;
* ``summary()`` — prose: a ``str`` a reader can read (sentences, no dict);
* ``meta()`` — a JSON-ready ``dict``: the settings, provenance and diagnostics behind the result
  (``json.dumps`` takes it as it is);
* ``to_dict()`` — the whole result JSON-ready (for results with a table:
  ``{"data": <tidy rows>, "meta": <meta>}``).

Results in ``alliance/``, ``threats/`` and ``report/`` follow it (checked by
``tests/contract/test_results_contract.py``); this module is below them all and imports nothing
of Stabilis.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result", "frame_records"]


@runtime_checkable
class Result(Protocol):
    """What every result offers (see the module docstring)."""

    def tidy(self) -> pd.DataFrame: ...

    def summary(self) -> str: ...

    def meta(self) -> dict[str, Any]: ...

    def to_dict(self) -> dict[str, Any]: ...


def frame_records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts: missing values null, dates ISO strings."""
    import json

    if frame is None or frame.empty:
        return []
    return list(json.loads(frame.to_json(orient="records", date_format="iso")))
