"""One cyber-incident table from DCID, EuRepoC and the CFR tracker, with the source(s) of each record.

**Records.** Each source gives one record per *operation and targeted country*:

* DCID: an operation row (``is_cyber_operation``) of ``cyber_incidents``; target ``iso3``,
  initiator ``initiator_iso3``, type ``method_label``, objective, severity (DCID 1-10).
* EuRepoC: an incident of the dashboard extract or of release 1.1 (ids are shared; 1,641 of
  1.1's 1,643 ids are in the extract) and each receiver country (both files); initiators are
  the attributed initiator countries (1.1) and the extract's initiator countries; name, type,
  attribution and intensity (``weighted_cyber_intensity``, 0-10) from 1.1 where it has the
  incident, else from the extract.
* CFR: an operation and each victim country (matched in its title and victims text, see
  :mod:`stabilis.sources.cfr`); initiators are its sponsor countries.

**The matching rule.** Two records of *different* sources are the same operation when

1. they target the same country,
2. their initiator sets share a country (records with no initiator never match), and
3. their start dates are at most ``CLOSE_DAYS`` (3) days apart (neither date the first of a
   month, which the sources use for "this month"), or at most ``MATCH_DAYS`` (31)
   days apart **and** their names share a distinctive word (four letters or more, not a
   generic word such as "targeting", "hack", "government", nor a word of a country name or
   demonym ("united", "states"),
   nor a threat-intelligence vendor's animal such as "kitten" or "panda";
   records without a date never match).

Each pair of sources is matched one-to-one, closest dates first (a record can be the duplicate
of at most one record of each other source); matched records are then joined transitively into
one incident (``incident_key``). The rule prefers missing a duplicate to merging two operations:
names are not compared because the sources name operations differently ("NotPetya" and
"Compromise of Ukrainian ... by Sandworm"). :func:`match_report` measures the rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.results import TableResult

if TYPE_CHECKING:
    import pandas as pd

MATCH_DAYS = 31
CLOSE_DAYS = 3
#: Words too common in operation names to show that two records are one operation.
GENERIC_WORDS = frozenset(
    [
        "targeting",
        "targeted",
        "target",
        "targets",
        "compromise",
        "compromised",
        "attack",
        "attacks",
        "attacked",
        "against",
        "hack",
        "hacks",
        "hacked",
        "hacking",
        "hacker",
        "hackers",
        "breach",
        "breached",
        "theft",
        "stolen",
        "stole",
        "data",
        "government",
        "governments",
        "networks",
        "network",
        "campaign",
        "campaigns",
        "espionage",
        "cyber",
        "cyberattack",
        "cyberattacks",
        "ministry",
        "ministries",
        "agencies",
        "agency",
        "officials",
        "state",
        "entities",
        "systems",
        "system",
        "websites",
        "website",
        "attempted",
        "attempts",
        "targeting",
        "information",
        "info",
        "from",
        "with",
        "their",
        "into",
        "over",
        "other",
        "multiple",
        "several",
        "national",
        "group",
        "groups",
        "operation",
        "operations",
        "incident",
        "malware",
        "phishing",
        "email",
        "emails",
        "accounts",
        "account",
        "users",
        "companies",
        "company",
        "firms",
        "sector",
        "private",
        "public",
        "affiliated",
        "associated",
        "defacement",
        "defaced",
        "defaces",
        "ddos",
        "denial",
        "service",
        "through",
        "using",
        "used",
        "after",
        "during",
        "since",
        "also",
        "chinese",
        "russian",
        "iranian",
        "north",
        "korean",
        "south",
        "election",
        "elections",
        "kitten",
        "panda",
        "bear",
        "chollima",
        "spider",
        "tiger",
    ]
)
SOURCES = ("dcid", "eurepoc", "cfr")
RECORD_COLUMNS = [
    "record_id", "source", "source_id", "name", "start_date", "year", "month", "target_iso3",
    "initiators", "type", "objective", "severity", "severity_scale", "attribution",
    "receiver_categories", "snapshot",
]  # fmt: skip


def _join(values: Any) -> str:
    items = sorted({str(v) for v in values if isinstance(v, str) and v})
    return ";".join(items)


def dcid_records(dcid: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    ops = dcid[dcid["is_cyber_operation"].astype(bool)]
    dates = pd.to_datetime(ops["start_date"], errors="coerce")
    return pd.DataFrame(
        {
            "source": "dcid",
            "source_id": ops["incident_id"].astype("int64").astype(str),
            "name": ops["name"],
            "start_date": ops["start_date"].astype(str),
            "year": dates.dt.year.astype("Int64"),
            "month": dates.dt.month.astype("Int64"),
            "target_iso3": ops["iso3"],
            "initiators": ops["initiator_iso3"].fillna(""),
            "type": ops["method_label"],
            "objective": ops["cyber_objective_label"],
            "severity": pd.to_numeric(ops["severity"], errors="coerce").astype(float),
            "severity_scale": "DCID severity 1-10",
            "attribution": "state initiator coded by DCID",
            "receiver_categories": ops["target_type_label"],
            "snapshot": ops["snapshot"],
        }
    )


def eurepoc_records(
    incidents: pd.DataFrame,
    receivers: pd.DataFrame,
    attributions: pd.DataFrame,
    dashboard: pd.DataFrame,
    dashboard_initiators: pd.DataFrame,
) -> pd.DataFrame:
    import pandas as pd

    targets = pd.concat(
        [
            receivers[["incident_id", "iso3"]],
            dashboard[["incident_id", "iso3"]],
            dashboard_initiators[["incident_id", "iso3"]],
        ]
    ).dropna()
    targets = targets.drop_duplicates()
    init = pd.concat(
        [
            attributions[["incident_id", "iso3"]],
            dashboard[["incident_id", "initiator_iso3"]].rename(columns={"initiator_iso3": "iso3"}),
            dashboard_initiators[["incident_id", "initiator_iso3"]].rename(
                columns={"initiator_iso3": "iso3"}
            ),
        ]
    ).dropna()
    initiators = init.groupby("incident_id")["iso3"].agg(_join)
    categories = receivers.groupby(["incident_id", "iso3"])["receiver_category_subcode"].agg(_join)
    categories_main = receivers.groupby(["incident_id", "iso3"])["receiver_category"].agg(_join)
    dash = (
        pd.concat([dashboard, dashboard_initiators])
        .groupby("incident_id")
        .agg(
            d_start=("start_date", "first"),
            d_type=("incident_type", _join),
            d_intensity=("weighted_cyber_intensity", "max"),
            d_snapshot=("snapshot", "first"),
        )
    )
    attribution = attributions.groupby("incident_id").agg(
        attribution=("attribution_basis", _join),
        initiator_category=("attributed_initiator_category", _join),
    )
    base = incidents.set_index("incident_id")
    out = targets.rename(columns={"iso3": "target_iso3"}).copy()
    ids = out["incident_id"]
    actors = dashboard_initiators.groupby("incident_id")["initiator_name"].agg(
        lambda s: _join(v for v in s if isinstance(v, str) and v != "Not available")
    )

    def unnamed(i: Any) -> str:
        # The dashboard extract has no names: id, type and the named initiator, if any.
        kind = str(dash["d_type"].get(i, "") or "").replace(";", ", ")
        actor = str(actors.get(i, "") or "").replace(";", ", ")
        return (
            f"EuRepoC incident {i}"
            + (f": {kind}" if kind else "")
            + (f" by {actor}" if actor else "")
        )

    out["name"] = ids.map(base["name"]).fillna(ids.map(unnamed))
    start = ids.map(base["start_date"]).fillna(ids.map(dash["d_start"]))
    out["start_date"] = start
    dates = pd.to_datetime(start, errors="coerce")
    out["year"] = dates.dt.year.astype("Int64")
    out["month"] = dates.dt.month.astype("Int64")
    out["initiators"] = ids.map(initiators).fillna("")
    out["type"] = ids.map(base["incident_type"]).fillna(ids.map(dash["d_type"]))
    out["objective"] = None
    intensity = pd.to_numeric(ids.map(base["weighted_cyber_intensity"]), errors="coerce")
    out["severity"] = intensity.fillna(pd.to_numeric(ids.map(dash["d_intensity"]), errors="coerce"))
    out["severity_scale"] = "EuRepoC weighted intensity 0-10"
    basis = ids.map(attribution["attribution"]).fillna("")
    category = ids.map(attribution["initiator_category"]).fillna("")
    out["attribution"] = [
        "; ".join(p for p in (b, c) if p) or "not attributed"
        for b, c in zip(basis, category, strict=True)
    ]
    keys = list(zip(out["incident_id"], out["target_iso3"], strict=True))
    subs = [categories.get(k, "") for k in keys]
    mains = [categories_main.get(k, "") for k in keys]
    out["receiver_categories"] = [
        ";".join(p for p in (m, s) if p) for m, s in zip(mains, subs, strict=True)
    ]
    out["snapshot"] = ids.map(base["snapshot"]).fillna(ids.map(dash["d_snapshot"]))
    out["source"] = "eurepoc"
    out["source_id"] = ids.astype("int64").astype(str)
    return out.drop(columns=["incident_id"])


def cfr_records(operations: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    sponsors = countries[countries["role"] == "sponsor"].groupby("operation_id")["iso3"].agg(_join)
    victims = countries[(countries["role"] == "victim") & countries["iso3"].notna()]
    ops = operations.set_index("operation_id")
    ids = victims["operation_id"]
    dates = pd.to_datetime(ids.map(ops["date"]), errors="coerce")
    return pd.DataFrame(
        {
            "source": "cfr",
            "source_id": ids.astype("int64").astype(str).to_numpy(),
            "name": ids.map(ops["title"]).to_numpy(),
            "start_date": ids.map(ops["date"]).to_numpy(),
            "year": dates.dt.year.astype("Int64").to_numpy(),
            "month": dates.dt.month.astype("Int64").to_numpy(),
            "target_iso3": victims["iso3"].to_numpy(),
            "initiators": ids.map(sponsors).fillna("").to_numpy(),
            "type": ids.map(ops["type"]).to_numpy(),
            "objective": None,
            "severity": float("nan"),
            "severity_scale": "",
            "attribution": "suspected state sponsor (CFR)",
            "receiver_categories": ids.map(ops["category"]).to_numpy(),
            "snapshot": victims["snapshot"].to_numpy(),
        }
    )


def source_records(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every source's records, one row per operation and target, with a ``record_id``."""
    import pandas as pd

    parts = [
        dcid_records(tables["cyber_incidents"]),
        eurepoc_records(
            tables["eurepoc_incidents"],
            tables["eurepoc_receivers"],
            tables["eurepoc_attributions"],
            tables["eurepoc_dashboard_incidents"],
            tables["eurepoc_dashboard_initiators"],
        ),
        cfr_records(tables["cfr_operations"], tables["cfr_operation_countries"]),
    ]
    out = pd.concat(parts, ignore_index=True)
    out = out[out["target_iso3"].notna()].reset_index(drop=True)
    out["record_id"] = out["source"] + ":" + out["source_id"] + ":" + out["target_iso3"]
    # A source can list an operation twice for one target (DCID's two sides, EuRepoC's pairings).
    out = out.drop_duplicates("record_id").reset_index(drop=True)
    return out[RECORD_COLUMNS]


