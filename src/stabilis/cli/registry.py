"""``stabilis registry ...``: the alliance registry from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of

if TYPE_CHECKING:
    from stabilis.workspace import Registry
from stabilis.cli.data import JSON_OPT, _records, _show_frame

app = typer.Typer(
    help="NATO members, partnerships, programmes and operations.", no_args_is_help=True
)


def _registry(ctx: typer.Context) -> Registry:
    return workspace_of(ctx).registry


def _this_year() -> int:
    from datetime import UTC, datetime

    return datetime.now(UTC).year


STATUS_HELP = "The year (default: this year); statuses are those that held in it."


@app.command("frameworks")
def frameworks(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. GEO."),
    year: int | None = typer.Option(None, "--year", help=STATUS_HELP),
    as_json: bool = JSON_OPT,
) -> None:
    """Which partnership frameworks and programmes a country was in during a year.

    Each row shows the status that held in that year, how well it is sourced (UNVERIFIED,
    second-tier only, other, preferred) and its provenance (the registry release or the edit
    id that added or corrected it).
    """
    from stabilis.cli.context import emit_json

    ws = workspace_of(ctx)
    code = ws.check_country(country)
    when = year if year is not None else _this_year()
    registry = ws.registry
    frames = registry.frameworks_during(code, when)
    programmes = registry.programmes_during(code, when)
    member = registry.is_member(code, when)
    if as_json:
        emit_json(
            {"frameworks": _records(frames), "programmes": _records(programmes)},
            country=code,
            year=when,
            member=member,
            registry_version=registry.version.version,
        )
        return
    typer.echo(f"{code} in {when}: {'NATO member' if member else 'not a NATO member'}")
    cols = ["id", "framework", "joined_date", "left_date", "status_as_of", "evidence", "provenance"]
    _show_frame(
        frames[cols].rename(columns={"status_as_of": f"status in {when}"}),
        title="Partnership frameworks",
    )
    cols = [
        "id",
        "programme",
        "milestone",
        "start_date",
        "end_date",
        "status_as_of",
        "evidence",
        "provenance",
    ]
    _show_frame(
        programmes[cols].rename(columns={"status_as_of": f"status in {when}"}), title="Programmes"
    )
    unverified = int(frames["unverified"].sum() + programmes["unverified"].sum())
    if unverified:
        typer.echo(f"{unverified} row(s) UNVERIFIED: placeholders, not confirmed facts.")


@app.command("records")
def records_command(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. MDA."),
    year: int | None = typer.Option(None, "--year", help=STATUS_HELP),
    as_json: bool = JSON_OPT,
) -> None:
    """Every registry row about a country (membership, frameworks, programmes, operations)."""
    from stabilis.cli.context import emit_json

    ws = workspace_of(ctx)
    when = year if year is not None else _this_year()
    frame = ws.registry_records(country, when)
    cols = [
        "table",
        "id",
        "label",
        "detail",
        "shape",
        "start_date",
        "end_date",
        "status_as_of",
        "evidence",
        "provenance",
    ]
    if as_json:
        emit_json(
            _records(frame.drop(columns=["start_first", "end_last"], errors="ignore")),
            country=country.upper(),
            year=when,
            rows=len(frame),
        )
        return
    shown = frame[[c for c in cols if c in frame]] if len(frame) else frame
    _show_frame(
        shown.rename(columns={"status_as_of": f"status in {when}"}),
        title=f"{country.upper()}: registry records as of {when}",
    )


@app.command("members")
def members(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="Members during this year."),
    as_json: bool = JSON_OPT,
) -> None:
    """NATO members in a year."""
    from stabilis.cli.context import emit_json

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
    from stabilis.cli.context import emit_json

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
    from stabilis.cli.context import emit_json

    registry = _registry(ctx)
    if year is not None:
        frame = registry.operations_during(year)
        cols = [
            c
            for c in (
                "operation",
                "kind",
                "iso3",
                "start_date",
                "end_date",
                "status_as_of",
                "evidence",
                "provenance",
            )
            if c in frame
        ]
    else:
        frame = registry.operation_country_years(unknown_end="start_year")
        cols = ["iso3", "year", "operation_code", "kind"]
    if as_json:
        emit_json(_records(frame[cols]), rows=len(frame))
    else:
        _show_frame(frame[cols], limit=None if year is not None else 100)


# -- analyst edits ----------------------------------------------------------------------------


def _fields(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"'{pair}' is not COLUMN=VALUE.", param_hint="--field")
        key, value = pair.split("=", 1)
        out[key.strip()] = value.strip()
    return out


def _show_edit(edit: dict[str, Any]) -> None:
    typer.echo(
        f"{edit['edit_id']} [{edit['status']}, revision {edit['revision']}] {edit['action']} "
        f"{edit['table']}{' ' + edit['row_id'] if edit['row_id'] else ''} by {edit['proposer']}"
    )
    for key, value in edit["fields"].items():
        typer.echo(f"  {key} = {value}")
    typer.echo(f"  note: {edit['note']}")
    if edit.get("reviewer"):
        typer.echo(
            f"  reviewed by {edit['reviewer']} at {edit['reviewed_at']}: "
            f"{edit.get('review_note') or ''}"
        )


@app.command("propose")
def propose(
    ctx: typer.Context,
    table: str = typer.Option(
        ..., "--table", help="members, partnerships, programmes or operations."
    ),
    field: list[str] = typer.Option(
        [], "--field", help="COLUMN=VALUE, repeatable (e.g. --field start_date=2025-06)."
    ),
    source: list[str] = typer.Option(
        [], "--source", help="A source address (repeatable; at least one for a new fact)."
    ),
    note: str = typer.Option(..., "--note", help="Why: what the source says, what changes."),
    row_id: str = typer.Option("", "--row-id", help="Correct this row instead of adding one."),
    user: str = typer.Option(..., "--user", help="Your user name (analyst or above)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Propose a new registry fact, or a correction of one row, for an editor to review."""
    from stabilis.cli.context import emit_json
    from stabilis.cli.users import signed_in

    ws = workspace_of(ctx)
    fields = _fields(field)
    if source:
        fields["source"] = " | ".join(s.strip() for s in source)
    edit = ws.edits.propose(
        signed_in(ctx, user), table=table, fields=fields, note=note, row_id=row_id
    )
    if as_json:
        emit_json(edit)
        return
    typer.echo(
        f"Proposed {edit['edit_id']}; an editor can approve it with "
        f"'stabilis registry approve {edit['edit_id']} --user NAME'."
    )


