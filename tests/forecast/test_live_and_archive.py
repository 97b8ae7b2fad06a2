"""The live forecast from the latest data (2024), the partial 2022 window, readable drivers served
from the archive, country names, and the forecasts CSV route (warehouse built from the mirror)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import typer
from fastapi.testclient import TestClient
from tests.contract.test_results_contract import long_form_faults
from typer.testing import CliRunner

from stabilis.api import create_app
from stabilis.cli.forecast import app as forecast_app
from stabilis.cli.main import State
from stabilis.errors import QueryError
from stabilis.forecast.design import ForecastConfig
from stabilis.forecast.service import ForecastService

pytestmark = pytest.mark.integration

SMALL = ForecastConfig(n_estimators=20, n_members=2, n_jobs=1)


@pytest.fixture(scope="module")
def service(built, tmp_path_factory):
    return ForecastService(built, SMALL, archive_dir=tmp_path_factory.mktemp("archive"))


@pytest.fixture(scope="module")
def live(service):
    return service.run(outcomes=["electoral_up", "electoral_down", "coup_attempt"])


def test_the_live_forecast_starts_from_2024_and_carries_older_sources_forward(service, live):
    assert service.live_origin() == 2024 and live.info["as_of"] == 2024
    lagged = {row["source"]: row for row in live.info["lagged"]}
    # the six space indicators (V-Dem v14, to 2023) are lagged one year; FH and V-Dem v15 not
    assert lagged["demspaces"]["last_year"] == 2023 and lagged["demspaces"]["lag_years"] == 1
    assert len(lagged["demspaces"]["indicators"]) == 6
    assert "fh" not in lagged and "vdem.v2x_libdem" not in lagged["vdem"]["indicators"]
    design = service.design(as_of=2024)
    georgia = design.features[(design.rows["iso3"] == "GEO").to_numpy() & (design.years == 2024)]
    assert georgia["vdem.v2x_libdem"].iloc[0] == pytest.approx(0.328)  # Georgia's 2024 fall
    assert georgia["vdem.v2x_libdem.d1"].iloc[0] == pytest.approx(0.328 - 0.454)
    forecasts = live.forecasts
    assert (forecasts.loc[forecasts["iso3"] == "GEO", "country"] == "Georgia").all()
    assert forecasts["drivers"].str.len().gt(0).all()
    manifest = service.archive.entries()[-1].manifest()
    highlevel = next(i for i in manifest["inputs"] if i["snapshot"].startswith("vdem/highlevel"))
    assert highlevel["last_year"] == 2024 and "v15" in highlevel["filename"]
    assert manifest["lagged"] == live.info["lagged"]


def test_the_2022_origin_is_scored_on_its_known_year_and_marked_partial(service):
    result = service.backtest(2022, 2022, outcomes=["electoral_down", "coup_attempt"],
                              archive=False)  # fmt: skip
    down = result.forecasts[result.forecasts["outcome"] == "electoral_down"]
    assert down["realised"].isna().all()  # 2023-2024: the space data end in 2023
    partial = result.partial_scores()
    assert list(partial["window"]) == ["partial: first year only"]
    assert partial["origin"].iloc[0] == "2022" and partial["n"].iloc[0] == len(down)
    assert partial["events"].iloc[0] == down["realised_first_year"].sum()
    # coups are known to 2025, so that window is complete and scored as usual
    assert set(result.scores()["direction"]) == {"event"}
    assert "PARTIAL (first window year only)" in result.summary()
    assert {"member_lower", "member_upper", "interval_scale"} <= set(result.forecasts.columns)
    issued = service.run(as_of=2022, outcomes=["electoral_down"])
    scores = service.score()
    mine = scores[scores["archive_id"] == issued.info["archive_id"]]
    assert list(mine["window"]) == ["partial: first year only"]
    assert mine["n"].iloc[0] == partial["n"].iloc[0]


def test_intervals_are_widened_by_what_past_origins_needed_and_their_coverage_is_shown(service):
    result = service.backtest(2008, 2013, outcomes=["electoral_down", "electoral_up"],
                              archive=True)  # fmt: skip
    frame = result.forecasts
    # widenings learned from origins three or more years earlier (the warm-up origins before
    # 2008 give the first ones theirs; the per-direction rule is tested on simulated truth in
    # test_labels_and_lags.py)
    assert result.info["warmup_origins"] and (frame["interval_scale"] >= 1.0).all()
    assert (frame["lower"] <= frame["member_lower"] + 1e-12).all()
    assert (frame["upper"] >= frame["member_upper"] - 1e-12).all()
    coverage = result.interval_coverage(group_size=50).set_index("direction")
    assert {"pooled", "down", "up"} <= set(coverage.index)
    assert coverage.loc["pooled", "coverage"] >= coverage.loc["pooled", "coverage_zero_width"]
    assert "interval coverage (80 % nominal" in result.summary()
    live = service.run(as_of=2016, outcomes=["electoral_down"], archive=False)
    assert set(live.info["interval"]["scales"]) == {"down"}
    assert live.info["interval"]["scales"]["down"] >= 1.0
    assert "closings" in live.info["interval"]["basis"]
    assert result.info["archive_id"] in live.info["interval"]["basis"]
    # the archive keeps the warm-up origins, so the live run learns from the same realised
    # origins as a backtest of its origin: the same recalibration map, widening and interval
    same = service.backtest(2008, 2016, outcomes=["electoral_down"], archive=False).forecasts
    same = same[same["origin"] == 2016].set_index("iso3")
    mine = live.forecasts.set_index("iso3").loc[same.index]
    for column in ("p_model", "recal_slope", "recal_shift", "interval_scale", "p", "lower",
                   "upper"):  # fmt: skip
        assert mine[column].to_numpy() == pytest.approx(same[column].to_numpy(), abs=1e-9), column


def test_explain_and_list_read_the_archive_without_refitting(service, live, monkeypatch):
    import stabilis.forecast.service as module

    def no_fit(*args, **kwargs):
        raise AssertionError("a model was fitted")

    with monkeypatch.context() as patched:
        patched.setattr(module, "forecast_origin", no_fit)
        frame = service.explain("GEO", "electoral", top=5)
        listed = service.top(group="partners", n=5)
    assert frame["archive_id"].eq(live.info["archive_id"]).all()
    assert {"label", "sentence", "feature", "effect"} <= set(frame.columns)
    assert (frame["country"] == "Georgia").all() and len(frame) == 10
    assert frame["label"].ne(frame["feature"]).all()
    assert listed["as_of"].eq(2024).all() and listed["country"].notna().all()
    refit = service.explain("GEO", "electoral", top=5, refit=True)
    assert refit["archive_id"].isna().all()
    pd.testing.assert_frame_equal(
        refit[["feature", "contribution"]], frame[["feature", "contribution"]], atol=1e-9
    )


def test_the_forecasts_route_answers_csv_with_country_names(built, service, live):
    class WithForecasts:
        def __init__(self) -> None:
            self.forecasts = service

        def __getattr__(self, name):
            return getattr(built, name)

    with TestClient(create_app(WithForecasts())) as client:
        answer = client.get("/api/v1/forecasts?format=csv&iso3=GEO")
        body = client.get("/api/v1/forecasts?iso3=GEO").json()
        bad = client.get("/api/v1/forecasts?format=xls")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.StringIO(answer.text))
    assert set(frame["country"]) == {"Georgia"} and len(frame) == 3
    assert {"drivers", "drivers_text", "lower", "upper"} <= set(frame.columns)
    assert body["data"][0]["country"] == "Georgia" and body["meta"]["origin"] == 2024
    assert bad.status_code == 422 and bad.json()["error"]["details"]["parameter"] == "format"


def test_cli_run_states_the_lags_and_calibration_gives_a_computed_verdict(built):
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(built.settings.data_dir, None, None)

    app.add_typer(forecast_app, name="forecast")
    runner = CliRunner()

    def cli(*args: str):
        return runner.invoke(app, ["forecast", *args], catch_exceptions=False)

    ran = cli("run", "-o", "electoral_up", "-o", "electoral_down")
    assert ran.exit_code == 0, ran.output
    assert "Carried forward to 2024: 6 demspaces indicator(s) ending in 2023" in ran.output
    shown = cli("explain", "GEO", "--space", "electoral")
    assert "Georgia (GEO)" in shown.output and "From archive entry" in shown.output
    assert cli("backtest", "--from", "2012", "--to", "2012", "-o", "electoral_down").exit_code == 0
    curves = cli("calibration", "--bins", "5")
    assert curves.exit_code == 0 and "Well calibrated" not in curves.output
    assert "down: ECE 0." in curves.output and "largest gap in the" in curves.output
    listed = json.loads(cli("list", "--top", "3", "--json").output)["data"]
    assert listed[0]["country"] and listed[0]["as_of"] == 2024
    for release in ("v14", "v15"):
        issued = cli("run", "--as-of", "2023", "-o", "electoral_down", "--vdem-release", release)
        assert issued.exit_code == 0, issued.output
    revised = cli("changes")
    assert revised.exit_code == 0, revised.output
    assert "Revised: vdem vdemlite_v14_1970_2023.csv" in revised.output
    assert "because the data changed" in revised.output and "Targets revised" in revised.output
    scored = cli("score")
    assert "issued with V-Dem high-level v14" in scored.output


def test_whatif_recomputes_the_archived_forecast_with_changed_inputs(service, live):
    scenario = service.whatif("GEO", ["v2x_libdem=+0.3", "nato.ipap=0"])
    assert scenario.archive_id == live.info["archive_id"] and scenario.as_of == 2024
    changes = scenario.changes.set_index("indicator")
    assert changes.loc["vdem.v2x_libdem", "after"] == pytest.approx(0.328 + 0.3)
    assert changes.loc["nato.ipap", "after"] == 0
    outcomes = scenario.outcomes.set_index("outcome")
    assert set(outcomes.index) == {"electoral_up", "electoral_down", "coup_attempt"}
    assert long_form_faults(scenario.tidy(), type(scenario).TIDY_KEYS) == []
    np_close = (outcomes["p_after"] - outcomes["p_before"] - outcomes["change"]).abs().max()
    assert np_close < 1e-12 and (outcomes["change_lower"] <= outcomes["change_upper"]).all()
    georgia = live.forecasts[live.forecasts["iso3"] == "GEO"].set_index("outcome")
    baseline = georgia.loc[outcomes.index, "p"]
    assert (outcomes["p_before"] - baseline).abs().max() < 1e-9  # same models, same inputs
    assert outcomes["change"].abs().max() > 0  # a 0.3 rise in liberal democracy moves something
    moved = set(scenario.drivers["feature"])
    assert moved & {"vdem.v2x_libdem", "vdem.v2x_libdem.d1", "nato.ipap"}
    with pytest.raises(QueryError, match="outside the range the data have ever taken"):
        service.whatif("GEO", ["v2x_jucon=-0.9"])
    with pytest.raises(QueryError, match="not a forecast input"):
        service.whatif("GEO", ["v2x_nonsense=1"])
    with pytest.raises(QueryError, match="CODE=VALUE"):
        service.whatif("GEO", ["v2x_jucon"])


def test_whatif_from_the_api_and_the_form(built, service, live):
    class WithForecasts:
        def __init__(self) -> None:
            self.forecasts = service

        def __getattr__(self, name):
            return getattr(built, name)

    with TestClient(create_app(WithForecasts())) as client:
        body = client.get("/api/v1/forecasts/whatif?iso3=GEO&set=v2x_libdem=%2B0.3").json()
        refused = client.get("/api/v1/forecasts/whatif?iso3=GEO&set=v2x_jucon=-0.9")
        page = client.get("/forecasts/whatif?iso3=GEO&change=v2x_libdem%3D%2B0.3&change=")
        page_refused = client.get("/forecasts/whatif?iso3=GEO&change=v2x_jucon%3D-0.9")
    assert body["meta"]["available"] is True and body["meta"]["as_of"] == 2024
    assert {r["outcome"] for r in body["data"]} == {"electoral_up", "electoral_down",
                                                    "coup_attempt"}  # fmt: skip
    assert body["meta"]["changes"][0]["indicator"] == "vdem.v2x_libdem"
    assert refused.status_code == 422 and "outside the range" in refused.json()["error"]["message"]
    assert page.status_code == 200 and "Liberal democracy (V-Dem)" in page.text
    assert "Coup attempt within 2 years" in page.text
    assert page_refused.status_code == 200 and "outside the range" in page_refused.text


def test_changes_puts_moved_forecasts_on_the_revised_vdem_release(built, tmp_path):
    from stabilis.errors import NotFoundError

    one = {"n_estimators": 20, "n_members": 2, "n_jobs": 1, "outcomes": ("governing_down",)}
    old = ForecastService(built, ForecastConfig(vdem_release="v14", **one), archive_dir=tmp_path)
    new = ForecastService(built, ForecastConfig(**one), archive_dir=tmp_path)
    first = old.run(as_of=2023)
    with pytest.raises(NotFoundError, match="--vdem-release v14"):
        old.changes()  # one run alone: nothing to compare with
    # the v14 run reads the lite snapshot's values: Georgia's 2023 liberal democracy differs
    v14, v15 = old.design(as_of=2023), new.design(as_of=2023)
    at = [(d.rows["iso3"] == "GEO").to_numpy() & (d.years == 2023) for d in (v14, v15)]
    assert v14.features.loc[at[0], "vdem.v2x_libdem"].iloc[0] != pytest.approx(
        v15.features.loc[at[1], "vdem.v2x_libdem"].iloc[0]
    )
    second = new.run(as_of=2023)
    found = new.changes()
    assert (found["old"], found["new"]) == (first.info["archive_id"], second.info["archive_id"])
    assert found["same_code"] and found["same_settings"]
    assert {"vdem.v2x_libdem", "vdem.v2x_polyarchy"} <= set(found["revised"][0]["indicators"])
    assert "because the data changed" in found["verdict"]
    moved = found["forecasts"]
    assert len(moved) > 0 and (moved["change"].abs() >= 0.01).all()
    assert moved["revised_inputs"].str.contains("vdem.v2x_").all()
    assert found["targets"].empty  # the targets' sources have one release in the warehouse
    scores = new.score()
    assert scores["issued_with"].str.startswith("V-Dem high-level v1").all()
    assert set(scores["issued_with"].str[:20]) == {"V-Dem high-level v14", "V-Dem high-level v15"}
