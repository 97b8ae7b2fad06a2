"""The service and the CLI on a warehouse built from the mirror: determinism, the Barometer's
CSV layout, the archive with provenance, explanations, ranking and rescoring."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from stabilis.cli.forecast import app as forecast_app
from stabilis.cli.main import State
from stabilis.errors import NotFoundError, QueryError
from stabilis.forecast.archive import code_hash
from stabilis.forecast.backtest import BAROMETER_COLUMNS, EXTRA_COLUMNS
from stabilis.forecast.design import ForecastConfig
from stabilis.forecast.service import ForecastService

pytestmark = pytest.mark.integration

SMALL = ForecastConfig(n_estimators=20, n_members=2, n_jobs=2)


@pytest.fixture(scope="module")
def service(built, tmp_path_factory):
    return ForecastService(built, SMALL, archive_dir=tmp_path_factory.mktemp("archive"))


def test_backtest_reruns_to_identical_numbers_in_one_process_or_two(service):
    keys = ["electoral_down", "coup_attempt"]
    told: list[tuple[int, int, int]] = []
    a = service.backtest(
        2010, 2012, outcomes=keys, archive=False, progress=lambda *step: told.append(step)
    )
    # each origin once, as it finishes (the largest are handed out first, so not in year order)
    assert [(d, t) for d, t, _ in told] == [(1, 3), (2, 3), (3, 3)]
    assert sorted(origin for *_, origin in told) == [2010, 2011, 2012]
    serial = dataclasses.replace(SMALL, n_jobs=1)
    b = ForecastService(service.ws, serial, archive_dir=service.archive.root).backtest(
        2010, 2012, outcomes=keys, archive=False
    )
    pd.testing.assert_frame_equal(a.forecasts, b.forecasts)
    assert set(a.forecasts["outcome"]) == set(keys)
    # each origin trained only on rows whose targets were observed by then
    space = a.forecasts[a.forecasts["outcome"] == "electoral_down"]
    assert (space["train_last"] == space["origin"] - 3).all()
    coups = a.forecasts[a.forecasts["outcome"] == "coup_attempt"]
    assert (coups["train_last"] == coups["origin"] - 2).all()


def test_backtest_writes_the_barometers_layout_with_intervals(service):
    result = service.backtest(2015, 2015, outcomes=["economic_up", "economic_down",
                                                    "conflict_onset"], archive=False)  # fmt: skip
    tidy = result.barometer()
    assert list(tidy.columns) == BAROMETER_COLUMNS + EXTRA_COLUMNS
    econ = tidy[tidy["outcome"] == "v2x_pubcorr"]
    assert (econ["for_years"] == "2016 - 2017").all()
    np.testing.assert_allclose(econ["p_same"], (1 - econ["p_up"]) * (1 - econ["p_down"]))
    assert (
        (econ["p_up_lower"] <= econ["p_up"] + 1e-12) & (econ["p_up"] <= econ["p_up_upper"] + 1e-12)
    ).all()
    conflict = tidy[tidy["outcome"] == "conflict_onset"]
    assert conflict["p_down"].isna().all() and len(conflict) == len(econ)
    # the bounds rule: no opening forecast where the space is within cp of its maximum
    design = service.design()
    x = design.features.loc[design.years == 2015, "space.v2x_pubcorr"].to_numpy()
    near_top = x > 1 - design.cutpoints["v2x_pubcorr"]
    assert near_top.any()
    assert (
        econ.set_index("gwcode").loc[design.rows["gwcode"][design.years == 2015][near_top], "p_up"]
        == 0
    ).all()
    assert {"n", "roc_auc", "ece"} <= set(result.scores().columns)
    assert {"mean_predicted", "observed_rate", "count"} <= set(result.calibration().columns)


def test_a_live_forecast_sees_no_data_after_its_year(service):
    design = service.design(as_of=2012)
    assert design.years.max() == 2012
    full = service.design()
    # targets the as-of model trains on (rows up to 2009) are the same as with all the data
    keep = design.years <= 2009
    full_rows = full.rows[full.years <= 2009].reset_index(drop=True)
    pd.testing.assert_frame_equal(design.rows[keep].reset_index(drop=True), full_rows)
    for outcome in design.outcomes:
        np.testing.assert_array_equal(
            design.target(outcome)[keep], full.target(outcome)[full.years <= 2009]
        )
    with pytest.raises(QueryError, match="end in"):
        service.run(as_of=2100)


def test_the_hazard_learns_the_year_before_the_origin_as_it_is_known_at_the_origin(service):
    column = "v2xcl_rol_up_next1"
    design = service.design(as_of=2012)
    full = service.design()

    def row_2011(d, name):
        at = d.years == 2011
        return pd.Series(d.targets[name].to_numpy()[at], index=d.rows["iso3"].to_numpy()[at])

    # the row 2011's one-year target (an event in 2012) needs 2013 for rule (c): unknown in 2012
    assert row_2011(design, column).isna().all()
    known = row_2011(design, f"{column}_known")
    later = row_2011(full, f"{column}_known").reindex(known.index)
    # what 2012 shows is the same whatever comes after it ...
    pd.testing.assert_series_equal(known, later)
    decided = known.notna()
    assert decided.mean() > 0.8 and known[decided].sum() > 0
    # ... and where it decides, it is what the full rules gave once 2013 was known
    truth = row_2011(full, column).reindex(known.index)
    pd.testing.assert_series_equal(known[decided], truth[decided])
    assert service.config.hazard_latest_year


def test_the_live_hazard_learns_the_latest_year_the_space_data_show(service, monkeypatch):
    import stabilis.forecast.backtest as backtest
    from stabilis.forecast.models import BoostedForecaster

    learned: list[int] = []
    labels: list[pd.Series] = []
    fit = BoostedForecaster.fit

    def recording(self, X, y, *, years, groups, split=None):
        y, years = np.asarray(y, dtype=float), np.asarray(years)
        learned.append(int(years[~np.isnan(y)].max()))
        labels.append(pd.Series(y[years == years.max()]))
        return fit(self, X, y, years=years, groups=groups, split=split)

    monkeypatch.setattr(BoostedForecaster, "fit", recording)
    design = service.design(as_of=2024)
    assert design.last_year == 2023  # the six space indicators end in 2023 (lagged one year)
    outcome = [o for o in design.outcomes if o.key == "electoral_up"]
    backtest.forecast_origin(design, 2024, service.config, outcome)
    # the two-year model: rows up to 2021 (origin - 3); the hazard: up to 2022, whose target
    # (is 2023 an opening?) the 2023 data themselves show for most countries
    assert learned == [2021, 2022]
    # the two-year model's row 2021 (window 2022-2023) is labelled as 2023 shows it: where only
    # rule (c) could still make 2023 an opening (it reads 2024), the row stays out, not "none"
    code = "v2x_veracc_osp_up"
    rows = design.rows.assign(full=design.targets[f"{code}_next2"],
                              known=design.targets[f"{code}_next2_known"],
                              open_2023=design.targets[f"{code}_next1_known"].isna())  # fmt: skip
    at_2021 = rows[rows["year"] == 2021].set_index("gwcode")
    at_2022 = rows[rows["year"] == 2022].set_index("gwcode")
    expected_out = (at_2021["full"] == 0) & at_2022["open_2023"].reindex(at_2021.index)
    assert expected_out.sum() > 0  # some countries' 2023 is still open
    assert (at_2021["known"].isna() == expected_out).all()
    assert (at_2021["known"].dropna() == at_2021["full"][~expected_out]).all()
    two_year = labels[0].to_numpy()
    assert np.isnan(two_year).sum() == expected_out.sum()
    assert np.nansum(two_year) == at_2021["full"].sum()  # every known event is still learned


def test_run_archives_forecasts_with_provenance_and_score_rescores_them(service):
    result = service.run(as_of=2015, outcomes=["electoral_down", "coup_attempt"])
    entry_id = result.info["archive_id"]
    entry = next(e for e in service.archive.entries() if e.id == entry_id)
    manifest = entry.manifest()
    assert manifest["code_hash"] == code_hash() and manifest["as_of"] == 2015
    assert manifest["config"]["seed"] == SMALL.seed
    assert {s["source"] for s in manifest["snapshots"]} >= {"demspaces", "vdem"}
    assert all(len(s["sha256"]) == 64 for s in manifest["snapshots"])
    assert result.forecasts["factors"].str.count(";").eq(2).all()
    scores = service.score()
    mine = scores[scores["archive_id"] == entry_id]
    # 2015's two-year windows (2016-2017) are realised in the warehouse now
    assert set(mine["direction"]) == {"down", "event"} and (mine["n"] > 100).all()
    curve = service.calibration()
    assert curve["archive_id"].eq(entry_id).all() and list(curve["bin"][:3]) == [0, 1, 2]
    for direction, part in curve.groupby("direction"):
        # every realised forecast falls in exactly one bin, and each bin's mean lies inside it
        assert part["count"].sum() == mine.loc[mine["direction"] == direction, "n"].iloc[0]
        full = part.dropna(subset=["mean_predicted"])
        assert (full["mean_predicted"] >= full["lower"]).all()
        assert (full["mean_predicted"] <= full["upper"]).all()


def test_explain_gives_each_directions_largest_contributions(service):
    frame = service.explain("UKR", "electoral", as_of=2014, top=5)
    assert list(frame["direction"].unique()) == ["opening", "closing"]
    assert len(frame) == 10 and frame["contribution"].abs().gt(0).all()
    with pytest.raises(NotFoundError):
        service.explain("ATA", "electoral")


def test_top_ranks_a_groups_members_by_risk(service):
    result = service.run(as_of=2018, archive=False)
    top = service.top(group="partners", n=5, forecast=result)
    members = set(service.ws.group_members("partners", 2018))
    assert len(top) == 5 and set(top["iso3"]) <= members
    assert top["p"].is_monotonic_decreasing


@pytest.fixture(scope="module")
def cli(built):
    app = typer.Typer()

    @app.callback()
    def main(ctx: typer.Context) -> None:
        ctx.obj = State(built.settings.data_dir, None, None)

    app.add_typer(forecast_app, name="forecast")
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["forecast", *args], catch_exceptions=False)


def test_cli_run_writes_the_csv_and_explain_list_score_answer(cli, tmp_path):
    out = tmp_path / "f.csv"
    done = cli("run", "--as-of", "2016", "--out", str(out), "-o", "electoral_up",
               "-o", "electoral_down")  # fmt: skip
    assert done.exit_code == 0, done.output
    frame = pd.read_csv(out)
    assert list(frame.columns) == [*BAROMETER_COLUMNS, *EXTRA_COLUMNS, "country"]
    assert set(frame.loc[frame["iso3"] == "UKR", "country"]) == {"Ukraine"}
    assert set(frame["outcome"]) == {"v2x_veracc_osp"} and (frame["from_year"] == 2016).all()

    explained = cli("explain", "UKR", "--space", "electoral", "--as-of", "2016", "--json")
    assert explained.exit_code == 0
    assert {r["direction"] for r in json.loads(explained.output)["data"]} == {"opening", "closing"}

    listed = cli("list", "--group", "partners", "--top", "3", "--as-of", "2016",
                 "--outcome", "coup_attempt", "--json")  # fmt: skip
    assert listed.exit_code == 0 and len(json.loads(listed.output)["data"]) == 3

    scored = cli("score", "--json")
    assert scored.exit_code == 0 and json.loads(scored.output)["data"]

    curves = cli("calibration", "--bins", "5")
    assert curves.exit_code == 0 and "Calibration of archive entry" in curves.output
    as_data = json.loads(cli("calibration", "--bins", "5", "--json").output)["data"]
    assert {r["bin"] for r in as_data} <= {0, 1, 2, 3, 4}
    with pytest.raises(QueryError, match="2 to 50 bins"):
        cli("calibration", "--bins", "1")

    checked = cli("targets")
    assert checked.exit_code == 0 and "99.99" in checked.output


def test_cli_backtest_reports_scores_and_writes_the_csv(cli, tmp_path):
    out = tmp_path / "bt.csv"
    done = cli("backtest", "--from", "2012", "--to", "2013", "-o", "governing_down",
               "--no-archive", "--out", str(out))  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "ROC-AUC" in done.output
    # progress, on stderr, as origins finish (in any order: the larger are handed out first)
    assert re.search(r"origin 201[23] done \(1 of 2\)", done.output)
    assert re.search(r"origin 201[23] done \(2 of 2\)", done.output)
    assert sorted(pd.read_csv(out)["from_year"].unique()) == [2012, 2013]
