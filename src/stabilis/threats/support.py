"""The uneven-support audit: NATO support to each partner against that partner's need.

For one year and every partner that year (registry rule: in a framework, not a member):

**Support intensity** ``S`` (registry): for each category *k* of programme (table below) the
share of the year in which the partner had at least one dated programme spell of that category
(0-1; a programme starting on 1 November counts 2/12), plus the share of the year in which it
hosted a NATO-led operation; ``S = sum_k w_k * share_k``. The share is the **duration** part; the
weights are the **kind** part. Undated programme rows (most DEEP, PARP and Building Integrity
rows) cannot be placed in a year: they are counted in ``undated_programmes``, not guessed.
"MAP requested, not granted" rows are not support and are left out (as in the ``nato.map``
flag).

==============  =============================================  ============
category        programmes (registry ``programme_code``)       weight
==============  =============================================  ============
membership      MAP, ID (Intensified Dialogue), ANP, NGC        3
capacity        DCB, SNGP, CAP, TF (trust funds)                3
reform          IPAP, UAP, PARP                                 2
partnership     IPP, IPCP, ITPP, NUC, BSD                       1
education       DEEP, BI                                        1
operation       hosts a NATO-led operation                      3
==============  =============================================  ============

**Need** ``N`` (warehouse), each component on 0-1, higher = more need:

* democratic deficit ``1 - vdem.v2x_libdem``;
* fragility ``(2.5 - wgi.pv_est) / 5`` clipped to 0-1 (WGI political stability; the Fragile
  States Index covers only 2021-2023 in the warehouse, so it cannot make a comparable series);
* conflict: 1 for a war-level (intensity 2) UCDP/PRIO conflict row of the country that year,
  0.5 for a minor one, 0 for none;
* threat exposure: ``log(1 + cyber operations targeting it) + log(1 + disinformation cases
  naming it)``, divided by the largest value among that year's partners; each source counts
  only inside its coverage (DCID 2000-2021, EUvsDisinfo 2015-01 to 2021-02), and outside both
  the component is missing.

``N`` is the weighted mean of the components present (equal weights by default); the frame
says which were used. **Support relative to need** is ``(S / sum S) / (N / sum N)``: 1 means the
partner's share of all support equals its share of all need. Rank 1 = most support relative to
need.

**Concentration.** Partners sorted by ``S / N`` from least to most supported relative to need;
the Lorenz (concentration) curve plots their cumulative share of need against their cumulative
share of support. Its Gini ``G = 1 - sum (x_i - x_{i-1}) (y_i + y_{i-1})`` is 0 when support is
proportional to need and approaches 1 when it all goes to a few partners whose need is small.
``gini_support`` is the ordinary Gini of ``S`` across partners (need ignored).

**Sensitivity.** The weights are judgements, so the ranking is recomputed over a grid: every
need weight in {0.5, 1, 2} (81 settings) and every support weight times {0.5, 1, 2} (729
settings). For each setting the Spearman correlation with the default ranking is reported, and
for each partner its best and worst rank over the grid.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

CATEGORIES: dict[str, tuple[str, ...]] = {
    "membership": ("MAP", "ID", "ANP", "NGC"),
    "capacity": ("DCB", "SNGP", "CAP", "TF"),
    "reform": ("IPAP", "UAP", "PARP"),
    "partnership": ("IPP", "IPCP", "ITPP", "NUC", "BSD"),
    "education": ("DEEP", "BI"),
}
SUPPORT_WEIGHTS: dict[str, float] = {
    "membership": 3.0,
    "capacity": 3.0,
    "reform": 2.0,
    "partnership": 1.0,
    "education": 1.0,
    "operation": 3.0,
}
NEED_WEIGHTS: dict[str, float] = {
    "democratic_deficit": 1.0,
    "fragility": 1.0,
    "conflict": 1.0,
    "threat_exposure": 1.0,
}
NEED_INDICATORS = ("vdem.v2x_libdem", "wgi.pv_est")
GRID = (0.5, 1.0, 2.0)
_NOT_SUPPORT = "requested, not granted"


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


def _union_share(intervals: list[tuple[Any, Any]], year: int) -> float:
    """Share of ``year`` covered by the union of (start, end) intervals."""
    import pandas as pd

    first = pd.Timestamp(year=year, month=1, day=1)
    last = pd.Timestamp(year=year, month=12, day=31)
    clipped = sorted(
        (max(s, first), min(last if pd.isna(e) else e, last))
        for s, e in intervals
        if not pd.isna(s)
    )
    covered, cursor = 0, None
    for lo, hi in clipped:
        if hi < lo:
            continue
        if cursor is not None and lo <= cursor:
            lo = cursor + pd.Timedelta(days=1)
        if hi >= lo:
            covered += (hi - lo).days + 1
            cursor = hi if cursor is None else max(cursor, hi)
    return covered / ((last - first).days + 1)


def support_intensity(
    programmes: pd.DataFrame, operations: pd.DataFrame, partners: list[str], year: int
) -> pd.DataFrame:
    """Per partner: the share of ``year`` under each category, and the undated programme rows."""
    import pandas as pd

    code_to_category = {code: cat for cat, codes in CATEGORIES.items() for code in codes}
    rows = programmes[programmes["iso3"].isin(partners)].copy()
    rows = rows[~rows["milestone"].fillna("").str.contains(_NOT_SUPPORT, regex=False)]
    rows["category"] = rows["programme_code"].map(code_to_category)
    undated = rows[rows["start_first"].isna()].groupby("iso3").size()
    dated = rows[rows["start_first"].notna() & rows["category"].notna()].copy()
    dated["share"] = _year_share(dated["start_first"], dated["end_last"], year)
    shares = dated.groupby(["iso3", "category"])["share"].max().unstack(fill_value=0)
    out = pd.DataFrame(index=pd.Index(sorted(partners), name="iso3"))
    for category in CATEGORIES:
        out[category] = shares.get(category, 0.0)
    out = out.fillna(0.0)
    ops = operations[operations["iso3"].isin(partners)]
    out["operation"] = [
        _union_share(
            list(zip(g["start_first"], g["end_last"], strict=True)),
            year,
        )
        if len(g := ops[ops["iso3"] == iso3])
        else 0.0
        for iso3 in out.index
    ]
    out["undated_programmes"] = undated.reindex(out.index, fill_value=0).astype("int64")
    return out.reset_index()


def need_components(
    panel: pd.DataFrame,
    conflicts: pd.DataFrame,
    exposure: pd.DataFrame,
    partners: list[str],
    year: int,
) -> pd.DataFrame:
    """Per partner the four need components on 0-1 (missing where no source covers them).

    ``panel``: iso3, year and :data:`NEED_INDICATORS`; ``conflicts``: the records table;
    ``exposure``: iso3, ``cyber`` and ``disinfo`` counts for the year (NaN = not covered).
    """
    import numpy as np
    import pandas as pd

    base = pd.DataFrame({"iso3": sorted(partners)})
    values = panel[panel["year"] == year].drop(columns="year")
    frame = base.merge(values, on="iso3", how="left")
    frame["democratic_deficit"] = 1.0 - frame["vdem.v2x_libdem"]
    frame["fragility"] = ((2.5 - frame["wgi.pv_est"]) / 5.0).clip(0.0, 1.0)
    war = conflicts[conflicts["year"] == year].groupby("iso3")["intensity_level"].max()
    conflict_known = (
        len(conflicts) > 0 and conflicts["year"].min() <= year <= conflicts["year"].max()
    )
    frame["conflict"] = (
        frame["iso3"].map(war).fillna(0).astype(float) / 2.0 if conflict_known else np.nan
    )
    exp = base.merge(exposure, on="iso3", how="left")
    raw = np.log1p(exp["cyber"]).fillna(0) + np.log1p(exp["disinfo"]).fillna(0)
    raw = raw.where(exp["cyber"].notna() | exp["disinfo"].notna())
    top = raw.max()
    frame["threat_exposure"] = raw / top if top and top > 0 else raw * 0.0
    return frame[["iso3", *NEED_WEIGHTS, *NEED_INDICATORS]]


def _weighted_need(components: np.ndarray, weights: np.ndarray) -> np.ndarray:
    import numpy as np

    present = ~np.isnan(components)
    filled = np.where(present, components, 0.0)
    totals = present @ weights
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, (filled @ weights) / totals, np.nan)


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
    gini = float(1.0 - np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1])))
    return pd.DataFrame({"need_share": x, "support_share": y}), gini


def gini(values: np.ndarray) -> float:
    """The ordinary Gini coefficient of non-negative ``values``."""
    import numpy as np

    v = np.sort(values.astype(float))
    n = len(v)
    if n == 0 or v.sum() == 0:
        return float("nan")
    return float((2 * np.arange(1, n + 1) - n - 1) @ v / (n * v.sum()))


@dataclass(frozen=True)
class SupportAudit:
    """The audit of one year: per-partner table, concentration and sensitivity."""

    year: int
    partners: pd.DataFrame
    excluded: pd.DataFrame
    lorenz: pd.DataFrame
    gini_relative: float
    gini_support: float
    sensitivity: pd.DataFrame
    rank_ranges: pd.DataFrame
    weights: dict[str, dict[str, float]] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per partner, ranked (1 = most support relative to need)."""
        return self.partners.merge(self.rank_ranges, on="iso3", how="left")

    def summary(self) -> dict[str, Any]:
        ranked = self.partners.sort_values("rank")
        return {
            "year": self.year,
            "partners_ranked": len(self.partners),
            "partners_excluded": self.excluded.to_dict(orient="records"),
            "most_support_relative_to_need": list(ranked["iso3"].head(5)),
            "least_support_relative_to_need": list(ranked["iso3"].tail(5)[::-1]),
            "gini_support_vs_need": round(self.gini_relative, 4),
            "gini_support": round(self.gini_support, 4),
            "spearman_min": round(float(self.sensitivity["spearman"].min()), 4),
            "spearman_median": round(float(self.sensitivity["spearman"].median()), 4),
            "weights": self.weights,
        }


