"""``GET /api/v1/countries/{iso3}/profile``: everything the country page draws, in one body.

Indicator trends with the producers' bounds, regime episodes (V-Dem ERT), coups (Powell &
Thyne), armed conflicts (UCDP/PRIO), the registry timeline (membership, partnerships,
programmes, operations). One warehouse connection answers every warehouse question; the body is
cached per warehouse build. Forecasts and impact results are not part of it (they change without
a rebuild): the page asks ``/api/v1/forecasts?iso3=`` and ``/api/v1/impact/cases?iso3=``.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Hashable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from stabilis.api.models import ProfileBody
from stabilis.api.params import parse_iso3, parse_list, parse_years
from stabilis.api.responses import envelope, json_response, records
from stabilis.errors import NotFoundError, StabilisError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.api.cache import ReadCache
    from stabilis.workspace import Workspace

#: The trends a profile shows unless asked otherwise: V-Dem's indices (with their bands), WGI
#: political stability and voice (with standard-error bands), Freedom House and Polity.
DEFAULT_INDICATORS = (
    "vdem.v2x_polyarchy",
    "vdem.v2x_libdem",
    "vdem.v2xcs_ccsi",
    "vdem.v2x_freexp_altinf",
    "wgi.pv_est",
    "wgi.va_est",
    "fh.total",
    "polity5.polity2",
)
DEFAULT_FIRST_YEAR = 1990

_TIMELINE = {
    "members": ("membership", "NATO membership", "code"),
    "partnerships": ("partnership", "framework", "framework_code"),
    "programmes": ("programme", "programme", "programme_code"),
    "operations": ("operation", "operation", "operation_code"),
}


def _day(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a date or ISO timestamp string; None when missing."""
    return None if value in (None, "") else str(value)[:10]


def _timeline(ws: Workspace, iso3: str) -> list[dict[str, Any]]:
    """Registry spells and milestones touching the country, oldest first.

    Each carries ``shape`` (``spell``, or ``milestone`` for a dated event drawn as a point),
    ``status`` (the status that holds now), ``evidence`` (``UNVERIFIED``, ``second-tier only``,
    ...), ``provenance`` (release or edit id) and the row ``id``.
    """
    spans: list[dict[str, Any]] = []
    this_year = datetime.now(UTC).year
    for table, (kind, label_column, code_column) in _TIMELINE.items():
        rows = ws.registry.table_as_of(table, this_year, iso3)
        for row in records(rows):
            label = row.get(label_column) if kind != "membership" else "NATO membership"
            spans.append(
                {
                    "id": row.get("id"),
                    "kind": kind,
                    "label": label,
                    "code": row.get(code_column) or row.get("code"),
                    "shape": row.get("shape") or "spell",
                    "start": _day(row.get("start_first")),
                    "date": row.get("start_date")
                    or row.get("joined_date")
                    or row.get("accession_date")
                    or None,
                    "end": _day(row.get("end_last")),
                    "end_known": bool(row.get("end_known", True)),
                    "detail": row.get("milestone") or row.get("basis") or row.get("kind") or "",
                    "status": row.get("status_as_of"),
                    "confidence": row.get("confidence"),
                    "evidence": row.get("evidence"),
                    "unverified": bool(row.get("unverified")),
                    "provenance": row.get("provenance"),
                    "source": row.get("source"),
                }
            )
    return sorted(spans, key=lambda s: (str(s["start"]), s["kind"]))


def _series(meta: pd.DataFrame, series: pd.DataFrame) -> list[dict[str, Any]]:
    """Each indicator's metadata with its points (one JSON conversion for all of them)."""
    points: dict[str, list[dict[str, Any]]] = {}
    for row in records(series[["indicator", "year", "value", "lower", "upper"]]):
        points.setdefault(row.pop("indicator"), []).append(row)
    out = []
    for info in records(meta):
        info["points"] = points.get(info["indicator"], [])
        out.append(info)
    return out


