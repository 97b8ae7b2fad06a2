"""US military personnel abroad per host country and year (troopdata), and US bases abroad (Vine).

Both files come from the ``troopdata`` R package by Michael Flynn (repo ``meflynn/troopdata``;
SOURCES.md 22c-d):

* ``troops``: ``data-raw/troopdata-rebuild-country-year.csv`` (commit 8176d45b), 1950-2024, one
  row per host country (or territory) and year: active-duty personnel by service, guard and
  reserve, and DoD civilians. 1950-2005 come mostly from Kane (2006), later years from DMDC
  reports, so branch detail and definitions change over time. The United States itself is a row.
* ``bases``: ``data-raw/basedata.csv``, David Vine's list of US military facilities abroad,
  one row per facility, a single snapshot (Cold War to about 2018-2020) without dates.

Indicators (country-year): ``troopdata.troops_ad`` (active duty), ``troopdata.reserve``
(``total_selected_reserve``) and ``troopdata.civilian`` (``total_civilian``), all head counts.
They are **one allied contributor's** presence (the United States), not NATO's. Bases become
the records table ``us_bases``. Countries: ISO3 (``iso3c``, ``NA`` for historical entities),
then COW ``ccode``, then the name.
"""

from __future__ import annotations

from pathlib import Path

from stabilis.sources.base import (
    ROW,
    CountryKey,
    IndicatorSpec,
    ParsedTable,
    SourceFile,
    SourceSpec,
)
from stabilis.sources.reading import check_allowed, indicator_values, read_csv, to_number

SPEC = SourceSpec(
    name="troopdata",
    title="US military deployments abroad (troopdata) and US bases abroad",
    producer="Allen, Flynn & Martinez Machain (DoD/DMDC figures); David Vine (bases)",
    release="troopdata rebuild, 1950-2024 (commit 8176d45b); Vine base list 1776-2020",
    licence="troopdata package GPL-3; figures from US DoD (public); Vine's list: terms check",
    citation=(
        "Allen, M. A., Flynn, M. E. & Martinez Machain, C. (2022). US global military "
        "deployments, 1950-2020. Conflict Management and Peace Science 39(3). "
        "doi:10.1177/07388942211030885; Flynn, M. troopdata (R package); Vine, D. Lists of U.S. "
        "Military Bases Abroad, 1776-2020. American University."
    ),
    homepage="https://github.com/meflynn/troopdata",
    files=(
        SourceFile(
            key="troops",
            mirror_path="military/us_troops_abroad_country_year_1950_2024.csv",
            url="https://raw.githubusercontent.com/meflynn/troopdata/8176d45b3c77bcd08caf4a698ebf0c331385fd8a/data-raw/troopdata-rebuild-country-year.csv",
            description="US personnel per host country and year, 1950-2024 (DMDC reports).",
        ),
        SourceFile(
            key="bases",
            mirror_path="military/us_bases_abroad_vine.csv",
            url="https://raw.githubusercontent.com/meflynn/troopdata/3946bcf89a6d72de8abace812dc557f1f249f5f7/data-raw/basedata.csv",
            description="US military facilities abroad (Vine), one row per facility, no dates.",
        ),
    ),
    caveats=(
        "One allied contributor (the United States) only. Definitions change between the Kane "
        "(to 2005) and DMDC (later) series. Base list is a single undated snapshot."
    ),
)

#: How both of troopdata's files name a country (tried in this order).
_COUNTRY_KEYS: dict[str, CountryKey] = {"iso3c": "iso3", "ccode": "cowcode", "countryname": "name"}
COUNTS = {
    "troops_ad": "troops_ad",
    "reserve": "total_selected_reserve",
    "civilian": "total_civilian",
}
INDICATORS = (
    IndicatorSpec(
        column="troops_ad",
        code="troopdata.troops_ad",
        label="US active-duty military personnel in the country",
        scale="persons",
        higher_is_better=None,
        minimum=0,
        description="One allied contributor (the United States); DMDC / Kane (2006).",
    ),
    IndicatorSpec(
        column="reserve",
        code="troopdata.reserve",
        label="US guard and reserve personnel in the country",
        scale="persons",
        higher_is_better=None,
        minimum=0,
    ),
    IndicatorSpec(
        column="civilian",
        code="troopdata.civilian",
        label="US DoD civilians in the country",
        scale="persons",
        higher_is_better=None,
        minimum=0,
    ),
)


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse the country-year troop file (indicators) or the base list (records)."""
    import pandas as pd

    SPEC.file(file_key)
    if file_key == "bases":
        return _bases(path)
    raw = read_csv(
        path,
        required=("countryname", "year", "ccode", "iso3c", *COUNTS.values()),
        na_values=("", "NA"),
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["countryname"] = raw["countryname"]
    frame["iso3c"] = raw["iso3c"]
    frame["ccode"] = to_number(raw, "ccode", file=path, integer=True, minimum=1, maximum=99999)
    frame["year"] = to_number(raw, "year", file=path, integer=True, minimum=1945, maximum=2100)
    frame = frame.assign(**indicator_values(raw, INDICATORS, file=path, sources=COUNTS))
    return [
        ParsedTable(
            table="indicators",
            frame=frame,
            country_keys=_COUNTRY_KEYS,
            indicators=INDICATORS,
            name_column="countryname",
            description="US military personnel per host country and year.",
        )
    ]


def _bases(path: Path) -> list[ParsedTable]:
    import pandas as pd

    raw = read_csv(
        path,
        required=(
            "countryname",
            "ccode",
            "iso3c",
            "basename",
            "lat",
            "lon",
            "base",
            "lilypad",
            "fundedsite",
        ),
        na_values=("", "NA"),
    )
    frame = pd.DataFrame({ROW: raw[ROW]})
    frame["countryname"] = raw["countryname"]
    frame["iso3c"] = raw["iso3c"]
    frame["ccode"] = to_number(raw, "ccode", file=path, integer=True, minimum=1, maximum=99999)
    frame["base_name"] = raw["basename"]
    frame["lat"] = to_number(raw, "lat", file=path, minimum=-90, maximum=90)
    frame["lon"] = to_number(raw, "lon", file=path, minimum=-180, maximum=180)
    for column in ("base", "lilypad", "fundedsite"):
        check_allowed(raw, column, ("0", "1", None), file=path)
        frame[column] = (raw[column] == "1").to_numpy()
    return [
        ParsedTable(
            table="us_bases",
            frame=frame,
            country_keys=_COUNTRY_KEYS,
            year_column=None,
            name_column="countryname",
            description="US military facilities abroad (Vine), undated snapshot.",
        )
    ]
