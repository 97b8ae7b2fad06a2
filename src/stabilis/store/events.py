"""DuckDB as the default engine of the event pipeline: run one SQL query over event files.

The query itself is not written here: :mod:`stabilis.threats.events` owns the specification
(one SQL text in DuckDB's dialect, transpiled with sqlglot for Spark) and passes it in with the
files' column types. This module only does what needs DuckDB: expose the tab-separated,
headerless files as a view called ``events`` and run the query on an in-memory connection, so
the warehouse file is never opened or locked. :func:`count_event_rows` measures DuckDB's own
CSV-scan ceiling on the same files, for the benchmark.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from stabilis.errors import DataFileError

#: The view name the specification's SQL reads from.
EVENTS_VIEW = "events"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _read_csv_sql(paths: Sequence[Path], columns: Mapping[str, str]) -> str:
    """``read_csv(...)`` over ``paths`` with the declared column types.

    GDELT exports are tab-separated with no header and no quoting: quote and escape characters
    are switched off so a stray ``"`` in a source URL cannot swallow the following lines. The
    file list is inlined as literals because a view cannot take prepared parameters.
    """
    files = ", ".join(_literal(str(p)) for p in paths)
    spec = ", ".join(f"{_literal(name)}: {_literal(kind)}" for name, kind in columns.items())
    return (
        f"read_csv([{files}], delim = '\t', header = false, quote = '', escape = '', "
        f"auto_detect = false, columns = {{{spec}}})"
    )


def _connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con


def run_event_query(
    sql: str,
    paths: Sequence[Path],
    columns: Mapping[str, str],
    *,
    threads: int | None = None,
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run ``sql`` (DuckDB dialect, reading the view ``events``) over the event files.

    Returns the result's column names and rows as Python values (DECIMAL sums stay
    :class:`decimal.Decimal`, so results can be compared exactly across engines).
    """
    if not paths:
        raise DataFileError("no event files were given.", file="(none)")
    source = _read_csv_sql(paths, columns)
    con = _connect(threads)
    try:
        con.execute(f"CREATE TEMP VIEW {EVENTS_VIEW} AS SELECT * FROM {source}")
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description or []]
        return names, cursor.fetchall()
    except duckdb.Error as exc:
        raise DataFileError(
            f"DuckDB could not read the event files as GDELT 2.0 exports ({exc}).",
            file=", ".join(str(p) for p in paths),
            hint="Check that they are the tab-separated *.export.CSV files (unzipped, 61 fields).",
        ) from exc
    finally:
        con.close()


def count_event_rows(
    paths: Sequence[Path], columns: Mapping[str, str], *, threads: int | None = None
) -> int:
    """``count(*)`` over the same ``read_csv`` the pipeline uses: DuckDB's CSV-scan ceiling."""
    con = _connect(threads)
    try:
        row = con.execute(f"SELECT count(*) FROM {_read_csv_sql(paths, columns)}").fetchone()
        return int(row[0]) if row else 0
    finally:
        con.close()
