"""The support audit: resources given to each recipient, against that recipient's need.

**Recipients** of a year are the registry's partners that year plus every non-member that hosted
a NATO-led operation that year (Kosovo under KFOR is not a partner but received the largest
operation of the Balkans).

**Support components** per recipient-year, each in its own unit and shown separately:

======================  ============================================================  ==================================
component               what                                                          unit
======================  ============================================================  ==================================
operation_personnel     NATO-led operations hosted: registry peak personnel, scaled   personnel (annual estimate)
                        over the operation's years by the US-troop profile (below),
                        times the share of the year the operation was active
allied_troops           US active-duty military personnel in the country (troopdata):  persons
                        **one allied contributor** (the United States), not NATO
exercises               distinct multinational exercises the country joined (MME v7)   exercises
programme_amounts       sourced programme amounts in the registry, in their start      EUR million
                        year (only rows with an amount; most programmes have none)
us_assistance           US foreign assistance obligations, fiscal year (all sectors:   constant US$ million
                        the staged file has **no security-only split**)
programme_participation NATO programme participation: share of the year under each     weighted programme-years (0-10)
                        category (membership 3, capacity 3, reform 2, partnership 1,
                        education 1)
======================  ============================================================  ==================================

*Operation personnel.* The registry gives one figure per operation, its peak. Applying the peak
to every year would give KFOR 50,000 in 2019 (it had about 3,500). So the annual estimate is
``peak * u_y / max(u)`` where ``u_y`` is the number of US troops in the host in year *y* and the
maximum is over the operation's years: the operation is assumed to grow and shrink with the US
presence, and reaches its peak when that presence does. Where the US presence is zero or unknown
throughout, the peak is used (``personnel_basis`` says which). Operations without a personnel
figure (air and maritime operations) are counted in ``operations_without_personnel``.
US troops serving in a NATO-led operation appear in both ``operation_personnel`` and
``allied_troops``: the components are shown separately and the composite weights them.

*Coverage.* A component covers a year when its source does (exercises 1980-2010, US assistance
FY1946-2025, troops 1950-2024, the registry always); within a covered year a recipient absent
from the source has 0. A component that does not cover the year, or whose total over recipients
is 0 that year, is left out of that year's composite and listed in ``coverage``.

**Composite** ``S_i = sum_k w_k s_ik / sum_k w_k`` over the covered components, where ``s_ik`` is
the recipient's share of the year's total of component *k* (0-1). Its unit is a **share of the
year's measured support** (it sums to 1 over recipients). Default weights are all 1.

**Need** ``N_i`` (0-1, higher = more need): the mean of the components present among democratic
deficit ``1 - vdem.v2x_libdem``, fragility ``(2.5 - wgi.pv_est) / 5`` clipped to 0-1, conflict
(1 for a war-level UCDP/PRIO conflict that year, 0.5 for a minor one, 0 for none) and threat
exposure (:func:`threat_exposure`, on the periods and countries its sources cover).

**Support relative to need** ``R_i = S_i / (N_i / sum N)``: 1 = the recipient's share of
support equals its share of need. Rank 1 = most support relative to need.

**Concentration.** Recipients sorted by ``R`` from least to most; the Lorenz (concentration)
curve plots cumulative share of need against cumulative share of support; its Gini is 0 when
support is proportional to need and approaches 1 when it goes to a few recipients with little
need.

**Sensitivity.** Every support weight times {0.5, 1, 2} (3^k settings for k covered
components) and every need weight times {0.5, 1, 2} (81 settings), and leaving out each support
and each need component in turn. For each setting: the Spearman correlation with the default
ranking and the Gini; for each recipient its best and worst rank over the grid and its rank
with each component left out.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from stabilis.errors import QueryError
from stabilis.results import TableResult

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: Programme categories of the participation component, and their weights within it.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "membership": ("MAP", "ID", "ANP", "NGC", "ACC"),
    "capacity": ("DCB", "SNGP", "CAP", "TF", "NSATU", "LTSA"),
    "reform": ("IPAP", "UAP", "PARP"),
    "partnership": ("IPP", "IPCP", "ITPP", "NUC", "BSD", "EOP", "NRC", "NRFA", "PJC"),
    "education": ("DEEP", "BI"),
}
PARTICIPATION_WEIGHTS: dict[str, float] = {
    "membership": 3.0,
    "capacity": 3.0,
    "reform": 2.0,
    "partnership": 1.0,
    "education": 1.0,
}


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    unit: str
    source: str


COMPONENTS: tuple[Component, ...] = (
    Component(
        "operation_personnel",
        "NATO-led operation personnel in the country",
        "personnel (annual estimate from the registry peak)",
        "registry operations.peak_personnel; troopdata for the yearly profile",
    ),
    Component(
        "allied_troops",
        "US military personnel in the country (one allied contributor, not NATO)",
        "persons, active duty",
        "troopdata (DMDC)",
    ),
    Component(
        "exercises",
        "Multinational military exercises joined",
        "exercises",
        "MME v7 (1980-2010)",
    ),
    Component(
        "programme_amounts",
        "Sourced NATO programme amounts",
        "EUR million (start year)",
        "registry programmes.amount",
    ),
    Component(
        "us_assistance",
        "US foreign assistance, all sectors (no security-only split in the staged file)",
        "constant US$ million, obligations",
        "ForeignAssistance.gov",
    ),
    Component(
        "programme_participation",
        "NATO programme participation",
        "weighted programme-years (0-10)",
        "registry programmes",
    ),
)
COMPONENT_KEYS = tuple(c.key for c in COMPONENTS)
SUPPORT_WEIGHTS: dict[str, float] = dict.fromkeys(COMPONENT_KEYS, 1.0)
NEED_WEIGHTS: dict[str, float] = {
    "democratic_deficit": 1.0,
    "fragility": 1.0,
    "conflict": 1.0,
    "threat_exposure": 1.0,
}
NEED_INDICATORS = ("vdem.v2x_libdem", "wgi.pv_est")
GRID = (0.5, 1.0, 2.0)
_NOT_SUPPORT = "requested, not granted"
UNIT = "share of the year's measured support (sums to 1 over recipients)"


# -- time -------------------------------------------------------------------------------------


def _year_share(starts: pd.Series, ends: pd.Series, year: int) -> pd.Series:
    """Share of calendar ``year`` covered by each spell (open end = ongoing)."""
    import pandas as pd

    first = pd.Timestamp(year=year, month=1, day=1)
    last = pd.Timestamp(year=year, month=12, day=31)
    days = (last - first).days + 1
    lo = starts.where(starts > first, first)
    hi = ends.fillna(last)
    hi = hi.where(hi < last, last)
    covered = (hi - lo).dt.days + 1
    return (covered.clip(lower=0) / days).where(starts.notna(), 0.0).astype(float)


# -- inputs -----------------------------------------------------------------------------------


@dataclass
class SupportInputs:
    """Everything the audit reads, for all years at once (the service fills it)."""

    programmes: pd.DataFrame
    """Registry programmes with ``iso3, programme_code, milestone, start_first, end_last`` and,
    in the revised registry, ``amount, amount_unit``."""
    operations: pd.DataFrame
    """Registry operations with ``iso3, operation_code, start_first, end_last, peak_personnel``."""
    troops: pd.DataFrame
    """``iso3, year, troops`` (US active duty)."""
    exercises: pd.DataFrame
    """``iso3, year, mme_id`` (one row per exercise joined)."""
    assistance: pd.DataFrame
    """``iso3, year, usd_m`` (obligations, constant US$ million)."""
    need_panel: pd.DataFrame
    """``iso3, year`` and :data:`NEED_INDICATORS`."""
    conflicts: pd.DataFrame
    """UCDP/PRIO rows with ``iso3, year, intensity_level``."""
    exposure: pd.DataFrame
    """``iso3, year, threat_exposure`` (0-1; NaN where no source covers), see threat_exposure."""
    coverage_years: dict[str, tuple[int, int]] = field(default_factory=dict)
    """Component (or need source) -> first and last year its source covers."""
    exposure_note: str = ""


_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d{3,})"
_DATED = re.compile(
    _NUMBER + r"(?:(?!\d{3,}).)*?\b(?:in|by|until)\s+(?:end-|[A-Z][a-z]+\s+)?((?:19|20)\d{2})\b"
)
_AT_START = re.compile(_NUMBER + r"[^;()\d]*?\bat (?:start|launch)\b")


def personnel_anchors(note: str | None, start_year: int, peak: float) -> dict[int, float]:
    """Dated strengths in a registry ``personnel_note``, plus the peak at the start.

    ``"about 50,000 ... at launch; just under 6,000 ... in 2013"`` gives {start: 50000, 2013:
    6000}. The peak counts at the start year unless the note dates a figure at or before it or
    says the peak was reached later ("at its height"); without a dated figure the result is
    empty and the US-troop profile is used instead.
    """
    text = note or ""
    anchors: dict[int, float] = {}
    for match in _DATED.finditer(text):
        anchors[int(match.group(2))] = float(match.group(1).replace(",", ""))
    for match in _AT_START.finditer(text):
        anchors.setdefault(start_year, float(match.group(1).replace(",", "")))
    if not anchors:
        return {}
    if min(anchors) > start_year and "height" not in text:
        anchors[start_year] = peak
    return dict(sorted(anchors.items()))


def _interpolate(anchors: dict[int, float], year: int) -> float:
    import numpy as np

    years = np.array(list(anchors), dtype=float)
    values = np.array(list(anchors.values()), dtype=float)
    return float(np.interp(year, years, values))


def operation_personnel(
    operations: pd.DataFrame, troops: pd.DataFrame, recipients: list[str], year: int
) -> pd.DataFrame:
    """Per recipient: estimated operation personnel in ``year`` and its basis (module docstring)."""
    import numpy as np
    import pandas as pd

    ops = operations[operations["iso3"].isin(recipients) & operations["start_first"].notna()].copy()
    ops["share"] = _year_share(ops["start_first"], ops["end_last"], year)
    ops = ops[ops["share"] > 0]
    peak = pd.to_numeric(ops["peak_personnel"], errors="coerce")
    notes = ops["personnel_note"] if "personnel_note" in ops else pd.Series("", index=ops.index)
    rows: list[dict[str, Any]] = []
    for (_, op), p, note in zip(ops.iterrows(), peak, notes, strict=True):
        code = op["operation_code"]
        if np.isnan(p):
            rows.append(
                {"iso3": op["iso3"], "personnel": 0.0, "without": 1, "op": code, "basis": ""}
            )
            continue
        start = int(op["start_first"].year)
        anchors = personnel_anchors(note if isinstance(note, str) else "", start, float(p))
        if anchors:
            value = _interpolate(anchors, year)
            basis = f"{code}: dated strengths in the registry note, linear between"
        else:
            last_year = op["end_last"].year if pd.notna(op["end_last"]) else year
            span = troops[(troops["iso3"] == op["iso3"]) & troops["year"].between(start, last_year)]
            top = float(span["troops"].max()) if len(span) else float("nan")
            here = span.loc[span["year"] == year, "troops"]
            if top > 0 and len(here):
                value = float(p) * float(here.iloc[0]) / top
                basis = f"{code}: peak scaled by the US-troop profile"
            else:
                value, basis = float(p), f"{code}: peak"
        rows.append(
            {
                "iso3": op["iso3"],
                "personnel": value * float(op["share"]),
                "without": 0,
                "op": code,
                "basis": basis,
            }
        )
    frame = pd.DataFrame(rows, columns=["iso3", "personnel", "without", "op", "basis"])
    out = pd.DataFrame({"iso3": sorted(recipients)})
    grouped = frame.groupby("iso3").agg(
        operation_personnel=("personnel", "sum"),
        operations_without_personnel=("without", "sum"),
        operations=("op", lambda s: ", ".join(sorted(set(s)))),
        personnel_basis=("basis", lambda s: "; ".join(sorted({b for b in s if b}))),
    )
    out = out.merge(grouped, left_on="iso3", right_index=True, how="left")
    out["operation_personnel"] = out["operation_personnel"].fillna(0.0)
    out["operations_without_personnel"] = (
        out["operations_without_personnel"].fillna(0).astype("int64")
    )
    out["operations"] = out["operations"].fillna("")
    out["personnel_basis"] = out["personnel_basis"].fillna("")
    return out


def programme_participation(
    programmes: pd.DataFrame, recipients: list[str], year: int
) -> pd.DataFrame:
    """Per recipient: weighted share of ``year`` under each programme category, undated rows."""
    import pandas as pd

    code_to_category = {code: cat for cat, codes in CATEGORIES.items() for code in codes}
    rows = programmes[programmes["iso3"].isin(recipients)].copy()
    rows = rows[~rows["milestone"].fillna("").str.contains(_NOT_SUPPORT, regex=False)]
    rows["category"] = rows["programme_code"].map(code_to_category)
    undated = rows[rows["start_first"].isna()].groupby("iso3").size()
    dated = rows[rows["start_first"].notna() & rows["category"].notna()].copy()
    dated["share"] = _year_share(dated["start_first"], dated["end_last"], year)
    shares = dated.groupby(["iso3", "category"])["share"].max().unstack(fill_value=0)
    out = pd.DataFrame(index=pd.Index(sorted(recipients), name="iso3"))
    for category in CATEGORIES:
        out[category] = shares.get(category, 0.0)
    out = out.fillna(0.0)
    out["programme_participation"] = sum(out[c] * w for c, w in PARTICIPATION_WEIGHTS.items())
    out["undated_programmes"] = undated.reindex(out.index, fill_value=0).astype("int64")
    return out.reset_index()


def programme_amounts(programmes: pd.DataFrame, recipients: list[str], year: int) -> pd.Series:
    """Sourced amounts (EUR million) of programmes starting in ``year``, per recipient."""
    import pandas as pd

    if "amount" not in programmes:
        return pd.Series(0.0, index=pd.Index(sorted(recipients), name="iso3"))
    rows = programmes[programmes["iso3"].isin(recipients) & programmes["start_first"].notna()]
    amount = pd.to_numeric(rows["amount"], errors="coerce")
    unit = rows.get("amount_unit", pd.Series("", index=rows.index)).fillna("").str.lower()
    money = amount.notna() & unit.str.contains("eur") & (rows["start_first"].dt.year == year)
    totals = amount[money].groupby(rows.loc[money, "iso3"]).sum()
    return totals.reindex(sorted(recipients), fill_value=0.0).astype(float)


def threat_exposure(
    cyber: pd.DataFrame,
    disinfo: pd.DataFrame,
    dcid_states: set[str],
    year: int,
    countries: list[str],
) -> pd.DataFrame:
    """Threat exposure 0-1 on the periods and countries each source covers (rewired at merge).

    ``cyber``: ``iso3, year, operations`` (DCID, state-on-state operations targeting the
    country); DCID codes **rival dyads only**, so it covers only the states that appear in one of
    its dyads (``dcid_states``) and the years of the release; elsewhere it is missing, not 0.
    ``disinfo``: ``iso3, year, cases`` (EUvsDisinfo cases naming the country), covering every
    country in the years of the release. The raw score is ``log(1 + cyber) + log(1 + disinfo)``
    over the sources that cover the country-year, divided by the largest value among
    ``countries`` that year; missing when neither covers.
    """
    import numpy as np
    import pandas as pd

    base = pd.DataFrame({"iso3": sorted(countries)})
    c_years = (int(cyber["year"].min()), int(cyber["year"].max())) if len(cyber) else (0, -1)
    d_years = (int(disinfo["year"].min()), int(disinfo["year"].max())) if len(disinfo) else (0, -1)
    c_now = cyber[cyber["year"] == year].groupby("iso3")["operations"].sum()
    d_now = disinfo[disinfo["year"] == year].groupby("iso3")["cases"].sum()
    c_cov = c_years[0] <= year <= c_years[1]
    d_cov = d_years[0] <= year <= d_years[1]
    cyber_v = np.where(
        c_cov & base["iso3"].isin(dcid_states), base["iso3"].map(c_now).fillna(0.0), np.nan
    ).astype(float)
    disinfo_v = (
        base["iso3"].map(d_now).fillna(0.0).to_numpy(float) if d_cov else np.full(len(base), np.nan)
    )
    raw = np.where(np.isnan(cyber_v), 0, np.log1p(cyber_v)) + np.where(
        np.isnan(disinfo_v), 0, np.log1p(disinfo_v)
    )
    raw = np.where(np.isnan(cyber_v) & np.isnan(disinfo_v), np.nan, raw)
    top = np.nanmax(raw) if np.isfinite(raw).any() else np.nan
    base["threat_exposure"] = raw / top if top and top > 0 else raw * 0.0
    base["exposure_sources"] = [
        ",".join(n for n, v in (("dcid", c), ("euvsdisinfo", d)) if not np.isnan(v))
        for c, d in zip(cyber_v, disinfo_v, strict=True)
    ]
    return base


def need_components(inputs: SupportInputs, recipients: list[str], year: int) -> pd.DataFrame:
    """Per recipient the four need components on 0-1 (missing where no source covers them)."""
    import numpy as np
    import pandas as pd

    base = pd.DataFrame({"iso3": sorted(recipients)})
    values = inputs.need_panel[inputs.need_panel["year"] == year].drop(columns="year")
    frame = base.merge(values, on="iso3", how="left")
    for column in NEED_INDICATORS:
        if column not in frame:
            frame[column] = np.nan
    frame["democratic_deficit"] = 1.0 - frame["vdem.v2x_libdem"]
    frame["fragility"] = ((2.5 - frame["wgi.pv_est"]) / 5.0).clip(0.0, 1.0)
    conflicts = inputs.conflicts
    war = conflicts[conflicts["year"] == year].groupby("iso3")["intensity_level"].max()
    known = len(conflicts) > 0 and conflicts["year"].min() <= year <= conflicts["year"].max()
    frame["conflict"] = frame["iso3"].map(war).fillna(0).astype(float) / 2.0 if known else np.nan
    exposure = inputs.exposure[inputs.exposure["year"] == year][["iso3", "threat_exposure"]]
    frame = frame.merge(exposure, on="iso3", how="left")
    return frame[["iso3", *NEED_WEIGHTS, *NEED_INDICATORS]]


def resource_components(
    inputs: SupportInputs, recipients: list[str], year: int
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Raw component values per recipient (their own units) and each component's coverage."""
    import pandas as pd

    codes = sorted(recipients)
    frame = operation_personnel(inputs.operations, inputs.troops, codes, year)
    troops = inputs.troops[inputs.troops["year"] == year].set_index("iso3")["troops"]
    frame["allied_troops"] = frame["iso3"].map(troops).fillna(0.0).astype(float)
    joined = inputs.exercises[inputs.exercises["year"] == year].groupby("iso3")["mme_id"].nunique()
    frame["exercises"] = frame["iso3"].map(joined).fillna(0).astype(float)
    frame["programme_amounts"] = (
        frame["iso3"].map(programme_amounts(inputs.programmes, codes, year)).astype(float)
    )
    aid = inputs.assistance[inputs.assistance["year"] == year].groupby("iso3")["usd_m"].sum()
    frame["us_assistance"] = frame["iso3"].map(aid).fillna(0.0).astype(float)
    part = programme_participation(inputs.programmes, codes, year)
    frame = frame.merge(part, on="iso3", how="left")
    coverage: dict[str, str] = {}
    for comp in COMPONENTS:
        span = inputs.coverage_years.get(comp.key)
        if span is not None and not span[0] <= year <= span[1]:
            frame[comp.key] = float("nan")
            coverage[comp.key] = f"not covered: {comp.source} covers {span[0]}-{span[1]}"
        elif float(frame[comp.key].sum()) <= 0:
            coverage[comp.key] = f"no recipient has any in {year}"
        else:
            have = int((frame[comp.key] > 0).sum())
            coverage[comp.key] = f"covered: {have} of {len(frame)} recipients have some"
    del pd
    return frame, coverage