def name_words(name: object) -> frozenset[str]:
    """The distinctive words of an operation name (see the matching rule)."""
    import re

    from stabilis.sources.cfr import victim_terms

    if not isinstance(name, str):
        return frozenset()
    countries = {w for t in victim_terms()[1] for w in re.findall(r"[a-z0-9]+", t.lower())}
    words = set(re.findall(r"[a-z0-9]{4,}", name.lower()))
    return frozenset(w for w in words if w not in GENERIC_WORDS and w not in countries)


def _pairs(a: pd.DataFrame, b: pd.DataFrame, days: int) -> pd.DataFrame:
    """Candidate pairs (same target, shared initiator, dates within ``days``), closest first."""
    import pandas as pd

    def explode(frame: pd.DataFrame) -> pd.DataFrame:
        f = frame[(frame["initiators"] != "") & frame["start_date"].notna()].copy()
        f["initiator"] = f["initiators"].str.split(";")
        f = f.explode("initiator")
        f["date"] = pd.to_datetime(f["start_date"], errors="coerce")
        return f[f["date"].notna()][["record_id", "target_iso3", "initiator", "date"]]

    left, right = explode(a), explode(b)
    pairs = left.merge(right, on=["target_iso3", "initiator"], suffixes=("_a", "_b"))
    pairs["days"] = (pairs["date_a"] - pairs["date_b"]).abs().dt.days
    pairs = pairs[pairs["days"] <= days]
    pairs = pairs.drop_duplicates(["record_id_a", "record_id_b"]).reset_index(drop=True)
    words = {r: name_words(n) for r, n in zip(a["record_id"], a["name"], strict=True)}
    words.update({r: name_words(n) for r, n in zip(b["record_id"], b["name"], strict=True)})
    shared = [
        bool(words[x] & words[y])
        for x, y in zip(pairs["record_id_a"], pairs["record_id_b"], strict=True)
    ]
    exact = (
        (pairs["days"] <= CLOSE_DAYS)
        & (pairs["date_a"].dt.day != 1)
        & (pairs["date_b"].dt.day != 1)
    )
    pairs = pairs[exact | pd.Series(shared, index=pairs.index, dtype=bool)]
    return pairs.sort_values(["days", "record_id_a", "record_id_b"])[
        ["record_id_a", "record_id_b", "days"]
    ]


