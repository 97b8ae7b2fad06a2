"""The dashboard's pages: routes, the shared page context, and the HTML error page.

Pages are rendered on the server with Jinja2 (headings, forms, tables that need no script) and
completed in the browser by small scripts that read the JSON API (maps and charts). Rendered
pages are cached per warehouse build like the API's reads.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from stabilis.dashboard import assets
from stabilis.errors import NotFoundError, StabilisError
from stabilis.report.signals import SIGNALS as THREAT_SIGNALS
from stabilis.workspace import LABELS as GROUP_LABELS

if TYPE_CHECKING:
    from stabilis.workspace import Workspace

HERE = Path(__file__).resolve().parent
DEFAULT_INDICATOR = "vdem.v2x_polyarchy"

NAV = (
    ("overview", "/", "Overview map"),
    ("countries", "/countries", "Countries"),
    ("forecasts", "/forecasts", "Forecasts"),
    ("impact", "/impact", "Impact"),
    ("threats", "/threats", "Threats"),
    ("alerts", "/alerts", "Alerts"),
    ("elections", "/elections", "Elections"),
    ("registry", "/registry", "Registry"),
    ("support", "/support", "Support audit"),
    ("burden", "/burden-sharing", "Burden sharing"),
    ("resilience", "/resilience", "Resilience"),
    ("data", "/data", "Data sources"),
    ("api", "/api", "API"),
)
#: Groups offered by the map's filter, in the order an analyst reads them.
MAP_GROUPS = tuple(
    (name, GROUP_LABELS[name]) for name in ("all", "nato", "partners", "pfp", "md", "ici", "global")
)
REGISTRY_TABLES = ("members", "partnerships", "programmes", "operations")
#: The scenario form's repeatable ``change=CODE=VALUE`` fields.
CHANGE_QUERY = Query(None)
PROFILE_START_YEARS = (1900, 1946, 1970, 1990, 2000, 2010)


class Cache(Protocol):
    """What the pages need of the API's read cache."""

    def get_or_compute(self, key: Hashable, compute: Callable[[], bytes]) -> bytes: ...


