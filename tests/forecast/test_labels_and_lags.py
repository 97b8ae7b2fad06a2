"""Readable drivers, the calibration verdict, and carrying sources forward to the live origin
(synthetic panels: the truth is known by construction)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stabilis.forecast.design import indicator_last_years, lag_panel, live_origin, source_lags
from stabilis.forecast.features import build_features, feature_columns, panel_indicators
from stabilis.forecast.labels import effect, label, sentence
from stabilis.forecast.scoring import calibration_verdict
from stabilis.forecast.targets import SPACES


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    keys = pd.MultiIndex.from_product([["AAA", "BBB"], range(1990, 2011)], names=["iso3", "year"])
    frame = keys.to_frame(index=False)
    for code in panel_indicators():
        frame[code] = rng.random(len(frame))
    return frame


def test_every_feature_the_design_builds_has_a_label_that_is_not_its_code():
    cutpoints = {s.indicator: 0.05 for s in SPACES.values()}
    features = build_features(_panel(), neighbours={"AAA": ["BBB"]}, regions={"AAA": "x"},
                              cutpoints=cutpoints)  # fmt: skip
    unlabelled = [c for c in feature_columns(features) if label(c) == c]
    assert unlabelled == []
    assert (
        label("vdem.v2x_jucon.d1") == "Judicial constraints on the executive, change over one year"
    )
    assert label("space.v2xcl_rol.down_since").startswith("Years since the last closing")
    assert label("not.a.feature") == "not.a.feature"  # unknown codes are never given a made-up name


def test_sentences_say_what_the_value_is():
    assert sentence("vdem.v2x_jucon.d1", -0.12) == (
        "Judicial constraints on the executive fell 0.12 over one year."
    )
    assert sentence("space.v2x_veracc_osp.d2", 0.081) == (
        "Electoral space (vertical accountability) rose 0.08 over two years."
    )
    assert "below its 10-year high" in sentence("space.v2xcl_rol.from_high10", -0.2)
    assert sentence("nato.ipap", 1.0) == "Individual Partnership Action Plan: yes."
    assert sentence("econ.log_pop", float(np.log(3_700))) == "Population is 3.7 million."
    assert sentence("fh.pr", float("nan")).endswith("no data at the origin.")
    assert effect(0.3) == "raises the probability" and effect(-0.1) == "lowers the probability"


def _curve(predicted, observed, counts):
    n = len(predicted)
    return pd.DataFrame({"lower": np.arange(n) / n, "upper": (np.arange(n) + 1) / n,
                         "mean_predicted": predicted, "observed_rate": observed,
                         "count": counts})  # fmt: skip


def test_the_calibration_verdict_follows_the_bins():
    good = calibration_verdict(_curve([0.05, 0.15], [0.05, 0.16], [900, 100]))
    assert good.startswith("ECE 0.001") and "close to calibrated" in good
    assert "within sampling noise" in good
    bad = calibration_verdict(_curve([0.05, 0.84], [0.05, 0.57], [900, 57]))
    assert (
        "poorly calibrated" not in good and "largest gap in the 0.5-1.0 bin (57 forecasts)" in bad
    )
    assert "predicted 0.84, observed 0.57 (fewer events than forecast, beyond" in bad
    assert calibration_verdict(_curve([0.1], [np.nan], [0])).startswith("No bin")


def test_the_live_origin_is_the_latest_measured_year_and_older_sources_are_lagged():
    panel = _panel()
    panel.loc[panel["year"] == 2010, [s.code for s in SPACES.values()]] = np.nan  # spaces end 2009
    panel.loc[panel["year"] >= 2009, "wgi.va_est"] = np.nan  # WGI ends 2008
    extra = panel[panel["year"] == 2010].assign(year=2011)  # only non-measuring sources in 2011
    measured = [c for c in panel.columns[2:] if not c.startswith(("nato.", "gw.", "ptcoups."))]
    extra[[c for c in measured if c != "demspaces.pop"]] = np.nan
    panel = pd.concat([panel, extra], ignore_index=True)
    assert indicator_last_years(panel)["wgi.va_est"] == 2008
    assert live_origin(panel) == 2010  # coups and the registry reaching 2011 do not count
    lags = source_lags(panel, 2010)
    assert lags["wgi.va_est"] == 2 and lags[SPACES["electoral"].code] == 1
    assert "vdem.v2x_polyarchy" not in lags
    lagged = lag_panel(panel, lags)
    at = lagged.set_index(["iso3", "year"])
    before = panel.set_index(["iso3", "year"])
    assert at.loc[("AAA", 2010), "wgi.va_est"] == before.loc[("AAA", 2008), "wgi.va_est"]
    assert at.loc[("AAA", 2000), "wgi.va_est"] == before.loc[("AAA", 1998), "wgi.va_est"]
    code = SPACES["electoral"].code
    assert at.loc[("BBB", 2010), code] == before.loc[("BBB", 2009), code]
    assert at.loc[("BBB", 2010), "vdem.v2x_polyarchy"] == before.loc[("BBB", 2010),
                                                                      "vdem.v2x_polyarchy"]  # fmt: skip
    assert lag_panel(panel, {}) is panel


def _simulated(seed: int, error: float, spread: float) -> pd.DataFrame:
    """Forecasts of known truth: p_true per row, the forecast off by a per-group error, and an
    ensemble interval of the given log-odds half-width."""
    rng = np.random.default_rng(seed)
    n = 20_000
    truth = rng.beta(1, 8, n)
    origin = rng.integers(2000, 2010, n)
    shift = rng.normal(0, error, 10)[origin - 2000]  # one calibration error per origin
    z = np.log(truth / (1 - truth)) + shift
    p = 1 / (1 + np.exp(-z))
    return pd.DataFrame({
        "origin": origin, "direction": "down", "p": p, "realised": rng.random(n) < truth,
        "member_lower": 1 / (1 + np.exp(-(z - spread))),
        "member_upper": 1 / (1 + np.exp(-(z + spread))),
    }).assign(lower=lambda f: f["member_lower"], upper=lambda f: f["member_upper"])  # fmt: skip


def test_interval_coverage_is_nominal_for_exact_forecasts_and_low_for_narrow_wrong_ones():
    from stabilis.forecast.scoring import interval_coverage, spread_scale

    exact = interval_coverage(_simulated(1, error=0.0, spread=0.0))
    assert 0.7 <= exact["coverage_zero_width"] <= 0.9  # binomial noise alone, as it should be
    wrong = _simulated(2, error=0.6, spread=0.05)
    assert interval_coverage(wrong)["coverage"] < 0.6
    scale = spread_scale(wrong)
    assert scale > 2  # the narrow interval has to widen a lot to cover the errors
    assert spread_scale(_simulated(3, error=0.0, spread=0.3)) == 1.0


def test_coverage_counts_of_a_window_give_the_widening_computed_on_the_window_itself():
    """The backtest groups all realised forecasts once and sums each window's counts; that must
    be the widening :func:`spread_scale` finds on the window's rows alone, for every window."""
    from stabilis.forecast.scoring import covered_groups, scale_from_counts, spread_scale

    frame = pd.concat([_simulated(4, error=0.5, spread=0.1),
                       _simulated(5, error=0.1, spread=0.2).assign(direction="up")])  # fmt: skip
    frame = frame.reset_index(drop=True).astype({"realised": float})
    frame.loc[frame.sample(frac=0.1, random_state=1).index, "realised"] = np.nan  # unknown yet
    counts = covered_groups(frame)
    assert set(counts.columns[:3]) == {"origin", "direction", "groups"}
    scales = set()
    for first in range(2000, 2010):
        for last in range(first, 2010):
            for direction in ("up", "down"):
                window = frame[frame["origin"].between(first, last)
                               & (frame["direction"] == direction)]  # fmt: skip
                part = counts[counts["origin"].between(first, last)
                              & (counts["direction"] == direction)]  # fmt: skip
                expected = spread_scale(window)
                assert scale_from_counts(part) == expected, (first, last, direction)
                scales.add(expected)
    assert len(scales) > 3  # the windows do need different widenings
    assert scale_from_counts(counts.iloc[:0]) == 1.0  # no realised forecast: no widening
    tiny = covered_groups(frame[frame["origin"] == 2000].head(20))  # no group of 50 or more
    assert tiny["groups"].sum() == 0 and scale_from_counts(tiny) == 4.0


