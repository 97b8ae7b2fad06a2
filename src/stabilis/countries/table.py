"""The canonical country table: one row per country, keyed by ISO3.

Built from the two parsed reference tables (``country_codes`` from the countrycode code list and
``world_countries``) and the concordance files:

* every code-list row with an ISO3 code (249 countries and territories), plus Kosovo as ``XKX``
  (no ISO 3166-1 code; world-countries calls it ``UNK``), plus the historical states of
  ``historical_states.csv`` (DDR, YMD, RVN) flagged ``historical``;
* code-list rows without ISO3 (Baden, Czechoslovakia, "Stateless", ...) are not countries here:
  their continuators carry them (code rules and aliases) or they are explained non-matches;
* ``gwcode``/``cowcode``/``vdem_id``/``wb``/``iso3n`` are the codes a state uses today; the
  code-list values are corrected by the rules marked ``current`` (Germany G&W 260, Serbia COW
  345, Yemen G&W 678, Vietnam G&W 816, Palestine V-Dem 128);
* ``region``/``subregion`` come from world-countries (UN geoscheme), ``continent`` from the
  code list, ``neighbours`` are the land borders from world-countries (``;``-separated ISO3).

Columns: iso3, name, iso3n, gwcode, cowcode, vdem_id, wb, region, subregion, continent,
neighbours, historical, from_year, to_year, notes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.countries.concordance import Concordance

COLUMNS = (
    "iso3",
    "name",
    "iso3n",
    "gwcode",
    "cowcode",
    "vdem_id",
    "wb",
    "region",
    "subregion",
    "continent",
    "neighbours",
    "historical",
    "from_year",
    "to_year",
    "notes",
)
_CODE_COLUMNS = {"gwcode": "gwn", "cowcode": "cown", "vdem_id": "vdem", "iso3n": "iso3n"}
#: world-countries codes that are not the ISO3 Stabilis uses.
_WORLD_CODE_FIXES = {"UNK": "XKX"}


def build_country_table(
    codes: pd.DataFrame, world: pd.DataFrame, concordance: Concordance
) -> pd.DataFrame:
    """The canonical table from the parsed ``country_codes`` and ``world_countries`` frames."""
    import pandas as pd

    rules = concordance.rules
    current_iso3 = rules[(rules["kind"] == "iso3") & (rules["current"] == "1")]
    iso_like = codes["iso3c"].where(
        codes["iso3c"].notna(),
        codes["wb"].where(codes["wb"].isin(set(current_iso3["code"]))),
    )
    present = codes.assign(iso3=iso_like)
    present = present[present["iso3"].notna()]
    present = present[~present["iso3"].isin(set(concordance.historical["iso3"]))]

    world = world.assign(iso3=world["cca3"].replace(_WORLD_CODE_FIXES))
    world = world.drop_duplicates("iso3").set_index("iso3")
    table = pd.DataFrame({"iso3": present["iso3"].to_numpy()})
    keyed = present.set_index("iso3")
    table["name"] = (
        table["iso3"].map(world["name_common"]).fillna(table["iso3"].map(keyed["country_name_en"]))
    )
    for target, source in _CODE_COLUMNS.items():
        table[target] = table["iso3"].map(keyed[source]).astype("Int64")
    table["wb"] = table["iso3"].map(keyed["wb"])
    table["region"] = (
        table["iso3"].map(world["region"]).fillna(table["iso3"].map(keyed["un_region_name"]))
    )
    table["subregion"] = (
        table["iso3"].map(world["subregion"]).fillna(table["iso3"].map(keyed["un_regionsub_name"]))
    )
    table["continent"] = table["iso3"].map(keyed["continent"]).fillna(table["region"])
    table["neighbours"] = table["iso3"].map(world["borders"]).map(_neighbours).astype(object)
    table["neighbours"] = table["neighbours"].where(table["neighbours"].notna(), None)
    table["historical"] = False
    table["from_year"] = pd.array([None] * len(table), dtype="Int64")
    table["to_year"] = pd.array([None] * len(table), dtype="Int64")
    table["notes"] = None

    historical = concordance.historical.drop(columns="_row").rename(columns={"note": "notes"})
    historical = historical.assign(historical=True)
    for column in ("iso3n", "gwcode", "cowcode", "vdem_id", "from_year", "to_year"):
        historical[column] = pd.to_numeric(historical[column]).astype("Int64")
    historical["wb"] = None
    table = pd.concat([table, historical[list(COLUMNS)]], ignore_index=True)
    table = _apply_current_codes(table, rules)
    table["historical"] = table["historical"].astype(bool)
    return table[list(COLUMNS)].sort_values("iso3", ignore_index=True)


def _neighbours(borders: object) -> str | None:
    """world-countries' comma-separated borders as a ``;``-separated ISO3 list."""
    if not isinstance(borders, str) or not borders.strip():
        return None
    codes = [_WORLD_CODE_FIXES.get(c.strip(), c.strip()) for c in borders.split(",")]
    return ";".join(c for c in codes if c)


def _apply_current_codes(table: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    table = table.copy()
    current = rules[(rules["current"] == "1") & rules["kind"].isin([*_CODE_COLUMNS, "wb"])]
    for row in current.itertuples(index=False):
        hit = table["iso3"] == row.iso3
        if not hit.any():
            continue
        value = str(row.code) if row.kind == "wb" else int(str(row.code))
        table.loc[hit, str(row.kind)] = value
    for column in _CODE_COLUMNS:
        table[column] = pd.to_numeric(table[column]).astype("Int64")
    return table
