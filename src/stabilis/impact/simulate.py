"""Simulated panels with known effects, for tests, docs and calibration.

* :func:`factor_panel`: one treated unit and ``n_donors`` donors from a linear factor model
  ``Y_it = a_i + d_t + l_i' f_t + e_it``; the treated unit's loadings are a convex mix of
  some donors' loadings (so a good synthetic control exists) and the effect after
  ``treatment_year`` is ``effect`` (zero gives the null).
* :func:`staggered_panel`: cohorts treated in different years with effects that grow with
  time since treatment and differ by cohort (``heterogeneous=True``); a never-treated group;
  unit and year effects. The true event-time ATTs are returned beside the panel.

Every function takes a ``seed`` and returns new frames; nothing is random without it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def factor_panel(
    n_donors: int = 20,
    first_year: int = 1980,
    treatment_year: int = 2000,
    last_year: int = 2010,
    effect: float = 0.0,
    noise: float = 0.02,
    n_factors: int = 2,
    seed: int = 0,
) -> pd.DataFrame:
    """Wide panel ``iso3, year, y`` with treated unit ``TRT`` and donors ``D01..``."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    t = len(years)
    factors = np.cumsum(rng.normal(0, 0.05, size=(t, n_factors)), axis=0)
    trend = np.linspace(0, 0.2, t)
    loadings = rng.uniform(0.2, 1.5, size=(n_donors, n_factors))
    levels = rng.uniform(0.2, 0.6, size=n_donors)
    mix = np.zeros(n_donors)
    chosen = rng.choice(n_donors, size=min(3, n_donors), replace=False)
    mix[chosen] = rng.dirichlet(np.ones(len(chosen)))
    load_t = mix @ loadings
    level_t = mix @ levels
    donors = (
        levels[None, :]
        + trend[:, None]
        + factors @ loadings.T
        + rng.normal(0, noise, (t, n_donors))
    )
    treated = level_t + trend + factors @ load_t + rng.normal(0, noise, t)
    treated = treated + np.where(years >= treatment_year, effect, 0.0)
    names = [f"D{i + 1:02d}" for i in range(n_donors)]
    frame = pd.DataFrame(donors, index=years, columns=names)
    frame["TRT"] = treated
    long = (
        frame.rename_axis(index="year")
        .reset_index()
        .melt(id_vars="year", var_name="iso3", value_name="y")
    )
    return long[["iso3", "year", "y"]].sort_values(["iso3", "year"]).reset_index(drop=True)


@dataclass(frozen=True)
class StaggeredPanel:
    """A simulated staggered-adoption panel and its true effects."""

    panel: pd.DataFrame  # iso3, year, y, cohort (NaN = never treated)
    true_event: pd.Series  # event time -> true ATT averaged over cohorts (by cohort size)
    true_overall: float  # average true effect over treated post-treatment cells (R's "simple")


