"""ThreatService and the CLI on a warehouse built from the staged mirror."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from stabilis.errors import NotFoundError, QueryError
from stabilis.threats import ThreatService

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def service(built):
    return ThreatService(built)


def test_cyber_counts_are_the_operation_rows_behind_them(service, built):
    table = built.table("cyber_incidents")
    ops = table[table["is_cyber_operation"] & (table["iso3"] == "EST")]
    counts = service.cyber(["EST"]).set_index("year")["operations"]
    assert counts.to_dict() == ops.groupby("year").size().to_dict()
    listed = service.cyber_incidents(["EST"])
    assert len(listed) == counts.sum()
    assert set(listed["snapshot"]) <= set(built.snapshots()["snapshot"])


def test_profile_combines_signals_with_provenance(service, built):
    profile = service.profile("EST")
    yearly = profile.yearly.set_index("year")
    cases = built.table("disinfo_case_countries")
    est_2019 = cases[(cases["iso3"] == "EST") & (cases["year"] == 2019)]["case_id"].nunique()
    assert yearly.loc[2019, "disinfo_cases"] == est_2019
    assert pd.isna(yearly.loc[2012, "disinfo_cases"])  # before EUvsDisinfo's coverage
    assert yearly.loc[2012, "dcid"] == 0  # inside DCID's coverage: Estonia is in a rival dyad
    assert yearly.loc[2012, "dcid_status"] == "covered"
    assert set(profile.provenance["signal"]) >= {"cyber", "eurepoc", "cfr", "disinfo"}
    summary = profile.meta()
    assert summary["status"]["member_since"] == 2004
    assert any("No event-stream signal" in n for n in profile.notes)


def test_the_long_profile_keeps_not_covered_apart_from_zero(service):
    profile = service.profile("EST")
    long = profile.tidy().set_index(["year", "measure"])
    assert pd.isna(long.loc[(2012, "disinfo_cases"), "value"])
    assert long.loc[(2012, "disinfo_cases"), ["status", "source"]].tolist() == [
        "not covered",
        "euvsdisinfo",
    ]
    assert (
        long.loc[(2012, "dcid"), "value"] == 0 and long.loc[(2012, "dcid"), "status"] == "covered"
    )
    # the same numbers as the yearly table, one per year and signal
    yearly = profile.table().set_index("year")
    assert long.loc[(2019, "disinfo_cases"), "value"] == yearly.loc[2019, "disinfo_cases"]
    assert long.loc[(2019, "cyber_incidents"), "source"] == yearly.loc[2019, "covered_by"]
    assert len(long) == len(yearly) * long.index.get_level_values("measure").nunique()


def test_the_long_election_record_carries_peis_interval(service):
    record = service.elections("GEO")
    long = record.tidy()
    pei = long[(long["measure"] == "pei_index") & long["lower"].notna()]
    assert len(pei) > 0  # PEI gives no interval for some elections: lower/upper stay missing
    assert ((pei["lower"] <= pei["value"]) & (pei["value"] <= pei["upper"])).all()
    table = record.table()
    assert sorted(pei["lower"]) == sorted(table["pei_index_lci"].dropna())
    assert long.loc[long["measure"] != "pei_index", "lower"].isna().all()
    first = table.iloc[0]
    row = long[(long["year"] == first["year"]) & (long["office"] == first["office"])
               & (long["round"] == first["round"]) & (long["measure"] == "free_fair")]  # fmt: skip
    assert row["value"].iloc[0] == pytest.approx(first["free_fair"])
    assert row["source"].iloc[0] == "vdem"


def test_alerts_carry_the_evidence_behind_the_value(service):
    alerts = service.alerts(2020)
    assert len(alerts) > 0
    assert (alerts["z"] >= 3.5).all() and (alerts["year"] >= 2020).all()
    disinfo = alerts[alerts["signal"] == "disinfo_cases"]
    assert (disinfo["evidence_total"] == disinfo["value"]).all()
    assert set(alerts["role"]) <= {"member", "partner"}
    with pytest.raises(QueryError):
        service.alerts(3000)


def test_event_files_are_aggregated_saved_and_profiled(service, sample_events):
    signal = service.events([sample_events])
    stored = service.stored_events()
    assert stored is not None and stored.spec == signal.spec
    pd.testing.assert_frame_equal(
        stored.yearly.drop(columns=["goldstein_sum", "tone_sum"]),
        signal.yearly.drop(columns=["goldstein_sum", "tone_sum"]),
    )
    profile = service.profile("EST")
    est = signal.yearly[signal.yearly["iso3"] == "EST"].set_index("year")["events"]
    shown = profile.yearly.set_index("year")["hostile_events"].dropna()
    assert shown[shown > 0].to_dict() == est.to_dict()
    assert "events" in set(profile.provenance["signal"])
    scores = service.alert_scores(["EST"])
    assert "hostile_events" in set(scores["signal"])


def test_unknown_country_is_refused(service):
    with pytest.raises(NotFoundError, match="ISO3"):
        service.profile("XYZ")


def test_cli_commands_of_the_issue_run(run_cli):
    for args in (
        ("threats", "profile", "EST"),
        ("threats", "alerts", "--since", "2020"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)


def test_cli_json_envelopes(run_cli, sample_events):
    data = json.loads(run_cli("threats", "profile", "EST", "--json").output)
    assert data["meta"]["iso3"] == "EST" and data["data"]["yearly"]
    data = json.loads(run_cli("threats", "alerts", "--since", "2020", "--json").output)
    assert data["meta"]["rules"]["monthly"]["threshold"] == 3.5
    data = json.loads(
        run_cli("threats", "events", str(sample_events), "--no-save", "--json").output
    )
    assert data["meta"]["engine"] == "duckdb" and data["data"]["yearly"]
    assert "" in data["meta"]["top_unmatched_codes"]  # events with no target country


def test_cli_commands_of_the_done_criteria(run_cli):
    moldova = run_cli("threats", "profile", "MDA")
    assert moldova.exit_code == 0, moldova.output
    assert "not covered" in moldova.output and "eurepoc" in moldova.output
    alerts = run_cli("threats", "alerts", "--since", "2014")
    assert alerts.exit_code == 0, alerts.output
    assert "cyber_dcid UKR 2014" in alerts.output
    georgia = run_cli("elections", "GEO")
    assert georgia.exit_code == 0, georgia.output
    assert "PEI 7.0 dimensions" in georgia.output
    rows = json.loads(run_cli("elections", "GEO", "--json").output)["data"]["elections"]
    pei = {r["date"]: r for r in rows if r["pei_index"] is not None}
    assert sorted(pei) == ["2012-10-01", "2013-10-27", "2016-10-08", "2018-11-28"]
    assert all(r["clean_elections"] is not None and r["intimidation"] is not None
               for r in pei.values())  # fmt: skip
    for args in (
        ("threats", "incidents", "--matches"),
        ("threats", "coverage", "MDA"),
        ("threats", "backtest"),
        ("threats", "support", "--country", "UKR"),
        ("elections", "UKR", "--json"),
    ):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
