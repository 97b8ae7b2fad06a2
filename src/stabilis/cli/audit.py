"""``stabilis audit ...``: the append-only log of every write, and the edits store's backups."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from stabilis.cli.context import workspace_of
from stabilis.cli.data import JSON_OPT, _show_frame
from stabilis.cli.users import address, operator

app = typer.Typer(
    help="The audit log of every write; back up and restore the edits store.",
    no_args_is_help=True,
)


@app.command("log")
def log(
    ctx: typer.Context,
    limit: int = typer.Option(50, "--limit", help="How many entries, newest first."),
    as_json: bool = JSON_OPT,
) -> None:
    """Who did what, when, from where, with the values before and after."""
    import pandas as pd

    from stabilis.cli.context import emit_json

    entries = workspace_of(ctx).edits.audit_entries(limit=limit)
    if as_json:
        emit_json(entries, count=len(entries))
        return
    frame = pd.DataFrame(
        entries, columns=["id", "at", "actor", "action", "subject", "address", "before", "after"]
    )
    for column in ("before", "after"):
        frame[column] = [
            "" if v is None else json.dumps(v, ensure_ascii=False)[:80] for v in frame[column]
        ]
    _show_frame(frame, title=f"Audit log (newest {len(entries)})")


@app.command("backup")
def backup(
    ctx: typer.Context,
    target: Path = typer.Argument(..., help="File to write, e.g. edits-2026-12-01.sqlite."),
) -> None:
    """Back up users, edits, notes and the audit log to one file (safe while serving)."""
    ws = workspace_of(ctx)
    path = ws.backup_edits(target)
    typer.echo(f"Backed up the edits store to {path}.")


@app.command("restore")
def restore(
    ctx: typer.Context,
    source: Path = typer.Argument(..., help="A file written by 'stabilis audit backup'."),
) -> None:
    """Replace the edits store with a backup (checked first; the restore itself is audited)."""
    ws = workspace_of(ctx)
    who = operator()
    counts = ws.restore_edits(source, actor=who.username, address=address())
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    typer.echo(f"Restored {source}: {summary}. Run 'stabilis build' to apply its approved edits.")
