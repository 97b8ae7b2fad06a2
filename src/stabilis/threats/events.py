"""The event pipeline's one specification: hostile events against each country, by month and year.

Input: official GDELT Events exports (``*.export.CSV``: tab-separated, no header): 2.0's 61
fields listed in ``gdelt_event_columns``, or 1.0's 57/58, which are rewritten in the 2.0 layout
first (:func:`stabilis.sources.gdelt.normalise_events`). Output, per target country (``iso3``) and month and
per country and year:

* ``events``: events whose CAMEO root code (``EventRootCode``) is 13-20 — threaten, protest,
  exhibit force posture, reduce relations, coerce, assault, fight, use unconventional mass
  violence (:data:`HOSTILE_ROOTS`) — and whose target actor's country (``Actor2CountryCode``) is
  the country;
* ``mentions``: the sum of ``NumMentions`` over those events (how much coverage they had);
* ``goldstein_mean`` and ``tone_mean``: the mean Goldstein scale (-10 most conflictual .. +10)
  and the mean ``AvgTone`` of the articles (-100 .. +100) over the events where they are given.

Dates are the event's own (``Year``, ``MonthYear``), not the date GDELT added the record.
``Actor2CountryCode`` is a CAMEO country code: ISO 3166-1 alpha-3 for almost every country,
with the exceptions in ``data/cameo_country_codes.csv`` (``ROM`` for Romania, ``ZAR`` for the
DR Congo, ...). CAMEO also has region and non-state codes (``EUR``, ``AFR``, ``WST``, ...) that
name no country: every code that maps to no country is counted in :attr:`EventSignal.unmatched`,
so nothing is dropped silently.

**One specification, two engines.** The aggregation is one SQL text written in DuckDB's dialect
(:func:`aggregation_sql`); :func:`to_dialect` transpiles it with sqlglot for Spark SQL. Both
engines read the files with the column types of :func:`read_schema` and return the same rows;
:func:`signal_from_rows` turns them into frames with the same Python code. Goldstein and tone
are read as ``DECIMAL(38, 18)`` and summed exactly, and the means are divided in Python, so the
two engines' outputs are equal to the last digit (a floating-point sum depends on the order in
which partitions are added).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from stabilis.errors import DataFileError, QueryError
from stabilis.results import TableResult

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.threats.spark import SparkEngine

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")

#: CAMEO root codes of hostile or coercive events (verbal conflict 13-14, material conflict 15-20).
HOSTILE_ROOTS: tuple[str, ...] = tuple(f"{root:02d}" for root in range(13, 21))

#: GDELT field types -> SQL types (DuckDB names; sqlglot renders them for Spark).
_SQL_TYPES = {"INTEGER": "BIGINT", "FLOAT": "DOUBLE", "STRING": "VARCHAR"}
#: Measures summed exactly: read as decimals instead of floats.
EXACT_MEASURES: dict[str, str] = {
    "GoldsteinScale": "DECIMAL(38, 18)",
    "AvgTone": "DECIMAL(38, 18)",
}
_USED = (
    "Year",
    "MonthYear",
    "EventRootCode",
    "Actor2CountryCode",
    "NumMentions",
    "GoldsteinScale",
    "AvgTone",
)
RESULT_COLUMNS = (
    "iso3",
    "year",
    "month",
    "code",
    "events",
    "mentions",
    "goldstein_sum",
    "goldstein_n",
    "tone_sum",
    "tone_n",
)


def read_schema(columns: pd.DataFrame | Sequence[tuple[str, str]]) -> dict[str, str]:
    """Field name -> SQL type for the 61 fields, from ``gdelt_event_columns`` (name, type).

    ``columns`` is the ``gdelt_event_columns`` table (``position``, ``name``, ``type``) or a list
    of ``(name, type)`` pairs in file order, with GDELT's types INTEGER, FLOAT or STRING.
    """
    if hasattr(columns, "sort_values"):
        ordered = columns.sort_values("position")
        pairs = list(zip(ordered["name"], ordered["type"], strict=True))
    else:
        pairs = list(columns)
    schema: dict[str, str] = {}
    for name, kind in pairs:
        if kind not in _SQL_TYPES:
            raise DataFileError(
                f"'{kind}' is not a GDELT field type (INTEGER, FLOAT, STRING).",
                file="gdelt_event_columns",
                column=str(name),
            )
        schema[str(name)] = EXACT_MEASURES.get(str(name), _SQL_TYPES[kind])
    missing = [name for name in _USED if name not in schema]
    if missing or len(schema) != 61:
        raise DataFileError(
            f"the GDELT 2.0 Events field list must have 61 fields including {', '.join(_USED)}; "
            f"it has {len(schema)}" + (f" and lacks {', '.join(missing)}." if missing else "."),
            file="gdelt_event_columns",
            hint="Rebuild the warehouse from the staged gdelt/gdelt2_events_column_labels.csv.",
        )
    return schema


def cameo_country_map(iso3_codes: Iterable[str]) -> dict[str, str]:
    """CAMEO country code -> ISO3 for the given countries (identity plus CAMEO's exceptions)."""
    import csv

    codes = sorted(set(iso3_codes))
    mapping = {code: code for code in codes}
    text = resources.files("stabilis.threats").joinpath("data/cameo_country_codes.csv")
    with text.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["iso3"] in mapping:
                mapping[row["cameo_code"]] = row["iso3"]
    return mapping


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def aggregation_sql(targets: Mapping[str, str], roots: Sequence[str] = HOSTILE_ROOTS) -> str:
    """The specification, in DuckDB's dialect; it reads the view ``events``.

    One pass with three grouping sets: (iso3, year, month), (iso3, year) and (code) — the last
    counts hostile events per target code, matched or not, for the coverage report. The
    ``targets`` mapping (CAMEO code -> ISO3) is inlined as a ``VALUES`` table so each engine
    needs nothing but the events view.
    """
    if not targets:
        raise QueryError("No target countries were given for the event pipeline.")
    values = ", ".join(f"({_quote(c)}, {_quote(i)})" for c, i in sorted(targets.items()))
    root_list = ", ".join(_quote(r) for r in roots)
    return f"""
WITH targets AS (
    SELECT * FROM (VALUES {values}) AS t(cameo_code, iso3)
),
hostile AS (
    SELECT
        t.iso3 AS iso3,
        e."Year" AS year,
        e."MonthYear" % 100 AS month,
        COALESCE(e."Actor2CountryCode", '') AS code,
        e."NumMentions" AS mentions,
        e."GoldsteinScale" AS goldstein,
        e."AvgTone" AS tone
    FROM events AS e
    LEFT JOIN targets AS t ON e."Actor2CountryCode" = t.cameo_code
    WHERE e."EventRootCode" IN ({root_list})
      AND e."Year" IS NOT NULL AND e."MonthYear" IS NOT NULL
)
SELECT
    iso3, year, month, code,
    COUNT(*) AS events,
    SUM(mentions) AS mentions,
    SUM(goldstein) AS goldstein_sum,
    COUNT(goldstein) AS goldstein_n,
    SUM(tone) AS tone_sum,
    COUNT(tone) AS tone_n
FROM hostile
GROUP BY GROUPING SETS ((iso3, year, month), (iso3, year), (code))
""".strip()


def to_dialect(sql: str, dialect: str) -> str:
    """Transpile the DuckDB-dialect specification for another engine (``spark``) with sqlglot."""
    if dialect == "duckdb":
        return sql
    import sqlglot

    return str(sqlglot.transpile(sql, read="duckdb", write=dialect, pretty=True)[0])


def spark_schema_ddl(schema: Mapping[str, str]) -> str:
    """The read schema as a Spark DDL string (types rendered by sqlglot)."""
    from sqlglot import exp

    parts = []
    for name, kind in schema.items():
        rendered = exp.DataType.build(kind, dialect="duckdb").sql(dialect="spark")
        parts.append(f"`{name}` {rendered}")
    return ", ".join(parts)


def spec_digest(sql: str, schema: Mapping[str, str]) -> str:
    """A short hash of the specification (SQL + read schema), stored with every result."""
    text = sql + "\n" + "\n".join(f"{k} {v}" for k, v in schema.items())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class EventSignal(TableResult):
    """Hostile-event signals per country-month and country-year, with what was not matched.

    ``monthly``/``yearly`` columns: ``iso3``, ``year`` (, ``month``), ``events``, ``mentions``,
    ``goldstein_mean``, ``tone_mean``, and the exact sums behind the means (``goldstein_sum``,
    ``goldstein_n``, ``tone_sum``, ``tone_n``). ``codes``: hostile events per
    ``Actor2CountryCode`` (``''`` = no target country) with ``iso3`` where the code matched.
    """

    monthly: pd.DataFrame
    yearly: pd.DataFrame
    codes: pd.DataFrame
    engine: str
    files: tuple[str, ...]
    spec: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def unmatched(self) -> pd.DataFrame:
        """Hostile events whose target code maps to no country (regions, blanks, unknown codes)."""
        return self.codes[self.codes["iso3"].isna()].reset_index(drop=True)

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "year", "month")

    def tidy(self) -> pd.DataFrame:
        """Monthly and yearly rows in one long frame (``month`` missing on yearly rows)."""
        import pandas as pd

        return pd.concat([self.monthly, self.yearly], ignore_index=True)

    def summary(self) -> str:
        """What the run read and how much of it reached a country."""
        m = self.meta()
        total = m["hostile_events_matched"] + m["hostile_events_unmatched"]
        return (
            f"{len(self.files)} event file{'s' if len(self.files) != 1 else ''} read on "
            f"{self.engine}: {total:,} hostile events, "
            f"{m['hostile_events_matched']:,} against {m['countries']} countries "
            f"({m['country_months']:,} country-months); {m['hostile_events_unmatched']:,} name "
            "no country (regions, blanks or unknown codes)."
        )

    def meta(self) -> dict[str, Any]:
        """The engine, the files, the SQL spec's hash, counts and the top unmatched codes."""
        matched = int(self.codes.loc[self.codes["iso3"].notna(), "events"].sum())
        unmatched = int(self.unmatched["events"].sum())
        return {
            "engine": self.engine,
            "files": list(self.files),
            "spec": self.spec,
            "countries": int(self.yearly["iso3"].nunique()),
            "country_months": len(self.monthly),
            "hostile_events_matched": matched,
            "hostile_events_unmatched": unmatched,
            "top_unmatched_codes": {
                str(code): int(n)
                for code, n in zip(
                    self.unmatched["code"].head(5), self.unmatched["events"].head(5), strict=True
                )
            },
        }


