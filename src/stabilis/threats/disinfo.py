"""Disinformation cases (EUvsDisinfo) by targeted country, keyword and month.

Unit: one **case naming a country**. ``disinfo_case_countries`` has one row per case and country
named in the case's ``countries`` tag — the country the narrative targets or mentions, not who
spread it (EUvsDisinfo records pro-Kremlin outlets only, so Russia itself is named in many
cases). Keywords come from the case's ``+``-separated ``keywords`` tag in ``disinfo_cases``.
The database covers cases published 2015-01-06 to 2021-02-18 (the staged scrape): months
outside that span are *not covered*, not zero — :func:`coverage` gives the span and
:func:`disinfo_country_months` fills zeros only inside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


def coverage(case_countries: pd.DataFrame) -> tuple[str, str]:
    """First and last case month (``YYYY-MM``) in the data: the span the counts cover."""
    months = case_countries["date"].astype(str).str.slice(0, 7)
    return str(months.min()), str(months.max())


def _with_month(case_countries: pd.DataFrame) -> pd.DataFrame:
    frame = case_countries.copy()
    dates = frame["date"].astype(str)
    frame["year"] = dates.str.slice(0, 4).astype("int64")
    frame["month"] = dates.str.slice(5, 7).astype("int64")
    return frame


def disinfo_country_months(
    case_countries: pd.DataFrame,
    countries: Sequence[str] | None = None,
    *,
    fill: bool = True,
) -> pd.DataFrame:
    """Cases per ``iso3``, ``year``, ``month``; zero-filled inside the coverage span.

    Rows without an ISO3 (names the country table does not know; see the quality report) are
    left out here. ``fill`` adds the months of the coverage span with no case as zeros.
    """
    import pandas as pd

    frame = _with_month(case_countries[case_countries["iso3"].notna()])
    if countries is not None:
        frame = frame[frame["iso3"].isin(list(countries))]
    counts = (
        frame.groupby(["iso3", "year", "month"])
        .agg(
            cases=("case_id", "nunique"), snapshots=("snapshot", lambda s: ";".join(sorted(set(s))))
        )
        .reset_index()
    )
    if not fill or counts.empty:
        return counts
    first, last = coverage(case_countries)
    span = pd.period_range(first, last, freq="M")
    codes = sorted(set(counts["iso3"]) | (set(countries) if countries is not None else set()))
    grid = pd.DataFrame(
        [(c, p.year, p.month) for c in codes for p in span], columns=["iso3", "year", "month"]
    )
    out = grid.merge(counts, on=["iso3", "year", "month"], how="left")
    out["cases"] = out["cases"].fillna(0).astype("int64")
    out["snapshots"] = out["snapshots"].fillna("")
    return out


def disinfo_keywords(
    cases: pd.DataFrame,
    case_countries: pd.DataFrame,
    iso3: str,
    years: tuple[int, int] | None = None,
    top: int = 10,
) -> pd.DataFrame:
    """The most frequent keywords of the cases naming ``iso3``: keyword, cases, first/last date."""
    ids = case_countries.loc[case_countries["iso3"] == iso3, "case_id"].unique()
    chosen = cases[cases["case_id"].isin(ids)]
    if years is not None:
        chosen = chosen[chosen["year"].between(years[0], years[1])]
    words = (
        chosen.assign(keyword=chosen["keywords"].fillna("").str.split("+"))
        .explode("keyword")
        .assign(keyword=lambda f: f["keyword"].str.strip())
    )
    words = words[words["keyword"] != ""]
    out = (
        words.groupby("keyword")
        .agg(cases=("case_id", "nunique"), first_date=("date", "min"), last_date=("date", "max"))
        .reset_index()
        .sort_values(["cases", "keyword"], ascending=[False, True])
    )
    return out.head(top).reset_index(drop=True)


def disinfo_case_list(
    cases: pd.DataFrame,
    case_countries: pd.DataFrame,
    iso3: str,
    year: int | None = None,
    month: int | None = None,
) -> pd.DataFrame:
    """The cases behind a count: case id, date, title, keywords, url, snapshot."""
    rows = _with_month(case_countries[case_countries["iso3"] == iso3])
    if year is not None:
        rows = rows[rows["year"] == year]
    if month is not None:
        rows = rows[rows["month"] == month]
    detail = cases[["case_id", "title", "keywords", "url"]]
    out = (
        rows[["case_id", "date", "snapshot"]]
        .drop_duplicates("case_id")
        .merge(detail, on="case_id", how="left")
    )
    return (
        out[["case_id", "date", "title", "keywords", "url", "snapshot"]]
        .sort_values(["date", "case_id"])
        .reset_index(drop=True)
    )
