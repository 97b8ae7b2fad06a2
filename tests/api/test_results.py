"""Forecast and impact sections: plain messages without results, rows when they exist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from stabilis.api import create_app


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


class Archive:
    """Like the forecast archive: entries oldest first, each loadable as a long frame."""

    def entries(self) -> list[Entry]:
        return [Entry("1-old", "run"), Entry("2-backtest", "backtest")]

    def load(self, entry_id: str) -> pd.DataFrame:
        assert entry_id == "1-old"
        return pd.DataFrame(
            {
                "outcome": ["associational_down", "associational_up", "coup"],
                "origin": [2023, 2023, 2023],
                "iso3": ["GEO", "GEO", "UKR"],
                "p": [0.3, 0.1, 0.05],
                "lower": [0.2, 0.05, 0.01],
                "upper": [0.4, 0.2, 0.1],
                "factors": ["v2xcs_ccsi -0.40; gdp +0.10", "", "coup history +0.3"],
            }
        )


class Forecasts:
    archive = Archive()


@dataclass
class Path:
    outcome: str = "vdem.v2x_libdem"
    treated: str = "GEO"
    treatment_year: int = 2004


class Part:
    data = Path()
    verdict = "estimate"
    higher_is_better = True

    def tidy(self) -> pd.DataFrame:
        return pd.DataFrame({"year": [2002, 2003, 2004], "treated": [0.3, 0.31, 0.4],
                             "synthetic": [0.3, 0.3, 0.32]})  # fmt: skip


class Result:
    results = (Part(),)

    def summary(self) -> str:
        return "Georgia IPAP [georgia-2004]\nThe estimate is 0.05 (p = 0.3); few donors."

    def tidy(self) -> pd.DataFrame:
        return pd.DataFrame({"outcome": ["vdem.v2x_libdem"], "estimate": [0.05], "p_value": [0.3]})


class Impact:
    def cases(self) -> pd.DataFrame:
        return pd.DataFrame({"id": ["kosovo-1999", "georgia-2004"], "treated": ["XKX", "GEO"]})

    def run_case(self, case: str) -> Result:
        if case == "georgia-2004":
            return Result()
        raise KeyError(f"There is no case '{case}'")


@pytest.fixture(scope="module")
def with_results(built):
    ws = WithServices(built, forecasts=Forecasts(), impact=Impact())
    with TestClient(create_app(ws)) as test_client:
        yield test_client


class WithoutServices(WithServices):
    """The built workspace as an installation without forecast and impact services sees it."""

    def __getattr__(self, name: str) -> Any:
        if name in ("forecasts", "impact"):
            raise AttributeError(name)
        return getattr(self._ws, name)


def test_without_services_the_api_says_results_are_not_available_yet(built):
    with TestClient(create_app(WithoutServices(built))) as client:
        for path in ("/api/v1/forecasts", "/api/v1/forecasts/scores",
                     "/api/v1/forecasts/calibration", "/api/v1/impact/cases"):  # fmt: skip
            body = client.get(path).json()
            assert body["data"] == []
            assert body["meta"]["available"] is False
            assert "not available yet" in body["meta"]["message"]
        case = client.get("/api/v1/impact/cases/kosovo-1999").json()
    assert case["meta"]["available"] is False


def test_forecasts_come_from_the_latest_archived_run_filtered_by_country(with_results):
    body = with_results.get("/api/v1/forecasts").json()
    assert body["meta"]["available"] is True and body["meta"]["archive_id"] == "1-old"
    rows = body["data"]
    assert [(r["space"], r["direction"]) for r in rows] == [
        ("associational", "down"),
        ("associational", "up"),
        ("coup", "event"),
    ]
    assert rows[0]["lower"] == 0.2 and rows[0]["drivers"].startswith("v2xcs_ccsi")
    georgia = with_results.get("/api/v1/forecasts?iso3=geo").json()
    assert {r["iso3"] for r in georgia["data"]} == {"GEO"}
    malta = with_results.get("/api/v1/forecasts?iso3=MLT").json()
    assert malta["meta"]["available"] is False and "MLT" in malta["meta"]["message"]


def test_a_service_without_the_read_method_is_reported_not_crashed(with_results):
    body = with_results.get("/api/v1/forecasts/scores").json()
    assert body["meta"]["available"] is False
    assert "score()" in body["meta"]["message"]


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
    assert body["meta"]["archive_id"] == backtest.meta["archive_id"]
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
    unknown = with_results.get("/api/v1/impact/cases/atlantis").json()
    assert unknown["meta"]["available"] is False and "atlantis" in unknown["meta"]["message"]
    listed = with_results.get("/api/v1/impact/cases?iso3=GEO").json()
    assert [c["case"] for c in listed["data"]] == ["georgia-2004"]


def test_archived_forecasts_missing_required_columns_are_explained(built):
    class Partial:
        class archive:
            @staticmethod
            def entries() -> list[Entry]:
                return [Entry("x", "run")]

            @staticmethod
            def load(entry_id: str) -> pd.DataFrame:
                return pd.DataFrame({"iso3": ["GEO"], "p": [0.2]})

    with TestClient(create_app(WithServices(built, forecasts=Partial()))) as partial:
        body = partial.get("/api/v1/forecasts").json()
    assert body["meta"]["available"] is False
    assert "outcome" in body["meta"]["message"]


def test_a_service_with_an_empty_archive_says_to_run_a_forecast(built):
    class Empty:
        class archive:
            @staticmethod
            def entries() -> list[Entry]:
                return []

    with TestClient(create_app(WithServices(built, forecasts=Empty()))) as empty:
        body = empty.get("/api/v1/forecasts").json()
    assert "stabilis forecast run" in body["meta"]["message"]
