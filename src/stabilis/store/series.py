"""Read-only queries the dashboard and the API need beyond ``Workspace.panel``.

The panel carries values only; these reads also return the producers' uncertainty bounds
(``lower``/``upper``, shipped by V-Dem and WGI), one indicator across every country for a year
(the map), the years an indicator covers (the year slider) and a country's rows of a records
table. Each function takes an open :class:`~stabilis.store.warehouse.WarehouseReader` so a caller
can answer several questions over one connection (``with ws.warehouse.reader() as db: ...``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from stabilis.errors import NotFoundError
from stabilis.store.warehouse import indicator_filter

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.store.warehouse import WarehouseReader


def indicator_series(
    db: WarehouseReader,
    iso3: str,
    indicators: Sequence[str],
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """One country's values with bounds: columns ``indicator, year, value, lower, upper``.

    Sorted by indicator then year. ``lower``/``upper`` are missing where the producer ships no
    interval.
    """
    where, params = indicator_filter(indicators, [iso3], years)
    sql = f"SELECT indicator, year, value, lower, upper FROM indicators WHERE {where}"
    return db.con.execute(sql + " ORDER BY indicator, year", params).df()


def indicator_cross_section(db: WarehouseReader, indicator: str, year: int) -> pd.DataFrame:
    """Every country's value of one indicator in one year: ``iso3, value, lower, upper``."""
    return db.query(
        "SELECT iso3, value, lower, upper FROM indicators "
        "WHERE indicator = ? AND year = ? AND value IS NOT NULL ORDER BY iso3",
        [indicator, year],
    )


def indicator_years(db: WarehouseReader, indicator: str) -> pd.DataFrame:
    """The years an indicator has values, with the number of countries: ``year, countries``."""
    return db.query(
        "SELECT year, count(*) AS countries FROM indicators "
        "WHERE indicator = ? AND value IS NOT NULL GROUP BY year ORDER BY year",
        [indicator],
    )


def indicator_metadata(db: WarehouseReader, codes: Sequence[str]) -> pd.DataFrame:
    """``indicator_meta`` rows for ``codes``; raises NotFoundError naming the first unknown code."""
    meta = db.con.execute(
        "SELECT * FROM indicator_meta WHERE indicator IN (SELECT unnest($codes)) ORDER BY indicator",
        {"codes": list(codes)},
    ).df()
    missing = [c for c in codes if c not in set(meta["indicator"])]
    if missing:
        raise NotFoundError(
            f"Unknown indicator '{missing[0]}'. List the codes with 'stabilis indicators list' "
            "or GET /api/v1/indicators.",
            details={"indicator": missing[0]},
        )
    return meta


def country_records(db: WarehouseReader, table: str, iso3: str) -> pd.DataFrame:
    """A country's rows of a records table (``coups``, ``conflicts``, ``regime_episodes``...).

    An absent table gives an empty frame: a warehouse built without that source simply has no
    records to show.
    """
    if table not in db.tables():
        import pandas as pd

        return pd.DataFrame()
    if not table.replace("_", "").isalnum():
        raise NotFoundError(f"'{table}' is not a table name.")
    return db.query(f'SELECT * FROM "{table}" WHERE iso3 = ?', [iso3])


def panel_bounds(
    db: WarehouseReader,
    indicators: Sequence[str],
    iso3: Sequence[str] | None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The producers' bounds for a panel: ``iso3, year, indicator, lower, upper``.

    Only rows that have a bound (V-Dem's and WGI's intervals); other sources ship none.
    """
    where, params = indicator_filter(indicators, iso3, years)
    sql = (
        "SELECT iso3, year, indicator, lower, upper FROM indicators "
        f"WHERE {where} AND (lower IS NOT NULL OR upper IS NOT NULL) ORDER BY iso3, year"
    )
    return db.con.execute(sql, params).df()
