"""The resilience scorecard: fixed-bound scores, staged indicators, honest gaps, coverage rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.alliance import resilience as res


def test_scores_use_fixed_bounds_and_direction():
    assert res.score(pd.Series([-2.5, 0.0, 2.5, 4.0]), "wgi").tolist() == [0, 50, 100, 100]
    assert res.score(pd.Series([0.0, 10.0]), "inform").tolist() == [100, 0]
    assert res.score(pd.Series([-50.0, 40.0, 120.0]), "dependency").tolist() == [100, 60, 0]
    assert res.score(pd.Series([2000.0, 2700.0, 3500.0]), "kcal").tolist() == [0, 50, 100]
    infmort = res.score(pd.Series([2.0, 100.0, 200.0]), "infmort")
    assert infmort.tolist() == pytest.approx([100, 0, 0])
    with pytest.raises(ValueError):
        res.score(pd.Series([1.0]), "fsi")


def test_every_requirement_maps_to_staged_indicators_and_says_what_is_not_measured():
    assert len(res.REQUIREMENTS) == 7
    assert all(r.measures and r.not_measured for r in res.REQUIREMENTS)
    movement = next(r for r in res.REQUIREMENTS if r.key == "movement_of_people")
    # hosting refugees is pressure, shown as context, never scored
    assert "fsi.s2" in movement.context
    assert all("fsi.s2" not in m.codes for m in movement.measures)


def _panel() -> pd.DataFrame:
    years = range(2016, 2026)
    frame = pd.DataFrame({"iso3": "EST", "year": list(years)})
    frame["wgi.ge_est"] = np.linspace(0.5, 1.5, 10)
    frame["eurostat.nrg_ind_id_total"] = 10.0
    frame["wdi.infmort"] = 3.0
    frame.loc[frame["year"] < 2025, [c for c in frame if c.startswith("inform")]] = np.nan
    for code in ("inform.governance", "inform.communication", "inform.physical_infrastructure"):
        frame[code] = np.where(frame["year"] == 2025, 2.0, np.nan)
    return frame


def test_scorecard_uses_latest_values_trends_and_the_coverage_rule():
    card = res.scorecard(
        _panel(), ["EST", "LVA"], {"EST": "member", "LVA": "member"}, 2025, window=10, group="nato"
    )
    rows = card.tidy().set_index(["iso3", "key"])
    est = rows.loc["EST"]
    assert est.loc["continuity_of_government", "score"] == pytest.approx((80 + 80) / 2)
    assert est.loc["continuity_of_government", "data_years"] == "2025"
    assert est.loc["continuity_of_government", "trend"] == "improving"
    assert est.loc["energy", "status"] == "partly measured (1 of 2)"
    assert est.loc["energy", "score"] == pytest.approx(90.0)
    assert est.loc["food_and_water", "status"] == "no data"
    overall = card.overall.set_index("iso3")
    assert overall.loc["EST", "requirements_scored"] == 5
    assert overall.loc["EST", "overall"] == pytest.approx(est["score"].dropna().mean())
    assert np.isnan(overall.loc["LVA", "overall"])
    assert overall.loc["LVA", "overall_note"].startswith("not computed: 0 of 7")
    coverage = card.coverage.set_index("key")
    assert coverage.loc["communications", "countries_scored"] == 1
    assert coverage.loc["food_and_water", "countries_scored"] == 0
    assert "food_and_water" in card.meta()["requirements_not_measured"]
    assert card.wide().columns[1:8].tolist() == [r.key for r in res.REQUIREMENTS]
