"""Threat signals per country and period, each with its coverage status.

:func:`cyber_yearly` counts, per target country and year, the records of each cyber source (DCID
operations, EuRepoC incidents, CFR operations) and the reconciled incidents, and gives each
count its status from :mod:`stabilis.threats.coverage`. A count is a number only where its source
covers the country-year (``covered`` or ``partial``); elsewhere it is missing and the status says
"not covered" — never 0. The reconciled count is a number where at least one source covers the
country-year; ``covered_by`` names those sources.

:func:`disinfo_yearly` does the same for EUvsDisinfo cases. :func:`exposure` is the threat-exposure
term the support audit can use: covered periods only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stabilis.threats.coverage import COVERED, NOT_COVERED, PARTIAL, SourceCoverage

if TYPE_CHECKING:
    import pandas as pd

CYBER_SOURCES = ("dcid", "eurepoc", "cfr")


def cyber_yearly(
    records: pd.DataFrame,
    incidents: pd.DataFrame,
    coverages: dict[str, SourceCoverage],
    countries: Sequence[str],
    years: tuple[int, int],
) -> pd.DataFrame:
    """Per ``iso3`` and ``year``: each source's count and status, the reconciled count, covered_by."""
    import numpy as np
    import pandas as pd

    grid = pd.DataFrame(
        [(c, y) for c in countries for y in range(years[0], years[1] + 1)],
        columns=["iso3", "year"],
    )
    for source in CYBER_SOURCES:
        recs = records[records["source"] == source]
        counts = recs.groupby(["target_iso3", "year"])["source_id"].nunique()
        cov = coverages[source]
        status = [cov.status(c, int(y)) for c, y in zip(grid["iso3"], grid["year"], strict=True)]
        values = [
            counts.get((c, y), 0) if s != NOT_COVERED else np.nan
            for c, y, s in zip(grid["iso3"], grid["year"], status, strict=True)
        ]
        grid[source] = pd.array(values, dtype="Float64").astype("Int64") if len(values) else []
        grid[f"{source}_status"] = status
    counted = incidents.groupby(["target_iso3", "year"]).size()
    covered_by = []
    reconciled = []
    for row in grid.itertuples(index=False):
        sources = [s for s in CYBER_SOURCES if getattr(row, f"{s}_status") != NOT_COVERED]
        covered_by.append(";".join(sources))
        reconciled.append(counted.get((row.iso3, row.year), 0) if sources else np.nan)
    grid["cyber_incidents"] = pd.array(reconciled, dtype="Float64").astype("Int64")
    grid["covered_by"] = covered_by
    grid["fully_covered_by"] = [
        ";".join(s for s in CYBER_SOURCES if getattr(r, f"{s}_status") == COVERED)
        for r in grid.itertuples(index=False)
    ]
    return grid


def disinfo_yearly(
    months: pd.DataFrame, coverage: SourceCoverage, countries: Sequence[str], years: tuple[int, int]
) -> pd.DataFrame:
    """EUvsDisinfo cases per ``iso3`` and ``year`` with ``disinfo_status`` (never 0 outside)."""
    import numpy as np
    import pandas as pd

    counts = (
        months.groupby(["iso3", "year"])["cases"].sum() if len(months) else pd.Series(dtype=int)
    )
    rows = []
    for c in countries:
        for y in range(years[0], years[1] + 1):
            status = coverage.status(c, y)
            value = counts.get((c, y), 0) if status != NOT_COVERED else np.nan
            rows.append((c, y, value, status))
    out = pd.DataFrame(rows, columns=["iso3", "year", "disinfo_cases", "disinfo_status"])
    out["disinfo_cases"] = out["disinfo_cases"].astype("Float64").astype("Int64")
    return out


def exposure(cyber: pd.DataFrame, disinfo: pd.DataFrame, year: int) -> pd.DataFrame:
    """Threat exposure in ``year`` on covered periods only.

    ``cyber`` is the reconciled incident count where at least one cyber source covers the
    country-year *fully* (partial years are missing), ``cyber_sources`` the sources behind it;
    ``disinfo`` the EUvsDisinfo cases where that source fully covers the year. Missing means
    "no source covers it", which a caller must not read as 0.
    """
    import numpy as np

    c = cyber[cyber["year"] == year].set_index("iso3")
    d = disinfo[disinfo["year"] == year].set_index("iso3")
    out = c[["cyber_incidents", "fully_covered_by"]].rename(
        columns={"cyber_incidents": "cyber", "fully_covered_by": "cyber_sources"}
    )
    out["cyber"] = out["cyber"].astype("float64").where(out["cyber_sources"] != "", np.nan)
    out["disinfo"] = (
        d["disinfo_cases"].astype("float64").where(d["disinfo_status"] == COVERED, np.nan)
    )
    out = out.reset_index()
    out.insert(1, "year", year)
    return out


def status_text(value: object, status: str) -> str:
    """How an interface shows a count: the number, "not covered", or the number with "(partial)"."""
    if status == NOT_COVERED:
        return NOT_COVERED
    import pandas as pd

    text = "" if value is None or pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]
    return f"{text} (partial)" if status == PARTIAL else text
