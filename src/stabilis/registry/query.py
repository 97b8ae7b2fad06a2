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

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from stabilis.errors import NotFoundError, QueryError

from .dates import check_year as _check_year
from .dates import check_year_range
from .groups import GROUPS, REGISTRY_GROUPS, check_group
from .load import RegistryVersion, read_tables, read_version
from .policy import second_tier_only, support
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
from .status import as_of_day, status_as_of

_FRAMEWORK_ALIASES: dict[str, str] = {
    **{code.lower(): code for code in FRAMEWORKS.values()},
    **{name.lower(): code for name, code in FRAMEWORKS.items()},
    "global": "PATG",
}

SPELL_COLUMNS = ["start_first", "end_last", "start_known", "end_known", "end_basis"]
EVIDENCE_COLUMNS = ["support", "second_tier_only", "unverified", "evidence", "provenance"]
"""Columns every table gains: the strongest source tier, whether only second-tier sources back
the row, whether it is ``unverified``, the one-word ``evidence`` label every interface shows
(``UNVERIFIED``, ``second-tier only``, ``no source``, ``preferred`` or ``other``), and where it comes from (``registry@<version>`` or the
analyst edit id that added or changed it)."""


def evidence_label(unverified: bool, second_only: bool, support_tier: str) -> str:
    """What interfaces print beside a fact: never a bare fact when it is not one."""
    if unverified:
        return "UNVERIFIED"
    if second_only:
        return "second-tier only"
    if support_tier == "none":
        return "no source"
    return support_tier


def annotate(frame: pd.DataFrame, version: str) -> pd.DataFrame:
    """Add :data:`EVIDENCE_COLUMNS` to a table of rows (keeps a ``provenance`` already set)."""
    frame = frame.copy()
    frame["support"] = [support(cell) for cell in frame["source"]]
    frame["second_tier_only"] = [second_tier_only(cell) for cell in frame["source"]]
    frame["unverified"] = frame["confidence"] == "unverified"
    frame["evidence"] = [
        evidence_label(u, o, s)
        for u, o, s in zip(
            frame["unverified"], frame["second_tier_only"], frame["support"], strict=True
        )
    ]
    if "provenance" not in frame:
        frame["provenance"] = f"registry@{version}"
    frame["provenance"] = frame["provenance"].fillna(f"registry@{version}")
    return frame


def _with_status(frame: pd.DataFrame, table: str, year: int) -> pd.DataFrame:
    out = frame.copy()
    out["status_as_of"] = status_as_of(out, table, year)
    out["as_of"] = as_of_day(year).isoformat()
    return out.reset_index(drop=True)


#: The columns of ``frameworks_during`` and ``programmes_during``, in order.
_FRAMEWORK_COLUMNS = (
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
    *EVIDENCE_COLUMNS,
)
_PROGRAMME_COLUMNS = (
    "id",
    "iso3",
    "programme",
    "programme_code",
    "milestone",
    "kind",
    "shape",
    "start_date",
    "end_date",
    *SPELL_COLUMNS,
    "confidence",
    "source",
    "amount",
    "amount_unit",
    *EVIDENCE_COLUMNS,
)


def _country_spells(
    spells: pd.DataFrame, iso3: str, year: int, columns: tuple[str, ...], table: str
) -> pd.DataFrame:
    """The spells of ``iso3`` active during ``year``: ``columns``, with their status that year."""
    mask = (spells["iso3"] == _check_iso3(iso3)) & active_during(spells, _check_year(year))
    return _with_status(spells.loc[mask, list(columns)], table, year)


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