@app.command("review")
def review(
    ctx: typer.Context,
    status: str = typer.Option("proposed", "--status", help="proposed, approved, rejected or all."),
    as_json: bool = JSON_OPT,
) -> None:
    """List edits waiting for review (or with another status)."""
    from stabilis.cli.context import emit_json

    edits = workspace_of(ctx).edits.list_edits(None if status == "all" else status)
    if as_json:
        emit_json(edits, count=len(edits))
        return
    if not edits:
        typer.echo(f"No {status} edits.")
    for edit in edits:
        _show_edit(edit)


def _decide(
    ctx: typer.Context, edit_id: str, user: str, note: str, decision: str, revision: int | None
) -> None:
    from stabilis.cli.users import signed_in

    ws = workspace_of(ctx)
    edit = ws.edits.review(
        signed_in(ctx, user), edit_id, decision=decision, revision=revision, note=note
    )
    typer.echo(
        f"{edit['edit_id']} {edit['status']}."
        + (
            " It enters the registry at the next 'stabilis build'."
            if edit["status"] == "approved"
            else ""
        )
    )


@app.command("approve")
def approve(
    ctx: typer.Context,
    edit_id: str = typer.Argument(..., help="The edit id, e.g. E-3."),
    user: str = typer.Option(..., "--user", help="Your user name (editor or admin)."),
    note: str = typer.Option("", "--note", help="Optional review note."),
    revision: int | None = typer.Option(
        None, "--revision", help="The revision you reviewed (refused if it changed since)."
    ),
) -> None:
    """Approve a proposed edit; it enters the registry at the next build."""
    _decide(ctx, edit_id, user, note, "approve", revision)


@app.command("reject")
def reject(
    ctx: typer.Context,
    edit_id: str = typer.Argument(..., help="The edit id, e.g. E-3."),
    user: str = typer.Option(..., "--user", help="Your user name (editor or admin)."),
    note: str = typer.Option(..., "--note", help="Why it is rejected."),
    revision: int | None = typer.Option(None, "--revision", help="The revision you reviewed."),
) -> None:
    """Reject a proposed edit (it stays in the store, with the reason)."""
    _decide(ctx, edit_id, user, note, "reject", revision)
