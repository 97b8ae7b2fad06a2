"""The event pipeline on the real GDELT rows staged in gdelt_samples/ (SOURCES.md section 20)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from stabilis.errors import DataFileError
from stabilis.sources import gdelt
from stabilis.threats import events as ev

pytestmark = pytest.mark.integration

V1 = (
    "gdelt1_events_excerpt_1979_2020.export.CSV",
    "gdelt1_events_sample_710rows_2013_2016.export.CSV",
)
V2 = (
    "gdelt2_events_excerpt_2015_2020.export.CSV",
    "gdelt2_translation_events_excerpt_2015_2020.export.CSV",
)
#: Every country the CAMEO map knows, so that no real hostile event is lost for want of a target.
TARGETS = ev.cameo_country_map(
    ["USA", "GBR", "RUS", "UKR", "CHN", "IND", "PAK", "ISR", "IRN", "SYR", "IRQ", "AFG", "NGA",
     "FRA", "DEU", "TUR", "EGY", "AUS", "CAN", "JPN", "KOR", "PRK", "MEX", "BRA", "ZAF", "KEN"]
)  # fmt: skip


@pytest.fixture(scope="module")
def real(mirror: Path) -> dict[str, Path]:
    return {name: mirror / "gdelt_samples" / name for name in (*V1, *V2)}


def test_versions_and_widths_of_the_real_exports(real, event_names):
    for name in V1:
        assert gdelt.event_format(real[name]) == "1.0"
        frame = gdelt.parse_events(real[name], event_names)
        assert list(frame.columns[:61]) == event_names
        assert frame["Actor1Geo_ADM2Code"].isna().all()
    excerpt = gdelt.parse_events(real[V1[0]], event_names)
    # 40 backfile lines (57 fields: no SOURCEURL) and 60 daily lines (58 fields).
    assert excerpt["SOURCEURL"].isna().sum() == 40 and len(excerpt) == 100
    assert int(excerpt["SQLDATE"].min()) == 19790101
    for name in V2:
        assert gdelt.event_format(real[name]) == "2.0"
        frame = gdelt.parse_events(real[name], event_names)
        assert len(frame) == 100 and frame["SOURCEURL"].notna().all()
        assert frame["EventRootCode"].str.len().eq(2).all()


def test_mentions_export_joins_the_events_excerpt(mirror: Path, real, event_names):
    mentions = gdelt.parse_mentions_export(
        mirror / "gdelt_samples" / "gdelt2_mentions_excerpt_2015_2020.mentions.CSV"
    )
    assert len(mentions) == 100 and mentions["confidence"].between(0, 100).all()
    events = gdelt.parse_events(real[V2[0]], event_names)
    shared = set(mentions["globaleventid"]) & set(events["GLOBALEVENTID"])
    assert len(shared) == 52  # SOURCES.md: 52 of the 87 distinct ids occur in the excerpt


def test_a_line_of_another_width_is_refused_with_its_number(write_file, real):
    lines = real[V2[0]].read_text(encoding="utf-8").splitlines()
    bad = "\n".join(["\t".join(lines[1].split("\t")[:40]), *lines[2:]]) + "\n"
    with pytest.raises(DataFileError) as caught:
        gdelt.event_format(write_file("bad.export.CSV", bad))
    assert "row 1" in str(caught.value) and "40 tab-separated fields" in str(caught.value)


def test_duckdb_reads_1_0_and_2_0_files_together(real, event_columns, event_names):
    schema = ev.read_schema(event_columns)
    both = ev.aggregate_events([real[n] for n in (*V1, *V2)], schema, TARGETS)
    assert both.extra["gdelt_versions"][str(real[V1[0]])] == "1.0"
    hostile = 0
    for name in (*V1, *V2):
        frame = gdelt.parse_events(real[name], event_names)
        hostile += int(frame["EventRootCode"].isin(ev.HOSTILE_ROOTS).sum())
    assert int(both.codes["events"].sum()) == hostile  # every hostile row counted once


@pytest.mark.spark
def test_duckdb_and_spark_agree_exactly_on_the_real_rows(real, event_columns, spark_engine):
    schema = ev.read_schema(event_columns)
    for files in ([real[n] for n in V2], [real[n] for n in V1], [real[n] for n in (*V1, *V2)]):
        duck = ev.aggregate_events(files, schema, TARGETS, engine="duckdb")
        spark = ev.aggregate_events(files, schema, TARGETS, engine="spark", spark=spark_engine)
        assert len(duck.codes) > 0
        for part in ("monthly", "yearly", "codes"):
            pd.testing.assert_frame_equal(
                getattr(duck, part), getattr(spark, part), check_exact=True
            )


@pytest.mark.spark
def test_duckdb_and_spark_agree_exactly_on_generated_rows_at_scale(
    tmp_path, event_columns, event_names, spark_engine
):
    from stabilis.threats.samples import write_sample_events

    path = write_sample_events(
        tmp_path / "20240101000000.export.CSV", event_names, 200_000, seed=11,
        missing_tone_share=0.01,
    )  # fmt: skip
    schema = ev.read_schema(event_columns)
    duck = ev.aggregate_events([path], schema, TARGETS, engine="duckdb")
    spark = ev.aggregate_events([path], schema, TARGETS, engine="spark", spark=spark_engine)
    roots = pd.read_csv(
        path, sep="\t", header=None, usecols=[event_names.index("EventRootCode")], dtype=str,
        quoting=3,
    ).iloc[:, 0]  # fmt: skip
    assert int(duck.codes["events"].sum()) == int(roots.isin(ev.HOSTILE_ROOTS).sum()) > 10_000
    for part in ("monthly", "yearly", "codes"):
        pd.testing.assert_frame_equal(getattr(duck, part), getattr(spark, part), check_exact=True)
