"""A country's sections, shared by the printable brief and the dashboard's profile page.

Each function returns a :class:`Section`: rows to show, a sentence that says what they show, and
the sources they come from. The sections read services that keep changing (forecasts, impact,
threats, the support audit, the resilience scorecard), so each reads them defensively but
honestly: a service that is missing, holds nothing for the country, or fails gives a section
with ``available = False`` and a message saying which, never an invented number.

:func:`country_report` assembles every section for one country and year; ``SECTIONS`` names
the ones the API serves one by one (``/api/v1/countries/{iso3}/sections/{name}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.errors import NotFoundError, StabilisError

if TYPE_CHECKING:
    import pandas as pd

#: Headline indicators of a brief, in print order (those the warehouse lacks are skipped).
HEADLINE = (
    "vdem.v2x_polyarchy",
    "vdem.v2x_libdem",
    "fh.total",
    "wgi.pv_est",
    "wgi.va_est",
    "wgi.rl_est",
)
#: Indicators drawn as charts in the brief (a subset of HEADLINE).
CHARTED = ("vdem.v2x_polyarchy", "vdem.v2x_libdem", "fh.total", "wgi.pv_est")
#: V-Dem's Regimes of the World classes (vdem.v2x_regime).
REGIMES = {
    0: "closed autocracy",
    1: "electoral autocracy",
    2: "electoral democracy",
    3: "liberal democracy",
}
FIRST_YEAR = 1990
#: Snapshot sources behind the support audit's components and need (those absent are skipped).
SUPPORT_SOURCES = ("registry", "troopdata", "mme", "us_aid", "vdem", "wgi", "ucdp", "cyber",
                   "disinfo", "fsi")  # fmt: skip
SPACE_WORDS = {"up": "opening", "down": "closing"}


@dataclass
class Section:
    """One part of a country report."""

    key: str
    title: str
    available: bool
    message: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def __getattr__(self, name: str) -> Any:
        """Extra fields read as attributes (``section.years``), for templates."""
        extra = self.__dict__.get("extra") or {}
        if name in extra:
            return extra[name]
        raise AttributeError(name)

    def tidy(self) -> pd.DataFrame:
        """The section's rows, one per item shown (an indicator, an episode, a forecast...)."""
        import pandas as pd

        return pd.DataFrame(self.rows)

    def summary(self) -> str:
        """The section's sentence: what it shows, or why it has nothing."""
        return self.message

    def meta(self) -> dict[str, Any]:
        """The section's key, title, availability, sources and extra fields (charts, years)."""
        return {
            "key": self.key,
            "title": self.title,
            "available": self.available,
            "sources": list(self.sources),
            **self.extra,
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "available": self.available,
            "message": self.message,
            "rows": self.rows,
            "sources": list(self.sources),
            **self.extra,
        }


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    from stabilis.panel.serialise import records

    return records(frame)


def _missing(key: str, title: str, message: str) -> Section:
    return Section(key, title, False, message)


