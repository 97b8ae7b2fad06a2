"""AllianceService and its CLI on a warehouse built from the staged mirror (real data)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from stabilis.alliance import AllianceService
from stabilis.alliance.support import COMPONENT_KEYS, sanity
from stabilis.errors import NotFoundError, QueryError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def service(built):
    return AllianceService(built)


def test_recipients_are_partners_and_non_member_operation_hosts(service, built):
    recipients = set(service.recipients(2019))
    assert set(built.registry.partners(2019)) <= recipients
    assert "XKX" in recipients  # KFOR host, not a partner
    assert not recipients & set(built.registry.members(2019))


def test_afghanistan_2019_is_not_under_supported_given_resolute_support(service):
    audit = service.support_audit(2019)
    table = audit.table().set_index("iso3")
    n = len(table)
    assert table.loc["AFG", "rank"] <= n / 4, table.loc["AFG"].to_dict()
    assert table.loc["AFG", "operation_personnel"] == pytest.approx(17178.0)
    assert table["support"].sum() == pytest.approx(1.0)
    cases = sanity(audit).set_index("case")
    assert cases.loc["Afghanistan under Resolute Support", "verdict"].startswith("as expected")
    assert "operation personnel" in cases.loc["Afghanistan under Resolute Support", "why"]


def test_every_component_is_shown_with_its_coverage(service):
    audit = service.support_audit(2019)
    assert set(COMPONENT_KEYS) <= set(audit.table().columns)
    assert audit.coverage["exercises"].startswith("not covered")  # MME ends in 2010
    assert "exercises" not in audit.components_used
    early = service.support_audit(2005)
    assert "exercises" in early.components_used
    summary = audit.meta()
    low, high = summary["gini_range"]
    assert 0 <= low <= summary["gini_support_vs_need"] <= high <= 1
    assert summary["unit"].startswith("share of the year")
    named = summary["most_support_relative_to_need"] + summary["least_support_relative_to_need"]
    assert set(summary["why"]) == set(named)
    assert summary["why"]["AFG"].startswith("rank 2 of") or summary["why"]["AFG"].startswith(
        "rank 1 of"
    )
    with pytest.raises(QueryError):
        service.support_audit(1960)


def test_over_time_and_position_give_every_year_and_component(service):
    panel, per = service.support_over_time(2008, 2010)
    assert set(panel["year"]) == {2008, 2009, 2010}
    assert per["years"].max() == 3
    position = service.support_position("UKR", 2016)
    assert position["ranked"] and position["values"]["programme_amounts"] == pytest.approx(800.0)
    assert not service.support_position("DEU", 2016)["ranked"]
    with pytest.raises(NotFoundError):
        service.support_position("XYZ", 2016)


def test_burden_sharing_lists_members_against_the_guidelines(service, built):
    burden = service.burden(2024)
    rows = burden.table().set_index("iso3")
    assert set(rows.index) == set(built.registry.members(2024))
    assert rows.loc["POL", "meets_2_percent"] and rows.loc["POL", "estimate"]
    assert rows.loc["ISL", "status"] == "not in NATO's tables"
    measured = rows[rows["defexp_share_gdp"].notna()]
    assert (measured["meets_2_percent"] == (measured["defexp_share_gdp"] >= 2)).all()
    diff = measured["defexp_share_gdp"] - measured["sipri_share_gdp"]
    assert np.allclose(diff.dropna(), measured["nato_minus_sipri_pp"].dropna())
    with pytest.raises(QueryError, match="2014-2024"):
        service.burden(2010)


def test_scorecard_measures_more_than_three_requirements_and_states_coverage(service, built):
    card = service.resilience_scorecard("nato", 2025)
    assert set(card.overall["iso3"]) == set(built.registry.members(2025))
    coverage = card.coverage.set_index("key")
    assert (coverage["countries_scored"] > 0).sum() > 3
    assert coverage.loc["energy", "countries_scored"] > 0
    rows = card.tidy()
    est = rows[rows["iso3"] == "EST"].set_index("key")
    assert est.loc["communications", "data_years"] == "2025"
    assert "fsi.s2" not in est.loc["movement_of_people", "indicators"]
    scored = card.overall.dropna(subset=["overall"])
    assert (scored["requirements_scored"] >= 5).all()
    with pytest.raises(QueryError):
        service.resilience_scorecard("g7")
    single = service.resilience_of("UKR", 2025)
    assert set(single.tidy()["iso3"]) == {"UKR"}


def test_cli_commands_of_the_issue_run(run_cli):
    audit = run_cli("support", "audit", "--year", "2019")
    assert audit.exit_code == 0, audit.output
    assert "Afghanistan under Resolute Support (AFG)" in audit.output
    burden = run_cli("support", "burden", "--year", "2024")
    assert burden.exit_code == 0 and "meet 2 %" in burden.output
    card = run_cli("resilience", "scorecard", "--group", "nato")
    assert card.exit_code == 0 and "Coverage per requirement" in card.output
    for args in (
        ("support", "history", "--first", "2009", "--last", "2010"),
        ("support", "position", "AFG", "--year", "2019"),
        ("resilience", "country", "EST"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)


def test_cli_json_envelopes_and_bad_weights(run_cli):
    data = json.loads(run_cli("support", "audit", "--year", "2019", "--json").output)
    assert data["meta"]["year"] == 2019 and data["data"]["lorenz"] and data["data"]["sanity"]
    data = json.loads(run_cli("support", "burden", "--year", "2024", "--json").output)
    assert data["meta"]["year"] == 2024 and data["data"]
    assert run_cli("support", "audit", "--year", "2019", "-w", "oops").exit_code != 0
    assert run_cli("support", "audit", "--year", "2019", "-w", "tanks=2").exit_code != 0
