"""Coverage as data: not covered is never 0, and alerts use covered periods only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from stabilis.threats import alerts, coverage, signals


def test_status_follows_countries_and_years() -> None:
    dcid = coverage.SourceCoverage("dcid", 2000, 2020, (2021,), frozenset({"EST"}))
    assert dcid.status("EST", 2007) == coverage.COVERED
    assert dcid.status("EST", 2021) == coverage.PARTIAL
    assert dcid.status("EST", 2022) == coverage.NOT_COVERED
    assert dcid.status("MDA", 2007) == coverage.NOT_COVERED
    assert coverage.monthly_status(coverage.DISINFO, "MDA", 2021, 1) == coverage.COVERED
    assert coverage.monthly_status(coverage.DISINFO, "MDA", 2021, 2) == coverage.PARTIAL
    assert coverage.monthly_status(coverage.DISINFO, "MDA", 2021, 3) == coverage.NOT_COVERED


def test_a_count_outside_coverage_is_missing_and_shown_as_not_covered() -> None:
    covs = {
        "dcid": coverage.SourceCoverage("dcid", 2000, 2020, countries=frozenset({"EST"})),
        "eurepoc": coverage.EUREPOC,
        "cfr": coverage.CFR,
    }
    records = pd.DataFrame(
        {"source": ["eurepoc"], "source_id": ["1"], "target_iso3": ["MDA"], "year": [2022]}
    )
    incs = pd.DataFrame({"target_iso3": ["MDA"], "year": [2022]})
    out = signals.cyber_yearly(records, incs, covs, ["MDA", "EST"], (2003, 2023)).set_index(
        ["iso3", "year"]
    )
    assert out.loc[("MDA", 2022), "eurepoc"] == 1
    assert out["dcid"].loc["MDA"].isna().all()
    assert (out["dcid_status"].loc["MDA"] == "not covered").all()
    assert out.loc[("EST", 2010), "dcid"] == 0  # covered and nothing found: a real zero
    assert pd.isna(out.loc[("MDA", 2004), "cfr"])  # before CFR starts
    assert signals.status_text(out.loc[("MDA", 2004), "cfr"], "not covered") == "not covered"
    assert signals.status_text(0, "partial") == "0 (partial)"


def test_uncovered_periods_never_alert_nor_count_as_history() -> None:
    rule = alerts.AlertRule(window=4, min_history=4, min_count=2, unit="years")
    values = [0, 0, 0, 0, 9, 9]
    frame = pd.DataFrame(
        {
            "iso3": "AAA",
            "year": range(2000, 2006),
            "value": values,
            "covered": [True, True, False, True, True, True],
        }
    )
    out = alerts.scored_series(frame, "value", ["year"], rule, "covered")
    # 2004 has only three covered years behind it; 2005's window includes 2004's 9.
    assert not out["alert"].any()
    assert np.isnan(out.loc[2, "z"])


def test_a_source_that_widens_at_once_raises_no_alert() -> None:
    rule = alerts.AlertRule(window=4, min_history=4, min_count=2, unit="years")
    rows = []
    for c in range(10):
        for y in range(2000, 2006):
            # The source starts reporting on every country in 2004: a coverage change.
            rows.append((f"C{c:02d}", y, 5 if y >= 2004 else (5 if c == 0 else 0)))
    frame = pd.DataFrame(rows, columns=["iso3", "year", "value"]).assign(covered=True)
    out = alerts.scored_series(frame, "value", ["year"], rule, "covered")
    assert out[out["year"] == 2004]["suppressed"].all()
    assert not out["alert"].any()
    # A single country's spike is not a coverage change.
    frame.loc[(frame["iso3"] == "C01") & (frame["year"] >= 2004), "value"] = 0
    frame.loc[(frame["iso3"] != "C00") & (frame["year"] >= 2004), "value"] = 0
    frame.loc[(frame["iso3"] == "C05") & (frame["year"] == 2005), "value"] = 9
    out = alerts.scored_series(frame, "value", ["year"], rule, "covered")
    assert list(out.loc[out["alert"], "iso3"]) == ["C05"]


def test_in_a_widening_period_a_country_whose_share_jumps_still_alerts() -> None:
    rule = alerts.AlertRule(window=4, min_history=4, min_count=2, unit="years")
    rows = []
    for c in range(10):
        for y in range(2000, 2006):
            base = 2 if c < 3 else 0  # three countries reported on from the start
            widened = 2 if y == 2005 else base  # in 2005 the source reports on all ten
            rows.append((f"C{c:02d}", y, widened))
    frame = pd.DataFrame(rows, columns=["iso3", "year", "value"]).assign(covered=True)
    frame.loc[(frame["iso3"] == "C00") & (frame["year"] == 2005), "value"] = 30
    out = alerts.scored_series(frame, "value", ["year"], rule, "covered")
    widened = out[out["year"] == 2005]
    assert widened["suppressed"].all()
    assert list(out.loc[out["alert"], "iso3"]) == ["C00"]  # its share jumped; the rest widened
