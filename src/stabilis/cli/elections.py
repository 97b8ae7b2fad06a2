"""``stabilis elections ISO3``: a country's elections, their integrity and interference around them.

A thin command over ``ws.threats.elections``; definitions are in
docs/threats.md ("Elections").
"""

from __future__ import annotations

from typing import Any

import typer

from stabilis.cli.context import workspace_of
from stabilis.cli.data import JSON_OPT, _records, _show_frame


def _show(frame: Any, title: str | None = None, limit: int | None = None) -> None:
    _show_frame(frame.astype(object).where(frame.notna(), None), title=title, limit=limit)


def elections(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. UKR."),
    since: int = typer.Option(2000, "--since", help="First election year shown."),
    as_json: bool = JSON_OPT,
) -> None:
    """A country's elections: PEI scores, V-Dem items, V-Party, cyber incidents, disinformation."""
    from stabilis.cli.context import emit_json
    from stabilis.report.rules import status_text

    record = workspace_of(ctx).threats.elections(country)
    shown = record.elections[record.elections["year"] >= since]
    if as_json:
        emit_json(
            {
                "elections": _records(shown),
                "parties": _records(record.parties[record.parties["year"] >= since]),
                "cyber_incidents": _records(record.cyber),
            },
            **record.meta(),
        )
        return
    typer.echo(f"{record.name} ({record.iso3}): {len(shown)} national elections since {since}")
    table = shown[["date", "year", "office", "round", "known_from"]].copy()
    table["pei"] = shown["pei_index"].round(1)
    for column in ("intimidation", "irregularities", "vote_buying", "free_fair", "clean_elections"):
        table[column] = shown[column].round(2)
    table["cyber"] = [
        status_text(v, s)
        for v, s in zip(shown["cyber_incidents"], shown["cyber_status"], strict=True)
    ]
    table["disinfo"] = [
        status_text(v, s)
        for v, s in zip(shown["disinfo_cases"], shown["disinfo_status"], strict=True)
    ]
    _show(
        table,
        title="Elections: PEI index (0-100), V-Dem election items (latent scale, higher = "
        "cleaner; clean elections 0-1), cyber incidents and disinfo cases around each",
    )
    pei = shown[shown["pei_index"].notna()]
    if len(pei):
        from stabilis.report.rules import PEI_DIMENSIONS

        _show(
            pei[
                ["date", "office", "pei_index", "pei_index_lci", "pei_index_hci", *PEI_DIMENSIONS]
            ].round(1),
            title="PEI 7.0 dimensions (0-100)",
        )
    if len(record.cyber):
        _show(
            record.cyber[["election_date", "start_date", "name", "receiver_category_subcode"]],
            title="Cyber incidents against election bodies and parties (EuRepoC 1.1)",
        )
    latest = record.parties[record.parties["year"] >= since]
    if len(latest):
        last = latest["election_date"].max()
        _show(
            latest[latest["election_date"] == last].round(2),
            title=f"V-Party: parties in the legislative election of {last}",
        )
    for item in record.next_expected:
        flag = "UPCOMING" if item["upcoming"] else "next"
        typer.echo(
            f"{flag} {item['office']} election expected {item['expected_year']}: {item['basis']}."
        )
    if not record.next_expected:
        typer.echo("Upcoming election: not known (no staged file lists scheduled elections).")
    for note in record.notes:
        typer.secho(note, fg=typer.colors.YELLOW)
