"""Forecast origins and time splits as frozen value objects that refuse look-ahead.

A forecast issued at origin t uses data dated t or earlier and predicts the window
t+1 … t+horizon. A model may learn from country-year s only when s's own target is fully
observed by t: its window ends at s + horizon and the coder may still read ``lookahead`` years
beyond (ERT-lite's rule (c) reads x_{s+3} to decide the event in s+2), so

    s + horizon + lookahead <= t.

The Barometer's published walk-forward trains on s = t − 1, whose window (t, t+1) overlaps the
test window (t+1, t+2); :class:`TimeSplit` raises for that at construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import numpy as np

#: Earliest year a model learns from (the space data begin in 1968; two warm-up years).
FIRST_TRAIN_YEAR = 1970


@dataclass(frozen=True)
class TimeSplit:
    """Train on country-years ``train_first … train_last``; forecast from ``origin``.

    Raises :class:`~stabilis.errors.QueryError` when a training row's target window (plus the
    coder's ``lookahead``) reaches past the origin, i.e. would overlap what is forecast or use
    data not yet observed.
    """

    origin: int
    train_first: int
    train_last: int
    horizon: int = 2
    lookahead: int = 0

    def __post_init__(self) -> None:
        if self.horizon < 1 or self.lookahead < 0:
            raise QueryError(
                f"A split needs horizon >= 1 and lookahead >= 0 (got {self.horizon}, "
                f"{self.lookahead})."
            )
        if self.train_first > self.train_last:
            raise QueryError(
                f"The training years {self.train_first}-{self.train_last} are empty; start the "
                "backtest at a later origin."
            )
        observed = self.train_last + self.horizon + self.lookahead
        if observed > self.origin:
            raise QueryError(
                f"Look-ahead: training row {self.train_last} has a target observed only in "
                f"{observed}, after the origin {self.origin}. Train on years up to "
                f"{self.origin - self.horizon - self.lookahead}."
            )

    @classmethod
    def honest(
        cls,
        origin: int,
        *,
        horizon: int = 2,
        lookahead: int = 0,
        train_first: int = FIRST_TRAIN_YEAR,
    ) -> TimeSplit:
        """The split that uses every row whose target is known at ``origin``."""
        return cls(origin, train_first, origin - horizon - lookahead, horizon, lookahead)

    @property
    def window(self) -> tuple[int, int]:
        """The forecast years ``(origin + 1, origin + horizon)``."""
        return (self.origin + 1, self.origin + self.horizon)

    @property
    def for_years(self) -> str:
        """The window as the Barometer writes it: ``"2006 - 2007"``."""
        return f"{self.window[0]} - {self.window[1]}"

    def train_mask(self, years: np.ndarray) -> np.ndarray:
        """Rows a model may learn from."""
        return (years >= self.train_first) & (years <= self.train_last)

    def test_mask(self, years: np.ndarray) -> np.ndarray:
        """Rows forecast from this origin (the origin year's country-years)."""
        return years == self.origin

    def inner(self, holdout_years: int) -> TimeSplit:
        """A split inside the training years for calibration.

        The last ``holdout_years`` training years form the inner test block; the inner model
        learns from rows whose targets are observed by the block's first year, so its
        predictions on the block are as honest as the outer forecast.
        """
        first_held = self.train_last - holdout_years + 1
        return TimeSplit.honest(
            first_held, horizon=self.horizon, lookahead=self.lookahead, train_first=self.train_first
        )

    def holdout_mask(self, years: np.ndarray, holdout_years: int) -> np.ndarray:
        """Rows of the inner test block (the last ``holdout_years`` training years)."""
        return (years > self.train_last - holdout_years) & (years <= self.train_last)


def walk_forward(
    first: int,
    last: int,
    *,
    horizon: int = 2,
    lookahead: int = 0,
    train_first: int = FIRST_TRAIN_YEAR,
) -> tuple[TimeSplit, ...]:
    """Honest splits for every origin ``first … last``."""
    if first > last:
        raise QueryError(f"The origins {first}-{last} are reversed; give --from <= --to.")
    return tuple(
        TimeSplit.honest(t, horizon=horizon, lookahead=lookahead, train_first=train_first)
        for t in range(first, last + 1)
    )