def _mean(total: Decimal | None, n: int) -> float:
    if total is None or not n:
        return float("nan")
    with localcontext() as ctx:
        ctx.prec = 34
        return float(Decimal(total) / Decimal(n))


def signal_from_rows(
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    targets: Mapping[str, str],
    *,
    engine: str,
    files: Sequence[str],
    spec: str,
) -> EventSignal:
    """Turn the engine's result rows into an :class:`EventSignal` (shared by both engines)."""
    import pandas as pd

    frame = pd.DataFrame([tuple(r) for r in rows], columns=list(names))
    if list(frame.columns) != list(RESULT_COLUMNS):
        raise QueryError(f"The engine returned columns {list(frame.columns)}, not the spec's.")
    is_code = frame["code"].notna()
    codes = frame.loc[is_code, ["code", "events"]].copy()
    codes["events"] = codes["events"].astype("int64")
    codes["iso3"] = codes["code"].map(dict(targets))
    codes = codes.sort_values(["events", "code"], ascending=[False, True]).reset_index(drop=True)
    rows_ = frame[~is_code & frame["iso3"].notna()].copy()
    for column in ("events", "mentions", "goldstein_n", "tone_n"):
        rows_[column] = rows_[column].astype("Int64")
    rows_["year"] = rows_["year"].astype("Int64")
    rows_["month"] = rows_["month"].astype("Int64")
    rows_["goldstein_mean"] = [
        _mean(s, int(n)) for s, n in zip(rows_["goldstein_sum"], rows_["goldstein_n"], strict=True)
    ]
    rows_["tone_mean"] = [
        _mean(s, int(n)) for s, n in zip(rows_["tone_sum"], rows_["tone_n"], strict=True)
    ]
    ordered = [
        "iso3",
        "year",
        "month",
        "events",
        "mentions",
        "goldstein_mean",
        "tone_mean",
        "goldstein_sum",
        "goldstein_n",
        "tone_sum",
        "tone_n",
    ]
    monthly = rows_[rows_["month"].notna()][ordered]
    yearly = rows_[rows_["month"].isna()][[c for c in ordered if c != "month"]]
    return EventSignal(
        monthly=monthly.sort_values(["iso3", "year", "month"]).reset_index(drop=True),
        yearly=yearly.sort_values(["iso3", "year"]).reset_index(drop=True),
        codes=codes[["code", "iso3", "events"]],
        engine=engine,
        files=tuple(files),
        spec=spec,
    )


