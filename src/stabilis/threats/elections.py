"""Election integrity and foreign interference, per country and election, from the staged data.

For each national election of a country the record brings together what the sources say:

* **the election** — its date and type: PEI 7.0's elections (2012-2018, legislative and
  presidential, with the round), V-Party's legislative election dates (to 2019) and the years in
  which V-Dem codes an election (``v2eltype_0`` legislative first round, ``_1`` second round,
  ``_6`` presidential first round, ``_7`` second round; 1970-2023). An election known only from
  V-Dem has a year, not a date.
* **PEI** — the expert-survey index (``pei_index``, 0-100, with its 95 % interval) and its eleven
  dimensions (``laws`` ... ``embs``), where PEI covered the election.
* **V-Dem election items** for the election year — government intimidation (``v2elintim``),
  other irregularities (``v2elirreg``), vote buying (``v2elvotbuy``), free and fair
  (``v2elfrfair``; these four on the measurement model's latent scale, higher = cleaner) and the
  clean-elections index ``v2xel_frefair`` (0-1). V-Dem repeats the last election's values in
  the years between elections, so only election years are read.
* **V-Party** — the parties of a legislative election with their vote and seat shares,
  anti-pluralism and populism indices.
* **Cyber incidents against the election** — EuRepoC 1.1 incidents against this country whose
  receivers include election infrastructure or political parties (receiver sub-categories
  :data:`ELECTION_RECEIVERS`), starting from ``WINDOW_BEFORE`` days before to ``WINDOW_AFTER``
  days after the election date. Only release 1.1 has receiver categories (incidents to
  2023-08); outside 2000-2023-08 the count is "not covered".
* **Disinformation before the election** — EUvsDisinfo cases naming the country in the
  ``WINDOW_BEFORE`` days up to the election date, "not covered" unless the whole window lies in
  the database's span (2015-01-06 to 2021-02-18).

**Upcoming election.** No staged file lists scheduled elections (SOURCES.md, "Not found"). Where a
country's last three or more legislative (or presidential) elections in V-Dem followed one
regular interval, :func:`next_expected` gives the year the cycle points to, labelled as
inferred; ``upcoming`` is true when that year is this year or next. It is an estimate from past
regularity (snap elections break it), never a scheduled date.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.results import TableResult

if TYPE_CHECKING:
    import pandas as pd

WINDOW_BEFORE = 180
WINDOW_AFTER = 30
ELECTION_RECEIVERS = ("Election infrastructure / related systems", "Political parties")
VDEM_ITEMS = {
    "vdem.v2elintim": "intimidation",
    "vdem.v2elirreg": "irregularities",
    "vdem.v2elvotbuy": "vote_buying",
    "vdem.v2elfrfair": "free_fair",
    "vdem.v2xel_frefair": "clean_elections",
}
VDEM_TYPES = {
    "vdem.v2eltype_0": ("legislative", 1),
    "vdem.v2eltype_1": ("legislative", 2),
    "vdem.v2eltype_6": ("presidential", 1),
    "vdem.v2eltype_7": ("presidential", 2),
}
PEI_DIMENSIONS = ("laws", "procedures", "boundaries", "votereg", "partyreg", "media", "finance",
                  "voting", "count", "results", "embs")  # fmt: skip
#: The numbers of an election (``ElectionRecord.tidy``) and the source of each.
MEASURE_SOURCES: dict[str, str] = {
    "pei_index": "pei",
    **dict.fromkeys(PEI_DIMENSIONS, "pei"),
    **dict.fromkeys(VDEM_ITEMS.values(), "vdem"),
    "cyber_incidents": "eurepoc",
    "disinfo_cases": "euvsdisinfo",
}
#: Spans the sources cover (first, last date).
EUREPOC_RECEIVERS_SPAN = (date(2000, 1, 1), date(2023, 8, 13))
DISINFO_SPAN = (date(2015, 1, 6), date(2021, 2, 18))


@dataclass(frozen=True)
class ElectionRecord(TableResult):
    """Everything the staged data say about one country's elections."""

    iso3: str
    name: str
    elections: pd.DataFrame
    parties: pd.DataFrame
    cyber: pd.DataFrame
    disinfo: pd.DataFrame
    next_expected: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "year", "office", "round", "measure")

    def table(self) -> pd.DataFrame:
        """One row per election: date, office, PEI scores, V-Dem items, interference."""
        return self.elections

    def tidy(self) -> pd.DataFrame:
        """One row per election × measure: ``iso3, year, office, round, measure, value``, then
        ``lower``/``upper`` (PEI's 95 % interval of ``pei_index``), ``status`` (coverage of
        the interference counts), ``source``, ``date`` (missing where only V-Dem knows the
        election) and ``known_from``."""
        from stabilis.results import long_frame

        frame = self.elections.assign(iso3=self.iso3)
        keys = ("iso3", "year", "office", "round")
        beside = {
            "lower": {"pei_index": "pei_index_lci"},
            "upper": {"pei_index": "pei_index_hci"},
            "status": {"cyber_incidents": "cyber_status", "disinfo_cases": "disinfo_status"},
        }
        out = long_frame(frame, keys, list(MEASURE_SOURCES), beside=beside,
                         described={"source": MEASURE_SOURCES})  # fmt: skip
        for column in ("date", "known_from"):
            out[column] = frame[column].repeat(len(MEASURE_SOURCES)).to_numpy()
        return out

    def summary(self) -> str:
        """How many elections the data hold, PEI's share, interference, the next one."""
        m = self.meta()
        if not m["elections"]:
            return f"The staged data hold no election for {self.name}."
        text = (
            f"{self.name}: {m['elections']} elections from {m['first_year']} to "
            f"{m['last_year']}, {m['pei_elections']} with a PEI expert survey; "
            f"{m['cyber_incidents_against_elections']} cyber incidents against elections."
        )
        upcoming = [n for n in self.next_expected if n.get("upcoming")]
        if upcoming:
            text += (
                " Expected next (inferred from the past cycle, not a scheduled date): "
                + "; ".join(f"{n['office']} in {n['expected_year']}" for n in upcoming)
                + "."
            )
        return text

    def meta(self) -> dict[str, Any]:
        """Counts, the next expected elections, the interference windows, notes."""
        e = self.elections
        pei = e[e["pei_index"].notna()]
        return {
            "iso3": self.iso3,
            "name": self.name,
            "elections": len(e),
            "first_year": int(e["year"].min()) if len(e) else None,
            "last_year": int(e["year"].max()) if len(e) else None,
            "pei_elections": len(pei),
            "cyber_incidents_against_elections": int(self.cyber["incident_id"].nunique())
            if len(self.cyber)
            else 0,
            "upcoming": any(n["upcoming"] for n in self.next_expected),
            "next_expected": self.next_expected,
            "windows": {"before_days": WINDOW_BEFORE, "after_days": WINDOW_AFTER},
            "receiver_categories": list(ELECTION_RECEIVERS),
            "notes": self.notes,
        }

    def brief(self) -> dict[str, Any]:
        """A short section for the country brief: the latest elections and their red flags."""
        e = self.elections.sort_values("year")
        latest = e.tail(3)
        return {
            "title": "Elections",
            "summary": self.meta(),
            "latest": [
                {
                    k: (None if _missing(v) else v)
                    for k, v in row.items()
                    if k
                    in (
                        "date",
                        "year",
                        "office",
                        "pei_index",
                        "clean_elections",
                        "cyber_incidents",
                        "disinfo_cases",
                        "disinfo_status",
                    )
                }
                for row in latest.to_dict(orient="records")
            ],
        }


