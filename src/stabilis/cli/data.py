"""Data commands: pull, build, summary, panel, indicators, countries, sources, quality."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of

if TYPE_CHECKING:
    from stabilis.workspace import Workspace
from stabilis.errors import QueryError

JSON_OPT = typer.Option(False, "--json", help="Print a JSON envelope for scripts.")
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="Print nothing but errors.")


@contextmanager
def _progress(enabled: bool, label: str) -> Iterator[Any]:
    """A rich progress bar on stderr, or nothing (for --quiet, --json and pipes)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn(f"[bold]{label}[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("", total=None)

        def update(step: str, done: int, total: int) -> None:
            bar.update(task, description=step, completed=done, total=total)

        yield update


def _show_frame(frame: Any, title: str | None = None, limit: int | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    shown = frame.head(limit) if limit else frame
    table = Table(title=title, show_lines=False)
    for column in shown.columns:
        table.add_column(str(column))
    for row in shown.itertuples(index=False):
        table.add_row(
            *["" if _isna(v) else (_number(v) if isinstance(v, float) else str(v)) for v in row]
        )
    Console().print(table)
    if limit and len(frame) > limit:
        typer.echo(f"... {len(frame) - limit} more rows (use --format csv to get them all)")


def _number(value: float) -> str:
    """A readable number: 17,180 (never 1.718e+04), 0.8412, 12.35."""
    if value.is_integer():
        return f"{value:,.0f}"
    if abs(value) >= 1000:
        return f"{value:,.1f}"
    text = f"{value:.4g}"
    return f"{value:.6f}".rstrip("0") if "e" in text else text


def _isna(value: Any) -> bool:
    try:
        return bool(value != value) or value is None  # NaN or None
    except (TypeError, ValueError):
        return False


def _records(frame: Any) -> list[dict[str, Any]]:
    from stabilis.workspace import records

    return records(frame)


def _materialise(ws: Workspace, progress: Any) -> None:
    """Keep the default country profiles and the map's cross-sections of this build as files
    (``<data_dir>/cache/api/``), so a server's first request for each is a file read."""
    from stabilis.api.app import read_cache
    from stabilis.api.maps import materialise as materialise_maps
    from stabilis.api.profiles import materialise as materialise_profiles

    cache = read_cache(ws)
    ws.keep_open()
    try:
        if progress:
            progress("country profiles", 0, 2)
        materialise_profiles(ws, cache)
        if progress:
            progress("map cross-sections", 1, 2)
        materialise_maps(ws, cache)
        if progress:
            progress("done", 2, 2)
    finally:
        ws.keep_open(False)


def register(app: typer.Typer) -> None:
    from stabilis.cli.context import emit_json

    @app.command()
    def pull(
        ctx: typer.Context,
        source: list[str] = typer.Option(
            [], "--source", "-s", help="Only this source (repeatable)."
        ),
        quiet: bool = QUIET_OPT,
        as_json: bool = JSON_OPT,
    ) -> None:
        """Fetch every source's files into snapshots with provenance sidecars."""
        ws = workspace_of(ctx)
        with _progress(not quiet and not as_json and sys.stderr.isatty(), "pull") as bar:
            results = ws.pull(source or None, progress=bar)
        data = [r.as_dict() for r in results]
        if as_json:
            emit_json(data, mirror=ws.settings.mirror, data_dir=str(ws.settings.data_dir))
        elif not quiet:
            new = sum(r.status == "new" for r in results)
            origin = ws.settings.mirror or "official addresses"
            typer.echo(
                f"Pulled {len(results)} files from {origin}: {new} new snapshots, "
                f"{len(results) - new} unchanged. Snapshots: {ws.settings.snapshot_dir}"
            )

    @app.command()
    def build(
        ctx: typer.Context,
        full: bool = typer.Option(False, "--full", help="Rebuild every step from scratch."),
        accept_shrink: list[str] = typer.Option(
            [],
            "--accept-shrink",
            metavar="SOURCE",
            help="Accept that this source now holds fewer rows, countries or years than the "
            "warehouse (a genuine change by the producer); recorded in the build log. Repeatable.",
        ),
        quiet: bool = QUIET_OPT,
        as_json: bool = JSON_OPT,
    ) -> None:
        """Build the DuckDB warehouse from the pulled snapshots (incremental and atomic)."""
        ws = workspace_of(ctx)
        with _progress(not quiet and not as_json and sys.stderr.isatty(), "build") as bar:
            report = ws.build(full=full, progress=bar, accept_shrink=accept_shrink)
        with _progress(not quiet and not as_json and sys.stderr.isatty(), "materialise") as bar:
            _materialise(ws, bar)
        if as_json:
            emit_json(report.as_dict())
            return
        if quiet:
            return
        built = [s for s in report.steps if s.status == "built"]
        if not report.changed:
            typer.echo(f"Nothing changed; the warehouse is up to date ({report.warehouse}).")
            return
        typer.echo(
            f"Built {len(built)} of {len(report.steps)} steps in {report.seconds:.1f} s "
            f"-> {report.warehouse}"
        )
        for step in report.steps:
            for what in step.accepted_shrink:
                typer.secho(
                    f"Accepted a shrink of '{step.step}' (--accept-shrink): {what}; recorded "
                    "in the build log.",
                    fg=typer.colors.YELLOW,
                )
        unexplained = sum(s.unexplained for s in report.steps)
        if unexplained:
            typer.secho(
                f"{unexplained} source rows matched no country and are not explained; "
                "see 'stabilis quality --unexplained'.",
                fg=typer.colors.YELLOW,
            )

    @app.command()
    def summary(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
        """Summarise what the warehouse holds: sources, indicators, countries, quality."""
        import pandas as pd

        info = workspace_of(ctx).summary()
        if as_json:
            emit_json(info)
            return
        t = info["totals"]
        typer.echo(f"Warehouse {info['warehouse']} (built {info['built_at']})")
        typer.echo(
            f"{t['countries']} countries, {t['indicators']} indicators, "
            f"{t['indicator_values']:,} values over {t['country_years']:,} country-years; "
            f"{t['unmatched_rows']:,} source rows without a country "
            f"({t['unexplained_rows']} unexplained)."
        )
        _show_frame(pd.DataFrame(info["sources"]), title="Sources loaded")

    @app.command()
    def panel(
        ctx: typer.Context,
        indicators: str = typer.Option(
            ...,
            "--indicators",
            "-i",
            help="Comma-separated indicator codes, e.g. vdem.v2x_polyarchy,fh.total_reversed.",
        ),
        countries: str | None = typer.Option(
            None,
            "--countries",
            "-c",
            help="A group (all, nato, partners, members_and_partners, pfp, ...; GET /api/v1/groups describes each) or comma-separated ISO3 codes or names.",
        ),
        years: str | None = typer.Option(
            None, "--years", "-y", help="Year range FIRST-LAST, e.g. 1990-2024."
        ),
        fmt: str = typer.Option(
            "table",
            "--format",
            "-f",
            help="table, csv, parquet, json or datapackage (a zip: CSV + datapackage.json).",
        ),
        out: Path | None = typer.Option(
            None, "--out", "-o", help="Write to this file instead of stdout."
        ),
        bounds: bool = typer.Option(
            False, "--bounds", help="Add <code>.lower/<code>.upper where the producer has them."
        ),
    ) -> None:
        """Print or save a country-year panel of indicators, with its citations.

        Files carry their sources: Parquet in its key-value metadata, a CSV file a companion
        NAME.datapackage.json beside it, a datapackage zip its datapackage.json, JSON its meta.
        """
        from stabilis.report import provenance
        from stabilis.report.exports import panel_with_bounds
        from stabilis.workspace import parse_years

        year_range = parse_years(years, "--years")
        codes = [c.strip() for c in indicators.split(",") if c.strip()]
        ws = workspace_of(ctx)
        if bounds:
            frame = panel_with_bounds(ws, codes, countries=countries, years=year_range)
        else:
            frame = ws.panel(codes, countries=countries, years=year_range)
        query = {"indicators": codes, "countries": countries or "all", "years": year_range}
        cited = provenance.for_indicators(ws, codes, query)
        if fmt == "table":
            _show_frame(frame, limit=None if out else 60)
        elif fmt == "csv":
            if out:
                companion = provenance.write_csv(frame, out, cited)
                typer.echo(f"Citations: {companion}", err=True)
            else:
                frame.to_csv(sys.stdout, index=False)
                typer.echo(
                    "Sources: " + "; ".join(cited.names()) + ". For the citations, write a "
                    "file (--out FILE.csv adds FILE.datapackage.json) or use --format "
                    "datapackage.",
                    err=True,
                )
        elif fmt in ("parquet", "datapackage"):
            if out is None:
                raise QueryError(f"{fmt} is binary: give a file with --out FILE.")
            writer = provenance.write_parquet if fmt == "parquet" else provenance.write_package
            writer(frame, out, cited)
        elif fmt == "json":
            emit_json(
                _records(frame), rows=len(frame), indicators=codes, provenance=cited.to_dict()
            )
        else:
            raise QueryError(
                f"Unknown format '{fmt}'; use table, csv, parquet, json or datapackage."
            )
        if out:
            typer.echo(f"Wrote {len(frame)} rows to {out}", err=True)

    indicators_app = typer.Typer(help="Indicator codes and their metadata.", no_args_is_help=True)
    countries_app = typer.Typer(
        help="The canonical country table and groups.", no_args_is_help=True
    )
    sources_app = typer.Typer(help="Source specs and snapshots.", no_args_is_help=True)
    app.add_typer(indicators_app, name="indicators")
    app.add_typer(countries_app, name="countries")
    app.add_typer(sources_app, name="sources")

    @indicators_app.command("list")
    def indicators_list(
        ctx: typer.Context,
        source: str | None = typer.Option(None, "--source", help="Only this source."),
        search: str | None = typer.Option(None, "--search", help="Text in the code or label."),
        as_json: bool = JSON_OPT,
    ) -> None:
        """List indicator codes with label, source, scale and direction."""
        frame = workspace_of(ctx).indicators(source=source, search=search)
        if as_json:
            emit_json(_records(frame), rows=len(frame))
        else:
            _show_frame(
                frame[["indicator", "label", "source", "scale", "higher_is_better"]], limit=200
            )

    @countries_app.command("list")
    def countries_list(
        ctx: typer.Context,
        group: str | None = typer.Option(
            None,
            "--group",
            "-g",
            help="A group name (all = every country, nato, partners, members_and_partners, pfp, ...; each one described at GET /api/v1/groups).",
        ),
        year: int | None = typer.Option(
            None, "--year", help="Membership in this year (default: this year)."
        ),
        as_json: bool = JSON_OPT,
    ) -> None:
        """List countries (optionally a group's members in a year)."""
        frame = workspace_of(ctx).countries(group=group, year=year)
        if as_json:
            emit_json(_records(frame), rows=len(frame))
        else:
            cols = [
                c for c in ("iso3", "name", "gwcode", "cowcode", "vdem_id", "region") if c in frame
            ]
            _show_frame(frame[cols])

    @sources_app.command("list")
    def sources_list(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
        """List every source: producer, release, licence and official address."""
        frame = workspace_of(ctx).sources()
        if as_json:
            emit_json(_records(frame), rows=len(frame))
        else:
            _show_frame(frame[["source", "file", "producer", "release", "licence"]])
            unchecked = sorted(set(frame.loc[frame["licence_to_check"], "source"]))
            if unchecked:
                typer.secho(
                    "Licence to check before redistribution: " + ", ".join(unchecked) + ".",
                    fg=typer.colors.YELLOW,
                )

    @sources_app.command("snapshots")
    def sources_snapshots(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
        """List the snapshots the warehouse was built from, with checksums."""
        frame = workspace_of(ctx).snapshots()
        if as_json:
            emit_json(_records(frame), rows=len(frame))
        else:
            frame = frame.assign(sha256=frame["sha256"].str[:12])
            _show_frame(frame[["source", "file_key", "release", "retrieved_at", "sha256", "size"]])

    @app.command()
    def quality(
        ctx: typer.Context,
        unexplained: bool = typer.Option(
            False, "--unexplained", help="Only rows nobody has explained."
        ),
        source: str | None = typer.Option(None, "--source", help="Only this source."),
        as_json: bool = JSON_OPT,
    ) -> None:
        """The quality report: source rows without a country, and superseded rows."""
        frame = workspace_of(ctx).quality(unexplained_only=unexplained, source=source)
        if as_json:
            emit_json(_records(frame), rows=len(frame))
            return
        if frame.empty:
            typer.echo("No quality issues.")
            return
        grouped = (
            frame.groupby(["source", "file", "issue", "name", "code", "reason"], dropna=False)
            .agg(rows=("row", "count"), first_row=("row", "min"))
            .reset_index()
            .sort_values(["source", "rows"], ascending=[True, False])
        )
        _show_frame(grouped, title=f"{len(frame)} source rows", limit=200)
