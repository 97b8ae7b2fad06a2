"""results.long_frame: a wide table as one row per unit x measure (made-up numbers)."""

from __future__ import annotations

import pandas as pd

from stabilis.results import keys_first, long_frame


def test_a_units_rows_stay_together_with_companions_beside_their_measure_only():
    wide = pd.DataFrame(
        {"iso3": ["XXA", "XXB"], "p": [0.4, None], "q": [2, 3], "p_lo": [0.1, None]}
    )
    out = long_frame(
        wide,
        ["iso3"],
        ["p", "q"],
        beside={"lower": {"p": "p_lo"}},
        described={"unit": {"p": "0-1"}},
    )
    assert list(out.columns) == ["iso3", "measure", "value", "lower", "unit"]
    assert list(zip(out["iso3"], out["measure"], strict=True)) == [
        ("XXA", "p"), ("XXA", "q"), ("XXB", "p"), ("XXB", "q"),
    ]  # fmt: skip
    assert out["value"].tolist()[:2] == [0.4, 2.0] and pd.isna(out.loc[2, "value"])
    assert out.loc[0, "lower"] == 0.1 and out["lower"].iloc[1:].isna().all()
    assert out["unit"].tolist()[::2] == ["0-1", "0-1"] and out["unit"].iloc[1::2].isna().all()
    assert isinstance(out.index, pd.RangeIndex)


def test_an_empty_table_gives_an_empty_long_frame_with_its_columns():
    wide = pd.DataFrame({"iso3": [], "p": [], "p_lo": []})
    out = long_frame(wide, ["iso3"], ["p"], beside={"lower": {"p": "p_lo"}})
    assert out.empty and list(out.columns) == ["iso3", "measure", "value", "lower"]


def test_keys_first_moves_the_keys_to_the_front():
    frame = pd.DataFrame({"a": [1], "k2": [2], "k1": [3]}, index=[7])
    out = keys_first(frame, ("k1", "k2"))
    assert list(out.columns) == ["k1", "k2", "a"] and list(out.index) == [0]