def _missing(value: Any) -> bool:
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def election_calendar(
    iso3: str, pei: pd.DataFrame, vparty: pd.DataFrame, vdem_types: pd.DataFrame
) -> pd.DataFrame:
    """One row per election: ``date`` (or empty), ``year``, ``office``, ``round``, ``known_from``.

    PEI's elections come first; a V-Party date or V-Dem year adds an election PEI does not have
    (same office and year = the same election).
    """
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for r in pei[pei["iso3"] == iso3].itertuples(index=False):
        rows.append({"date": r.date, "year": int(str(r.year)), "office": r.office,
                     "round": r.round, "known_from": "pei", "election": r.election})  # fmt: skip
    for d in sorted(set(vparty.loc[vparty["iso3"] == iso3, "election_date"])):
        rows.append({"date": d, "year": int(str(d)[:4]), "office": "legislative", "round": 1,
                     "known_from": "vparty", "election": None})  # fmt: skip
    v = vdem_types[vdem_types["iso3"] == iso3]
    for code, (office, rnd) in VDEM_TYPES.items():
        if code not in v:
            continue
        for year in v.loc[v[code] == 1, "year"]:
            rows.append({"date": None, "year": int(year), "office": office, "round": rnd,
                         "known_from": "vdem", "election": None})  # fmt: skip
    frame = pd.DataFrame(
        rows, columns=["date", "year", "office", "round", "known_from", "election"]
    )
    if frame.empty:
        return frame
    frame["round"] = pd.to_numeric(frame["round"], errors="coerce").fillna(1).astype("int64")
    order = {"pei": 0, "vparty": 1, "vdem": 2}
    frame["_o"] = frame["known_from"].map(order)
    frame = frame.sort_values(["year", "office", "round", "_o"])
    sources = frame.groupby(["year", "office", "round"])["known_from"].agg(
        lambda s: ";".join(dict.fromkeys(s))
    )
    frame = frame.drop_duplicates(["year", "office", "round"], keep="first").copy()
    frame["known_from"] = [
        sources[(y, o, r)]
        for y, o, r in zip(frame["year"], frame["office"], frame["round"], strict=True)
    ]
    return frame.drop(columns="_o").reset_index(drop=True)


