"""The one way to write years: ``2020`` (one year) or ``1990-2024`` (first to last, inclusive).

The CLI's ``--years`` and the API's ``?years=`` both read it with :func:`parse_years`, so a range
that works in one works in the other; docs/api.md ("Years") states the syntax. A bad range is a
:class:`~stabilis.errors.QueryError` naming the parameter and the value. This module imports only
``errors``.
"""

from __future__ import annotations

import re

from stabilis.errors import QueryError

#: Years a request may name; data before 1789 do not exist in any source.
YEAR_MIN, YEAR_MAX = 1700, 2100
#: ``2020`` or ``1990-2024`` (spaces around the dash allowed).
SYNTAX = "YEAR or FIRST-LAST, e.g. 2020 or 1990-2024"

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:-\s*(\d{4})\s*)?$")


def parse_years(value: str | None, parameter: str = "years") -> tuple[int, int] | None:
    """``"1990-2024"`` -> ``(1990, 2024)``; ``"2020"`` -> ``(2020, 2020)``; blank -> None."""
    if value is None or not value.strip():
        return None
    match = _YEARS.match(value)
    if not match:
        raise QueryError(
            f"'{value}' is not a year or a year range for '{parameter}'. Write {SYNTAX}.",
            details={"parameter": parameter, "value": value},
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise QueryError(
            f"The year range {first}-{last} is reversed; write {last}-{first}.",
            details={"parameter": parameter, "value": value},
        )
    check_year(first, parameter)
    check_year(last, parameter)
    return first, last


def check_year(year: int, parameter: str = "year") -> int:
    """``year`` when it lies within :data:`YEAR_MIN`-:data:`YEAR_MAX`, else a QueryError."""
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise QueryError(
            f"The year {year} is outside {YEAR_MIN}-{YEAR_MAX}.",
            details={"parameter": parameter, "value": year},
        )
    return year
