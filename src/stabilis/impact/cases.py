"""Pre-registered case studies as data (``data/cases.json``), their donor pools and results.

Each case names its treated country (or countries), the treatment as a registry fact (an
operation, programme, partnership or accession; the year is read from the registry), the
outcomes, the first pre-treatment year, the post-treatment window and the donor-pool rule:

* candidates: countries in the listed ``regions``/``subregions`` plus ``include``, minus
  ``exclude`` and the treated countries;
* ``exclude_members``: drop countries that were NATO members in any year of the window;
* ``exclude_operation_hosts``: drop countries hosting a NATO-led operation in the window;
* ``exclude_programmes``: drop countries in any of these programmes during the window;
* donors missing the outcome in any year used are dropped by the estimator (listed in the
  result with the reason).

Loading checks every case against the registry and fails loudly (which case, which field)
when a configuration is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from stabilis.errors import NotFoundError, RegistryError
from stabilis.panel.serialise import records

from .regional import DidArm, long_estimates
from .results import SynthResult
from .synth import Predictor
from .treatments import RegistryLike, treatment_years
from .verdict import display

CASES_FILE = Path(__file__).parent / "data" / "cases.json"


#: V-Dem's Regimes of the World categories (``vdem.v2x_regime``).
REGIME = "vdem.v2x_regime"
REGIME_NAMES = {
    0: "closed autocracy",
    1: "electoral autocracy",
    2: "electoral democracy",
    3: "liberal democracy",
}


@dataclass(frozen=True)
class DonorRule:
    """Which countries may serve as donors (see the module docstring and docs/impact.md)."""

    regions: tuple[str, ...] = ()
    subregions: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    exclude_members: bool = True
    exclude_operation_hosts: bool = True
    exclude_programmes: tuple[str, ...] = ()
    #: Neighbours of a treated country are exposed to spill-overs: left out unless False.
    exclude_neighbours: bool = True
    #: Keep donors whose modal regime type in the pre-period is at most this many categories
    #: from the treated country's (None: no regime rule).
    regime_distance: int | None = None
    #: Keep donors whose pre-period mean of the outcome is within this many standard
    #: deviations (across the treated country and the candidates) of the treated one's.
    level_sd: float | None = None
    #: The same for the pre-period linear trend of the outcome.
    trend_sd: float | None = None
    #: An explicit donor list: overrides every rule above (the user's override).
    donors: tuple[str, ...] = ()

    @property
    def similarity(self) -> bool:
        return any(x is not None for x in (self.regime_distance, self.level_sd, self.trend_sd))

    def describe(self) -> str:
        if self.donors:
            return (
                "the donors the case names (" + ", ".join(self.donors) + "); minus countries "
                "missing the outcome in any year used"
            )
        parts = []
        where = [*self.regions, *(f"{s} (subregion)" for s in self.subregions), *self.include]
        parts.append("countries in " + ", ".join(where) if where else "all countries")
        if self.exclude_members:
            parts.append("minus NATO members during the window")
        if self.exclude_operation_hosts:
            parts.append("minus hosts of NATO-led operations during the window")
        if self.exclude_programmes:
            parts.append(
                "minus participants in " + ", ".join(self.exclude_programmes) + " during the window"
            )
        if self.exclude_neighbours:
            parts.append("minus neighbours of the treated country (spill-overs)")
        if self.exclude:
            parts.append("minus " + ", ".join(self.exclude))
        if self.regime_distance is not None:
            parts.append(
                f"keeping countries whose pre-period regime type is within {self.regime_distance} "
                "category of the treated country's (V-Dem Regimes of the World)"
            )
        if self.level_sd is not None:
            parts.append(
                f"keeping countries whose pre-period mean outcome is within {self.level_sd:g} SD "
                "of the treated country's"
            )
        if self.trend_sd is not None:
            parts.append(
                f"keeping countries whose pre-period outcome trend is within {self.trend_sd:g} SD "
                "of the treated country's"
            )
        parts.append("minus countries missing the outcome in any year used")
        return "; ".join(parts)


@dataclass(frozen=True)
class CaseSpec:
    id: str
    title: str
    treated: tuple[str, ...]
    kind: str
    code: str
    treatment_year: int
    outcomes: tuple[str, ...]
    first_pre_year: int
    post_years: int
    method: str
    min_pre_years: int
    min_donors: int
    max_fit_ratio: float
    donor_rule: DonorRule
    confounders: tuple[str, ...] = ()
    anticipation: str = ""
    design: str = "synth"
    #: Regional design: the country intervened in; its neighbours are the treated units.
    origin: str = ""
    predictors: tuple[Predictor, ...] = ()
    #: For a user's registered case: sha256, registered_at, file (see registration.py).
    registration: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def last_year(self) -> int:
        return self.treatment_year + self.post_years - 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "treated": list(self.treated),
            "treatment": {"kind": self.kind, "code": self.code, "year": self.treatment_year},
            "outcomes": list(self.outcomes),
            "pre_period": [self.first_pre_year, self.treatment_year - 1],
            "post_period": [self.treatment_year, self.last_year],
            "method": self.method,
            "donor_pool_rule": self.donor_rule.describe(),
            "confounders": list(self.confounders),
            "anticipation": self.anticipation,
            "design": self.design,
            "origin": self.origin or None,
            "predictors": [p.label for p in self.predictors],
            "registration": dict(self.registration) or None,
        }

    def fingerprint(self) -> str:
        """sha256 of everything that defines the case (the key of its stored results)."""
        import hashlib

        payload = {
            **self.to_dict(),
            "rule": {f.name: getattr(self.donor_rule, f.name) for f in fields(DonorRule)},
            "checks": [self.min_pre_years, self.min_donors, self.max_fit_ratio],
            "predictors": [(p.variable, p.years) for p in self.predictors],
            "registration": None,
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


def load_cases(
    registry: RegistryLike, path: Path | None = None, countries: pd.DataFrame | None = None
) -> dict[str, CaseSpec]:
    """Read and check the case file; treatment years come from ``registry``; ``countries``
    (with neighbours) gives the treated units of regional cases."""
    source = path or CASES_FILE
    raw = json.loads(source.read_text(encoding="utf-8"))
    defaults = raw.get("defaults", {})
    out: dict[str, CaseSpec] = {}
    for entry in raw["cases"]:
        spec = parse_case(entry, defaults, registry, source.name, countries)
        out[spec.id] = spec
    return out


#: Keys a case may have (a case file with another key is refused: it is probably a typo).
CASE_KEYS = {
    "id",
    "title",
    "treated",
    "origin",
    "design",
    "treatment",
    "outcomes",
    "predictors",
    "first_pre_year",
    "post_years",
    "method",
    "min_pre_years",
    "min_donors",
    "max_fit_ratio",
    "donor_pool",
    "checks",
    "confounders",
    "anticipation",
}
DONOR_KEYS = {f.name for f in fields(DonorRule)}
DESIGNS = ("synth", "pooled", "regional")


def _case_error(source: str, cid: str, key: str, problem: str) -> RegistryError:
    return RegistryError(f"{source}, case '{cid}', key '{key}': {problem}")


def parse_case(
    entry: Mapping[str, Any],
    defaults: Mapping[str, Any],
    registry: RegistryLike,
    source: str,
    countries: pd.DataFrame | None = None,
) -> CaseSpec:
    """One case from its dictionary form (``cases.json`` entry or a TOML case file), checked:
    every error names the source, the case and the key. ``design = "regional"`` cases name an
    ``origin`` and treat its neighbours (from ``countries``)."""
    cid = str(entry.get("id", "")) or "(no id)"
    unknown = sorted(set(entry) - CASE_KEYS)
    if unknown:
        raise _case_error(
            source, cid, unknown[0], f"unknown key; a case has: {', '.join(sorted(CASE_KEYS))}"
        )
    for key in ("id", "title", "treatment", "outcomes", "first_pre_year"):
        if key not in entry:
            raise _case_error(source, cid, key, "missing")
    design = str(entry.get("design", defaults.get("design", "synth")))
    if design not in DESIGNS:
        raise _case_error(source, cid, "design", f"'{design}' is not one of {', '.join(DESIGNS)}")
    origin = str(entry.get("origin", ""))
    if design == "regional":
        if not origin:
            raise _case_error(source, cid, "origin", "a regional case needs the origin country")
        # Without a country table (no warehouse yet) the neighbours are unknown: the case
        # loads with no treated unit and cannot run until the table exists.
        treated = tuple(entry.get("treated", ())) or _neighbours(origin, countries)
        if not treated and countries is not None:
            raise _case_error(source, cid, "origin", f"{origin} has no neighbours on record")
    else:
        if "treated" not in entry or not entry["treated"]:
            raise _case_error(source, cid, "treated", "missing")
        treated = tuple(str(t) for t in entry["treated"])
        if design == "pooled" and len(set(treated)) < 2:
            raise _case_error(
                source, cid, "treated", "a pooled design needs at least two treated units"
            )
    treat = entry["treatment"]
    if not isinstance(treat, Mapping):
        raise _case_error(source, cid, "treatment", "must be a table (kind, code, expected_year)")
    kind = str(treat.get("kind", "custom"))
    code = str(treat.get("code", ""))
    if "year" in treat and kind == "custom":
        year = int(treat["year"])
    else:
        holder = (origin,) if design == "regional" else treated
        years = {iso: treatment_years(registry, kind, code, iso) for iso in holder}
        missing = [iso for iso, y in years.items() if y is None]
        if missing:
            raise RegistryError(
                f"{source}, case '{cid}': the registry has no start year for {dict(treat)} in {', '.join(missing)}."
            )
        found = sorted({y for y in years.values() if y is not None})
        expected = treat.get("expected_year", treat.get("year"))
        if len(found) != 1 or (expected is not None and found[0] != int(expected)):
            raise RegistryError(
                f"{source}, case '{cid}': the registry gives treatment year(s) {found}, "
                f"the case was registered for {expected}. Check the registry or the case."
            )
        year = found[0]
    rule = {**defaults.get("donor_pool", {}), **entry.get("donor_pool", {})}
    bad = sorted(set(rule) - DONOR_KEYS)
    if bad:
        raise _case_error(
            source,
            cid,
            f"donor_pool.{bad[0]}",
            f"unknown; use one of {', '.join(sorted(DONOR_KEYS))}",
        )
    donor_rule = DonorRule(
        regions=tuple(rule.get("regions", ())),
        subregions=tuple(rule.get("subregions", ())),
        include=tuple(rule.get("include", ())),
        exclude=tuple(rule.get("exclude", ())),
        exclude_members=bool(rule.get("exclude_members", True)),
        exclude_operation_hosts=bool(rule.get("exclude_operation_hosts", True)),
        exclude_programmes=tuple(rule.get("exclude_programmes", ())),
        exclude_neighbours=bool(rule.get("exclude_neighbours", True)),
        regime_distance=_optional(rule.get("regime_distance"), int),
        level_sd=_optional(rule.get("level_sd"), float),
        trend_sd=_optional(rule.get("trend_sd"), float),
        donors=tuple(rule.get("donors", ())),
    )
    checks = {
        **defaults,
        **entry.get("checks", {}),
        **{k: v for k, v in entry.items() if k in ("min_pre_years", "min_donors", "max_fit_ratio")},
    }
    predictors = []
    for i, p in enumerate(entry.get("predictors", ())):
        if "variable" not in p or "years" not in p:
            raise _case_error(source, cid, f"predictors[{i}]", "needs 'variable' and 'years'")
        years_p = p["years"]
        span = (
            tuple(range(int(years_p[0]), int(years_p[1]) + 1))
            if len(years_p) == 2 and p.get("span", True)
            else tuple(int(y) for y in years_p)
        )
        predictors.append(Predictor(str(p["variable"]), span))
    method = str(entry.get("method", defaults.get("method", "abadie")))
    if method not in ("abadie", "augmented"):
        raise _case_error(source, cid, "method", f"'{method}' is not abadie or augmented")
    first = int(entry["first_pre_year"])
    if first >= year:
        raise _case_error(
            source, cid, "first_pre_year", f"{first} is not before the treatment year {year}"
        )
    return CaseSpec(
        id=str(entry["id"]),
        title=str(entry["title"]),
        treated=treated,
        kind=kind,
        code=code,
        treatment_year=year,
        outcomes=tuple(str(o) for o in entry["outcomes"]),
        first_pre_year=first,
        post_years=int(entry.get("post_years", defaults.get("post_years", 10))),
        method=method,
        min_pre_years=int(checks.get("min_pre_years", 5)),
        min_donors=int(checks.get("min_donors", 5)),
        max_fit_ratio=float(checks.get("max_fit_ratio", 0.25)),
        donor_rule=donor_rule,
        confounders=tuple(entry.get("confounders", ())),
        anticipation=str(entry.get("anticipation", "")),
        design=design,
        origin=origin,
        predictors=tuple(predictors),
    )


def _neighbours(origin: str, countries: pd.DataFrame | None) -> tuple[str, ...]:
    if countries is None or "neighbours" not in countries:
        return ()
    row = countries.loc[countries["iso3"] == origin, "neighbours"]
    raw = row.iloc[0] if len(row) else None
    return tuple(sorted(str(raw).split(";"))) if isinstance(raw, str) and raw else ()


def _optional(value: Any, kind: type) -> Any:
    return None if value is None or value == "none" else kind(value)


def donor_pool(
    spec: CaseSpec, registry: Any, countries: pd.DataFrame
) -> tuple[list[str], dict[str, str]]:
    """Candidate donors for ``spec`` and, for each excluded candidate, why."""
    rule = spec.donor_rule
    live = (
        countries[~countries["historical"].astype(bool)] if "historical" in countries else countries
    )
    if rule.donors:
        known = set(countries["iso3"])
        unknown = [d for d in rule.donors if d not in known]
        if unknown:
            raise RegistryError(
                f"case '{spec.id}': donor(s) {', '.join(unknown)} are not known country codes "
                "(ISO3, see 'stabilis countries list')."
            )
        return sorted(set(rule.donors) - set(spec.treated)), {}
    mask = (
        live["region"].isin(rule.regions)
        | live["subregion"].isin(rule.subregions)
        | live["iso3"].isin(rule.include)
    )
    if not (rule.regions or rule.subregions or rule.include):
        mask = pd.Series(True, index=live.index)
    candidates = sorted(set(live.loc[mask, "iso3"]) - set(spec.treated))
    first, last = spec.first_pre_year, spec.last_year
    excluded: dict[str, str] = {}
    if rule.exclude_members:
        members: set[str] = set()
        for year in range(first, last + 1):
            members |= set(registry.members(year))
        for c in candidates:
            if c in members:
                excluded[c] = "NATO member during the window"
    if rule.exclude_operation_hosts:
        hosts = registry.operation_country_years(first, last)
        for c in set(hosts["iso3"]) & set(candidates):
            excluded.setdefault(c, "hosted a NATO-led operation during the window")
    if rule.exclude_programmes:
        table = registry.table("programmes")
        rows = table[table["code"].isin(rule.exclude_programmes) & table["start_first"].notna()]
        rows = rows[~rows["milestone"].str.contains("not granted", case=False, na=False)]
        if "shape" in rows:  # milestones are events, not programmes in force
            rows = rows[rows["shape"] != "milestone"]
        start = rows["start_first"].dt.year
        end = rows["end_last"].dt.year.fillna(9999)
        active = rows[(start <= last) & (end >= first)]
        for c in set(active["iso3"]) & set(candidates):
            excluded.setdefault(c, f"in {'/'.join(rule.exclude_programmes)} during the window")
    if rule.exclude_neighbours and "neighbours" in countries:
        table = countries.set_index("iso3")
        for iso in spec.treated:
            raw = table.at[iso, "neighbours"] if iso in table.index else None
            for c in str(raw).split(";") if isinstance(raw, str) else []:
                if c in candidates:
                    excluded.setdefault(c, f"neighbour of {iso} (exposed to spill-overs)")
    for c in rule.exclude:
        if c in candidates:
            excluded.setdefault(c, "excluded by the case")
    return [c for c in candidates if c not in excluded], excluded


def _slope(frame: pd.DataFrame, column: str) -> pd.Series:
    def fit(group: pd.DataFrame) -> float:
        ok = group[column].notna()
        if ok.sum() < 2:
            return float("nan")
        return float(np.polyfit(group.loc[ok, "year"], group.loc[ok, column], 1)[0])

    return pd.Series({iso: fit(g) for iso, g in frame.groupby("iso3")})


def similar_donors(
    rule: DonorRule,
    panel: pd.DataFrame,
    outcome: str,
    treated: str,
    donors: list[str],
    pre: tuple[int, int],
) -> tuple[list[str], dict[str, str]]:
    """Donors similar to ``treated`` in the pre-period ``pre`` (regime type, level and trend of
    ``outcome``), and why each other one is left out. An explicit donor list skips this."""
    if rule.donors or not rule.similarity:
        return list(donors), {}
    window = panel[(panel["year"] >= pre[0]) & (panel["year"] <= pre[1])]
    excluded: dict[str, str] = {}
    span = f"{pre[0]}-{pre[1]}"
    if rule.regime_distance is not None and REGIME in window:
        regime = (
            window.dropna(subset=[REGIME])
            .groupby("iso3")[REGIME]
            .agg(lambda s: float(s.round().mode().min()))
        )
        mine = regime.get(treated)
        if mine is not None and np.isfinite(mine):
            for d in donors:
                theirs = regime.get(d)
                if theirs is None or not np.isfinite(theirs):
                    excluded[d] = f"no regime type in {span}"
                elif abs(theirs - mine) > rule.regime_distance:
                    excluded[d] = (
                        f"regime type {REGIME_NAMES.get(int(theirs), theirs)} in {span}, "
                        f"{treated} {REGIME_NAMES.get(int(mine), mine)} (more than "
                        f"{rule.regime_distance} category apart)"
                    )
    for kind, limit in (("level", rule.level_sd), ("trend", rule.trend_sd)):
        if limit is None or outcome not in window:
            continue
        values = (
            window.groupby("iso3")[outcome].mean() if kind == "level" else _slope(window, outcome)
        )
        mine = values.get(treated)
        pool = values.reindex([treated, *donors]).dropna()
        if mine is None or not np.isfinite(mine) or len(pool) < 3:
            continue
        sd = float(pool.std(ddof=1))
        what = "mean" if kind == "level" else "trend (per year)"
        for d in donors:
            theirs = values.get(d)
            if d in excluded or theirs is None or not np.isfinite(theirs):
                continue
            if abs(theirs - mine) > limit * sd:
                excluded[d] = (
                    f"pre-period {what} of {outcome} more than {limit:g} SD ({sd:.3g}) from "
                    f"{treated}'s {mine:.3g} [{theirs:.3g}]"
                )
    return [d for d in donors if d not in excluded], excluded


@dataclass
class PooledResult:
    """Several treated countries with the same treatment year: one SC each, then the average."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("treated", "year", "series")

    outcome: str
    results: list[SynthResult]
    average: float | None
    p_value: float | None
    reasons: list[str]
    higher_is_better: bool | None = None

    @property
    def verdict(self) -> str:
        """``not_credible`` without two credible countries; ``weak`` when the pooled p-value
        exceeds 0.10 (the synthetic-control rule); else ``estimate``."""
        if self.average is None:
            return "not_credible"
        if self.p_value is None or not np.isfinite(self.p_value) or self.p_value > 0.10:
            return "weak"
        return "estimate"

    def path(self) -> pd.DataFrame:
        """Every treated country's path (:meth:`SynthResult.path`) with a ``treated`` column."""
        frames = [r.path().assign(treated=r.data.treated) for r in self.results]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def tidy(self) -> pd.DataFrame:
        """Long: ``treated, year, series, value, period``, each country's
        :meth:`SynthResult.tidy` stacked."""
        frames = [r.tidy().assign(treated=r.data.treated) for r in self.results]
        if not frames:
            return pd.DataFrame(columns=[*self.TIDY_KEYS, "value", "period"])
        long = pd.concat(frames, ignore_index=True)
        return long[[*self.TIDY_KEYS, "value", "period"]]

    def summary(self) -> str:
        used = [r for r in self.results if r.verdict != "not_credible"]
        lines = [
            f"Verdict: {display(self.verdict)}",
            f"{self.outcome}: pooled synthetic control over {len(self.results)} treated countries.",
        ]
        if self.average is None:
            lines.append("No pooled estimate: " + "; ".join(self.reasons) + ".")
        else:
            sign = ""
            if self.higher_is_better is not None and self.average != 0:
                sign = (
                    " (an improvement)"
                    if (self.average > 0) == self.higher_is_better
                    else " (a deterioration: harm)"
                )
            lines.append(
                f"Average post-treatment gap {self.average:+.3f}{sign} over {len(used)} countries with a credible fit; "
                f"pooled permutation p = {self.p_value:.3f}."
            )
        for r in self.results:
            lines.append(
                f"  {r.data.treated}: "
                + (
                    f"{r.att:+.3f}"
                    if r.att is not None
                    else "no estimate (" + "; ".join(r.reasons) + ")"
                )
            )
        return "\n".join(lines)

    def plot_spec(self) -> dict[str, Any]:
        tidy = self.path()
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"Gaps by treated country: {self.outcome}",
            "data": {"values": records(tidy)},
            "mark": "line",
            "encoding": {
                "x": {"field": "year", "type": "quantitative"},
                "y": {"field": "gap", "type": "quantitative"},
                "color": {"field": "treated", "type": "nominal"},
            },
        }

    def meta(self) -> dict[str, Any]:
        """JSON-ready settings, diagnostics (each country's) and verdict."""
        return {
            "design": "averaged_synthetic_controls",
            "verdict": self.verdict,
            "reasons": self.reasons,
            "settings": {
                "outcome": self.outcome,
                "treated": [r.data.treated for r in self.results],
            },
            "diagnostics": {
                "pooled_p_value": self.p_value,
                "countries": {r.data.treated: r.meta() for r in self.results},
            },
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "verdict": self.verdict,
            "estimate": self.average,
            "p_value": self.p_value,
            "reasons": self.reasons,
            "countries": [r.to_dict() for r in self.results],
            "summary": self.summary(),
        }


