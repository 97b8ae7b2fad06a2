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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from stabilis.errors import NotFoundError, RegistryError

from .results import SynthResult
from .treatments import RegistryLike, treatment_years

CASES_FILE = Path(__file__).parent / "data" / "cases.json"


@dataclass(frozen=True)
class DonorRule:
    regions: tuple[str, ...] = ()
    subregions: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    exclude_members: bool = True
    exclude_operation_hosts: bool = True
    exclude_programmes: tuple[str, ...] = ()

    def describe(self) -> str:
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
        if self.exclude:
            parts.append("minus " + ", ".join(self.exclude))
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
        }


def load_cases(registry: RegistryLike, path: Path | None = None) -> dict[str, CaseSpec]:
    """Read and check the case file; treatment years come from ``registry``."""
    source = path or CASES_FILE
    raw = json.loads(source.read_text(encoding="utf-8"))
    defaults = raw.get("defaults", {})
    out: dict[str, CaseSpec] = {}
    for entry in raw["cases"]:
        cid = entry["id"]
        treat = entry["treatment"]
        years = {
            iso: treatment_years(registry, treat["kind"], treat.get("code", ""), iso)
            for iso in entry["treated"]
        }
        missing = [iso for iso, y in years.items() if y is None]
        if missing:
            raise RegistryError(
                f"{source.name}, case '{cid}': the registry has no start year for {treat} in {', '.join(missing)}."
            )
        found = sorted({y for y in years.values() if y is not None})
        expected = treat.get("expected_year")
        if len(found) != 1 or (expected is not None and found[0] != expected):
            raise RegistryError(
                f"{source.name}, case '{cid}': the registry gives treatment year(s) {found}, "
                f"the case was registered for {expected}. Check the registry or the case."
            )
        rule = {**defaults.get("donor_pool", {}), **entry.get("donor_pool", {})}
        donor_rule = DonorRule(
            regions=tuple(rule.get("regions", ())),
            subregions=tuple(rule.get("subregions", ())),
            include=tuple(rule.get("include", ())),
            exclude=tuple(rule.get("exclude", ())),
            exclude_members=bool(rule.get("exclude_members", True)),
            exclude_operation_hosts=bool(rule.get("exclude_operation_hosts", True)),
            exclude_programmes=tuple(rule.get("exclude_programmes", ())),
        )
        out[cid] = CaseSpec(
            id=cid,
            title=entry["title"],
            treated=tuple(entry["treated"]),
            kind=treat["kind"],
            code=treat.get("code", ""),
            treatment_year=found[0],
            outcomes=tuple(entry["outcomes"]),
            first_pre_year=int(entry["first_pre_year"]),
            post_years=int(entry.get("post_years", defaults.get("post_years", 10))),
            method=entry.get("method", defaults.get("method", "abadie")),
            min_pre_years=int(entry.get("min_pre_years", defaults.get("min_pre_years", 5))),
            min_donors=int(entry.get("min_donors", defaults.get("min_donors", 5))),
            max_fit_ratio=float(entry.get("max_fit_ratio", defaults.get("max_fit_ratio", 0.25))),
            donor_rule=donor_rule,
            confounders=tuple(entry.get("confounders", ())),
            anticipation=entry.get("anticipation", ""),
        )
    return out


def donor_pool(
    spec: CaseSpec, registry: Any, countries: pd.DataFrame
) -> tuple[list[str], dict[str, str]]:
    """Candidate donors for ``spec`` and, for each excluded candidate, why."""
    rule = spec.donor_rule
    live = (
        countries[~countries["historical"].astype(bool)] if "historical" in countries else countries
    )
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
    for c in rule.exclude:
        if c in candidates:
            excluded.setdefault(c, "excluded by the case")
    return [c for c in candidates if c not in excluded], excluded


@dataclass
class PooledResult:
    """Several treated countries with the same treatment year: one SC each, then the average."""

    outcome: str
    results: list[SynthResult]
    average: float | None
    p_value: float | None
    reasons: list[str]
    higher_is_better: bool | None = None

    @property
    def verdict(self) -> str:
        return "estimate" if self.average is not None else "not_credible"

    def tidy(self) -> pd.DataFrame:
        frames = [r.tidy().assign(treated=r.data.treated) for r in self.results]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def summary(self) -> str:
        used = [r for r in self.results if r.verdict == "estimate"]
        lines = [
            f"{self.outcome}: pooled synthetic control over {len(self.results)} treated countries."
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
        tidy = self.tidy()
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"Gaps by treated country: {self.outcome}",
            "data": {"values": tidy.replace({np.nan: None}).to_dict(orient="records")},
            "mark": "line",
            "encoding": {
                "x": {"field": "year", "type": "quantitative"},
                "y": {"field": "gap", "type": "quantitative"},
                "color": {"field": "treated", "type": "nominal"},
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

    spec: CaseSpec
    donors: list[str]
    excluded: dict[str, str]
    results: list[SynthResult | PooledResult] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        rows = []
        for r in self.results:
            if isinstance(r, PooledResult):
                rows.append(
                    {
                        "outcome": r.outcome,
                        "treated": ",".join(x.data.treated for x in r.results),
                        "verdict": r.verdict,
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
                        "outcome": r.data.outcome,
                        "treated": r.data.treated,
                        "verdict": r.verdict,
                        "estimate": r.att,
                        "p_value": r.p_value,
                        "lower": iv[0] if iv else None,
                        "upper": iv[1] if iv else None,
                        "pre_rmspe": r.pre_rmspe,
                        "n_donors": len(r.data.donors),
                        "reason": "; ".join(r.reasons),
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        s = self.spec
        head = [
            f"{s.title} [{s.id}]",
            f"Treatment: {s.kind} {s.code} in {s.treatment_year} (from the registry); pre-period {s.first_pre_year}-{s.treatment_year - 1}, post-period {s.treatment_year}-{s.last_year}.",
            f"Donor pool: {s.donor_rule.describe()} ({len(self.donors)} candidates).",
        ]
        if s.confounders:
            head.append("Confounding events: " + "; ".join(s.confounders) + ".")
        if s.anticipation:
            head.append("Anticipation: " + s.anticipation + ".")
        body = [r.summary() for r in self.results]
        return "\n".join(head) + "\n\n" + "\n\n".join(body)

    def plot_spec(self) -> list[dict[str, Any]]:
        return [r.plot_spec() for r in self.results]

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.spec.to_dict(),
            "donor_candidates": self.donors,
            "excluded": self.excluded,
            "results": [r.to_dict() for r in self.results],
        }


def get_case(cases: dict[str, CaseSpec], case_id: str) -> CaseSpec:
    if case_id not in cases:
        raise NotFoundError(f"There is no case '{case_id}'. List them with 'stabilis impact list'.")
    return cases[case_id]
