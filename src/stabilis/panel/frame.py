"""Long <-> wide country-year frames and the contract every panel satisfies.

A *long* frame has columns ``iso3, year, indicator, value``; a *wide* frame has ``iso3, year``
and one column per indicator code, with unique ``(iso3, year)`` rows sorted by key. The two
round-trip exactly (missing values are absent in long form and NaN in wide form).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from stabilis.errors import QueryError

PANEL_KEYS = ("iso3", "year")


def to_wide(long: pd.DataFrame, indicators: Sequence[str] | None = None) -> pd.DataFrame:
    """Pivot a long frame to the wide panel, keeping the requested indicator order."""
    if long.duplicated(subset=["iso3", "year", "indicator"]).any():
        raise QueryError("The long frame has two values for one (iso3, year, indicator).")
    wide = long.pivot(index=["iso3", "year"], columns="indicator", values="value")
    wide.columns.name = None
    if indicators is not None:
        wide = wide.reindex(columns=list(indicators))
    wide = wide.reset_index().sort_values(list(PANEL_KEYS), kind="stable").reset_index(drop=True)
    wide["year"] = wide["year"].astype("int64")
    for column in wide.columns[2:]:
        wide[column] = wide[column].astype("float64")
    return wide


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """Melt a wide panel back to long form, dropping missing values."""
    check_panel(wide)
    long = wide.melt(id_vars=list(PANEL_KEYS), var_name="indicator", value_name="value")
    long = long.dropna(subset=["value"])
    return long.sort_values(["iso3", "year", "indicator"], kind="stable").reset_index(drop=True)


def check_panel(frame: pd.DataFrame) -> None:
    """Raise when a frame breaks the panel contract (keys present and unique)."""
    missing = [k for k in PANEL_KEYS if k not in frame.columns]
    if missing:
        raise QueryError(f"A panel needs the columns {', '.join(PANEL_KEYS)}; missing {missing}.")
    dup = frame.duplicated(subset=list(PANEL_KEYS))
    if dup.any():
        first = frame.loc[dup, list(PANEL_KEYS)].iloc[0]
        raise QueryError(f"The panel has two rows for {first['iso3']} {first['year']}.")
