"""Query-string values turned into checked Python values, or a QueryError that says what to send.

FastAPI checks types (an integer is an integer); these functions check meaning: a year range in
order, a known output format, a list that is not empty and not absurdly long.
"""

from __future__ import annotations

import re
from typing import Literal, cast

from stabilis.errors import QueryError

Format = Literal["json", "csv", "parquet", "datapackage"]
#: ``datapackage`` is the CSV zipped with its Frictionless ``datapackage.json`` (the citation).
FORMATS: tuple[str, ...] = ("json", "csv", "parquet", "datapackage")
#: The most indicators one request may ask for (the panel is wide: one column per indicator).
MAX_INDICATORS = 50
#: Years the API accepts; data before 1789 do not exist in any source.
YEAR_MIN, YEAR_MAX = 1700, 2100

_YEARS = re.compile(r"^\s*(\d{4})\s*(?:(?:-|\.\.|:)\s*(\d{4})\s*)?$")


def parse_format(value: str) -> Format:
    """``json``, ``csv``, ``parquet`` or ``datapackage`` (a zip: CSV + datapackage.json)."""
    fmt = value.lower().strip()
    if fmt not in FORMATS:
        raise QueryError(
            f"Unknown format '{value}'. Use one of: {', '.join(FORMATS)}.",
            details={"parameter": "format", "value": value},
        )
    return cast(Format, fmt)


def parse_years(value: str | None) -> tuple[int, int] | None:
    """``"1990-2024"`` (or ``1990..2024``, ``1990:2024``) or a single year ``"2020"``."""
    if value is None or not value.strip():
        return None
    match = _YEARS.match(value)
    if not match:
        raise QueryError(
            f"'{value}' is not a year or a year range. Write years=1990-2024 or years=2020.",
            details={"parameter": "years", "value": value},
        )
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first > last:
        raise QueryError(
            f"The year range {first}-{last} is reversed; write years={last}-{first}.",
            details={"parameter": "years", "value": value},
        )
    check_year(first, "years")
    check_year(last, "years")
    return first, last


def check_year(year: int, parameter: str = "year") -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise QueryError(
            f"The year {year} is outside {YEAR_MIN}-{YEAR_MAX}.",
            details={"parameter": parameter, "value": year},
        )
    return year


def parse_list(value: str | None, parameter: str, *, limit: int = MAX_INDICATORS) -> list[str]:
    """A comma-separated list, stripped, without empty items or duplicates (order kept)."""
    items = list(dict.fromkeys(v.strip() for v in (value or "").split(",") if v.strip()))
    if len(items) > limit:
        raise QueryError(
            f"{len(items)} values for '{parameter}'; the limit is {limit} per request. Split the "
            "request, or use 'stabilis panel' for bulk exports.",
            details={"parameter": parameter, "count": len(items), "limit": limit},
        )
    return items


def parse_iso3(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise QueryError(
            f"'{value}' is not an ISO3 code (three letters, e.g. UKR).",
            details={"parameter": "iso3", "value": value},
        )
    return code
