"""Forecast and impact sections: plain messages without results, rows when they exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app
from stabilis.errors import NotFoundError


class WithServices:
    """The built workspace plus stand-in result services (the real ones are built elsewhere)."""

    def __init__(self, ws: Any, **services: Any) -> None:
        self._ws = ws
        self.__dict__.update(services)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)


@dataclass
class Entry:
    id: str
    kind: str
    as_of: int = 2023


class Archive:
    """Like the forecast archive: entries oldest first, each loadable as a long frame."""

    def entries(self) -> list[Entry]:
        return [Entry("1-old", "run"), Entry("2-backtest", "backtest")]

    def load(self, entry_id: str) -> pd.DataFrame:
        assert entry_id == "1-old"
        return pd.DataFrame(
            {
                "outcome": ["associational_down", "associational_up", "coup_attempt"],
                "origin": [2023, 2023, 2023],
                "iso3": ["GEO", "GEO", "UKR"],
                "p": [0.3, 0.1, 0.05],
                "lower": [0.2, 0.05, 0.01],
                "upper": [0.4, 0.2, 0.1],
                "factors": ["v2xcs_ccsi -0.40; gdp +0.10", "", "coup history +0.3"],
            }
        )


class Forecasts:
    """The archive part of the real ForecastService (what the watch list reads)."""

    archive = Archive()


@dataclass
class Path:
    outcome: str = "vdem.v2x_libdem"
    treated: str = "GEO"
    treatment_year: int = 2004


class Part:
    data = Path()
    verdict = "estimate"
    reasons: tuple[str, ...] = ()
    higher_is_better = True

    def placebo_band(self) -> None:
        return None

    def path(self) -> pd.DataFrame:
        return pd.DataFrame({"year": [2002, 2003, 2004], "treated": [0.3, 0.31, 0.4],
                             "synthetic": [0.3, 0.3, 0.32]})  # fmt: skip


class Result:
    results = (Part(),)

    def verdicts(self) -> list[str]:
        return ["ESTIMATE: +0.05"]

    def summary(self) -> str:
        return "Georgia IPAP [georgia-2004]\nThe estimate is 0.05 (p = 0.3); few donors."

    def table(self) -> pd.DataFrame:
        return pd.DataFrame({"outcome": ["vdem.v2x_libdem"], "estimate": [0.05], "p_value": [0.3]})


class Impact:
    """The methods of the real ImpactService that the impact routes call."""

    def cases(self) -> pd.DataFrame:
        return pd.DataFrame({"id": ["kosovo-1999", "georgia-2004"], "title": ["K", "G"],
                             "treated": ["XKX", "GEO"]})  # fmt: skip

    def case(self, case_id: str) -> str:
        if case_id not in ("kosovo-1999", "georgia-2004"):
            raise NotFoundError(f"There is no case '{case_id}'. List them with 'stabilis impact "
                                "list'.")  # fmt: skip
        return case_id

    def headlines(self) -> pd.DataFrame:
        return pd.DataFrame({"case": ["kosovo-1999", "georgia-2004"], "outcome": ["x", "y"],
                             "treated": ["XKX", "GEO"], "verdict": ["not run", "estimate"],
                             "estimate": [None, 0.05], "lower": [None, 0.0],
                             "upper": [None, 0.1], "p_value": [None, 0.3]})  # fmt: skip

    def stored_state(self) -> list[str]:
        return []

    def run_case(self, case: str) -> Result:
        self.case(case)
        return Result()


@pytest.fixture(scope="module")
def with_results(built):
    ws = WithServices(built, forecasts=Forecasts(), impact=Impact())
    with TestClient(create_app(ws)) as test_client:
        yield test_client


def test_forecasts_come_from_the_latest_archived_run_filtered_by_country(with_results):
    body = with_results.get("/api/v1/forecasts").json()
    assert body["meta"]["available"] is True and body["meta"]["archive_id"] == "1-old"
    rows = body["data"]
    assert [(r["space"], r["direction"]) for r in rows] == [
        ("associational", "down"),
        ("associational", "up"),
        ("coup_attempt", "event"),
    ]
    assert rows[0]["lower"] == 0.2 and rows[0]["drivers"].startswith("v2xcs_ccsi")
    georgia = with_results.get("/api/v1/forecasts?iso3=geo").json()
    assert {r["iso3"] for r in georgia["data"]} == {"GEO"}
    malta = with_results.get("/api/v1/forecasts?iso3=MLT").json()  # a country, not forecast
    assert malta["data"] == [] and malta["meta"]["available"] is True
    assert "concerns MLT" in malta["meta"]["message"]
    unknown = with_results.get("/api/v1/forecasts?iso3=ZZZ")
    assert unknown.status_code == 422 and unknown.json()["error"]["details"]["parameter"] == "iso3"


def test_forecasts_of_a_group_are_its_members_in_the_origin_year(with_results, built):
    partners = with_results.get("/api/v1/forecasts?group=partners").json()
    assert {r["iso3"] for r in partners["data"]} == {"GEO", "UKR"}  # both partners in 2023
    nato = with_results.get("/api/v1/forecasts?group=nato").json()
    assert nato["data"] == [] and nato["meta"]["group"] == "nato"
    assert set(built.group_members("partners", 2023)) >= {"GEO", "UKR"}


def test_calibration_curves_come_from_archived_forecasts_whose_outcome_is_known(built, tmp_path):
    from stabilis.forecast.design import ForecastConfig
    from stabilis.forecast.service import ForecastService

    config = ForecastConfig(n_estimators=20, n_members=2, n_jobs=1)
    service = ForecastService(built, config, archive_dir=tmp_path)
    with TestClient(create_app(WithServices(built, forecasts=service))) as client:
        empty = client.get("/api/v1/forecasts/calibration").json()
        backtest = service.backtest(2012, 2013, outcomes=["electoral_down", "coup_attempt"])
        service.run(as_of=2015, outcomes=["coup_attempt"])  # newer, fewer realised forecasts
        body = client.get("/api/v1/forecasts/calibration").json()
    assert empty["meta"]["available"] is False
    assert "stabilis forecast backtest" in empty["meta"]["message"]
    assert body["meta"]["available"] is True and body["meta"]["kind"] == "backtest"
    assert body["meta"]["archive_id"] == backtest.info["archive_id"]
    rows = pd.DataFrame(body["data"])
    assert set(rows["direction"]) == {"down", "event"} and len(rows) == 20
    known = backtest.forecasts.dropna(subset=["realised"])
    assert rows["count"].sum() == len(known)  # every forecast with a known outcome, once
    down = rows[rows["direction"] == "down"].dropna(subset=["observed_rate"])
    events = (down["observed_rate"] * down["count"]).sum()
    assert round(events) == known.loc[known["outcome"] == "electoral_down", "realised"].sum()


def test_impact_case_result_has_summary_paths_and_estimates(with_results):
    done = with_results.get("/api/v1/impact/cases/georgia-2004").json()
    assert done["meta"]["available"] is True
    assert "few donors" in done["meta"]["summary"]
    assert done["data"] == [{"outcome": "vdem.v2x_libdem", "estimate": 0.05, "p_value": 0.3}]
    path = done["meta"]["paths"][0]
    assert path["treatment_year"] == 2004 and len(path["points"]) == 3
    unknown = with_results.get("/api/v1/impact/cases/atlantis")
    assert unknown.status_code == 404
    assert "There is no case 'atlantis'" in unknown.json()["error"]["message"]
    listed = with_results.get("/api/v1/impact/cases?iso3=GEO").json()
    assert [c["case"] for c in listed["data"]] == ["georgia-2004"]


def test_a_service_with_an_empty_archive_says_to_run_a_forecast(built):
    class Empty:
        class archive:
            @staticmethod
            def entries() -> list[Entry]:
                return []

    with TestClient(create_app(WithServices(built, forecasts=Empty()))) as empty:
        body = empty.get("/api/v1/forecasts").json()
        download = empty.get("/api/v1/forecasts?format=csv")
    assert "stabilis forecast run" in body["meta"]["message"]
    # The download is refused plainly (the session's own archive may hold runs, so this uses an
    # empty one: the check must not depend on which tests ran first on this worker).
    assert download.status_code == 404
    assert "No forecasts to download" in download.json()["error"]["message"]


def test_a_failing_service_answers_500_in_the_error_shape_and_is_logged(built, caplog):
    class Broken(Forecasts):
        def score(self) -> pd.DataFrame:
            raise RuntimeError("the archive disk is on fire")

    app = create_app(WithServices(built, forecasts=Broken()), cache_size=0)
    with TestClient(app, raise_server_exceptions=False) as broken, caplog.at_level("ERROR"):
        response = broken.get("/api/v1/forecasts/scores")
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "stabilis_error" and error["details"] == {}
    assert "unexpected error" in error["message"] and "server log" in error["message"]
    assert "fire" not in response.text  # the traceback stays in the log
    logged = [r for r in caplog.records if r.name == "stabilis.api"]
    assert logged and "the archive disk is on fire" in str(logged[0].exc_info[1])


def test_an_unknown_impact_case_is_a_404_naming_it(client):
    response = client.get("/api/v1/impact/cases/NOPE")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert "There is no case 'NOPE'" in error["message"] and "impact list" in error["message"]
