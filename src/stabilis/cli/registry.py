"""``stabilis registry ...``: the alliance registry from the shell."""

from __future__ import annotations

from typing import Any

import typer

from stabilis.cli.data import JSON_OPT, _records, _show_frame

app = typer.Typer(
    help="NATO members, partnerships, programmes and operations.", no_args_is_help=True
)


def _registry(ctx: typer.Context) -> Any:
    return ctx.obj.workspace().registry


@app.command("frameworks")
def frameworks(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. GEO."),
    year: int = typer.Option(..., "--year", help="The year, e.g. 2008."),
    as_json: bool = JSON_OPT,
) -> None:
    """Which partnership frameworks and programmes a country was in during a year."""
    from stabilis.cli.main import emit_json

    registry = _registry(ctx)
    frames = registry.frameworks_during(country.upper(), year)
    programmes = registry.programmes_during(country.upper(), year)
    if as_json:
        emit_json(
            {"frameworks": _records(frames), "programmes": _records(programmes)},
            country=country.upper(),
            year=year,
            member=registry.is_member(country.upper(), year),
        )
        return
    member = registry.is_member(country.upper(), year)
    typer.echo(f"{country.upper()} in {year}: {'NATO member' if member else 'not a NATO member'}")
    cols = [
        c for c in ("framework", "joined_date", "left_date", "status", "confidence") if c in frames
    ]
    _show_frame(frames[cols], title="Partnership frameworks")
    cols = [
        c
        for c in ("programme", "milestone", "start_date", "end_date", "confidence")
        if c in programmes
    ]
    _show_frame(programmes[cols], title="Programmes")


@app.command("members")
def members(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="Members during this year."),
    as_json: bool = JSON_OPT,
) -> None:
    """NATO members in a year."""
    from stabilis.cli.main import emit_json

    codes = _registry(ctx).members(year)
    if as_json:
        emit_json(codes, year=year, count=len(codes))
    else:
        typer.echo(f"{len(codes)} members in {year}: {' '.join(codes)}")


@app.command("partners")
def partners(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="Partners during this year."),
    framework: str | None = typer.Option(
        None, "--framework", help="pfp, eapc, md, ici or global (default: any)."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """NATO partners in a year (countries in a framework that are not members)."""
    from stabilis.cli.main import emit_json

    codes = _registry(ctx).partners(year, framework=framework)
    if as_json:
        emit_json(codes, year=year, framework=framework, count=len(codes))
    else:
        typer.echo(f"{len(codes)} partners in {year}: {' '.join(codes)}")


@app.command("operations")
def operations(
    ctx: typer.Context,
    year: int | None = typer.Option(None, "--year", help="Only operations active this year."),
    as_json: bool = JSON_OPT,
) -> None:
    """NATO-led operations (one row per host country), or the country-years under them."""
    from stabilis.cli.main import emit_json

    registry = _registry(ctx)
    if year is not None:
        frame = registry.operations_during(year)
        cols = [
            c
            for c in ("operation", "kind", "iso3", "start_date", "end_date", "confidence")
            if c in frame
        ]
    else:
        frame = registry.operation_country_years(unknown_end="start_year")
        cols = ["iso3", "year", "operation_code", "kind"]
    if as_json:
        emit_json(_records(frame[cols]), rows=len(frame))
    else:
        _show_frame(frame[cols], limit=None if year is not None else 100)
