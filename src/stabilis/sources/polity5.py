"""Polity5 annual time series (Center for Systemic Peace), 1800-2018.

The staged file is democracyData's copy of ``p5v2018.xls`` with harmonised ``GWn``/``cown``
columns; Polity's own ``ccode`` differs from COW for a few states (Serbia, Germany), so
country identity comes from ``GWn`` then ``cown`` then the name. -66/-77/-88 are Polity's
special codes (interruption, interregnum, transition) and are kept out of the value range
checks; only ``polity2`` (which interpolates them) becomes an indicator.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    democracy_data_codes,
    indicator_values,
    read_csv,
    to_number,
)

SPEC = SourceSpec(
    name="polity5",
    title="Polity5: Political Regime Characteristics and Transitions, 1800-2018",
    producer="Center for Systemic Peace",
    release="Polity5 (2020), annual to 2018",
    licence="Free for research use with citation; no open licence",
    citation=(
        "Marshall, M. G. & Gurr, T. R. (2020). Polity5: Political Regime Characteristics and "
        "Transitions, 1800-2018. Center for Systemic Peace."
    ),
    homepage="https://www.systemicpeace.org/inscrdata.html",
    files=(
        SourceFile(
            key="annual",
            mirror_path="polity5/polity5_annual_1776_2018.csv",
            url="https://www.systemicpeace.org/inscr/p5v2018.xls",
            description="Country-year Polity5 annual variables with harmonised G&W/COW codes.",
        ),
    ),
    caveats="Discontinued after 2018. -66/-77/-88 are special codes; use polity2 for a series.",
)

_SPECIAL = (-66, -77, -88)

INDICATORS = (
    IndicatorSpec(
        column="polity2",
        code="polity5.polity2",
        label="Polity2 combined score",
        scale="-10 (autocracy) to 10 (democracy)",
        higher_is_better=True,
        minimum=-10,
        maximum=10,
    ),
    IndicatorSpec(
        column="democ",
        code="polity5.democ",
        label="Institutionalised democracy",
        scale="0-10",
        higher_is_better=True,
        minimum=0,
        maximum=10,
    ),
    IndicatorSpec(
        column="autoc",
        code="polity5.autoc",
        label="Institutionalised autocracy",
        scale="0-10",
        higher_is_better=False,
        minimum=0,
        maximum=10,
    ),
    IndicatorSpec(
        column="durable",
        code="polity5.durable",
        label="Regime durability (years)",
        scale="years since the last regime transition",
        higher_is_better=None,
        minimum=0,
    ),
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the Polity5 annual file into country-year indicators."""
    SPEC.file(file_key)
    name_col = "polity_annual_country"
    raw = read_csv(
        path,
        required=(
            "polity_annual_ccode",
            name_col,
            "year",
            "GWn",
            "cown",
            *(i.column for i in INDICATORS),
        ),
    )
    frame = raw[[ROW, name_col]].copy()
    frame["polity_ccode"] = to_number(raw, "polity_annual_ccode", file=path, integer=True)
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1700, maximum=2100)
    keys = democracy_data_codes(raw, frame, file=path, name_column=name_col)
    values = indicator_values(raw, INDICATORS, file=path, allowed=_SPECIAL)
    frame = frame.assign(**{column: v.where(~v.isin(_SPECIAL)) for column, v in values.items()})
    # Transition years hold two rows (the old and the new polity, e.g. Ethiopia 1993); Polity's
    # own code separates them and the warehouse keeps the one in force (see ingest.harmonise).
    check_unique(frame, ["polity_ccode", "year"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys=keys,
            indicators=INDICATORS,
            name_column=name_col,
        )
    ]