def country_profile(
    ws: Workspace, iso3: str, indicators: list[str] | None, years: tuple[int, int] | None
) -> dict[str, Any]:
    """The profile body (see the module docstring)."""
    this_year = datetime.now(UTC).year
    span = years or (DEFAULT_FIRST_YEAR, this_year)
    with ws.reading():  # one connection for every read of the profile
        country = ws.country(iso3)
        if country.empty:
            raise NotFoundError(
                f"There is no country '{iso3}' in the warehouse. List them at /api/v1/countries.",
                details={"iso3": iso3},
            )
        if indicators:
            meta = ws.indicator_meta(indicators)
        else:
            known = ws.indicator_codes()
            meta = ws.indicator_meta([c for c in DEFAULT_INDICATORS if c in known])
        order = {code: i for i, code in enumerate(indicators or DEFAULT_INDICATORS)}
        meta = meta.sort_values("indicator", key=lambda s: s.map(order)).reset_index(drop=True)
        series = ws.indicator_series(iso3, list(meta["indicator"]), span)
        episodes = ws.table("regime_episodes", iso3, missing_ok=True)
        coups = ws.table("coups", iso3, missing_ok=True)
        conflicts = ws.table("conflicts", iso3, missing_ok=True)
    first, last = span
    if not episodes.empty:
        episodes = episodes[(episodes["end_year"] >= first) & (episodes["start_year"] <= last)]
        episodes = episodes[
            ["kind", "episode_id", "start_year", "end_year", "outcome", "termination"]
        ]
    if not coups.empty:
        coups = coups[coups["year"].between(first, last)]
        coups = coups[["year", "attempts", "successful", "failed"]].sort_values("year")
    if not conflicts.empty:
        conflicts = conflicts[conflicts["year"].between(first, last)]
        keep = ["year", "conflict_id", "side_a", "side_b", "territory_name", "intensity_level"]
        conflicts = conflicts[keep].sort_values(["year", "conflict_id"])
    groups = [
        g
        for g in ("nato", "pfp", "eapc", "md", "ici", "global")
        if iso3 in _members(ws.registry, g, min(last, this_year))
    ]
    return {
        "country": records(country)[0],
        "years": [first, last],
        "groups": groups,
        "indicators": _series(meta, series),
        "episodes": records(episodes),
        "coups": records(coups),
        "conflicts": records(conflicts),
        "timeline": _timeline(ws, iso3),
    }


_MEMBERS: dict[tuple[int, str, int], frozenset[str]] = {}
_MEMBERS_LOCK = threading.Lock()


def _members(registry: Any, group: str, year: int) -> frozenset[str]:
    """A group's members in a year, worked out once per registry (package data: it changes only
    with the installed package, never while a server runs)."""
    key = (id(registry), group, year)
    found = _MEMBERS.get(key)
    if found is None:
        found = frozenset(registry.group_members(group, year))
        with _MEMBERS_LOCK:
            _MEMBERS[key] = found
    return found


def profile_key(iso3: str, codes: list[str] | None, span: tuple[int, int] | None) -> Hashable:
    """The cache key of one profile request."""
    return ("profile", iso3, tuple(codes or ()), span)


def warm_profiles(
    ws: Workspace, cache: ReadCache, stop: threading.Event, interval: float = 30.0
) -> None:
    """Keep every country's default profile in ``cache``, for the current warehouse build.

    Runs in a background thread of ``stabilis serve``: at start, and whenever a build replaces
    the warehouse (checked every ``interval`` seconds), it computes the default profile of each
    present-day country, so analysts rarely wait for a cold query. Requests are served as usual
    meanwhile; a profile a request has already cached is not recomputed.
    """
    warmed: object = None
    while not stop.is_set():
        stamp = cache.stamp() if ws.warehouse_exists() else None
        if stamp is not None and stamp != warmed:
            codes = ws.present_day_countries()
            for code in codes:
                if stop.is_set():
                    return
                try:
                    cache.get_or_compute(
                        profile_key(code, None, None), functools.partial(_default_body, ws, code)
                    )
                except StabilisError:
                    continue  # a country without data: its page explains that on request
            warmed = stamp
        stop.wait(interval)


def materialise(ws: Workspace, cache: ReadCache) -> int:
    """Keep every present-day country's default profile as a file for the current build (what
    ``stabilis build`` does after building), so a server's first request for it is a file read.
    Returns how many profiles are kept."""
    codes = ws.present_day_countries()
    kept = 0
    for code in codes:
        try:
            cache.persist(profile_key(code, None, None), functools.partial(_default_body, ws, code))
            kept += 1
        except StabilisError:
            continue  # a country without data: its page explains that on request
    return kept


def _default_body(ws: Workspace, iso3: str) -> bytes:
    return envelope(country_profile(ws, iso3, None, None), iso3=iso3)


def router(ws: Workspace, cache: ReadCache) -> APIRouter:
    api = APIRouter(tags=["countries"])

    @api.get(
        "/countries/{iso3}/profile",
        summary="A country's trends with bounds, episodes, coups, conflicts, registry timeline",
        responses={200: {"model": ProfileBody, "description": "The country's profile."}},
    )
    def profile(
        iso3: str = Path(description="ISO3 code, e.g. UKR"),
        indicators: str | None = Query(None, description="Comma-separated codes (default set)."),
        years: str | None = Query(None, description=f"Default {DEFAULT_FIRST_YEAR}-this year."),
    ) -> Response:
        code = parse_iso3(iso3)
        codes = parse_list(indicators, "indicators") or None
        span = parse_years(years)

        def compute() -> bytes:
            return envelope(country_profile(ws, code, codes, span), iso3=code)

        return json_response(cache.get_or_compute(profile_key(code, codes, span), compute))

    return api
