"""NATO, Defence Expenditure of NATO Countries (2014-2024): the nine tables of the workbook.

The staged file is a long conversion of NATO's tables workbook ``240617-def-exp-2024-TABLES-en``
(17 June 2024 press release; kept in repo ``jacobvoss/geopolitical-dashboard``, commit 4318b071;
SOURCES.md 22b). Each row is one cell: ``table`` (TABLE1 ... TABLE8b), its ``section`` (e.g.
"Share of real GDP (%)"), the ``country_or_aggregate`` label, the ``column`` heading and, for
year columns, the ``year``; ``estimate`` is 1 for NATO's ``2023e``/``2024e`` columns.

The parser keeps every cell in the records table ``nato_defence_expenditure``, with the label
cleaned for the resolver (``country``: NATO's ``*`` footnote marker and Table 1's currency in
brackets removed, e.g. ``"Czechia*   (Koruny)"`` -> ``"Czechia"``; ``label`` keeps the original)
and ``footnote`` set where the ``*`` was. The two aggregates ("NATO Europe and Canada", "NATO
Total") stay in the table without a country and are explained in the quality report.

Indicators for the panel (member-years, NATO's own figures; 2023-2024 are estimates):
``nato.defexp_share_gdp`` (Table 3, share of real GDP, %), ``nato.equipment_share``
(Table 8a, equipment as % of defence expenditure), ``nato.personnel_share`` (Table 8a),
``nato.defexp_usd_2015_m`` (Table 2, constant 2015 prices and exchange rates, US$ million) and
``nato.military_personnel_k`` (Table 7, thousands).
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
)

SPEC = SourceSpec(
    name="nato_defexp",
    title="Defence Expenditure of NATO Countries (2014-2024)",
    producer="NATO Public Diplomacy Division",
    release="June 2024 edition (2014-2024; 2023 and 2024 estimates)",
    licence="NATO public material; attribution to NATO required (formal reuse terms: check)",
    citation=(
        "NATO Public Diplomacy Division (2024). Defence Expenditure of NATO Countries "
        "(2014-2024). Press release, 17 June 2024."
    ),
    homepage="https://www.nato.int/cps/en/natohq/topics_49198.htm",
    files=(
        SourceFile(
            key="tables",
            mirror_path="military/nato_defence_expenditure_2014_2024_tables_long.csv",
            url="https://www.nato.int/nato_static_fl2014/assets/pdf/2024/6/pdf/240617-def-exp-2024-TABLES-en.xlsx",
            description=(
                "All nine sheets of NATO's tables workbook as one long table (one row per cell); "
                "staged from repo jacobvoss/geopolitical-dashboard, commit 4318b071."
            ),
        ),
    ),
    caveats=(
        "2023 and 2024 are NATO estimates (estimate = 1). Shares of GDP are of real GDP at 2015 "
        "prices. The 2024 edition has no 2025 figures; Iceland has no armed forces and few rows."
    ),
)

TABLES = (
    "TABLE1",
    "TABLE2",
    "TABLE3",
    "TABLE4",
    "TABLE5",
    "TABLE6",
    "TABLE7",
    "TABLE8a",
    "TABLE8b",
)

#: Indicator column -> (table, section or None, code, label, scale, max).
_SERIES: dict[str, tuple[str, str | None]] = {
    "defexp_share_gdp": ("TABLE3", "Share of real GDP (%)"),
    "equipment_share": ("TABLE8a", "Equipment (a)"),
    "personnel_share": ("TABLE8a", "Personnel (b)"),
    "defexp_usd_2015_m": ("TABLE2", "Constant 2015 prices and exchange rates"),
    "military_personnel_k": ("TABLE7", None),
}
INDICATORS = (
    IndicatorSpec(
        column="defexp_share_gdp",
        code="nato.defexp_share_gdp",
        label="Defence expenditure, share of real GDP (NATO)",
        scale="percent of GDP; the guideline is 2 %",
        higher_is_better=None,
        minimum=0,
        maximum=100,
        description="NATO Table 3; 2015 prices; 2023 and 2024 are estimates.",
    ),
    IndicatorSpec(
        column="equipment_share",
        code="nato.equipment_share",
        label="Equipment expenditure, share of defence expenditure (NATO)",
        scale="percent of defence expenditure; the guideline is 20 %",
        higher_is_better=None,
        minimum=0,
        maximum=100,
        description="NATO Table 8a, category (a): major equipment incl. related R&D.",
    ),
    IndicatorSpec(
        column="personnel_share",
        code="nato.personnel_share",
        label="Personnel expenditure, share of defence expenditure (NATO)",
        scale="percent of defence expenditure",
        higher_is_better=None,
        minimum=0,
        maximum=100,
    ),
    IndicatorSpec(
        column="defexp_usd_2015_m",
        code="nato.defexp_usd_2015_m",
        label="Defence expenditure, constant 2015 US$ (NATO)",
        scale="US$ million, 2015 prices and exchange rates",
        higher_is_better=None,
        minimum=0,
    ),
    IndicatorSpec(
        column="military_personnel_k",
        code="nato.military_personnel_k",
        label="Military personnel (NATO)",
        scale="thousands",
        higher_is_better=None,
        minimum=0,
    ),
)


def clean_label(label: str) -> tuple[str, bool]:
    """NATO's row label -> (country name, has a national footnote ``*``)."""
    name = label.split("(")[0] if "(" in label else label
    name = name.strip()
    footnote = name.endswith("*")
    return name.rstrip("*").strip(), footnote


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the long tables file into the records table and five member-year indicators."""
    import pandas as pd

    SPEC.file(file_key)
    required = (
        "table", "table_title", "unit", "section", "country_or_aggregate", "column", "year",
        "estimate", "value", "value_raw",
    )  # fmt: skip
    raw = read_csv(path, required=required)
    check_allowed(raw, "table", TABLES, file=path)
    refuse_empty(
        raw,
        "country_or_aggregate",
        "the country label is empty; NATO's rows are identified by name only.",
        file=path,
        hint="Restore the producer's conversion of the workbook.",
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    for column in ("table", "table_title", "unit", "section"):
        frame[column] = raw[column]
    cleaned = [clean_label(str(v)) for v in raw["country_or_aggregate"]]
    frame["country"] = [c for c, _ in cleaned]
    frame["footnote"] = [f for _, f in cleaned]
    frame["label"] = raw["country_or_aggregate"]
    frame["column"] = raw["column"]
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=2000, maximum=2100)
    check_allowed(raw, "estimate", ("0", "1", None), file=path)
    frame["estimate"] = (raw["estimate"] == "1").to_numpy()
    frame["value"] = to_number(raw, "value", file=path)
    frame["value_raw"] = raw["value_raw"]
    check_unique(frame, ["table", "section", "label", "column"], file=path)

    parts = []
    for column, (table, section) in _SERIES.items():
        sub = frame[(frame["table"] == table) & frame["year"].notna()]
        if section is not None:
            sub = sub[sub["section"] == section]
        if column == "defexp_share_gdp" or column.endswith("_share"):
            bad = sub["value"] > 100

            def over_100(i: int, sub: pd.DataFrame = sub) -> str:
                return f"{sub['value'].iloc[i]} is above 100 for a percentage."

            refuse_first(
                sub,
                bad,
                over_100,
                file=path,
                column="value",
            )
        parts.append(sub.set_index(["country", "year"])["value"].rename(column))
    rows = frame[frame["year"].notna()].groupby(["country", "year"])[ROW].min()
    wide = pd.concat(parts, axis=1)
    wide[ROW] = rows.reindex(wide.index)
    wide = wide.reset_index()
    return [
        ParsedTable(
            table="nato_defence_expenditure",
            frame=frame,
            country_keys={"country": "name"},
            name_column="label",
            description="Every cell of NATO's defence-expenditure tables, 2014-2024.",
        ),
        ParsedTable(
            table="indicators",
            frame=wide,
            country_keys={"country": "name"},
            indicators=INDICATORS,
            name_column="country",
            description="NATO's defence-expenditure indicators per member-year.",
        ),
    ]
