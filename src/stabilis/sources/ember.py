"""Ember, Yearly Electricity Data for Europe, 2000-2024 (third-party filter, TWh).

The staged file is ``data/processed/filtered_european_yearly_energy.csv`` of repo
``londero-lorenzo/electricity-cost-chain-analysis`` (commit 85e9aabd; SOURCES.md 24c): a filter
and pivot of Ember's long yearly file for 31 European countries, all values in TWh. It is
processed by a third party, not Ember's own file; it was checked for internal consistency
(Clean + Fossil = Total Generation; Total Generation + Net Imports = Demand). No Ukraine,
Moldova, Albania, Bosnia, Cyprus, Malta, Iceland or Türkiye.

Indicators ``ember.<column>_twh`` plus three shares the resilience scorecard reads:
``ember.net_imports_share`` (net imports / demand, %), ``ember.fossil_share`` and
``ember.clean_share`` (% of generation).
"""

from __future__ import annotations

import re
from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, to_number

SPEC = SourceSpec(
    name="ember",
    title="Ember Yearly Electricity Data (Europe)",
    producer="Ember (filtered and pivoted by a third party)",
    release="Yearly electricity data, 2000-2024, 31 European countries",
    licence="CC BY 4.0 per Ember (some earlier releases CC BY-SA 4.0: check)",
    citation="Ember (2025). Yearly Electricity Data. https://ember-energy.org/data/yearly-electricity-data/",
    homepage="https://ember-energy.org/data/yearly-electricity-data/",
    files=(
        SourceFile(
            key="europe",
            mirror_path="resilience/ember_europe_yearly_electricity_twh.csv",
            url="https://ember-energy.org/data/yearly-electricity-data/",
            description=(
                "Demand, net imports and generation by source (TWh) per country-year; a "
                "third-party pivot (repo londero-lorenzo/electricity-cost-chain-analysis)."
            ),
        ),
    ),
    caveats="Third-party pivot of Ember's file; 31 European countries only.",
)

COLUMNS = (
    "Demand", "Net Imports", "Total Generation", "Clean", "Nuclear", "Wind and Solar",
    "Hydro, Bioenergy and Other Renewables", "Fossil", "Coal", "Gas and Other Fossil",
)  # fmt: skip


def code_of(column: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_") + "_twh"


INDICATORS = (
    *(
        IndicatorSpec(
            column=code_of(column),
            code=f"ember.{code_of(column)}",
            label=f"Electricity, {column.lower()} (Ember)",
            scale="TWh",
            higher_is_better=None,
        )
        for column in COLUMNS
    ),
    IndicatorSpec(
        column="net_imports_share",
        code="ember.net_imports_share",
        label="Net electricity imports, share of demand (Ember)",
        scale="% of demand; negative = net exporter",
        higher_is_better=False,
    ),
    IndicatorSpec(
        column="fossil_share",
        code="ember.fossil_share",
        label="Fossil electricity, share of generation (Ember)",
        scale="% of generation",
        higher_is_better=None,
        minimum=0,
        maximum=100,
    ),
    IndicatorSpec(
        column="clean_share",
        code="ember.clean_share",
        label="Clean electricity, share of generation (Ember)",
        scale="% of generation",
        higher_is_better=None,
        minimum=0,
        maximum=100,
    ),
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the pivoted Ember file into country-year indicators."""
    import numpy as np
    import pandas as pd

    SPEC.file(file_key)
    raw = read_csv(path, required=("Area", "ISO 3 code", "Year", *COLUMNS))
    frame = pd.DataFrame({ROW: raw[ROW], "area": raw["Area"], "iso3": raw["ISO 3 code"]})
    frame["year"] = to_number(raw, "Year", file=path, integer=True, minimum=1990, maximum=2100)
    for column in COLUMNS:
        low = None if column == "Net Imports" else 0
        frame[code_of(column)] = to_number(raw, column, file=path, minimum=low)
    with np.errstate(divide="ignore", invalid="ignore"):
        demand = frame["demand_twh"].where(frame["demand_twh"] > 0)
        generation = frame["total_generation_twh"].where(frame["total_generation_twh"] > 0)
        frame["net_imports_share"] = 100.0 * frame["net_imports_twh"] / demand
        frame["fossil_share"] = 100.0 * frame["fossil_twh"] / generation
        frame["clean_share"] = 100.0 * frame["clean_twh"] / generation
    check_unique(frame, ["iso3", "year"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys={"iso3": "iso3", "area": "name"},
            indicators=INDICATORS,
            name_column="area",
            description="Ember electricity per European country-year (TWh and shares).",
        )
    ]
