"""Staggered DiD and event studies recover known heterogeneous effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stabilis.errors import QueryError
from stabilis.impact import did, event_study
from stabilis.impact.simulate import staggered_panel


@pytest.fixture(scope="module")
def sim():
    return staggered_panel(seed=1)


def test_callaway_santanna_recovers_heterogeneous_dynamic_effects(sim):
    result = did(sim.panel, outcome="y", n_boot=499)
    # Tolerance: overall ATT within 0.02 (its SE is about 0.007); event times 0-8 within 4 SE.
    assert result.overall["att"] == pytest.approx(sim.true_overall, abs=0.02)
    event = result.event.set_index("event_time")
    for e in range(9):
        assert abs(event.at[e, "att"] - sim.true_event[e]) <= 4 * event.at[e, "se"] + 1e-3
    assert result.pretrend.passed


def test_callaway_santanna_covers_zero_under_the_null():
    # 20 null panels at 95 %: expect one rejection; more than 4 has probability < 2 %.
    rejected = 0
    for seed in range(20):
        result = did(
            staggered_panel(seed=100 + seed, zero=True, n_units=80).panel, outcome="y", n_boot=199
        )
        rejected += result.overall["p_value"] < 0.05
    assert rejected <= 4


def test_never_treated_controls_give_a_similar_answer(sim):
    notyet = did(sim.panel, outcome="y", n_boot=199).overall["att"]
    never = did(sim.panel, outcome="y", control="never", n_boot=199).overall["att"]
    assert never == pytest.approx(notyet, abs=0.02)


def test_sun_abraham_recovers_effects_and_twfe_is_shown_beside_it(sim):
    sa = event_study(sim.panel, outcome="y", design="sunab", leads=4, lags=6).event.set_index(
        "event_time"
    )
    for e in range(6):  # event time 6 is a bin of 6+ and mixes later effects
        assert abs(sa.at[e, "estimate"] - sim.true_event[e]) <= 4 * sa.at[e, "se"] + 1e-3
    twfe = event_study(sim.panel, outcome="y", design="twfe", leads=4, lags=6)
    assert twfe.design == "twfe" and np.isfinite(twfe.event["estimate"]).all()


def test_did_result_views(sim):
    result = did(sim.panel, outcome="y", treatment="simulated programme", n_boot=99)
    assert {"event_time", "att", "se", "lower_uniform", "upper_uniform"} <= set(result.event)
    tidy = result.tidy()  # long: the ATT as value, its pointwise interval beside it
    assert list(tidy.columns[:4]) == ["event_time", "value", "lower", "upper"]
    assert tidy["value"].tolist() == result.event["att"].tolist()
    assert "not-yet-treated" in result.summary()
    spec = result.plot_spec()
    assert spec["data"]["values"] and spec["layer"]
    assert result.to_dict()["control_rule"].startswith("controls are")
    # the uniform band is at least as wide as the pointwise one
    assert (result.event["upper_uniform"] >= result.event["upper"] - 1e-12).all()


def test_did_refuses_a_panel_without_the_outcome(sim):
    with pytest.raises(QueryError, match="no column"):
        did(sim.panel, outcome="missing")


def test_cohorts_without_a_pre_period_are_dropped_and_listed(sim):
    panel = sim.panel.copy()
    panel.loc[panel["cohort"] == 1998, "cohort"] = 1990  # treated in the first year
    result = did(panel, outcome="y", n_boot=99)
    assert result.dropped_cohorts == [1990]


def test_did_pretest_is_the_joint_wald_test_of_every_pre_treatment_cell():
    from scipy import stats

    from stabilis.impact.did import CallawaySantAnna

    sim = staggered_panel(seed=3, zero=True)
    est = CallawaySantAnna(n_boot=99).fit(sim.panel, "y")
    pre = est.att_gt_["year"] < est.att_gt_["cohort"]
    theta = est.att_gt_.loc[pre, "att"].to_numpy()
    psi = est.psi_gt_[:, pre.to_numpy()]
    n = psi.shape[0]
    # R did: W = n * t(preatt) %*% solve(preV) %*% preatt with preV = crossprod(inffunc) / n.
    w = n * theta @ np.linalg.solve(psi.T @ psi / n, theta)
    q = int(pre.sum())
    assert est.pretest_.statistic == pytest.approx(w, rel=1e-10)
    assert est.pretest_.details["p_value_chi2"] == pytest.approx(stats.chi2.sf(w, q), rel=1e-10)
    f = stats.f.sf((n - q) / (q * (n - 1)) * w, q, n - q)
    assert est.pretest_.p_value == pytest.approx(f, rel=1e-10)


def test_did_pretest_holds_its_size_under_parallel_trends():
    # 20 null panels: the finite-sample p-value rejects at 5 % about once; more than 4 times
    # has probability < 2 %. (R's chi-squared p-value rejects in most of them: 52 cells, 120 units.)
    rejected = chi2_rejected = 0
    for seed in range(20):
        sim = staggered_panel(seed=seed, zero=True)
        test = did(sim.panel, outcome="y", control="never", n_boot=19).pretest
        rejected += test.p_value < 0.05
        chi2_rejected += test.details["p_value_chi2"] < 0.05
    assert rejected <= 4
    assert chi2_rejected > rejected


def test_did_verdict_is_not_credible_when_pre_trends_diverge_or_controls_are_few():
    sim = staggered_panel(seed=3, zero=True)
    panel = sim.panel.copy()
    treated = panel["cohort"].notna()
    panel.loc[treated, "y"] += 0.03 * (panel.loc[treated, "year"] - 1990)
    drifting = did(panel, outcome="y", n_boot=99)
    assert drifting.verdict == "not_credible"
    assert any("pre-trends rejected" in r for r in drifting.reasons)
    assert drifting.summary().startswith("Verdict: NOT CREDIBLE")
    clean = did(sim.panel, outcome="y", control="never", n_boot=99)
    assert clean.verdict in ("weak", "estimate")
    never = sim.panel.loc[sim.panel["cohort"].isna(), "iso3"].unique()
    few = sim.panel[~sim.panel["iso3"].isin(never[2:])]
    thin = did(few, outcome="y", control="never", n_boot=99)
    assert thin.verdict == "not_credible"
    assert any("rests on 2 control units" in r for r in thin.reasons)


def test_did_keeps_a_cohort_when_the_year_before_it_is_missing():
    # WGI skips 1997, 1999 and 2001: R's did uses the last available pre-period instead.
    sim = staggered_panel(seed=2)
    cohort = sorted(sim.panel["cohort"].dropna().unique())[1]
    gap = sim.panel[sim.panel["year"] != int(cohort) - 1]
    result = did(gap, outcome="y", n_boot=99)
    assert int(cohort) in set(result.att_gt["cohort"])
    cells = result.att_gt[(result.att_gt["cohort"] == cohort) & (result.att_gt["event_time"] >= 0)]
    assert (cells["base_year"] == int(cohort) - 2).all()
    assert int(cohort) not in result.dropped_cohorts


def _true_effect(cohort: int, event: int, cohorts=(1998, 2002, 2006, 2010), slope=0.02) -> float:
    return slope * (event + 1) * (1 + 0.5 * cohorts.index(cohort))


def test_the_four_aggregations_of_r_did(sim):
    result = did(sim.panel, outcome="y", n_boot=499)
    simple_table, simple = result.aggregate("simple")
    assert simple_table.empty
    assert simple["att"] == pytest.approx(result.overall["att"], abs=1e-12)
    assert simple["se"] == pytest.approx(result.overall["se"], rel=1e-12)
    dynamic, dyn = result.aggregate("dynamic")
    pd.testing.assert_series_equal(
        dynamic.set_index("event_time")["att"], result.event.set_index("event_time")["att"]
    )
    post = dynamic[dynamic["event_time"] >= 0]
    assert dyn["att"] == pytest.approx(post["att"].mean())  # R: mean of the event-time effects
    group, grp = result.aggregate("group")
    last = 2015
    for row in group.itertuples():
        truth = np.mean([_true_effect(row.cohort, e) for e in range(last - row.cohort + 1)])
        assert abs(row.att - truth) <= 4 * row.se + 1e-3, row  # tolerance: 4 SE
    shares = sim.panel.drop_duplicates("iso3")["cohort"].value_counts()
    weights = shares.reindex(group["cohort"]).to_numpy(dtype=float)
    assert grp["att"] == pytest.approx(np.average(group["att"], weights=weights), abs=1e-12)
    calendar, cal = result.aggregate("calendar")
    assert list(calendar["year"]) == list(range(1998, 2016))
    assert cal["att"] == pytest.approx(calendar["att"].mean())
    assert calendar.loc[calendar["year"] == 1998, "att"].iloc[0] == pytest.approx(
        result.att_gt.query("cohort == 1998 and year == 1998")["att"].iloc[0]
    )  # one cohort treated in 1998: its cell


def test_balance_e_keeps_cohorts_observed_long_enough_and_min_max_e_bound_the_events(sim):
    result = did(sim.panel, outcome="y", n_boot=99)
    balanced, _ = result.aggregate("dynamic", balance_e=8)
    assert balanced["event_time"].max() == 8
    # Only cohorts with 2015 - g >= 8 (1998, 2002, 2006) enter; at e = 8 the 2010 cohort is
    # unobserved anyway, so compare e = 0, where it would otherwise count.
    cells = result.att_gt.query("event_time == 0 and cohort <= 2006")
    sizes = sim.panel.drop_duplicates("iso3")["cohort"].value_counts()
    expected = np.average(cells["att"], weights=sizes.reindex(cells["cohort"]).to_numpy(float))
    assert balanced.set_index("event_time").at[0, "att"] == pytest.approx(expected)
    bounded, _ = result.aggregate("dynamic", min_e=-3, max_e=4)
    assert list(bounded["event_time"]) == list(range(-3, 5))
    with pytest.raises(QueryError, match="Unknown aggregation"):
        result.aggregate("monthly")  # type: ignore[arg-type]


def test_every_group_time_cell_has_a_standard_error(sim):
    result = did(sim.panel, outcome="y", n_boot=199)
    cells = result.att_gt
    assert (cells["se"] > 0).all() and (cells["se_analytic"] > 0).all()
    # Tolerance: bootstrap and analytic SEs of a cell agree within 30 % (199 draws).
    assert ((cells["se"] / cells["se_analytic"]).between(0.7, 1.3)).mean() > 0.9


def test_standard_errors_cluster_on_a_variable_above_the_unit(sim):
    panel = sim.panel.copy()
    panel["self"] = panel["iso3"]
    panel["region"] = "R" + (panel["iso3"].str[1:].astype(int) % 6).astype(str)
    plain = did(panel, outcome="y", n_boot=199)
    own = did(panel, outcome="y", n_boot=199, cluster="self")
    assert own.overall["se"] == pytest.approx(plain.overall["se"])  # clusters of one unit
    region = did(panel, outcome="y", n_boot=199, cluster="region")
    assert region.overall["att"] == pytest.approx(plain.overall["att"])
    assert region.overall["se"] != pytest.approx(plain.overall["se"], rel=1e-3)
    panel.loc[panel.index[0], "region"] = "elsewhere"
    with pytest.raises(QueryError, match="varies within a unit"):
        did(panel, outcome="y", cluster="region")


@pytest.mark.parametrize("method", ["reg", "ipw", "dr"])
def test_covariate_adjustment_with_a_constant_covariate_is_the_unconditional_estimator(sim, method):
    from stabilis.impact.did import CallawaySantAnna

    panel = sim.panel.assign(one=1.0)
    plain = CallawaySantAnna(n_boot=49).fit(panel, "y")
    with_x = CallawaySantAnna(n_boot=49, est_method=method).fit(panel, "y", covariates=["one"])
    np.testing.assert_allclose(with_x.att_gt_["att"], plain.att_gt_["att"], atol=1e-10)
    np.testing.assert_allclose(with_x.psi_gt_, plain.psi_gt_, atol=1e-8)


@pytest.mark.parametrize("method", ["reg", "ipw", "dr"])
def test_covariate_adjustment_removes_bias_from_covariate_specific_trends(method):
    # Units with a high covariate z trend up by 0.03 z per year and z is higher among the
    # treated: unconditional parallel trends fail, conditional ones hold; true effects are 0.
    rng = np.random.default_rng(5)
    sim = staggered_panel(seed=5, zero=True)
    units = sim.panel["iso3"].unique()
    treated = set(sim.panel.loc[sim.panel["cohort"].notna(), "iso3"])
    z = {u: rng.normal(1.0 if u in treated else 0.0, 0.5) for u in units}
    panel = sim.panel.assign(z=sim.panel["iso3"].map(z))
    panel["y"] = panel["y"] + 0.03 * panel["z"] * (panel["year"] - 1990)
    naive = did(panel, outcome="y", n_boot=199)
    adjusted = did(panel, outcome="y", n_boot=199, covariates=["z"], est_method=method)
    # Tolerance: the adjusted ATT is within 3 SE of zero; the naive one is biased beyond that.
    assert abs(adjusted.overall["att"]) < 3 * adjusted.overall["se"]
    assert abs(naive.overall["att"]) > 3 * naive.overall["se"]


def test_did_judges_harm_by_the_same_rules_as_benefit():
    sim = staggered_panel(seed=7)
    harmed = sim.panel.assign(
        y=2 * sim.panel.groupby("iso3")["y"].transform("first") - sim.panel["y"]
    )
    up = did(sim.panel, outcome="y", n_boot=199, higher_is_better=True)
    down = did(harmed, outcome="y", n_boot=199, higher_is_better=True)
    assert down.overall["att"] == pytest.approx(-up.overall["att"])
    assert down.verdict == up.verdict
    assert "harm" in down.summary() and "improvement" in up.summary()


@pytest.mark.parametrize("method", ["reg", "ipw", "dr"])
def test_covariate_influence_functions_match_a_unit_bootstrap(method):
    # The analytic SE from the influence function against 300 bootstrap resamples of units of
    # one cell; tolerance 20 % (the bootstrap SE itself has about 4 % noise).
    from stabilis.impact.did import ipw_did, outcome_regression_did

    rng = np.random.default_rng(3)
    n = 400
    z = rng.normal(size=n)
    d = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
    dy = 0.5 * z + 0.3 * d + rng.normal(0, 1, n)
    x = np.column_stack([np.ones(n), z])

    def estimate(idx):
        if method == "reg":
            return outcome_regression_did(dy[idx], d[idx], x[idx])
        return ipw_did(dy[idx], d[idx], x[idx], doubly_robust=method == "dr")

    att, inf = estimate(np.arange(n))
    assert att == pytest.approx(0.3, abs=0.3)
    analytic = np.sqrt(np.sum(inf**2)) / n
    draws = [estimate(rng.integers(0, n, n))[0] for _ in range(300)]
    assert analytic == pytest.approx(np.std(draws), rel=0.2)
