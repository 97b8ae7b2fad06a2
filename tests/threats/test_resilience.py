"""The resilience scorecard: fixed-bound scores, honest gaps, trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.threats import resilience as res


def test_scores_use_fixed_bounds_and_direction():
    assert res.score(pd.Series([-2.5, 0.0, 2.5, 4.0]), "wgi").tolist() == [0, 50, 100, 100]
    assert res.score(pd.Series([0.0, 10.0]), "fsi").tolist() == [100, 0]
    infmort = res.score(pd.Series([2.0, 100.0, 200.0]), "infmort")
    assert infmort.tolist() == pytest.approx([100, 0, 0])


def test_unmeasured_requirements_are_reported_not_invented():
    unmeasured = [r.key for r in res.REQUIREMENTS if r.indicator is None]
    assert set(unmeasured) == {"energy", "food_and_water", "communications", "transport"}
    panel = pd.DataFrame(
        {
            "iso3": "EST",
            "year": range(2014, 2024),
            "wgi.ge_est": np.linspace(0.5, 1.5, 10),
            "fsi.s2": np.nan,
            "wdi.infmort": 3.0,
        }
    )
    card = res.scorecard(panel, ["EST"], {"EST": "member"}, 2023, window=10, group="nato")
    rows = card.tidy().set_index("key")
    assert rows.loc["energy", "status"] == "not measured" and np.isnan(rows.loc["energy", "score"])
    assert rows.loc["continuity_of_government", "trend"] == "improving"
    assert rows.loc["continuity_of_government", "slope"] == pytest.approx(100 / 5 * 1 / 9)
    assert rows.loc["mass_casualties", "trend"] == "stable"
    assert rows.loc["movement_of_people", "status"] == "no data"
    overall = card.overall.set_index("iso3")
    assert overall.loc["EST", "requirements_scored"] == 2
    assert card.wide().columns[1:8].tolist() == [r.key for r in res.REQUIREMENTS]
