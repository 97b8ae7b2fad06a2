"""Questions asked of the alliance registry.

:class:`Registry` holds the four validated tables as dated spells (:mod:`.spells`) and answers:

* ``members(year)``, ``is_member(iso3, year)``, ``accession_year(iso3)``;
* ``frameworks_during(iso3, year)``, ``programmes_during(iso3, year)`` (row-level frames);
* ``partners(year, framework=None)`` and ``partners_at(day, framework=None)``;
* ``operations_during(year)`` and ``operation_country_years(first_year, last_year)``;
* ``groups()`` and ``group_members(name, year)``;
* ``country_year_flags(first_year, last_year)`` (see :mod:`.flags`).

**Who is a partner** (notes.md, "Registry rule"): a country is a partner during a year if one of
its partnership spells (PfP, EAPC, Mediterranean Dialogue, Istanbul Cooperation Initiative,
partners across the globe) is active during that year *and* it is not a NATO member that year.
A member during its accession year is therefore not a partner that year (Poland in 1999).
Suspended relationships end at their suspension date (see :mod:`.spells`): Russia is a partner
during 2014 and not from 2015, nor at any date after 2014-04-01.

Years are calendar years; a spell counts during a year if it overlaps it at all
(:mod:`.dates`). Frames come back as copies: callers may change them freely.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from stabilis.errors import NotFoundError, QueryError

from .load import RegistryVersion, read_tables, read_version
from .schema import FRAMEWORKS, ISO3
from .spells import (
    UnknownEnd,
    active_at,
    active_during,
    member_spells,
    operation_spells,
    partnership_spells,
    programme_spells,
    resolve_unknown_end,
    spell_years,
)

GROUPS: dict[str, str] = {
    "nato": "NATO member states",
    "partners": "partners in any framework that are not members (notes.md registry rule)",
    "pfp": "Partnership for Peace partners (not members)",
    "eapc": "Euro-Atlantic Partnership Council partners (not members)",
    "md": "Mediterranean Dialogue partners",
    "ici": "Istanbul Cooperation Initiative partners",
    "global": "partners across the globe",
    "all": "members and partners",
}
"""Group name -> what it holds in a given year."""

_FRAMEWORK_ALIASES: dict[str, str] = {
    **{code.lower(): code for code in FRAMEWORKS.values()},
    **{name.lower(): code for name, code in FRAMEWORKS.items()},
    "global": "PATG",
}

SPELL_COLUMNS = ["start_first", "end_last", "start_known", "end_known", "end_basis"]


def framework_code(framework: str) -> str:
    """Normalise a framework name, code or group name (``pfp``, ``global``...) to its code."""
    code = _FRAMEWORK_ALIASES.get(framework.strip().lower())
    if code is None:
        raise NotFoundError(
            f"'{framework}' is not a partnership framework. Use one of: "
            f"{', '.join(FRAMEWORKS.values())} (or their names, or 'global')."
        )
    return code


def _check_iso3(iso3: str) -> str:
    if not ISO3.match(iso3):
        raise QueryError(f"'{iso3}' is not an ISO3 code; write three upper-case letters.")
    return iso3


def _check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise QueryError(f"The year must be a whole number, not {year!r}.")
    return year


def check_year_range(first_year: int, last_year: int) -> None:
    """Raise :class:`QueryError` if the range is not two whole years in order."""
    _check_year(first_year)
    _check_year(last_year)
    if first_year > last_year:
        raise QueryError(
            f"The year range {first_year}-{last_year} is reversed; give the earlier year first."
        )


class Registry:
    """The validated alliance registry and its queries."""

    def __init__(self, tables: dict[str, pd.DataFrame], version: RegistryVersion) -> None:
        self.version = version
        members = member_spells(tables["members"])
        self._members = members
        self._accession: dict[str, date] = {
            iso3: start.date()
            for iso3, start in zip(members["iso3"], members["start_first"], strict=True)
        }
        self._partnerships = partnership_spells(tables["partnerships"])
        self._programmes = programme_spells(tables["programmes"], self._accession)
        self._operations = operation_spells(tables["operations"])

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Registry:
        """Read and validate the registry files (the package's own unless ``directory``)."""
        return cls(read_tables(directory), read_version(directory))

    # ---- tables -------------------------------------------------------------------------

    def table(self, name: str) -> pd.DataFrame:
        """A copy of one table as spells: verbatim columns plus the spell columns."""
        frames = {
            "members": self._members,
            "partnerships": self._partnerships,
            "programmes": self._programmes,
            "operations": self._operations,
        }
        if name not in frames:
            raise NotFoundError(
                f"'{name}' is not a registry table. Use one of: {', '.join(frames)}."
            )
        return frames[name].copy()

    def countries(self) -> list[str]:
        """Every ISO3 code that appears anywhere in the registry, sorted."""
        codes: set[str] = set()
        for frame in (self._members, self._partnerships, self._programmes, self._operations):
            codes.update(code for code in frame["iso3"] if code)
        return sorted(codes)

    # ---- membership ---------------------------------------------------------------------

    def members(self, year: int) -> list[str]:
        """ISO3 codes of the members during ``year`` (accession on or before 31 December)."""
        mask = active_during(self._members, _check_year(year))
        return sorted(self._members.loc[mask, "iso3"])

    def members_at(self, day: date) -> list[str]:
        """ISO3 codes of the members at ``day``."""
        return sorted(self._members.loc[active_at(self._members, day), "iso3"])

    def is_member(self, iso3: str, year: int) -> bool:
        return _check_iso3(iso3) in self.members(year)

    def accession_year(self, iso3: str) -> int | None:
        joined = self._accession.get(_check_iso3(iso3))
        return joined.year if joined else None

    # ---- partnerships and programmes ----------------------------------------------------

    def frameworks_during(self, iso3: str, year: int) -> pd.DataFrame:
        """The partnership spells of ``iso3`` active during ``year`` (one row per spell)."""
        spells = self._partnerships
        mask = (spells["iso3"] == _check_iso3(iso3)) & active_during(spells, _check_year(year))
        columns = [
            "id",
            "iso3",
            "framework",
            "framework_code",
            "joined_date",
            "left_date",
            "status",
            "status_date",
            "basis",
            *SPELL_COLUMNS,
            "confidence",
            "source",
        ]
        return spells.loc[mask, columns].reset_index(drop=True)

    def programmes_during(self, iso3: str, year: int) -> pd.DataFrame:
        """The programme spells of ``iso3`` active during ``year`` (one row per milestone)."""
        spells = self._programmes
        mask = (spells["iso3"] == _check_iso3(iso3)) & active_during(spells, _check_year(year))
        columns = [
            "id",
            "iso3",
            "programme",
            "programme_code",
            "milestone",
            "kind",
            "start_date",
            "end_date",
            *SPELL_COLUMNS,
            "confidence",
            "source",
        ]
        return spells.loc[mask, columns].reset_index(drop=True)

    def _partner_codes(self, mask: pd.Series, framework: str | None) -> set[str]:
        spells = self._partnerships
        if framework is not None:
            mask = mask & (spells["code"] == framework_code(framework))
        return set(spells.loc[mask, "iso3"])

    def partners(self, year: int, framework: str | None = None) -> list[str]:
        """Partners during ``year``: in a framework (or the given one) and not members."""
        mask = active_during(self._partnerships, _check_year(year))
        return sorted(self._partner_codes(mask, framework) - set(self.members(year)))

    def partners_at(self, day: date, framework: str | None = None) -> list[str]:
        """Partners at ``day``: in a framework (or the given one) and not members that day."""
        mask = active_at(self._partnerships, day)
        return sorted(self._partner_codes(mask, framework) - set(self.members_at(day)))

    # ---- operations ---------------------------------------------------------------------

    def operations_during(self, year: int) -> pd.DataFrame:
        """Operation rows (one per host) active during ``year``, including those at sea."""
        mask = active_during(self._operations, _check_year(year))
        return self._operations.loc[mask].drop(columns=["code"]).reset_index(drop=True)

    def operation_country_years(
        self,
        first_year: int | None = None,
        last_year: int | None = None,
        *,
        unknown_end: UnknownEnd = "ongoing",
    ) -> pd.DataFrame:
        """Host country-years of NATO-led operations, one row per (iso3, year, operation).

        Rows without a host (international waters) are left out. ``first_year`` defaults to the
        earliest start, ``last_year`` to the registry's ``as_of_year`` (else today's year).
        Columns: ``iso3``, ``year``, ``operation_code``, ``operation``, ``kind``,
        ``peace_support`` (kind starts with "peace support"), ``end_known``, ``id``.
        """
        spells = resolve_unknown_end(self._operations, unknown_end)
        spells = spells[spells["iso3"] != ""]
        if first_year is None:
            first_year = int(spells["start_first"].min().year)
        if last_year is None:
            last_year = self.version.as_of_year or date.today().year
        check_year_range(first_year, last_year)
        years = spell_years(spells, first_year, last_year)
        details = spells[["id", "operation", "kind", "end_known"]]
        frame = years.merge(details, on="id", how="left", validate="many_to_one")
        frame = frame.rename(columns={"code": "operation_code"})
        frame["peace_support"] = frame["kind"].str.startswith("peace support")
        columns = [
            "iso3",
            "year",
            "operation_code",
            "operation",
            "kind",
            "peace_support",
            "end_known",
            "id",
        ]
        return frame[columns].sort_values(["iso3", "year", "id"]).reset_index(drop=True)

    # ---- groups -------------------------------------------------------------------------

    def groups(self) -> pd.DataFrame:
        """The group names ``group_members`` accepts, with what each holds."""
        return pd.DataFrame({"name": list(GROUPS), "description": list(GROUPS.values())})

    def group_members(self, name: str, year: int) -> list[str]:
        """ISO3 codes in group ``name`` during ``year``."""
        key = name.strip().lower()
        if key not in GROUPS:
            raise NotFoundError(
                f"'{name}' is not a registry group. Use one of: {', '.join(GROUPS)}."
            )
        if key == "nato":
            return self.members(year)
        if key == "partners":
            return self.partners(year)
        if key == "all":
            return sorted(set(self.members(year)) | set(self.partners(year)))
        return self.partners(year, framework=key)

    # ---- flags --------------------------------------------------------------------------

    def country_year_flags(
        self, first_year: int, last_year: int, *, unknown_end: UnknownEnd = "ongoing"
    ) -> pd.DataFrame:
        """Country-year 0/1 flags; see :mod:`stabilis.registry.flags` for each definition."""
        from .flags import build_flags

        return build_flags(self, first_year, last_year, unknown_end=unknown_end)