def _one_to_one(pairs: pd.DataFrame) -> list[tuple[str, str, int]]:
    used_a: set[str] = set()
    used_b: set[str] = set()
    kept: list[tuple[str, str, int]] = []
    for a, b, d in pairs.itertuples(index=False):
        if a in used_a or b in used_b:
            continue
        used_a.add(a)
        used_b.add(b)
        kept.append((a, b, int(d)))
    return kept


@dataclass(frozen=True)
class Reconciled(TableResult):
    """The reconciled incidents, the source records behind them, and the matched pairs."""

    incidents: pd.DataFrame
    records: pd.DataFrame
    matches: pd.DataFrame

    def report(self) -> pd.DataFrame:
        return match_report(self)

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("incident_key",)

    def tidy(self) -> pd.DataFrame:
        """One row per reconciled incident (its sources, dates, victims, initiator)."""
        return self.incidents.reset_index(drop=True)

    def summary(self) -> str:
        """How many source records became how many incidents, and by which rule."""
        m = self.meta()
        per = ", ".join(f"{n:,} from {source}" for source, n in m["records_per_source"].items())
        return (
            f"{m['records']:,} source records ({per}) reconcile into {m['incidents']:,} cyber "
            f"incidents, {m['multi_source']:,} of them reported by more than one source "
            f"({m['matched_pairs']:,} matched pairs). Records of different sources match when "
            "they share the target country and an initiator and start at most "
            f"{CLOSE_DAYS} days apart, or at most {MATCH_DAYS} days apart with a distinctive "
            "word in common."
        )

    def meta(self) -> dict[str, Any]:
        """Counts per source, matched pairs and the matching windows."""
        per_source = {s: int((self.records["source"] == s).sum()) for s in SOURCES}
        return {
            "records": len(self.records),
            "records_per_source": per_source,
            "incidents": len(self.incidents),
            "multi_source": int((self.incidents["n_sources"] > 1).sum())
            if len(self.incidents)
            else 0,
            "matched_pairs": len(self.matches),
            "match_days": MATCH_DAYS,
            "close_days": CLOSE_DAYS,
        }


