"""``stabilis forecast``: early-warning forecasts (run, backtest, explain, list, score, whatif,
changes, calibration, targets)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of
from stabilis.cli.data import JSON_OPT, _records, _show_frame

if TYPE_CHECKING:
    from stabilis.workspace import ForecastService

app = typer.Typer(
    help="Early warning: two-year forecasts of democratic opening/closing and instability.",
    no_args_is_help=True,
)

OUT_OPT = typer.Option(
    None, "--out", help="Write every forecast as CSV in the Barometer's layout (+ iso3, intervals)."
)
ARCHIVE_OPT = typer.Option(
    True, "--archive/--no-archive", help="Store the forecasts in the archive (data_dir/forecasts)."
)
RELEASE_OPT = typer.Option(
    "v15",
    "--vdem-release",
    help="V-Dem high-level indices from release v15 (the warehouse's) or v14 (the lite "
    "snapshot's): issue the same forecast on both and 'forecast changes' shows the revision.",
)
OUTCOME_OPT = typer.Option(
    [], "--outcome", "-o", help="Only this outcome (repeatable), e.g. electoral_down, coup_attempt."
)


def _service(ctx: typer.Context, **config: Any) -> ForecastService:
    """The workspace's forecast service, configured with ``config`` (ForecastConfig fields)."""
    return workspace_of(ctx, forecast=config).forecasts


def _write(frame: Any, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, float_format="%.6g")
    typer.echo(f"Wrote {len(frame):,} rows to {out}")


