"""Our World in Data, archived datasets: electricity mix (BP & Ember, 2022) and food supply (FAO, 2020).

Both files come from the archived repo ``owid/owid-datasets`` (commit 48c9992a; SOURCES.md
24d), copied verbatim; entities are names, and OWID's regional aggregates ("World", "Europe",
"High-income countries", "Asia Pacific" ...) are mixed in with countries (explained in the
quality report). These are **older vintages** (electricity to 2021, food to 2017) and are used
only until newer data are staged; the resilience scorecard prints the data year.

* ``electricity``: 47 indicators. Stabilis keeps the shares and per-capita series the
  scorecard can use: ``owid.elec_fossil_share``, ``owid.elec_low_carbon_share``,
  ``owid.elec_net_imports_share`` (net imports as a share of demand, %),
  ``owid.elec_per_capita_kwh`` and ``owid.elec_demand_twh``.
* ``food``: ``owid.food_kcal`` (food supply, kcal per person per day), ``owid.food_protein_g``
  and ``owid.food_fat_g`` (g per person per day).
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, indicator_values, read_csv, to_number

SPEC = SourceSpec(
    name="owid_archive",
    title="Our World in Data archived datasets: electricity mix (2022) and food supply (2020)",
    producer="Our World in Data (from BP Statistical Review, Ember and FAOSTAT)",
    release="owid-datasets archive, commit 48c9992a (electricity to 2021; food to 2017)",
    licence="OWID processing CC BY 4.0; BP/Energy Institute, Ember and FAO terms also apply (check)",
    citation=(
        "Our World in Data. Electricity mix (BP & Ember, 2022); Food supply (FAO, 2020). "
        "https://github.com/owid/owid-datasets"
    ),
    homepage="https://github.com/owid/owid-datasets",
    files=(
        SourceFile(
            key="electricity",
            mirror_path="resilience/owid_electricity_mix_bp_ember_2022.csv",
            url="https://raw.githubusercontent.com/owid/owid-datasets/48c9992ae317b35ed327fc36d2af75fe8b3ef7ed/datasets/Electricity%20mix%20from%20BP%20%26%20EMBER%20(2022)/Electricity%20mix%20from%20BP%20%26%20EMBER%20(2022).csv",
            description="Electricity generation by source, shares and per capita, 1965-2021.",
        ),
        SourceFile(
            key="food",
            mirror_path="resilience/owid_food_supply_fao_2020.csv",
            url="https://raw.githubusercontent.com/owid/owid-datasets/48c9992ae317b35ed327fc36d2af75fe8b3ef7ed/datasets/Food%20supply%20(FAO,%202020)/Food%20supply%20(FAO,%202020).csv",
            description="Food supply per person (kcal, protein, fat and food groups), 1961-2017.",
        ),
    ),
    caveats="Archived, older vintages (to 2021 and 2017). OWID regions mixed in with countries.",
)

#: file -> {producer column: (indicator column, code, label, scale, min, max)}
_SERIES: dict[str, dict[str, tuple[str, str, str, float | None, float | None]]] = {
    "electricity": {
        "Fossil fuels (% electricity)": ("elec_fossil_share", "Fossil fuels, share of electricity", "% of generation", 0, 100),
        "Low-carbon electricity (% electricity)": ("elec_low_carbon_share", "Low-carbon, share of electricity", "% of generation", 0, 100),
        "Net electricity imports as a share of demand": ("elec_net_imports_share", "Net electricity imports, share of demand", "% of demand; negative = net exporter", None, None),
        "Per capita electricity (kWh)": ("elec_per_capita_kwh", "Electricity generation per person", "kWh per person", 0, None),
        "Electricity demand (TWh)": ("elec_demand_twh", "Electricity demand", "TWh", 0, None),
    },
    "food": {
        "Food supply (kcal/capita/day) - Grand Total": ("food_kcal", "Food supply", "kcal per person per day", 0, 10000),
        "Protein supply quantity (g/capita/day) - Grand Total": ("food_protein_g", "Protein supply", "g per person per day", 0, 1000),
        "Fat supply quantity (g/capita/day) - Grand Total": ("food_fat_g", "Fat supply", "g per person per day", 0, 1000),
    },
}  # fmt: skip


def indicators(file_key: str) -> tuple[IndicatorSpec, ...]:
    return tuple(
        IndicatorSpec(
            column=column,
            code=f"owid.{column}",
            label=f"{label} (OWID {'BP & Ember 2022' if file_key == 'electricity' else 'FAO 2020'})",
            scale=scale,
            higher_is_better=None,
            minimum=low,
            maximum=high,
        )
        for column, label, scale, low, high in _SERIES[file_key].values()
    )


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one archived OWID file into country-year indicators."""
    import pandas as pd

    SPEC.file(file_key)
    series = _SERIES[file_key]
    raw = read_csv(path, required=("Entity", "Year", *series))
    frame = pd.DataFrame({ROW: raw[ROW], "entity": raw["Entity"]})
    frame["year"] = to_number(raw, "Year", file=path, integer=True, minimum=1900, maximum=2100)
    sources = {column: source for source, (column, *_) in series.items()}
    frame = frame.assign(**indicator_values(raw, indicators(file_key), file=path, sources=sources))
    check_unique(frame, ["entity", "year"], file=path)
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys={"entity": "name"},
            indicators=indicators(file_key),
            name_column="entity",
            description=f"OWID archived {file_key} series per country-year.",
        )
    ]
