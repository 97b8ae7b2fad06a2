"""A country's threat profile: its hostile-signal series side by side, with coverage and provenance.

The yearly table has, per year, each cyber source's count — ``dcid`` (DCID operations),
``eurepoc`` (EuRepoC incidents), ``cfr`` (CFR operations) — each with its ``*_status``
(covered, partial, not covered; :mod:`stabilis.threats.coverage`), the reconciled
``cyber_incidents`` (duplicates across sources counted once) and the sources that cover the year
(``covered_by``; ``cyber_operations`` repeats ``dcid`` under its earlier name), ``disinfo_cases``
with ``disinfo_status``, and the GDELT event pipeline's
``hostile_events``/``hostile_mentions``/``goldstein_mean``/``tone_mean`` when event files have
been aggregated. A count outside its source's coverage is missing and its status says "not
covered": :meth:`ThreatProfile.display_yearly` shows it so, never as 0.

The profile also carries the reconciled incident list (with the source(s) of each record), the
initiators, the most frequent disinformation keywords, the country's alerts, the coverage rules
and a provenance table naming the snapshot behind every signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.results import TableResult
from stabilis.threats.coverage import NOT_COVERED

if TYPE_CHECKING:
    import pandas as pd

COUNT_STATUS = {
    "dcid": "dcid_status",
    "eurepoc": "eurepoc_status",
    "cfr": "cfr_status",
    "disinfo_cases": "disinfo_status",
}
#: The yearly signals of the long form, and the source of each with one source.
SIGNALS = ("dcid", "eurepoc", "cfr", "cyber_incidents", "disinfo_cases", "hostile_events",
           "hostile_mentions", "goldstein_mean", "tone_mean")  # fmt: skip
SIGNAL_SOURCES = {"dcid": "dcid", "eurepoc": "eurepoc", "cfr": "cfr",
                  "disinfo_cases": "euvsdisinfo", **dict.fromkeys(SIGNALS[5:], "gdelt")}  # fmt: skip
YEARLY_COLUMNS = [
    "year", "dcid", "dcid_status", "eurepoc", "eurepoc_status", "cfr", "cfr_status",
    "cyber_incidents", "covered_by", "fully_covered_by", "disinfo_cases", "disinfo_status",
    "hostile_events", "hostile_mentions", "goldstein_mean", "tone_mean", "cyber_operations",
]  # fmt: skip


@dataclass(frozen=True)
class ThreatProfile(TableResult):
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
    coverage: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "year", "measure")

    def table(self) -> pd.DataFrame:
        """The yearly signals, one row per year (counts missing where not covered): what the
        API returns."""
        return self.yearly

    def tidy(self) -> pd.DataFrame:
        """One row per year × signal: ``iso3, year, measure, value, status, source`` — the
        count missing where its source does not cover the year, ``status`` saying so for the
        sources with a coverage rule; ``source`` the reconciled sources for
        ``cyber_incidents``. (``cyber_operations`` repeats ``dcid``: it is in :meth:`table`.)"""
        from stabilis.results import long_frame

        yearly = self.yearly.assign(iso3=self.iso3)
        for measure, source in SIGNAL_SOURCES.items():
            yearly[f"_source_{measure}"] = source
        sources = {m: f"_source_{m}" for m in SIGNAL_SOURCES}
        beside = {"status": COUNT_STATUS, "source": {**sources, "cyber_incidents": "covered_by"}}
        return long_frame(yearly, ("iso3", "year"), SIGNALS, beside=beside)

    def display_yearly(self) -> pd.DataFrame:
        """The yearly table as text: "not covered" where a source does not cover the year."""
        import pandas as pd

        from stabilis.threats.signals import status_text

        y = self.yearly
        out = y[["year"]].copy()
        for column, status in COUNT_STATUS.items():
            out[column] = [status_text(v, s) for v, s in zip(y[column], y[status], strict=True)]
        out["cyber_incidents"] = [
            NOT_COVERED if not by else f"{int(v):,}"
            for v, by in zip(y["cyber_incidents"], y["covered_by"], strict=True)
        ]
        out["covered_by"] = y["covered_by"]
        out["hostile_events"] = [
            "" if pd.isna(v) else f"{int(v):,}" for v in y["hostile_events"].astype(object)
        ]
        return out

    def summary(self) -> str:
        """The country's threat picture in sentences (a count outside coverage is not zero)."""
        m = self.meta()

        def count(value: int | None, what: str) -> str:
            return f"{what} not covered" if value is None else f"{value:,} {what}"

        text = (
            f"{self.name}: {count(m['cyber_incidents'], 'cyber incidents')} "
            f"({m['cyber_incidents_multi_source']} reported by more than one source), "
            f"{count(m['disinfo_cases'], 'disinformation cases')}, "
            f"{count(m['hostile_events'], 'hostile events')}; {m['alerts']} alerts."
        )
        if m["top_initiators"]:
            text += f" Most frequent initiators: {', '.join(m['top_initiators'])}."
        return text

    def meta(self) -> dict[str, Any]:
        """Totals, coverage status, top initiators and keywords, snapshots, notes."""
        y = self.yearly

        def total(column: str) -> int | None:
            values = y[column].dropna()
            return int(values.sum()) if len(values) else None

        inc = self.cyber_incidents
        return {
            "iso3": self.iso3,
            "name": self.name,
            "status": self.status,
            "cyber_incidents": total("cyber_incidents"),
            "cyber_operations": total("dcid"),
            "cyber_incidents_multi_source": int((inc["n_sources"] > 1).sum()) if len(inc) else 0,
            "dcid_covered": bool((y["dcid_status"] != NOT_COVERED).any()),
            "top_initiators": list(self.cyber_initiators["initiator"].head(3)),
            "disinfo_cases": total("disinfo_cases"),
            "top_keywords": list(self.disinfo_keywords["keyword"].head(5)),
            "hostile_events": total("hostile_events"),
            "alerts": len(self.alerts),
            "coverage": self.coverage,
            "snapshots": sorted(set(self.provenance["snapshot"].dropna())),
            "notes": self.notes,
        }


def yearly_signals(
    cyber: pd.DataFrame, disinfo: pd.DataFrame, events_yearly: pd.DataFrame | None
) -> pd.DataFrame:
    """Join the cyber, disinformation and event series of one country by year."""
    import numpy as np
    import pandas as pd

    out = cyber.drop(columns=["iso3"]).merge(disinfo.drop(columns=["iso3"]), on="year", how="left")
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
    # The name of the DCID count before the sources were reconciled (the country brief reads it).
    out["cyber_operations"] = out["dcid"]
    return out[YEARLY_COLUMNS]
