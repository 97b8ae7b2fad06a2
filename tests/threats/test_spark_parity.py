"""DuckDB and Spark run the same specification on the same file and agree exactly."""

from __future__ import annotations

import pandas as pd
import pytest

from stabilis.threats import events as ev

pytestmark = pytest.mark.spark

TARGETS = ev.cameo_country_map(["EST", "ROU", "UKR", "USA", "GEO", "DEU", "POL", "TUR", "ISR"])


def test_duckdb_and_spark_outputs_are_identical(sample_events, event_columns, spark_engine):
    schema = ev.read_schema(event_columns)
    duck = ev.aggregate_events([sample_events], schema, TARGETS, engine="duckdb")
    spark = ev.aggregate_events(
        [sample_events], schema, TARGETS, engine="spark", spark=spark_engine
    )
    assert duck.spec == spark.spec
    assert len(duck.monthly) > 50
    pd.testing.assert_frame_equal(duck.monthly, spark.monthly, check_exact=True)
    pd.testing.assert_frame_equal(duck.yearly, spark.yearly, check_exact=True)
    pd.testing.assert_frame_equal(duck.codes, spark.codes, check_exact=True)


def test_spark_reads_several_files_like_duckdb(
    sample_events, event_columns, spark_engine, tmp_path
):
    import shutil

    second = tmp_path / "copy.export.CSV"
    shutil.copyfile(sample_events, second)
    schema = ev.read_schema(event_columns)
    one = ev.aggregate_events([sample_events], schema, TARGETS, engine="spark", spark=spark_engine)
    two = ev.aggregate_events(
        [sample_events, second], schema, TARGETS, engine="spark", spark=spark_engine
    )
    assert (two.yearly["events"] == 2 * one.yearly["events"]).all()
    duck = ev.aggregate_events([sample_events, second], schema, TARGETS)
    pd.testing.assert_frame_equal(duck.yearly, two.yearly, check_exact=True)