def mount(
    app: FastAPI, ws: Workspace, cache: Cache, *, assets_dir: Path | None = None
) -> Callable[[Request, StabilisError, int], Response]:
    """Add the pages, static files and vendor files to ``app``; return the HTML error page."""
    vendor_root = Path(assets_dir) if assets_dir else assets.default_root()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    missing = assets.missing_files(vendor_root)

    def built_at() -> str:
        def compute() -> bytes:
            built = ws.built_at()
            return str("unknown" if built is None else built).encode()

        try:
            return cache.get_or_compute(("built_at",), compute).decode()
        except StabilisError:
            return "not built"

    def search_countries() -> list[dict[str, str]]:
        """Present-day countries by name, for the search box on every page."""
        import json

        def compute() -> bytes:
            table = ws.countries()
            table = table[~table["historical"].fillna(False).astype(bool)]
            rows = sorted(
                (
                    {"iso3": str(i), "name": str(n)}
                    for i, n in zip(table["iso3"], table["name"], strict=True)
                ),
                key=lambda r: r["name"].casefold(),
            )
            return json.dumps(rows).encode()

        try:
            return list(json.loads(cache.get_or_compute(("search-countries",), compute)))
        except StabilisError:
            return []

    def render(
        request: Request, name: str, active: str, status: int = 200, **context: Any
    ) -> Response:
        context.update(
            search_countries=search_countries(),
            nav=NAV,
            active=active,
            built_at=built_at(),
            assets_missing=missing,
            install_hint=assets.INSTALL_HINT,
        )
        return templates.TemplateResponse(request, name, context, status_code=status)

    def cached_page(
        request: Request, key: tuple[Hashable, ...], build: Callable[[], Response]
    ) -> Response:
        def compute() -> bytes:
            return bytes(build().body)

        return HTMLResponse(cache.get_or_compute(("page", *key), compute))

    def indicator_choices() -> list[tuple[str, list[dict[str, Any]]]]:
        table = ws.indicators()
        grouped: dict[str, list[dict[str, Any]]] = {}
        for code, label, source in zip(
            table["indicator"], table["label"], table["source"], strict=True
        ):
            grouped.setdefault(str(source), []).append({"indicator": code, "label": label})
        return sorted(grouped.items())

    @app.get("/", include_in_schema=False)
    def overview(request: Request) -> Response:
        def build() -> Response:
            return render(
                request,
                "overview.html",
                "overview",
                choices=indicator_choices(),
                threat_signals=[(k, v["label"]) for k, v in THREAT_SIGNALS.items()],
                groups=MAP_GROUPS,
                default_indicator=DEFAULT_INDICATOR,
            )

        return cached_page(request, ("overview",), build)

    @app.get("/countries", include_in_schema=False)
    def countries(request: Request) -> Response:
        def build() -> Response:
            table = ws.countries()
            table = table[~table["historical"].fillna(False).astype(bool)]
            year = datetime.now(UTC).year
            membership = {
                g: set(ws.group_members(g, year)) for g in ("nato", "pfp", "md", "ici", "global")
            }
            rows = []
            for row in table[["iso3", "name", "region", "subregion"]].to_dict(orient="records"):
                row["groups"] = [g for g, members in membership.items() if row["iso3"] in members]
                rows.append(row)
            rows.sort(key=lambda r: str(r["name"]).casefold())
            return render(request, "countries.html", "countries", rows=rows, year=year)

        return cached_page(request, ("countries",), build)

    @app.get("/search", include_in_schema=False)
    def search(request: Request, q: str = "") -> Response:
        """The search box: a code, a name or "Name (ISO)" opens the profile; a part of a name
        lists the matches; anything else is refused with the closest names."""
        import re

        from fastapi.responses import RedirectResponse

        text = q.strip()
        if not text:
            raise NotFoundError("Type a country name or ISO3 code in the search box.")
        choices = search_countries()
        tagged = re.search(r"\(([A-Za-z]{3})\)\s*$", text)
        codes = {c["iso3"] for c in choices}
        if tagged and tagged.group(1).upper() in codes:
            return RedirectResponse(f"/countries/{tagged.group(1).upper()}", status_code=303)
        needle = text.casefold()
        exact = [c for c in choices if needle in (c["iso3"].casefold(), c["name"].casefold())]
        hits = exact or [c for c in choices if needle in c["name"].casefold()]
        if len(hits) == 1:
            return RedirectResponse(f"/countries/{hits[0]['iso3']}", status_code=303)
        if not hits:
            ws.resolve_countries([text])  # raises NotFoundError with the closest names
            raise NotFoundError(f"No country matches '{text}'.")
        return render(request, "search.html", "countries", query=text, hits=hits)

    @app.get("/countries/{iso3}", include_in_schema=False)
    def country(request: Request, iso3: str) -> Response:
        info = ws.country_row(iso3, "Pick one from the list at /countries.").iloc[0].to_dict()
        table = ws.countries()
        names = dict(zip(table["iso3"], table["name"], strict=True))
        neighbours = [
            (n, names.get(n, n)) for n in str(info.get("neighbours") or "").split(";") if n
        ]
        return render(
            request,
            "country.html",
            "countries",
            country=info,
            neighbours=neighbours,
            start_years=PROFILE_START_YEARS,
            indicator_codes=[
                (row["indicator"], row["label"])
                for group in indicator_choices()
                for row in group[1]
            ],
        )

    @app.get("/forecasts", include_in_schema=False)
    def forecasts(request: Request) -> Response:
        return render(request, "forecasts.html", "forecasts", groups=MAP_GROUPS)

    @app.get("/forecasts/whatif", include_in_schema=False)
    def forecast_whatif(
        request: Request, iso3: str = "", change: list[str] | None = CHANGE_QUERY, as_of: str = ""
    ) -> Response:
        # A form: the scenario is computed by the forecasting service from the archived run's
        # models (no refit); a refused change is shown on the form, not as an error page.
        changes = [c for c in (change or []) if c.strip()]
        scenario, problem = None, ""
        if iso3.strip() and changes:
            try:
                year = int(as_of) if as_of.strip() else None
                scenario = ws.forecasts.whatif(iso3, changes, as_of=year)
            except ValueError:
                problem = f"The origin '{as_of}' is not a year."
            except StabilisError as exc:
                problem = str(exc)
        elif iso3.strip():
            problem = "Give at least one change, e.g. v2x_jucon=-0.1."
        return render(
            request, "forecast_whatif.html", "forecasts", iso3=iso3.strip().upper(),
            changes=changes + [""] * max(0, 3 - len(changes)), as_of=as_of, scenario=scenario,
            problem=problem,
        )  # fmt: skip

    @app.get("/impact", include_in_schema=False)
    def impact(request: Request) -> Response:
        return render(request, "impact.html", "impact")

    @app.get("/impact/{case}", include_in_schema=False)
    def impact_case(request: Request, case: str) -> Response:
        return render(request, "impact_case.html", "impact", case=case)

    @app.get("/registry", include_in_schema=False)
    def registry(request: Request, table: str = "members", year: int | None = None) -> Response:
        from stabilis.dashboard.auth import identify

        if table not in REGISTRY_TABLES:
            raise NotFoundError(
                f"There is no registry table '{table}'. Tables: {', '.join(REGISTRY_TABLES)}."
            )
        this_year = datetime.now(UTC).year
        shown = year if year is not None and 1900 <= year <= this_year else this_year
        try:
            user = identify(ws, request)
        except StabilisError:
            user = None
        return render(
            request,
            "registry.html",
            "registry",
            table=table,
            tables=REGISTRY_TABLES,
            version=ws.registry.version,
            year=shown,
            years=list(range(this_year, 1948, -1)),
            user=user,
        )

    @app.get("/support", include_in_schema=False)
    def support(request: Request) -> Response:
        years = list(range(1995, datetime.now(UTC).year))
        return render(request, "support.html", "support", years=years, default_year=2019)

    @app.get("/burden-sharing", include_in_schema=False)
    def burden(request: Request) -> Response:
        return render(
            request, "burden.html", "burden", years=list(range(2014, 2025)), default_year=2024
        )

    @app.get("/resilience", include_in_schema=False)
    def resilience(request: Request) -> Response:
        last = datetime.now(UTC).year - 1
        years = list(range(2010, last + 1))
        return render(request, "resilience.html", "resilience", years=years, default_year=last)

    @app.get("/data", include_in_schema=False)
    def data(request: Request) -> Response:
        def build() -> Response:
            return render(
                request,
                "data.html",
                "data",
                sources=ws.sources().to_dict(orient="records"),
                snapshots=ws.snapshots().to_dict(orient="records"),
            )

        return cached_page(request, ("data",), build)

    @app.get("/api", include_in_schema=False)
    def api_reference(request: Request) -> Response:
        spec = app.openapi()
        routes = [
            {
                "path": path,
                "method": method.upper(),
                "summary": op.get("summary", ""),
                "parameters": op.get("parameters", []),
            }
            for path, ops in spec["paths"].items()
            for method, op in ops.items()
        ]
        return render(request, "api.html", "api", routes=routes, spec=spec)

    from stabilis.dashboard import edit_pages, threat_pages

    edit_pages.mount(app, ws, render)
    threat_pages.mount(app, ws, render)
    app.include_router(assets.router(vendor_root))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def error_page(request: Request, error: StabilisError, status: int) -> Response:
        return render(request, "error.html", "", status=status, error=error, status_code=status)

    return error_page