@app.command()
def run(
    ctx: typer.Context,
    as_of: int | None = typer.Option(
        None,
        "--as-of",
        help="Use data dated up to this year only (default: the latest year any source "
        "measures; sources ending earlier are carried forward).",
    ),
    out: Path | None = OUT_OPT,
    outcome: list[str] = OUTCOME_OPT,
    archive: bool = ARCHIVE_OPT,
    vdem_release: str = RELEASE_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Forecast the two years after --as-of for every country, with intervals and factors."""
    service = _service(ctx) if vdem_release == "v15" else _service(ctx, vdem_release=vdem_release)
    result = service.run(as_of=as_of, outcomes=outcome or None, archive=archive)
    if out:
        _write(result.barometer(), out)
    if as_json:
        emit_json(_records(result.forecasts), **result.info)
        return
    if not out:
        # The terminal shows the largest probabilities; the full layout is for --out.
        top = result.forecasts.sort_values("p", ascending=False, kind="stable").head(15)
        years = f"{result.info['as_of'] + 1}-{result.info['as_of'] + 2}"
        _show_frame(
            top[["iso3", "country", "outcome", "p", "lower", "upper"]].reset_index(drop=True),
            title=f"The 15 largest of {len(result.forecasts):,} probabilities for {years}",
        )
        typer.echo(
            "Every forecast: --out FILE.csv; one country's drivers: stabilis forecast explain "
            "ISO3 --space SPACE; risks within a group: stabilis forecast list --group GROUP."
        )
    if "interval" in result.info:
        typer.echo(f"Intervals: {result.info['interval']['basis']}.")
    for lag in result.info.get("lagged", []):
        typer.echo(
            f"Carried forward to {result.info['as_of']}: {len(lag['indicators'])} {lag['source']} "
            f"indicator(s) ending in {lag['last_year']} (lag {lag['lag_years']})."
        )
    if "archive_id" in result.info:
        typer.echo(f"Archived as {result.info['archive_id']}.")


@app.command()
def backtest(
    ctx: typer.Context,
    first: int = typer.Option(2005, "--from", help="First origin year."),
    last: int | None = typer.Option(None, "--to", help="Last origin year (default: latest)."),
    model: str = typer.Option("lgbm", "--model", help="lgbm (default) or logit (baseline)."),
    out: Path | None = OUT_OPT,
    outcome: list[str] = OUTCOME_OPT,
    archive: bool = ARCHIVE_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Honest walk-forward backtest: each origin learns only from targets observed by then."""

    def told(done: int, total: int, origin: int) -> None:
        if not as_json:
            typer.echo(f"  origin {origin} done ({done} of {total})", err=True)

    if not as_json:
        typer.echo("Walk-forward backtest: each origin is fitted in a worker process.", err=True)
    result = _service(ctx, model=model).backtest(
        first, last, outcomes=outcome or None, archive=archive, progress=told
    )
    if out:
        _write(result.barometer(), out)
    if as_json:
        emit_json(
            {
                "scores": _records(result.scores()),
                "scores_by_outcome": _records(result.scores(by=("outcome",))),
                "calibration": _records(result.calibration()),
            },
            seconds=result.seconds,
            **result.info,
        )
        return
    typer.echo(result.summary())
    if "archive_id" in result.info:
        typer.echo(f"Archived as {result.info['archive_id']}.")


@app.command()
def explain(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. UKR."),
    space: str = typer.Option(
        ...,
        "--space",
        help="electoral, associational, individual, informational, governing or economic.",
    ),
    as_of: int | None = typer.Option(None, "--as-of", help="Origin year (default: latest)."),
    top: int = typer.Option(10, "--top", help="How many factors per direction."),
    as_json: bool = JSON_OPT,
) -> None:
    """The factors behind a country's opening and closing forecasts in one space."""
    frame = _service(ctx).explain(country, space, as_of=as_of, top=top)
    if as_json:
        emit_json(_records(frame))
        return
    for direction, part in frame.groupby("direction", sort=False):
        row = part.iloc[0]
        typer.echo(
            f"{row['country']} ({row['iso3']}) {row['space']} {direction} within "
            f"{row['as_of'] + 1}-"
            f"{row['as_of'] + 2}: p = {row['p']:.3f}. Largest contributions (log-odds):"
        )
        _show_frame(part[["label", "value", "contribution", "sentence", "feature"]])
    source = frame["archive_id"].iloc[0] if "archive_id" in frame.columns else None
    typer.echo(
        f"From archive entry {source}."
        if isinstance(source, str)
        else "Fitted now: the archive holds no live run with drivers for this origin."
    )


@app.command("list")
def list_(
    ctx: typer.Context,
    group: str | None = typer.Option(
        None,
        "--group",
        help="A group name (all = every country, nato, partners, members_and_partners, pfp, ...; each one described at GET /api/v1/groups).",
    ),
    top: int = typer.Option(20, "--top", help="How many countries."),
    as_of: int | None = typer.Option(None, "--as-of", help="Origin year (default: latest)."),
    outcome: str | None = typer.Option(
        None,
        "--outcome",
        help="Rank by one outcome (default: the highest closing/instability risk).",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Countries with the highest forecast risk of closing or instability."""
    frame = _service(ctx).top(group=group, n=top, as_of=as_of, outcome=outcome)
    if as_json:
        emit_json(_records(frame), group=group, as_of=as_of)
        return
    year = frame["as_of"].iloc[0] if len(frame) else as_of
    _show_frame(
        frame[["iso3", "country", "outcome", "p", "lower", "upper", "drivers"]],
        title=f"Highest risks{f' among {group}' if group else ''}, origin {year}",
    )


@app.command()
def score(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """Rescore every archived forecast against the targets in the warehouse now."""
    frame = _service(ctx).score()
    if as_json:
        emit_json(_records(frame))
        return
    if frame.empty:
        typer.echo("The archive is empty; issue forecasts with 'stabilis forecast run'.")
        return
    _show_frame(
        frame.drop(columns=["issued_with", "scored_against"], errors="ignore"),
        title="Archived forecasts against realised targets",
    )
    for entry_id, text in frame.groupby("archive_id", sort=False)["issued_with"].first().items():
        typer.echo(f"{entry_id} issued with {text}")
    if len(frame) and "scored_against" in frame.columns:
        typer.echo(f"Scored against the targets coded now from {frame['scored_against'].iloc[0]}.")


@app.command()
def calibration(
    ctx: typer.Context,
    bins: int = typer.Option(10, "--bins", help="Equal-width probability bins (2-50)."),
    as_json: bool = JSON_OPT,
) -> None:
    """How often forecasts of each size came true (the newest archived backtest)."""
    frame = _service(ctx).calibration(bins)
    if as_json:
        emit_json(_records(frame))
        return
    if frame.empty:
        typer.echo(
            "No archived forecast has a realised outcome yet; archive past forecasts with "
            "'stabilis forecast backtest'."
        )
        return
    first = frame.iloc[0]
    shown = frame[frame["count"] > 0]
    _show_frame(
        shown[["direction", "lower", "upper", "mean_predicted", "observed_rate", "count"]],
        title=f"Calibration of archive entry {first['archive_id']} ({first['kind']})",
    )
    for direction, verdict in frame.groupby("direction", sort=True)["verdict"].first().items():
        typer.echo(f"{direction}: {verdict}")


@app.command()
def changes(
    ctx: typer.Context,
    old: str | None = typer.Option(None, "--old", help="Archive id of the earlier run."),
    new: str | None = typer.Option(None, "--new", help="Archive id of the later run (newest)."),
    min_change: float = typer.Option(0.01, "--min-change", help="Smallest move listed."),
    as_json: bool = JSON_OPT,
) -> None:
    """Forecasts and targets that changed because a source was revised (not the model)."""
    found = _service(ctx).changes(old, new, min_change=min_change)
    if as_json:
        emit_json(
            {"forecasts": _records(found["forecasts"]), "targets": _records(found["targets"]),
             "revised": found["revised"]},
            **{k: found[k] for k in ("old", "new", "as_of", "same_code", "same_settings",
                                     "verdict", "targets_source")},
        )  # fmt: skip
        return
    typer.echo(f"Archive entries {found['old']} -> {found['new']} (origin {found['as_of']}).")
    for item in found["revised"]:
        typer.echo(
            f"Revised: {item['source']} {item['before']} -> {item['after']} "
            f"({len(item['indicators'])} indicators: {', '.join(item['indicators'][:6])})"
        )
    typer.echo(found["verdict"])
    if len(found["forecasts"]):
        _show_frame(
            found["forecasts"][["iso3", "country", "outcome", "p_before", "p_after", "change",
                                "revised_inputs"]],
            title="Forecasts that moved", limit=25,
        )  # fmt: skip
    targets = found["targets"]
    typer.echo(
        f"Targets revised since they were archived: {len(targets)} "
        f"(coded now from {found['targets_source']})."
    )
    if len(targets):
        _show_frame(targets, title="Realised targets that changed", limit=25)


@app.command()
def whatif(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. GEO."),
    changes: list[str] = typer.Option(
        [],
        "--set",
        help="CODE=VALUE, repeatable: a signed value changes the input (v2x_jucon=-0.1), an "
        "unsigned one sets it (nato.ipap=0).",
    ),
    as_of: int | None = typer.Option(
        None, "--as-of", help="Origin of the archived run to use (default: the newest)."
    ),
    outcome: list[str] = OUTCOME_OPT,
    top: int = typer.Option(3, "--top", help="Moved drivers shown per outcome."),
    as_json: bool = JSON_OPT,
) -> None:
    """A scenario: the archived live forecast recomputed with changed inputs (no refit)."""
    scenario = _service(ctx).whatif(country, changes, as_of=as_of, outcomes=outcome or None,
                                    top=top)  # fmt: skip
    if as_json:
        emit_json(
            {"changes": _records(scenario.changes), "outcomes": _records(scenario.outcomes),
             "drivers": _records(scenario.drivers)},
            iso3=scenario.iso3, as_of=scenario.as_of, archive_id=scenario.archive_id,
        )  # fmt: skip
        return
    typer.echo(scenario.summary())
    shown = scenario.outcomes.sort_values("change", key=abs, ascending=False)
    _show_frame(
        shown[["outcome", "p_before", "p_after", "change", "change_lower", "change_upper"]],
        title="Change in each outcome's probability (interval: 10th-90th percentile over the "
        "ensemble's members)",
    )
    if len(scenario.drivers):
        _show_frame(
            scenario.drivers[["outcome", "label", "value_before", "value_after", "change"]],
            title="Drivers that moved (change in contribution, log-odds)",
        )


@app.command()
def targets(
    ctx: typer.Context,
    tie_rule: str = typer.Option("float", "--tie-rule", help="float, above or at_or_above."),
    as_json: bool = JSON_OPT,
) -> None:
    """Check the coded ERT-lite targets against the Barometer's published lists."""
    agreement = _service(ctx, tie_rule=tie_rule).target_agreement()
    if as_json:
        emit_json(
            {"compared": agreement.compared, "agreeing": agreement.agreeing,
             "agreement": agreement.agreement,
             "disagreements": _records(agreement.disagreements)},
            tie_rule=tie_rule,
        )  # fmt: skip
        return
    typer.echo(agreement.summary())


def emit_json(data: Any, **meta: Any) -> None:
    from stabilis.cli.context import emit_json as emit

    emit(data, **meta)
