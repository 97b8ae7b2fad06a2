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
from stabilis.impact.verdict import display
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
    "kosovo-1999-region",
    "libya-2011-region",
    "afghanistan-2001-region",
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


def test_donor_pool_leaves_out_neighbours_unless_the_case_overrides(registry):
    from dataclasses import replace

    spec = load_cases(registry)["georgia-ipap-2004"]
    countries = pd.DataFrame(
        {
            "iso3": ["GEO", "RUS", "TUR", "BLR", "CHE"],
            "region": ["Europe"] * 5,
            "subregion": ["Eastern Europe"] * 5,
            "neighbours": ["ARM;AZE;RUS;TUR", "BLR;GEO", "GEO", "RUS", "AUT"],
            "historical": [False] * 5,
        }
    )
    donors, excluded = donor_pool(spec, registry, countries)
    assert "RUS" not in donors and excluded["RUS"] == "neighbour of GEO (exposed to spill-overs)"
    assert {"BLR", "CHE"} <= set(donors)
    keep = replace(spec, donor_rule=replace(spec.donor_rule, exclude_neighbours=False))
    assert "RUS" in donor_pool(keep, registry, countries)[0]
    named = replace(spec, donor_rule=replace(spec.donor_rule, donors=("TUR", "CHE")))
    assert donor_pool(named, registry, countries) == (["CHE", "TUR"], {})


def test_similarity_rules_keep_donors_like_the_treated_country_and_say_why_not():
    from stabilis.impact.cases import DonorRule, similar_donors

    years = list(range(1990, 2000))
    rows = []
    for iso, regime, level, slope in [
        ("TRT", 1, 0.30, 0.00),
        ("AAA", 1, 0.32, 0.00),
        ("BBB", 0, 0.28, 0.00),
        ("CCC", 3, 0.31, 0.00),  # a liberal democracy: two categories away
        ("DDD", 1, 0.90, 0.00),  # far in level
        ("EEE", 1, 0.30, 0.05),  # diverging trend
        ("FFF", 2, 0.33, 0.00),
    ]:
        rows += [
            {"iso3": iso, "year": y, "vdem.v2x_regime": regime, "y": level + slope * (y - 1990)}
            for y in years
        ]
    panel = pd.DataFrame(rows)
    donors = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    rule = DonorRule(regime_distance=1, level_sd=1.0, trend_sd=1.0)
    kept, why = similar_donors(rule, panel, "y", "TRT", donors, (1990, 1999))
    assert kept == ["AAA", "BBB", "FFF"]
    assert "liberal democracy" in why["CCC"]
    assert "mean" in why["DDD"] and "trend" in why["EEE"]
    from stabilis.impact.cases import grouped

    shown = grouped(why)
    assert "[" not in shown and "DDD 0.9" in shown  # one line per reason, values per country
    assert similar_donors(DonorRule(), panel, "y", "TRT", donors, (1990, 1999)) == (donors, {})


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
    assert all(any("pre-treatment years" in x for x in r.reasons) for r in result.results)
    assert "No estimate" in result.summary()
    payload = result.to_dict()
    assert payload["case"]["treatment"]["year"] == 1999
    json.dumps(payload, default=str)


@pytest.mark.integration
def test_georgia_ipap_runs_inference_on_a_pool_of_similar_non_neighbours(built):
    result = ImpactService(built).run_case("georgia-ipap-2004", outcomes=["vdem.v2x_libdem"])
    (res,) = result.results
    assert res.checks["placebo_in_space"].details["n_placebos"] == len(res.data.donors)
    assert "RUS" in result.excluded and "neighbour" in result.excluded["RUS"]
    # Liberal democracies (the neutrals) are not comparisons for an electoral autocracy.
    assert {"AUT", "CHE", "SWE"} <= set(res.excluded)
    assert "regime type" in res.excluded["AUT"]
    assert not {"AUT", "CHE", "SWE", "RUS"} & set(res.data.donors)
    assert "Rose Revolution" in res.summary()
    assert result.summary().splitlines()[1].startswith(display(res.verdict))


#: Checks whose failure makes a synthetic control not credible (stabilis.impact.verdict).
DISQUALIFYING = ("pre_fit", "one_donor", "w_unique", "v_corner", "placebo_in_time")


@pytest.mark.integration
def test_every_case_gives_a_verdict_consistent_with_its_diagnostics(built):
    service = ImpactService(built)
    for case_id in service.cases()["id"]:
        result = service.run_case(case_id)
        # tidy() is the case table in long form: one row per outcome and arm, the same numbers
        tidy, table = result.tidy(), result.table()
        assert not tidy.duplicated(list(result.TIDY_KEYS)).any(), case_id
        assert tidy["value"].equals(table["estimate"]) and tidy["verdict"].equals(table["verdict"])
        for res in result.results:
            parts = res.results if hasattr(res, "average") else [res]
            for r in parts:
                failed = [n for n in DISQUALIFYING if n in r.checks and r.checks[n].passed is False]
                if r.verdict == "not_credible":
                    assert r.reasons and r.att is None, (case_id, r.data.outcome)
                else:
                    assert not failed, (case_id, r.data.outcome, failed)
                    assert r.att is not None and r.p_value is not None
                    assert len(r.data.donors) >= 5
                if r.verdict == "estimate":
                    assert r.p_value <= 0.10


@pytest.mark.integration
def test_the_cases_of_the_issue_are_not_credible_for_the_reasons_their_diagnostics_give(built):
    service = ImpactService(built)
    libya = {r.data.outcome: r for r in service.run_case("libya-2011").results}
    conflict = libya["ucdp.armed_conflict"]
    assert conflict.verdict == "not_credible"
    assert any("rests on one donor" in r or "not unique" in r for r in conflict.reasons)
    assert libya["vdem.v2x_polyarchy"].verdict == "not_credible"
    afg = {r.data.outcome: r for r in service.run_case("afghanistan-2003").results}
    assert afg["ucdp.armed_conflict"].verdict == "not_credible"
    pfp = service.did("pfp", "vdem.v2x_libdem", n_boot=199)
    assert pfp.verdict == "not_credible"
    assert any("control unit" in r for r in pfp.reasons)


@pytest.mark.integration
def test_regional_cases_treat_the_neighbours_and_keep_the_region_out_of_the_donors(built):
    service = ImpactService(built)
    spec = service.case("libya-2011-region")
    assert spec.design == "regional" and spec.origin == "LBY"
    assert set(spec.treated) == {"DZA", "TCD", "EGY", "NER", "SDN", "TUN"}
    result = service.run_case("libya-2011-region", outcomes=["ucdp.armed_conflict"])
    assert "LBY" in result.excluded and "LBY" not in result.donors
    # Neighbours of the treated neighbours (Mali borders Algeria and Niger) are exposed too.
    assert "MLI" in result.excluded and "neighbour" in result.excluded["MLI"]
    (pooled,) = result.results
    assert {r.data.treated for r in pooled.results} == set(spec.treated)
    assert "regional design" in pooled.results[0].caveats[0]
    assert service.case("afghanistan-2001-region").treatment_year == 2001


@pytest.mark.integration
def test_staggered_ipap_study_states_its_control_rule(built):
    result = ImpactService(built).did("ipap", "vdem.v2x_libdem", n_boot=199)
    assert "not-yet-treated" in result.summary()
    assert result.cohorts["units"].sum() >= 5


def test_unknown_case_is_a_not_found_error(built):
    with pytest.raises(NotFoundError, match="impact list"):
        ImpactService(built).run_case("atlantis-2099")
