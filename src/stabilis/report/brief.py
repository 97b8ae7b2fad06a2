"""The country brief: two to four printed pages an adviser can hand on, as HTML or PDF.

:func:`brief_html` renders a :class:`~stabilis.report.country.CountryReport` with the Jinja2
template ``templates/brief.html``: print CSS (A4, running header, page numbers), inline SVG
charts (:mod:`stabilis.report.charts`), no script, no web font, no network. :func:`brief_pdf`
lays that HTML out with WeasyPrint (imported only when a PDF is asked for; see ARCHITECTURE.md
for why WeasyPrint rather than headless Chromium).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from stabilis.errors import QueryError, RendererError

if TYPE_CHECKING:
    from stabilis.report.country import CountryReport

HERE = Path(__file__).resolve().parent
BriefFormat = Literal["html", "pdf"]
FORMATS = ("html", "pdf")
#: Forecast rows printed (the highest probabilities); the rest are counted, not hidden.
FORECAST_ROWS = 6


def check_format(value: str) -> BriefFormat:
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise QueryError(
            f"Unknown brief format '{value}'. Use html or pdf.",
            details={"parameter": "format", "value": value},
        )
    return fmt  # type: ignore[return-value]


def _environment() -> Any:
    import jinja2

    from stabilis.report import charts

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(HERE / "templates")),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v, digits=None: charts.fmt(None if v is None else float(v), digits)
    env.filters["signed"] = lambda v: "–" if v is None else f"{float(v):+.3g}"
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * float(v):.0f}%"
    return env


def brief_html(report: CountryReport) -> str:
    """The brief as one self-contained HTML document."""
    from markupsafe import Markup

    from stabilis.report import charts

    sections = report.sections
    headline = sections["headline"]
    episodes = sections["regime"].rows
    years = tuple(headline.extra.get("years") or (1990, report.year))
    figures = [
        {
            "label": c["meta"]["label"],
            "code": c["meta"]["indicator"],
            "scale": c["meta"].get("scale"),
            "svg": Markup(charts.line_chart(c["meta"], c["points"], years, episodes=episodes)),
        }
        for c in headline.extra.get("charts", [])
    ]
    threat_charts = []
    threat = sections["threats"]
    if threat.available and threat.rows:
        first = min(int(r["year"]) for r in threat.rows)
        span = (first, report.year)
        for column, label in (
            ("cyber_operations", "State cyber operations against the country (DCID)"),
            ("disinfo_cases", "Disinformation cases naming the country (EUvsDisinfo)"),
        ):
            svg = charts.bar_chart(threat.rows, column, span, label=label)
            threat_charts.append({"label": label, "svg": Markup(svg)})
    forecasts = sections["forecasts"]
    template = _environment().get_template("brief.html")
    return str(
        template.render(
            report=report,
            country=report.country,
            s=sections,
            figures=figures,
            threat_charts=threat_charts,
            forecast_rows=forecasts.rows[:FORECAST_ROWS],
            forecast_hidden=max(0, len(forecasts.rows) - FORECAST_ROWS),
            sources=grouped_sources(report.provenance.sources),
        )
    )


def grouped_sources(entries: Any) -> list[dict[str, Any]]:
    """One entry per dataset: its releases, and every snapshot file with its checksum."""
    grouped: dict[str, dict[str, Any]] = {}
    for e in entries:
        g = grouped.setdefault(
            str(e["source"]),
            {**e, "releases": [], "files": [], "licences": [], "citations": []},
        )
        for key, plural in (("release", "releases"), ("licence", "licences"),
                            ("citation", "citations")):  # fmt: skip
            if e.get(key) and e[key] not in g[plural]:
                g[plural].append(e[key])
        g["files"].append({"file": e.get("file"), "sha256": e.get("sha256")})
    return sorted(grouped.values(), key=lambda g: str(g.get("title") or g["source"]))


def brief_pdf(html: str) -> bytes:
    """Lay the brief's HTML out as PDF with WeasyPrint (no network: nothing is fetched)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz system libraries missing
        raise RendererError(
            "PDF briefs need WeasyPrint and its system libraries (Pango): "
            "'pip install weasyprint' (and 'apt-get install libpango-1.0-0' on Debian). "
            f"The HTML brief works without them ({exc})."
        ) from exc

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"the brief fetches nothing from outside ({url})")

    document = weasyprint.HTML(string=html, base_url=str(HERE), url_fetcher=no_fetch)
    return bytes(document.write_pdf())


def brief(ws: Any, iso3: str, year: int | None = None, fmt: str = "pdf") -> bytes:
    """The brief of ``iso3`` in ``fmt`` (html or pdf), as bytes."""
    from stabilis.report.country import country_report

    chosen = check_format(fmt)
    html = brief_html(country_report(ws, iso3, year))
    return html.encode("utf-8") if chosen == "html" else brief_pdf(html)
