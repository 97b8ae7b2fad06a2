"""The one results contract every analysis result follows.

* ``tidy()`` — a long ``pandas.DataFrame``: one row per observation, key columns first (a
  result names them in ``TIDY_KEYS``; they are unique per row), flat string column names, no
  column named after a key's value (a wide table is a separate, named view such as
  ``table()``), a plain 0..n-1 index; :func:`long_frame` turns a wide table into this shape;
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
    from collections.abc import Mapping, Sequence

    import pandas as pd

__all__ = ["Result", "TableResult", "frame_records", "keys_first", "long_frame"]


@runtime_checkable
class Result(Protocol):
    """What every result offers (see the module docstring)."""

    def tidy(self) -> pd.DataFrame: ...

    def summary(self) -> str: ...

    def meta(self) -> dict[str, Any]: ...

    def to_dict(self) -> dict[str, Any]: ...


class TableResult:
    """Base of the results with a table: ``to_dict()`` is ``{"data": tidy rows, "meta": meta()}``.

    A subclass gives ``tidy()``, ``summary()`` and ``meta()`` (and ``TIDY_KEYS``).
    """

    def tidy(self) -> pd.DataFrame:
        raise NotImplementedError

    def meta(self) -> dict[str, Any]:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        return {"data": frame_records(self.tidy()), "meta": self.meta()}


def frame_records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    """A frame's rows as JSON-ready dicts: missing values null, dates ISO strings."""
    import json

    if frame is None or frame.empty:
        return []
    return list(json.loads(frame.to_json(orient="records", date_format="iso")))


def long_frame(
    wide: pd.DataFrame,
    keys: Sequence[str],
    measures: Sequence[str],
    *,
    beside: Mapping[str, Mapping[str, str]] | None = None,
    described: Mapping[str, Mapping[str, Any]] | None = None,
) -> pd.DataFrame:
    """``wide`` (one row per unit, a column per measure) as one row per unit × measure.

    The columns are ``keys``, ``measure``, ``value`` (float; missing stays missing), then one
    column per entry of ``beside`` — ``beside["lower"] = {"p": "p_lo"}`` puts each row's
    ``p_lo`` beside measure ``p`` (missing for measures it does not name) — then one per entry of
    ``described``, a fixed value per measure (``described["unit"] = {"p": "0-1"}``). Rows keep
    ``wide``'s order, and within a unit the order of ``measures``.
    """
    import numpy as np
    import pandas as pd

    beside, described = dict(beside or {}), dict(described or {})
    n, k = len(wide), len(measures)
    out = pd.DataFrame({key: np.repeat(wide[key].to_numpy(), k) for key in keys})
    out["measure"] = np.tile(np.asarray(measures, dtype=object), n)
    values = wide[list(measures)].apply(pd.to_numeric, errors="coerce").astype(float)
    out["value"] = values.to_numpy().reshape(-1)
    for name, columns in beside.items():
        parts = [
            wide[columns[m]].astype(object)
            if m in columns
            else pd.Series([pd.NA] * n, dtype=object)
            for m in measures
        ]
        cells = np.column_stack([p.to_numpy() for p in parts]) if n else np.empty((0, k))
        column = pd.Series(cells.reshape(-1), dtype=object).convert_dtypes()
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        out[name] = column.astype(float) if numeric else column
    for name, per_measure in described.items():
        out[name] = np.tile(np.asarray([per_measure.get(m) for m in measures], dtype=object), n)
    return out.reset_index(drop=True)


def keys_first(frame: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """``frame`` with the ``keys`` columns first (in that order), the others as they were."""
    first = list(keys)
    return frame[[*first, *(c for c in frame.columns if c not in first)]].reset_index(drop=True)
