"""``stabilis impact ...``: case studies, staggered DiD and event studies from the shell."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of

if TYPE_CHECKING:
    from stabilis.workspace import ImpactService
from stabilis.cli.data import JSON_OPT, _records, _show_frame
from stabilis.errors import QueryError

app = typer.Typer(
    help="Impact of partnerships, programmes and operations: synthetic control and staggered DiD.",
    no_args_is_help=True,
)


def _service(ctx: typer.Context) -> ImpactService:
    return workspace_of(ctx).impact


@app.command("list")
def list_cases(
    ctx: typer.Context,
    all_outcomes: bool = typer.Option(
        False, "--all-outcomes", help="One row per case and outcome, not only the headline."
    ),
    no_run: bool = typer.Option(
        False, "--no-run", help="Show only stored results; do not compute missing ones."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """The case studies with each one's verdict, headline estimate, interval and p-value.

    The headline is a case's first outcome. Results are computed once per warehouse state and
    kept (so the first listing takes a while, later ones are instant).
    """
    from stabilis.cli.context import emit_json

    table = _service(ctx).headlines(compute=not no_run)
    if not all_outcomes:
        table = table.drop_duplicates("case", keep="first")
    if as_json:
        emit_json(_records(table), count=len(table))
        return
    _echo_verdicts(table)
    typer.echo("\nDetails and every diagnostic: stabilis impact run CASE")


def _fmt(value: Any, digits: int = 3) -> str:
    import math

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:+.{digits}f}" if digits == 3 else f"{value:.{digits}f}"


def _short(reason: Any) -> str:
    """The first clause of each reason (before any parenthesis), for one-line tables."""
    if not isinstance(reason, str) or not reason:
        return ""
    import re

    # Reasons are "headline (detail)"; details may contain "; " inside their parentheses.
    depth, parts, current = 0, [], ""
    for char in reason:
        depth += (char == "(") - (char == ")")
        current += char
        if depth == 0 and current.endswith("; "):
            parts.append(current[:-2])
            current = ""
    parts.append(current)
    return "; ".join(re.sub(r" \(.*$", "", p.strip()) for p in parts if p.strip())


def _echo_verdicts(table: Any) -> None:
    """Plain lines, verdict first: case, outcome, estimate [interval], p, short reason."""
    rows = []
    for r in table.to_dict(orient="records"):
        interval = (
            f"[{_fmt(r.get('lower'))}, {_fmt(r.get('upper'))}]"
            if r.get("lower") is not None and r.get("lower") == r.get("lower")
            else "-"
        )
        rows.append(
            (
                _verdict_text(r["verdict"]),
                str(r["case"]),
                str(r["outcome"])
                + (
                    f" [{r['arm']}]"
                    if isinstance(r.get("arm"), str) and r["arm"] != "synthetic control"
                    else ""
                ),
                _fmt(r.get("estimate")),
                interval,
                _fmt(r.get("p_value"), 2),
                _short(r.get("reason")),
            )
        )
    head = ("VERDICT", "CASE", "OUTCOME", "ESTIMATE", "INTERVAL", "P", "REASON")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(6)]
    for row in [head, *rows]:
        typer.echo(
            "  ".join(c.ljust(w) for c, w in zip(row[:6], widths, strict=True)) + "  " + row[6]
        )


def _verdict_text(verdict: Any) -> str:
    from stabilis.report.rules import display

    return display(str(verdict)) if isinstance(verdict, str) else ""


def _looks_like_file(text: str) -> bool:
    from pathlib import Path

    return text.endswith((".toml", ".TOML")) or Path(text).is_file()


@app.command("register")
def register_case(
    ctx: typer.Context,
    file: str = typer.Argument(..., help="A TOML case file (see docs/impact.md)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Pre-register a case file: store it with its sha256 and a timestamp before its first run."""
    from pathlib import Path

    from stabilis.cli.context import emit_json

    record = _service(ctx).register(Path(file))
    if as_json:
        emit_json(record.to_dict())
        return
    if record.new:
        typer.echo(
            f"Registered case '{record.id}' version {record.version} at {record.registered_at} "
            f"(sha256 {record.sha256}). Run it with: stabilis impact run {file}"
        )
    else:
        typer.echo(
            f"Case '{record.id}' with this content was already registered (version "
            f"{record.version}, {record.registered_at}, sha256 {record.sha256}); nothing changed."
        )


