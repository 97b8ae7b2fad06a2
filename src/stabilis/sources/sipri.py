"""SIPRI Military Expenditure Database, 2025 release (data 1949-2024).

The staged file is a long conversion of the official workbook (``SIPRI-Milex-data-1949-2024``,
as kept in repo ``codingirl99/sipridefenseanalysis``, commit cfbe9592; SOURCES.md 22a): six
sheets, one row per country, measure and year. The cell font colour of the workbook is kept as
two flags: ``sipri_estimate_blue`` ("figures in blue are SIPRI estimates") and
``highly_uncertain_red`` ("figures in red indicate highly uncertain data"). Both are **data**
here: the records table ``military_expenditure`` keeps them on every value, and the burden-sharing
table shows them beside the number.

Measures (the producer's units): ``local_currency_calendar_m`` (millions, local currency),
``constant_2023_usd_m`` and ``current_usd_m`` (US$ millions), ``share_of_gdp`` and
``share_of_govt_spending`` (**fractions**: 0.0342 = 3.42 %), ``per_capita_current_usd`` (US$).
A text cell is kept in ``value_raw``: ``...`` = data unavailable, ``xxx`` = the country did not
exist or was not independent; both leave ``value`` empty.

Indicators for the panel: ``sipri.share_of_gdp`` (as a percentage, so it reads like NATO's),
``sipri.constant_2023_usd_m``, ``sipri.per_capita_current_usd`` and
``sipri.share_of_govt_spending`` (percentage). The footnotes file becomes the records table
``military_expenditure_notes`` (marker -> text), without countries.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_allowed,
    check_unique,
    read_csv,
    refuse_empty,
    refuse_first,
    to_number,
    wide_by_key,
)

SPEC = SourceSpec(
    name="sipri",
    title="SIPRI Military Expenditure Database",
    producer="Stockholm International Peace Research Institute (SIPRI)",
    release="2025 release (data 1949-2024, constant 2023 US$)",
    licence="© SIPRI; free to use with attribution (SIPRI's terms of use: check before redistribution)",
    citation=(
        "SIPRI Military Expenditure Database (2025). Stockholm International Peace Research "
        "Institute. https://www.sipri.org/databases/milex"
    ),
    homepage="https://www.sipri.org/databases/milex",
    files=(
        SourceFile(
            key="milex",
            mirror_path="military/sipri_milex_2025release_1949_2024_long.csv",
            url="https://www.sipri.org/databases/milex",
            description=(
                "Six sheets of the official workbook as one long table (country, measure, year), "
                "with SIPRI's estimate (blue) and highly-uncertain (red) flags; staged from repo "
                "codingirl99/sipridefenseanalysis, commit cfbe9592."
            ),
        ),
        SourceFile(
            key="footnotes",
            mirror_path="military/sipri_milex_2025release_footnotes.csv",
            url="https://www.sipri.org/databases/milex",
            description="The workbook's footnotes and special notes (marker -> text).",
        ),
    ),
    caveats=(
        "Shares are fractions in the file (shown as % in the panel). Blue = SIPRI estimate, "
        "red = highly uncertain; both kept per value. Constant prices are 2023 US$."
    ),
)

MEASURES = (
    "local_currency_calendar_m",
    "constant_2023_usd_m",
    "current_usd_m",
    "share_of_gdp",
    "per_capita_current_usd",
    "share_of_govt_spending",
)
#: Measures that are fractions in the file.
FRACTIONS = ("share_of_gdp", "share_of_govt_spending")

INDICATORS = (
    IndicatorSpec(
        column="share_of_gdp",
        code="sipri.share_of_gdp",
        label="Military expenditure, share of GDP (SIPRI)",
        scale="percent of GDP",
        higher_is_better=None,
        minimum=0,
        maximum=150,
        description="SIPRI's share of GDP, converted from the file's fraction to percent.",
    ),
    IndicatorSpec(
        column="constant_2023_usd_m",
        code="sipri.constant_2023_usd_m",
        label="Military expenditure, constant 2023 US$ (SIPRI)",
        scale="US$ million, 2023 prices",
        higher_is_better=None,
        minimum=0,
    ),
    IndicatorSpec(
        column="per_capita_current_usd",
        code="sipri.per_capita_current_usd",
        label="Military expenditure per capita, current US$ (SIPRI)",
        scale="US$ per person",
        higher_is_better=None,
        minimum=0,
    ),
    IndicatorSpec(
        column="share_of_govt_spending",
        code="sipri.share_of_govt_spending",
        label="Military expenditure, share of government spending (SIPRI)",
        scale="percent of government spending",
        higher_is_better=None,
        minimum=0,
        maximum=100,
    ),
)

_FLAG_VALUES = ("0", "1")
_TEXT_CODES = ("...", "xxx")


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the long milex table (records + indicators) or the footnotes file."""
    SPEC.file(file_key)
    if file_key == "footnotes":
        return _footnotes(path)
    import pandas as pd

    required = (
        "country", "region", "subregion", "currency", "notes", "measure", "year", "value",
        "value_raw", "sipri_estimate_blue", "highly_uncertain_red",
    )  # fmt: skip
    raw = read_csv(path, required=required)
    refuse_empty(
        raw,
        "country",
        "the country name is empty; SIPRI rows are identified by name only.",
        file=path,
        hint="Restore the producer's file.",
    )
    check_allowed(raw, "measure", MEASURES, file=path)
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["country"] = raw["country"].str.strip()
    for column in ("region", "subregion", "currency", "notes"):
        frame[column] = raw[column]
    frame["measure"] = raw["measure"]
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1900, maximum=2100)
    frame["value"] = to_number(raw, "value", file=path, minimum=0)
    too_big = frame["measure"].isin(FRACTIONS) & (frame["value"] > 1.5)
    refuse_first(
        raw,
        too_big,
        lambda i: (
            f"{frame['value'].iloc[i]} is not a fraction; the shares are fractions in this release "
            "(0.0342 = 3.42 %)."
        ),
        file=path,
        column="value",
        hint="The file may be a different release that gives percentages; check the workbook.",
    )
    has_value = frame["value"].notna()
    check_allowed(raw[has_value], "value_raw", (None,), file=path)
    check_allowed(raw[~has_value], "value_raw", _TEXT_CODES, file=path)
    frame["value_raw"] = raw["value_raw"]
    for source, out in (
        ("sipri_estimate_blue", "estimate"),
        ("highly_uncertain_red", "highly_uncertain"),
    ):
        check_allowed(
            raw[has_value],
            source,
            _FLAG_VALUES,
            file=path,
            hint="Every value needs its colour flag (0/1); restore the producer's conversion.",
        )
        frame[out] = (raw[source] == "1").to_numpy()
    check_unique(frame, ["country", "measure", "year"], file=path)

    wide = wide_by_key(
        frame[has_value], index=("country", "year"), columns="measure", order=MEASURES, rows=frame
    )
    for column in FRACTIONS:
        wide[column] = wide[column] * 100.0
    return [
        ParsedTable(
            table="military_expenditure",
            frame=frame,
            country_keys={"country": "name"},
            name_column="country",
            description=(
                "SIPRI military expenditure per country, measure and year, with the estimate and "
                "highly-uncertain flags; shares are fractions."
            ),
        ),
        ParsedTable(
            table="indicators",
            frame=wide,
            country_keys={"country": "name"},
            indicators=INDICATORS,
            name_column="country",
            description="SIPRI military expenditure indicators (shares in percent).",
        ),
    ]


def _footnotes(path: Path) -> list[ParsedTable]:
    import pandas as pd

    raw = read_csv(path, required=("marker_or_number", "text"))
    frame = pd.DataFrame(
        {
            "marker": raw["marker_or_number"],
            "text": raw["text"],
            "text2": raw.get("text2"),
            ROW: raw[ROW],
        }
    )
    return [
        ParsedTable(
            table="military_expenditure_notes",
            frame=frame,
            year_column=None,
            description="SIPRI's footnotes and special notes (markers used in the notes column).",
        )
    ]
