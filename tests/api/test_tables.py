"""Pagination, limits and the panel as JSON, CSV and Parquet."""

from __future__ import annotations

import io

import pandas as pd


def test_pages_walk_the_whole_table_without_gaps_or_overlaps(client, built):
    everything = built.countries()
    seen: list[str] = []
    offset = 0
    while offset is not None:
        body = client.get(f"/api/v1/countries?limit=100&offset={offset}").json()
        assert body["meta"]["total"] == len(everything)
        assert body["meta"]["limit"] == 100
        seen += [row["iso3"] for row in body["data"]]
        offset = body["meta"]["next_offset"]
    assert seen == list(everything["iso3"])


def test_panel_json_csv_and_parquet_carry_the_same_rows_as_the_library(client, built):
    query = "indicators=vdem.v2x_polyarchy,wgi.pv_est&countries=nato&years=2018-2020"
    expected = built.panel(
        ["vdem.v2x_polyarchy", "wgi.pv_est"], countries="nato", years=(2018, 2020)
    )
    as_json = client.get(f"/api/v1/panel?{query}&limit=10000").json()
    as_csv = client.get(f"/api/v1/panel?{query}&format=csv")
    as_parquet = client.get(f"/api/v1/panel?{query}&format=parquet")
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    from_json = pd.DataFrame(as_json["data"])
    from_csv = pd.read_csv(io.StringIO(as_csv.text))
    from_parquet = pd.read_parquet(io.BytesIO(as_parquet.content))
    assert len(expected) == 3 * 30 == as_json["meta"]["total"]  # 30 members in 2020
    for frame in (from_json, from_csv, from_parquet):
        assert list(frame["iso3"]) == list(expected["iso3"])
        pd.testing.assert_series_equal(
            frame["vdem.v2x_polyarchy"].astype(float),
            expected["vdem.v2x_polyarchy"].astype(float),
            check_names=False,
            check_index=False,
        )


def test_asking_for_too_many_indicators_is_refused_with_the_limit(client):
    codes = ",".join(f"vdem.v{i}" for i in range(51))
    error = client.get(f"/api/v1/panel?indicators={codes}").json()["error"]
    assert error["code"] == "invalid_query"
    assert error["details"]["limit"] == 50


def test_registry_rows_can_be_limited_to_one_country(client):
    body = client.get("/api/v1/registry/partnerships?iso3=geo").json()
    assert body["data"] and {row["iso3"] for row in body["data"]} == {"GEO"}
    frameworks = {row["framework_code"] for row in body["data"]}
    assert "PFP" in frameworks
    assert all(row["source"] for row in body["data"])


def test_snapshots_download_lists_every_checksum(client, built):
    text = client.get("/api/v1/snapshots?format=csv").text
    frame = pd.read_csv(io.StringIO(text))
    assert set(frame["sha256"]) == set(built.snapshots()["sha256"])