@app.command("run")
def run_case(
    ctx: typer.Context,
    case: str = typer.Argument(
        ...,
        help="A case id from 'stabilis impact list' (e.g. kosovo-1999) or a registered TOML case file.",
    ),
    outcome: list[str] = typer.Option(
        [], "--outcome", "-o", help="Only this outcome (repeatable)."
    ),
    method: str | None = typer.Option(
        None, "--method", help="abadie or augmented (default: the case's)."
    ),
    no_inference: bool = typer.Option(
        False, "--no-inference", help="Skip the placebo refits (faster)."
    ),
    panel: str | None = typer.Option(
        None, "--panel", help="Run on this CSV or Parquet panel instead of the warehouse."
    ),
    unit: str = typer.Option("iso3", "--unit", help="The panel's unit column (with --panel)."),
    time: str = typer.Option("year", "--time", help="The panel's year column (with --panel)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Run one case study: its verdict first, then the estimate with inference per outcome,
    or the reason there is none."""
    from pathlib import Path

    from stabilis.cli.context import emit_json

    if method is not None and method not in ("abadie", "augmented"):
        raise QueryError(f"--method must be abadie or augmented, not '{method}'.")
    ws = workspace_of(ctx)
    service = ws.impact
    spec = service.registered_file(Path(case)) if _looks_like_file(case) else service.case(case)
    frame = panel_id = None
    if panel is not None:
        variables = [*(outcome or spec.outcomes), *(p.variable for p in spec.predictors)]
        frame, panel_id = ws.read_case_panel(panel, unit, time, list(dict.fromkeys(variables)))
    elif unit != "iso3" or time != "year":
        raise QueryError("--unit and --time name the columns of a --panel file; give --panel too.")
    result = service.run_spec(
        spec,
        outcomes=outcome or None,
        method=method,
        inference=not no_inference,
        panel=frame,
        unit=unit,
        time=time,
        panel_id=panel_id or "",
    )
    if as_json:
        emit_json(result.to_dict(), case=spec.id)
        return
    typer.echo(result.summary())
    typer.echo("")
    table = result.table()
    table = table.assign(verdict=table["verdict"].map(_verdict_text))
    _show_frame(table.drop(columns=["reason"]), title="Results (verdict first)")


@app.command("did")
def did_command(
    ctx: typer.Context,
    treatment: str = typer.Option(..., "--treatment", "-t", help="pfp, map, ipap or dcb."),
    outcome: str = typer.Option(..., "--outcome", "-o", help="An indicator, e.g. vdem.v2x_libdem."),
    control: str = typer.Option(
        "notyet", "--control", help="notyet (not-yet-treated + never) or never."
    ),
    years: str | None = typer.Option(
        None, "--years", help="Panel years FIRST-LAST (default per treatment, e.g. ipap 1998-2024)."
    ),
    anticipation: int = typer.Option(
        0, "--anticipation", help="Years of anticipation before the start."
    ),
    compare: bool = typer.Option(
        True, "--compare/--no-compare", help="Also fit the Sun & Abraham event study."
    ),
    aggregation: str = typer.Option(
        "dynamic", "--aggregation", help="dynamic (event time), group, calendar or simple."
    ),
    balance_e: int | None = typer.Option(
        None, "--balance-e", help="Dynamic only: cohorts observed this many years after treatment."
    ),
    honest_mbar: list[float] = typer.Option(
        [],
        "--honest-mbar",
        help="Honest DiD: robust interval under relative magnitudes at this Mbar (repeatable).",
    ),
    honest_m: list[float] = typer.Option(
        [],
        "--honest-m",
        help="Honest DiD: robust interval under smoothness at this M (repeatable).",
    ),
    honest_e: int | None = typer.Option(
        None,
        "--honest-e",
        help="Honest DiD target: this event time (default: the average of event times 0-4).",
    ),
    breakdown: bool = typer.Option(
        False,
        "--breakdown",
        help="Also compute the honest-DiD breakdown Mbar when the verdict does not need it.",
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Staggered difference-in-differences (Callaway & Sant'Anna) for a registry programme."""
    from stabilis.cli.context import emit_json

    service = _service(ctx)
    from stabilis.workspace import parse_years

    span = parse_years(years, "--years")
    result = service.did(treatment, outcome, control=control, years=span, anticipation=anticipation)
    from stabilis.report.rules import AGGREGATIONS

    if aggregation not in AGGREGATIONS:
        raise QueryError(
            f"--aggregation must be one of {', '.join(AGGREGATIONS)}, not '{aggregation}'."
        )
    table, overall = result.aggregate(aggregation, balance_e=balance_e)  # type: ignore[arg-type]  # checked above
    sunab = service.event_study(treatment, outcome, years=span) if compare else None
    sensitivity = []
    if honest_mbar:
        sensitivity.append(result.honest("rm", m=honest_mbar, e=honest_e))
    if honest_m:
        sensitivity.append(result.honest("sd", m=honest_m, e=honest_e))
    if as_json:
        data = result.to_dict(breakdown=breakdown)
        data["aggregation"] = {
            "kind": aggregation,
            "balance_e": balance_e,
            "table": _records(table),
            "overall": overall,
        }
        data["plot_spec"] = result.plot_spec()
        if sunab is not None:
            data["sun_abraham"] = sunab.to_dict()
        data["sensitivity"] = [h.to_dict() for h in sensitivity]
        emit_json(data, treatment=treatment, outcome=outcome)
        return
    typer.echo(result.summary(breakdown=breakdown))
    typer.echo("")
    if aggregation == "simple":
        typer.echo(f"Simple aggregation: ATT {overall['att']:+.4f} (SE {overall['se']:.4f}).")
    else:
        _show_frame(table, title=f"Aggregation: {aggregation} (Callaway & Sant'Anna)")
        typer.echo(
            f"Overall ({aggregation}): {overall['att']:+.4f} (SE {overall['se']:.4f}, "
            f"p = {overall['p_value']:.3f})."
        )
    for honest in sensitivity:
        typer.echo("")
        typer.echo(honest.summary())
    if sunab is not None:
        typer.echo("")
        typer.echo(sunab.summary())
