"""``stabilis threats ...``: hybrid threats over the workspace's threat service (``ws.threats``).

Definitions are in docs/threats.md; the support audit and the resilience scorecard moved to
``stabilis.cli.alliance``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of

if TYPE_CHECKING:
    from stabilis.workspace import ThreatService
from stabilis.cli.data import JSON_OPT, _records, _show_frame

threats_app = typer.Typer(
    help="Hybrid threats: cyber operations, disinformation, event streams, profiles, alerts.",
    no_args_is_help=True,
)


def _service(ctx: typer.Context) -> ThreatService:
    return workspace_of(ctx).threats


def _parse_years(text: str | None, option: str) -> tuple[int, int] | None:
    from stabilis.workspace import parse_years  # lazily: 'stabilis --help' stays light

    return parse_years(text, option)


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
    from stabilis.cli.context import emit_json

    result = _service(ctx).profile(country, _parse_years(years, "--years"))
    if as_json:
        emit_json(
            {
                "summary": result.meta(),
                "yearly": _records(result.yearly),
                "cyber_incidents": _records(result.cyber_incidents),
                "coverage": result.coverage,
                "cyber_initiators": _records(result.cyber_initiators),
                "disinfo_keywords": _records(result.disinfo_keywords),
                "alerts": _records(result.alerts),
                "provenance": _records(result.provenance),
            },
            iso3=result.iso3,
        )
        return
    summary = result.meta()
    status = summary["status"]
    role = (
        f"NATO member since {status['member_since']}"
        if status["member_since"]
        else "partner (" + ", ".join(status["partner_frameworks_now"]) + ")"
        if status["partner_frameworks_now"]
        else "neither member nor partner"
    )
    typer.echo(f"{result.name} ({result.iso3}): {role}")
    shown = result.display_yearly()
    if (shown["hostile_events"] == "").all():
        shown = shown.drop(columns=["hostile_events"])
    _show(shown, title="Hostile signals per year ('not covered' = outside the source's coverage)")
    inc = result.cyber_incidents
    if len(inc):
        _show(
            inc[["start_date", "name", "initiators", "sources", "type"]],
            title=f"Cyber incidents ({len(inc)}; sources per record, duplicates merged)",
            limit=40,
        )
    _show(result.cyber_initiators, title="Cyber incidents by initiator")
    _show(result.disinfo_keywords, title="Disinformation keywords (EUvsDisinfo)")
    if len(result.alerts):
        _show(
            result.alerts[["signal", "period", "value", "baseline_median", "z", "evidence_total"]],
            title="Alerts",
        )
    typer.echo("Coverage:")
    for line in result.coverage:
        typer.echo(f"  {line}")
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
    from stabilis.cli.context import emit_json
    from stabilis.report.rules import MONTHLY, YEARLY

    codes = [c.strip() for c in countries.split(",")] if countries else None
    frame = _service(ctx).alerts(since, codes, evidence=evidence)
    if as_json:
        emit_json(
            _records(frame),
            since=since,
            count=len(frame),
            rules={"monthly": MONTHLY.to_dict(), "yearly": YEARLY.to_dict()},
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
        items: list[Any] = list(row.evidence)  # type: ignore[arg-type]  # a list per alert
        for item in items[:evidence]:
            label = item.get("title") or item.get("name") or item
            extra = f" [{item['sources']}]" if item.get("sources") else ""
            typer.echo(f"  - {label}{extra}")


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
    from stabilis.cli.context import emit_json

    signal = _service(ctx).events(files, engine=engine, spark_master=spark_master, save=save)
    if as_json:
        emit_json(
            {"yearly": _records(signal.yearly), "unmatched": _records(signal.unmatched)},
            **signal.meta(),
        )
        return
    summary = signal.meta()
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
    from stabilis.cli.context import emit_json

    codes = [c.strip().upper() for c in countries.split(",")] if countries else None
    service = _service(ctx)
    span = _parse_years(years, "--years")
    frame = service.cyber_incidents(codes, span) if incidents else service.cyber(codes, span)
    if as_json:
        emit_json(_records(frame), rows=len(frame))
    else:
        _show(frame, limit=60)


@threats_app.command("incidents")
def incidents(
    ctx: typer.Context,
    countries: str | None = typer.Option(None, "--countries", "-c", help="ISO3 codes."),
    years: str | None = typer.Option(None, "--years", "-y", help="Year range, e.g. 2014-2023."),
    matches: bool = typer.Option(False, "--matches", help="Show the deduplication figures."),
    as_json: bool = JSON_OPT,
) -> None:
    """Cyber incidents reconciled across DCID, EuRepoC and CFR, with the source(s) of each."""
    from stabilis.cli.context import emit_json
    from stabilis.report.rules import CLOSE_DAYS, MATCH_DAYS

    service = _service(ctx)
    if matches:
        report = service.match_report()
        meta: dict[str, Any] = {
            **{str(k): v for k, v in report.attrs.items()},
            "close_days": CLOSE_DAYS,
            "match_days": MATCH_DAYS,
        }
        if as_json:
            emit_json(_records(report), **meta)
            return
        _show(report, title="Records per source and how many the matching rule joined")
        typer.echo(
            f"{meta['incidents']:,} incidents after matching; {meta['multi_source']:,} of them "
            f"from more than one source. Rule: same target, a shared initiator, and start dates "
            f"at most {CLOSE_DAYS} days apart (not the 1st of a month) or at most {MATCH_DAYS} "
            "days apart with a shared distinctive name word."
        )
        return
    codes = [c.strip().upper() for c in countries.split(",")] if countries else None
    frame = service.cyber_records(codes, _parse_years(years, "--years"))
    if as_json:
        emit_json(_records(frame), rows=len(frame))
        return
    _show(frame[["target_iso3", "start_date", "name", "initiators", "sources", "type"]], limit=60)


@threats_app.command("coverage")
def coverage(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. MDA."),
    years: str | None = typer.Option(None, "--years", "-y", help="Year range, e.g. 2000-2023."),
    as_json: bool = JSON_OPT,
) -> None:
    """Which source covers a country in which year: covered, partial or not covered."""
    from stabilis.cli.context import emit_json

    span = _parse_years(years, "--years") or (2000, 2023)
    frame = _service(ctx).coverage([country], span)
    wide = frame.pivot(index="year", columns="source", values="status").reset_index()
    if as_json:
        emit_json(_records(frame), iso3=country.upper())
        return
    _show(wide, title=f"Coverage of {country.upper()} per source and year")


@threats_app.command("backtest")
def backtest(
    ctx: typer.Context,
    first: int = typer.Option(2000, "--first", help="First year of the run."),
    last: int = typer.Option(2023, "--last", help="Last year of the run."),
    as_json: bool = JSON_OPT,
) -> None:
    """The alert rule over the staged history: alerts per year and the known episodes flagged."""
    from stabilis.cli.context import emit_json

    result = _service(ctx).alert_backtest(first, last)
    if as_json:
        emit_json(
            {"per_year": _records(result.per_year), "episodes": _records(result.episodes)},
            **result.meta(),
        )
        return
    _show(result.per_year, title=f"Alerts per year, {first}-{last} (all countries)")
    _show(result.episodes, title="Known episodes: flagged in the year or the next, and when")


@threats_app.command("support")
def external_support(
    ctx: typer.Context,
    country: str | None = typer.Option(None, "--country", "-c", help="Location ISO3 code."),
    as_json: bool = JSON_OPT,
) -> None:
    """States backing armed non-state actors fighting in a member or partner (UCDP ESD, to 2017)."""
    from stabilis.cli.context import emit_json

    frame = _service(ctx).external_support(country)
    if as_json:
        emit_json(_records(frame), rows=len(frame))
        return
    summary = (
        frame.groupby(["location_iso3", "supporter_iso3"])
        .agg(
            first_year=("year", "min"),
            last_year=("year", "max"),
            years=("year", "nunique"),
            actors=("actor_name", lambda s: "; ".join(sorted(set(s)))),
        )
        .reset_index()
        .sort_values(["years", "location_iso3"], ascending=[False, True])
    )
    _show(summary, title="State support to armed non-state actors (UCDP ESD 18.1)", limit=60)
