"""The DuckDB warehouse: one file, built atomically.

A build never writes to the file readers use. :meth:`Warehouse.building` copies the current
file (or starts empty) to ``<name>.building``, yields a writer on the copy, and only when every
step succeeded checkpoints it and renames it over the current file with :func:`os.replace`
(atomic on POSIX). A build that fails or is killed leaves the previous warehouse untouched; the
stale ``.building`` file is removed by the next build.

Tables (see ARCHITECTURE.md for the full list): ``meta``, ``snapshots``, ``build_steps``,
``countries``, ``indicators`` (long: iso3, year, indicator, value, lower, upper, source,
snapshot), ``indicator_meta``, ``quality_issues``, one table per records kind (``conflicts``,
``coups``, ``cyber_incidents``, ...), the ``registry_*`` tables, and the ``panel`` view (wide).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from stabilis.errors import WarehouseError

if TYPE_CHECKING:
    import pandas as pd

SCHEMA_VERSION = "1"
#: Seconds a replaced warehouse's shared connection stays open for requests still reading it.
_RETIRE_SECONDS = 300.0

_CORE_DDL = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot VARCHAR, source VARCHAR, file_key VARCHAR, filename VARCHAR, release VARCHAR,
    url VARCHAR, retrieved_from VARCHAR, licence VARCHAR, citation VARCHAR,
    retrieved_at VARCHAR, sha256 VARCHAR, size BIGINT, path VARCHAR
);
CREATE TABLE IF NOT EXISTS build_steps (
    step VARCHAR PRIMARY KEY, checksum VARCHAR, built_at VARCHAR, rows BIGINT, tables VARCHAR
);
CREATE TABLE IF NOT EXISTS indicators (
    iso3 VARCHAR NOT NULL, year INTEGER NOT NULL, indicator VARCHAR NOT NULL, value DOUBLE,
    lower DOUBLE, upper DOUBLE, source VARCHAR NOT NULL, snapshot VARCHAR
);
CREATE TABLE IF NOT EXISTS indicator_meta (
    indicator VARCHAR PRIMARY KEY, label VARCHAR, source VARCHAR, release VARCHAR,
    scale VARCHAR, higher_is_better BOOLEAN, minimum DOUBLE, maximum DOUBLE,
    description VARCHAR, has_interval BOOLEAN, snapshot VARCHAR
);
CREATE TABLE IF NOT EXISTS build_log (
    logged_at VARCHAR, step VARCHAR, event VARCHAR, detail VARCHAR
);
CREATE TABLE IF NOT EXISTS quality_issues (
    source VARCHAR, file VARCHAR, "table" VARCHAR, "row" BIGINT, name VARCHAR, code VARCHAR,
    year INTEGER, issue VARCHAR, reason VARCHAR, explained BOOLEAN
);
"""


