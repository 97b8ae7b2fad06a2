"""Callaway & Sant'Anna: our implementation against the `differences` package."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from stabilis.impact import did
from stabilis.impact.service import ImpactService
from stabilis.impact.simulate import staggered_panel


def _differences_event(panel: pd.DataFrame, outcome: str) -> pd.DataFrame:
    # `differences` 0.3.0 uses pandas' deprecated inplace keyword: silence its warnings only.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from differences import ATTgt

        frame = panel.copy()
        frame["uid"] = pd.factorize(frame["iso3"])[0]
        frame = frame.set_index(["uid", "year"])[[outcome, "cohort"]]
        att = ATTgt(data=frame, cohort_column="cohort")
        att.fit(formula=outcome, control_group="not_yet_treated", progress_bar=False)
        event = att.aggregate("event")
    event.columns = ["att", "se", "lower", "upper", "zero_not_in_band"]
    return event


def _compare(ours, theirs: pd.DataFrame, bootstrap: bool = True) -> None:
    mine = ours.event.set_index("event_time")
    common = mine.index.intersection(theirs.index)
    assert len(common) >= 5
    np.testing.assert_allclose(mine.loc[common, "att"], theirs.loc[common, "att"], atol=1e-8)
    # Same influence functions: analytic standard errors agree closely ...
    analytic = mine.loc[common, "se_analytic"] / theirs.loc[common, "se"]
    assert analytic.between(0.97, 1.03).all(), analytic
    # ... and so do our bootstrap ones when many units are treated (with one or two treated
    # countries per cell, as on the real IPAP panel, the multiplier bootstrap is not normal).
    if bootstrap:
        ratio = mine.loc[common, "se"] / theirs.loc[common, "se"]
        assert ratio.between(0.8, 1.25).all(), ratio


def test_event_study_matches_differences_on_a_simulated_panel():
    panel = staggered_panel(seed=2).panel
    ours = did(panel, outcome="y", n_boot=999)
    theirs = _differences_event(panel, "y")
    _compare(ours, theirs)


@pytest.mark.integration
def test_event_study_matches_differences_on_the_real_panel(built):
    # IPAP on V-Dem liberal democracy, 1998-2024, balanced (as both implementations use it).
    service = ImpactService(built)
    panel = service._staggered_panel("ipap", "vdem.v2x_libdem", (1998, 2024))
    counts = panel.groupby("iso3")["year"].transform("count")
    panel = panel[counts == panel["year"].nunique()]
    ours = service.did("ipap", "vdem.v2x_libdem", years=(1998, 2024), n_boot=999)
    assert ours.n_units == panel["iso3"].nunique()
    theirs = _differences_event(panel, "vdem.v2x_libdem")
    _compare(ours, theirs, bootstrap=False)
