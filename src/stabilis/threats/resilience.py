"""The resilience scorecard: NATO's seven baseline requirements, as far as the data measure them.

At the 2016 Warsaw Summit Allies committed to seven baseline requirements for national
resilience (registry notes.md, section 3). The warehouse holds governance, fragility and health
indicators, but nothing on energy, food and water, communications or transport systems. Each
requirement is mapped to **one** indicator where a defensible one exists — one, so the score and
its trend come from a single consistent series — and is reported as *not measured* otherwise;
nothing is invented. Every mapped indicator is a **proxy**: it measures something the
requirement depends on, not the requirement itself, and the scorecard says which.

Scores are 0-100, 100 = most resilient, on fixed bounds (so they compare across countries and
years):

* WGI estimates: ``100 * (x + 2.5) / 5``, clipped;
* FSI sub-scores (0-10, higher = more fragile): ``100 * (1 - x / 10)``;
* infant mortality (deaths per 1,000 live births): ``100 * (ln 100 - ln x) / (ln 100 - ln 2)``,
  clipped (2 or fewer scores 100, 100 or more scores 0).

The **trend** is the least-squares slope of the score per year over the ``window`` years up to
the scorecard year (at least three observed years): *improving* above +0.5 points a year,
*declining* below -0.5, *stable* between. ``overall`` is the mean of the measured requirements'
latest scores, with the number measured beside it — it is not comparable to a seven-requirement
score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Requirement:
    number: int
    key: str
    title: str
    indicator: str | None
    transform: str | None
    proxy_note: str


REQUIREMENTS: tuple[Requirement, ...] = (
    Requirement(
        1,
        "continuity_of_government",
        "Assured continuity of government and critical government services",
        "wgi.ge_est",
        "wgi",
        "WGI Government Effectiveness: quality of public and civil services and policy "
        "implementation (proxy; says nothing of continuity plans).",
    ),
    Requirement(
        2,
        "energy",
        "Resilient energy supplies",
        None,
        None,
        "not measured: no energy-supply indicator in the warehouse.",
    ),
    Requirement(
        3,
        "movement_of_people",
        "Ability to deal effectively with uncontrolled movement of people",
        "fsi.s2",
        "fsi",
        "FSI S2 Refugees and IDPs: the pressure of displacement, not the capacity to manage "
        "it (proxy; the FSI covers 2021-2023 only, so trends are short).",
    ),
    Requirement(
        4,
        "food_and_water",
        "Resilient food and water resources",
        None,
        None,
        "not measured: no food or water indicator in the warehouse.",
    ),
    Requirement(
        5,
        "mass_casualties",
        "Ability to deal with mass casualties and disruptive health crises",
        "wdi.infmort",
        "infmort",
        "Infant mortality (World Bank, via the Democratic Spaces Barometer): a health-system "
        "outcome, not surge capacity (proxy).",
    ),
    Requirement(
        6,
        "communications",
        "Resilient civil communications systems",
        None,
        None,
        "not measured: no civil-communications indicator in the warehouse.",
    ),
    Requirement(
        7,
        "transport",
        "Resilient civil transport systems",
        None,
        None,
        "not measured: no civil-transport indicator in the warehouse.",
    ),
)
TREND_STEP = 0.5


def indicators() -> list[str]:
    """The indicator codes the scorecard reads."""
    return [r.indicator for r in REQUIREMENTS if r.indicator]


def score(values: pd.Series, transform: str) -> pd.Series:
    """Map raw indicator values to 0-100 (100 = most resilient) with fixed bounds."""
    import numpy as np

    x = values.astype(float)
    if transform == "wgi":
        out = 100.0 * (x + 2.5) / 5.0
    elif transform == "fsi":
        out = 100.0 * (1.0 - x / 10.0)
    elif transform == "infmort":
        out = 100.0 * (np.log(100.0) - np.log(x.clip(lower=1e-9))) / (np.log(100.0) - np.log(2.0))
    else:  # pragma: no cover - REQUIREMENTS only use the three above
        raise ValueError(transform)
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
class Scorecard:
    """Per country and requirement: latest score, its year, trend; plus the overall score."""

    year: int
    window: int
    group: str
    rows: pd.DataFrame
    overall: pd.DataFrame

    def tidy(self) -> pd.DataFrame:
        return self.rows

    def wide(self) -> pd.DataFrame:
        """One row per country: each requirement's score (blank = not measured) and overall."""
        table = self.rows.pivot(index="iso3", columns="key", values="score")
        table = table[[r.key for r in REQUIREMENTS]]
        return table.reset_index().merge(self.overall, on="iso3", how="left")

    def summary(self) -> dict[str, Any]:
        measured = [r.key for r in REQUIREMENTS if r.indicator]
        return {
            "year": self.year,
            "group": self.group,
            "countries": int(self.overall["iso3"].nunique()),
            "requirements_measured": measured,
            "requirements_not_measured": [r.key for r in REQUIREMENTS if not r.indicator],
            "trend_window_years": self.window,
            "declining": self.rows.loc[self.rows["trend"] == "declining", ["iso3", "key"]].to_dict(
                orient="records"
            ),
        }


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
        mine = panel[(panel["iso3"] == iso3) & panel["year"].between(first, year)]
        for req in REQUIREMENTS:
            base = {
                "iso3": iso3,
                "role": roles.get(iso3, ""),
                "requirement": req.number,
                "key": req.key,
                "title": req.title,
                "indicator": req.indicator,
                "note": req.proxy_note,
            }
            if not req.indicator or req.transform is None or req.indicator not in mine:
                rows.append(
                    {
                        **base,
                        "status": "not measured",
                        "score": np.nan,
                        "score_year": pd.NA,
                        "slope": np.nan,
                        "trend": "not measured",
                    }
                )
                continue
            series = mine[["year", req.indicator]].dropna()
            scores = score(series[req.indicator], req.transform).to_numpy()
            years = series["year"].to_numpy(float)
            slope = _trend(years, scores)
            has = len(series) > 0
            rows.append(
                {
                    **base,
                    "status": "proxy" if has else "no data",
                    "score": float(scores[-1]) if has else np.nan,
                    "score_year": int(series["year"].iloc[-1]) if has else pd.NA,
                    "slope": slope,
                    "trend": _label(slope) if has else "no data",
                }
            )
    frame = pd.DataFrame(rows)
    measured = frame[frame["status"] == "proxy"]
    overall = (
        measured.groupby("iso3")
        .agg(overall=("score", "mean"), requirements_scored=("score", "count"))
        .reindex(countries)
        .reset_index()
    )
    overall["requirements_scored"] = overall["requirements_scored"].fillna(0).astype("int64")
    overall["role"] = overall["iso3"].map(roles)
    return Scorecard(year=year, window=window, group=group, rows=frame, overall=overall)
