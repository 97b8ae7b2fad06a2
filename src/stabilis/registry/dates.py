"""Partial dates and date spans for the alliance registry.

Registry dates are written ``YYYY-MM-DD`` when the source gives the day, and ``YYYY-MM`` or
``YYYY`` when it gives less. A :class:`PartialDate` keeps that precision; a :class:`DateSpan` is a
start and an end, each possibly partial or missing.

Rules (the queries and the country-year flags all follow them):

* **Active during year Y.** A spell is active during year ``Y`` if it overlaps ``Y`` at all:
  its start is on or before 31 December ``Y`` and its end is on or after 1 January ``Y`` (or it
  has no end). A ``YYYY`` or ``YYYY-MM`` start counts from the first day it can mean, so a
  ``1995`` start is active during 1995; a partial end counts to the last day it can mean, so a
  ``2021`` end is active during 2021. A spell that starts and ends inside the same year is active
  during that year only.
* **Active at date D.** A spell is active at ``D`` if ``first day of start <= D <= last day of
  end``. A partial start therefore uses its first day (``2008-04`` means from 2008-04-01) and a
  partial end its last day (``2021-11`` means until 2021-11-30).
* **Blank end.** A blank end means the spell is ongoing. Where the registry says the end is not
  known (it is not documented as ongoing), the span is still treated as ongoing but carries
  ``end_known=False`` so callers can see it; country-year builders let the caller choose
  otherwise.
* **Blank start.** A blank start means no source gave it. Such a span cannot be placed in time:
  it is never active during a year or at a date (``start_known=False``). The row stays in the
  registry and is listed by the row-level tables, it just never turns a flag on.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from stabilis.errors import QueryError

_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise ``ValueError`` saying why not."""
        match = _PATTERN.match(text.strip())
        if match is None:
            raise ValueError(f"'{text}' is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
        year = int(match.group(1))
        month = int(match.group(2)) if match.group(2) else None
        day = int(match.group(3)) if match.group(3) else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"'{text}' has month {month}, which is not 01 to 12")
        if day is not None and month is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"'{text}' has day {day}, but that month has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> str:
        """``"year"``, ``"month"`` or ``"day"``."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> date:
        """The earliest day the value can mean (used for starts)."""
        return date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> date:
        """The latest day the value can mean (used for ends)."""
        month = self.month or 12
        return date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def __str__(self) -> str:
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text


@dataclass(frozen=True)
class DateSpan:
    """A spell from ``start`` to ``end``; either may be ``None`` (see the module rules)."""

    start: PartialDate | None
    end: PartialDate | None = None
    end_known: bool = True

    @property
    def start_known(self) -> bool:
        return self.start is not None

    @property
    def first_day(self) -> date | None:
        return self.start.first_day() if self.start else None

    @property
    def last_day(self) -> date | None:
        """The last day of the end, or ``None`` when the span is ongoing."""
        return self.end.last_day() if self.end else None

    def active_during(self, year: int) -> bool:
        """True if the span overlaps calendar ``year`` at all."""
        if self.start is None:
            return False
        if self.start.first_day() > date(year, 12, 31):
            return False
        return self.end is None or self.end.last_day() >= date(year, 1, 1)

    def active_at(self, day: date) -> bool:
        """True if ``day`` lies between the first day of the start and the last day of the end."""
        if self.start is None or self.start.first_day() > day:
            return False
        return self.end is None or self.end.last_day() >= day

    def years(self, last_year: int) -> range:
        """The years the span is active during; an ongoing span runs to ``last_year``."""
        if self.start is None:
            return range(0)
        end_year = self.end.year if self.end else last_year
        return range(self.start.year, min(end_year, last_year) + 1)


def check_year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise QueryError(f"The year must be a whole number, not {year!r}.")
    return year


def check_year_range(first_year: int, last_year: int) -> None:
    """Raise :class:`QueryError` if the range is not two whole years in order."""
    check_year(first_year)
    check_year(last_year)
    if first_year > last_year:
        raise QueryError(
            f"The year range {first_year}-{last_year} is reversed; give the earlier year first."
        )
