"""Honest DiD against the HonestDiD README's published Medicaid example.

Data: ``ehec_data`` (Medicaid expansions and health insurance, from the Mixtape Sessions'
Advanced-DID exercises), as bundled with the ``moderndid`` dev dependency (MIT); read from the
installed package, never copied here. The event study is the README's TWFE:
``feols(dins ~ i(year, D, ref = 2013) | stfips + year, cluster = "stfips")`` on years before 2016
without the 2015 cohort. Published numbers: asheshrambachan/HonestDiD README.md (see
tests/impact/golden/README.md).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from stabilis.impact.honest import honest_did

# createSensitivityResults(..., Mvec = seq(0, 0.05, by = 0.01)): method FLCI, DeltaSD
PUBLISHED_SD = {
    0.00: (0.0259, 0.0607),
    0.01: (0.0132, 0.0787),
    0.02: (0.00286, 0.0907),
    0.03: (-0.00714, 0.101),
    0.04: (-0.0171, 0.111),
    0.05: (-0.0271, 0.121),
}
# createSensitivityResults_relativeMagnitudes(..., Mbarvec = seq(0.5, 2, by = 0.5)): C-LF
PUBLISHED_RM = {
    0.5: (0.0240, 0.0672),
    1.0: (0.0170, 0.0720),
    1.5: (0.00824, 0.0797),
    2.0: (-0.000916, 0.0881),
}


@pytest.fixture(scope="module")
def medicaid_event_study(moderndid_data):
    df = moderndid_data("ehec_data")
    df = df[(df["year"] < 2016) & (df["yexp2"].isna() | (df["yexp2"] != 2015))].copy()
    treated = (df["yexp2"] == 2014).to_numpy()
    years = sorted(df["year"].unique())
    event_years = [y for y in years if y != 2013]
    x = np.column_stack([(df["year"].to_numpy() == y) & treated for y in event_years]).astype(float)
    unit, time = df["stfips"].to_numpy(), df["year"].to_numpy()

    def within(a: np.ndarray) -> np.ndarray:  # two-way demeaning: the panel is balanced
        f = pd.DataFrame(a)
        return (
            f - f.groupby(unit).transform("mean") - f.groupby(time).transform("mean") + f.mean()
        ).to_numpy()

    xd, yd = within(x), within(df["dins"].to_numpy()[:, None])[:, 0]
    beta = np.linalg.lstsq(xd, yd, rcond=None)[0]
    resid = yd - xd @ beta
    bread = np.linalg.inv(xd.T @ xd)
    scores = pd.DataFrame(xd * resid[:, None]).groupby(unit).sum().to_numpy()
    n, g = len(yd), len(np.unique(unit))
    # fixest's default small-sample factor for clustered SEs, ssc(fixef.K = "nested"):
    # G/(G-1) (n-1)/(n-K), the state effects nested in the clusters left out of K and every
    # year effect counted (7 coefficients + 8 year effects; fixest R/VCOV.R, as pyfixest)
    k = len(event_years) + len(years)
    sigma = bread @ scores.T @ scores @ bread * g / (g - 1) * (n - 1) / (n - k)
    assert (n, g) == (344, 43)
    return beta, sigma, df


def test_the_event_study_and_its_covariance_are_fixest_s(medicaid_event_study):
    # pyfixest (a dev dependency) runs the README's feols call on the same data.
    pyfixest = pytest.importorskip("pyfixest", reason="pyfixest is a dev dependency")
    from pyfixest.demeaners import MapDemeaner

    beta, sigma, df = medicaid_event_study
    with warnings.catch_warnings():  # pyfixest 0.60.0 uses pandas' deprecated inplace keyword
        warnings.simplefilter("ignore")
        fit = pyfixest.feols(
            "dins ~ i(year, D, ref = 2013) | stfips + year",
            data=df.assign(D=(df["yexp2"] == 2014).astype(float)),
            vcov={"CRV1": "stfips"},
            demeaner=MapDemeaner(fixef_tol=1e-12),
        )
    tidy = fit.tidy()
    np.testing.assert_allclose(beta, tidy["Estimate"], atol=1e-10)
    np.testing.assert_allclose(np.sqrt(np.diag(sigma)), tidy["Std. Error"], rtol=1e-8)


def test_smoothness_fixed_length_intervals_match_the_honestdid_readme(medicaid_event_study):
    beta, sigma, _ = medicaid_event_study
    result = honest_did(beta, sigma, 5, 2, restriction="sd", m=list(PUBLISHED_SD))
    for m, (lo, hi) in PUBLISHED_SD.items():
        row = result.at(m)
        # Tolerance: the README prints three significant digits (half a unit in the last place
        # is at most 5e-4 for these numbers).
        assert row["lower"] == pytest.approx(lo, abs=5e-4)
        assert row["upper"] == pytest.approx(hi, abs=5e-4)
    # README: "the breakdown value for a significant effect is M ~ 0.03"
    assert 0.02 < result.breakdown < 0.03


def test_relative_magnitudes_conditional_intervals_are_close_to_the_readme_hybrid(
    medicaid_event_study,
):
    beta, sigma, _ = medicaid_event_study
    result = honest_did(beta, sigma, 5, 2, restriction="rm", m=list(PUBLISHED_RM))
    for m, (lo, hi) in PUBLISHED_RM.items():
        row = result.at(m)
        # A different test: ours is ARP's conditional test, the README's the conditional-
        # least-favourable hybrid (C-LF). Measured gap at most 0.0022 (Mbar = 0.5, lower end);
        # tolerance 0.003.
        assert row["lower"] == pytest.approx(lo, abs=3e-3)
        assert row["upper"] == pytest.approx(hi, abs=3e-3)
    # README: significant up to Mbar = 1.5, not at 2
    assert 1.5 < result.breakdown < 2.0