# -- the audit --------------------------------------------------------------------------------


def _weighted_need(components: np.ndarray, weights: np.ndarray) -> np.ndarray:
    import numpy as np

    present = ~np.isnan(components)
    filled = np.where(present, components, 0.0)
    totals = present @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, (filled @ weights) / totals, np.nan)


def _composite(shares: np.ndarray, weights: np.ndarray) -> np.ndarray:
    total = weights.sum()
    return (shares @ weights) / total if total > 0 else shares[:, 0] * 0.0


def _ratio(support: np.ndarray, need: np.ndarray) -> np.ndarray:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        return (support / support.sum()) / (need / need.sum())


def _ranks(values: np.ndarray) -> np.ndarray:
    """Rank 1 = largest; ties get their average rank (as Spearman needs)."""
    import pandas as pd

    return pd.Series(values).rank(ascending=False, method="average").to_numpy()


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    import numpy as np

    ra, rb = _ranks(a), _ranks(b)
    if np.std(ra) == 0 or np.std(rb) == 0:
        return float("nan")
    return float(np.corrcoef(ra, rb)[0, 1])


def lorenz(support: np.ndarray, need: np.ndarray) -> tuple[pd.DataFrame, float]:
    """Concentration curve of support against need, and its Gini (see module docstring)."""
    import numpy as np
    import pandas as pd

    order = np.argsort(support / need, kind="stable")
    x = np.concatenate([[0.0], np.cumsum(need[order]) / need.sum()])
    y = np.concatenate([[0.0], np.cumsum(support[order]) / support.sum()])
    g = float(1.0 - np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
    return pd.DataFrame({"need_share": x, "support_share": y}), g


def gini(values: np.ndarray) -> float:
    """The ordinary Gini coefficient of non-negative ``values``."""
    import numpy as np

    v = np.sort(values.astype(float))
    n = len(v)
    if n == 0 or v.sum() == 0:
        return float("nan")
    return float((2 * np.arange(1, n + 1) - n - 1) @ v / (n * v.sum()))


@dataclass(frozen=True)
class SupportAudit(TableResult):
    """The audit of one year: per-recipient components, ranking, concentration, sensitivity."""

    year: int
    recipients: pd.DataFrame
    excluded: pd.DataFrame
    lorenz: pd.DataFrame
    gini_relative: float
    gini_support: float
    sensitivity: pd.DataFrame
    rank_ranges: pd.DataFrame
    leave_one_out: pd.DataFrame
    coverage: dict[str, str]
    weights: dict[str, dict[str, float]]
    components_used: list[str]
    exposure_note: str = ""

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "year", "measure")

    def table(self) -> pd.DataFrame:
        """One row per recipient, ranked (1 = most support relative to need), a column per
        measure and the notes (``operations``, ``personnel_basis``, ``why``...): what the CLI,
        the API and the dashboard show."""
        return self.recipients.merge(self.rank_ranges, on="iso3", how="left")

    def tidy(self) -> pd.DataFrame:
        """One row per recipient × measure, ranked recipients first: ``iso3, year, measure,
        value, unit`` (every number of :meth:`table`; its text notes stay there)."""
        from stabilis.results import long_frame

        table = self.table().assign(year=self.year)
        measures = [c for c in table.columns if c in self._units()]
        return long_frame(table, ("iso3", "year"), measures, described={"unit": self._units()})

    def _units(self) -> dict[str, str]:
        """The unit of every number in :meth:`table`, by column."""
        rank = "rank (1 = most support relative to need)"
        units = {
            "rank": rank,
            "support": UNIT,
            "need": "0-1 (higher = more need)",
            "support_per_need": "ratio (1 = share of support equals share of need)",
            "need_share": "share of the year's need (sums to 1 over recipients)",
            **{f"{c.key}_share": f"share of the year's {c.key} (0-1)" for c in COMPONENTS},
            **{c.key: c.unit for c in COMPONENTS},
            "operations_without_personnel": "operations (no personnel figure)",
            **{c: f"share of the year under {c} programmes (0-1)" for c in CATEGORIES},
            "undated_programmes": "programmes (no start date)",
            **dict.fromkeys(NEED_WEIGHTS, "0-1 (higher = more need)"),
            "vdem.v2x_libdem": "V-Dem liberal democracy index (0-1)",
            "wgi.pv_est": "WGI estimate (about -2.5 to 2.5)",
            "rank_best": rank,
            "rank_worst": rank,
        }
        return units

    def definitions(self) -> list[dict[str, str]]:
        return [
            {
                "key": c.key,
                "label": c.label,
                "unit": c.unit,
                "source": c.source,
                "coverage": self.coverage.get(c.key, ""),
            }
            for c in COMPONENTS
        ]

    def summary(self) -> str:
        """Who gets the most and the least relative to need, and how robust the ranking is."""
        m = self.meta()
        return (
            f"Support audit {self.year}: {m['recipients_ranked']} recipients ranked by resources "
            f"given relative to need ({len(m['recipients_excluded'])} without a need measure). "
            f"Most support relative to need: {', '.join(m['most_support_relative_to_need'])}; "
            f"least: {', '.join(m['least_support_relative_to_need'])}. Gini of support relative "
            f"to need {m['gini_support_vs_need']:.2f} (from {m['gini_range'][0]:.2f} to "
            f"{m['gini_range'][1]:.2f} over the weightings); the ranking keeps a Spearman "
            f"correlation of at least {m['spearman_min']:.2f} with the default under every "
            "weighting tried."
        )

    def meta(self) -> dict[str, Any]:
        """Ranks, concentration, sensitivity, coverage, units, weights and definitions."""
        import pandas as pd

        ranked = self.recipients.sort_values("rank")
        ginis = self.sensitivity["gini"].dropna()
        return {
            "year": self.year,
            "recipients_ranked": len(self.recipients),
            "recipients_excluded": self.excluded.to_dict(orient="records"),
            "most_support_relative_to_need": list(ranked["iso3"].head(5)),
            "least_support_relative_to_need": list(ranked["iso3"].tail(5)[::-1]),
            "why": {
                str(row["iso3"]): _why(row, self.components_used, len(ranked))
                for _, row in pd.concat([ranked.head(5), ranked.tail(5)]).iterrows()
            },
            "gini_support_vs_need": round(self.gini_relative, 4),
            "gini_range": [round(float(ginis.min()), 4), round(float(ginis.max()), 4)],
            "gini_support": round(self.gini_support, 4),
            "spearman_min": round(float(self.sensitivity["spearman"].min()), 4),
            "spearman_median": round(float(self.sensitivity["spearman"].median()), 4),
            "components_used": self.components_used,
            "coverage": self.coverage,
            "unit": UNIT,
            "weights": self.weights,
            "definitions": self.definitions(),
            "threat_exposure": self.exposure_note,
        }


