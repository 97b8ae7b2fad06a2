"""Walk-forward recalibration: a map learned on past origins' out-of-sample forecasts.

Each model is already Platt-calibrated on an inner time split of its own training rows, but
those rows are years older than the origin and the event rates drift, so the pooled forecasts
of the backtest can still be off by a few points where they are large. For origin t the map
is fitted on the realised forecasts of origins up to t − ``wait`` only (their two-year targets,
including the year ERT-lite's rule (c) reads, are known by t; ``wait = 3``), from an earlier
backtest (``history``) and from the forecasts themselves, so no forecast is recalibrated with
a target unknown at its origin. A live run takes its map from the newest archived backtest.

Maps are fitted per *group*: the openings of the six spaces pooled, the closings pooled, and
each further target alone. The point forecast and every interval bound go through the same
monotone map, so the interval keeps its meaning; run it before
:func:`~stabilis.forecast.backtest.calibrate_intervals` widens the interval. Forecasts set to 0 by the bounds rule stay 0
and are not used to fit. The model's own probability is kept in ``p_model`` (and
``lower_model``/``upper_model``), which is what later origins learn from.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from stabilis.errors import QueryError
from stabilis.forecast.models import CALIBRATIONS, Calibration, Calibrator
from stabilis.forecast.targets import resolve_outcomes

if TYPE_CHECKING:
    import pandas as pd

#: Fewest realised events a group needs before its map is fitted (else it is left alone).
MIN_EVENTS = 30


def recalibration_group(outcome_keys: pd.Series) -> np.ndarray:
    """``up``/``down`` for the space outcomes (pooled over spaces), else the outcome key."""
    known = {o.key: o for o in resolve_outcomes(None)}
    return np.asarray(
        [known[k].direction if known[k].space is not None else k for k in outcome_keys]
    )


def _model_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``p_model``/``lower_model``/``upper_model`` present (copied from p…)."""
    out = frame.copy()
    for column in ("p", "lower", "upper"):
        if f"{column}_model" not in out.columns:
            out[f"{column}_model"] = out[column]
    return out


def recalibrate(
    forecasts: pd.DataFrame,
    history: pd.DataFrame | None = None,
    *,
    method: Calibration = "platt",
    wait: int = 3,
    min_events: int = MIN_EVENTS,
) -> pd.DataFrame:
    """Forecasts passed through the walk-forward map of their origin and group.

    ``recalibrated`` says per row whether a map was applied (False where fewer than
    ``min_events`` realised events of earlier origins were available). ``method="none"``
    returns the forecasts unchanged apart from the ``*_model`` columns.
    """
    import pandas as pd

    if method not in CALIBRATIONS:
        raise QueryError(
            f"recalibration must be one of {', '.join(CALIBRATIONS)} (got '{method}')."
        )
    frame = _model_columns(forecasts)
    frame["recalibrated"] = False
    if method == "none" or frame.empty:
        return frame
    pool = frame if history is None else pd.concat(
        [_model_columns(history), frame], ignore_index=True
    )  # fmt: skip
    pool = pool.drop_duplicates(["outcome", "origin", "iso3"], keep="last")
    pool = pool[pool["realised"].notna() & (pool["p_model"] > 0)]
    pool_group = recalibration_group(pool["outcome"])
    group = recalibration_group(frame["outcome"])
    # the map reads the model's own probabilities, not an earlier recalibration's
    base = {c: frame[f"{c}_model"].to_numpy(dtype=float) for c in ("p", "lower", "upper")}
    out = {column: values.copy() for column, values in base.items()}
    done = np.zeros(len(frame), dtype=bool)
    origins = frame["origin"].to_numpy()
    for origin in np.unique(origins):
        earlier = pool["origin"].to_numpy() <= origin - wait
        for name in np.unique(group[origins == origin]):
            fit_rows = earlier & (pool_group == name)
            y = pool["realised"].to_numpy(dtype=float)[fit_rows]
            if y.sum() < min_events or (1 - y).sum() < min_events:
                continue
            calibrator = Calibrator(method).fit(pool["p_model"].to_numpy(dtype=float)[fit_rows], y)
            rows = (origins == origin) & (group == name)
            for column, values in base.items():
                mapped = calibrator.transform(values[rows])
                out[column][rows] = np.where(values[rows] > 0, mapped, 0.0)
            done[rows] = True
    for column, values in out.items():
        frame[column] = values
    frame["recalibrated"] = done
    return frame
