"""The resilience scorecard: NATO's seven baseline requirements, measured where the data allow.

At the 2016 Warsaw Summit Allies committed to seven baseline requirements for national
resilience (registry notes.md, section 3). Each requirement is mapped to the staged indicators
that measure a part of it (:data:`REQUIREMENTS`); what nothing measures stays **not measured**
and is said so. Every indicator is a proxy for part of its requirement, and the note says which
part.

Scores are 0-100, 100 = most resilient, on **fixed bounds** (so they compare across countries
and years):

* WGI estimates: ``100 * (x + 2.5) / 5``, clipped;
* INFORM 2025 scores (0-10, higher = more risk or less capacity): ``100 * (1 - x / 10)``;
* import dependency and net electricity imports (% of supply): ``100 - x`` clipped to 0-100
  (a net exporter scores 100, full dependence 0);
* food supply: 2,100 kcal per person per day (the humanitarian planning minimum) or less scores
  0, 3,300 or more scores 100, linear between;
* infant mortality (per 1,000 live births): ``100 * (ln 100 - ln x) / (ln 100 - ln 2)``, clipped.

For each country and requirement, each measure takes its **latest value in the window** of
``window`` years up to the scorecard year (an indicator with alternatives uses the first that
has data, e.g. Ember's electricity imports, else OWID's); the requirement's score is the mean of
its measures' scores, and ``data_years`` gives the years used. The **trend** is the least-squares
slope of the requirement's first time-series measure over the window (three observed years at
least): improving above +0.5 points a year, declining below -0.5, stable between.

**Coverage rule for the overall score**: ``overall`` is the mean of the requirement scores only
for a country with at least :data:`OVERALL_MIN_REQUIREMENTS` of the seven scored; otherwise it is
left empty and ``overall_note`` says how many were scored.

*Refugees.* The earlier scorecard measured requirement 3 by FSI S2 (refugees and IDPs), which
penalised a country for hosting refugees — the pressure, not the ability to cope. It now
measures the capacity (INFORM's institutional coping capacity: disaster-risk reduction and
governance); the pressure (FSI S2, INFORM uprooted people) is shown as context and not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from stabilis.results import TableResult, keys_first

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Measure:
    codes: tuple[str, ...]
    """Indicator codes, first with data wins (alternatives for the same quantity)."""
    transform: str
    note: str


@dataclass(frozen=True)
class Requirement:
    number: int
    key: str
    title: str
    measures: tuple[Measure, ...]
    not_measured: str
    """What part of the requirement no staged indicator measures."""
    context: tuple[str, ...] = ()
    """Indicators shown beside the score but not scored."""


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        1,
        "continuity_of_government",
        "Assured continuity of government and critical government services",
        (
            Measure(
                ("wgi.ge_est",), "wgi", "WGI Government Effectiveness (quality of public services)"
            ),
            Measure(("inform.governance",), "inform", "INFORM 2025 governance (coping capacity)"),
        ),
        "continuity plans and back-up arrangements",
    ),
    Requirement(
        2,
        "energy",
        "Resilient energy supplies",
        (
            Measure(
                ("eurostat.nrg_ind_id_total",),
                "dependency",
                "Eurostat energy import dependency, all fuels",
            ),
            Measure(
                ("ember.net_imports_share", "owid.elec_net_imports_share"),
                "dependency",
                "net electricity imports as a share of demand (Ember; OWID 2022 archive outside Europe)",
            ),
        ),
        "stocks, grid redundancy and supplier diversity (the partner tables stop in 2020)",
    ),
    Requirement(
        3,
        "movement_of_people",
        "Ability to deal effectively with uncontrolled movement of people",
        (
            Measure(
                ("inform.institutional",),
                "inform",
                "INFORM 2025 institutional coping capacity (disaster-risk reduction, governance)",
            ),
        ),
        "border and reception capacity as such",
        context=("fsi.s2", "inform.uprooted_people"),
    ),
    Requirement(
        4,
        "food_and_water",
        "Resilient food and water resources",
        (
            Measure(
                ("owid.food_kcal",),
                "kcal",
                "FAO food supply, kcal per person per day (OWID archive, to 2017)",
            ),
            Measure(
                ("inform.food_security",), "inform", "INFORM 2025 food security (vulnerability)"
            ),
        ),
        "water supply (no staged water indicator)",
    ),
    Requirement(
        5,
        "mass_casualties",
        "Ability to deal with mass casualties and disruptive health crises",
        (
            Measure(("wdi.infmort",), "infmort", "infant mortality (World Bank via the Barometer)"),
            Measure(
                ("inform.access_to_health_care",), "inform", "INFORM 2025 access to health care"
            ),
        ),
        "surge capacity (hospital beds, blood supply, medical stocks)",
    ),
    Requirement(
        6,
        "communications",
        "Resilient civil communications systems",
        (
            Measure(
                ("inform.communication",),
                "inform",
                "INFORM 2025 communication (access to electricity, internet, mobile coverage)",
            ),
        ),
        "network redundancy and protection of the systems",
    ),
    Requirement(
        7,
        "transport",
        "Resilient civil transport systems",
        (
            Measure(
                ("inform.physical_infrastructure",),
                "inform",
                "INFORM 2025 physical infrastructure (road density, water and sanitation access)",
            ),
        ),
        "ports, rail, airports and their capacity for military mobility",
    ),
)
TREND_STEP = 0.5
OVERALL_MIN_REQUIREMENTS = 5
SERIES = ("wgi", "dependency", "kcal", "infmort")
"""Transforms of indicators with yearly series (INFORM is one edition)."""


def indicators() -> list[str]:
    """Every indicator code the scorecard reads (measures and context)."""
    codes = [c for r in REQUIREMENTS for m in r.measures for c in m.codes]
    codes += [c for r in REQUIREMENTS for c in r.context]
    return list(dict.fromkeys(codes))


def score(values: pd.Series, transform: str) -> pd.Series:
    """Map raw indicator values to 0-100 (100 = most resilient) with fixed bounds."""
    import numpy as np

    x = values.astype(float)
    if transform == "wgi":
        out = 100.0 * (x + 2.5) / 5.0
    elif transform == "inform":
        out = 100.0 * (1.0 - x / 10.0)
    elif transform == "dependency":
        out = 100.0 - x.clip(0.0, 100.0)
    elif transform == "kcal":
        out = 100.0 * (x - 2100.0) / (3300.0 - 2100.0)
    elif transform == "infmort":
        out = 100.0 * (np.log(100.0) - np.log(x.clip(lower=1e-9))) / (np.log(100.0) - np.log(2.0))
    else:
        raise ValueError(f"unknown transform {transform!r}")
    return out.clip(0.0, 100.0)


def _trend(years: Any, scores: Any) -> float:
    import numpy as np

    ok = ~np.isnan(scores)
    if ok.sum() < 3:
        return float("nan")
    return float(np.polyfit(years[ok], scores[ok], 1)[0])


def _label(slope: float) -> str:
    if slope != slope:
        return "too few years"
    if slope > TREND_STEP:
        return "improving"
    if slope < -TREND_STEP:
        return "declining"
    return "stable"


@dataclass(frozen=True)
class Scorecard(TableResult):
    """Per country and requirement: score, data years, trend; coverage; the overall score."""

    year: int
    window: int
    group: str
    rows: pd.DataFrame
    overall: pd.DataFrame
    coverage: pd.DataFrame

    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("iso3", "requirement")

    def table(self) -> pd.DataFrame:
        """The rows as the CLI and the API show them (``iso3, role, requirement, key, ...``)."""
        return self.rows

    def tidy(self) -> pd.DataFrame:
        """One row per country and requirement (the keys first): score, data years, trend."""
        return keys_first(self.rows, self.TIDY_KEYS)

    def wide(self) -> pd.DataFrame:
        """One row per country: each requirement's score (blank = not measured) and overall."""
        table = self.rows.pivot(index="iso3", columns="key", values="score")
        table = table.reindex(columns=[r.key for r in REQUIREMENTS])
        return table.reset_index().merge(self.overall, on="iso3", how="left")

    def summary(self) -> str:
        """What was scored, what could not be, and which scores are falling."""
        m = self.meta()
        measured, missing = m["requirements_measured"], m["requirements_not_measured"]
        text = (
            f"Resilience scorecard for {self.group}, {self.year}: {m['countries']} countries, "
            f"{len(measured)} of {len(REQUIREMENTS)} baseline requirements measured"
            + (f" ({', '.join(missing)} not measured by any source)." if missing else ".")
        )
        declining = m["declining"]
        text += (
            f" {len(declining)} country-requirement scores declined over {self.window} years."
            if declining
            else f" No score declined over {self.window} years."
        )
        return text + f" The overall score is {m['overall_rule']}."

    def meta(self) -> dict[str, Any]:
        """Coverage per requirement, the overall rule, the trend window, declining scores."""
        return {
            "year": self.year,
            "group": self.group,
            "countries": int(self.overall["iso3"].nunique()),
            "requirements_measured": list(
                self.coverage.loc[self.coverage["countries_scored"] > 0, "key"]
            ),
            "requirements_not_measured": list(
                self.coverage.loc[self.coverage["countries_scored"] == 0, "key"]
            ),
            "coverage": self.coverage.to_dict(orient="records"),
            "overall_rule": (
                f"the mean of the requirement scores, computed only where at least "
                f"{OVERALL_MIN_REQUIREMENTS} of the 7 requirements are scored"
            ),
            "trend_window_years": self.window,
            "declining": self.rows.loc[self.rows["trend"] == "declining", ["iso3", "key"]].to_dict(
                orient="records"
            ),
        }


