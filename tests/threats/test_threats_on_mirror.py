"""Reconciled incidents, coverage, alerts and their backtest on the warehouse built from the mirror."""

from __future__ import annotations

import pandas as pd
import pytest

from stabilis.threats import ThreatService
from stabilis.threats.coverage import NOT_COVERED

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def service(built):
    return ThreatService(built)


def test_moldova_shows_2022_eurepoc_incidents_with_their_sources(service):
    profile = service.profile("MDA")
    recent = profile.cyber_incidents[profile.cyber_incidents["year"].between(2022, 2023)]
    assert len(recent) >= 1
    assert recent["sources"].str.contains("eurepoc").all()
    yearly = profile.yearly.set_index("year")
    assert yearly.loc[2022, "eurepoc"] == len(
        recent[recent["year"] == 2022]["source_ids"].str.split(";").explode()
        .loc[lambda s: s.str.startswith("eurepoc")].str.split(":").str[1].unique()
    )  # fmt: skip
    assert any("DCID does not cover MDA" in n for n in profile.notes)


def test_a_country_outside_a_source_coverage_never_reads_zero(service, built):
    countries = sorted(built.countries()["iso3"])
    cyber = service.cyber_yearly(countries, (1995, 2024))
    for source in ("dcid", "eurepoc", "cfr"):
        outside = cyber[cyber[f"{source}_status"] == NOT_COVERED]
        assert len(outside) > 0
        assert outside[source].isna().all(), f"{source} reads a number where it does not look"
    assert cyber.loc[cyber["covered_by"] == "", "cyber_incidents"].isna().all()
    profile = service.profile("MDA").display_yearly().set_index("year")
    assert (profile["dcid"] == NOT_COVERED).all()
    assert profile.loc[2012, "disinfo_cases"] == NOT_COVERED
    exposure = service.threat_exposure(2022, ["MDA", "EST"]).set_index("iso3")
    assert pd.isna(exposure.loc["MDA", "disinfo"])  # EUvsDisinfo stops in February 2021
    assert exposure.loc["MDA", "cyber_sources"] == "eurepoc;cfr"


def test_match_report_adds_up(service):
    result = service.reconciled
    report = service.match_report().set_index("source")
    merged_away = len(result.records) - len(result.incidents)
    assert merged_away == len(result.matches) - _cycles(result)
    assert report.loc["dcid", "matched_eurepoc"] == report.loc["eurepoc", "matched_dcid"]
    multi = result.incidents[result.incidents["n_sources"] > 1]
    assert len(multi) > 0 and multi["sources"].str.contains(";").all()


def _cycles(result) -> int:
    """Matches that joined records already in one incident (a triangle counts one)."""
    keys = dict(zip(result.records["record_id"], result.records["incident_key"], strict=True))
    groups = pd.Series([keys[a] for a in result.matches["record_a"]]).value_counts()
    sizes = result.records.groupby("incident_key").size()
    return int(sum(groups.get(k, 0) - (sizes[k] - 1) for k in groups.index))


def test_backtest_flags_the_known_episodes_and_nothing_in_a_first_window(service):
    backtest = service.alert_backtest(2000, 2023)
    alerts = backtest.alerts
    cyber = alerts[alerts["signal"].str.startswith("cyber_")]
    assert (cyber.loc[cyber["signal"] == "cyber_dcid", "year"] >= 2005).all()
    assert (cyber.loc[cyber["signal"] == "cyber_cfr", "year"] >= 2010).all()
    disinfo = alerts[alerts["signal"] == "disinfo_cases"]
    first = disinfo["year"] * 100 + disinfo["month"]
    assert (first >= 201611).all()  # a full window after EUvsDisinfo began publishing (2015-11)
    assert not ((disinfo["year"] == 2021) & (disinfo["month"] >= 2)).any()  # partial month
    episodes = backtest.episodes.set_index("iso3")
    assert episodes["flagged"].all(), backtest.episodes.to_string()
    assert backtest.per_year["total"].sum() == len(alerts)


def test_alerts_since_2014_list_reconciled_evidence(service):
    alerts = service.alerts(2014)
    cyber = alerts[alerts["signal"].str.startswith("cyber_")]
    assert len(cyber) > 0
    for row in cyber.itertuples():
        assert row.evidence_total >= row.value  # every counted record is listed
        assert all(row.signal.removeprefix("cyber_") in e["sources"] for e in row.evidence)
