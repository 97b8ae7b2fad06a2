"""``stabilis brief ISO3``: the printable country brief (HTML or PDF), from the report package."""

from __future__ import annotations

from pathlib import Path

import typer

from stabilis.cli.context import workspace_of
from stabilis.errors import QueryError


def brief(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code or country name, e.g. UKR."),
    year: int | None = typer.Option(
        None, "--year", help="Data up to this year (default: the latest V-Dem year)."
    ),
    fmt: str = typer.Option("pdf", "--format", "-f", help="pdf or html."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="File to write (default: brief-ISO3-YEAR.pdf|html here)."
    ),
) -> None:
    """Write a two-to-four-page country brief with charts, findings and cited sources."""
    from stabilis.report.brief import brief_html, brief_pdf, check_format
    from stabilis.report.country import country_report

    chosen = check_format(fmt)
    ws = workspace_of(ctx)
    codes = ws.resolve_countries([country])
    if not codes or len(codes) != 1:
        raise QueryError(f"'{country}' does not name one country; give an ISO3 code such as UKR.")
    report = country_report(ws, codes[0], year)
    html = brief_html(report)
    body = html.encode("utf-8") if chosen == "html" else brief_pdf(html)
    target = out or Path(f"brief-{codes[0]}-{report.year}.{chosen}")
    target.write_bytes(body)
    missing = [s.title for s in report.sections.values() if not s.available]
    typer.echo(f"Wrote {target} ({len(body):,} bytes): {report.country['name']}, data up to "
               f"{report.year}.")  # fmt: skip
    if missing:
        typer.echo("Sections without data (the brief says why): " + "; ".join(missing) + ".")