def audit(
    inputs: SupportInputs,
    recipients: list[str],
    year: int,
    support_weights: dict[str, float] | None = None,
    need_weights: dict[str, float] | None = None,
) -> SupportAudit:
    """Rank recipients by support relative to need; concentration; sensitivity (module docstring)."""
    import numpy as np
    import pandas as pd

    sw = {**SUPPORT_WEIGHTS, **(support_weights or {})}
    nw = {**NEED_WEIGHTS, **(need_weights or {})}
    unknown = (set(sw) - set(SUPPORT_WEIGHTS)) | (set(nw) - set(NEED_WEIGHTS))
    if unknown:
        raise QueryError(
            f"Unknown weight(s) {', '.join(sorted(unknown))}. Support weights: "
            f"{', '.join(SUPPORT_WEIGHTS)}; need weights: {', '.join(NEED_WEIGHTS)}."
        )
    negative = [k for k, v in {**sw, **nw}.items() if v < 0]
    if negative:
        raise QueryError(f"Weights cannot be negative: {', '.join(negative)}.")
    resources, coverage = resource_components(inputs, recipients, year)
    needs = need_components(inputs, recipients, year)
    frame = resources.merge(needs, on="iso3", how="inner")
    comps = list(NEED_WEIGHTS)
    frame["need"] = _weighted_need(frame[comps].to_numpy(float), np.array([nw[c] for c in comps]))
    frame["need_components"] = [
        ",".join(c for c in comps if not np.isnan(row[c])) for _, row in frame.iterrows()
    ]
    usable = frame["need"].notna() & (frame["need"] > 0)
    excluded = frame.loc[~usable, ["iso3"]].assign(
        reason="no need component available (no V-Dem, WGI, UCDP or threat data for the year)"
    )
    ranked = frame[usable].reset_index(drop=True)
    used = [k for k in COMPONENT_KEYS if coverage[k].startswith("covered") and sw[k] > 0]
    if len(ranked) < 2 or not used:
        raise QueryError(
            f"The audit of {year} needs at least two recipients with a need score and one covered "
            "support component; pick a year between 1995 and 2024."
        )
    shares = np.column_stack(
        [ranked[k].to_numpy(float) / ranked[k].to_numpy(float).sum() for k in used]
    )
    shares = np.nan_to_num(shares)
    for i, key in enumerate(used):
        ranked[f"{key}_share"] = shares[:, i]
    w = np.array([sw[k] for k in used])
    s = _composite(shares, w)
    n = ranked["need"].to_numpy(float)
    n_matrix = ranked[comps].to_numpy(float)
    ranked["support"] = s
    ranked["need_share"] = n / n.sum()
    ranked["support_per_need"] = _ratio(s, n)
    ranked["rank"] = _ranks(ranked["support_per_need"].to_numpy())
    ranked["why"] = [_why(row, used, len(ranked)) for _, row in ranked.iterrows()]
    curve, g_rel = lorenz(s, n)
    base = ranked["support_per_need"].to_numpy(float)

    settings: list[dict[str, Any]] = []
    all_ranks: list[np.ndarray] = []

    def record(
        kind: str, detail: dict[str, Any], support: np.ndarray, need: np.ndarray
    ) -> np.ndarray:
        ratio = _ratio(support, need)
        ok = np.isfinite(ratio)
        g = (
            lorenz(support[ok], need[ok])[1]
            if ok.sum() >= 2 and support[ok].sum() > 0
            else float("nan")
        )
        settings.append({"varied": kind, **detail, "spearman": _spearman(base, ratio), "gini": g})
        return _ranks(ratio)

    for combo in itertools.product(GRID, repeat=len(comps)):
        need = _weighted_need(
            n_matrix, np.array([nw[c] * m for c, m in zip(comps, combo, strict=True)])
        )
        all_ranks.append(record("need weights", dict(zip(comps, combo, strict=True)), s, need))
    for combo in itertools.product(GRID, repeat=len(used)):
        support = _composite(shares, w * np.array(combo))
        all_ranks.append(record("support weights", dict(zip(used, combo, strict=True)), support, n))
    loo: dict[str, np.ndarray] = {}
    for i, key in enumerate(used):
        if len(used) < 2:
            break
        keep = [j for j in range(len(used)) if j != i]
        support = _composite(shares[:, keep], w[keep])
        loo[f"without {key}"] = record("leave out", {"left_out": key}, support, n)
    for c in comps:
        weights = np.array([0.0 if k == c else nw[k] for k in comps])
        need = _weighted_need(n_matrix, weights)
        ok = np.isfinite(need) & (need > 0)
        need = np.where(ok, need, np.nan)
        loo[f"without {c}"] = record("leave out", {"left_out": c}, s, need)
    ranks = np.vstack(all_ranks)
    rank_ranges = pd.DataFrame(
        {"iso3": ranked["iso3"], "rank_best": ranks.min(axis=0), "rank_worst": ranks.max(axis=0)}
    )
    leave_one_out = pd.DataFrame({"iso3": ranked["iso3"], "rank": ranked["rank"], **loo})
    columns = [
        "iso3", "rank", "support", "need", "support_per_need", "need_share",
        *[f"{k}_share" for k in used], *COMPONENT_KEYS, "operations", "operations_without_personnel",
        "personnel_basis", *CATEGORIES, "undated_programmes", *comps, "need_components", *NEED_INDICATORS, "why",
    ]  # fmt: skip
    return SupportAudit(
        year=year,
        recipients=ranked[columns].sort_values("rank").reset_index(drop=True),
        excluded=excluded.reset_index(drop=True),
        lorenz=curve,
        gini_relative=g_rel,
        gini_support=gini(s),
        sensitivity=pd.DataFrame(settings),
        rank_ranges=rank_ranges,
        leave_one_out=leave_one_out.sort_values("rank").reset_index(drop=True),
        coverage=coverage,
        weights={"support": {k: sw[k] for k in COMPONENT_KEYS}, "need": nw},
        components_used=used,
        exposure_note=inputs.exposure_note,
    )