class Warehouse:
    """The warehouse file at ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._shared: tuple[object, duckdb.DuckDBPyConnection] | None = None
        self._keep_open = False
        self._open_lock = threading.Lock()
        self._retired: list[tuple[float, duckdb.DuckDBPyConnection]] = []
        self._table_names: tuple[duckdb.DuckDBPyConnection, list[str]] | None = None

    def keep_open(self, enabled: bool = True) -> None:
        """Keep one read-only connection open for :meth:`reader` (a server's worker process).

        Each ``reader()`` then takes a cursor of it instead of opening the file (which costs
        tens of milliseconds of metadata reads). When a build replaces the file, the next
        ``reader()`` sees another file identity and opens the new file; readers still running
        finish on the old one, which POSIX keeps readable until they close.
        """
        self._keep_open = enabled
        if not enabled:
            with self._open_lock:
                self._shared = None

    @property
    def building_path(self) -> Path:
        return self.path.with_name(self.path.name + ".building")

    def exists(self) -> bool:
        return self.path.exists()

    # -- reading ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self) -> Iterator[WarehouseReader]:
        """A read-only connection; raises a clear error when nothing has been built yet."""
        if not self.path.exists():
            raise WarehouseError(
                f"There is no warehouse at {self.path}. Run 'stabilis pull' and 'stabilis build' "
                "first (or 'make demo')."
            )
        if self._keep_open:
            shared = self._shared_connection()
            cursor = shared.cursor()
            try:
                cursor.execute("USE warehouse")
                yield WarehouseReader(cursor, known_tables=self._tables_of(shared))
            finally:
                cursor.close()
            return
        try:
            con = duckdb.connect(str(self.path), read_only=True)
        except duckdb.Error as exc:
            raise WarehouseError(
                f"The warehouse at {self.path} cannot be opened ({exc}). Rebuild it with "
                "'stabilis build --full'."
            ) from exc
        try:
            yield WarehouseReader(con)
        finally:
            con.close()

    def _tables_of(self, shared: duckdb.DuckDBPyConnection) -> list[str]:
        """The table names of a shared (read-only, so unchanging) connection, listed once."""
        held = self._table_names
        if held is not None and held[0] is shared:
            return held[1]
        cursor = shared.cursor()
        try:
            cursor.execute("USE warehouse")
            names = WarehouseReader(cursor).tables()
        finally:
            cursor.close()
        self._table_names = (shared, names)
        return names

    def _shared_connection(self) -> duckdb.DuckDBPyConnection:
        try:
            info = os.stat(self.path)
        except FileNotFoundError as exc:
            raise WarehouseError(f"There is no warehouse at {self.path}.") from exc
        stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        with self._open_lock:
            if self._shared is not None and self._shared[0] == stamp:
                return self._shared[1]
            try:
                # Attached to a private in-memory database, not opened by name: DuckDB keeps one
                # instance per file name in a process, which would hand back the replaced file.
                con = duckdb.connect(":memory:")
                quoted = str(self.path).replace("'", "''")
                con.execute(f"ATTACH '{quoted}' AS warehouse (READ_ONLY)")
                con.execute("USE warehouse")
            except duckdb.Error as exc:
                raise WarehouseError(
                    f"The warehouse at {self.path} cannot be opened ({exc}). Rebuild it with "
                    "'stabilis build --full'."
                ) from exc
            # The previous connection is not closed at once: cursors of it may still be reading.
            # It is closed at a later rotation, once no request can still be using it.
            now = time.monotonic()
            if self._shared is not None:
                self._retired.append((now, self._shared[1]))
            for retired_at, old in list(self._retired):
                if now - retired_at > _RETIRE_SECONDS:
                    with contextlib.suppress(duckdb.Error):
                        old.close()
                    self._retired.remove((retired_at, old))
            self._shared = (stamp, con)
            return con

    # -- writing ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the build lock; a second build at the same time is refused, not interleaved."""
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise WarehouseError(
                    f"Another build of {self.path} is running; wait for it to finish."
                ) from exc
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def discard_stale_build(self) -> None:
        """Remove what a failed or killed build left behind (call while holding the lock)."""
        tmp = self.building_path
        for stale in (tmp, tmp.with_name(tmp.name + ".wal")):
            stale.unlink(missing_ok=True)

    @contextlib.contextmanager
    def building(self, *, full: bool = False) -> Iterator[WarehouseWriter]:
        """Build into a copy and swap it in atomically when the block succeeds.

        Call while holding :meth:`lock`.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.building_path
        self.discard_stale_build()
        try:
            if self.path.exists() and not full:
                shutil.copyfile(self.path, tmp)
            con = duckdb.connect(str(tmp))
        except (OSError, duckdb.Error) as exc:
            self.discard_stale_build()
            raise _write_failure(tmp, exc) from exc
        writer = WarehouseWriter(con)
        try:
            writer.ensure_schema()
            yield writer
            con.execute("CHECKPOINT")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.close()
            self.discard_stale_build()
            if isinstance(exc, OSError | duckdb.Error):
                raise _write_failure(tmp, exc) from exc
            raise
        try:
            con.close()
            os.replace(tmp, self.path)
        except (OSError, duckdb.Error) as exc:
            self.discard_stale_build()
            raise _write_failure(tmp, exc) from exc


class WarehouseReader:
    """Queries against an open connection (read-only)."""

    def __init__(
        self, con: duckdb.DuckDBPyConnection, *, known_tables: list[str] | None = None
    ) -> None:
        self.con = con
        self._known_tables = known_tables

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        row = self.con.execute(sql, params or []).fetchone()
        return row[0] if row else None

    def tables(self) -> list[str]:
        if self._known_tables is not None:
            return list(self._known_tables)
        rows = self.con.execute(
            "SELECT table_name FROM information_schema.tables ORDER BY table_name"
        ).fetchall()
        return [r[0] for r in rows]

    def step_checksums(self) -> dict[str, str]:
        rows = self.con.execute("SELECT step, checksum FROM build_steps").fetchall()
        return dict(rows)

    def step_tables(self) -> dict[str, list[str]]:
        """Build step -> the tables it wrote at the last build."""
        rows = self.con.execute("SELECT step, tables FROM build_steps").fetchall()
        return {step: [t for t in (tables or "").split(",") if t] for step, tables in rows}

    def meta(self) -> dict[str, str]:
        return dict(self.con.execute("SELECT key, value FROM meta").fetchall())

    def source_sizes(self) -> dict[tuple[str, str], tuple[int, int, int]]:
        """(source, table) -> (rows, distinct countries, distinct years) of what each build step
        stored: its indicator values and each records table it wrote."""
        sizes: dict[tuple[str, str], tuple[int, int, int]] = {}
        rows = self.con.execute(
            "SELECT source, count(*), count(DISTINCT iso3), count(DISTINCT year) "
            "FROM indicators GROUP BY source"
        ).fetchall()
        for source, n, countries, years in rows:
            sizes[(source, "indicators")] = (int(n), int(countries), int(years))
        present = set(self.tables())
        for step, tables in self.step_tables().items():
            for table in tables:
                if table == "indicators" or table not in present or table.startswith("registry_"):
                    continue
                _check_identifier(table)
                columns = {
                    r[0]
                    for r in self.con.execute(
                        "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                        [table],
                    ).fetchall()
                }
                countries = 'count(DISTINCT "iso3")' if "iso3" in columns else "0"
                years = 'count(DISTINCT "year")' if "year" in columns else "0"
                n, c, y = self.con.execute(
                    f'SELECT count(*), {countries}, {years} FROM "{table}"'
                ).fetchone() or (0, 0, 0)
                sizes[(step, table)] = (int(n), int(c), int(y))
        return sizes

    def build_log(self) -> pd.DataFrame:
        """What builds recorded beyond their steps (accepted shrinkage, ...), oldest first."""
        if "build_log" not in self.tables():
            return self.query("SELECT NULL AS logged_at WHERE false")
        return self.query("SELECT * FROM build_log ORDER BY logged_at")

    def panel(
        self,
        indicators: Sequence[str],
        iso3: Sequence[str] | None,
        years: tuple[int, int] | None,
    ) -> pd.DataFrame:
        """Country-year rows (long) for the given indicators, countries and years."""
        where, params = indicator_filter(indicators, iso3, years)
        sql = (
            f"SELECT iso3, year, indicator, value FROM indicators WHERE {where} ORDER BY iso3, year"
        )
        return self.con.execute(sql, params).df()


def indicator_filter(
    indicators: Sequence[str],
    iso3: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The ``WHERE`` condition (and its parameters) picking rows of the ``indicators`` table by
    indicator codes, countries (``None``: all) and an inclusive year range (``None``: all)."""
    where = ["indicator IN (SELECT unnest($indicators))"]
    params: dict[str, Any] = {"indicators": list(indicators)}
    if iso3 is not None:
        where.append("iso3 IN (SELECT unnest($iso3))")
        params["iso3"] = list(iso3)
    if years is not None:
        where.append("year BETWEEN $y0 AND $y1")
        params["y0"], params["y1"] = years
    return " AND ".join(where), params


class WarehouseWriter(WarehouseReader):
    """Writes inside :meth:`Warehouse.building`; every write is part of one swapped-in file."""

    def ensure_schema(self) -> None:
        self.con.execute(_CORE_DDL)
        self.set_meta("schema_version", SCHEMA_VERSION)

    def set_meta(self, key: str, value: str) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def replace_table(self, name: str, frame: pd.DataFrame) -> None:
        """Create or replace a whole table from a frame (records tables, registry, countries)."""
        _check_identifier(name)
        self.con.register("_incoming", frame)
        try:
            self.con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _incoming')
        finally:
            self.con.unregister("_incoming")

    def drop_table(self, name: str) -> None:
        _check_identifier(name)
        self.con.execute(f'DROP TABLE IF EXISTS "{name}"')

    def replace_rows(self, table: str, where_column: str, value: str, frame: pd.DataFrame) -> None:
        """Delete the rows of one source from a shared table and insert ``frame`` in their place."""
        _check_identifier(table)
        _check_identifier(where_column)
        self.con.execute(f'DELETE FROM "{table}" WHERE "{where_column}" = ?', [value])
        if len(frame):
            self.con.register("_incoming", frame)
            try:
                columns = ", ".join(f'"{c}"' for c in frame.columns)
                self.con.execute(
                    f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM _incoming'
                )
            finally:
                self.con.unregister("_incoming")

    def record_step(self, step: str, checksum: str, built_at: str, rows: int, tables: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO build_steps VALUES (?, ?, ?, ?, ?)",
            [step, checksum, built_at, rows, tables],
        )

    def log_build_event(self, logged_at: str, step: str, event: str, detail: str) -> None:
        self.con.execute(
            "INSERT INTO build_log VALUES (?, ?, ?, ?)", [logged_at, step, event, detail]
        )

    def forget_step(self, step: str) -> None:
        self.con.execute("DELETE FROM build_steps WHERE step = ?", [step])

    def duplicate_indicator_keys(self, limit: int = 5) -> pd.DataFrame:
        return self.query(
            "SELECT iso3, year, indicator, count(*) AS n, string_agg(DISTINCT source, ', ') AS sources "
            "FROM indicators GROUP BY ALL HAVING count(*) > 1 ORDER BY n DESC LIMIT ?",
            [limit],
        )

    def create_panel_view(self) -> int:
        """(Re)create the wide ``panel`` view: one column per indicator code."""
        codes = [
            r[0]
            for r in self.con.execute(
                "SELECT DISTINCT indicator FROM indicators ORDER BY indicator"
            ).fetchall()
        ]
        self.con.execute("DROP VIEW IF EXISTS panel")
        if not codes:
            return 0
        quoted = ", ".join("'" + c.replace("'", "''") + "'" for c in codes)
        self.con.execute(
            "CREATE VIEW panel AS PIVOT (SELECT iso3, year, indicator, value FROM indicators) "
            f"ON indicator IN ({quoted}) USING first(value) GROUP BY iso3, year ORDER BY iso3, year"
        )
        return len(codes)


def _write_failure(tmp: Path, exc: BaseException) -> WarehouseError:
    """The one error for a build that could not write its copy (a full disk, a file-size limit,
    a read-only folder): what and where, and that the previous warehouse is intact."""
    import errno

    text = str(exc)
    code = getattr(exc, "errno", None)
    full = code in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or any(
        word in text.lower() for word in ("no space", "file too large", "disk full", "quota")
    )
    if full:
        return WarehouseError(
            f"The build could not write {tmp.name} in {tmp.parent}: the disk is full (or a "
            "file-size limit was reached). Nothing was published; the previous warehouse is "
            "unchanged. Free some space and build again.",
            details={"file": tmp.name, "reason": "disk_full"},
        )
    return WarehouseError(
        f"The build stopped on a warehouse error while writing {tmp.name} in {tmp.parent} "
        f"({text}). Nothing was published; the previous warehouse is unchanged. Try "
        "'stabilis build --full'; if it fails again, report it with this message.",
        details={"file": tmp.name},
    )


def _check_identifier(name: str) -> None:
    if not name.replace("_", "").isalnum():
        raise WarehouseError(f"'{name}' is not a valid table or column name.")
