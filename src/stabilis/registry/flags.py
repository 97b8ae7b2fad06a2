"""Country-year flags built from the alliance registry, for the panel.

:func:`country_year_flags` returns one row per (``iso3``, ``year``) for every ISO3 code that
appears anywhere in the registry (members, partners, programme countries, operation hosts,
invited-but-not-joined countries) and every year of the range, with these columns:

=================================  ==========================================================
``nato.member``                    accession on or before 31 December of the year
``nato.partner``                   an active spell in any partnership framework during the
                                   year, and not a member that year (notes.md registry rule)
``nato.pfp``                       partner (as above) through Partnership for Peace
``nato.eapc``                      partner through the Euro-Atlantic Partnership Council
``nato.md``                        partner through the Mediterranean Dialogue
``nato.ici``                       partner through the Istanbul Cooperation Initiative
``nato.global_partner``            partner across the globe
``nato.map``                       a Membership Action Plan spell active during the year;
                                   milestones ("MAP requested, not granted" for Georgia and
                                   Ukraine, Ukraine's "MAP requirement removed") do not count;
                                   Bosnia and Herzegovina's conditional invitation does
``nato.ipap``                      an Individual Partnership Action Plan, or Ukraine's
                                   equivalent NATO-Ukraine Action Plan, active during the year
``nato.parp``                      Planning and Review Process participation
``nato.dcb``                       a Defence Capacity Building package (incl. Georgia's SNGP)
``nato.bi``                        Building Integrity participation
``nato.deep``                      a Defence Education Enhancement Programme
``nato.cap``                       the Comprehensive Assistance Package (Ukraine)
``nato.eop``                       an Enhanced Opportunities Partner (Partnership
                                   Interoperability Initiative) during the year
``nato.operation``                 hosts a NATO-led operation active during the year, of any
                                   kind (crisis response, air policing, forward presence, HQ)
``nato.operation_peace_support``   hosts an operation whose kind is "peace support ..."
                                   (IFOR, SFOR, KFOR, Essential Harvest, Amber Fox, Allied
                                   Harmony)
``nato.operation_out_of_area``     hosts an operation and is not a member that year (rules
                                   out air policing, forward presence and HQs on Allied soil)
``nato.years_since_accession``     year minus accession year for members (0 in the accession
                                   year); missing (``<NA>``) for non-members
=================================  ==========================================================

All flags are 0/1 integers except the last. "Active during the year" means the spell overlaps
the calendar year at all (:mod:`stabilis.registry.dates`), so a country can be a MAP participant
and a member in its accession year, but never a partner and a member in the same year.
Programme rows whose ``shape`` is ``milestone`` never set a flag (a milestone is an event, not
a programme in force). Programme and operation rows without a known start never set a flag (most DEEP, PARP and
Building Integrity rows: the seed data has no start year for them, so these flags undercount).
Operations with an unknown end (Deny Flight, the AMISOM airlift) count as ongoing unless
``unknown_end="start_year"`` is passed, which ends them with their start year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .dates import check_year_range
from .spells import UnknownEnd, resolve_unknown_end, spell_years

if TYPE_CHECKING:
    from .query import Registry

FLAG_DEFINITIONS: dict[str, str] = {
    "nato.member": "NATO member during the year (accession on or before 31 December)",
    "nato.partner": "in any partnership framework during the year and not a member that year",
    "nato.pfp": "Partnership for Peace partner (not a member) during the year",
    "nato.eapc": "Euro-Atlantic Partnership Council partner (not a member) during the year",
    "nato.md": "Mediterranean Dialogue partner during the year",
    "nato.ici": "Istanbul Cooperation Initiative partner during the year",
    "nato.global_partner": "partner across the globe during the year",
    "nato.map": "Membership Action Plan participant (not 'requested, not granted' rows)",
    "nato.ipap": "Individual Partnership Action Plan (or NATO-Ukraine Action Plan) in force",
    "nato.parp": "Planning and Review Process participant (dated rows only)",
    "nato.dcb": "Defence Capacity Building package, incl. the Substantial NATO-Georgia Package",
    "nato.bi": "Building Integrity participant (dated rows only)",
    "nato.deep": "Defence Education Enhancement Programme (dated rows only)",
    "nato.cap": "Comprehensive Assistance Package (Ukraine)",
    "nato.eop": "Enhanced Opportunities Partner (Partnership Interoperability Initiative)",
    "nato.operation": "hosts a NATO-led operation of any kind during the year",
    "nato.operation_peace_support": "hosts a NATO-led peace-support operation during the year",
    "nato.operation_out_of_area": "hosts a NATO-led operation and is not a member that year",
    "nato.years_since_accession": "year minus accession year for members; missing otherwise",
}
"""Flag column -> one-line definition (the module docstring has the full rules)."""

_FRAMEWORK_FLAGS = {
    "nato.pfp": "PFP",
    "nato.eapc": "EAPC",
    "nato.md": "MD",
    "nato.ici": "ICI",
    "nato.global_partner": "PATG",
}
_PROGRAMME_FLAGS = {
    "nato.map": ("MAP",),
    "nato.ipap": ("IPAP", "UAP"),
    "nato.parp": ("PARP",),
    "nato.dcb": ("DCB", "SNGP"),
    "nato.bi": ("BI",),
    "nato.deep": ("DEEP",),
    "nato.cap": ("CAP",),
    "nato.eop": ("EOP",),
}

Pairs = set[tuple[str, int]]


def _pairs(years: pd.DataFrame) -> Pairs:
    return {(iso3, int(year)) for iso3, year in zip(years["iso3"], years["year"], strict=True)}


def build_flags(
    registry: Registry, first_year: int, last_year: int, *, unknown_end: UnknownEnd = "ongoing"
) -> pd.DataFrame:
    """The flag frame of :func:`country_year_flags` for ``registry``."""
    check_year_range(first_year, last_year)
    keys = [
        (iso3, year) for iso3 in registry.countries() for year in range(first_year, last_year + 1)
    ]
    pairs: dict[str, Pairs] = {}

    members = spell_years(registry.table("members"), first_year, last_year)
    pairs["nato.member"] = _pairs(members)

    partnerships = spell_years(registry.table("partnerships"), first_year, last_year)
    pairs["nato.partner"] = _pairs(partnerships) - pairs["nato.member"]
    for flag, code in _FRAMEWORK_FLAGS.items():
        pairs[flag] = _pairs(partnerships[partnerships["code"] == code]) - pairs["nato.member"]

    programmes = registry.table("programmes")
    milestones = programmes["shape"] == "milestone"
    programme_years = spell_years(programmes[~milestones], first_year, last_year)
    for flag, codes in _PROGRAMME_FLAGS.items():
        pairs[flag] = _pairs(programme_years[programme_years["code"].isin(codes)])

    operations = resolve_unknown_end(registry.table("operations"), unknown_end)
    operations = operations[operations["iso3"] != ""]
    peace = operations[operations["kind"].str.startswith("peace support")]
    pairs["nato.operation"] = _pairs(spell_years(operations, first_year, last_year))
    pairs["nato.operation_peace_support"] = _pairs(spell_years(peace, first_year, last_year))
    pairs["nato.operation_out_of_area"] = pairs["nato.operation"] - pairs["nato.member"]

    frame = pd.DataFrame(keys, columns=["iso3", "year"])
    for flag in FLAG_DEFINITIONS:
        if flag in pairs:
            frame[flag] = [int(key in pairs[flag]) for key in keys]
    accession = {iso3: registry.accession_year(iso3) for iso3 in registry.countries()}
    since = [
        year - joined if (joined := accession[iso3]) is not None and year >= joined else None
        for iso3, year in keys
    ]
    frame["nato.years_since_accession"] = pd.array(since, dtype="Int64")
    return frame
