"""Outcomes derived for impact studies from the records tables (the panel has the rest).

=============================  ==============================================================
``ucdp.armed_conflict``        1 if a UCDP/PRIO armed conflict (25+ battle deaths) was located
                               in the country that year, else 0
``ucdp.conflict_intensity``    the highest intensity that year: 0 none, 1 minor (25-999
                               battle deaths), 2 war (1,000+)
=============================  ==============================================================

Both are defined for the country-years the caller passes (countries that exist that year, e.g.
with a V-Dem score) up to the last year in the conflict table; later years stay missing rather
than becoming zeros. Higher is worse for both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DERIVED: dict[str, str] = {
    "ucdp.armed_conflict": "UCDP/PRIO armed conflict located in the country (0/1)",
    "ucdp.conflict_intensity": "highest UCDP/PRIO conflict intensity (0 none, 1 minor, 2 war)",
}

#: Direction of the derived outcomes (False: higher is worse).
HIGHER_IS_BETTER: dict[str, bool] = dict.fromkeys(DERIVED, False)


def conflict_outcomes(conflicts: pd.DataFrame, country_years: pd.DataFrame) -> pd.DataFrame:
    """``iso3, year, ucdp.armed_conflict, ucdp.conflict_intensity`` for ``country_years``."""
    frame = country_years[["iso3", "year"]].drop_duplicates().copy()
    located = conflicts.dropna(subset=["iso3"])
    intensity = (
        located.groupby(["iso3", "year"])["intensity_level"].max().rename("ucdp.conflict_intensity")
    )
    frame = frame.merge(intensity.reset_index(), on=["iso3", "year"], how="left")
    last = int(located["year"].max()) if len(located) else -1
    first = int(located["year"].min()) if len(located) else 0
    covered = (frame["year"] >= first) & (frame["year"] <= last)
    frame["ucdp.conflict_intensity"] = np.where(
        covered, frame["ucdp.conflict_intensity"].fillna(0), np.nan
    )
    frame["ucdp.armed_conflict"] = np.where(
        covered, (frame["ucdp.conflict_intensity"] > 0).astype(float), np.nan
    )
    return frame