class Registry:
    """The validated alliance registry and its queries."""

    def __init__(self, tables: dict[str, pd.DataFrame], version: RegistryVersion) -> None:
        self.version = version
        self.edits: tuple[Mapping[str, Any], ...] = ()
        self._raw = {name: frame.copy() for name, frame in tables.items()}
        tables = {name: annotate(frame, version.version) for name, frame in tables.items()}
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
    def load(
        cls, directory: str | Path | None = None, edits: Sequence[Mapping[str, Any]] = ()
    ) -> Registry:
        """Read and validate the registry files (the package's own unless ``directory``),
        with approved analyst ``edits`` laid over them (:mod:`.overlay`)."""
        version = read_version(directory)
        tables = read_tables(directory)
        if edits:
            from .overlay import apply_edits

            tables = apply_edits(tables, edits, version.version)
        registry = cls(tables, version)
        registry.edits = tuple(edits)
        return registry

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

    def raw_tables(self) -> dict[str, pd.DataFrame]:
        """Copies of the verbatim tables (with edits applied), as the schema reads them."""
        return {name: frame.copy() for name, frame in self._raw.items()}

    def row(self, table: str, row_id: str) -> dict[str, Any]:
        """One verbatim row by id; :class:`NotFoundError` when there is none."""
        frame = self.table(table)
        hits = frame[frame["id"] == row_id]
        if hits.empty:
            raise NotFoundError(
                f"There is no {table} row '{row_id}'. Ids are listed in the registry tables.",
                details={"table": table, "row_id": row_id},
            )
        return dict(hits.iloc[0])

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
        return _country_spells(self._partnerships, iso3, year, _FRAMEWORK_COLUMNS, "partnerships")

    def programmes_during(self, iso3: str, year: int) -> pd.DataFrame:
        """The programme spells of ``iso3`` active during ``year`` (one row per milestone)."""
        return _country_spells(self._programmes, iso3, year, _PROGRAMME_COLUMNS, "programmes")

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
        frame = self._operations.loc[mask].drop(columns=["code"])
        return _with_status(frame, "operations", year)

    def table_as_of(self, name: str, year: int, iso3: str | None = None) -> pd.DataFrame:
        """A copy of one table (or of one country's rows) with ``status_as_of`` (the status
        held in ``year``) and ``as_of``."""
        frame = self.table(name)
        if iso3 is not None:
            frame = frame[frame["iso3"] == _check_iso3(iso3)]
        return _with_status(frame, name, _check_year(year))

    def country_records(self, iso3: str, year: int | None = None) -> pd.DataFrame:
        """Every registry row about ``iso3`` (all four tables), as one frame for briefs and pages.

        Columns: ``table``, ``id``, ``label`` (framework, programme or operation), ``detail``
        (milestone, basis or kind), ``shape`` (``spell``, ``milestone`` or ``member``),
        ``start_date``, ``end_date``, ``status`` (the row's current status cell, partnerships
        only), ``status_as_of`` and ``as_of`` (status held in ``year``, default this year),
        ``confidence``, ``support``, ``second_tier_only``, ``unverified``, ``provenance``,
        ``source``, ``notes``, ``amount``, ``amount_unit``, ``peak_personnel``, ``start_first``,
        ``end_last``.
        """
        code = _check_iso3(iso3)
        when = _check_year(year) if year is not None else date.today().year
        parts = []
        for name, label, detail, start, end in (
            ("members", "country", "date_basis", "accession_date", "accession_date"),
            ("partnerships", "framework", "basis", "joined_date", "left_date"),
            ("programmes", "programme", "milestone", "start_date", "end_date"),
            ("operations", "operation", "kind", "start_date", "end_date"),
        ):
            frame = self.table_as_of(name, when, code)
            if frame.empty:
                continue
            out = pd.DataFrame(
                {
                    "table": name,
                    "id": frame["id"],
                    "label": "NATO membership" if name == "members" else frame[label],
                    "detail": frame[detail],
                    "shape": frame.get("shape", "member" if name == "members" else "spell"),
                    "start_date": frame[start],
                    "end_date": "" if name == "members" else frame[end],
                    "status": frame.get("status", ""),
                    "status_as_of": frame["status_as_of"],
                    "as_of": frame["as_of"],
                }
            )
            for column in (
                "confidence",
                "evidence",
                "support",
                "second_tier_only",
                "unverified",
                "provenance",
                "source",
                "notes",
                "amount",
                "amount_unit",
                "peak_personnel",
                "start_first",
                "end_last",
            ):
                out[column] = frame.get(column, "")
            parts.append(out)
        if not parts:
            return pd.DataFrame(columns=["table", "id", "label", "status_as_of"])
        return pd.concat(parts, ignore_index=True)

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
        """Every group name (:mod:`.groups`), with what each holds."""
        return pd.DataFrame({"name": list(GROUPS), "description": list(GROUPS.values())})

    def group_members(self, name: str, year: int) -> list[str]:
        """ISO3 codes in group ``name`` during ``year``.

        ``all`` (every country) is not the registry's to know: ask
        :meth:`stabilis.workspace.Workspace.group_members`.
        """
        key = check_group(name)
        if key not in REGISTRY_GROUPS:
            raise QueryError(
                f"'{key}' means every country in the warehouse, which the registry does not "
                "hold; ask the Workspace (ws.group_members).",
                details={"parameter": "group", "value": name},
            )
        if key == "nato":
            return self.members(year)
        if key == "partners":
            return self.partners(year)
        if key == "members_and_partners":
            return sorted(set(self.members(year)) | set(self.partners(year)))
        return self.partners(year, framework=key)

    # ---- flags --------------------------------------------------------------------------

    def country_year_flags(
        self, first_year: int, last_year: int, *, unknown_end: UnknownEnd = "ongoing"
    ) -> pd.DataFrame:
        """Country-year 0/1 flags; see :mod:`stabilis.registry.flags` for each definition."""
        from .flags import build_flags

        return build_flags(self, first_year, last_year, unknown_end=unknown_end)