def pooled_p_value(
    treated_ratios: np.ndarray, placebo_ratios: np.ndarray, draws: int = 5000, seed: int = 0
) -> float:
    """Share of random same-size sets of placebo countries whose mean post/pre RMSPE ratio is at
    least the treated countries' mean (Cavallo et al. 2013), counting the observed set."""
    k = len(treated_ratios)
    if len(placebo_ratios) < k:
        return float("nan")
    rng = np.random.default_rng(seed)
    observed = float(np.mean(treated_ratios))
    picks = np.array(
        [rng.choice(placebo_ratios, size=k, replace=False).mean() for _ in range(draws)]
    )
    return float((1 + np.sum(picks >= observed)) / (draws + 1))


@dataclass
class CaseResult:
    """Every outcome of one case: estimates or stated reasons, with the case's definition."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("outcome", "arm")

    spec: CaseSpec
    donors: list[str]
    excluded: dict[str, str]
    results: list[SynthResult | PooledResult] = field(default_factory=list)
    #: Regional cases: the not-yet-treated DiD arm per outcome, beside the synthetic one.
    arms: list[DidArm] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """The case table the CLI, API and case list show: one row per outcome and arm,
        verdict first (``verdict, arm, outcome, treated, estimate, p_value, lower, upper,
        pre_rmspe, n_donors, reason``)."""
        rows: list[dict[str, Any]] = []
        for r in self.results:
            if isinstance(r, PooledResult):
                rows.append(
                    {
                        "verdict": r.verdict,
                        "arm": "synthetic control",
                        "outcome": r.outcome,
                        "treated": ",".join(x.data.treated for x in r.results),
                        "estimate": r.average,
                        "p_value": r.p_value,
                        "lower": None,
                        "upper": None,
                        "pre_rmspe": None,
                        "n_donors": len(self.donors),
                        "reason": "; ".join(r.reasons),
                    }
                )
            else:
                iv = r.interval
                rows.append(
                    {
                        "verdict": r.verdict,
                        "arm": "synthetic control",
                        "outcome": r.data.outcome,
                        "treated": r.data.treated,
                        "estimate": r.att,
                        "p_value": r.p_value,
                        "lower": iv[0] if iv else None,
                        "upper": iv[1] if iv else None,
                        "pre_rmspe": r.pre_rmspe,
                        "n_donors": len(r.data.donors),
                        "reason": "; ".join(r.reasons),
                    }
                )
        rows.extend(arm.tidy_row() for arm in self.arms)
        return pd.DataFrame(rows)

    def tidy(self) -> pd.DataFrame:
        """Long: one row per outcome and arm, ``outcome, arm, value`` (the estimate) with its
        ``lower``/``upper`` interval, then ``p_value``, ``verdict`` and the rest."""
        return long_estimates(self.table())

    def verdicts(self) -> list[str]:
        """One line per outcome, verdict first: what every interface shows before anything."""
        lines = []
        for r in self.results:
            outcome = r.outcome if isinstance(r, PooledResult) else r.data.outcome
            reasons = "; ".join(r.reasons)
            lines.append(f"{display(r.verdict)}: {outcome}" + (f" ({reasons})" if reasons else ""))
        lines.extend(arm.verdict_line() for arm in self.arms)
        return lines

    def summary(self) -> str:
        s = self.spec
        head = [
            f"{s.title} [{s.id}]",
            *self.verdicts(),
            "",
            f"Treatment: {s.kind} {s.code} in {s.treatment_year} (from the registry); pre-period {s.first_pre_year}-{s.treatment_year - 1}, post-period {s.treatment_year}-{s.last_year}.",
            f"Donor pool: {s.donor_rule.describe()} ({len(self.donors)} candidates).",
        ]
        if self.excluded:
            head.append("Excluded by the rule: " + grouped(self.excluded) + ".")
        for r in self.results:
            if isinstance(r, SynthResult) and r.excluded:
                head.append(
                    f"Excluded as dissimilar for {r.data.outcome}: " + grouped(r.excluded) + "."
                )
        if s.confounders:
            head.append("Confounding events: " + "; ".join(s.confounders) + ".")
        if s.anticipation:
            head.append("Anticipation: " + s.anticipation + ".")
        body = [r.summary() for r in self.results] + [a.summary() for a in self.arms]
        return "\n".join(head) + "\n\n" + "\n\n".join(body)

    def plot_spec(self) -> list[dict[str, Any]]:
        return [r.plot_spec() for r in self.results]

    def meta(self) -> dict[str, Any]:
        """JSON-ready settings (the case), diagnostics and verdicts per outcome and arm."""
        return {
            "case": self.spec.to_dict(),
            "verdicts": self.verdicts(),
            "results": [r.meta() for r in self.results],
            "did_arms": [a.result for a in self.arms],
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.spec.to_dict(),
            "donor_candidates": self.donors,
            "excluded": self.excluded,
            "results": [r.to_dict() for r in self.results],
            "did_arms": [a.to_dict() for a in self.arms],
        }


def grouped(excluded: dict[str, str]) -> str:
    """``{country: reason}`` as ``reason: A, B; other reason: C`` (reasons in first-seen order)."""
    by_reason: dict[str, list[str]] = {}
    for country, reason in sorted(excluded.items()):
        base, _, value = reason.partition(" [")
        label = f"{country} {value.rstrip(']')}" if value else country
        by_reason.setdefault(base, []).append(label)
    return "; ".join(f"{reason}: {', '.join(c)}" for reason, c in by_reason.items())


def get_case(cases: dict[str, CaseSpec], case_id: str) -> CaseSpec:
    if case_id not in cases:
        raise NotFoundError(f"There is no case '{case_id}'. List them with 'stabilis impact list'.")
    return cases[case_id]