def aggregate_events(
    paths: Sequence[Path],
    schema: Mapping[str, str],
    targets: Mapping[str, str],
    *,
    engine: str = "duckdb",
    spark: SparkEngine | None = None,
    threads: int | None = None,
) -> EventSignal:
    """Run the specification over ``paths`` on DuckDB (default) or Spark.

    ``schema`` comes from :func:`read_schema`; ``targets`` from :func:`cameo_country_map`.
    For Spark pass a :class:`~stabilis.threats.spark.SparkEngine` (local or a cluster URL).
    """
    files = [Path(p) for p in paths]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise DataFileError(
            "the event file does not exist.",
            file=missing[0],
            hint="Give the path of an unzipped GDELT 2.0 *.export.CSV file.",
        )
    if engine not in ENGINES:
        raise QueryError(f"Unknown engine '{engine}'; use one of: {', '.join(ENGINES)}.")
    import tempfile

    from stabilis.sources import gdelt

    sql = aggregation_sql(targets)
    digest = spec_digest(sql, schema)
    versions = {str(p): gdelt.event_format(p) for p in files}
    with tempfile.TemporaryDirectory(prefix="stabilis-gdelt1-") as folder:
        # GDELT 1.0 files are rewritten in the 2.0 layout, so one schema and one SQL text serve.
        read = [
            gdelt.normalise_events(p, list(schema), Path(folder) / f"{i}-{p.name}")
            if versions[str(p)] == "1.0"
            else p
            for i, p in enumerate(files)
        ]
        if engine == "duckdb":
            from stabilis.store.events import run_event_query

            names, rows = run_event_query(sql, read, schema, threads=threads)
        else:
            from stabilis.threats.spark import SparkEngine

            runner = spark or SparkEngine()
            names, rows = runner.run(to_dialect(sql, "spark"), read, spark_schema_ddl(schema))
    signal = signal_from_rows(
        names, rows, targets, engine=engine, files=[str(p) for p in files], spec=digest
    )
    signal.extra["gdelt_versions"] = versions
    return signal
