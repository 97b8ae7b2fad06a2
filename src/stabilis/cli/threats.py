"""``stabilis threats ...``: hybrid threats over :class:`stabilis.threats.ThreatService`.

Definitions are in docs/threats.md; the support audit and the resilience scorecard moved to
``stabilis.cli.alliance``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from stabilis.cli.data import JSON_OPT, _parse_years, _records, _show_frame

threats_app = typer.Typer(
    help="Hybrid threats: cyber operations, disinformation, event streams, profiles, alerts.",
    no_args_is_help=True,
)


def _service(ctx: typer.Context) -> Any:
    return ctx.obj.workspace().threats


def _show(frame: Any, title: str | None = None, limit: int | None = None) -> None:
    """Show a frame with missing values (NaN, pd.NA) as blanks."""
    _show_frame(frame.astype(object).where(frame.notna(), None), title=title, limit=limit)


@threats_app.command("profile")
def profile(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. EST."),
    years: str | None = typer.Option(None, "--years", "-y", help="Year range, e.g. 2010-2021."),
    as_json: bool = JSON_OPT,
) -> None:
    """A country's threat profile: cyber, disinformation and event signals, alerts, provenance."""
    from stabilis.cli.main import emit_json

    result = _service(ctx).profile(country, _parse_years(years))
    if as_json:
        emit_json(
            {
                "summary": result.summary(),
                "yearly": _records(result.yearly),
                "cyber_incidents": _records(result.cyber_incidents),
                "cyber_initiators": _records(result.cyber_initiators),
                "disinfo_keywords": _records(result.disinfo_keywords),
                "alerts": _records(result.alerts),
                "provenance": _records(result.provenance),
            },
            iso3=result.iso3,
        )
        return
    summary = result.summary()
    status = summary["status"]
    role = (
        f"NATO member since {status['member_since']}"
        if status["member_since"]
        else "partner (" + ", ".join(status["partner_frameworks_now"]) + ")"
        if status["partner_frameworks_now"]
        else "neither member nor partner"
    )
    typer.echo(f"{result.name} ({result.iso3}): {role}")
    shown = result.yearly.dropna(
        how="all", subset=[c for c in result.yearly.columns if c != "year"]
    )
    _show(shown, title="Hostile signals per year (blank = outside the source's coverage)")
    _show(result.cyber_initiators, title="Cyber operations by initiator (DCID)")
    _show(result.disinfo_keywords, title="Disinformation keywords (EUvsDisinfo)")
    if len(result.alerts):
        _show(
            result.alerts[["signal", "period", "value", "baseline_median", "z", "evidence_total"]],
            title="Alerts",
        )
    _show(result.provenance[["signal", "snapshot", "release", "sha256"]], title="Provenance")
    for note in result.notes:
        typer.secho(note, fg=typer.colors.YELLOW)


@threats_app.command("alerts")
def alerts(
    ctx: typer.Context,
    since: int = typer.Option(..., "--since", help="First year to list alerts for, e.g. 2020."),
    countries: str | None = typer.Option(
        None,
        "--countries",
        "-c",
        help="Comma-separated ISO3 codes (default: members and partners).",
    ),
    evidence: int = typer.Option(3, "--evidence", help="Evidence items to show per alert."),
    as_json: bool = JSON_OPT,
) -> None:
    """Signals that jumped well above their own history (robust z-score >= 3.5), with evidence."""
    from stabilis.cli.main import emit_json
    from stabilis.threats.alerts import MONTHLY, YEARLY

    codes = [c.strip() for c in countries.split(",")] if countries else None
    frame = _service(ctx).alerts(since, codes, evidence=evidence)
    if as_json:
        emit_json(
            _records(frame),
            since=since,
            count=len(frame),
            rules={"monthly": MONTHLY.as_dict(), "yearly": YEARLY.as_dict()},
        )
        return
    typer.echo(f"Monthly rule: {MONTHLY.describe()}.")
    typer.echo(f"Yearly rule: {YEARLY.describe()}.")
    if frame.empty:
        typer.echo(f"No alerts since {since}.")
        return
    _show(
        frame[["signal", "iso3", "role", "period", "value", "baseline_median", "z"]],
        title=f"{len(frame)} alerts since {since}",
    )
    for row in frame.itertuples(index=False):
        typer.echo(f"\n{row.signal} {row.iso3} {row.period}: {row.evidence_total} items, e.g.")
        for item in row.evidence[:evidence]:
            label = item.get("title") or item.get("name") or item
            typer.echo(f"  - {label}")


@threats_app.command("events")
def events(
    ctx: typer.Context,
    files: list[Path] = typer.Argument(..., help="Unzipped GDELT 2.0 *.export.CSV files."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (default) or spark."),
    spark_master: str | None = typer.Option(
        None, "--spark-master", help="Spark master: local[N] or a cluster URL (spark://...)."
    ),
    save: bool = typer.Option(True, "--save/--no-save", help="Keep the result for profiles."),
    as_json: bool = JSON_OPT,
) -> None:
    """Aggregate GDELT event files into hostile events per country-month and -year."""
    from stabilis.cli.main import emit_json

    signal = _service(ctx).events(files, engine=engine, spark_master=spark_master, save=save)
    if as_json:
        emit_json(
            {"yearly": _records(signal.yearly), "unmatched": _records(signal.unmatched)},
            **signal.summary(),
        )
        return
    summary = signal.summary()
    typer.echo(
        f"{summary['hostile_events_matched']:,} hostile events against "
        f"{summary['countries']} countries ({summary['country_months']} country-months) on "
        f"{signal.engine}; {summary['hostile_events_unmatched']:,} had a target code that "
        "names no member or partner."
    )
    _show(signal.yearly.drop(columns=["goldstein_sum", "tone_sum"]), limit=40)


@threats_app.command("cyber")
def cyber(
    ctx: typer.Context,
    countries: str | None = typer.Option(None, "--countries", "-c", help="ISO3 codes."),
    years: str | None = typer.Option(None, "--years", "-y", help="Year range, e.g. 2014-2021."),
    incidents: bool = typer.Option(False, "--incidents", help="List the incidents instead."),
    as_json: bool = JSON_OPT,
) -> None:
    """Cyber operations per target country-year (DCID), or the incidents behind them."""
    from stabilis.cli.main import emit_json

    codes = [c.strip().upper() for c in countries.split(",")] if countries else None
    service = _service(ctx)
    span = _parse_years(years)
    frame = service.cyber_incidents(codes, span) if incidents else service.cyber(codes, span)
    if as_json:
        emit_json(_records(frame), rows=len(frame))
    else:
        _show(frame, limit=60)
