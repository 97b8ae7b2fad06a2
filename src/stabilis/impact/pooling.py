"""Pooled synthetic control for several treated units: one synthetic control fitted to the
treated units' average (``design = "pooled"`` in a case file).

The treated units' outcome (and every predictor variable) is averaged year by year into one
aggregate unit, named by its members joined with ``+`` (``EST+LTU+LVA``); a year in which any
member lacks a value is missing for the aggregate, so the average never changes composition.
That unit is then treated like any single treated unit: the nested V/W fit, placebos in space
(each donor in turn, with the aggregate kept in their donor pools), in time, leave-one-out and
the verdict rules. This is the "pooled" synthetic control of Abadie & L'Hour (2021, section 2)
and Kreif et al. (2016): the average effect on the treated group, with one fit whose quality
the diagnostics judge, unlike the ``synth`` design's average of per-unit fits (Cavallo et al.
2013), where each member must be fitted well on its own.
"""

from __future__ import annotations

import pandas as pd

from stabilis.errors import QueryError


def pooled_id(treated: tuple[str, ...] | list[str]) -> str:
    """The aggregate unit's name: the members, sorted, joined with ``+``."""
    return "+".join(sorted(treated))


def pooled_panel(
    panel: pd.DataFrame,
    treated: tuple[str, ...] | list[str],
    unit: str = "iso3",
    time: str = "year",
) -> pd.DataFrame:
    """``panel`` with the treated units replaced by their year-by-year average (a new frame;
    the caller's is not changed). Numeric columns are averaged; a year missing for any member
    is missing for the aggregate."""
    members = sorted(set(treated))
    if len(members) < 2:
        raise QueryError("A pooled synthetic control needs at least two treated units.")
    absent = [m for m in members if m not in set(panel[unit])]
    if absent:
        raise QueryError(f"The treated unit {absent[0]} is not in the panel's '{unit}' column.")
    rows = panel[panel[unit].isin(members)]
    values = [
        c for c in rows.columns if c not in (unit, time) and pd.api.types.is_numeric_dtype(rows[c])
    ]
    average = pd.DataFrame(index=pd.Index(sorted(set(rows[time])), name=time))
    for column in values:
        block = rows.pivot(index=time, columns=unit, values=column).reindex(
            index=average.index, columns=members
        )
        average[column] = block.mean(axis=1, skipna=False)
    average = average.reset_index().assign(**{unit: pooled_id(members)})
    rest = panel[~panel[unit].isin(members)]
    return pd.concat([rest, average[[unit, time, *values]]], ignore_index=True)
