"""A country's threat profile: its hostile-signal series side by side, with their provenance.

Three signals, each in its own unit and over its own coverage (blank outside it, never zero):

* ``cyber_operations`` — DCID state-on-state cyber operations against the country (2000-2021),
  with ``cyber_severity_max`` (DCID 1-10);
* ``disinfo_cases`` — EUvsDisinfo cases naming the country (2015-01 to 2021-02);
* ``hostile_events`` / ``hostile_mentions`` / ``goldstein_mean`` / ``tone_mean`` — the GDELT event
  pipeline's yearly signal, when event files have been aggregated (``stabilis threats events``).

The profile also carries the incident and initiator lists, the most frequent disinformation
keywords, the country's alerts, and a provenance table naming the snapshot (source file, release,
sha256) or event files behind every signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

YEARLY_COLUMNS = [
    "year",
    "cyber_operations",
    "cyber_severity_max",
    "disinfo_cases",
    "hostile_events",
    "hostile_mentions",
    "goldstein_mean",
    "tone_mean",
]


@dataclass(frozen=True)
class ThreatProfile:
    """Everything Stabilis knows about hostile activity against one country."""

    iso3: str
    name: str
    status: dict[str, Any]
    yearly: pd.DataFrame
    cyber_incidents: pd.DataFrame
    cyber_initiators: pd.DataFrame
    disinfo_keywords: pd.DataFrame
    alerts: pd.DataFrame
    provenance: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """The yearly signals, one row per year."""
        return self.yearly

    def summary(self) -> dict[str, Any]:
        y = self.yearly

        def total(column: str) -> int | None:
            values = y[column].dropna()
            return int(values.sum()) if len(values) else None

        return {
            "iso3": self.iso3,
            "name": self.name,
            "status": self.status,
            "cyber_operations": total("cyber_operations"),
            "top_initiators": list(self.cyber_initiators["initiator"].head(3)),
            "disinfo_cases": total("disinfo_cases"),
            "top_keywords": list(self.disinfo_keywords["keyword"].head(5)),
            "hostile_events": total("hostile_events"),
            "alerts": len(self.alerts),
            "snapshots": sorted(set(self.provenance["snapshot"].dropna())),
            "notes": self.notes,
        }


def yearly_signals(
    cyber: pd.DataFrame,
    cyber_years: tuple[int, int],
    disinfo_months: pd.DataFrame,
    disinfo_years: tuple[int, int],
    events_yearly: pd.DataFrame | None,
) -> pd.DataFrame:
    """Join the three yearly series over the union of their coverage (blank outside each)."""
    import numpy as np
    import pandas as pd

    spans = [cyber_years, disinfo_years]
    if events_yearly is not None and len(events_yearly):
        spans.append((int(events_yearly["year"].min()), int(events_yearly["year"].max())))
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    out = pd.DataFrame({"year": np.arange(first, last + 1, dtype="int64")})
    c = cyber.set_index("year")
    inside = out["year"].between(*cyber_years)
    out["cyber_operations"] = (
        out["year"].map(c["operations"]).fillna(0).where(inside).astype("Int64")
    )
    out["cyber_severity_max"] = out["year"].map(c["severity_max"]).astype("Int64")
    d = disinfo_months.groupby("year")["cases"].sum()
    inside = out["year"].between(*disinfo_years)
    out["disinfo_cases"] = out["year"].map(d).fillna(0).where(inside).astype("Int64")
    if events_yearly is not None and len(events_yearly):
        e = events_yearly.set_index("year")
        inside = out["year"].between(int(e.index.min()), int(e.index.max()))
        out["hostile_events"] = out["year"].map(e["events"]).fillna(0).where(inside).astype("Int64")
        out["hostile_mentions"] = (
            out["year"].map(e["mentions"]).fillna(0).where(inside).astype("Int64")
        )
        out["goldstein_mean"] = out["year"].map(e["goldstein_mean"]).astype(float)
        out["tone_mean"] = out["year"].map(e["tone_mean"]).astype(float)
    else:
        for column in ("hostile_events", "hostile_mentions"):
            out[column] = pd.array([pd.NA] * len(out), dtype="Int64")
        out["goldstein_mean"] = np.nan
        out["tone_mean"] = np.nan
    return out[YEARLY_COLUMNS]