def reconcile(records: pd.DataFrame, days: int = MATCH_DAYS) -> Reconciled:
    """Match records across sources with the rule in the module docstring."""
    import pandas as pd

    matches: list[tuple[str, str, int]] = []
    for i, sa in enumerate(SOURCES):
        for sb in SOURCES[i + 1 :]:
            a = records[records["source"] == sa]
            b = records[records["source"] == sb]
            matches.extend(_one_to_one(_pairs(a, b, days)))
    parent: dict[str, str] = {r: r for r in records["record_id"]}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for left, right, _ in matches:
        ra, rb = find(left), find(right)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    recs = records.copy()
    recs["incident_key"] = recs["record_id"].map(find)
    order = {"eurepoc": 0, "dcid": 1, "cfr": 2}
    recs["_order"] = recs["source"].map(order)
    grouped = recs.sort_values(["incident_key", "_order"]).groupby("incident_key", sort=False)

    def pick(column: str, source: str) -> dict[Any, Any]:
        sub = recs[recs["source"] == source].drop_duplicates("incident_key")
        return dict(zip(sub["incident_key"], sub[column], strict=True))

    incidents = grouped.agg(
        name=("name", "first"),
        start_date=("start_date", "min"),
        target_iso3=("target_iso3", "first"),
        initiators=("initiators", lambda s: _join(";".join(s).split(";"))),
        sources=("source", lambda s: ";".join(sorted(set(s), key=SOURCES.index))),
        source_ids=("record_id", lambda s: ";".join(s)),
        type=("type", lambda s: _join(s)),
        attribution=("attribution", "first"),
        receiver_categories=(
            "receiver_categories",
            lambda s: _join(";".join(x for x in s if isinstance(x, str)).split(";")),
        ),
        snapshots=("snapshot", lambda s: _join(s)),
    )
    for column, (field, source) in {
        "dcid_severity": ("severity", "dcid"),
        "eurepoc_intensity": ("severity", "eurepoc"),
        "objective": ("objective", "dcid"),
    }.items():
        picked = pick(field, source)
        incidents[column] = [picked.get(k) for k in incidents.index]
    dates = pd.to_datetime(incidents["start_date"], errors="coerce")
    incidents["year"] = dates.dt.year.astype("Int64")
    incidents["month"] = dates.dt.month.astype("Int64")
    incidents["n_sources"] = incidents["sources"].str.count(";") + 1
    incidents = incidents.reset_index().sort_values(["target_iso3", "start_date", "incident_key"])
    match_frame = pd.DataFrame(matches, columns=["record_a", "record_b", "days"])
    return Reconciled(incidents.reset_index(drop=True), recs.drop(columns="_order"), match_frame)