def test_interval_widening_is_learned_per_direction_from_earlier_origins_only():
    """Simulated truth: openings are forecast with errors and too narrow a spread, closings
    exactly. Each direction gets its own widening, learned from origins three or more years
    earlier (or from a history such as a backtest's warm-up origins), never from later ones."""
    from stabilis.forecast.backtest import calibrate_intervals

    wrong = _simulated(4, error=0.6, spread=0.05).assign(outcome="electoral_up", iso3="X")
    exact = _simulated(5, error=0.0, spread=0.3).assign(outcome="electoral_down", iso3="X")
    frame = pd.concat([wrong, exact], ignore_index=True)
    frame["iso3"] = [f"C{i}" for i in range(len(frame))]  # one row per country and outcome
    out = calibrate_intervals(frame)
    scale = out.groupby(["outcome", "origin"])["interval_scale"].first()
    assert scale.loc["electoral_up"].loc[2000:2002].eq(1.0).all()  # nothing known yet
    assert scale.loc["electoral_up"].loc[2003:].gt(1.5).all()
    assert scale.loc["electoral_down"].eq(1.0).all()
    assert (out["upper"] >= out["member_upper"] - 1e-12).all()
    # what happened at or after t - 2 does not move origin t's widening
    late = frame.copy()
    late.loc[late["origin"] >= 2007, "realised"] = ~late.loc[late["origin"] >= 2007, "realised"]
    again = calibrate_intervals(late).groupby(["outcome", "origin"])["interval_scale"].first()
    assert again.equals(scale)  # the simulated origins end in 2009
    # and only the ``window`` most recent realised origins count: with a window of 3, origin
    # 2009 reads 2004-2006, so spoiling 2000-2003 changes 2007 (reads 2002-2004), not 2009
    spoilt = frame.copy()
    early_rows = spoilt["origin"] <= 2003
    spoilt.loc[early_rows, "realised"] = ~spoilt.loc[early_rows, "realised"]

    def closings(data: pd.DataFrame) -> pd.Series:  # the exact forecasts: widening 1.0
        out = calibrate_intervals(data, window=3)
        return out[out["outcome"] == "electoral_down"].groupby("origin")["interval_scale"].first()

    assert closings(spoilt).loc[2009] == closings(frame).loc[2009] == 1.0
    assert closings(spoilt).loc[2007] > 1.0
    # a history (e.g. warm-up origins) gives the first origins a widening too
    history = wrong.assign(origin=wrong["origin"] - 10, iso3=[f"H{i}" for i in range(len(wrong))])
    early = calibrate_intervals(
        frame, history=history.drop(columns=["member_lower", "member_upper"])
    )
    assert early.loc[early["outcome"] == "electoral_up", "interval_scale"].gt(1.5).all()
