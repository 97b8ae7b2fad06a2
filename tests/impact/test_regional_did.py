"""The not-yet-treated DiD arm of a regional-harm case (simulated data with a known effect)."""

from __future__ import annotations

import numpy as np
import pytest

from stabilis.impact.regional import ARM, regional_did_arm
from stabilis.impact.simulate import staggered_panel


@pytest.fixture(scope="module")
def sim():
    # Simulated: a 2002 cohort (the case's neighbours), a 2010 cohort (a later case's
    # neighbours) and never-treated donors; homogeneous effects 0.02 (e + 1).
    return staggered_panel(seed=6, cohorts=(2002, 2010), heterogeneous=False, n_units=90)


def test_the_arm_recovers_the_cohort_effect_with_later_cases_as_not_yet_treated(sim):
    panel = sim.panel
    first = panel.loc[panel["cohort"] == 2002, "iso3"].unique().tolist()
    later = dict.fromkeys(panel.loc[panel["cohort"] == 2010, "iso3"].unique(), 2010)
    donors = panel.loc[panel["cohort"].isna(), "iso3"].unique().tolist()
    origin = donors.pop()  # stands for the origin: never a comparison
    arm = regional_did_arm(
        panel.drop(columns="cohort"), "y", first, 2002, donors, later, {origin}, n_boot=199
    )
    # the 2002 cohort's true effect averaged over 2002-2015: 0.02 * mean(e + 1), e = 0..13
    truth = 0.02 * np.mean(np.arange(1, 15))
    assert arm.verdict in ("estimate", "weak"), arm.reasons
    assert arm.estimate == pytest.approx(truth, abs=0.02)  # its SE is about 0.006
    assert origin not in arm.controls
    assert set(later) <= set(arm.controls) and arm.not_yet_treated == later
    assert "until 2009" in arm.summary()
    row = arm.tidy_row()
    assert row["arm"] == ARM and row["n_donors"] == len(arm.controls)
    assert arm.verdict_line().startswith(("ESTIMATE: y [not-yet-treated DiD]", "WEAK: y [not"))


def test_later_cases_stop_being_comparisons_when_they_are_treated(sim):
    # If the later cohort's treated years were kept as controls the estimate would be
    # pulled down by their effects; with them removed it is the same as without them after
    # 2009 (checked through the DiD's own count of units per cell).
    panel = sim.panel
    first = panel.loc[panel["cohort"] == 2002, "iso3"].unique().tolist()
    later = dict.fromkeys(panel.loc[panel["cohort"] == 2010, "iso3"].unique(), 2010)
    donors = panel.loc[panel["cohort"].isna(), "iso3"].unique().tolist()
    arm = regional_did_arm(
        panel.drop(columns="cohort"), "y", first, 2002, donors, later, set(), n_boot=99
    )
    cells = arm.result["diagnostics"]
    assert cells["min_post_controls"] == len(donors)  # after 2009 only the never treated remain


def test_an_outcome_without_data_is_not_credible_with_a_reason(sim):
    panel = sim.panel.drop(columns="cohort").assign(y=np.nan)
    arm = regional_did_arm(panel, "y", ["U000"], 2002, ["U100"], {}, set())
    assert arm.verdict == "not_credible" and "no treated country" in arm.reasons[0]
