"""Pooled synthetic control: one fit to the treated units' average recovers a known effect
(simulated data with a stated truth) and is selectable in a case file (``design = "pooled"``)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from stabilis.errors import QueryError
from stabilis.impact import synth
from stabilis.impact.pooling import pooled_id, pooled_panel
from stabilis.impact.simulate import multi_treated_panel

TREATED = ["T01", "T02", "T03"]


def test_pooled_panel_averages_the_treated_units_year_by_year_without_touching_the_input():
    panel = pd.DataFrame(
        {
            "iso3": ["A", "A", "B", "B", "C", "C"],
            "year": [2000, 2001] * 3,
            "y": [1.0, 2.0, 3.0, np.nan, 5.0, 6.0],
        }
    )
    before = panel.copy()
    pooled = pooled_panel(panel, ["B", "A"]).set_index(["iso3", "year"])["y"]
    pd.testing.assert_frame_equal(panel, before)
    assert pooled_id(["B", "A"]) == "A+B"
    assert pooled[("A+B", 2000)] == 2.0
    assert np.isnan(pooled[("A+B", 2001)])  # B is missing: the average would change members
    assert pooled[("C", 2001)] == 6.0 and ("A", 2000) not in pooled.index
    with pytest.raises(QueryError, match="at least two"):
        pooled_panel(panel, ["A"])
    with pytest.raises(QueryError, match="ZZZ is not in the panel"):
        pooled_panel(panel, ["A", "ZZZ"])


def test_pooled_synthetic_control_recovers_a_known_average_effect():
    # Simulated: three treated units, each a convex mix of three donors, effect 0.1 each;
    # noise 0.02 a year. The fit also matches pre-period noise, so each panel's post-period
    # gap is off by up to about 0.03 (measured over these eight: -0.021 to +0.031).
    # Tolerance: within 0.04 in each panel, within 0.015 on average over the eight.
    gaps = []
    for seed in range(8):
        panel = pooled_panel(multi_treated_panel(seed=seed, effect=0.1), TREATED)
        donors = [u for u in panel["iso3"].unique() if u.startswith("D")]
        result = synth(
            panel,
            outcome="y",
            treated=pooled_id(TREATED),
            treatment_year=2000,
            donors=donors,
            inference=False,
        )
        gap = float(np.mean(result.gaps[~result.data.pre_mask]))
        assert gap == pytest.approx(0.1, abs=0.04)
        gaps.append(gap)
    assert np.mean(gaps) == pytest.approx(0.1, abs=0.015)


CASE = """
id = "sim-pooled"
title = "Three simulated treated units, pooled (2000)"
treated = ["T01", "T02", "T03"]
outcomes = ["y"]
first_pre_year = 1980
post_years = 11
design = "pooled"

[treatment]
kind = "custom"
year = 2000
"""


def test_a_pooled_case_file_runs_one_synthetic_control_for_the_group(cli, tmp_path):
    panel = multi_treated_panel(seed=1, effect=0.1)
    path = tmp_path / "panel.csv"
    panel.rename(columns={"iso3": "unit"}).to_csv(path, index=False)
    case = tmp_path / "pooled.toml"
    case.write_text(CASE)
    runner = CliRunner()
    assert runner.invoke(cli, ["impact", "register", str(case)]).exit_code == 0
    ran = runner.invoke(
        cli, ["impact", "run", str(case), "--panel", str(path), "--unit", "unit", "--json"]
    )
    assert ran.exit_code == 0, ran.output
    (result,) = json.loads(ran.output)["data"]["results"]
    assert result["treated"] == "T01+T02+T03"
    assert result["verdict"] == "estimate", result["reasons"]
    assert result["estimate"] == pytest.approx(0.1, abs=0.03)
    assert not any(d.startswith("T") for d in result["weights"])
    text = runner.invoke(cli, ["impact", "run", str(case), "--panel", str(path), "--unit", "unit"])
    assert "pooled design: one synthetic control fitted to the year-by-year average" in text.output


def test_a_pooled_case_needs_two_treated_units(cli, tmp_path):
    case = tmp_path / "one.toml"
    case.write_text(CASE.replace('["T01", "T02", "T03"]', '["T01"]'))
    out = CliRunner().invoke(cli, ["impact", "register", str(case)])
    assert out.exit_code != 0
    assert "a pooled design needs at least two treated units" in str(out.exception) + out.output
