"""Country sections read changing services defensively but honestly: nothing invented.

The unit tests give the section functions stand-in services (a missing service, one that fails,
one with a result) and check each says what it has; the integration tests read the real
warehouse built from the mirror.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from stabilis.errors import NotFoundError
from stabilis.report import country


class _Archive:
    def __init__(self, frame: pd.DataFrame | None = None, fail: bool = False) -> None:
        self.frame, self.fail = frame, fail

    def entries(self) -> list[object]:
        if self.fail:
            raise OSError("disk gone")
        return [SimpleNamespace(id="run-1", kind="run")] if self.frame is not None else []

    def load(self, entry_id: str) -> pd.DataFrame:
        assert self.frame is not None
        return self.frame


def _forecasts(**columns: object) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "outcome": ["electoral_down", "coup_attempt"],
            "origin": 2023,
            "iso3": "UKR",
            "p": [0.09, 0.006],
            "lower": [0.07, 0.003],
            "upper": [0.12, 0.008],
            "factors": ["vdem.v2elintim +0.26; econ.infmort_yearadj +0.20", "hist.coups -0.40"],
            **columns,
        }
    )


def test_a_missing_forecasting_service_is_said_not_invented():
    found = country.forecasts(SimpleNamespace(), "UKR")
    assert not found.available and found.rows == []
    assert "no forecasting service" in found.message


def test_an_empty_archive_says_how_to_issue_forecasts():
    ws = SimpleNamespace(forecasts=SimpleNamespace(archive=_Archive()))
    assert "stabilis forecast run" in country.forecasts(ws, "UKR").message


def test_an_unreadable_archive_says_so():
    ws = SimpleNamespace(forecasts=SimpleNamespace(archive=_Archive(fail=True)))
    found = country.forecasts(ws, "UKR")
    assert not found.available and "disk gone" in found.message


def test_a_country_the_forecasts_do_not_cover_is_said_so():
    ws = SimpleNamespace(forecasts=SimpleNamespace(archive=_Archive(_forecasts())))
    found = country.forecasts(ws, "MLT")
    assert not found.available and "no row for MLT" in found.message


def test_forecasts_are_sorted_with_drivers_from_the_codes():
    ws = SimpleNamespace(forecasts=SimpleNamespace(archive=_Archive(_forecasts())))
    found = country.forecasts(ws, "UKR")
    assert found.available
    assert [r["what"] for r in found.rows] == ["electoral space: closing", "coup attempt"]
    assert found.rows[0]["drivers"] == ["vdem.v2elintim (+0.26)", "econ.infmort_yearadj (+0.20)"]
    assert "the highest is electoral space: closing at 0.09" in found.message


def test_drivers_use_labels_and_sentences_when_the_service_has_them():
    labels = {"vdem.v2elintim": "Election intimidation"}
    service = SimpleNamespace(archive=_Archive(_forecasts()), feature_label=labels.get)
    found = country.forecasts(SimpleNamespace(forecasts=service), "UKR")
    assert found.rows[0]["drivers"][0] == "Election intimidation (+0.26)"
    assert found.rows[0]["drivers"][1] == "econ.infmort_yearadj (+0.20)"  # no label: the code
    sentences = _forecasts(factor_sentences=["Intimidation rose; mortality fell", "None"])
    service = SimpleNamespace(archive=_Archive(sentences))
    found = country.forecasts(SimpleNamespace(forecasts=service), "UKR")
    assert found.rows[0]["drivers"] == ["Intimidation rose", "mortality fell"]


def test_impact_without_a_case_about_the_country_says_so():
    cases = pd.DataFrame({"id": ["georgia-ipap-2004"], "title": ["Georgia"], "treated": [["GEO"]]})
    ws = SimpleNamespace(impact=SimpleNamespace(cases=lambda: cases))
    found = country.impact(ws, "UKR")
    assert not found.available and "No pre-registered impact case concerns UKR" in found.message


def test_an_impact_run_that_fails_is_reported_in_its_row():
    cases = pd.DataFrame({"id": ["c1"], "title": ["Case"], "treated": [["UKR"]], "year": [2016]})

    def run_case(case: str) -> object:
        raise RuntimeError("solver diverged")

    ws = SimpleNamespace(impact=SimpleNamespace(cases=lambda: cases, run_case=run_case))
    found = country.impact(ws, "UKR")
    assert found.rows[0]["note"] == "the run failed: solver diverged"
    assert "0 of 1 outcome estimates" in found.message


def test_a_section_that_crashes_becomes_a_message_not_a_missing_brief():
    def broken() -> country.Section:
        raise KeyError("score_year")

    found = country._guarded("resilience", broken)
    assert not found.available and "could not be computed (KeyError" in found.message


def test_missing_threat_and_track_record_services_are_said():
    ws = SimpleNamespace()
    assert "no threat service" in country.threats(ws, "UKR", 2024).message
    assert "keeps no scores" in country.forecast_record(ws).message


@pytest.mark.integration
def test_ukraines_sections_on_the_real_warehouse(built):
    report = country.country_report(built, "ukr", 2024)
    s = report.sections
    assert report.country["name"] == "Ukraine"
    polyarchy = next(r for r in s["headline"].rows if r["indicator"] == "vdem.v2x_polyarchy")
    assert (
        polyarchy["year"] == 2024 and polyarchy["lower"] < polyarchy["value"] < polyarchy["upper"]
    )
    assert "autocratization episode began in 2022" in s["regime"].message
    assert s["registry"].message.startswith("Partner in 2024 through EAPC, PFP")
    runs = [e for e in built.forecasts.archive.entries() if e.kind == "run"]
    assert s["forecasts"].available == bool(runs)  # other tests of the session may issue some
    if runs:
        ps = [r["p"] for r in s["forecasts"].rows]
        assert ps and ps == sorted(ps, reverse=True) and all(0 <= v <= 1 for v in ps)
    assert s["threats"].available and "state cyber operations" in s["threats"].message
    assert s["support"].available and s["support"].rows[0]["iso3"] == "UKR"
    assert len(s["resilience"].rows) == 7
    unmeasured = [r for r in s["resilience"].rows if r["score"] is None]
    assert all(r["status"] == "not measured" and r["why_not"] for r in unmeasured)
    assert s["resilience"].data_year is not None and str(s["resilience"].data_year) in (
        s["resilience"].message
    )
    names = report.provenance.names()
    assert {"vdem", "wgi", "freedom_house", "cyber", "registry", "reference"} <= set(names)
    assert all(e.get("sha256") for e in report.provenance.sources)


@pytest.mark.integration
def test_a_country_dcid_does_not_code_has_no_cyber_count_not_zero(built):
    found = country.threats(built, "HUN", 2024)
    assert "DCID does not cover HUN" in found.message
    assert all(r["cyber_operations"] is None for r in found.rows)
    assert any(r["disinfo_cases"] for r in found.rows)  # EUvsDisinfo still counts


def test_without_an_alliance_service_support_and_resilience_say_so():
    support = country.support(SimpleNamespace(), "UKR", 2019)
    assert not support.available and "no support audit" in support.message
    resilience = country.resilience(SimpleNamespace(), "UKR", 2019)
    assert not resilience.available and "no resilience scorecard" in resilience.message


@pytest.mark.integration
def test_members_are_not_ranked_by_the_partner_support_audit(built):
    found = country.support(built, "HUN", 2024)
    assert not found.available and "HUN is not in the 2024 support audit" in found.message


@pytest.mark.integration
def test_an_unknown_country_is_refused_with_close_codes(built):
    with pytest.raises(NotFoundError, match="There is no country 'GOE'"):
        country.country_report(built, "GOE")
    with pytest.raises(NotFoundError, match="no section 'weather'"):
        country.section(built, "weather", "UKR")


def test_impact_findings_say_how_many_estimates_are_distinguishable_from_placebos():
    cases = pd.DataFrame(
        {"case": ["c1"], "title": ["Case"], "treated": ["SRB XKX"], "year": [1999]}
    )

    def part(outcome: str, verdict: str, p: float | None) -> SimpleNamespace:
        info = {"outcome": outcome, "verdict": verdict, "estimate": 0.1 if p else None,
                "interval": None, "p_value": p, "reasons": [] if p else ["poor pre-fit"]}  # fmt: skip
        return SimpleNamespace(to_dict=lambda: info)

    result = SimpleNamespace(results=[part("a", "estimate", 0.05), part("b", "estimate", 0.4),
                                      part("c", "not_credible", None)])  # fmt: skip
    ws = SimpleNamespace(impact=SimpleNamespace(cases=lambda: cases, result=lambda case: result))
    found = country.impact(ws, "XKX")
    assert found.message == (
        "1 case study concerns XKX; 2 of 3 outcome estimates pass their credibility checks, "
        "1 of them distinguishable from the placebo countries at 10%."
    )
    assert found.rows[2]["reasons"] == ["poor pre-fit"]


def test_a_brief_as_of_an_earlier_year_does_not_print_later_forecasts():
    archive = _Archive(_forecasts())
    archive.entries = lambda: [SimpleNamespace(id="run-2023", kind="run", as_of=2023)]  # type: ignore[method-assign]
    ws = SimpleNamespace(forecasts=SimpleNamespace(archive=archive))
    assert country.forecasts(ws, "UKR", 2024).available
    found = country.forecasts(ws, "UKR", 2020)
    assert not found.available and "stabilis forecast run --as-of 2020" in found.message


@pytest.mark.integration
def test_registry_section_shows_status_in_the_year_asked_and_flags_unverified_rows(built):
    russia_2010 = {r["label"]: r for r in country.registry_record(built, "RUS", 2010).rows}
    assert russia_2010["Partnership for Peace"]["status"] == "active in 2010"
    moldova = country.registry_record(built, "MDA", 2024).rows
    unverified = [r for r in moldova if r["unverified"]]
    assert unverified, "the registry marks Building Integrity in Moldova as unverified"
    assert all(r["provenance"] for r in moldova)


@pytest.mark.integration
def test_elections_section_lists_georgias_scored_elections(built):
    s = country.elections(built, "GEO", 2024)
    assert s.available and "scored by the Electoral Integrity Project" in s.message
    scored = [r for r in s.rows if r.get("pei_index") is not None]
    assert scored and all(0 <= r["pei_index"] <= 100 for r in scored)
    keys = [(r.get("date"), r.get("year"), r.get("office")) for r in s.rows]
    assert len(keys) == len(set(keys))