def audit(
    intensity: pd.DataFrame,
    needs: pd.DataFrame,
    year: int,
    support_weights: dict[str, float] | None = None,
    need_weights: dict[str, float] | None = None,
) -> SupportAudit:
    """Rank partners by support relative to need; concentration; weight sensitivity."""
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
    frame = intensity.merge(needs, on="iso3", how="inner")
    cats = list(SUPPORT_WEIGHTS)
    comps = list(NEED_WEIGHTS)
    s_matrix = frame[cats].to_numpy(float)
    n_matrix = frame[comps].to_numpy(float)
    frame["support"] = s_matrix @ np.array([sw[c] for c in cats])
    frame["need"] = _weighted_need(n_matrix, np.array([nw[c] for c in comps]))
    frame["need_components"] = [
        ",".join(c for c, v in zip(comps, row, strict=True) if not np.isnan(v)) for row in n_matrix
    ]
    usable = frame["need"].notna() & (frame["need"] > 0)
    excluded = frame.loc[~usable, ["iso3"]].assign(
        reason="no need component available (no V-Dem, WGI, UCDP or threat data for the year)"
    )
    ranked = frame[usable].reset_index(drop=True)
    if len(ranked) < 2 or ranked["support"].sum() == 0:
        raise QueryError(
            f"The audit of {year} needs at least two partners with a need score and some "
            "support in the registry; pick a year between 1995 and 2023."
        )
    s = ranked["support"].to_numpy(float)
    n = ranked["need"].to_numpy(float)
    ranked["support_share"] = s / s.sum()
    ranked["need_share"] = n / n.sum()
    ranked["support_per_need"] = _ratio(s, n)
    ranked["rank"] = _ranks(ranked["support_per_need"].to_numpy()).astype(float)
    curve, g_rel = lorenz(s, n)
    base = ranked["support_per_need"].to_numpy(float)

    settings: list[dict[str, Any]] = []
    all_ranks: list[np.ndarray] = []
    sub_s = ranked[cats].to_numpy(float)
    sub_n = ranked[comps].to_numpy(float)
    for combo in itertools.product(GRID, repeat=len(comps)):
        need = _weighted_need(
            sub_n, np.array([nw[c] * m for c, m in zip(comps, combo, strict=True)])
        )
        ratio = _ratio(s, need)
        all_ranks.append(_ranks(ratio))
        settings.append(
            {
                "varied": "need",
                **dict(zip(comps, combo, strict=True)),
                "spearman": _spearman(base, ratio),
            }
        )
    for combo in itertools.product(GRID, repeat=len(cats)):
        support = sub_s @ np.array([sw[c] * m for c, m in zip(cats, combo, strict=True)])
        ratio = _ratio(support, n)
        all_ranks.append(_ranks(ratio))
        settings.append(
            {
                "varied": "support",
                **dict(zip(cats, combo, strict=True)),
                "spearman": _spearman(base, ratio),
            }
        )
    ranks = np.vstack(all_ranks)
    rank_ranges = pd.DataFrame(
        {
            "iso3": ranked["iso3"],
            "rank_best": ranks.min(axis=0),
            "rank_worst": ranks.max(axis=0),
        }
    )
    columns = [
        "iso3",
        "rank",
        "support",
        "need",
        "support_per_need",
        "support_share",
        "need_share",
        *cats,
        "undated_programmes",
        *comps,
        "need_components",
        *NEED_INDICATORS,
    ]
    return SupportAudit(
        year=year,
        partners=ranked[columns].sort_values("rank").reset_index(drop=True),
        excluded=excluded.reset_index(drop=True),
        lorenz=curve,
        gini_relative=g_rel,
        gini_support=gini(s),
        sensitivity=pd.DataFrame(settings),
        rank_ranges=rank_ranges,
        weights={"support": sw, "need": nw},
    )
