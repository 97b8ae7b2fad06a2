"""INFORM Risk Index 2025 (v0.7.0, 31 March 2025), European Commission Joint Research Centre.

Two sheets of the official workbook ``inform_risk_2025_v070.xlsx`` (kept in repo
``imtiajiqbal/imtiajiqbal-portfolio``, commit c05c6e48; SOURCES.md 24b) were converted:

* ``country``: "INFORM Risk 2025 (a-z)", 191 countries, scores 0-10 (10 = highest risk) for the
  index, its three dimensions (hazard & exposure, vulnerability, lack of coping capacity), their
  categories and components; ``x`` is the producer's "not available" marker and becomes empty.
  Every score becomes an indicator ``inform.<snake_case column>`` (``inform.risk``,
  ``inform.communication``, ``inform.physical_infrastructure`` ...) for **year 2025**, the
  edition; the index is not a time series (each edition uses the latest data available to it;
  ``Recentness data (average years)`` is kept as ``inform.recentness_years``).
* ``metadata``: the "Indicator Metadata" sheet, 85 indicator definitions (records table
  ``inform_indicator_meta``, no countries).
"""

from __future__ import annotations

import re
from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_allowed,
    check_unique,
    indicator_values,
    read_csv,
    to_number,
)

SPEC = SourceSpec(
    name="inform",
    title="INFORM Risk Index 2025",
    producer="European Commission Joint Research Centre (INFORM)",
    release="INFORM Risk 2025 v0.7.0 (31 March 2025)",
    licence="CC BY 4.0",
    citation=(
        "INFORM (2025). INFORM Risk Index 2025. European Commission Joint Research Centre. "
        "https://drmkc.jrc.ec.europa.eu/inform-index"
    ),
    homepage="https://drmkc.jrc.ec.europa.eu/inform-index",
    files=(
        SourceFile(
            key="country",
            mirror_path="resilience/inform_risk_2025_v070_country.csv",
            url="https://drmkc.jrc.ec.europa.eu/inform-index/InDepth/Methodology",
            description="INFORM Risk 2025 (a-z) sheet: index, dimensions, categories, components.",
        ),
        SourceFile(
            key="metadata",
            mirror_path="resilience/inform_risk_2025_v070_indicator_metadata.csv",
            url="https://drmkc.jrc.ec.europa.eu/inform-index/InDepth/Methodology",
            description="Indicator Metadata sheet: 85 indicator definitions.",
        ),
    ),
    caveats="One edition (2025), not a time series. Scores 0-10, 10 = highest risk; x = n/a.",
)

#: Score columns (0-10, higher = more risk), in the workbook's order.
SCORES = (
    "INFORM RISK", "HAZARD & EXPOSURE", "Natural", "Earthquake", "River Flood", "Tsunami",
    "Tropical Cyclone", "Coastal flood", "Drought", "Epidemic", "Human",
    "Projected Conflict Probability", "Current Conflict Intensity", "VULNERABILITY",
    "Socio-Economic Vulnerability", "Development & Deprivation", "Inequality",
    "Economic Dependency", "Vulnerable Groups", "Uprooted people", "Health Conditions",
    "Children U5", "Recent Shocks", "Food Security", "Other Vulnerable Groups",
    "LACK OF COPING CAPACITY", "Institutional", "DRR", "Governance", "Infrastructure",
    "Communication", "Physical infrastructure", "Access to health care",
)  # fmt: skip
EDITION_YEAR = 2025
RISK_CLASSES = ("Very Low", "Low", "Medium", "High", "Very High")


def code_of(column: str) -> str:
    """``"LACK OF COPING CAPACITY"`` -> ``"lack_of_coping_capacity"``; the index is ``risk``."""
    if column == "INFORM RISK":
        return "risk"
    return re.sub(r"[^a-z0-9]+", "_", column.lower().replace("&", "and")).strip("_")


INDICATORS = (
    *(
        IndicatorSpec(
            column=code_of(column),
            code=f"inform.{code_of(column)}",
            label=f"INFORM 2025: {column[0] + column[1:].lower() if column.isupper() else column}",
            scale="0-10, higher = more risk",
            higher_is_better=False,
            minimum=0,
            maximum=10,
        )
        for column in SCORES
    ),
    IndicatorSpec(
        column="recentness_years",
        code="inform.recentness_years",
        label="INFORM 2025: average age of the data used (years)",
        scale="years",
        higher_is_better=None,
        minimum=0,
    ),
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the country sheet (indicators, year 2025) or the metadata sheet (records)."""
    import pandas as pd

    SPEC.file(file_key)
    if file_key == "metadata":
        raw = read_csv(
            path, required=("Dimension", "Category", "Component", "INFORM Id", "Indicator Name")
        )
        frame = raw.rename(columns=lambda c: c if c == ROW else code_of(c))
        return [
            ParsedTable(
                table="inform_indicator_meta",
                frame=frame,
                year_column=None,
                description="INFORM 2025 indicator definitions.",
            )
        ]
    raw = read_csv(
        path,
        required=(
            "COUNTRY",
            "ISO3",
            "RISK CLASS",
            "Rank",
            *SCORES,
            "Recentness data (average years)",
        ),
    )
    check_allowed(raw, "RISK CLASS", RISK_CLASSES, file=path)
    frame = pd.DataFrame({ROW: raw[ROW], "country": raw["COUNTRY"], "iso3": raw["ISO3"]})
    frame["year"] = EDITION_YEAR
    sources = {code_of(column): column for column in SCORES}
    scores = INDICATORS[: len(SCORES)]
    frame = frame.assign(
        **indicator_values(raw, scores, file=path, sources=sources, na_values=("x",))
    )
    frame["recentness_years"] = to_number(
        raw, "Recentness data (average years)", file=path, minimum=0, maximum=50
    )
    frame["risk_class"] = raw["RISK CLASS"]
    frame["rank"] = to_number(raw, "Rank", file=path, integer=True, minimum=1, maximum=250)
    check_unique(frame, ["iso3"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys={"iso3": "iso3", "country": "name"},
            indicators=INDICATORS,
            name_column="country",
            description="INFORM Risk 2025 scores (year = edition 2025).",
        )
    ]
