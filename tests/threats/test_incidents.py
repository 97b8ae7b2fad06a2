"""The reconciled cyber-incident table: the matching rule on records written here."""

from __future__ import annotations

import pandas as pd

from stabilis.threats import incidents


def _records(rows: list[tuple[str, str, str, str, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(
        rows, columns=["source", "source_id", "name", "start_date", "target_iso3", "initiators"]
    )
    dates = pd.to_datetime(frame["start_date"])
    frame["year"] = dates.dt.year.astype("Int64")
    frame["month"] = dates.dt.month.astype("Int64")
    for column in ("type", "objective", "attribution", "receiver_categories", "snapshot"):
        frame[column] = "x"
    frame["severity"] = 1.0
    frame["severity_scale"] = ""
    frame["record_id"] = frame["source"] + ":" + frame["source_id"] + ":" + frame["target_iso3"]
    return frame[incidents.RECORD_COLUMNS]


def test_same_target_initiator_and_close_dates_are_one_incident() -> None:
    recs = _records(
        [
            ("dcid", "1", "Bundestag breach/Fancy Bear", "2015-05-28", "DEU", "RUS"),
            ("eurepoc", "7", "Bundestag hack", "2015-05-30", "DEU", "RUS"),
            ("cfr", "3", "Compromise of the German parliament", "2015-05-29", "DEU", "RUS"),
        ]
    )
    result = incidents.reconcile(recs)
    assert len(result.incidents) == 1
    assert result.incidents["sources"].iloc[0] == "dcid;eurepoc;cfr"
    assert result.incidents["n_sources"].iloc[0] == 3


def test_other_initiator_other_target_or_far_dates_stay_apart() -> None:
    recs = _records(
        [
            ("dcid", "1", "Op A", "2015-05-28", "DEU", "RUS"),
            ("eurepoc", "2", "Op B", "2015-05-28", "DEU", "CHN"),  # other initiator
            ("eurepoc", "3", "Op C", "2015-05-28", "FRA", "RUS"),  # other target
            ("cfr", "4", "Op A again", "2015-08-28", "DEU", "RUS"),  # 92 days later
            ("cfr", "5", "Op D", "2015-05-28", "DEU", ""),  # no initiator: never matched
        ]
    )
    result = incidents.reconcile(recs)
    assert len(result.incidents) == 5
    assert result.matches.empty


def test_month_precision_dates_need_a_shared_distinctive_word() -> None:
    recs = _records(
        [
            ("dcid", "1", "Saffron Rose SA", "2015-04-01", "SAU", "IRN"),
            ("eurepoc", "2", "Yemen CyberArmy vs. Al-hayat", "2015-04-01", "SAU", "IRN"),
            ("dcid", "3", "Operation Orchard", "2007-09-06", "SYR", "ISR"),
            ("eurepoc", "4", "Operation Orchard 2007", "2007-09-20", "SYR", "ISR"),
        ]
    )
    result = incidents.reconcile(recs)
    merged = result.incidents[result.incidents["n_sources"] > 1]
    assert list(merged["target_iso3"]) == ["SYR"]  # "orchard" is shared; SAU's names share none
    assert incidents.name_words("Targeting of Ukrainian state entities") == frozenset()


def test_matching_is_one_to_one_closest_date_first() -> None:
    recs = _records(
        [
            ("dcid", "1", "x", "2016-12-17", "UKR", "RUS"),
            ("eurepoc", "2", "y", "2016-12-19", "UKR", "RUS"),
            ("eurepoc", "3", "z", "2016-12-18", "UKR", "RUS"),
        ]
    )
    result = incidents.reconcile(recs)
    assert list(result.matches["record_b"]) == ["eurepoc:3:UKR"]
    report = result.report()
    assert report.set_index("source").loc["dcid", "matched_eurepoc"] == 1
