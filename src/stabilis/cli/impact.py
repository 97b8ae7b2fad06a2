"""``stabilis impact ...``: case studies, staggered DiD and event studies from the shell."""

from __future__ import annotations

from typing import Any

import typer

from stabilis.cli.data import JSON_OPT, _records, _show_frame
from stabilis.errors import QueryError

app = typer.Typer(
    help="Impact of partnerships, programmes and operations: synthetic control and staggered DiD.",
    no_args_is_help=True,
)


def _service(ctx: typer.Context) -> Any:
    return ctx.obj.workspace().impact


def _years(text: str) -> tuple[int, int]:
    try:
        first, last = (int(part) for part in text.split("-"))
    except ValueError as exc:
        raise QueryError(f"Write the years as FIRST-LAST, e.g. 1990-2024 (got '{text}').") from exc
    if first > last:
        raise QueryError(f"The year range {text} is reversed; give the earlier year first.")
    return first, last


@app.command("list")
def list_cases(ctx: typer.Context, as_json: bool = JSON_OPT) -> None:
    """The pre-registered case studies (run one with 'stabilis impact run ID')."""
    from stabilis.cli.main import emit_json

    table = _service(ctx).cases()
    if as_json:
        emit_json(_records(table), count=len(table))
    else:
        _show_frame(table, title="Impact case studies")


@app.command("run")
def run_case(
    ctx: typer.Context,
    case_id: str = typer.Argument(
        ..., help="A case id from 'stabilis impact list', e.g. kosovo-1999."
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
    as_json: bool = JSON_OPT,
) -> None:
    """Run one case study: an estimate with inference per outcome, or the reason there is none."""
    from stabilis.cli.main import emit_json

    if method is not None and method not in ("abadie", "augmented"):
        raise QueryError(f"--method must be abadie or augmented, not '{method}'.")
    result = _service(ctx).run_case(
        case_id, outcomes=outcome or None, method=method, inference=not no_inference
    )
    if as_json:
        emit_json(result.to_dict(), case=case_id)
        return
    typer.echo(result.summary())
    typer.echo("")
    _show_frame(result.tidy().drop(columns=["reason"]), title="Results")


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
    as_json: bool = JSON_OPT,
) -> None:
    """Staggered difference-in-differences (Callaway & Sant'Anna) for a registry programme."""
    from stabilis.cli.main import emit_json

    service = _service(ctx)
    span = _years(years) if years else None
    result = service.did(treatment, outcome, control=control, years=span, anticipation=anticipation)
    sunab = service.event_study(treatment, outcome, years=span) if compare else None
    if as_json:
        data = result.to_dict()
        data["plot_spec"] = result.plot_spec()
        if sunab is not None:
            data["sun_abraham"] = sunab.to_dict()
        emit_json(data, treatment=treatment, outcome=outcome)
        return
    typer.echo(result.summary())
    typer.echo("")
    _show_frame(result.tidy(), title="Event study (Callaway & Sant'Anna)")
    if sunab is not None:
        typer.echo("")
        typer.echo(sunab.summary())
