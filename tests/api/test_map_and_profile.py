"""The map's cross-section and the country profile agree with the warehouse."""

from __future__ import annotations

from stabilis.store.series import country_records, indicator_series


def test_group_filter_keeps_only_members_of_that_year_ranked_best_first(client, built):
    body = client.get("/api/v1/indicators/vdem.v2x_polyarchy/values?year=1995&group=nato").json()
    members_1995 = set(built.group_members("nato", 1995))
    assert len(members_1995) == 16
    shown = {row["iso3"] for row in body["data"]}
    assert shown == members_1995 - set(body["meta"]["members_without_value"])
    values = [row["value"] for row in body["data"]]
    assert values == sorted(values, reverse=True)
    assert [row["rank"] for row in body["data"]] == list(range(1, len(values) + 1))
    assert body["meta"]["indicator"]["higher_is_better"] is True
    assert body["meta"]["year"] == 1995 and 2024 in body["meta"]["years"]


def test_where_higher_is_worse_the_lowest_value_ranks_first(client):
    body = client.get("/api/v1/indicators/vdem.v2x_neopat/values?year=2015").json()
    values = [row["value"] for row in body["data"]]
    assert body["meta"]["indicator"]["higher_is_better"] is False
    assert values == sorted(values)


def test_map_values_match_the_panel_and_carry_the_map_id(client, built):
    body = client.get("/api/v1/indicators/fh.total/values?year=2020").json()
    panel = built.panel("fh.total", years=(2020, 2020)).dropna()
    assert {r["iso3"]: r["value"] for r in body["data"]} == dict(
        zip(panel["iso3"], panel["fh.total"], strict=True)
    )
    malta = next(r for r in body["data"] if r["iso3"] == "MLT")
    assert malta["iso3n"] == "470" and malta["name"] == "Malta"


def test_without_a_year_the_map_shows_the_latest(client):
    body = client.get("/api/v1/indicators/wgi.pv_est/values").json()
    assert body["meta"]["year"] == max(body["meta"]["years"])


def test_map_download_has_the_rows_of_the_json(client):
    path = "/api/v1/indicators/vdem.v2x_libdem/values?year=2012&group=partners"
    rows = client.get(path).json()["data"]
    csv_lines = client.get(path + "&format=csv").text.strip().splitlines()
    assert csv_lines[0] == "rank,iso3,name,value,lower,upper,iso3n"
    assert [line.split(",")[1] for line in csv_lines[1:]] == [r["iso3"] for r in rows]


def test_profile_series_carry_the_producers_bounds(client, built):
    body = client.get("/api/v1/countries/UKR/profile?years=2000-2020").json()["data"]
    polyarchy = next(i for i in body["indicators"] if i["indicator"] == "vdem.v2x_polyarchy")
    assert polyarchy["higher_is_better"] is True
    with built.warehouse.reader() as db:
        expected = indicator_series(db, "UKR", ["vdem.v2x_polyarchy"], (2000, 2020))
    assert [p["year"] for p in polyarchy["points"]] == list(range(2000, 2021))
    assert [p["lower"] for p in polyarchy["points"]] == list(expected["lower"])
    assert all(p["lower"] <= p["value"] <= p["upper"] for p in polyarchy["points"])
    assert body["years"] == [2000, 2020]


def test_profile_marks_episodes_coups_conflicts_and_the_registry_timeline(client, built):
    body = client.get("/api/v1/countries/UKR/profile?years=1990-2024").json()["data"]
    assert {"democratization", "autocratization"} <= {e["kind"] for e in body["episodes"]}
    with built.warehouse.reader() as db:
        coups = country_records(db, "coups", "UKR")
    assert [c["year"] for c in body["coups"]] == sorted(coups["year"].tolist())
    assert {c["year"] for c in body["conflicts"]} >= {2014, 2022}
    codes = {(s["kind"], s["code"]) for s in body["timeline"]}
    assert ("partnership", "PFP") in codes
    pfp = next(s for s in body["timeline"] if s["code"] == "PFP")
    assert pfp["start"] == "1994-02-08"
    assert "pfp" in body["groups"]


def test_profile_takes_chosen_indicators_in_the_order_asked(client):
    path = "/api/v1/countries/GEO/profile?indicators=fh.total,vdem.v2x_libdem"
    body = client.get(path).json()["data"]
    assert [i["indicator"] for i in body["indicators"]] == ["fh.total", "vdem.v2x_libdem"]


def test_a_country_without_records_gets_empty_lists_not_errors(client):
    body = client.get("/api/v1/countries/ISL/profile").json()["data"]
    assert body["coups"] == [] and body["conflicts"] == []
    assert body["timeline"][0]["kind"] == "membership"


def test_indicator_detail_gives_coverage_and_provenance(client):
    body = client.get("/api/v1/indicators/wgi.pv_est").json()["data"]
    assert body["coverage"]["first_year"] == 1996
    assert body["provenance"] and all(len(p["sha256"]) == 64 for p in body["provenance"])


def test_records_of_an_absent_table_are_empty(built):
    with built.warehouse.reader() as db:
        assert country_records(db, "no_such_table", "UKR").empty
