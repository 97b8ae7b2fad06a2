"""The Threats, Alerts and Elections pages (server-rendered shells; charts drawn from the API).

Each page names its country in the query string (``/threats?iso3=MDA``), and its scripts read
``/api/v1/threats/{iso3}``, ``/api/v1/cyber-incidents``, ``/api/v1/alerts``,
``/api/v1/alert-backtests`` and ``/api/v1/elections/{iso3}``. Counts outside a source's coverage
come as ``null`` with a status, and the charts draw those years as "not covered", never as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from stabilis.errors import QueryError

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

Render = Callable[..., Response]


def _choices(ws: Workspace) -> list[dict[str, str]]:
    year = datetime.now(UTC).year
    table = ws.countries()
    names = dict(zip(table["iso3"], table["name"], strict=True))
    members = set(ws.group_members("nato", year))
    partners = set(ws.group_members("partners", year)) - members
    rows = [{"iso3": c, "name": names.get(c, c), "role": "member"} for c in members]
    rows += [{"iso3": c, "name": names.get(c, c), "role": "partner"} for c in partners]
    return sorted(rows, key=lambda r: r["name"])


def _country(ws: Workspace, iso3: str) -> dict[str, Any]:
    row = ws.country_row(iso3, "Pick one from the list on the page.").iloc[0]
    return {"iso3": str(row["iso3"]), "name": str(row["name"])}


def mount(app: FastAPI, ws: Workspace, render: Render) -> None:
    """Add ``/threats``, ``/alerts`` and ``/elections`` to ``app``."""

    @app.get("/threats", include_in_schema=False)
    def threats(request: Request, iso3: str = "UKR") -> Response:
        return render(
            request, "threats.html", "threats", country=_country(ws, iso3), choices=_choices(ws)
        )

    @app.get("/alerts", include_in_schema=False)
    def alerts(request: Request, since: int = 2014) -> Response:
        now = datetime.now(UTC).year
        if not 1990 <= since <= now:
            raise QueryError(f"'since' must be a year from 1990 to {now}; it was {since}.")
        from stabilis.report.rules import MONTHLY, YEARLY

        return render(
            request,
            "alerts.html",
            "alerts",
            since=since,
            rules={"monthly": MONTHLY, "yearly": YEARLY},
        )

    @app.get("/elections", include_in_schema=False)
    def elections(request: Request, iso3: str = "GEO") -> Response:
        return render(
            request, "elections.html", "elections", country=_country(ws, iso3),
            choices=_choices(ws),
        )  # fmt: skip
