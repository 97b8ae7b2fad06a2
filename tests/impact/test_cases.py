"""Pre-registered cases: built from the registry, checked on load, run end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from stabilis.errors import NotFoundError, RegistryError
from stabilis.impact.cases import CASES_FILE, donor_pool, load_cases
from stabilis.impact.outcomes import conflict_outcomes
from stabilis.impact.service import ImpactService
from stabilis.impact.treatments import cohort_frame, cohorts
from stabilis.registry import load_registry

REQUIRED = {
    "bosnia-1995",
    "kosovo-1999",
    "afghanistan-2003",
    "north-macedonia-map-1999",
    "north-macedonia-membership-2020",
    "georgia-ipap-2004",
    "georgia-sngp-2014",
    "ukraine-cap-2016",
    "enlargement-2004",
}


@pytest.fixture(scope="module")
def registry():
    return load_registry()


def test_cases_file_holds_the_required_cases_and_three_more(registry):
    cases = load_cases(registry)
    assert set(cases) >= REQUIRED
    assert len(set(cases) - REQUIRED) >= 3
    assert cases["kosovo-1999"].treatment_year == 1999
    assert cases["georgia-sngp-2014"].treatment_year == 2014
    assert cases["north-macedonia-membership-2020"].treatment_year == 2020


def test_a_case_whose_year_disagrees_with_the_registry_fails_to_load(registry, tmp_path: Path):
    raw = json.loads(CASES_FILE.read_text())
    raw["cases"][1]["treatment"]["expected_year"] = 1998
    bad = tmp_path / "cases.json"
    bad.write_text(json.dumps(raw))
    with pytest.raises(RegistryError, match=r"kosovo-1999.*1998"):
        load_cases(registry, bad)


def test_donor_pool_leaves_out_members_operation_hosts_and_programme_countries(registry):
    cases = load_cases(registry)
    countries = pd.DataFrame(
        {
            "iso3": ["MKD", "ALB", "POL", "BIH", "MDA", "AUT", "XKX"],
            "region": ["Europe"] * 7,
            "subregion": ["Southeast Europe"] * 7,
            "historical": [False] * 7,
        }
    )
    donors, excluded = donor_pool(cases["north-macedonia-map-1999"], registry, countries)
    assert "MKD" not in donors  # the treated country
    assert excluded["POL"].startswith("NATO member")
    assert "operation" in excluded["BIH"]  # SFOR host
    assert "MAP" in excluded["ALB"]
    assert {"MDA", "AUT"} <= set(donors)


def test_treatment_cohorts_come_from_the_registry(registry):
    ipap = cohorts(registry, "ipap")
    assert ipap["GEO"] == 2004 and ipap["UKR"] == 2002
    assert "UKR" not in cohorts(registry, "map").index  # "requested, not granted" is no MAP
    countries = pd.DataFrame(
        {
            "iso3": ["AUT", "GEO"],
            "region": ["Europe", "Asia"],
            "subregion": ["Western Europe", "Western Asia"],
            "historical": [False, False],
        }
    )
    frame = cohort_frame(registry, "pfp", countries)
    assert frame.set_index("iso3").loc["GEO", "cohort"] == 1994


def test_conflict_outcomes_mark_conflict_years_and_zeros_elsewhere():
    conflicts = pd.DataFrame(
        {"iso3": ["AAA", "AAA", "BBB"], "year": [2000, 2000, 2001], "intensity_level": [1, 2, 1]}
    )
    years = pd.DataFrame({"iso3": ["AAA", "AAA", "BBB", "BBB"], "year": [2000, 2001, 2001, 2005]})
    out = conflict_outcomes(conflicts, years).set_index(["iso3", "year"])
    assert out.loc[("AAA", 2000), "ucdp.conflict_intensity"] == 2
    assert out.loc[("AAA", 2001), "ucdp.armed_conflict"] == 0
    assert pd.isna(out.loc[("BBB", 2005), "ucdp.armed_conflict"])  # after the data end


@pytest.mark.integration
def test_kosovo_says_why_there_is_no_estimate(built):
    result = ImpactService(built).run_case("kosovo-1999")
    assert {r.verdict for r in result.results} == {"not_credible"}
    assert all("pre-treatment years" in r.reasons[0] for r in result.results)
    assert "No estimate" in result.summary()
    payload = result.to_dict()
    assert payload["case"]["treatment"]["year"] == 1999
    json.dumps(payload, default=str)


@pytest.mark.integration
def test_georgia_ipap_gives_estimates_with_inference(built):
    result = ImpactService(built).run_case("georgia-ipap-2004", outcomes=["vdem.v2x_libdem"])
    (res,) = result.results
    assert res.verdict == "estimate"
    assert 0 < res.p_value <= 1
    assert res.checks["placebo_in_space"].details["n_placebos"] == len(res.data.donors)
    assert "Rose Revolution" in res.summary()


@pytest.mark.integration
def test_every_case_runs_and_gives_an_estimate_or_a_reason(built):
    service = ImpactService(built)
    for case_id in service.cases()["id"]:
        table = service.run_case(case_id).tidy()
        for _, row in table.iterrows():
            if row["verdict"] == "estimate":
                assert pd.notna(row["estimate"]) and pd.notna(row["p_value"]), (case_id, row)
            else:
                assert row["reason"], (case_id, row)


@pytest.mark.integration
def test_staggered_ipap_study_states_its_control_rule(built):
    result = ImpactService(built).did("ipap", "vdem.v2x_libdem", n_boot=199)
    assert "not-yet-treated" in result.summary()
    assert result.cohorts["units"].sum() >= 5


def test_unknown_case_is_a_not_found_error(built):
    with pytest.raises(NotFoundError, match="impact list"):
        ImpactService(built).run_case("atlantis-2099")
