"""``stabilis support|resilience ...``: the support audit, burden-sharing, the resilience scorecard.

Two sub-apps over the workspace's ``ws.alliance``: ``support_app`` (group
``support``) and ``resilience_app`` (group ``resilience``). Definitions are in docs/alliance.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from stabilis.cli.context import workspace_of

if TYPE_CHECKING:
    from stabilis.workspace import AllianceService
from stabilis.cli.data import JSON_OPT, _records, _show_frame
from stabilis.errors import QueryError

support_app = typer.Typer(
    help="The support audit (resources given against need) and burden-sharing among members.",
    no_args_is_help=True,
)
resilience_app = typer.Typer(
    help="The resilience scorecard: NATO's seven baseline requirements.", no_args_is_help=True
)


def _service(ctx: typer.Context) -> AllianceService:
    return workspace_of(ctx).alliance


def _show(frame: Any, title: str | None = None, limit: int | None = None) -> None:
    """Show a frame with missing values (NaN, pd.NA) as blanks."""
    _show_frame(frame.astype(object).where(frame.notna(), None), title=title, limit=limit)


def _weights(items: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise QueryError(
                f"'{item}' is not a weight; write NAME=NUMBER, e.g. conflict=2 or allied_troops=0."
            )
    return out


@support_app.command("audit")
def audit(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="The year to audit, e.g. 2019."),
    weight: list[str] = typer.Option(
        [], "--weight", "-w", help="Override a weight, e.g. -w conflict=2 -w allied_troops=0."
    ),
    as_json: bool = JSON_OPT,
) -> None:
    """Rank recipients by resources given relative to need; components, Lorenz/Gini, sensitivity."""
    from stabilis.cli.context import emit_json
    from stabilis.report.rules import COMPONENTS, NEED_WEIGHTS, sanity

    given = _weights(weight)
    need = {k: v for k, v in given.items() if k in NEED_WEIGHTS}
    support = {k: v for k, v in given.items() if k not in NEED_WEIGHTS}
    result = _service(ctx).support_audit(year, support, need)
    cases = sanity(result)
    if as_json:
        emit_json(
            {
                "recipients": _records(result.table()),
                "lorenz": _records(result.lorenz),
                "sensitivity": _records(result.sensitivity),
                "leave_one_out": _records(result.leave_one_out),
                "sanity": _records(cases),
            },
            **result.meta(),
        )
        return
    s = result.meta()
    used = s["components_used"]
    shares = [f"{k}_share" for k in used]
    short = {"operation_personnel": "ops", "allied_troops": "US troops", "exercises": "exerc.",
             "programme_amounts": "amounts", "us_assistance": "US aid", "programme_participation": "progr."}  # fmt: skip
    table = result.table()[
        [
            "iso3",
            "rank",
            "support_per_need",
            "support",
            "need_share",
            *shares,
            "rank_best",
            "rank_worst",
        ]
    ]
    table = table.rename(
        columns={
            "support_per_need": "S/need",
            "support": "S",
            "need_share": "need",
            "rank_best": "best",
            "rank_worst": "worst",
            **{f"{k}_share": short[k] for k in used},
        }
    )
    _show(
        table.round(2),
        title=f"Support relative to need, {year} (S and components: shares of the year; rank 1 = most)",
    )
    typer.echo(
        f"Composite: {s['unit']}; weights "
        + ", ".join(f"{k} {s['weights']['support'][k]:g}" for k in used)
        + "."
    )
    for comp in COMPONENTS:
        typer.echo(f"  {comp.key} ({comp.unit}): {s['coverage'][comp.key]}")
    typer.echo(
        f"Gini of support against need: {s['gini_support_vs_need']:.3f} (0 = proportional to need); "
        f"over every weight setting and left-out component {s['gini_range'][0]:.3f}-{s['gini_range'][1]:.3f}."
    )
    typer.echo(
        f"Sensitivity over {len(result.sensitivity)} settings: Spearman with the default ranking "
        f"min {s['spearman_min']:.3f}, median {s['spearman_median']:.3f}."
    )
    typer.echo("Most support relative to need:")
    for code in s["most_support_relative_to_need"]:
        typer.echo(f"  {code}: {s['why'][code]}")
    typer.echo("Least support relative to need:")
    for code in s["least_support_relative_to_need"]:
        typer.echo(f"  {code}: {s['why'][code]}")
    if not cases.empty:
        typer.echo("Cases a reader checks first:")
        for row in cases.itertuples():
            typer.echo(f"  {row.case} ({row.iso3}): {row.verdict}; {row.why}")
    if s["recipients_excluded"]:
        typer.echo(
            "Excluded (no need data): " + ", ".join(e["iso3"] for e in s["recipients_excluded"])
        )
    typer.echo(f"Threat exposure: {s['threat_exposure']}")


@support_app.command("history")
def history(
    ctx: typer.Context,
    first: int = typer.Option(1995, "--first", help="First year."),
    last: int = typer.Option(2024, "--last", help="Last year."),
    as_json: bool = JSON_OPT,
) -> None:
    """Who received most and least relative to need over the years (median ratio, years in top/bottom 5)."""
    from stabilis.cli.context import emit_json

    panel, per = _service(ctx).support_over_time(first, last)
    if as_json:
        emit_json({"years": _records(panel), "recipients": _records(per)}, first=first, last=last)
        return
    _show(per.round(3), title=f"Support relative to need, {first}-{last}")
    ginis = panel.drop_duplicates("year")[["year", "gini"]]
    typer.echo(
        "Gini per year: "
        + ", ".join(f"{int(y)} {g:.2f}" for y, g in zip(ginis["year"], ginis["gini"], strict=True))
    )


@support_app.command("burden")
def burden(
    ctx: typer.Context,
    year: int = typer.Option(..., "--year", help="Year, 2014-2024 (NATO's tables)."),
    as_json: bool = JSON_OPT,
) -> None:
    """Members against the 2 % (defence expenditure/GDP) and 20 % (equipment) guidelines."""
    from stabilis.cli.context import emit_json

    result = _service(ctx).burden(year)
    s = result.meta()
    if as_json:
        emit_json(_records(result.table()), **s)
        return
    names = {"defexp_share_gdp": "% GDP", "status": "status", "gap_to_2_percent_pp": "gap pp",
             "equipment_share": "equip. %", "meets_20_percent_equipment": "equip. >= 20", "sipri_share_gdp": "SIPRI % GDP",
             "nato_minus_sipri_pp": "NATO-SIPRI", "sipri_estimate": "SIPRI est."}  # fmt: skip
    est = " (NATO estimates)" if s["nato_figures_are_estimates"] else ""
    table = result.table()[["iso3", *names]].rename(columns=names).round(2)
    _show(table, title=f"Burden-sharing {year}{est}: defence expenditure, % of GDP, against 2 %")
    typer.echo(
        f"{s['meeting_2_percent']} of {s['members_with_nato_figures']} members with NATO figures meet 2 %; "
        f"{s['meeting_20_percent_equipment']} meet 20 % on equipment. "
        f"SIPRI differs by more than {s['difference_threshold_pp']} pp for: {', '.join(s['sipri_differs']) or 'none'}."
    )
    typer.echo(f"Sources: {s['sources']}.")


@support_app.command("position")
def position(
    ctx: typer.Context,
    country: str = typer.Argument(..., help="ISO3 code, e.g. UKR."),
    year: int = typer.Option(..., "--year", help="Year, e.g. 2019."),
    as_json: bool = JSON_OPT,
) -> None:
    """One country's support position: rank, every component, need."""
    from stabilis.cli.context import emit_json

    out = _service(ctx).support_position(country, year)
    if as_json:
        emit_json(out)
        return
    if not out["ranked"]:
        typer.echo(f"{out['iso3']} is not ranked in {year}: {out['reason']}.")
        return
    typer.echo(f"{out['iso3']} {year}: rank {out['rank']:.0f} of {out['of']} ({out['unit']}).")
    for key, value in out["values"].items():
        typer.echo(f"  {key}: {value}")


