"""Alerts: a signal that jumps well above its own recent history, with the rule stated.

**The rule.** For each country and signal (a count per month or per year), at period *t*::

    baseline median  m_t = median(x_{t-N} .. x_{t-1})
    baseline MAD     d_t = median(|x_{t-i} - m_t|, i = 1..N)
    robust z         z_t = (x_t - m_t) / max(1.4826 * d_t, s_min)

and an alert is raised when ``z_t >= 3.5`` **and** ``x_t >= min_count`` **and** at least
``min_history`` of the previous N periods are observed. 1.4826 makes the MAD a consistent
estimate of the standard deviation for normal data; 3.5 is Iglewicz and Hoaglin's cut-off for
the modified z-score. The floor ``s_min`` (one event by default) keeps a series that has been
flat — often at zero — from turning its first small blip into an infinite score; ``min_count``
keeps one or two records from raising an alert on their own. The window looks only backwards,
so an alert at *t* uses nothing after *t*.

Series must be complete inside their source's coverage (months with no case are zeros, months
outside the coverage are absent, not zero); the signal modules build them that way.

**Meaningful alerts.** Three rules keep artefacts out (:func:`scored_series`):

* *covered periods only*: a period a source does not fully cover (outside its span, a country
  it does not follow, a partial first or last period) is missing, so it neither alerts nor
  counts as history;
* *no alert from the first months of a series*: a source's series starts at its *effective
  start*, the first period whose total over all countries reaches a tenth of its median
  total (EUvsDisinfo: 2015-11, when it went from a handful of cases a month to 146), and
  ``min_history`` equals the window, so a series alerts at the earliest one full window after
  that (EUvsDisinfo from 2016-11, DCID from 2005);
* *no alert from a change in a source's coverage*: when the number of countries the source
  reports anything for in that period is itself an outlier against its own window (same
  rule), the source widened at once — a new collection effort or a change of coverage, not an
  event in one country (``suppressed`` says so). In such a period a country alerts only when
  its *share* of the source's records also jumps by the same rule (``share_z``; floor: one
  record's share of the period) and the source already reported on it (baseline median above
  zero): a uniform widening moves no share, a surge against one country does.

Each cyber source is scored on its own series (DCID operations, EuRepoC incidents, CFR
operations per target country and year), because their spans and coverage differ; the evidence
of an alert is the reconciled incident list of that country-year, with every record's sources.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.errors import QueryError
from stabilis.results import frame_records, keys_first

if TYPE_CHECKING:
    import pandas as pd

MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class AlertRule:
    """Parameters of the robust z-score rule (see the module docstring)."""

    window: int = 12
    threshold: float = 3.5
    min_count: int = 3
    min_history: int = 6
    min_scale: float = 1.0
    unit: str = "months"

    def __post_init__(self) -> None:
        if self.window < 2 or not 1 <= self.min_history <= self.window:
            raise QueryError(
                f"The alert window ({self.window}) must be at least 2 periods and min_history "
                f"({self.min_history}) between 1 and the window."
            )
        if self.threshold <= 0 or self.min_scale <= 0:
            raise QueryError("The alert threshold and the minimum scale must be positive.")

    def describe(self) -> str:
        return (
            f"robust z = (x - median of the previous {self.window} {self.unit}) / "
            f"max({MAD_TO_SD} x MAD of those {self.unit}, {self.min_scale:g}); alert when "
            f"z >= {self.threshold:g} and x >= {self.min_count} with at least "
            f"{self.min_history} previous {self.unit} observed"
        )

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "rule": self.describe()}


#: Default rules: monthly signals look back a year, yearly signals five years; a full window of
#: covered history is needed before a series can alert.
MONTHLY = AlertRule(window=12, min_history=12)
YEARLY = AlertRule(window=5, min_history=5, min_count=2, unit="years")


def robust_scores(
    frame: pd.DataFrame, value: str, order: list[str], rule: AlertRule
) -> pd.DataFrame:
    """Add ``baseline_median``, ``baseline_mad``, ``z`` and ``alert`` per ``iso3`` series.

    ``frame`` has ``iso3``, the ``order`` columns (e.g. ``["year", "month"]``) and ``value``;
    each country's rows must be consecutive periods (complete series).
    """
    import numpy as np

    out = frame.sort_values(["iso3", *order]).reset_index(drop=True)
    medians = np.full(len(out), np.nan)
    mads = np.full(len(out), np.nan)
    values = out[value].to_numpy(dtype=float)
    for _, index in out.groupby("iso3", sort=False).indices.items():
        x = values[index]
        for k in range(len(x)):
            past = x[max(0, k - rule.window) : k]
            past = past[~np.isnan(past)]
            if len(past) < rule.min_history:
                continue
            m = float(np.median(past))
            medians[index[k]] = m
            mads[index[k]] = float(np.median(np.abs(past - m)))
    out["baseline_median"] = medians
    out["baseline_mad"] = mads
    scale = np.maximum(MAD_TO_SD * mads, rule.min_scale)
    out["z"] = (values - medians) / scale
    out["alert"] = (out["z"] >= rule.threshold) & (values >= rule.min_count)
    return out


#: A source's series starts when its total over all countries first reaches this share of its
#: median total per period (EUvsDisinfo: 2015-11, when it published 146 cases after a handful
#: a month).
EFFECTIVE_START_SHARE = 0.1


def _after_effective_start(
    frame: pd.DataFrame, value: str, order: list[str], covered: str
) -> pd.Series:
    """True from the first period whose source-wide total reaches the effective-start share."""
    totals = frame[frame[covered]].groupby(order)[value].sum().sort_index()
    if totals.empty:
        return frame[covered]
    started = totals >= EFFECTIVE_START_SHARE * float(totals.median())
    first = totals.index[int(started.to_numpy().argmax())] if started.any() else None
    if first is None:
        return frame[covered] & False
    key = frame[order].apply(tuple, axis=1) if len(order) > 1 else frame[order[0]]
    return key >= first


def scored_series(
    frame: pd.DataFrame, value: str, order: list[str], rule: AlertRule, covered: str
) -> pd.DataFrame:
    """Robust scores on covered periods only, with source-wide jumps suppressed.

    ``frame`` has ``iso3``, the ``order`` columns, ``value`` and a boolean ``covered`` column
    (True where the source fully covers the country-period). Adds ``source_breadth`` (how many
    countries the source reports anything for in the period), ``source_z`` (its robust z against
    its own window, same rule) and ``suppressed`` (``source_z`` at or above the threshold: the
    source widened at once, a coverage change), and sets ``alert`` False where suppressed. One
    country moves the breadth by at most one, which the floor of one keeps below any threshold
    above 1, so a country's own spike never suppresses itself.
    """
    import numpy as np

    work = frame.copy()
    work[covered] = work[covered].astype(bool) & _after_effective_start(work, value, order, covered)
    work["_value"] = work[value].astype("float64").where(work[covered], np.nan)
    out = robust_scores(work, "_value", order, rule)
    breadth = (
        out[out[covered].astype(bool)]
        .assign(_reported=lambda f: f["_value"] > 0)
        .groupby(order)["_reported"]
        .sum()
        .rename("source_breadth")
    )
    scored = robust_scores(breadth.reset_index().assign(iso3="ALL"), "source_breadth", order, rule)
    scored = scored.rename(columns={"z": "source_z"})[[*order, "source_z"]]
    out = out.merge(breadth.reset_index(), on=order, how="left").merge(scored, on=order, how="left")
    out["suppressed"] = out["source_z"].fillna(0) >= rule.threshold
    # In a period when the source widened, a country still alerts when its *share* of the
    # source's records jumps by the same rule (floor: one record's share of that period).
    totals = out[out[covered].astype(bool)].groupby(order)["_value"].sum().rename("source_total")
    out = out.merge(totals.reset_index(), on=order, how="left")
    out["_share"] = out["_value"] / out["source_total"].where(out["source_total"] > 0)
    shares = robust_scores(out.assign(_row=np.arange(len(out))), "_share", order, rule)
    shares = shares.sort_values("_row")
    floor = 1.0 / out["source_total"].where(out["source_total"] > 0)
    scale = np.maximum(MAD_TO_SD * shares["baseline_mad"].to_numpy(), floor.to_numpy())
    out["share_z"] = (out["_share"].to_numpy() - shares["baseline_median"].to_numpy()) / scale
    # Only a country the source already reported on (baseline median above zero): a country
    # that first appears when the source widens may be the widening itself.
    share_alert = (out["share_z"].fillna(0) >= rule.threshold) & (out["baseline_median"] > 0)
    out["alert"] = out["alert"].fillna(False).astype(bool) & (~out["suppressed"] | share_alert)
    return out.drop(columns=["_value", "_share"])


#: Known episodes the backtest looks for: (iso3, year, what happened).
EPISODES = (
    ("EST", 2007, "DDoS campaign after the Bronze Soldier relocation (April-May 2007)"),
    ("GEO", 2008, "cyber attacks alongside the Russo-Georgian war (July-August 2008)"),
    ("UKR", 2014, "Crimea annexation, war in Donbas, CyberBerkut and the election attack"),
    ("UKR", 2022, "full-scale invasion: wipers, the Viasat hack, DDoS on government sites"),
)


@dataclass(frozen=True)
class Backtest:
    """The alert rule over the staged history: alerts per year and the known episodes."""

    alerts: pd.DataFrame
    per_year: pd.DataFrame
    episodes: pd.DataFrame

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("signal", "iso3", "period")

    def tidy(self) -> pd.DataFrame:
        """One row per alert raised over the history (signal, country, period, value, z)."""
        return keys_first(self.alerts, self.TIDY_KEYS)

    def summary(self) -> str:
        """How many alerts, over which years, and how many known episodes they flagged."""
        m = self.meta()
        span = f" over {m['years']}" if m["years"] else ""
        return (
            f"The alert rules raised {m['alerts']} alerts{span}; they flagged "
            f"{m['episodes_flagged']} of the {m['episodes_checked']} known episodes checked. "
            f"Monthly rule: {MONTHLY.describe()}. Yearly rule: {YEARLY.describe()}."
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "data": frame_records(self.tidy()),
            "meta": {**self.meta(), "per_year": frame_records(self.per_year),
                     "episodes": frame_records(self.episodes)},
        }  # fmt: skip

    def meta(self) -> dict[str, Any]:
        """Counts, the years, the episodes flagged and the rules."""
        return {
            "alerts": len(self.alerts),
            "years": f"{int(self.per_year['year'].min())}-{int(self.per_year['year'].max())}"
            if len(self.per_year)
            else "",
            "episodes_flagged": int(self.episodes["flagged"].sum()),
            "episodes_checked": len(self.episodes),
            "rules": {"monthly": MONTHLY.describe(), "yearly": YEARLY.describe()},
        }


def backtest(alerts: pd.DataFrame, first: int, last: int) -> Backtest:
    """Count ``alerts`` per year and signal, and say which :data:`EPISODES` are flagged and when.

    Every alert at *t* is computed from data up to *t* only (the window looks backwards), so the
    run over the whole history is the backtest itself.
    """
    import pandas as pd

    years = pd.DataFrame({"year": range(first, last + 1)})
    counts = alerts.groupby(["year", "signal"]).size().unstack(fill_value=0)
    per_year = years.merge(counts.reset_index(), on="year", how="left").fillna(0)
    signal_columns = [c for c in per_year.columns if c != "year"]
    per_year[signal_columns] = per_year[signal_columns].astype("int64")
    per_year["total"] = per_year[signal_columns].sum(axis=1) if signal_columns else 0
    rows = []
    for iso3, year, what in EPISODES:
        hit = alerts[(alerts["iso3"] == iso3) & alerts["year"].between(year, year + 1)]
        rows.append(
            {
                "iso3": iso3,
                "year": year,
                "episode": what,
                "flagged": not hit.empty,
                "when": "; ".join(
                    f"{s} {p} (value {v:g}, z {z:.1f})"
                    for s, p, v, z in zip(
                        hit["signal"], hit["period"], hit["value"], hit["z"], strict=True
                    )
                ),
            }
        )
    return Backtest(alerts, per_year, pd.DataFrame(rows))
