"""Early warning: forecasts of democratic opening and closing, and of instability.

Targets reproduce the V-Dem Democratic Spaces Barometer's (``targets``); features use only what
was known at each origin (``features``); splits refuse look-ahead (``origins``); LightGBM and a
logistic baseline are calibrated and carry intervals and contributions (``models``); the
walk-forward backtest (``backtest``) is scored by ``scoring``; every issued forecast is archived
with its provenance (``archive``). :class:`ForecastService` is the entry point.

Importing this package is light: pandas, scikit-learn and LightGBM load when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stabilis._lazy import lazy_exports

if TYPE_CHECKING:
    from stabilis.forecast.design import ForecastConfig
    from stabilis.forecast.origins import TimeSplit
    from stabilis.forecast.service import ForecastService
    from stabilis.forecast.targets import SPACES

__all__ = ["SPACES", "ForecastConfig", "ForecastService", "TimeSplit"]

_HOMES = {
    "ForecastConfig": "stabilis.forecast.design",
    "ForecastService": "stabilis.forecast.service",
    "TimeSplit": "stabilis.forecast.origins",
    "SPACES": "stabilis.forecast.targets",
}


__getattr__ = lazy_exports(__name__, _HOMES)
