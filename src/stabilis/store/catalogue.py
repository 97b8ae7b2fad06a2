"""What the warehouse holds: the reads behind ``Workspace.summary``, ``countries``,
``indicators``, ``snapshots``, ``quality`` and ``table``.

Like :mod:`stabilis.store.series`, each function takes an open
:class:`~stabilis.store.warehouse.WarehouseReader`, so every SQL statement the Workspace and the
interfaces need lives in ``store/`` and a caller can ask several questions over one connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from stabilis.errors import NotFoundError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.store.warehouse import WarehouseReader

_PER_SOURCE = (
    "SELECT s.source, count(DISTINCT s.snapshot) AS files, "
    "  coalesce(any_value(i.n), 0) AS indicator_values, "
    "  coalesce(any_value(m.k), 0) AS indicators, "
    "  coalesce(any_value(b.rows), 0) AS rows, "
    "  coalesce(any_value(q.unmatched), 0) AS unmatched_rows, "
    "  coalesce(any_value(q.unexplained), 0) AS unexplained_rows "
    "FROM snapshots s "
    "LEFT JOIN (SELECT source, count(*) n FROM indicators GROUP BY 1) i USING (source) "
    "LEFT JOIN (SELECT source, count(*) k FROM indicator_meta GROUP BY 1) m USING (source) "
    "LEFT JOIN build_steps b ON b.step = s.source "
    "LEFT JOIN (SELECT source, count(*) FILTER (issue = 'unmatched_country') unmatched, "
    "  count(*) FILTER (NOT explained) unexplained FROM quality_issues GROUP BY 1) q "
    "  USING (source) "
    "GROUP BY s.source ORDER BY s.source"
)


def warehouse_summary(db: WarehouseReader) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str]]:
    """Per-source counts, the totals and the build's metadata (``built_at``...)."""
    per_source = db.query(_PER_SOURCE)
    totals = {
        "countries": db.scalar("SELECT count(*) FROM countries"),
        "indicators": db.scalar("SELECT count(*) FROM indicator_meta"),
        "indicator_values": db.scalar("SELECT count(*) FROM indicators"),
        "country_years": db.scalar(
            "SELECT count(*) FROM (SELECT DISTINCT iso3, year FROM indicators)"
        ),
        "unmatched_rows": db.scalar(
            "SELECT count(*) FROM quality_issues WHERE issue = 'unmatched_country'"
        ),
        "unexplained_rows": db.scalar("SELECT count(*) FROM quality_issues WHERE NOT explained"),
    }
    return per_source, totals, db.meta()


def snapshots(db: WarehouseReader) -> pd.DataFrame:
    """Every snapshot the warehouse was built from, with its provenance."""
    return db.query("SELECT * FROM snapshots ORDER BY source, file_key")


def source_snapshots(db: WarehouseReader, source: str) -> pd.DataFrame:
    """One source's snapshots: file, release, licence, citation, retrieval time and checksum."""
    return db.query(
        "SELECT snapshot, source, file_key, filename, release, licence, citation, "
        "retrieved_at, sha256 FROM snapshots WHERE source = ?",
        [source],
    )


def indicator_catalogue(
    db: WarehouseReader, source: str | None = None, search: str | None = None
) -> pd.DataFrame:
    """``indicator_meta`` rows, optionally of one source or matching words in code or label."""
    sql = "SELECT * FROM indicator_meta WHERE 1=1"
    params: list[Any] = []
    if source:
        sql += " AND source = ?"
        params.append(source)
    if search:
        sql += " AND (indicator ILIKE ? OR label ILIKE ?)"
        params += [f"%{search}%", f"%{search}%"]
    return db.query(sql + " ORDER BY indicator", params)


def indicator_codes(db: WarehouseReader) -> set[str]:
    """Every indicator code the warehouse holds."""
    return set(db.query("SELECT indicator FROM indicator_meta")["indicator"])


def quality_issues(
    db: WarehouseReader, *, unexplained_only: bool = False, source: str | None = None
) -> pd.DataFrame:
    """The quality report's rows (unmatched and superseded source rows)."""
    sql = "SELECT * FROM quality_issues WHERE 1=1"
    params: list[Any] = []
    if unexplained_only:
        sql += " AND NOT explained"
    if source:
        sql += " AND source = ?"
        params.append(source)
    return db.query(sql + ' ORDER BY source, file, "row"', params)


def records_table(db: WarehouseReader, name: str, iso3: str | None = None) -> pd.DataFrame:
    """A records table (``coups``, ``conflicts``...), optionally one country's rows; an absent
    table raises NotFoundError naming the tables there are (see also
    :func:`stabilis.store.series.country_records`, which gives an empty frame instead)."""
    tables = db.tables()
    if name not in tables:
        raise NotFoundError(f"The warehouse has no table '{name}'. Tables: {', '.join(tables)}.")
    if iso3:
        return db.query(f'SELECT * FROM "{name}" WHERE iso3 = ?', [iso3.upper()])
    return db.query(f'SELECT * FROM "{name}"')


def country_table(db: WarehouseReader, columns: Sequence[str] | None = None) -> pd.DataFrame:
    """The canonical country table ordered by ISO3, or only ``columns`` (in the table's order)."""
    if columns is None:
        return db.query("SELECT * FROM countries ORDER BY iso3")
    chosen = ", ".join(f'"{c}"' for c in columns)
    return db.query(f"SELECT {chosen} FROM countries")


def country_row(db: WarehouseReader, iso3: str) -> pd.DataFrame:
    """One country's row of the canonical table (empty when there is no such country)."""
    return db.query("SELECT * FROM countries WHERE iso3 = ?", [iso3])


def present_day_countries(db: WarehouseReader) -> list[str]:
    """ISO3 codes of the countries that exist today (not historical states)."""
    return list(db.query("SELECT iso3 FROM countries WHERE NOT historical")["iso3"])