def staggered_panel(
    n_units: int = 120,
    first_year: int = 1990,
    last_year: int = 2015,
    cohorts: tuple[int, ...] = (1998, 2002, 2006, 2010),
    never_share: float = 0.3,
    slope: float = 0.02,
    heterogeneous: bool = True,
    zero: bool = False,
    noise: float = 0.05,
    seed: int = 0,
    trend: float = 0.0,
) -> StaggeredPanel:
    """Staggered adoption with dynamic effects ``slope * (e + 1) * (1 + 0.5 * k)`` for cohort
    index ``k`` (heterogeneous) or ``slope * (e + 1)`` (homogeneous); all zero if ``zero``.

    ``trend`` breaks parallel trends linearly: every unit ever treated gets an extra
    ``trend * (year - cohort)``, so against never-treated controls the event-study bias is
    ``trend * (e + 1)`` relative to event time -1 (a violation in Delta^SD(0) and
    Delta^RM(1)); ``true_event`` stays the treatment effect alone."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    n_never = round(n_units * never_share)
    assigned = np.concatenate(
        [
            np.full(n_never, np.nan),
            rng.choice(np.array(cohorts, dtype=float), size=n_units - n_never),
        ]
    )
    unit_fe = rng.normal(0.5, 0.2, n_units)
    year_fe = np.cumsum(rng.normal(0.0, 0.02, len(years)))
    rows = []
    effects: dict[tuple[int, int], float] = {}
    for i in range(n_units):
        g = assigned[i]
        for j, year in enumerate(years):
            tau = 0.0
            if np.isfinite(g) and year >= g and not zero:
                e = int(year - g)
                k = cohorts.index(int(g))
                tau = slope * (e + 1) * ((1 + 0.5 * k) if heterogeneous else 1.0)
                effects[(int(g), e)] = tau
            drift = trend * (year - g) if np.isfinite(g) else 0.0
            y = unit_fe[i] + year_fe[j] + tau + drift + rng.normal(0, noise)
            rows.append((f"U{i:03d}", int(year), y, g))
    panel = pd.DataFrame(rows, columns=["iso3", "year", "y", "cohort"])
    sizes = {c: int(np.sum(assigned == c)) for c in cohorts}
    by_event: dict[int, list[tuple[float, int]]] = {}
    for c in cohorts:
        for e in range(int(last_year - c) + 1):
            tau = (
                0.0
                if zero
                else slope * (e + 1) * ((1 + 0.5 * cohorts.index(c)) if heterogeneous else 1.0)
            )
            by_event.setdefault(e, []).append((tau, sizes[c]))
    true_event = pd.Series(
        {e: sum(t * s for t, s in v) / sum(s for _, s in v) for e, v in sorted(by_event.items())}
    )
    cells = [
        (tau, sizes[c])
        for c in cohorts
        for e in range(int(last_year - c) + 1)
        for tau in [
            0.0
            if zero
            else slope * (e + 1) * ((1 + 0.5 * cohorts.index(c)) if heterogeneous else 1.0)
        ]
    ]
    overall = sum(t * s for t, s in cells) / sum(s for _, s in cells)
    return StaggeredPanel(panel=panel, true_event=true_event, true_overall=float(overall))


def multi_treated_panel(
    n_treated: int = 3,
    n_donors: int = 20,
    first_year: int = 1980,
    treatment_year: int = 2000,
    last_year: int = 2010,
    effect: float = 0.1,
    noise: float = 0.02,
    seed: int = 0,
) -> pd.DataFrame:
    """Long panel ``iso3, year, y`` with treated units ``T01..`` and donors ``D01..`` from one
    linear factor model: each treated unit's loadings and level are a convex mix of three
    donors', and each gets ``effect`` from ``treatment_year`` on (so the average effect on the
    treated is ``effect``)."""
    rng = np.random.default_rng(seed)
    years = np.arange(first_year, last_year + 1)
    t = len(years)
    factors = np.cumsum(rng.normal(0, 0.05, size=(t, 2)), axis=0)
    trend = np.linspace(0, 0.2, t)
    loadings = rng.uniform(0.2, 1.5, size=(n_donors, 2))
    levels = rng.uniform(0.2, 0.6, size=n_donors)
    columns = {
        f"D{i + 1:02d}": levels[i] + trend + factors @ loadings[i] + rng.normal(0, noise, t)
        for i in range(n_donors)
    }
    for k in range(n_treated):
        mix = np.zeros(n_donors)
        chosen = rng.choice(n_donors, size=3, replace=False)
        mix[chosen] = rng.dirichlet(np.ones(3))
        y = mix @ levels + trend + factors @ (mix @ loadings) + rng.normal(0, noise, t)
        columns[f"T{k + 1:02d}"] = y + np.where(years >= treatment_year, effect, 0.0)
    frame = pd.DataFrame(columns, index=years).rename_axis(index="year").reset_index()
    long = frame.melt(id_vars="year", var_name="iso3", value_name="y")
    return long[["iso3", "year", "y"]].sort_values(["iso3", "year"]).reset_index(drop=True)
