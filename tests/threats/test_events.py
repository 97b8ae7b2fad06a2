"""The event pipeline's specification on DuckDB, checked against an independent pandas count."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from stabilis.errors import DataFileError, QueryError
from stabilis.sources import gdelt
from stabilis.threats import events as ev

TARGETS = ev.cameo_country_map(["EST", "ROU", "UKR", "USA", "GEO", "DEU", "POL", "TUR"])


def _reference(path: Path, names: list[str]) -> pd.DataFrame:
    """The same aggregation written directly in pandas on the project's own parser."""
    frame = gdelt.parse_events(path, names)
    hostile = frame[frame["EventRootCode"].isin(ev.HOSTILE_ROOTS)].copy()
    hostile["iso3"] = hostile["Actor2CountryCode"].map(TARGETS)
    hostile = hostile[hostile["iso3"].notna()]
    hostile["month"] = hostile["MonthYear"] % 100
    return (
        hostile.groupby(["iso3", "Year", "month"])
        .agg(events=("GLOBALEVENTID", "size"), mentions=("NumMentions", "sum"),
             goldstein=("GoldsteinScale", "mean"), tone=("AvgTone", "mean"))
        .reset_index()
        .rename(columns={"Year": "year"})
    )  # fmt: skip


def test_read_schema_types_the_61_fields_and_reads_measures_as_decimals(event_columns):
    schema = ev.read_schema(event_columns)
    assert len(schema) == 61
    assert schema["GLOBALEVENTID"] == "BIGINT"
    assert schema["EventRootCode"] == "VARCHAR"
    assert schema["AvgTone"].startswith("DECIMAL")
    assert list(schema)[:3] == ["GLOBALEVENTID", "SQLDATE", "MonthYear"]


def test_read_schema_refuses_a_short_field_list():
    with pytest.raises(DataFileError, match="61 fields"):
        ev.read_schema([("GLOBALEVENTID", "INTEGER")])


def test_cameo_codes_map_romania_and_keep_iso3_codes():
    assert TARGETS["ROM"] == "ROU"
    assert TARGETS["EST"] == "EST"
    assert "ZAR" not in TARGETS  # only exceptions for the countries asked for


def test_duckdb_matches_an_independent_pandas_aggregation(
    sample_events, event_names, event_columns
):
    signal = ev.aggregate_events([sample_events], ev.read_schema(event_columns), TARGETS)
    expected = _reference(sample_events, event_names)
    got = signal.monthly.merge(expected, on=["iso3", "year", "month"], how="outer", indicator=True)
    assert (got["_merge"] == "both").all()
    assert (got["events_x"] == got["events_y"]).all()
    assert (got["mentions_x"] == got["mentions_y"]).all()
    assert got["goldstein_mean"].sub(got["goldstein"]).abs().max() < 1e-9
    assert got["tone_mean"].sub(got["tone"]).abs().max() < 1e-9
    assert signal.monthly["events"].sum() > 0


def test_yearly_rows_add_up_the_months_exactly(sample_events, event_columns):
    signal = ev.aggregate_events([sample_events], ev.read_schema(event_columns), TARGETS)
    sums = signal.monthly.groupby(["iso3", "year"])[["events", "mentions"]].sum().reset_index()
    merged = signal.yearly.merge(sums, on=["iso3", "year"], suffixes=("", "_m"))
    assert len(merged) == len(signal.yearly)
    assert (merged["events"] == merged["events_m"]).all()

    def total(values):
        return sum((v for v in values if v is not None), Decimal(0))

    months = signal.monthly.groupby(["iso3", "year"])["tone_sum"].apply(total)
    years = signal.yearly.set_index(["iso3", "year"])["tone_sum"].map(
        lambda v: Decimal(0) if v is None else v
    )
    assert (years.sort_index() == months.sort_index()).all()


def test_every_hostile_event_is_matched_or_reported(sample_events, event_names, event_columns):
    signal = ev.aggregate_events([sample_events], ev.read_schema(event_columns), TARGETS)
    frame = gdelt.parse_events(sample_events, event_names)
    hostile = int(frame["EventRootCode"].isin(ev.HOSTILE_ROOTS).sum())
    summary = signal.meta()
    assert summary["hostile_events_matched"] + summary["hostile_events_unmatched"] == hostile
    assert summary["hostile_events_matched"] == int(signal.yearly["events"].sum())
    unmatched = set(signal.unmatched["code"])
    assert {"", "EUR", "RUS"} <= unmatched  # blanks, a region, a country not asked for
    assert "ROM" not in unmatched


def test_the_spark_sql_is_transpiled_not_rewritten():
    sql = ev.aggregation_sql(TARGETS)
    spark = ev.to_dialect(sql, "spark")
    assert "GROUPING SETS" in spark and "`Actor2CountryCode`" in spark
    assert '"' not in spark  # DuckDB's quoted identifiers became Spark backticks
    assert ev.to_dialect(sql, "duckdb") == sql


def test_a_ragged_file_fails_with_the_file_named(tmp_path, event_columns):
    bad = tmp_path / "bad.export.CSV"
    bad.write_text("1\t20200101\t202001\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"bad\.export\.CSV"):
        ev.aggregate_events([bad], ev.read_schema(event_columns), TARGETS)


def test_unknown_engine_and_missing_file_are_refused(sample_events, event_columns, tmp_path):
    schema = ev.read_schema(event_columns)
    with pytest.raises(QueryError, match="Unknown engine"):
        ev.aggregate_events([sample_events], schema, TARGETS, engine="polars")
    with pytest.raises(DataFileError, match="does not exist"):
        ev.aggregate_events([tmp_path / "none.CSV"], schema, TARGETS)


def test_duckdb_csv_scan_counts_every_line(sample_events, event_columns):
    from stabilis.store.events import count_event_rows

    assert count_event_rows([sample_events], ev.read_schema(event_columns)) == 3000
