"""The one frame-to-JSON conversion: what the API and the CLI's --json both write."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stabilis.panel.serialise import encode, jsonable, records


def test_missing_values_dates_and_numpy_numbers_become_plain_json():
    frame = pd.DataFrame(
        {
            "iso3": ["GEO", "UKR"],
            "p": [0.25, np.nan],
            "n": np.array([3, 4], dtype="int64"),
            "when": pd.to_datetime(["2024-01-31", None]),
            "flag": pd.array([True, None], dtype="boolean"),
        }
    )
    assert records(frame) == [
        {"iso3": "GEO", "p": 0.25, "n": 3, "when": "2024-01-31T00:00:00.000", "flag": True},
        {"iso3": "UKR", "p": None, "n": 4, "when": None, "flag": None},
    ]
    assert records(frame.iloc[:0]) == [] and records(None) == []


def test_any_payload_is_written_without_nan_or_infinity():
    payload = {
        "ratio": float("inf"),
        "gap": np.float64("nan"),
        "count": np.int64(7),
        "years": (1990, 2024),
        "built": pd.Timestamp("2026-12-01 12:00"),
        "file": Path("a/b.csv"),
        "table": pd.DataFrame({"x": [1.0, np.nan]}),
        "missing": pd.NA,
    }
    body = encode(payload)
    assert b"NaN" not in body and b"Infinity" not in body
    assert json.loads(body) == {
        "ratio": None, "gap": None, "count": 7, "years": [1990, 2024],
        "built": "2026-12-01T12:00:00", "file": "a/b.csv", "table": [{"x": 1.0}, {"x": None}],
        "missing": None,
    }  # fmt: skip
    assert jsonable(payload) == json.loads(body)


@pytest.mark.parametrize("indent", [None, 2])
def test_plain_payloads_take_the_fast_path_unchanged(indent):
    payload = {"data": [{"iso3": "GEO", "p": 0.1}], "meta": {"total": 1, "name": "Grúzia"}}
    assert (
        encode(payload, indent=indent)
        == json.dumps(payload, ensure_ascii=False, indent=indent).encode()
    )