def _latest(mine: pd.DataFrame, code: str) -> tuple[float, int | None, Any, Any]:
    """Latest value of ``code`` in ``mine`` (iso3's window), its year, and the series."""
    if code not in mine:
        return float("nan"), None, None, None
    series = mine[["year", code]].dropna()
    if series.empty:
        return float("nan"), None, None, None
    return float(series[code].iloc[-1]), int(series["year"].iloc[-1]), series["year"], series[code]


def scorecard(
    panel: pd.DataFrame,
    countries: list[str],
    roles: dict[str, str],
    year: int,
    *,
    window: int = 10,
    group: str = "",
) -> Scorecard:
    """Build the scorecard from a panel holding :func:`indicators` for ``countries``."""
    import numpy as np
    import pandas as pd

    first = year - window + 1
    rows: list[dict[str, Any]] = []
    for iso3 in countries:
        mine = panel[(panel["iso3"] == iso3) & panel["year"].between(first, year)].sort_values(
            "year"
        )
        for req in REQUIREMENTS:
            scores: list[float] = []
            years: list[int] = []
            used: list[str] = []
            slope = float("nan")
            for measure in req.measures:
                for code in measure.codes:
                    value, when, ys, vs = _latest(mine, code)
                    if when is None:
                        continue
                    scores.append(float(score(pd.Series([value]), measure.transform).iloc[0]))
                    years.append(when)
                    used.append(code)
                    if measure.transform in SERIES and slope != slope:
                        slope = _trend(ys.to_numpy(float), score(vs, measure.transform).to_numpy())
                    break
            context = {
                c: _latest(mine, c)[0] for c in req.context if not np.isnan(_latest(mine, c)[0])
            }
            n_measures = len(req.measures)
            status = (
                "no data"
                if not scores
                else "measured"
                if len(scores) == n_measures
                else f"partly measured ({len(scores)} of {n_measures})"
            )
            rows.append(
                {
                    "iso3": iso3,
                    "role": roles.get(iso3, ""),
                    "requirement": req.number,
                    "key": req.key,
                    "title": req.title,
                    "status": status,
                    "score": float(np.mean(scores)) if scores else np.nan,
                    "indicators": ", ".join(used),
                    "data_years": (
                        f"{min(years)}"
                        if min(years) == max(years)
                        else f"{min(years)}-{max(years)}"
                    )
                    if years
                    else "",
                    "first_year": min(years) if years else pd.NA,
                    "latest_year": max(years) if years else pd.NA,
                    "slope": slope,
                    "trend": _label(slope) if scores else "no data",
                    "context": "; ".join(f"{k} = {v:.1f}" for k, v in context.items()),
                    "not_measured": req.not_measured,
                    "note": " + ".join(m.note for m in req.measures),
                }
            )
    frame = pd.DataFrame(rows)
    scored = frame[frame["score"].notna()]
    overall = (
        scored.groupby("iso3")
        .agg(mean_score=("score", "mean"), requirements_scored=("score", "count"))
        .reindex(countries)
        .reset_index()
    )
    overall["requirements_scored"] = overall["requirements_scored"].fillna(0).astype("int64")
    enough = overall["requirements_scored"] >= OVERALL_MIN_REQUIREMENTS
    overall["overall"] = overall["mean_score"].where(enough)
    overall["overall_note"] = np.where(
        enough,
        "",
        [
            f"not computed: {n} of 7 scored (rule: at least {OVERALL_MIN_REQUIREMENTS})"
            for n in overall["requirements_scored"]
        ],
    )
    overall = overall.drop(columns="mean_score")
    overall["role"] = overall["iso3"].map(roles)
    coverage = []
    for req in REQUIREMENTS:
        part = frame[frame["key"] == req.key]
        have = part[part["score"].notna()]
        latest = pd.to_numeric(have["latest_year"], errors="coerce")
        earliest = pd.to_numeric(have["first_year"], errors="coerce")
        span = (int(earliest.min()), int(latest.max())) if len(have) else None
        coverage.append(
            {
                "requirement": req.number,
                "key": req.key,
                "title": req.title,
                "countries_scored": len(have),
                "countries": len(part),
                "fully_measured": int((have["status"] == "measured").sum()),
                "data_years": (
                    ""
                    if span is None
                    else f"{span[0]}"
                    if span[0] == span[1]
                    else f"{span[0]}-{span[1]}"
                ),
                "indicators": ", ".join(c for m in req.measures for c in m.codes),
                "not_measured": req.not_measured,
            }
        )
    return Scorecard(
        year=year,
        window=window,
        group=group,
        rows=frame,
        overall=overall,
        coverage=pd.DataFrame(coverage),
    )