def check_country(ws: Any, iso3: str) -> dict[str, Any]:
    """The country's row of the canonical table, or NotFoundError naming close matches."""
    import difflib

    code = str(iso3).strip().upper()
    table = ws.countries()
    row = table[table["iso3"] == code]
    if row.empty:
        close = difflib.get_close_matches(code, list(table["iso3"]), n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise NotFoundError(
            f"There is no country '{iso3}' in the warehouse.{hint} List them with "
            "'stabilis countries list' or at /countries.",
            details={"iso3": iso3},
        )
    return dict(_records(row)[0])


def default_year(ws: Any) -> int:
    """The latest year of V-Dem's electoral democracy index (the brief's default)."""
    years = ws.indicator_years("vdem.v2x_polyarchy")
    return int(years["year"].max()) if len(years) else datetime.now(UTC).year - 1


# -- warehouse sections ----------------------------------------------------------------------


def headline(ws: Any, iso3: str, year: int) -> Section:
    """Latest value (at or before ``year``) of each headline indicator with its interval and
    the change over ten years; the series from 1990 for the charts."""
    known = ws.indicator_codes()
    codes = [c for c in HEADLINE if c in known]
    if not codes:
        return _missing("headline", "Headline indicators", "No headline indicator is loaded.")
    meta = ws.indicator_meta(codes)
    series = ws.indicator_series(iso3, codes, (FIRST_YEAR, year))
    rows, charts, sources = [], [], set()
    by_code = {r["indicator"]: r for r in _records(meta)}
    for code in codes:
        info = by_code[code]
        points = series[(series["indicator"] == code) & series["value"].notna()]
        if points.empty:
            rows.append({"indicator": code, "label": info["label"], "value": None,
                         "note": f"no value up to {year}"})  # fmt: skip
            continue
        sources.add(str(info["source"]))
        last = points.iloc[-1]
        earlier = points[points["year"] <= int(last["year"]) - 10]
        before = earlier.iloc[-1] if len(earlier) else None
        rows.append(
            {
                "indicator": code,
                "label": info["label"],
                "scale": info.get("scale"),
                "higher_is_better": info.get("higher_is_better"),
                "year": int(last["year"]),
                "value": float(last["value"]),
                "lower": None if last["lower"] != last["lower"] else float(last["lower"]),
                "upper": None if last["upper"] != last["upper"] else float(last["upper"]),
                "earlier_year": None if before is None else int(before["year"]),
                "earlier_value": None if before is None else float(before["value"]),
                "change": None if before is None else float(last["value"] - before["value"]),
                "release": info.get("release"),
            }
        )
        if code in CHARTED:
            charts.append({"meta": info, "points": _records(points.drop(columns="indicator"))})
    shown = [r for r in rows if r.get("value") is not None]
    message = (
        f"{len(shown)} of {len(rows)} headline indicators have a value up to {year}."
        if shown
        else f"None of the headline indicators has a value for {iso3} up to {year}."
    )
    return Section("headline", "Headline indicators", bool(shown), message, rows,
                   {"charts": charts, "years": [FIRST_YEAR, year]}, tuple(sorted(sources)))  # fmt: skip


def regime(ws: Any, iso3: str, year: int) -> Section:
    """The regime class (V-Dem RoW) and the regime-transformation episodes (V-Dem ERT)."""
    episodes = ws.table("regime_episodes", iso3, missing_ok=True)
    row = ws.indicator_series(iso3, ["vdem.v2x_regime"], (FIRST_YEAR, year))
    row = row[row["value"].notna()]
    extra: dict[str, Any] = {}
    sentences = []
    if len(row):
        last = row.iloc[-1]
        extra["regime"] = REGIMES.get(int(last["value"]), str(last["value"]))
        extra["regime_year"] = int(last["year"])
        sentences.append(
            f"V-Dem classes the country as an {extra['regime']} in {extra['regime_year']}"
            if extra["regime"][0] in "aeiou"
            else f"V-Dem classes the country as a {extra['regime']} in {extra['regime_year']}"
        )
    rows = []
    if not episodes.empty:
        shown = episodes[episodes["start_year"] <= year].sort_values("start_year")
        for e in _records(shown):
            rows.append(
                {
                    "kind": e["kind"],
                    "start_year": e["start_year"],
                    "end_year": e["end_year"],
                    "outcome": e.get("outcome"),
                    "ongoing": bool(e.get("censored")) and int(e["end_year"]) >= year,
                }
            )
        ongoing = [r for r in rows if r["ongoing"] or r["end_year"] >= year]
        if ongoing:
            e = ongoing[-1]
            state = "not yet ended" if e["ongoing"] else f"ended {e['end_year']}"
            sentences.append(f"an {e['kind']} episode began in {e['start_year']} ({state})")
        elif rows:
            e = rows[-1]
            sentences.append(
                f"the last episode was {e['kind']} in {e['start_year']}-{e['end_year']} "
                f"({e['outcome']})"
            )
    if not sentences:
        return _missing("regime", "Regime", f"Neither V-Dem's regime class nor an ERT episode "
                        f"is recorded for {iso3} up to {year}.")  # fmt: skip
    message = "; ".join(sentences) + "."
    message = message[0].upper() + message[1:]
    return Section("regime", "Regime and episodes", True, message, rows, extra,
                   ("vdem", "vdem_ert"))  # fmt: skip


def _day(value: Any) -> str | None:
    return None if value in (None, "") or value != value else str(value)[:10]


def registry_record(ws: Any, iso3: str, year: int) -> Section:
    """Membership, partnership frameworks, programmes and operations, with the status in ``year``.

    Read from ``ws.registry_records`` (the registry with analyst edits approved at the last
    build): each row keeps its evidence label, whether it is unverified and its provenance (the
    registry release, or the edit id ``E-n`` of an analyst's approved edit).
    """
    kinds = {"members": "membership", "partnerships": "framework",
             "programmes": "programme", "operations": "operation"}  # fmt: skip
    words = {"active": f"active in {year}", "ended": "ended", "reached": "reached",
             "suspended": f"suspended in {year}", "undated": "dates not recorded"}  # fmt: skip
    spells = []
    for r in _records(ws.registry_records(iso3, year)):
        status = str(r.get("status_as_of") or "")
        if status == "not_yet":
            continue
        start, end = _day(r.get("start_date")), _day(r.get("end_date"))
        said = words.get(status, status.replace("_", " "))
        if status == "ended" and end:
            said = f"ended {end[:4]}"
        spells.append(
            {
                "kind": kinds.get(str(r.get("table")), str(r.get("table"))),
                "label": r.get("label"),
                "detail": r.get("detail") or "",
                "start": start,
                "end": end,
                "status": said,
                "confidence": r.get("confidence"),
                "evidence": r.get("evidence"),
                "unverified": bool(r.get("unverified")),
                "second_tier_only": bool(r.get("second_tier_only")),
                "provenance": r.get("provenance"),
                "source": r.get("source"),
            }
        )
    spells.sort(key=lambda s: str(s["start"]))
    accession = ws.registry.accession_year(iso3)
    if accession is not None and accession <= year:
        lead = f"NATO member since {accession}"
    else:
        frameworks = ws.registry.frameworks_during(iso3, year)
        names = sorted(set(frameworks["framework_code"])) if len(frameworks) else []
        lead = (
            f"Partner in {year} through {', '.join(names)}"
            if names
            else f"Neither a NATO member nor a partner in {year}"
        )
    version = ws.registry.version.version
    message = f"{lead}; {len(spells)} registry records up to {year} (registry {version})."
    return Section("registry", "Record with the alliance", True, message, spells,
                   {"version": version}, ("registry",))  # fmt: skip


# -- results services ------------------------------------------------------------------------


def _outcome_words(outcome: str) -> str:
    for suffix, word in SPACE_WORDS.items():
        if outcome.endswith(f"_{suffix}"):
            return f"{outcome[: -len(suffix) - 1]} space: {word}"
    return outcome.replace("_", " ")


_FACTOR = re.compile(r"^\s*(?P<code>\S+)\s+(?P<value>[+-]\d+(?:\.\d+)?)\s*$")


def readable_drivers(row: dict[str, Any], label: Callable[[str], str] | None = None) -> list[str]:
    """A forecast's drivers as text: the archive's labelled sentences when it has them (the
    driver columns ``factor_sentences`` or ``factor_labels``), else each factor's label from
    ``label`` (when the forecasting service offers one), else the raw feature code, with its
    contribution in log-odds (positive raises the probability)."""
    for column in ("factor_sentences", "factor_labels"):
        value = row.get(column)
        if isinstance(value, list) and value:
            return [str(v) for v in value]
        if isinstance(value, str) and value.strip():
            return [v.strip() for v in value.split(";") if v.strip()]
    out = []
    for part in str(row.get("factors") or row.get("drivers") or "").split(";"):
        match = _FACTOR.match(part)
        if not match:
            if part.strip():
                out.append(part.strip())
            continue
        code, value = match.group("code"), float(match.group("value"))
        name = code
        if label is not None:
            try:
                name = label(code) or code
            except Exception:  # a labeller that fails must not hide the driver
                name = code
        out.append(f"{name} ({value:+.2f})")
    return out


def _labeller(service: Any) -> Callable[[str], str] | None:
    for name in ("feature_label", "label"):
        function = getattr(service, name, None)
        if callable(function):
            return function
    return None


def forecasts(ws: Any, iso3: str, year: int | None = None) -> Section:
    """The newest archived live forecasts for the country, highest first, with drivers.

    With ``year``, the newest run issued from data up to that year (a brief "as of 2020" does
    not print forecasts made later)."""
    title = "Latest forecasts"
    service = getattr(ws, "forecasts", None)
    archive = getattr(service, "archive", None)
    if archive is None:
        return _missing("forecasts", title, "This installation has no forecasting service.")
    try:
        runs = [e for e in archive.entries() if getattr(e, "kind", "run") == "run"]
        if not runs:
            return _missing("forecasts", title, "No forecast has been issued yet: run "
                            "'stabilis forecast run'.")  # fmt: skip
        if year is not None:
            runs = [e for e in runs if getattr(e, "as_of", None) is None or e.as_of <= year]
            if not runs:
                return _missing("forecasts", title, f"No archived forecast was issued from data "
                                f"up to {year}: run 'stabilis forecast run --as-of {year}'.")  # fmt: skip
        entry = runs[-1]
        frame = archive.load(entry.id)
    except Exception as exc:  # an unreadable archive: say so
        return _missing("forecasts", title, f"The forecast archive could not be read: {exc}.")
    mine = frame[frame["iso3"] == iso3].sort_values("p", ascending=False)
    origin = int(frame["origin"].max()) if len(frame) else None
    if mine.empty:
        return _missing("forecasts", title, f"The newest forecasts (data up to {origin}) cover no "
                        f"row for {iso3}: the Barometer's data do not include it.")  # fmt: skip
    label = _labeller(service)
    rows = []
    for r in _records(mine):
        rows.append(
            {
                "outcome": r["outcome"],
                "what": _outcome_words(str(r["outcome"])),
                "from_year": r.get("origin"),
                "p": r.get("p"),
                "lower": r.get("lower"),
                "upper": r.get("upper"),
                "drivers": readable_drivers(r, label),
                "factors": r.get("factors"),
            }
        )
    top = rows[0]
    message = (
        f"{len(rows)} forecasts for the two years after {origin} (archive {entry.id}); the "
        f"highest is {top['what']} at {top['p']:.2f}."
    )
    return Section("forecasts", title, True, message, rows,
                   {"archive_id": str(entry.id), "origin": origin}, ("demspaces", "vdem"))  # fmt: skip


def forecast_record(ws: Any) -> Section:
    """How archived forecasts held up (``ws.forecasts.score()``): the newest scored set."""
    title = "Track record of the forecasts"
    service = getattr(ws, "forecasts", None)
    score = getattr(service, "score", None)
    if not callable(score):
        return _missing("forecast_record", title, "The forecasting service keeps no scores.")
    try:
        table = score()
    except Exception as exc:
        return _missing("forecast_record", title, f"Scoring the archive failed: {exc}.")
    if table is None or table.empty or "n" not in table or not (table["n"] > 0).any():
        return _missing("forecast_record", title, "No archived forecast has a known outcome "
                        "yet: run 'stabilis forecast backtest' to score past years.")  # fmt: skip
    scored = table[table["n"] > 0]
    backtests = scored[scored["kind"] == "backtest"]
    chosen = backtests if len(backtests) else scored
    newest = chosen["archive_id"].iloc[-1]
    rows = _records(chosen[chosen["archive_id"] == newest])
    n = int(sum(r["n"] for r in rows))
    message = f"Archive entry {newest}: {n:,} forecasts whose outcome is now known."
    return Section("forecast_record", title, True, message, rows, {"archive_id": str(newest)},
                   ("demspaces",))  # fmt: skip


def _case_outcomes(service: Any, case: str) -> tuple[list[dict[str, Any]], str]:
    stored = getattr(service, "result", None)
    function = stored if callable(stored) else getattr(service, "run_case", None)
    if not callable(function):
        return [], "the impact service gives no results"
    result = function(case)
    if result is None:
        return [], f"not run yet ('stabilis impact run {case}')"
    rows = []
    for part in getattr(result, "results", None) or []:
        as_dict = getattr(part, "to_dict", None)
        info = as_dict() if callable(as_dict) else {}
        rows.append(
            {
                "outcome": info.get("outcome") or str(getattr(getattr(part, "data", None),
                                                              "outcome", "")),
                "verdict": info.get("verdict") or str(getattr(part, "verdict", "")),
                "estimate": info.get("estimate"),
                "interval": info.get("interval"),
                "p_value": info.get("p_value"),
                "reasons": info.get("reasons") or [],
            }
        )  # fmt: skip
    return rows, ""


def impact(ws: Any, iso3: str) -> Section:
    """Impact case studies whose treated countries include ``iso3``, with their findings."""
    title = "Impact findings"
    service = getattr(ws, "impact", None)
    cases = getattr(service, "cases", None)
    if not callable(cases):
        return _missing("impact", title, "This installation has no impact service.")
    try:
        table = cases()
    except Exception as exc:
        return _missing("impact", title, f"The impact cases could not be read: {exc}.")
    key = "case" if "case" in table else "id"

    def concerns(treated: Any) -> bool:
        items = (
            treated if isinstance(treated, list | tuple) else str(treated).replace(",", " ").split()
        )
        return iso3 in {str(t).upper() for t in items}

    mine = table[table["treated"].map(concerns)]
    if mine.empty:
        return _missing("impact", title, f"No pre-registered impact case concerns {iso3}.")
    rows = []
    for case in _records(mine):
        try:
            outcomes, reason = _case_outcomes(service, str(case[key]))
        except StabilisError as exc:
            outcomes, reason = [], exc.message
        except Exception as exc:  # a failed run: say it
            outcomes, reason = [], f"the run failed: {exc}"
        for o in outcomes or [{"outcome": None, "verdict": None}]:
            rows.append({"case": case[key], "title": case.get("title"), "year": case.get("year"),
                         "treatment": case.get("treatment"), "note": reason, **o})  # fmt: skip
    found = [r for r in rows if r.get("verdict") == "estimate"]
    clear = [r for r in found if r.get("p_value") is not None and r["p_value"] <= 0.1]
    cases_word = "case study concerns" if len(mine) == 1 else "case studies concern"
    message = (
        f"{len(mine)} {cases_word} {iso3}; {len(found)} of {len(rows)} outcome estimates pass "
        f"their credibility checks, {len(clear)} of them distinguishable from the placebo "
        "countries at 10%."
    )
    return Section("impact", title, True, message, rows, {}, ("vdem", "registry"))


def threats(ws: Any, iso3: str, year: int) -> Section:
    """Cyber operations, disinformation cases and event signals against the country."""
    title = "Hybrid threats"
    service = getattr(ws, "threats", None)
    profile = getattr(service, "profile", None)
    if not callable(profile):
        return _missing("threats", title, "This installation has no threat service.")
    try:
        result = profile(iso3)
    except StabilisError as exc:
        return _missing("threats", title, exc.message)
    summary = result.meta()
    yearly = result.yearly[result.yearly["year"] <= year].copy()
    parts = []
    # DCID codes cyber operations between rival states only: a country in no rival pair is not
    # covered (no value), which is not the same as no operation (zero).
    raw = ws.table("cyber_incidents") if callable(getattr(ws, "table", None)) else None
    if raw is not None and iso3 not in set(raw["iso3"].dropna()):
        yearly["cyber_operations"] = None
        summary["cyber_operations"] = None
        parts.append(f"DCID does not cover {iso3} (it codes cyber operations between rival "
                     "states only), so no count is shown")  # fmt: skip
    covered = yearly.dropna(subset=["cyber_operations"])
    if summary.get("cyber_operations") is not None and len(covered):
        parts.append(
            f"{summary['cyber_operations']} state cyber operations against it in "
            f"{int(covered['year'].min())}-{int(covered['year'].max())} (DCID)"
            + (f", mostly by {', '.join(summary['top_initiators'])}"
               if summary.get("top_initiators") else "")
        )  # fmt: skip
    disinfo = yearly.dropna(subset=["disinfo_cases"])
    if summary.get("disinfo_cases") is not None and len(disinfo):
        parts.append(
            f"{summary['disinfo_cases']:,} disinformation cases naming it in "
            f"{int(disinfo['year'].min())}-{int(disinfo['year'].max())} (EUvsDisinfo)"
        )
    alerts = result.alerts
    parts.append(f"{len(alerts)} alerts" if len(alerts) else "no alert")
    message = "; ".join(parts) + "."
    message = message[0].upper() + message[1:]
    latest_alerts = []
    if len(alerts):
        cols = [c for c in ("signal", "period", "value", "baseline_median", "z", "rule")
                if c in alerts]  # fmt: skip
        latest_alerts = _records(alerts[cols].tail(3))
    return Section(
        "threats", title, True, message, _records(yearly),
        {"summary": summary, "alerts": latest_alerts, "notes": list(summary.get("notes") or []),
         "initiators": _records(result.cyber_initiators.head(5))},
        ("cyber", "disinfo"),
    )  # fmt: skip


def elections(ws: Any, iso3: str, year: int) -> Section:
    """The latest elections with their integrity scores and the threats around them."""
    brief = ws.threats.election_brief(iso3)
    summary = brief.get("summary", {})
    rows, seen = [], set()
    for r in brief.get("latest", []):
        key = (r.get("date"), r.get("year"), r.get("office"))
        if key not in seen:
            seen.add(key)
            rows.append(r)
    if not summary.get("elections"):
        return _missing("elections", "Elections", "The staged data record no national election.")
    expected = [e for e in summary.get("next_expected", []) if e.get("expected_year")]
    message = (
        f"{summary['elections']} national elections in the staged data, "
        f"{summary.get('first_year')}–{summary.get('last_year')}; "
        f"{summary.get('pei_elections', 0)} scored by the Electoral Integrity Project (PEI)."
    )
    return Section("elections", "Elections and interference", True, message, rows,
                   {"expected": expected, "notes": summary.get("notes", [])},
                   ("pei", "vdem", "disinfo"))  # fmt: skip


def _resilience_card(ws: Any, iso3: str, year: int) -> tuple[Any, str]:
    """The alliance service's one-country scorecard of ``iso3``; (card, why not)."""
    one = getattr(getattr(ws, "alliance", None), "resilience_of", None)
    if callable(one):
        return one(iso3, year), ""
    return None, "This installation has no resilience scorecard."


def _first(row: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = row.get(key)
        if value not in (None, ""):
            return value
    return None


def resilience(ws: Any, iso3: str, year: int) -> Section:
    """The seven baseline requirements for the country, "not measured" where nothing measures
    one, with the data years and the overall score when the scorecard's rule allows one."""
    title = "Resilience: NATO's seven baseline requirements"
    try:
        card, reason = _resilience_card(ws, iso3, year)
    except StabilisError as exc:
        return _missing("resilience", title, exc.message)
    if card is None:
        return _missing("resilience", title, reason)
    mine = card.tidy()
    mine = mine[mine["iso3"] == iso3]
    if mine.empty:
        return _missing("resilience", title, f"The scorecard holds no row for {iso3}.")
    rows = []
    for r in _records(mine):
        scored = r.get("score") is not None
        rows.append(
            {
                "requirement": r.get("requirement"),
                "title": r.get("title"),
                "status": r.get("status") if scored else "not measured",
                "measured_by": _first(r, "indicators", "indicator") if scored else None,
                "score": r.get("score"),
                "years": _first(r, "data_years", "score_year", "latest_year") if scored else None,
                "latest_year": _first(r, "latest_year", "score_year") if scored else None,
                "trend": r.get("trend") if scored else None,
                "why_not": None
                if scored
                else (_first(r, "not_measured", "note") or "no indicator"),
            }
        )
    measured = [r for r in rows if r["score"] is not None]
    data_years = [int(r["latest_year"]) for r in measured if r["latest_year"] is not None]
    data_year = max(data_years) if data_years else None
    overall = None
    frame = getattr(card, "overall", None)
    if frame is not None and "overall" in frame:
        hit = frame[frame["iso3"] == iso3]["overall"].dropna()
        overall = float(hit.iloc[0]) if len(hit) else None
    rule = (card.meta() or {}).get("overall_rule")
    message = (
        f"{len(measured)} of {len(rows)} requirements measured"
        + (f" (data up to {data_year})" if data_year else "")
        + f"; {len(rows) - len(measured)} not measured by any indicator in the warehouse"
        + (
            f"; overall {overall:.0f} of 100"
            if overall is not None
            else "; no overall score" + (f" ({rule})" if rule else "")
        )
        + "."
    )
    codes = {c for r in measured for c in str(r["measured_by"] or "").split(", ") if c}
    meta = ws.indicators()
    sources = tuple(sorted(set(meta.loc[meta["indicator"].isin(codes), "source"].astype(str))))
    return Section("resilience", title, bool(measured), message, rows,
                   {"data_year": data_year, "overall": overall, "overall_rule": rule,
                    "scorecard_year": card.year}, sources)  # fmt: skip


def support(ws: Any, iso3: str, year: int) -> Section:
    """The country's place in the support audit (support relative to need) in ``year``."""
    title = "Support position"
    alliance = getattr(ws, "alliance", None)
    position = getattr(alliance, "support_position", None)
    if not callable(position):
        return _missing("support", title, "This installation has no support audit.")
    try:
        found = position(iso3, year)
    except StabilisError as exc:
        return _missing("support", title, exc.message)
    if not found.get("ranked"):
        return _missing("support", title, f"{iso3} is not in the {year} support audit: "
                        f"{found.get('reason') or 'not a recipient that year'}.")  # fmt: skip
    values = dict(found.get("values") or {})
    band = ""
    if values.get("rank_best") is not None and values.get("rank_worst") is not None:
        band = (f" (from {int(values['rank_best'])} to {int(values['rank_worst'])} under other "
                "weights)")  # fmt: skip
    message = (
        f"Ranked {int(found['rank'])} of {found['of']} recipients by support relative to need "
        f"in {year}{band}."
    )
    definitions = list(found.get("definitions") or [])
    components = [
        {"label": d.get("label"), "key": d.get("key"), "value": values.get(str(d.get("key"))),
         "unit": d.get("unit"), "source": d.get("source")}
        for d in definitions
    ]  # fmt: skip
    return Section("support", title, True, message, [{"iso3": iso3, **values}],
                   {"year": year, "partners": found["of"], "components": components,
                    "unit": found.get("unit"), "gini_support_vs_need": None},
                   SUPPORT_SOURCES)  # fmt: skip


# -- assembly --------------------------------------------------------------------------------

#: Sections served one by one: name -> function(ws, iso3, year).
SECTIONS: dict[str, Callable[[Any, str, int], Section]] = {
    "headline": headline,
    "regime": regime,
    "registry": registry_record,
    "forecasts": forecasts,
    "forecast_record": lambda ws, iso3, year: forecast_record(ws),
    "impact": lambda ws, iso3, year: impact(ws, iso3),
    "threats": threats,
    "resilience": resilience,
    "support": support,
}


def section(ws: Any, name: str, iso3: str, year: int | None = None) -> Section:
    """One named section (see :data:`SECTIONS`) for a checked country."""
    if name not in SECTIONS:
        raise NotFoundError(
            f"There is no section '{name}'. Sections: {', '.join(SECTIONS)}.",
            details={"section": name},
        )
    country = check_country(ws, iso3)
    when = year if year is not None else default_year(ws)
    return _guarded(name, lambda: SECTIONS[name](ws, country["iso3"], when))


def _guarded(name: str, build: Callable[[], Section]) -> Section:
    """Run a section; a failure becomes a section that says it failed (the rest still prints)."""
    try:
        return build()
    except StabilisError as exc:
        return _missing(name, name.replace("_", " ").capitalize(), exc.message)
    except Exception as exc:  # report the failure honestly instead of dropping the brief
        return _missing(name, name.replace("_", " ").capitalize(),
                        f"This section could not be computed ({type(exc).__name__}: {exc}).")  # fmt: skip


@dataclass
class CountryReport:
    """Every section for one country and year, plus the provenance of what they used."""

    country: dict[str, Any]
    year: int
    sections: dict[str, Section]
    provenance: Any
    generated_at: str

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("key",)

    def tidy(self) -> pd.DataFrame:
        """One row per section: key, title, whether it has data, its sentence."""
        import pandas as pd

        return pd.DataFrame(
            [
                {"key": k, "title": s.title, "available": s.available, "message": s.message}
                for k, s in self.sections.items()
            ],
            columns=["key", "title", "available", "message"],
        )

    def summary(self) -> str:
        """Which sections have something to say, and which have not."""
        missing = [s.title for s in self.sections.values() if not s.available]
        shown = len(self.sections) - len(missing)
        text = (
            f"Country report for {self.country.get('name', self.country.get('iso3'))}, "
            f"{self.year}: {shown} of {len(self.sections)} sections have data"
        )
        return text + (f"; nothing yet for {', '.join(missing)}." if missing else ".")

    def meta(self) -> dict[str, Any]:
        """The country, the year, when it was made and the provenance of what it used."""
        return {
            "country": self.country,
            "year": self.year,
            "generated_at": self.generated_at,
            "provenance": self.provenance.to_dict(),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "country": self.country,
            "year": self.year,
            "generated_at": self.generated_at,
            "sections": {k: s.to_dict() for k, s in self.sections.items()},
            "provenance": self.provenance.to_dict(),
        }


def country_report(ws: Any, iso3: str, year: int | None = None) -> CountryReport:
    """Assemble every section of :data:`SECTIONS` for ``iso3`` in ``year``."""
    import contextlib

    from stabilis.report import provenance

    reading = getattr(ws, "reading", None)
    with reading() if callable(reading) else contextlib.nullcontext():  # one connection
        country = check_country(ws, iso3)
        when = year if year is not None else default_year(ws)
        sections = {
            name: _guarded(name, lambda f=function: f(ws, country["iso3"], when))  # type: ignore[misc]
            for name, function in SECTIONS.items()
        }
    used = {"reference"}
    for s in sections.values():
        if s.available:
            used.update(s.sources)
    cited = provenance.for_sources(ws, sorted(used), {"country": country["iso3"], "year": when})
    return CountryReport(country, when, sections, cited,
                         datetime.now(UTC).isoformat(timespec="seconds"))  # fmt: skip
