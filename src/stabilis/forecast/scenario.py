"""Scenarios: a live forecast recomputed with changed inputs ("what if judicial constraints fell
by 0.1 and the IPAP ended?").

A change is written ``CODE=VALUE``. ``CODE`` is an input indicator (``vdem.v2x_jucon``,
``nato.ipap``, ``demspaces.v2xcl_rol``) or its bare V-Dem name (``v2x_jucon``); ``VALUE`` with
an explicit sign (``-0.1``, ``+0.05``) is a change from the country's value at the origin, and
without one (``0``, ``0.45``) is the new value. The input is replaced where it enters the origin
row (after lagging: the spaces' 2023 values for a 2024 origin), every feature derived from it
(changes, distance from the 10-year high, event history) is rebuilt, and the models *stored with
the archived run* score the changed row. Nothing is refitted, so a scenario moves only the
forecast, never the model.

A value outside the range the indicator has taken in the warehouse (any country, any year) is
refused: the models have never seen it, and trees extrapolate flat. The change in each
outcome's probability comes with the 10th-90th percentile of the change across the ensemble's
members (how much the change depends on which countries trained the model).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

_CHANGE = re.compile(r"^\s*(?P<code>[A-Za-z0-9_.]+)\s*=\s*(?P<value>[+-]?\d*\.?\d+(?:e-?\d+)?)\s*$")
_PREFIXES = ("vdem.", "demspaces.", "fh.", "wgi.", "wdi.", "nato.", "ptcoups.")


@dataclass(frozen=True)
class Change:
    """One requested change: the indicator, the value given, and whether it is relative."""

    code: str
    value: float
    relative: bool

    def text(self) -> str:
        return f"{self.code}{'' if not self.relative else ' by'} {self.value:+g}" if self.relative \
            else f"{self.code} = {self.value:g}"  # fmt: skip


def parse_changes(items: Sequence[str], known: Sequence[str]) -> list[Change]:
    """``["v2x_jucon=-0.1", "nato.ipap=0"]`` → changes on known indicator codes."""
    if not items:
        raise QueryError("Give at least one change, e.g. --set v2x_jucon=-0.1 --set nato.ipap=0.")
    names = set(known)
    out = []
    for item in items:
        match = _CHANGE.match(item)
        if not match:
            raise QueryError(
                f"Cannot read the change '{item}': write CODE=VALUE, e.g. v2x_jucon=-0.1 (a signed "
                "value is a change from the current value) or nato.ipap=0 (a new value).",
                details={"parameter": "set", "value": item},
            )
        code = match["code"]
        if code not in names:
            code = next((p + code for p in _PREFIXES if p + code in names), code)
        if code not in names:
            close = sorted(n for n in names if match["code"].split(".")[-1] in n)[:5]
            raise QueryError(
                f"'{match['code']}' is not a forecast input."
                + (f" Did you mean {', '.join(close)}?" if close else
                   " Inputs are V-Dem indices (v2x_jucon), fh.pr, wgi.*, nato.* and the spaces."),
                details={"parameter": "set", "value": item},
            )  # fmt: skip
        raw = match["value"]
        out.append(Change(code, float(raw), relative=raw[0] in "+-"))
    return out


@dataclass
class Scenario:
    """The outcome of a scenario: per outcome the probability before and after, the change and
    its interval; the inputs as changed; and the drivers whose contributions moved most."""

    #: The columns that identify a row of :meth:`tidy` (first, unique per row).
    TIDY_KEYS = ("iso3", "outcome")

    iso3: str
    as_of: int
    archive_id: str
    changes: pd.DataFrame
    outcomes: pd.DataFrame
    drivers: pd.DataFrame
    info: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per outcome: the probability before and after, the change and its interval."""
        return self.outcomes.copy()

    def meta(self) -> dict[str, Any]:
        """The scenario's settings: country, origin, archive entry, the inputs as changed."""
        from stabilis.panel.serialise import jsonable, records

        return {
            "iso3": self.iso3,
            "as_of": self.as_of,
            "archive_id": self.archive_id,
            "changes": records(self.changes),
            **jsonable(self.info),
        }

    def to_dict(self) -> dict[str, Any]:
        from stabilis.panel.serialise import records

        return {**self.meta(), "outcomes": records(self.outcomes),
                "drivers": records(self.drivers)}  # fmt: skip

    def summary(self) -> str:
        lines = [
            f"Scenario for {self.iso3}, origin {self.as_of} (models of archive entry "
            f"{self.archive_id}; nothing refitted):"
        ]
        for row in self.changes.to_dict(orient="records"):
            lines.append(f"  {row['indicator']}: {row['before']:.3f} -> {row['after']:.3f}")
        return "\n".join(lines)


def observed_ranges(panel: pd.DataFrame, codes: Sequence[str]) -> dict[str, tuple[float, float]]:
    """The smallest and largest value each indicator takes in the warehouse."""
    out = {}
    for code in codes:
        values = panel[code].dropna()
        if len(values):
            out[code] = (float(values.min()), float(values.max()))
    return out


def resolve_values(
    changes: Sequence[Change], current: Mapping[str, float],
    ranges: Mapping[str, tuple[float, float]], iso3: str, year: int,
) -> dict[str, float]:  # fmt: skip
    """New values per indicator; refuses a value outside the indicator's observed range."""
    out: dict[str, float] = {}
    for change in changes:
        now = current.get(change.code, float("nan"))
        if change.relative and np.isnan(now):
            raise QueryError(
                f"{iso3} has no value of {change.code} entering its {year} forecast, so it cannot "
                f"change by {change.value:+g}; give a new value instead ({change.code}=VALUE).",
                details={"parameter": "set", "value": change.code},
            )
        value = now + change.value if change.relative else change.value
        low, high = ranges.get(change.code, (float("-inf"), float("inf")))
        if not low - 1e-12 <= value <= high + 1e-12:
            raise QueryError(
                f"{change.code} = {value:.4g} for {iso3} is outside the range the data have ever "
                f"taken ({low:.4g} to {high:.4g}); the models cannot say what it would mean. "
                "Choose a value inside that range.",
                details={"parameter": "set", "value": change.code, "minimum": low,
                         "maximum": high, "requested": value},
            )  # fmt: skip
        out[change.code] = float(value)
    return out


def member_probabilities(model: Any, X: pd.DataFrame) -> np.ndarray:
    """Calibrated probabilities per ensemble member (rows: members), or the point for a model
    without members."""
    if hasattr(model, "_member_probabilities"):
        return np.asarray(model._member_probabilities(X))
    return np.asarray(model.predict_proba(X)).reshape(1, -1)
