"""Walk-forward recalibration: a map learned on past origins' out-of-sample forecasts.

Each model is already calibrated to the event rate of its last training years (an out-of-bag
shift, :mod:`~stabilis.forecast.models`), but those years are older than the origin and the
event rates drift, so the pooled forecasts
of the backtest can still be off by a few points where they are large. For origin t the map
is fitted on the realised forecasts of origins up to t − ``wait`` only (their two-year targets,
including the year ERT-lite's rule (c) reads, are known by t; ``wait = 3``), from an earlier
backtest (``history``) and from the forecasts themselves, so no forecast is recalibrated with
a target unknown at its origin. A live run takes its map from the newest archived backtest.

Three maps (``method``), measured on the benchmark's rows (docs/forecast.md):

``spread`` (default)  z' = a·z + b on the log-odds, with one slope a per group chosen from
                      0.50, 0.55, … 1.30 to minimise the log-loss of earlier origins, and b set
                      per origin so that the origin's mean forecast is unchanged. It corrects
                      how far the forecasts spread (they were too confident at the top) and
                      leaves their level, which already follows the drift of event rates, alone.
``platt`` / ``isotonic``  the full Platt or isotonic map of earlier origins (level too); they
                      carried stale event rates into later origins and did not help.

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
from stabilis.forecast.models import Calibrator, logit, shift_to_mean, sigmoid
from stabilis.forecast.targets import resolve_outcomes

if TYPE_CHECKING:
    import pandas as pd

#: Recalibration maps (``none`` leaves the model's probabilities).
RECALIBRATIONS = ("spread", "platt", "isotonic", "none")
#: Slopes the ``spread`` map chooses from.
SLOPES = tuple(round(0.5 + 0.05 * i, 2) for i in range(17))
#: Fewest realised events a group needs before its map is fitted (else it is left alone).
MIN_EVENTS = 30


def recalibration_group(outcome_keys: pd.Series) -> np.ndarray:
    """``up``/``down`` for the space outcomes (pooled over spaces); the three further targets
    are left as the model gives them (``""``: not recalibrated, their ECE was 0.004)."""
    known = {o.key: o for o in resolve_outcomes(None)}
    return np.asarray(
        [known[k].direction or "" if known[k].space is not None else "" for k in outcome_keys]
    )


def _model_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with ``p_model``/``lower_model``/``upper_model`` on every row (copied from
    p… where missing: rows never recalibrated, such as a backtest's warm-up origins joined to
    its forecasts)."""
    out = frame.copy()
    for column in ("p", "lower", "upper"):
        model = f"{column}_model"
        out[model] = out[model].fillna(out[column]) if model in out.columns else out[column]
    return out


