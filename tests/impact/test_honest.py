"""Rambachan & Roth "honest DiD": limiting cases with known answers, a simulated linear
violation of parallel trends, the breakdown value and the verdict rule."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from stabilis.errors import QueryError
from stabilis.impact import did
from stabilis.impact.honest import honest_did, identified_set, polyhedra, robust_reason
from stabilis.impact.simulate import staggered_panel

Z = float(stats.norm.ppf(0.975))


def _sigma(n: int, seed: int = 0, scale: float = 0.01) -> np.ndarray:
    a = np.random.default_rng(seed).normal(size=(n, n))
    return scale * (a @ a.T / n + np.eye(n))


def test_relative_magnitudes_at_zero_is_the_usual_interval():
    sigma = _sigma(6)
    beta = np.array([-0.03, 0.01, -0.02, 0.10, 0.12, 0.15])
    result = honest_did(beta, sigma, 3, 3, restriction="rm", m=[0.0], with_breakdown=False)
    row = result.at(0.0)
    se = np.sqrt(sigma[3, 3])
    # Mbar = 0 is exact parallel trends after treatment: l' beta_post +- z se (bisection tol 1e-3 se)
    assert row["id_lower"] == pytest.approx(0.10) and row["id_upper"] == pytest.approx(0.10)
    assert row["lower"] == pytest.approx(0.10 - Z * se, abs=2e-3 * se)
    assert row["upper"] == pytest.approx(0.10 + Z * se, abs=2e-3 * se)


def test_smoothness_at_zero_with_one_pre_period_is_the_linear_extrapolation_interval():
    sigma = _sigma(3, seed=1)
    beta = np.array([-0.02, 0.10, 0.12])  # beta_{-2}; beta_0, beta_1 (reference -1 left out)
    result = honest_did(beta, sigma, 1, 2, restriction="sd", m=[0.0], l_vec=[0.5, 0.5])
    # the linear trend through (-2, beta_{-2}) and (-1, 0) has slope -beta_{-2}: the bias at
    # post periods 1 and 2 (event times 0, 1) is -1 and -2 times beta_{-2}
    g = np.array([1.5, 0.5, 0.5])
    row = result.at(0.0)
    assert row["id_lower"] == pytest.approx(g @ beta) == row["id_upper"]
    assert row["lower"] == pytest.approx(g @ beta - Z * np.sqrt(g @ sigma @ g), rel=1e-6)
    assert row["upper"] == pytest.approx(g @ beta + Z * np.sqrt(g @ sigma @ g), rel=1e-6)


def test_smoothness_at_zero_is_the_gls_linear_extrapolation_with_several_pre_periods():
    # Independent pre and post coefficients: the best unbiased estimator under a linear trend
    # is l' beta_post minus the GLS slope (through the reference period) times l' t_post.
    rng = np.random.default_rng(2)
    s_pre, s_post = _sigma(4, seed=3), _sigma(2, seed=4)
    sigma = np.block([[s_pre, np.zeros((4, 2))], [np.zeros((2, 4)), s_post]])
    beta = rng.normal(0, 0.05, 6)
    l_vec = np.array([0.5, 0.5])
    t_pre, t_post = np.array([-4.0, -3, -2, -1]), np.array([1.0, 2])
    inv = np.linalg.inv(s_pre)
    slope_var = 1 / (t_pre @ inv @ t_pre)
    slope = slope_var * t_pre @ inv @ beta[:4]
    est = l_vec @ beta[4:] - slope * (l_vec @ t_post)
    se = np.sqrt(l_vec @ s_post @ l_vec + (l_vec @ t_post) ** 2 * slope_var)
    row = honest_did(beta, sigma, 4, 2, restriction="sd", m=[0.0], l_vec=l_vec).at(0.0)
    assert 0.5 * (row["lower"] + row["upper"]) == pytest.approx(est, abs=1e-5 * se)
    assert row["upper"] - row["lower"] == pytest.approx(2 * Z * se, rel=1e-4)


def test_relative_magnitudes_identified_set_matches_its_closed_form():
    beta = np.array([0.02, -0.01, 0.03, 0.2, 0.25, 0.3])  # pre -4..-2, post 0..2
    l_vec = np.array([1 / 3, 1 / 3, 1 / 3])
    lo, hi = identified_set(beta, 3, l_vec, polyhedra("rm", 1.5, 3, 3))
    # largest pre-period first difference (the reference's 0 included): |0.03 - (-0.01)|
    m_pre = 0.04
    # post differences each within +-1.5 m_pre; delta_t sums them, so the bias of the average
    # is at most 1.5 m_pre (3 + 2 + 1) / 3
    bias = 1.5 * m_pre * 2.0
    assert (lo, hi) == pytest.approx((0.25 - bias, 0.25 + bias))


def _coverage(restriction: str, m: float, draws: int, tau: float = 0.1, slope: float = 0.03):
    """Share of draws whose interval covers the truth, for a stated linear violation: the bias
    is slope * (e + 1) at event time e (reference -1), four pre and three post periods."""
    rng = np.random.default_rng(7)
    times = np.array([-5, -4, -3, -2, 0, 1, 2])
    sigma = _sigma(7, seed=5, scale=0.0004)
    truth = np.where(times >= 0, tau, 0.0) + slope * (times + 1)
    l_vec = np.full(3, 1 / 3)
    covered = usual = 0
    for _ in range(draws):
        beta = rng.multivariate_normal(truth, sigma)
        row = honest_did(
            beta, sigma, 4, 3, restriction=restriction, m=[m], l_vec=l_vec, with_breakdown=False
        ).at(m)
        covered += row["lower"] <= tau <= row["upper"]
        se = np.sqrt(l_vec @ sigma[4:, 4:] @ l_vec)
        usual += abs(l_vec @ beta[4:] - tau) <= Z * se
    return covered / draws, usual / draws


def test_robust_intervals_cover_the_truth_under_a_linear_pre_trend():
    # Simulated: bias 0.03 (e + 1) against a true effect of 0.1; the usual interval is centred
    # 0.06 too high (about 3 of its SEs), so it almost never covers. Delta^SD(0) and
    # Delta^RM(1) both contain a linear trend, so their intervals must cover at about 95 %.
    sd_cover, usual = _coverage("sd", 0.0, 60)
    assert usual <= 0.2
    assert sd_cover >= 0.85  # 60 draws at 95 %: below 0.85 has probability < 0.5 %
    rm_cover, _ = _coverage("rm", 1.0, 10)
    assert rm_cover >= 0.8  # 10 draws at (at least) 95 %: below 0.8 has probability ~1 %


def test_breakdown_is_where_the_interval_starts_to_cover_zero():
    sigma = _sigma(5, seed=8, scale=0.0001)
    beta = np.array([0.004, -0.003, 0.002, 0.06, 0.07])  # pre -4..-2, post 0, 1
    for restriction in ("rm", "sd"):
        result = honest_did(beta, sigma, 3, 2, restriction=restriction, m=[0.0])
        b = result.breakdown
        assert 0 < b < np.inf
        kw = {"restriction": restriction, "with_breakdown": False}
        below = honest_did(beta, sigma, 3, 2, m=[0.97 * b], **kw)  # type: ignore[arg-type]
        above = honest_did(beta, sigma, 3, 2, m=[1.05 * b], **kw)  # type: ignore[arg-type]
        assert below.at(0.97 * b)["excludes_zero"]
        assert not above.at(1.05 * b)["excludes_zero"]


def test_honest_did_refuses_bad_input_with_a_clear_message():
    with pytest.raises(QueryError, match="at least one pre-treatment"):
        honest_did([0.1], np.eye(1), 0, 1)
    with pytest.raises(QueryError, match="betahat must have 3"):
        honest_did([0.1, 0.2], np.eye(2), 1, 2)
    with pytest.raises(QueryError, match="restriction must be"):
        honest_did([0.1, 0.2], np.eye(2), 1, 1, restriction="xx")  # type: ignore[arg-type]


def test_callaway_santanna_sensitivity_recovers_the_effect_under_a_linear_violation():
    # Simulated panel: treated countries drift 0.01 a year against never-treated ones, a
    # linear violation of parallel trends; the true effect is known.
    sim = staggered_panel(seed=3, trend=0.01, heterogeneous=False)
    result = did(sim.panel, outcome="y", control="never", n_boot=199)
    truth = float(sim.true_event.loc[0:4].mean())
    sd = result.honest("sd", m=[0.0])
    row = sd.at(0.0)
    assert sd.pre_event_times == [-5, -4, -3, -2] and sd.post_event_times == [0, 1, 2, 3, 4]
    assert row["lower"] <= truth <= row["upper"]
    # the naive average is biased by 0.01 * mean(e + 1) = 0.03 over event times 0..4
    assert sd.estimate - truth == pytest.approx(0.03, abs=0.01)
    meta = result.meta()
    assert meta["diagnostics"]["honest"]["parameter"] == "Mbar"
    assert result.to_dict()["honest"]["table"][0]["m"] == 1.0
    assert "Sensitivity (honest DiD" in result.summary()


def test_verdict_is_not_estimate_when_the_robust_interval_covers_zero():
    # A small, significant effect with noisy pre-periods: the usual test rejects zero but the
    # relative-magnitudes interval at Mbar = 1 does not.
    sim = staggered_panel(seed=4, slope=0.003, noise=0.05, n_units=120)
    result = did(sim.panel, outcome="y", n_boot=199)
    honest, _ = result.robust
    assert honest is not None
    assert result.overall["p_value"] < 0.05
    assert not honest.at(1.0)["excludes_zero"]
    assert result.verdict == "weak"
    assert any("not robust to parallel-trend violations" in r for r in result.reasons)


def test_robust_reason_reads_the_mbar_one_row():
    assert robust_reason(None, "too few periods").startswith("sensitivity to parallel-trend")


def test_did_verdict_leaves_the_breakdown_until_asked_when_the_rule_does_not_need_it():
    # Simulated panel with a true effect: the Mbar = 1 interval excludes zero, so the verdict
    # needs no breakdown; its bisection (beyond Mbar = 1) runs only on request.
    result = did(staggered_panel(seed=1).panel, outcome="y", n_boot=199)
    honest, _ = result.robust
    assert honest is not None and honest.at(1.0)["excludes_zero"]
    assert result.verdict == "estimate"
    meta = result.meta()["diagnostics"]["honest"]
    assert "--breakdown computes it" in result.summary()
    assert meta["breakdown"] is None and meta["breakdown_computed"] is False
    assert honest._breakdown is None  # the verdict, summary and meta did not run the bisection
    asked = result.meta(breakdown=True)["diagnostics"]["honest"]
    assert asked["breakdown_computed"] is True and asked["breakdown"] > 1.0
    assert f"breakdown Mbar = {asked['breakdown']:.2g}" in result.summary(breakdown=True)
    # the same value an explicit honest-DiD table reports
    assert result.honest("rm", m=[1.0]).breakdown == pytest.approx(asked["breakdown"])
    assert result.verdict == "estimate"


def test_did_reason_states_the_breakdown_when_the_interval_covers_zero():
    result = did(staggered_panel(seed=4, slope=0.003, noise=0.05).panel, outcome="y", n_boot=199)
    meta = result.meta()["diagnostics"]["honest"]
    assert meta["breakdown_computed"] is True and meta["breakdown"] is not None
    assert meta["breakdown"] < 1.0
    assert "--breakdown" not in result.summary()
