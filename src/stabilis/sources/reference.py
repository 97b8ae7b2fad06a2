"""Reference tables for country identity: the countrycode concordance, world-countries and NATO.

* ``codelist``: the ``countrycode`` R package's code list (v1.8.0, GPL-3): one row per country,
  territory or historical polity with ISO, COW, G&W, V-Dem, World Bank and Polity codes, English
  names and the name-matching regular expressions. It is a static mapping, not a panel:
  Germany carries COW 255 and G&W 260, Serbia no COW code, Yemen no G&W code and Vietnam G&W 815
  (Annam); :mod:`stabilis.countries` corrects those with its own year-aware rules.
* ``world``: the ``world-countries`` npm package (v5.1.0, ODbL 1.0): common and official names,
  region, sub-region and the land ``borders`` (comma-separated ISO3). Kosovo is coded ``UNK``
  there (a user-assigned code); the country table maps it to ``XKX``.
* ``nato_accession``: a hand-compiled list of the 32 NATO members and their accession dates.

The first two tables describe countries themselves, so they declare no country keys (they feed
the country table rather than being resolved against it); the NATO table is keyed by ISO3.
Derived databases that include ``world_countries`` must stay ODbL with attribution.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stabilis.sources.base import ROW, ParsedTable, SourceFile, SourceSpec
from stabilis.sources.reading import check_unique, read_csv, refuse_first, to_number

if TYPE_CHECKING:
    import pandas as pd

SPEC = SourceSpec(
    name="reference",
    title="Country reference tables (countrycode code list, world-countries, NATO accessions)",
    producer=(
        "Arel-Bundock, Enevoldsen & Yetman (countrycode); Mohammed Le Doze (world-countries); "
        "Stabilis data scout (NATO accessions)"
    ),
    release="countrycode 1.8.0; world-countries 5.1.0; NATO list to 2024-03-07",
    licence=(
        "countrycode code list GPL-3; world-countries ODbL 1.0 (derived databases stay ODbL, "
        "attribute mledoux/countries); NATO accession list: public facts"
    ),
    citation=(
        "Arel-Bundock, V., Enevoldsen, N. & Yetman, C. (2018). countrycode: An R package to "
        "convert country names and country codes. Journal of Open Source Software, 3(28), 848. "
        "Le Doze, M. world-countries 5.1.0 (ODbL), https://github.com/mledoux/countries."
    ),
    homepage="https://vincentarelbundock.github.io/countrycode/",
    files=(
        SourceFile(
            key="codelist",
            mirror_path="reference/countrycode_codelist.csv",
            url=(
                "https://raw.githubusercontent.com/vincentarelbundock/countrycode/"
                "284d6a2f7e49d826e10894227a05d4c857e21540/dictionary/codelist_without_cldr.csv"
            ),
            description="Country-code concordance: ISO, COW, G&W, V-Dem, WB, Polity, names, regex.",
        ),
        SourceFile(
            key="world",
            mirror_path="reference/world_countries_v5_1_0.csv",
            url="https://unpkg.com/world-countries@5.1.0/dist/countries.csv",
            description="Names, regions and land borders of 250 countries and territories.",
        ),
        SourceFile(
            key="nato_accession",
            mirror_path="reference/nato_members_accession.csv",
            url="https://www.nato.int/cps/en/natohq/topics_52044.htm",
            description="NATO members and accession dates, 1949 to 2024 (hand-compiled).",
        ),
    ),
    caveats=(
        "The code list is static (no years): historical codes need the year-aware rules in "
        "stabilis.countries. world-countries codes Kosovo as UNK. The NATO list is hand-compiled "
        "from the public record; it has no partnership programmes."
    ),
)

#: Code-list columns kept, with their snake_case names. Numeric codes become integers.
_CODELIST_TEXT = {
    "iso3c": "iso3c",
    "iso2c": "iso2c",
    "cowc": "cowc",
    "gwc": "gwc",
    "wb": "wb",
    "p5c": "p5c",
    "country.name.en": "country_name_en",
    "country.name.en.regex": "country_name_en_regex",
    "cow.name": "cow_name",
    "iso.name.en": "iso_name_en",
    "un.name.en": "un_name_en",
    "p4.name": "p4_name",
    "vdem.name": "vdem_name",
    "continent": "continent",
    "region": "region",
    "region23": "region23",
    "un.region.name": "un_region_name",
    "un.regionsub.name": "un_regionsub_name",
    "un.regionintermediate.name": "un_regionintermediate_name",
    "eu28": "eu28",
    "eurostat": "eurostat",
}
_CODELIST_NUMBERS = {"iso3n": "iso3n", "cown": "cown", "gwn": "gwn", "vdem": "vdem", "p5n": "p5n"}

_WORLD_TEXT = {
    "cca3": "cca3",
    "cca2": "cca2",
    "ccn3": "ccn3",
    "name.common": "name_common",
    "name.official": "name_official",
    "region": "region",
    "subregion": "subregion",
    "capital": "capital",
    "status": "status",
    "borders": "borders",
}
_WORLD_FLAGS = {"independent": "independent", "unMember": "un_member", "landlocked": "landlocked"}


def parse(file_key: str, path: Path) -> list[ParsedTable]:
    """Parse one reference file into its records table."""
    SPEC.file(file_key)
    parsers = {"codelist": _parse_codelist, "world": _parse_world, "nato_accession": _parse_nato}
    return [parsers[file_key](path)]


def _parse_codelist(path: Path) -> ParsedTable:
    raw = read_csv(path, required=(*_CODELIST_TEXT, *_CODELIST_NUMBERS))
    frame = raw[[ROW]].copy()
    for source, target in _CODELIST_TEXT.items():
        frame[target] = raw[source]
    for source, target in _CODELIST_NUMBERS.items():
        frame[target] = to_number(raw, source, file=path, integer=True, minimum=0, maximum=999)
    keyed = frame[frame["iso3c"].notna()]
    check_unique(keyed, ["iso3c"], file=path)
    _check_code_shape(keyed, "iso3c", path)
    return ParsedTable(
        table="country_codes",
        frame=frame,
        year_column=None,
        name_column="country_name_en",
        description="countrycode concordance between ISO, COW, G&W, V-Dem, WB and Polity codes.",
    )


def _parse_world(path: Path) -> ParsedTable:
    raw = read_csv(path, required=(*_WORLD_TEXT, *_WORLD_FLAGS, "area"))
    frame = raw[[ROW]].copy()
    for source, target in _WORLD_TEXT.items():
        frame[target] = raw[source]
    for source, target in _WORLD_FLAGS.items():
        values = to_number(raw, source, file=path, integer=True, minimum=0, maximum=1)
        frame[target] = values.astype("boolean")
    # world-countries writes -1 for an unknown area (Svalbard and Jan Mayen): kept as missing.
    area = to_number(raw, "area", file=path, minimum=0, allowed=(-1,))
    frame["area"] = area.where(area != -1)
    check_unique(frame, ["cca3"], file=path)
    _check_code_shape(frame, "cca3", path)
    return ParsedTable(
        table="world_countries",
        frame=frame,
        year_column=None,
        name_column="name_common",
        description="Names, regions and land borders (comma-separated ISO3) from world-countries.",
    )


def _parse_nato(path: Path) -> ParsedTable:
    raw = read_csv(
        path, required=("country", "iso3c", "cown", "gwn", "accession_date", "wave", "notes")
    )
    import pandas as pd

    frame = raw[[ROW, "country", "iso3c"]].copy()
    frame["cown"] = to_number(raw, "cown", file=path, integer=True, minimum=1, maximum=999)
    frame["gwn"] = to_number(raw, "gwn", file=path, integer=True, minimum=1, maximum=999)
    dates = pd.to_datetime(raw["accession_date"], format="%Y-%m-%d", errors="coerce")
    bad = dates.isna()
    refuse_first(
        raw,
        bad,
        lambda i: f"'{raw['accession_date'].iloc[i]}' is not a date in the form YYYY-MM-DD.",
        file=path,
        column="accession_date",
        hint="Correct the date; the file is hand-compiled.",
    )
    frame["accession_date"] = dates
    frame["year"] = dates.dt.year.astype("Int64")
    frame["wave"] = raw["wave"]
    frame["notes"] = raw["notes"]
    _check_code_shape(frame, "iso3c", path)
    check_unique(frame, ["iso3c"], file=path)
    return ParsedTable(
        table="nato_accession",
        frame=frame,
        country_keys={"iso3c": "iso3", "gwn": "gwcode", "country": "name"},
        year_column="year",
        name_column="country",
        description="NATO members with their accession date and enlargement wave.",
    )


def _check_code_shape(frame: pd.DataFrame, column: str, path: Path) -> None:
    """Every present value of a three-letter code column is three capital letters."""
    values = frame[column]
    bad = values.notna() & ~values.astype("string").str.fullmatch(r"[A-Z]{3}").fillna(False)
    refuse_first(
        frame,
        bad,
        lambda i: f"'{values.iloc[i]}' is not a three-letter code.",
        file=path,
        column=column,
        hint="Restore the producer's original file.",
    )