def recalibrate(
    forecasts: pd.DataFrame,
    history: pd.DataFrame | None = None,
    *,
    method: str = "spread",
    wait: int = 3,
    min_events: int = MIN_EVENTS,
) -> pd.DataFrame:
    """Forecasts passed through the walk-forward map of their origin and group.

    ``recalibrated`` says per row whether a map was applied (False where fewer than
    ``min_events`` realised events of earlier origins were available); ``recal_slope`` and
    ``recal_shift`` are the map on the log-odds (z' = slope·z + shift; NaN for isotonic or no
    map), so a scenario can apply the same map. ``method="none"`` returns the forecasts
    unchanged apart from the ``*_model`` columns.
    """
    import pandas as pd

    if method not in RECALIBRATIONS:
        raise QueryError(
            f"recalibration must be one of {', '.join(RECALIBRATIONS)} (got '{method}')."
        )
    frame = _model_columns(forecasts)
    frame["recalibrated"] = False
    frame["recal_slope"], frame["recal_shift"] = np.nan, np.nan
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
    slopes, shifts = np.full(len(frame), np.nan), np.full(len(frame), np.nan)
    origins = frame["origin"].to_numpy()
    pool_origins = pool["origin"].to_numpy()
    pool_p = pool["p_model"].to_numpy(dtype=float)
    pool_y = pool["realised"].to_numpy(dtype=float)
    # each past origin's log-loss under every slope, computed once per group: the map of
    # origin t sums those of the origins up to t − wait (it was recomputed for every t)
    losses: dict[str, dict[int, np.ndarray]] = {}
    for origin in np.unique(origins):
        earlier = pool_origins <= origin - wait
        for name in np.unique(group[origins == origin]):
            if not name:
                continue
            fit_rows = earlier & (pool_group == name)
            y = pool_y[fit_rows]
            if y.sum() < min_events or (1 - y).sum() < min_events:
                continue
            past = pool_p[fit_rows]
            rows = (origins == origin) & (group == name)
            if method == "spread":
                if name not in losses:
                    mine = pool_group == name
                    losses[name] = origin_log_likelihoods(pool_p[mine], pool_y[mine],
                                                          pool_origins[mine])  # fmt: skip
                slope = slope_from_likelihoods(
                    [v for o, v in losses[name].items() if o <= origin - wait]
                )
                positive = base["p"][rows] > 0
                shift = level_shift(base["p"][rows][positive], slope)
                for column, values in base.items():
                    mapped = sigmoid(slope * logit(values[rows]) + shift)
                    out[column][rows] = np.where(values[rows] > 0, mapped, 0.0)
                slopes[rows], shifts[rows] = slope, shift
            else:
                calibrator = Calibrator(method).fit(past, y)  # type: ignore[arg-type]
                for column, values in base.items():
                    mapped = calibrator.transform(values[rows])
                    out[column][rows] = np.where(values[rows] > 0, mapped, 0.0)
                if method == "platt" and not calibrator.identity_:
                    slopes[rows], shifts[rows] = calibrator.coef_, calibrator.intercept_
            done[rows] = True
    for column, values in out.items():
        frame[column] = values
    frame["recalibrated"] = done
    frame["recal_slope"], frame["recal_shift"] = slopes, shifts
    return frame


def apply_map(p: np.ndarray, slope: float, shift: float) -> np.ndarray:
    """A stored map (``recal_slope``, ``recal_shift``) applied to probabilities; NaN = none."""
    p = np.asarray(p, dtype=float)
    if np.isnan(slope) or np.isnan(shift):
        return p
    return np.asarray(np.where(p > 0, sigmoid(slope * logit(p) + shift), 0.0))


def level_shift(p: np.ndarray, slope: float) -> float:
    """The b for which mean(sigmoid(slope·logit(p) + b)) equals mean(p) (bisection)."""
    if len(p) == 0 or slope == 1.0:
        return 0.0
    return shift_to_mean(slope * logit(p), float(np.mean(p)))


#: The slopes in the order they are tried (nearest to 1.0 first, so 1.0 wins ties).
_SLOPE_ORDER = tuple(sorted(SLOPES, key=lambda a: abs(a - 1.0)))


def origin_log_likelihoods(
    p: np.ndarray, y: np.ndarray, origins: np.ndarray
) -> dict[int, np.ndarray]:
    """Per origin (ascending), the log-likelihood of its realised forecasts under each slope's
    level-preserving map, in :data:`_SLOPE_ORDER`."""
    out: dict[int, np.ndarray] = {}
    for origin in np.unique(origins):
        here = origins == origin
        p_here, y_here = p[here], y[here]
        z = logit(p_here)
        sums = np.empty(len(_SLOPE_ORDER))
        for i, slope in enumerate(_SLOPE_ORDER):
            q = np.clip(sigmoid(slope * z + level_shift(p_here, slope)), 1e-6, 1 - 1e-6)
            sums[i] = float(np.sum(y_here * np.log(q) + (1 - y_here) * np.log(1 - q)))
        out[int(origin)] = sums
    return out


def slope_from_likelihoods(per_origin: list[np.ndarray]) -> float:
    """The slope in :data:`SLOPES` whose level-preserving map (per origin) gives the lowest
    log-loss summed over these origins' :func:`origin_log_likelihoods` (1.0, no change, wins
    ties)."""
    best, best_loss = 1.0, np.inf
    for i, slope in enumerate(_SLOPE_ORDER):
        loss = 0.0
        for sums in per_origin:
            loss -= float(sums[i])
        if loss < best_loss - 1e-9:
            best, best_loss = slope, loss
    return best
