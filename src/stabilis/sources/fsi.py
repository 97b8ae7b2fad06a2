"""The Fund for Peace, Fragile States Index (FSI), reports 2021-2023.

The staged file stacks the Fund for Peace's official yearly downloads (``fsi-2021.xlsx``,
``fsi-2022-download.xlsx``, ``FSI-2023-DOWNLOAD.xlsx``, from repo
``RehmanAnsari92/Power_BI_Projects``) into one CSV with the columns aligned by name and scores
rounded to 2 decimals. An official yearly workbook (one year per file, the same column names,
header in row 1) is read too; the format is recognised from the content, not the name.

Indicators (all "higher = more fragile" except the rank):

* ``fsi.total``: the sum of the twelve indicators, 0-120;
* ``fsi.c1`` ... ``fsi.x1``: C1 Security Apparatus, C2 Factionalized Elites, C3 Group
  Grievance, E1 Economy, E2 Economic Inequality, E3 Human Flight and Brain Drain, P1 State
  Legitimacy, P2 Public Services, P3 Human Rights, S1 Demographic Pressures, S2 Refugees and
  IDPs, X1 External Intervention; each 0-10;
* ``fsi.rank``: the rank parsed from "1st", "2nd", "179th"; 1 = most fragile, so a higher
  rank is better. Tied countries share a rank.

Caveats: ``year`` is the **report year** (the 2023 index reflects 2022's data) and is kept as
the producer gives it. Countries are identified by FSI's names only ("Congo Democratic
Republic", "Guinea Bissau", "Kyrgyz Republic" ...), and spellings change between years
("Czech Republic"/"Czechia", "Cape Verde"/"Cabo Verde"). Excel downloads sometimes store the
year as a date; its year is taken.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    indicator_values,
    is_xlsx,
    read_csv,
    read_xlsx,
    refuse_first,
    to_number,
)

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="fsi",
    title="Fragile States Index",
    producer="The Fund for Peace",
    release="Reports 2021-2023",
    licence="© The Fund for Peace; free to download with attribution, no open licence",
    citation="The Fund for Peace (2021-2023). Fragile States Index. Washington, DC.",
    homepage="https://fragilestatesindex.org/",
    files=(
        SourceFile(
            key="scores",
            mirror_path="fsi/fsi_2021_2023.csv",
            url="https://fragilestatesindex.org/excel/",
            description=(
                "Total, twelve indicator scores and rank per country and report year; the "
                "official yearly Excel downloads stacked into one CSV."
            ),
        ),
    ),
    caveats=(
        "Year = report year (reflects the previous year); names only; only 2021-2023 staged; "
        "higher scores = more fragile."
    ),
)

#: Indicator id -> the producer's column (``"C1: Security Apparatus"``).
COMPONENTS = {
    "c1": "C1: Security Apparatus",
    "c2": "C2: Factionalized Elites",
    "c3": "C3: Group Grievance",
    "e1": "E1: Economy",
    "e2": "E2: Economic Inequality",
    "e3": "E3: Human Flight and Brain Drain",
    "p1": "P1: State Legitimacy",
    "p2": "P2: Public Services",
    "p3": "P3: Human Rights",
    "s1": "S1: Demographic Pressures",
    "s2": "S2: Refugees and IDPs",
    "x1": "X1: External Intervention",
}

INDICATORS = (
    IndicatorSpec(
        column="total",
        code="fsi.total",
        label="Fragile States Index total",
        scale="0-120, higher = more fragile",
        higher_is_better=False,
        minimum=0,
        maximum=120,
    ),
    *(
        IndicatorSpec(
            column=ind,
            code=f"fsi.{ind}",
            label=f"FSI {column}",
            scale="0-10, higher = more fragile",
            higher_is_better=False,
            minimum=0,
            maximum=10,
        )
        for ind, column in COMPONENTS.items()
    ),
    IndicatorSpec(
        column="rank",
        code="fsi.rank",
        label="Fragile States Index rank",
        scale="1 = most fragile; ties share a rank",
        higher_is_better=True,
        minimum=1,
        maximum=250,
    ),
)

_RANK = re.compile(r"^\s*(\d+)\s*(st|nd|rd|th)?\s*$", re.IGNORECASE)
_DATE_YEAR = re.compile(r"^(\d{4})-\d{2}-\d{2}([ T].*)?$")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the stacked CSV or one official yearly workbook into country-year indicators."""
    SPEC.file(file_key)
    required = ("Country", "Year", "Rank", "Total", *COMPONENTS.values())
    raw = read_xlsx(path, required=required) if is_xlsx(path) else read_csv(path, required=required)
    frame = raw[[ROW, "Country"]].rename(columns={"Country": "country"})
    frame["country"] = frame["country"].str.strip()
    _require_names(frame, path)
    years = raw["Year"].str.replace(_DATE_YEAR, r"\1", regex=True)
    frame["year"] = to_number(
        raw.assign(Year=years), "Year", file=path, integer=True, minimum=2005, maximum=2100
    )
    frame["rank"] = _ranks(raw, path)
    scores = INDICATORS[:-1]  # the total and the twelve components; the rank is read above
    frame = frame.assign(
        **indicator_values(raw, scores, file=path, sources={"total": "Total", **COMPONENTS})
    )
    check_unique(frame, ["country", "year"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys={"country": "name"},
            indicators=INDICATORS,
            name_column="country",
            description="FSI scores; year = report year (reflects the previous year).",
        )
    ]


def _ranks(raw: pd.DataFrame, path: Path) -> pd.Series:
    """Numbers from ordinal ranks ("1st", "179th"; a plain number is accepted too)."""
    import pandas as pd

    text = raw["Rank"]
    matches = text.str.extract(_RANK)[0]
    bad = text.notna() & matches.isna()
    refuse_first(
        raw,
        bad,
        lambda i: f"'{text.iloc[i]}' is not a rank like '1st' or '179th'.",
        file=path,
        column="Rank",
        hint="Correct the value or restore the producer's original file.",
    )
    ranks = pd.DataFrame({"Rank": matches, ROW: raw[ROW]})
    return to_number(ranks, "Rank", file=path, integer=True, minimum=1, maximum=250)


def _require_names(frame: pd.DataFrame, path: Path) -> None:
    empty = frame["country"].isna() | (frame["country"] == "")
    refuse_first(
        frame,
        empty,
        "the country name is empty; FSI rows are identified by name only.",
        file=path,
        column="Country",
        hint="Restore the producer's original file.",
    )
