"""Frames for download: the panel with the producers' bounds beside each value.

``panel_with_bounds`` is :meth:`Workspace.panel` plus, for every indicator whose producer ships
an interval (V-Dem, WGI), the columns ``<code>.lower`` and ``<code>.upper`` right after it, so an
exported file keeps the uncertainty the charts draw. Indicators without an interval get none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def panel_with_bounds(
    ws: Any,
    codes: Sequence[str],
    countries: str | Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The wide panel with ``<code>.lower``/``<code>.upper`` where bounds exist."""
    wide = ws.panel(list(codes), countries=countries, years=years)
    iso3 = sorted(set(wide["iso3"])) if len(wide) else []
    if not iso3:
        return wide
    bounds = ws.panel_bounds(list(codes), iso3, years)
    if bounds.empty:
        return wide
    out = wide.set_index(["iso3", "year"])
    ordered: list[str] = []
    for code in codes:
        ordered.append(code)
        mine = bounds[bounds["indicator"] == code]
        if mine.empty:
            continue
        mine = mine.set_index(["iso3", "year"])
        for side in ("lower", "upper"):
            column = f"{code}.{side}"
            out[column] = mine[side].reindex(out.index).astype("float64")
            ordered.append(column)
    return out[ordered].reset_index()
