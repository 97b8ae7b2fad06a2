"""make demo reuses an archived forecast set made by the same code, settings and snapshots."""

from __future__ import annotations

import pandas as pd

from stabilis.forecast.archive import ForecastArchive
from stabilis.forecast.design import ForecastConfig


def _snapshots(*digests: str) -> pd.DataFrame:
    return pd.DataFrame({"source": ["vdem"] * len(digests), "sha256": list(digests)})


def test_an_archived_backtest_with_the_same_inputs_is_found_and_another_is_not(tmp_path):
    archive = ForecastArchive(tmp_path)
    config = ForecastConfig()
    forecasts = pd.DataFrame({"iso3": ["GEO"], "p": [0.2]})
    saved = archive.save(
        forecasts, kind="backtest", as_of=None, snapshots=_snapshots("a", "b"), config=config
    )
    found = archive.find_same("backtest", snapshots=_snapshots("b", "a"), config=config)
    assert found is not None and found.id == saved.id
    assert archive.find_same("run", snapshots=_snapshots("a", "b"), config=config) is None
    assert archive.find_same("backtest", snapshots=_snapshots("a", "c"), config=config) is None
    other = ForecastConfig(n_estimators=config.n_estimators + 1)
    assert archive.find_same("backtest", snapshots=_snapshots("a", "b"), config=other) is None
