"""Apache Spark as the event pipeline's distributed engine (PySpark, imported lazily).

:class:`SparkEngine` runs the specification's SQL (transpiled to Spark SQL by
:func:`stabilis.threats.events.to_dialect`) over the same files with the same read schema. It
writes no logic of its own: it reads the tab-separated files into a temporary view ``events``
and collects the query's rows as plain Python values.

``master`` is ``local[N]`` for one machine (tests, the benchmark) or a cluster URL
(``spark://host:7077``, ``yarn``, ``k8s://...``) in production; the file paths must then be
readable by every executor (a shared file system or object storage). Sessions are shared per
master within a process, because starting a JVM costs seconds; :func:`stop_sessions` ends them.

Malformed lines fail the query (``mode=FAILFAST``), as they do in DuckDB, instead of becoming
rows of nulls.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from stabilis.errors import ConfigError, DataFileError

_SESSIONS: dict[str, Any] = {}

#: Settings applied to every session: small shuffles, no web UI, loopback only when local.
DEFAULT_CONF: dict[str, str] = {
    "spark.sql.shuffle.partitions": "2",
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.ansi.enabled": "true",
    "spark.ui.showConsoleProgress": "false",
}
#: PySpark warns that it does not support pandas 3 for its pandas conversions; the pipeline
#: collects plain rows and never converts, so the warning does not apply here.
_PANDAS_WARNING = "PySpark does not yet fully support pandas"
_LOCAL_CONF = {"spark.driver.host": "127.0.0.1", "spark.driver.bindAddress": "127.0.0.1"}


class SparkEngine:
    """A (shared) SparkSession on ``master`` that runs Spark SQL over event files."""

    def __init__(
        self,
        master: str = "local[2]",
        *,
        conf: Mapping[str, str] | None = None,
        app_name: str = "stabilis-events",
    ) -> None:
        self.master = master
        self.conf = {**DEFAULT_CONF, **(dict(conf) if conf else {})}
        if master.startswith("local"):
            self.conf = {**_LOCAL_CONF, **self.conf}
        self.app_name = app_name

    def session(self) -> Any:
        """The SparkSession for this master (started on first use, then reused)."""
        if self.master in _SESSIONS:
            return _SESSIONS[self.master]
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:  # pragma: no cover - depends on the installation
            raise ConfigError(
                "The Spark engine needs PySpark and Java 17+: pip install pyspark (see "
                "docs/threats.md), or use the default engine --engine duckdb."
            ) from exc
        builder = SparkSession.builder.master(self.master).appName(self.app_name)
        for key, value in self.conf.items():
            builder = builder.config(key, value)
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", _PANDAS_WARNING, FutureWarning)
                session = builder.getOrCreate()
        except Exception as exc:  # the JVM failed to start: Java missing, bad master URL
            raise ConfigError(
                f"Spark could not start on master '{self.master}' ({exc}). Check that Java 17+ "
                "is installed (java -version) and the master URL is reachable."
            ) from exc
        session.sparkContext.setLogLevel("ERROR")
        _SESSIONS[self.master] = session
        return session

    def run(
        self, sql: str, paths: Sequence[Path], schema_ddl: str
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run ``sql`` (Spark dialect, reading the view ``events``) over ``paths``."""
        session = self.session()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", _PANDAS_WARNING, FutureWarning)
                frame = (
                    session.read.option("sep", "\t")
                    .option("header", "false")
                    .option("quote", "")
                    .option("escape", "")
                    .option("mode", "FAILFAST")
                    .schema(schema_ddl)
                    .csv([str(p) for p in paths])
                )
                frame.createOrReplaceTempView("events")
                result = session.sql(sql)
                names = list(result.columns)
                rows = [tuple(row) for row in result.collect()]
        except Exception as exc:
            if type(exc).__module__.startswith(("pyspark", "py4j")):
                raise DataFileError(
                    f"Spark could not read the event files as GDELT 2.0 exports ({exc}).",
                    file=", ".join(str(p) for p in paths),
                    hint="Check that they are the tab-separated *.export.CSV files (61 fields).",
                ) from exc
            raise
        return names, rows


def stop_sessions() -> None:
    """Stop every session this process started (the JVM stays up until the process ends)."""
    while _SESSIONS:
        _, session = _SESSIONS.popitem()
        session.stop()
