"""Golden: the TWFE and Sun & Abraham event studies against fixest's own printed output.

fixest's walkthrough vignette (``docs/articles/fixest_walkthrough.html`` of lrberge/fixest,
commit dbe56c5, section "Difference-in-differences") prints
``est_did = feols(y ~ x1 + i(period, treat, 5) | id + period, base_did)`` and, for
``res_sa20 = feols(y ~ x1 + sunab(year_treated, year) | id + year, base_stagg)``,
``summary(res_sa20, agg = "att")``; standard errors clustered by ``id`` (fixest's default, the
first fixed effect). ``base_did`` (1,080 rows: 108 units, 10 periods, half of them treated
from period 6) and ``base_stagg`` (950 rows: 95 units, 10 years, cohorts 2-10 and never
treated) are fixest's ``data/*.RData``. No installable package bundles them, so the tests
read them with the ``pyreadr`` dev dependency from a copy of the fixest repository named by
``FIXEST_REPO`` (a checkout, or a git directory read at that commit), and skip, saying so,
when there is none (CI has none).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stabilis.impact import event_study

FIXEST_COMMIT = "dbe56c5d953deb797a61dfc37f6e25fd143c68d4"

#: Printed by the vignette: (estimate, standard error) per term, six decimals.
PUBLISHED = {
    "x1": (0.973490, 0.045678),
    1: (-1.403045, 1.110267),
    2: (-1.247511, 1.093145),
    3: (-0.273206, 1.106935),
    4: (-1.795721, 1.087974),
    6: (0.784452, 1.028388),
    7: (3.598897, 1.101563),
    8: (3.811766, 1.247502),
    9: (4.731426, 1.097113),
    10: (6.606229, 1.120494),
}


def _fixest_data(name: str, tmp_path_factory) -> pd.DataFrame:
    """fixest's ``data/<name>.RData`` at :data:`FIXEST_COMMIT`, read with pyreadr."""
    pyreadr = pytest.importorskip("pyreadr", reason="pyreadr is a dev dependency")
    repo = os.environ.get("FIXEST_REPO")
    if not repo:
        pytest.skip(
            f"fixest's {name} is in no installable package: set FIXEST_REPO to a checkout "
            "(or git directory) of github.com/lrberge/fixest to run this golden test"
        )
    path = Path(repo) / "data" / f"{name}.RData"
    if not path.exists():
        path = tmp_path_factory.mktemp("fixest") / f"{name}.RData"
        blob = subprocess.run(
            ["git", "--git-dir", repo, "show", f"{FIXEST_COMMIT}:data/{name}.RData"],
            capture_output=True,
            check=False,
        )
        if blob.returncode != 0:
            pytest.skip(f"FIXEST_REPO={repo} has no data/{name}.RData at {FIXEST_COMMIT[:7]}")
        path.write_bytes(blob.stdout)
    return pyreadr.read_r(str(path))[name]


@pytest.fixture(scope="module")
def base_did(tmp_path_factory) -> pd.DataFrame:
    frame = _fixest_data("base_did", tmp_path_factory)
    assert frame.shape == (1080, 6)
    return frame


@pytest.fixture(scope="module")
def base_stagg(tmp_path_factory) -> pd.DataFrame:
    frame = _fixest_data("base_stagg", tmp_path_factory)
    assert frame.shape == (950, 8)
    return frame


def test_twfe_event_study_reproduces_fixests_printed_est_did(base_did):
    panel = base_did.assign(cohort=np.where(base_did["treat"] == 1, 6.0, np.nan))
    result = event_study(
        panel, outcome="y", cohort="cohort", design="twfe", leads=5, lags=4,
        unit="id", time="period", covariates=["x1"],
    )  # fmt: skip
    assert result.n_obs == 1080 and result.n_units == 108
    event = result.event.set_index("event_time")
    cov = result.covariate_effects.set_index("term")
    for term, (estimate, se) in PUBLISHED.items():
        row = cov.loc[term] if term == "x1" else event.loc[int(term) - 6]  # period 6 = time 0
        # Tolerance: half a unit in the sixth printed decimal.
        assert row["estimate"] == pytest.approx(estimate, abs=5e-7), term
        assert row["se"] == pytest.approx(se, abs=5e-7), term
    assert event.loc[-1, "estimate"] == 0.0  # period 5, the reference


def test_sun_abraham_reproduces_fixests_printed_att_on_base_stagg(base_stagg):
    # The vignette's res_sa20 = feols(y ~ x1 + sunab(year_treated, year) | id + year,
    # base_stagg) and summary(res_sa20, agg = "att"): x1 0.994678 (0.018378), ATT -1.133749
    # (0.205070). year_treated = 1000 marks the never treated (the controls).
    panel = base_stagg.assign(
        cohort=base_stagg["year_treated"].where(base_stagg["year_treated"] <= 10)
    )
    result = event_study(
        panel, outcome="y", cohort="cohort", design="sunab", leads=9, lags=8,
        unit="id", time="year", covariates=["x1"],
    )  # fmt: skip
    assert result.n_obs == 950 and result.n_units == 95
    x1 = result.covariate_effects.set_index("term").loc["x1"]
    assert x1["estimate"] == pytest.approx(0.994678, abs=5e-7)
    assert x1["se"] == pytest.approx(0.018378, abs=5e-7)
    # fixest's agg = "att": the cohort x period effects at e >= 0 weighted by their treated
    # observations, i.e. our event-time effects weighted by each event time's treated count
    events = [e for e in range(-9, 9) if e != -1]
    treated = panel.dropna(subset=["cohort"])
    counts = (treated["year"] - treated["cohort"]).value_counts()
    w = np.array([counts.get(e, 0) if e >= 0 else 0 for e in events], dtype=float)
    w /= w.sum()
    estimate = result.event.set_index("event_time").loc[events, "estimate"].to_numpy()
    assert w @ estimate == pytest.approx(-1.133749, abs=5e-7)
    assert np.sqrt(w @ result.covariance @ w) == pytest.approx(0.205070, abs=5e-7)
