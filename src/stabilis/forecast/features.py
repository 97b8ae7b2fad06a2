"""Features of a country-year, built strictly from data dated that year or earlier.

Every feature of row (country, s) is a function of values dated <= s: levels, lags, differences
and trailing windows per country; same-year means over land neighbours and over the region;
event histories counted backwards. Nothing is centred, scaled or imputed here (models learn
that on their training rows only). ``tests/forecast/test_no_leak.py`` checks the property with
Hypothesis: changing any value dated after t leaves every feature at t unchanged.

Groups (column prefixes):

``space.``      the six space values, 1- and 2-year changes, 10-year volatility of yearly
                changes, distance from the 10-year high and low; each space's opening and
                closing events as known at s (this year by rules (a)/(b), last year, count in
                the last 10 years, years since the last)
``vdem.``       a selection of V-Dem indices (levels; yearly change for the democracy indices)
``fh.``/``wgi.`` Freedom House ratings, the six WGI estimates
``hist.``       armed conflict (UCDP/PRIO: active conflicts, maximum intensity, conflict years in
                the last 10, years since the last) and coups (Powell & Thyne counts over 5 and 10
                years, years since the last attempt)
``econ.``       log GDP per capita, GDP per capita growth, log population, infant mortality
                (year-adjusted), state age
``nbr.``        land neighbours' mean space values and changes, share of neighbours at war
``region.``     the region's mean yearly change of each space (V-Dem's six regions)
``nato.``       membership, partnership frameworks, programmes and operations (registry)

ERT episode status is *not* a feature: episodes are dated with hindsight (an episode's start
is known only once the decline has run its course), so it would leak.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.forecast.targets import SPACES, ert_lite_events

if TYPE_CHECKING:
    import pandas as pd

#: V-Dem indices used as levels.
VDEM_LEVELS = (
    "v2x_polyarchy", "v2x_libdem", "v2x_partipdem", "v2x_delibdem", "v2x_egaldem", "v2x_regime",
    "v2x_liberal", "v2x_jucon", "v2xlg_legcon", "v2x_civlib", "v2x_clphy", "v2x_clpol",
    "v2x_clpriv", "v2x_corr", "v2x_execorr", "v2x_neopat", "v2x_rule", "v2xel_frefair",
    "v2x_elecoff", "v2x_cspart", "v2x_frassoc_thick", "v2xme_altinf", "v2mecenefm",
    "v2meharjrn", "v2mecrit", "v2csreprss", "v2cseeorgs", "v2elintim", "v2exrescon",
    "v2juhcind", "v2juncind", "v2clkill", "v2cltort", "v2cacamps", "v2caassemb", "v2cagenmob",
    "v2cademmob", "v2caautmob", "v2x_ex_military", "v2x_ex_party", "v2x_divparctrl",
    "v2xnp_pres", "v2x_gender", "v2xel_elecparl", "v2xel_elecpres",
)  # fmt: skip
#: V-Dem indices whose yearly change is a feature too.
VDEM_CHANGES = (
    "v2x_polyarchy", "v2x_libdem", "v2x_liberal", "v2x_civlib", "v2x_cspart", "v2x_jucon",
    "v2xlg_legcon", "v2x_corr", "v2x_neopat",
)  # fmt: skip
OTHER_LEVELS = (
    "fh.pr", "fh.cl", "wgi.va_est", "wgi.pv_est", "wgi.ge_est", "wgi.rq_est", "wgi.rl_est",
    "wgi.cc_est",
)  # fmt: skip
COUPS = (
    "ptcoups.pt_attempt_num5yrs", "ptcoups.pt_attempt_num10yrs", "ptcoups.pt_coup_num10yrs",
    "ptcoups.years_since_last_pt_attempt",
)  # fmt: skip
ECONOMY = (
    "wdi.NY.GDP.PCAP.KD", "wdi.NY.GDP.PCAP.KD.ZG", "demspaces.pop", "wdi.infmort_yearadj",
    "gw.state_age",
)  # fmt: skip
NATO = (
    "nato.member", "nato.partner", "nato.pfp", "nato.eapc", "nato.md", "nato.ici",
    "nato.global_partner", "nato.map", "nato.ipap", "nato.parp", "nato.dcb", "nato.bi",
    "nato.deep", "nato.cap", "nato.operation", "nato.years_since_accession",
)  # fmt: skip
_CAP_YEARS = 30.0


def panel_indicators() -> list[str]:
    """The warehouse indicator codes the features read."""
    spaces = [s.code for s in SPACES.values()]
    vdem = [f"vdem.{c}" for c in VDEM_LEVELS]
    return [*spaces, *vdem, *OTHER_LEVELS, *COUPS, *ECONOMY, *NATO]


def _grid(panel: pd.DataFrame) -> pd.DataFrame:
    """The panel on a complete iso3 × year grid, so shifts and windows count calendar years."""
    import pandas as pd

    spans = panel.groupby("iso3")["year"].agg(["min", "max"])
    index = pd.MultiIndex.from_tuples(
        [(c, y) for c, (a, b) in spans.iterrows() for y in range(int(a), int(b) + 1)],
        names=["iso3", "year"],
    )
    return panel.set_index(["iso3", "year"]).reindex(index).reset_index()


def build_features(
    panel: pd.DataFrame,
    *,
    conflicts: pd.DataFrame | None = None,
    neighbours: Mapping[str, Sequence[str]] | None = None,
    regions: Mapping[str, str] | None = None,
    cutpoints: Mapping[str, float] | None = None,
) -> pd.DataFrame:
    """Features keyed ``iso3, year`` for every country-year of ``panel``.

    With ``cutpoints`` (space indicator → cut-point) the spaces' own event history is added.

    ``panel`` is wide (``iso3, year`` and indicator codes; missing codes become NaN features);
    ``conflicts`` has ``iso3, year, intensity_level`` (one row per conflict and year);
    ``neighbours`` maps ISO3 to land neighbours; ``regions`` ISO3 to a region label.
    """
    import pandas as pd

    wanted = panel_indicators()
    base = panel.reindex(columns=["iso3", "year", *wanted])
    grid = _grid(base)
    by = grid.groupby("iso3", sort=False)
    out: dict[str, pd.Series] = {"iso3": grid["iso3"], "year": grid["year"]}

    for space in SPACES.values():
        x = grid[space.code]
        name = f"space.{space.indicator}"
        d1 = x - by[space.code].shift(1)
        out[name] = x
        out[f"{name}.d1"] = d1
        out[f"{name}.d2"] = x - by[space.code].shift(2)
        d1_by = d1.groupby(grid["iso3"], sort=False)
        out[f"{name}.vol10"] = (
            d1_by.rolling(10, min_periods=3).std().reset_index(level=0, drop=True)
        )
        high = by[space.code].rolling(10, min_periods=1).max().reset_index(level=0, drop=True)
        low = by[space.code].rolling(10, min_periods=1).min().reset_index(level=0, drop=True)
        out[f"{name}.from_high10"] = x - high
        out[f"{name}.from_low10"] = x - low

    if cutpoints:
        out.update(_event_history(grid, cutpoints))
    for code in VDEM_LEVELS:
        out[f"vdem.{code}"] = grid[f"vdem.{code}"]
    for code in VDEM_CHANGES:
        out[f"vdem.{code}.d1"] = grid[f"vdem.{code}"] - by[f"vdem.{code}"].shift(1)
    for code in OTHER_LEVELS:
        out[code] = grid[code]
    for code in COUPS:
        out[f"hist.{code.removeprefix('ptcoups.')}"] = grid[code]
    out["econ.log_gdppc"] = np.log(grid["wdi.NY.GDP.PCAP.KD"].where(grid["wdi.NY.GDP.PCAP.KD"] > 0))
    out["econ.gdppc_growth"] = grid["wdi.NY.GDP.PCAP.KD.ZG"]
    out["econ.log_pop"] = np.log(grid["demspaces.pop"].where(grid["demspaces.pop"] > 0))
    out["econ.infmort_yearadj"] = grid["wdi.infmort_yearadj"]
    out["econ.state_age"] = grid["gw.state_age"]
    for code in NATO:
        out[code] = grid[code]

    frame = pd.DataFrame(out)
    frame = _add_conflicts(frame, conflicts)
    frame = _add_neighbours(frame, neighbours or {})
    frame = _add_regions(frame, regions or {})
    present = base.set_index(["iso3", "year"]).index
    keep = frame.set_index(["iso3", "year"]).index.isin(present)
    return frame[keep].reset_index(drop=True)


def _event_history(grid: pd.DataFrame, cutpoints: Mapping[str, float]) -> dict[str, Any]:
    """Each space's ERT-lite event history as known at s.

    An event in year s−1 or earlier is fully known at s (rule (c) reads x_s at most). The event
    in s itself is known only through rules (a) and (b), which read x_{s−2} … x_s; rule (c)
    would need x_{s+1}, so it is left out for the current year.
    """
    import pandas as pd

    out: dict[str, Any] = {}
    iso3 = grid["iso3"].to_numpy()
    bounds = np.flatnonzero(np.concatenate([[True], iso3[1:] != iso3[:-1], [True]]))
    for space in SPACES.values():
        values = grid[space.code].to_numpy(dtype=float)
        cp = float(cutpoints[space.indicator])
        for direction, sign in (("up", 1.0), ("down", -1.0)):
            full = np.zeros(len(values), dtype=bool)
            now = np.zeros(len(values), dtype=bool)
            for start, stop in itertools.pairwise(bounds):
                x = sign * values[start:stop]
                full[start:stop] = ert_lite_events(x, cp)
                now[start:stop] = ert_lite_events(x, cp, rules="ab")
            before = pd.Series(full, dtype=float).groupby(iso3, sort=False).shift(1).fillna(0.0)
            known = np.maximum(before.to_numpy(), now.astype(float))
            known_by = pd.Series(known).groupby(iso3, sort=False)
            name = f"space.{space.indicator}.{direction}"
            out[f"{name}_now"] = now.astype(float)
            out[f"{name}_last"] = before.to_numpy()
            out[f"{name}_count10"] = (
                known_by.rolling(10, min_periods=1).sum().reset_index(level=0, drop=True).to_numpy()
            )
            years = grid["year"].to_numpy(dtype=float)
            last = pd.Series(np.where(known > 0, years, np.nan)).groupby(iso3, sort=False).ffill()
            out[f"{name}_since"] = np.clip(np.nan_to_num(years - last.to_numpy(), nan=_CAP_YEARS),
                                           0, _CAP_YEARS)  # fmt: skip
    return out


def _add_conflicts(frame: pd.DataFrame, conflicts: pd.DataFrame | None) -> pd.DataFrame:
    import pandas as pd

    names = ["hist.conflicts", "hist.conflict_intensity", "hist.conflict_years10",
             "hist.years_since_conflict"]  # fmt: skip
    if conflicts is None or conflicts.empty:
        for name in names:
            frame[name] = np.nan
        return frame
    per_year = conflicts.groupby(["iso3", "year"]).agg(
        n=("year", "size"), intensity=("intensity_level", "max")
    )
    joined = frame[["iso3", "year"]].join(per_year, on=["iso3", "year"])
    active = joined["n"].fillna(0)
    frame["hist.conflicts"] = active
    frame["hist.conflict_intensity"] = joined["intensity"].fillna(0)
    by = (active > 0).astype(float).groupby(frame["iso3"], sort=False)
    frame["hist.conflict_years10"] = (
        by.rolling(10, min_periods=1).sum().reset_index(level=0, drop=True)
    )
    last = pd.Series(np.where(active > 0, frame["year"], np.nan), index=frame.index)
    last = last.groupby(frame["iso3"], sort=False).ffill()
    frame["hist.years_since_conflict"] = (
        (frame["year"] - last).fillna(_CAP_YEARS).clip(upper=_CAP_YEARS)
    )
    return frame


def _add_neighbours(frame: pd.DataFrame, neighbours: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    import pandas as pd

    columns = [f"space.{s.indicator}" for s in SPACES.values()]
    columns += [f"{c}.d1" for c in columns]
    columns.append("hist.conflicts")
    edges = pd.DataFrame(
        [(c, n) for c, ns in neighbours.items() for n in ns if n and n != c],
        columns=["iso3", "neighbour"],
    )
    values = frame[["iso3", "year", *columns]].rename(columns={"iso3": "neighbour"})
    values["hist.conflicts"] = (values["hist.conflicts"] > 0).astype(float)
    linked = edges.merge(values, on="neighbour", how="inner")
    means = linked.groupby(["iso3", "year"])[columns].mean()
    means.columns = [f"nbr.{c.removeprefix('space.').removeprefix('hist.')}" for c in columns]
    joined = frame[["iso3", "year"]].join(means, on=["iso3", "year"])
    for column in means.columns:
        frame[column] = joined[column].to_numpy()
    return frame


def _add_regions(frame: pd.DataFrame, regions: Mapping[str, str]) -> pd.DataFrame:
    region = frame["iso3"].map(dict(regions))
    for space in SPACES.values():
        column = f"space.{space.indicator}.d1"
        frame[f"region.{space.indicator}.d1"] = frame.groupby([region, frame["year"]])[
            column
        ].transform("mean")
    return frame


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """The feature columns of a frame from :func:`build_features` (all but the keys)."""
    return [c for c in frame.columns if c not in ("iso3", "year")]
