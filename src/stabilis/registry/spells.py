"""Turning registry rows into dated spells.

Every table becomes a frame of spells: its verbatim columns plus ``iso3``, ``code``,
``start_first`` / ``end_last`` (timestamps: first day of the start, last day of the end, ``NaT``
when unknown or open), ``start_known``, ``end_known`` and ``end_basis`` (why the end is what it
is). The date rules are those of :mod:`stabilis.registry.dates`. How each table's end is read:

* **members** start at ``accession_date`` and never end (no member has left).
* **partnerships** end at ``left_date`` when it is filled (for later members: the accession date).
  A ``suspended`` or ``withdrawn`` relationship with a blank ``left_date`` ends at its
  ``status_date``: Russia (suspended 2014-04-01) is an active partner during 2014 but not at
  2014-05-01 nor during 2015; Belarus (2021-11) and Afghanistan (2021) are partners during 2021,
  not after. A ``not_joined`` row (Oman, Saudi Arabia) has no start and is never active.
  Otherwise a blank end means ongoing.
* **programmes** whose ``shape`` is ``milestone`` (a request, an invitation, a signature, a
  suspension) are points: they start and end on their ``start_date`` (``end_basis``
  ``milestone``), so they are "active" during their own year only, whatever ``end_date`` says.
  Spells end at ``end_date``. A blank end for a country that later joined NATO ends at
  its accession date (``end_basis`` ``accession (derived)``), the rule the seed data itself uses
  for MAP, PARP and DEEP: partner programmes stop when a country becomes an Ally. Otherwise a
  blank end means ongoing, with ``end_known`` true only when ``notes`` say "ongoing".
* **operations** end at ``end_date``; a blank end is ongoing, with ``end_known`` true only when
  ``notes`` say "ongoing" (Deny Flight and the AMISOM airlift have unknown ends and are treated
  as ongoing, flagged ``end_known=False``). Rows without ``host_iso3`` (international waters)
  are kept with an empty ``iso3``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Literal

import pandas as pd

from .dates import PartialDate

UnknownEnd = Literal["ongoing", "start_year"]
"""How to read a spell whose end is not known: as ongoing, or as ending with its start year."""


def _first(text: str) -> pd.Timestamp | None:
    return pd.Timestamp(PartialDate.parse(text).first_day()) if text else None


def _last(text: str) -> pd.Timestamp | None:
    return pd.Timestamp(PartialDate.parse(text).last_day()) if text else None


def _says_ongoing(notes: str) -> bool:
    return "ongoing" in notes.lower()


def member_spells(members: pd.DataFrame) -> pd.DataFrame:
    frame = members.copy()
    frame["code"] = "MEMBER"
    frame["start_first"] = [_first(t) for t in frame["accession_date"]]
    frame["end_last"] = pd.NaT
    frame["end_basis"] = "member"
    frame["end_known"] = True
    return _finish(frame)


def partnership_spells(partnerships: pd.DataFrame) -> pd.DataFrame:
    frame = partnerships.copy()
    frame["iso3"] = frame["country_iso3"]
    frame["code"] = frame["framework_code"]
    ends: list[str] = []
    bases: list[str] = []
    for left, status, status_date in zip(
        frame["left_date"], frame["status"], frame["status_date"], strict=True
    ):
        if left:
            ends.append(left)
            bases.append("left_date")
        elif status in ("suspended", "withdrawn") and status_date:
            ends.append(status_date)
            bases.append(f"{status} (status_date)")
        else:
            ends.append("")
            bases.append("not joined" if status == "not_joined" else "ongoing")
    frame["start_first"] = [
        None if status == "not_joined" else _first(joined)
        for joined, status in zip(frame["joined_date"], frame["status"], strict=True)
    ]
    frame["end_last"] = [_last(end) for end in ends]
    frame["end_basis"] = bases
    frame["end_known"] = True
    return _finish(frame)


def programme_spells(programmes: pd.DataFrame, accession: Mapping[str, date]) -> pd.DataFrame:
    frame = programmes.copy()
    frame["iso3"] = frame["country_iso3"]
    frame["code"] = frame["programme_code"]
    frame["start_first"] = [_first(t) for t in frame["start_date"]]
    ends: list[pd.Timestamp | None] = []
    bases: list[str] = []
    known: list[bool] = []
    for iso3, start, end, notes, shape, start_text in zip(
        frame["iso3"],
        frame["start_first"],
        frame["end_date"],
        frame["notes"],
        frame["shape"],
        frame["start_date"],
        strict=True,
    ):
        joined = accession.get(iso3)
        if shape == "milestone":
            ends.append(_last(start_text))
            bases.append("milestone")
            known.append(True)
        elif end:
            ends.append(_last(end))
            bases.append("end_date")
            known.append(True)
        elif joined is not None and pd.notna(start) and pd.Timestamp(joined) >= start:
            ends.append(pd.Timestamp(joined))
            bases.append("accession (derived)")
            known.append(True)
        else:
            ends.append(None)
            bases.append("ongoing" if _says_ongoing(notes) else "unknown (treated as ongoing)")
            known.append(_says_ongoing(notes))
    frame["end_last"] = ends
    frame["end_basis"] = bases
    frame["end_known"] = known
    return _finish(frame)


def operation_spells(operations: pd.DataFrame) -> pd.DataFrame:
    frame = operations.copy()
    frame["iso3"] = frame["host_iso3"]
    frame["code"] = frame["operation_code"]
    frame["start_first"] = [_first(t) for t in frame["start_date"]]
    frame["end_last"] = [_last(t) for t in frame["end_date"]]
    frame["end_known"] = [
        bool(end) or _says_ongoing(notes)
        for end, notes in zip(frame["end_date"], frame["notes"], strict=True)
    ]
    frame["end_basis"] = [
        "end_date" if end else ("ongoing" if known else "unknown (treated as ongoing)")
        for end, known in zip(frame["end_date"], frame["end_known"], strict=True)
    ]
    return _finish(frame)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    frame["start_first"] = pd.to_datetime(frame["start_first"])
    frame["end_last"] = pd.to_datetime(frame["end_last"])
    frame["start_known"] = frame["start_first"].notna()
    frame["end_known"] = frame["end_known"].astype(bool)
    return frame


def resolve_unknown_end(spells: pd.DataFrame, unknown_end: UnknownEnd) -> pd.DataFrame:
    """Apply the caller's reading of unknown ends (``start_year``: end with the start's year)."""
    if unknown_end == "ongoing":
        return spells
    if unknown_end != "start_year":
        raise ValueError(f"unknown_end must be 'ongoing' or 'start_year', not {unknown_end!r}")
    frame = spells.copy()
    unknown = ~frame["end_known"] & frame["end_last"].isna() & frame["start_known"]
    frame.loc[unknown, "end_last"] = [
        pd.Timestamp(year=int(ts.year), month=12, day=31)
        for ts in frame.loc[unknown, "start_first"]
    ]
    return frame


def active_during(spells: pd.DataFrame, year: int) -> pd.Series:
    """Boolean mask: the spell overlaps calendar ``year`` (module rules of ``dates``)."""
    first = pd.Timestamp(year=year, month=1, day=1)
    last = pd.Timestamp(year=year, month=12, day=31)
    starts = spells["start_first"]
    ends = spells["end_last"]
    return (starts.notna() & (starts <= last) & (ends.isna() | (ends >= first))).astype(bool)


def active_at(spells: pd.DataFrame, day: date) -> pd.Series:
    """Boolean mask: ``first day of start <= day <= last day of end``."""
    when = pd.Timestamp(day)
    starts = spells["start_first"]
    ends = spells["end_last"]
    return (starts.notna() & (starts <= when) & (ends.isna() | (ends >= when))).astype(bool)


def spell_years(spells: pd.DataFrame, first_year: int, last_year: int) -> pd.DataFrame:
    """One row per (spell, year) the spell is active during, within ``first_year..last_year``.

    Columns: the spell's ``id``, ``iso3``, ``code`` and ``year``. Spells without a known start
    produce no rows; ongoing spells run to ``last_year``.
    """
    records: list[tuple[str, str, str, int]] = []
    for row_id, iso3, code, start, end in zip(
        spells["id"],
        spells["iso3"],
        spells["code"],
        spells["start_first"],
        spells["end_last"],
        strict=True,
    ):
        if pd.isna(start):
            continue
        stop = last_year if pd.isna(end) else min(int(end.year), last_year)
        for year in range(max(int(start.year), first_year), stop + 1):
            records.append((row_id, iso3, code, year))
    return pd.DataFrame(records, columns=["id", "iso3", "code", "year"])
