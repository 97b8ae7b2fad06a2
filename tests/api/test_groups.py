"""One groups table, one year syntax, one JSON conversion: the CLI and the API agree."""

from __future__ import annotations

import json

import pytest

from stabilis.errors import QueryError
from stabilis.registry.groups import GROUPS, check_group


def _cli(run_cli, *args: str) -> dict:
    result = run_cli(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_group_has_a_one_line_description():
    assert list(GROUPS)[:4] == ["all", "nato", "partners", "members_and_partners"]
    assert all(text and "\n" not in text for text in GROUPS.values())


def test_an_unknown_group_names_the_parameter_and_lists_the_groups():
    with pytest.raises(QueryError) as raised:
        check_group("warsaw", "countries")
    assert raised.value.details == {"parameter": "countries", "value": "warsaw",
                                    "groups": list(GROUPS)}  # fmt: skip
    assert "Groups: all, nato, partners, members_and_partners" in raised.value.message


def test_the_groups_route_lists_the_table_with_its_members(client, built):
    body = client.get("/api/v1/groups?year=2010").json()["data"]
    assert [g["group"] for g in body] == list(GROUPS)
    groups = {g["group"]: g for g in body}
    assert groups["all"]["description"] == "every country in the warehouse"
    assert len(groups["all"]["members"]) == len(built.countries())
    both = set(groups["nato"]["members"]) | set(groups["partners"]["members"])
    assert set(groups["members_and_partners"]["members"]) == both
    assert len(groups["all"]["members"]) > len(both)


@pytest.mark.parametrize("group", ["all", "partners", "members_and_partners"])
def test_the_same_group_gives_the_same_countries_in_the_cli_and_the_api(client, run_cli, group):
    cli = _cli(run_cli, "countries", "list", "--group", group, "--year", "2010", "--json")
    api = client.get(f"/api/v1/countries?group={group}&year=2010&limit=10000").json()
    assert [r["iso3"] for r in cli["data"]] == [r["iso3"] for r in api["data"]]
    assert cli["data"] == api["data"]  # the one JSON conversion: the same nulls, the same numbers
    assert len(cli["data"]) > 10


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/countries?group=partner",
        "/api/v1/forecasts?group=partner",
        "/api/v1/indicators/fh.total/values?group=warsaw",
        "/api/v1/resilience?group=ici",
    ],
)
def test_an_unknown_group_in_the_query_is_a_422_listing_the_groups(client, path):
    response = client.get(path)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_query"
    assert error["details"]["parameter"] == "group"
    assert "nato, partners" in error["message"]


# -- the one year syntax, read by both interfaces -------------------------------------------------


def test_the_same_years_give_the_same_rows_in_the_cli_and_the_api(client, run_cli):
    cli = _cli(run_cli, "panel", "-i", "fh.total", "-c", "GEO", "-y", "2015-2020", "-f", "json")
    api = client.get("/api/v1/panel?indicators=fh.total&countries=GEO&years=2015-2020").json()
    assert cli["data"] == api["data"]
    assert [r["year"] for r in api["data"]] == list(range(2015, 2021))


def test_a_range_the_syntax_refuses_is_refused_by_both(client, run_cli):
    result = run_cli("panel", "-i", "fh.total", "-y", "2015..2020")
    assert isinstance(result.exception, QueryError)  # stabilis.cli.main.run prints it, exit 1
    response = client.get("/api/v1/panel?indicators=fh.total&years=2015..2020")
    assert response.status_code == 422
    assert "e.g. 2020 or 1990-2024" in response.json()["error"]["message"]
    assert "e.g. 2020 or 1990-2024" in result.exception.message
    assert result.exception.details == {"parameter": "--years", "value": "2015..2020"}


def test_a_threat_layer_of_the_map_keeps_only_the_group_it_was_asked_for(client, built):
    """The map sends ?group= with every layer; the signal route used to ignore it silently."""
    every = client.get("/api/v1/signals/cyber_operations/values?year=2015").json()
    nato = client.get("/api/v1/signals/cyber_operations/values?year=2015&group=nato").json()
    members = set(built.group_members("nato", 2015))
    assert {r["iso3"] for r in nato["data"]} == {r["iso3"] for r in every["data"]} & members
    assert [r["rank"] for r in nato["data"]] == list(range(1, len(nato["data"]) + 1))
    assert nato["meta"]["group"] == "nato" and every["meta"]["group"] == "all"