# -- the cases a reader checks first ----------------------------------------------------------


@dataclass(frozen=True)
class SanityCase:
    iso3: str
    label: str
    first: int
    last: int | None
    expectation: str
    """``"high"``: a host of a large NATO-led operation should rank in the top half."""


SANITY_CASES: tuple[SanityCase, ...] = (
    SanityCase("AFG", "Afghanistan under ISAF", 2003, 2014, "high"),
    SanityCase("AFG", "Afghanistan under Resolute Support", 2015, 2021, "high"),
    SanityCase("IRQ", "Iraq under NTM-I", 2004, 2011, "context"),
    SanityCase("IRQ", "Iraq under NATO Mission Iraq", 2018, None, "context"),
    SanityCase("UKR", "Ukraine after 2014", 2014, 2021, "context"),
    SanityCase("UKR", "Ukraine after the 2022 invasion", 2022, None, "context"),
    SanityCase("GEO", "Georgia after the 2008 war", 2008, None, "context"),
    SanityCase("BIH", "Bosnia and Herzegovina under IFOR/SFOR", 1995, 2004, "high"),
    SanityCase("XKX", "Kosovo under KFOR", 1999, None, "high"),
)


def _why(row: pd.Series, used: list[str], n: int) -> str:
    parts = sorted(((float(row[f"{k}_share"]), k) for k in used), reverse=True)
    shown = ", ".join(f"{100 * v:.0f}% of {k.replace('_', ' ')}" for v, k in parts if v >= 0.005)
    return (
        f"rank {row['rank']:.0f} of {n}: {shown or 'under 0.5% of every component'}; "
        f"{100 * float(row['need_share']):.1f}% of need (need {float(row['need']):.2f}), "
        f"support/need {float(row['support_per_need']):.2f}"
    )


