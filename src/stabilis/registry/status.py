"""The status a registry row held in a given year.

A row's ``status`` cell (partnerships) is its status *today*; an analyst asking about 2010 needs
the status that held in 2010. :func:`status_as_of` answers for every table, reading a year as
its last day, 31 December (or today, for the current year). Rules:

* **members**: ``member`` from the accession date, ``not_member`` before it.
* **partnerships**: ``not_joined`` rows (invited, never joined) are ``invited_not_joined`` from
  their ``status_date``; before the joined date a row is ``not_yet``; while its spell runs
  (:mod:`.spells`) it is ``active``; after its end it takes the row's final status
  (``became_member``, ``suspended``, ``withdrawn``; ``ended`` for an ``active`` row with an end).
  Russia's PfP is ``active`` in 2010 and ``suspended`` from 2014 (suspended 2014-04-01).
* **programmes**: a ``milestone`` is ``reached`` from its date and ``not_yet`` before; a spell
  is ``not_yet``, ``active`` or ``ended``; a row without a start date is ``undated``.
* **operations**: ``not_yet``, ``active`` or ``ended``; ``undated`` without a start.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

STATUS_VALUES: tuple[str, ...] = (
    "member",
    "not_member",
    "active",
    "not_yet",
    "ended",
    "became_member",
    "suspended",
    "withdrawn",
    "invited_not_joined",
    "reached",
    "undated",
)


def as_of_day(year: int, today: date | None = None) -> date:
    """The day a year's status is read at: 31 December, or ``today`` within the current year."""
    today = today or datetime.now(UTC).date()
    end = date(year, 12, 31)
    return today if today.year == year else end


def status_as_of(spells: pd.DataFrame, table: str, year: int) -> pd.Series:
    """The status each row of ``spells`` (a :meth:`Registry.table` frame) held in ``year``."""
    day = pd.Timestamp(as_of_day(year))
    out: list[str] = []
    for _, row in spells.iterrows():
        start, end = row["start_first"], row["end_last"]
        if table == "members":
            out.append("member" if pd.notna(start) and start <= day else "not_member")
            continue
        if table == "partnerships" and row["status"] == "not_joined":
            invited = row["status_date"]
            out.append(
                "invited_not_joined"
                if invited and pd.Timestamp(invited[:4] + "-01-01").year <= year
                else "not_yet"
            )
            continue
        if pd.isna(start):
            out.append("undated")
            continue
        if start > day:
            out.append("not_yet")
            continue
        if table == "programmes" and row.get("shape") == "milestone":
            out.append("reached")
            continue
        if pd.isna(end) or end >= day:
            out.append("active")
            continue
        if table == "partnerships":
            final = row["status"]
            out.append("ended" if final == "active" else final)
        else:
            out.append("ended")
    return pd.Series(out, index=spells.index, dtype=object, name="status_as_of")
