"""World Bank, Worldwide Governance Indicators (WGI), 2024 update, 1996-2023.

The staged file is the World Bank's own ``wgidataset.xlsx`` (2024 update, long format: one row
per economy, year and indicator) written to CSV by a redistributor (repo
``timothym4r/Politics-and-Corruption-on-FDI-GDP-relation``), with ".." replaced by empty
cells. The official workbook itself is read too (recognised from the content, not the name;
".." means missing in either).

The six indicators are ``va`` (Voice and Accountability), ``pv`` (Political Stability and
Absence of Violence/Terrorism), ``ge`` (Government Effectiveness), ``rq`` (Regulatory
Quality), ``rl`` (Rule of Law) and ``cc`` (Control of Corruption). The parser pivots the long
file to one row per economy-year and emits, per indicator:

* ``wgi.<ind>_est``: the estimate (a standard normal unit, about -2.5 to 2.5; validated to
  [-5, 5]), with a 95 % band ``estimate ± 1.96 × stddev`` as lower/upper columns;
* ``wgi.<ind>_pctrank``: the percentile rank among all economies (0-100), with the producer's
  ``pctranklower``/``pctrankupper`` as lower/upper columns.

``stddev`` and ``nsource`` stay in the frame as plain columns. The six long rows of an
economy-year become one wide row; its ``_row`` is the first of them in the file.

Caveats: countries are identified by World Bank codes, several of which are not ISO (``ADO``
Andorra, ``ROM`` Romania, ``ZAR`` DR Congo, ``TMP`` Timor-Leste, ``KSV`` Kosovo, ``WBG`` West
Bank and Gaza). There are no values for 1997, 1999 and 2001. Every update revises all back
years, so never mix vintages. The ± 1.96 × stddev band is Stabilis' construction, not the
producer's.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import ROW, IndicatorSpec, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import (
    check_unique,
    is_xlsx,
    read_csv,
    read_xlsx,
    refuse_empty,
    refuse_first,
    to_number,
)

SPEC = SourceSpec(
    name="wgi",
    title="Worldwide Governance Indicators",
    producer="World Bank (Kaufmann & Kraay)",
    release="2024 update (data to 2023)",
    licence="CC BY 4.0",
    citation=(
        "Kaufmann, D. & Kraay, A. (2024). Worldwide Governance Indicators, 2024 Update. "
        "www.govindicators.org."
    ),
    homepage="https://www.worldbank.org/en/publication/worldwide-governance-indicators",
    files=(
        SourceFile(
            key="long",
            mirror_path="wgi/wgi_1996_2023_long.csv",
            url="https://www.worldbank.org/content/dam/sites/govindicators/doc/wgidataset.xlsx",
            description=(
                "Long file (economy x year x indicator): estimate, stddev, nsource, pctrank "
                "and its 90% bounds; the official workbook converted to CSV."
            ),
        ),
    ),
    caveats=(
        "World Bank codes (ADO, ROM, ZAR, TMP, KSV, WBG are not ISO); no 1997/1999/2001; "
        "each update revises all years."
    ),
)

#: Indicator code -> name.
NAMES = {
    "va": "Voice and Accountability",
    "pv": "Political Stability and Absence of Violence/Terrorism",
    "ge": "Government Effectiveness",
    "rq": "Regulatory Quality",
    "rl": "Rule of Law",
    "cc": "Control of Corruption",
}

_COLUMNS = (
    "code",
    "countryname",
    "year",
    "indicator",
    "estimate",
    "stddev",
    "nsource",
    "pctrank",
    "pctranklower",
    "pctrankupper",
)
_VALUES = (
    "est",
    "est_lower",
    "est_upper",
    "stddev",
    "nsource",
    "pctrank",
    "pctrank_lower",
    "pctrank_upper",
)


#: The two banded measures of every indicator: column suffix -> (label, scale, range, band).
_MEASURES: dict[str, tuple[str, str, tuple[float, float], str]] = {
    "est": (
        "estimate",
        "standard normal units, about -2.5 to 2.5",
        (-5, 5),
        "Band: estimate ± 1.96 × standard error.",
    ),
    "pctrank": (
        "percentile rank",
        "0-100, 100 = best",
        (0, 100),
        "Band: the producer's 90% confidence bounds of the rank.",
    ),
}

INDICATORS = tuple(
    IndicatorSpec(
        column=f"{ind}_{measure}",
        code=f"wgi.{ind}_{measure}",
        label=f"{name}: {label}",
        scale=scale,
        higher_is_better=True,
        minimum=low,
        maximum=high,
        lower_column=f"{ind}_{measure}_lower",
        upper_column=f"{ind}_{measure}_upper",
        description=band,
    )
    for ind, name in NAMES.items()
    for measure, (label, scale, (low, high), band) in _MEASURES.items()
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the long WGI file (CSV or the official workbook) into one row per economy-year."""
    import pandas as pd

    SPEC.file(file_key)
    if is_xlsx(path):
        raw = read_xlsx(path, required=_COLUMNS)
    else:
        raw = read_csv(path, required=_COLUMNS, na_values=("", ".."))
    long = raw[[ROW, "code", "countryname", "indicator"]].copy()
    for column in ("code", "indicator"):
        refuse_empty(
            raw,
            column,
            "the value is empty; every row needs an economy code and an indicator.",
            file=path,
            hint="Restore the producer's original file.",
        )
    unknown = ~long["indicator"].isin(list(NAMES))
    refuse_first(
        long,
        unknown,
        lambda i: f"'{long['indicator'].iloc[i]}' is not a WGI indicator ({', '.join(NAMES)}).",
        file=path,
        column="indicator",
        hint="Check that this is the World Bank's long-format wgidataset.",
    )
    long["year"] = to_number(raw, "year", file=path, integer=True, minimum=1990, maximum=2100)
    long["est"] = to_number(raw, "estimate", file=path, minimum=-5, maximum=5, na_values=("..",))
    long["stddev"] = to_number(raw, "stddev", file=path, minimum=0, maximum=5, na_values=("..",))
    long["nsource"] = to_number(
        raw, "nsource", file=path, integer=True, minimum=0, maximum=100, na_values=("..",)
    )
    for target, column in (
        ("pctrank", "pctrank"),
        ("pctrank_lower", "pctranklower"),
        ("pctrank_upper", "pctrankupper"),
    ):
        long[target] = to_number(raw, column, file=path, minimum=0, maximum=100, na_values=("..",))
    long["est_lower"] = long["est"] - 1.96 * long["stddev"]
    long["est_upper"] = long["est"] + 1.96 * long["stddev"]
    check_unique(long, ["code", "year", "indicator"], file=path)

    # One wide row per economy-year; it keeps the name and the _row of the first long row.
    ids = long.groupby(["code", "year"], sort=False)[[ROW, "countryname"]].first()
    wide = long.pivot(index=["code", "year"], columns="indicator", values=list(_VALUES))
    wide.columns = [f"{pair[1]}_{pair[0]}" for pair in wide.columns]  # (value, indicator)
    columns = [f"{ind}_{value}" for ind in NAMES for value in _VALUES]
    wide = wide.reindex(columns=columns)
    frame = ids.join(wide).reset_index()
    frame = frame[[ROW, "code", "countryname", "year", *columns]]
    for column in columns:
        frame[column] = pd.to_numeric(frame[column]).astype(
            "Int64" if column.endswith("nsource") else "float64"
        )
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys={"code": "wb", "countryname": "name"},
            indicators=INDICATORS,
            name_column="countryname",
            description="WGI estimates and percentile ranks, one row per economy-year.",
        )
    ]
