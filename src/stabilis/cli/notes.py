"""``stabilis notes ...``: analysts' notes on a country, a forecast or an impact case."""

from __future__ import annotations

import typer

from stabilis.cli.context import workspace_of
from stabilis.cli.data import JSON_OPT, _show_frame
from stabilis.cli.users import signed_in

app = typer.Typer(help="Notes on countries, forecasts and impact cases.", no_args_is_help=True)


def _subject(country: str | None, forecast: str | None, impact_case: str | None) -> tuple[str, str]:
    given = [
        (k, v)
        for k, v in (("country", country), ("forecast", forecast), ("impact_case", impact_case))
        if v
    ]
    if len(given) != 1:
        raise typer.BadParameter("Give exactly one of --country, --forecast or --impact-case.")
    kind, value = given[0]
    return kind, value.upper() if kind == "country" else value


@app.command("add")
def add(
    ctx: typer.Context,
    text: str = typer.Argument(..., help="The note (plain text; shown escaped)."),
    user: str = typer.Option(..., "--user", help="Your user name (analyst or above)."),
    country: str | None = typer.Option(None, "--country", help="ISO3 code, e.g. MDA."),
    forecast: str | None = typer.Option(None, "--forecast", help="ISO3:target, e.g. MDA:coup."),
    impact_case: str | None = typer.Option(None, "--impact-case", help="An impact case id."),
) -> None:
    """Attach a note to a country, a forecast or an impact case."""
    ws = workspace_of(ctx)
    kind, subject = _subject(country, forecast, impact_case)
    if kind == "country":
        subject = ws.check_country(subject)
    note = ws.edits.add_note(signed_in(ctx, user), subject_kind=kind, subject_id=subject, body=text)
    typer.echo(f"Note {note['id']} added to {kind} {subject}.")


@app.command("list")
def list_notes(
    ctx: typer.Context,
    country: str | None = typer.Option(None, "--country"),
    forecast: str | None = typer.Option(None, "--forecast"),
    impact_case: str | None = typer.Option(None, "--impact-case"),
    as_json: bool = JSON_OPT,
) -> None:
    """List notes (all, or one subject's)."""
    import pandas as pd

    from stabilis.cli.context import emit_json

    kind, subject = (None, None)
    if country or forecast or impact_case:
        kind, subject = _subject(country, forecast, impact_case)
    notes = workspace_of(ctx).edits.notes(kind, subject)
    if as_json:
        emit_json(notes, count=len(notes))
        return
    columns = ["id", "subject_kind", "subject_id", "author", "created_at", "body"]
    _show_frame(pd.DataFrame(notes, columns=columns), title=f"{len(notes)} notes")