def window_status(election_date: Any, span: tuple[date, date], before: int, after: int) -> str:
    """``covered`` when the window around ``election_date`` lies inside ``span``."""
    from datetime import timedelta

    from stabilis.threats.coverage import COVERED, NOT_COVERED, PARTIAL

    if election_date is None or _missing(election_date):
        return NOT_COVERED
    day = date.fromisoformat(str(election_date)[:10])
    start, end = day - timedelta(days=before), day + timedelta(days=after)
    if span[0] <= start and end <= span[1]:
        return COVERED
    if end < span[0] or start > span[1]:
        return NOT_COVERED
    return PARTIAL


def election_record(
    iso3: str,
    name: str,
    *,
    pei: pd.DataFrame,
    vparty: pd.DataFrame,
    vdem: pd.DataFrame,
    receivers: pd.DataFrame,
    eurepoc: pd.DataFrame,
    disinfo_cases: pd.DataFrame,
    today: date | None = None,
) -> ElectionRecord:
    """Assemble :class:`ElectionRecord` for ``iso3`` from the warehouse tables (see module doc)."""
    import numpy as np
    import pandas as pd

    from stabilis.threats.coverage import NOT_COVERED

    calendar = election_calendar(iso3, pei, vparty, vdem)
    notes: list[str] = []
    if calendar.empty:
        notes.append(f"No staged source records a national election in {iso3}.")
    p = pei[pei["iso3"] == iso3].set_index("election")
    keep = ["pei_index", "pei_index_lci", "pei_index_hci", *PEI_DIMENSIONS]
    out = calendar.copy()
    for column in keep:
        values = dict(zip(p.index, p[column], strict=True))
        out[column] = [values.get(e, np.nan) for e in out["election"]]
    v = vdem[vdem["iso3"] == iso3].set_index("year")
    for code, column in VDEM_ITEMS.items():
        out[column] = [
            v.loc[y, code] if code in v and y in v.index else np.nan for y in out["year"]
        ]
    # Cyber incidents against election bodies and parties around the election.
    hit = receivers[
        (receivers["iso3"] == iso3)
        & receivers["receiver_category_subcode"].isin(ELECTION_RECEIVERS)
    ]
    inc = eurepoc.set_index("incident_id")
    cyber = hit.drop_duplicates(["incident_id", "receiver_category_subcode"]).assign(
        name=lambda f: f["incident_id"].map(inc["name"]),
        start_date=lambda f: f["incident_id"].map(inc["start_date"]),
        initiator_country=lambda f: f["incident_id"].map(inc["initiator_country"]),
    )[["incident_id", "name", "start_date", "receiver_category_subcode", "receiver_name",
       "initiator_country", "snapshot"]]  # fmt: skip
    cyber_dates = pd.to_datetime(cyber["start_date"], errors="coerce")
    cases = disinfo_cases[disinfo_cases["iso3"] == iso3]
    case_dates = pd.to_datetime(cases["date"], errors="coerce")
    counts, statuses, d_counts, d_statuses, linked = [], [], [], [], []
    for r in out.itertuples(index=False):
        status = window_status(r.date, EUREPOC_RECEIVERS_SPAN, WINDOW_BEFORE, WINDOW_AFTER)
        statuses.append(status)
        if status == NOT_COVERED:
            counts.append(np.nan)
        else:
            day = pd.Timestamp(str(r.date)[:10])
            near = (cyber_dates >= day - pd.Timedelta(days=WINDOW_BEFORE)) & (
                cyber_dates <= day + pd.Timedelta(days=WINDOW_AFTER)
            )
            counts.append(int(cyber.loc[near, "incident_id"].nunique()))
            linked.append(cyber[near].assign(election_date=str(r.date)[:10]))
        d_status = window_status(r.date, DISINFO_SPAN, WINDOW_BEFORE, 0)
        d_statuses.append(d_status)
        if d_status == NOT_COVERED:
            d_counts.append(np.nan)
        else:
            day = pd.Timestamp(str(r.date)[:10])
            near = (case_dates >= day - pd.Timedelta(days=WINDOW_BEFORE)) & (case_dates <= day)
            d_counts.append(int(cases.loc[near, "case_id"].nunique()))
    out["cyber_incidents"] = pd.array(counts, dtype="Float64").astype("Int64")
    out["cyber_status"] = statuses
    out["disinfo_cases"] = pd.array(d_counts, dtype="Float64").astype("Int64")
    out["disinfo_status"] = d_statuses
    if out["date"].isna().any():
        notes.append(
            "Elections known only from V-Dem have a year but no date: their cyber and "
            "disinformation windows are 'not covered'."
        )
    parties = vparty[vparty["iso3"] == iso3][
        ["election_date", "year", "party", "party_short", "v2pavote", "v2paseatshare",
         "v2xpa_antiplural", "v2xpa_popul", "v2pagovsup"]
    ].sort_values(["election_date", "v2pavote"], ascending=[True, False])  # fmt: skip
    near_cyber = pd.concat(linked, ignore_index=True) if linked else cyber.iloc[0:0]
    return ElectionRecord(
        iso3=iso3,
        name=name,
        elections=out.sort_values(["year", "office", "round"]).reset_index(drop=True),
        parties=parties.reset_index(drop=True),
        cyber=near_cyber.drop_duplicates(["incident_id", "election_date"]).reset_index(drop=True)
        if len(near_cyber)
        else cyber.assign(election_date=None).iloc[0:0],
        disinfo=cases,
        next_expected=next_expected(calendar, today or date.today()),
        notes=notes,
    )


def next_expected(calendar: pd.DataFrame, today: date) -> list[dict[str, Any]]:
    """Per office, the year a regular cycle of past first-round elections points to (inferred)."""
    out: list[dict[str, Any]] = []
    if calendar.empty:
        return out
    for office in ("legislative", "presidential"):
        years = sorted(
            set(calendar.loc[(calendar["office"] == office) & (calendar["round"] == 1), "year"])
        )
        if len(years) < 4:
            continue
        gaps = [b - a for a, b in itertools.pairwise(years)][-3:]
        if len(set(gaps)) != 1:
            continue
        expected = years[-1] + gaps[0]
        while expected < today.year:
            expected += gaps[0]
        out.append(
            {
                "office": office,
                "last_known": years[-1],
                "cycle_years": gaps[0],
                "expected_year": expected,
                "upcoming": today.year <= expected <= today.year + 1,
                "basis": f"inferred: the last three {office} elections in the staged data were "
                f"{gaps[0]} years apart (last known {years[-1]}); not a scheduled date, and "
                "elections after the data end are not known",
            }
        )
    return out
