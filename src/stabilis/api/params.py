"""Query-string values turned into checked Python values, or a QueryError that says what to send.

FastAPI checks types (an integer is an integer); these functions check meaning: a year range in
order (the one year syntax, :mod:`stabilis.panel.years`), a known output format, a list that is
not empty and not absurdly long. The dependency :data:`KNOWN_PARAMETERS` checks the query
string as a whole: a parameter the route does not declare, or a single-valued one given twice,
is a 422 naming it (never silently ignored).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import UnionType
from typing import Any, Literal, Union, cast, get_args, get_origin
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from stabilis.errors import NotFoundError, QueryError
from stabilis.workspace import YEAR_MAX, YEAR_MIN, check_year, parse_years

__all__ = [
    "FORMATS",
    "KNOWN_PARAMETERS",
    "MAX_INDICATORS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Format",
    "check_query_string",
    "check_year",
    "declared_query_parameters",
    "known_country",
    "known_group",
    "parse_format",
    "parse_iso3",
    "parse_list",
    "parse_years",
    "query_value",
]

Format = Literal["json", "csv", "parquet", "datapackage"]
#: ``datapackage`` is the CSV zipped with its Frictionless ``datapackage.json`` (the citation).
FORMATS: tuple[str, ...] = ("json", "csv", "parquet", "datapackage")
#: The most indicators one request may ask for (the panel is wide: one column per indicator).
MAX_INDICATORS = 50


def parse_format(value: str) -> Format:
    """``json``, ``csv``, ``parquet`` or ``datapackage`` (a zip: CSV + datapackage.json)."""
    fmt = value.lower().strip()
    if fmt not in FORMATS:
        raise QueryError(
            f"Unknown format '{value}'. Use one of: {', '.join(FORMATS)}.",
            details={"parameter": "format", "value": value},
        )
    return cast(Format, fmt)


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


@contextmanager
def query_value(parameter: str, value: Any) -> Iterator[None]:
    """Inside: a :class:`NotFoundError` about ``value`` is a bad query value, so a 422 naming
    ``parameter`` (an unknown thing in the *path* stays a 404: there is no such resource)."""
    try:
        yield
    except NotFoundError as exc:
        details = {**exc.details, "parameter": parameter, "value": value}
        raise QueryError(exc.message, details=details) from exc


def known_country(ws: Any, value: str, parameter: str = "iso3") -> str:
    """The ISO3 code of a country the warehouse knows, else a 422 naming ``parameter``."""
    from stabilis.report.country import check_country

    code = parse_iso3(value)
    with query_value(parameter, value):
        return str(check_country(ws, code)["iso3"])


def known_group(value: str, parameter: str = "group") -> str:
    """A group name from the one table (:mod:`stabilis.registry.groups`), else a 422 naming
    ``parameter`` and listing the groups."""
    from stabilis.workspace import check_group

    return check_group(value, parameter)


# -- the query string as a whole: no unknown or repeated parameters -------------------------------


def declared_query_parameters(route: Any) -> tuple[tuple[str, ...], frozenset[str]]:
    """The query parameters ``route`` declares (its own and its dependencies', by their alias, in
    declaration order), and those that take a list (``?set=...&set=...``)."""
    names: dict[str, bool] = {}
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        for field in dependant.query_params:
            names.setdefault(field.alias, _is_list(field))
        stack.extend(reversed(dependant.dependencies))
    return tuple(names), frozenset(n for n, many in names.items() if many)


def _is_list(field: Any) -> bool:
    return _takes_many(getattr(getattr(field, "field_info", None), "annotation", None))


def _takes_many(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        return any(_takes_many(a) for a in get_args(annotation))
    return origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set)


def check_query_string(path: str, pairs: list[tuple[str, str]], route: Any) -> None:
    """Refuse a parameter ``route`` does not declare, or a single-valued one given twice, with a
    :class:`QueryError` naming it, its value and the parameters the route accepts."""
    accepted, many = declared_query_parameters(route)
    listed = ", ".join(accepted) if accepted else "none"
    seen: set[str] = set()
    for name, value in pairs:
        if name not in accepted:
            close = difflib.get_close_matches(name, accepted, n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise QueryError(
                f"Unknown parameter '{name}' for {path}.{hint} This route accepts: {listed}.",
                details={"parameter": name, "value": value, "accepted": list(accepted)},
            )
        if name in seen and name not in many:
            raise QueryError(
                f"The parameter '{name}' is given more than once for {path}; give it once.",
                details={"parameter": name, "value": value, "accepted": list(accepted)},
            )
        seen.add(name)


async def known_parameters_only(request: Request) -> None:
    """A dependency of every ``/api/v1`` route: the query string holds only what the route
    declares (an analyst who misspells ``years`` gets a 422, not every year)."""
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return
    pairs = parse_qsl(request.url.query, keep_blank_values=True)
    check_query_string(request.url.path, pairs, route)


#: ``dependencies=[KNOWN_PARAMETERS]`` on the API's routers (see :mod:`stabilis.api.app`).
KNOWN_PARAMETERS = Depends(known_parameters_only)