def match_report(result: Reconciled) -> pd.DataFrame:
    """Records per source, and how many were matched to each other source."""
    import pandas as pd

    recs = result.records
    src = dict(zip(recs["record_id"], recs["source"], strict=True))
    m = result.matches.assign(
        a=result.matches["record_a"].map(src), b=result.matches["record_b"].map(src)
    )
    rows = []
    for s in SOURCES:
        row: dict[str, Any] = {"source": s, "records": int((recs["source"] == s).sum())}
        for other in SOURCES:
            if other == s:
                continue
            row[f"matched_{other}"] = int(
                ((m["a"] == s) & (m["b"] == other)).sum()
                + ((m["b"] == s) & (m["a"] == other)).sum()
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    inc = result.incidents
    out.attrs["incidents"] = len(inc)
    out.attrs["multi_source"] = int((inc["n_sources"] > 1).sum())
    return out


def filter_incidents(
    incidents: pd.DataFrame,
    countries: Sequence[str] | None = None,
    years: tuple[int, int] | None = None,
) -> pd.DataFrame:
    frame = incidents
    if countries is not None:
        frame = frame[frame["target_iso3"].isin(list(countries))]
    if years is not None:
        frame = frame[frame["year"].between(years[0], years[1])]
    return frame.reset_index(drop=True)


def initiators_of(incidents: pd.DataFrame) -> pd.DataFrame:
    """Who ran the incidents: initiator country, incidents, years, sources ("?" = unattributed)."""
    import pandas as pd

    if incidents.empty:
        return pd.DataFrame(
            columns=["initiator", "incidents", "first_year", "last_year", "sources"]
        )
    frame = incidents.assign(
        initiator=incidents["initiators"].replace("", "?").str.split(";")
    ).explode("initiator")
    out = (
        frame.groupby("initiator")
        .agg(
            incidents=("incident_key", "nunique"),
            first_year=("year", "min"),
            last_year=("year", "max"),
            sources=("sources", lambda s: _join(";".join(s).split(";"))),
        )
        .reset_index()
    )
    return out.sort_values(["incidents", "initiator"], ascending=[False, True]).reset_index(
        drop=True
    )
