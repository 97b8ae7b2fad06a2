"""Treatments read from the alliance registry: who was treated, from which year, and who could
have been (the population that supplies the controls).

=========  =====================================================  =============================
code       first treatment year                                   population (possible controls)
=========  =====================================================  =============================
``pfp``    signature of the PfP Framework Document                 European and Central Asian
           (partnerships, framework PFP)                           countries plus the South
                                                                   Caucasus, not NATO members
                                                                   before 1994
``map``    start of a Membership Action Plan (programmes MAP,      countries ever in PfP
           "requested, not granted" rows left out)
``ipap``   first Individual Partnership Action Plan (IPAP), or     countries ever in PfP
           Ukraine's equivalent Action Plan (UAP)
``dcb``    first Defence Capacity Building package (DCB, incl.     partners in any framework
           the Substantial NATO-Georgia Package, SNGP)
=========  =====================================================  =============================

Countries in the population and never treated are the never-treated group; NATO members
before the treatment existed are outside every population (they are not plausible controls
for a partnership programme). Rows without a known start date never define a cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from stabilis.errors import NotFoundError


class RegistryLike(Protocol):
    """What this module needs of :class:`stabilis.registry.Registry`."""

    def table(self, name: str) -> pd.DataFrame: ...

    def accession_year(self, iso3: str) -> int | None: ...


@dataclass(frozen=True)
class Treatment:
    code: str
    label: str
    table: str  # registry table: partnerships | programmes
    codes: tuple[str, ...]
    population: str  # eurasia | pfp | partners
    exclude_milestone: str = ""

    def describe(self) -> str:
        return f"{self.label} (registry {self.table}: {', '.join(self.codes)})"


TREATMENTS: dict[str, Treatment] = {
    "pfp": Treatment("pfp", "Partnership for Peace accession", "partnerships", ("PFP",), "eurasia"),
    "map": Treatment(
        "map", "Membership Action Plan start", "programmes", ("MAP",), "pfp", "not granted"
    ),
    "ipap": Treatment(
        "ipap", "Individual Partnership Action Plan start", "programmes", ("IPAP", "UAP"), "pfp"
    ),
    "dcb": Treatment(
        "dcb", "Defence Capacity Building package start", "programmes", ("DCB", "SNGP"), "partners"
    ),
}

#: The South Caucasus sits in "Western Asia" in the country table; PfP took it in.
CAUCASUS = ("ARM", "AZE", "GEO")


def treatment(code: str) -> Treatment:
    key = code.strip().lower()
    if key not in TREATMENTS:
        raise NotFoundError(f"Unknown treatment '{code}'. Use one of: {', '.join(TREATMENTS)}.")
    return TREATMENTS[key]


def cohorts(registry: RegistryLike, code: str) -> pd.Series:
    """ISO3 -> first year of treatment ``code`` (only rows with a known start)."""
    spec = treatment(code)
    table = registry.table(spec.table)
    rows = table[table["code"].isin(spec.codes) & table["start_first"].notna()]
    if "shape" in rows:  # a milestone (request, invitation, removal) is no programme start
        rows = rows[rows["shape"] != "milestone"]
    if spec.exclude_milestone and "milestone" in rows:
        rows = rows[~rows["milestone"].str.contains(spec.exclude_milestone, case=False, na=False)]
    if "start_known" in rows:
        rows = rows[rows["start_known"].astype(bool)]
    first = rows.groupby("iso3")["start_first"].min()
    return first.dt.year.astype(int).rename("cohort").sort_index()


def population(registry: RegistryLike, code: str, countries: pd.DataFrame) -> list[str]:
    """The countries that could have received treatment ``code`` (see the module table)."""
    spec = treatment(code)
    members = registry.table("members")
    first_year = int(cohorts(registry, code).min())
    old_members = set(members.loc[members["start_first"].dt.year < first_year, "iso3"])
    parts = registry.table("partnerships")
    if spec.population == "eurasia":
        live = (
            countries[~countries["historical"].astype(bool)]
            if "historical" in countries
            else countries
        )
        mask = (
            (live["region"] == "Europe")
            | (live["subregion"] == "Central Asia")
            | live["iso3"].isin(CAUCASUS)
        )
        pool = set(live.loc[mask, "iso3"])
    elif spec.population == "pfp":
        pool = set(parts.loc[parts["code"] == "PFP", "iso3"])
    else:
        pool = set(parts["iso3"])
    pool |= set(cohorts(registry, code).index)
    return sorted(pool - old_members)


def cohort_frame(registry: RegistryLike, code: str, countries: pd.DataFrame) -> pd.DataFrame:
    """``iso3, cohort`` for the whole population (cohort NaN = never treated)."""
    units = population(registry, code, countries)
    first = cohorts(registry, code)
    return pd.DataFrame(
        {"iso3": units, "cohort": [float(first.get(u, float("nan"))) for u in units]}
    )


def treatment_years(registry: RegistryLike, kind: str, code: str, iso3: str) -> int | None:
    """First year of a case's treatment: an operation, programme, partnership or membership."""
    if kind == "membership":
        return registry.accession_year(iso3)
    table_name = {
        "operation": "operations",
        "programme": "programmes",
        "partnership": "partnerships",
    }.get(kind)
    if table_name is None:
        raise NotFoundError(
            f"Unknown treatment kind '{kind}'. Use operation, programme, partnership or membership."
        )
    table = registry.table(table_name)
    rows = table[(table["code"] == code) & (table["iso3"] == iso3) & table["start_first"].notna()]
    if rows.empty:
        return None
    return int(rows["start_first"].min().year)


def describe_all() -> list[dict[str, Any]]:
    return [
        {"code": t.code, "label": t.label, "source": t.describe(), "population": t.population}
        for t in TREATMENTS.values()
    ]