@resilience_app.command("scorecard")
def scorecard(
    ctx: typer.Context,
    group: str = typer.Option(
        "nato", "--group", "-g", help="nato, partners or members_and_partners."
    ),
    year: int | None = typer.Option(None, "--year", help="Scorecard year (default: last year)."),
    window: int = typer.Option(10, "--window", help="Years in the trend and in the look-back."),
    as_json: bool = JSON_OPT,
) -> None:
    """Seven baseline requirements per country: score, data years, trend, coverage."""
    from stabilis.cli.context import emit_json
    from stabilis.report.rules import OVERALL_MIN_REQUIREMENTS, REQUIREMENTS

    result = _service(ctx).resilience_scorecard(group, year, window)
    _print_scorecard(result, as_json, emit_json, REQUIREMENTS, OVERALL_MIN_REQUIREMENTS)


@resilience_app.command("country")
def country(
    ctx: typer.Context,
    iso3: str = typer.Argument(..., help="ISO3 code, e.g. EST."),
    year: int | None = typer.Option(None, "--year", help="Scorecard year (default: last year)."),
    as_json: bool = JSON_OPT,
) -> None:
    """One country's seven requirements with the indicators and years behind each score."""
    from stabilis.cli.context import emit_json

    result = _service(ctx).resilience_of(iso3, year)
    if as_json:
        emit_json(_records(result.rows), **result.meta())
        return
    rows = result.rows[
        [
            "requirement",
            "title",
            "status",
            "score",
            "data_years",
            "trend",
            "indicators",
            "not_measured",
        ]
    ]
    _show(rows.round(1), title=f"Resilience of {result.group} in {result.year}")


def _print_scorecard(
    result: Any, as_json: bool, emit_json: Any, requirements: Any, minimum: int
) -> None:
    if as_json:
        emit_json(
            {
                "rows": _records(result.rows),
                "overall": _records(result.overall),
                "coverage": _records(result.coverage),
            },
            **result.meta(),
        )
        return
    wide = result.wide().rename(columns={r.key: f"R{r.number}" for r in requirements})
    scored = result.rows[result.rows["score"].notna()]
    span = (
        f"data {int(scored['first_year'].min())}-{int(scored['latest_year'].max())}"
        if len(scored)
        else "no data"
    )
    _show(
        wide.round(1).drop(columns=["role", "overall_note"]),
        title=f"Resilience scorecard, {result.group} {result.year} ({span}; 0-100; blank = not measured)",
    )
    typer.echo(f"Coverage per requirement (overall only where at least {minimum} of 7 are scored):")
    for row in result.coverage.itertuples():
        typer.echo(
            f"  R{row.requirement} {row.title}: {row.countries_scored} of {row.countries} countries "
            f"scored ({row.fully_measured} fully), data {row.data_years or '-'}; "
            f"indicators {row.indicators}; not measured: {row.not_measured}."
        )
    declining = result.rows[result.rows["trend"] == "declining"]
    typer.echo(
        f"Declining over {result.window} years: "
        + (", ".join(f"{r.iso3} {r.key}" for r in declining.itertuples()) or "none")
    )
