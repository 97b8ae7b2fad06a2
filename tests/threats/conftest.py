"""Fixtures for the threat tests: the GDELT field list, generated event files, one SparkSession.

The ``spark`` marker (pyproject.toml) marks tests that need Java 17 and PySpark, both part of the
project's set-up, so they run in CI. One local SparkSession is started per test session and
reused: JVM start-up is the expensive part.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from stabilis.sources import gdelt


@pytest.fixture(scope="session")
def event_columns(mirror: Path):
    """The staged GDELT 2.0 Events field list, parsed as the warehouse parses it."""
    path = mirror / "gdelt" / "gdelt2_events_column_labels.csv"
    return gdelt.parse("event_columns", path)[0].frame


@pytest.fixture(scope="session")
def event_names(event_columns) -> list[str]:
    return gdelt.event_column_names(event_columns)


@pytest.fixture(scope="session")
def sample_events(tmp_path_factory: pytest.TempPathFactory, event_names) -> Path:
    """3,000 generated events in the official export format (a few with no tone)."""
    from stabilis.threats.samples import write_sample_events

    path = tmp_path_factory.mktemp("events") / "20200101000000.export.CSV"
    return write_sample_events(path, event_names, 3000, seed=7, missing_tone_share=0.02)


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[object]:
    from stabilis.threats.spark import SparkEngine, stop_sessions

    # C1-only JIT and no whole-stage codegen: tiny test queries warm up ~7 s faster.
    engine = SparkEngine(
        "local[2]",
        conf={
            "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
            "spark.sql.codegen.wholeStage": "false",
        },
    )
    engine.session()
    yield engine
    stop_sessions()