def sanity(result: SupportAudit) -> pd.DataFrame:
    """The cases a reader checks first that are active in the audit's year, with rank and why."""
    import pandas as pd

    table = result.recipients.set_index("iso3")
    n = len(table)
    rows: list[dict[str, Any]] = []
    for case in SANITY_CASES:
        if not (case.first <= result.year <= (case.last or 9999)):
            continue
        if case.iso3 not in table.index:
            reason = result.excluded.set_index("iso3")["reason"].get(case.iso3)
            rows.append({"iso3": case.iso3, "case": case.label, "rank": None, "of": n,
                         "verdict": "not ranked", "why": reason or "not a recipient in the registry this year"})  # fmt: skip
            continue
        row: pd.Series = table.loc[[case.iso3]].iloc[0]
        top_half = float(cast(float, row["rank"])) <= (n + 1) / 2
        if case.expectation == "high":
            verdict = "as expected (top half)" if top_half else "against expectation: see why"
        else:
            verdict = "top half" if top_half else "bottom half"
        rows.append({"iso3": case.iso3, "case": case.label, "rank": float(cast(float, row["rank"])), "of": n,
                     "verdict": verdict, "why": _why(row, result.components_used, n)})  # fmt: skip
    return pd.DataFrame(rows, columns=["iso3", "case", "rank", "of", "verdict", "why"])


def over_time(audits: list[SupportAudit]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per recipient-year ranks and ratios; per recipient a summary over the years."""
    import pandas as pd

    rows = []
    for result in audits:
        part = result.recipients[["iso3", "rank", "support", "need", "support_per_need"]].copy()
        part["year"] = result.year
        part["of"] = len(result.recipients)
        part["gini"] = result.gini_relative
        rows.append(part)
    panel = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if panel.empty:
        return panel, panel
    panel["top5"] = panel["rank"] <= 5
    panel["bottom5"] = panel["rank"] > panel["of"] - 5
    per = (
        panel.groupby("iso3")
        .agg(
            years=("year", "count"),
            median_support_per_need=("support_per_need", "median"),
            median_rank=("rank", "median"),
            years_top5=("top5", "sum"),
            years_bottom5=("bottom5", "sum"),
        )
        .sort_values("median_support_per_need", ascending=False)
        .reset_index()
    )
    return panel, per
