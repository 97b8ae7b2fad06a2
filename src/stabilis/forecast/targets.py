"""What is forecast: the Barometer's opening/closing events and three further stability targets.

Space targets ("ERT-lite", Democratic Spaces Barometer)
--------------------------------------------------------
For a space indicator x with frozen cut-point cp, year t of a country is an *up* event when

(a) x_t − x_{t−1} > cp, or
(b) x_t − x_{t−2} > cp and both yearly steps x_{t−1} − x_{t−2} and x_t − x_{t−1} exceed 0.1·cp, or
(c) x_{t+1} − x_{t−1} > cp and both steps x_t − x_{t−1} and x_{t+1} − x_t exceed 0.1·cp;

*down* is the same on −x. A country's first two years are never events. The target
``up_next2(t)`` is 1 when t+1 or t+2 is an up event (``down_next2`` likewise). Rows whose window
runs past the last data year are missing; rows whose window runs past the end of the *state*
(East Germany in 1989–1990, Czechoslovakia 1991–1992, Serbia and Montenegro 2004–2005) are 0,
as the Barometer publishes them. Countries are the Barometer's own Gleditsch–Ward codes, so a
new code (Czechia 316 from 1993) starts a new series even where the ISO3 code continues.

Tie rule. The published values carry 3 decimals, so a step can equal a cut-point exactly in
decimal terms (Kenya's economic space 2015→2016: 0.379 → 0.409 with cp = 0.03). The Barometer
compares in double precision, so such ties fall on either side as binary floating point puts
them. ``tie_rule="float"`` (the default) does the same and reproduces the published lists;
``"above"`` rounds every difference to 3 decimals and counts a tie as *no* event (strict >);
``"at_or_above"`` counts it as an event (≥). :func:`compare_with_published` reports the
agreement for any rule and explains every disagreement.

Further targets (two years ahead, same machinery)
-------------------------------------------------
``coup_attempt``: a Powell & Thyne coup attempt in t+1 or t+2. ``conflict_onset``: onset of a
UCDP/PRIO armed conflict in t+1 or t+2, an onset being a year with an active conflict located in
the country after two years without one. ``autocratisation_onset``: the first year of a V-Dem ERT
autocratisation episode in t+1 or t+2.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stabilis.errors import NotFoundError, QueryError
from stabilis.sources.demspaces import SPACES as BAROMETER_SPACES
from stabilis.sources.demspaces import Space

if TYPE_CHECKING:
    import pandas as pd

TieRule = Literal["float", "above", "at_or_above"]
TIE_RULES: tuple[str, ...] = ("float", "above", "at_or_above")
HORIZON = 2


#: The six spaces under the Barometer's own names, by short name (the one list is
#: :data:`stabilis.sources.demspaces.SPACES`).
SPACES: dict[str, Space] = {s.name: s for s in BAROMETER_SPACES}
#: Other names users type for a space.
SPACE_ALIASES = {"governmental": "governing", "governance": "governing"}


def resolve_space(name: str) -> Space:
    """A space by its short name, alias, Barometer label or V-Dem indicator name."""
    key = name.strip().lower()
    key = SPACE_ALIASES.get(key, key)
    if key in SPACES:
        return SPACES[key]
    for space in SPACES.values():
        if key in (space.indicator, space.label.lower(), space.code):
            return space
    raise NotFoundError(
        f"There is no space '{name}'. Spaces: {', '.join(SPACES)} (or their V-Dem indicator "
        f"names, e.g. {SPACES['electoral'].indicator})."
    )


@dataclass(frozen=True)
class Outcome:
    """One forecast target: a space and direction, or a further stability event.

    ``lookahead`` is how many years after the target window the coder still reads: ERT-lite's
    rule (c) looks at x_{t+1}, so the event in the window's last year is known one year later.
    A row's target is fully observed at ``year + horizon + lookahead``.
    """

    key: str
    label: str
    column: str
    space: Space | None = None
    direction: Literal["up", "down"] | None = None
    lookahead: int = 0

    @property
    def barometer_outcome(self) -> str:
        """The ``outcome`` value of the Barometer's CSV layout (the V-Dem indicator name)."""
        return self.space.indicator if self.space else self.key


def outcomes() -> tuple[Outcome, ...]:
    """All 15 outcomes: 6 spaces × {up, down}, then the three further targets."""
    found: list[Outcome] = []
    for space in SPACES.values():
        for direction in ("up", "down"):
            word = "opening" if direction == "up" else "closing"
            found.append(
                Outcome(
                    key=f"{space.name}_{direction}",
                    label=f"{space.label} space {word} within 2 years",
                    column=f"{space.indicator}_{direction}_next2",
                    space=space,
                    direction=direction,
                    lookahead=1,
                )
            )
    found += [
        Outcome("autocratisation_onset", "Autocratisation episode begins within 2 years",
                "autocratisation_onset_next2"),
        Outcome("coup_attempt", "Coup attempt within 2 years", "coup_attempt_next2"),
        Outcome("conflict_onset", "Armed conflict onset within 2 years", "conflict_onset_next2"),
    ]  # fmt: skip
    return tuple(found)


def resolve_outcomes(keys: list[str] | None) -> tuple[Outcome, ...]:
    """The outcomes named in ``keys`` (all when None), in canonical order."""
    every = outcomes()
    if not keys:
        return every
    known = {o.key: o for o in every}
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise NotFoundError(f"Unknown outcome '{unknown[0]}'. Outcomes: {', '.join(known)}.")
    return tuple(o for o in every if o.key in keys)


# -- the ERT-lite coder -------------------------------------------------------------------------


def _compare(diff: np.ndarray, threshold: float, tie_rule: str) -> np.ndarray:
    """``diff > threshold`` under the tie rule (NaN compares False)."""
    if tie_rule == "float":
        return np.asarray(diff > threshold)
    rounded = np.round(diff, 3)
    limit = round(threshold, 4)
    if tie_rule == "above":
        return np.asarray(rounded > limit + 1e-9)
    return np.asarray(rounded >= limit - 1e-9)


def ert_lite_events(
    x: np.ndarray, cp: float, tie_rule: str = "float", rules: str = "abc"
) -> np.ndarray:
    """Up events (bool) of one country's consecutive yearly series ``x`` (call on −x for down).

    The first two years are never events; rule (c) is off in the series' last year.
    ``rules="ab"`` leaves out rule (c), which reads the next year (for features at the origin).
    """
    if tie_rule not in TIE_RULES:
        raise QueryError(f"tie_rule must be one of {', '.join(TIE_RULES)}, not '{tie_rule}'.")
    x = np.asarray(x, dtype=float)
    n = len(x)
    nan = np.full(1, np.nan)
    prev1 = np.concatenate([nan, x[:-1]]) if n else x
    prev2 = np.concatenate([nan, nan, x[:-2]])[:n] if n else x
    next1 = np.concatenate([x[1:], nan]) if n else x
    small = 0.1 * cp
    step = _compare(x - prev1, small, tie_rule)
    step_before = _compare(prev1 - prev2, small, tie_rule)
    step_after = _compare(next1 - x, small, tie_rule)
    a = _compare(x - prev1, cp, tie_rule)
    b = _compare(x - prev2, cp, tie_rule) & step_before & step
    c = _compare(next1 - prev1, cp, tie_rule) & step & step_after
    events = a | b | c if "c" in rules else a | b
    events[: min(2, n)] = False
    return events


def ert_lite_known(x: np.ndarray, cp: float, tie_rule: str = "float") -> np.ndarray:
    """Each year's up event as known in that year itself (call on −x for down).

    1 where rule (a) or (b) fires; 0 where none can fire (also rule (c), which needs this
    year's step above 0.1·cp); NaN where only rule (c) could still make it an event, which
    depends on next year's value.
    """
    x = np.asarray(x, dtype=float)
    n = len(x)
    events = ert_lite_events(x, cp, tie_rule, rules="ab").astype(float)
    prev1 = np.concatenate([np.full(1, np.nan), x[:-1]]) if n else x
    open_c = _compare(x - prev1, 0.1 * cp, tie_rule) & (events == 0)
    open_c[: min(2, n)] = False
    events[open_c] = np.nan
    return events


def _next2(events: np.ndarray, years: np.ndarray, last_year: int) -> np.ndarray:
    """Event in t+1 or t+2: NaN past the data's last year, 0 past the state's last year."""
    n = len(events)
    padded = np.concatenate([events.astype(float), np.zeros(HORIZON)])
    out = np.maximum(padded[1 : n + 1], padded[2 : n + 2])
    if n:
        out[years + HORIZON > years[-1]] = 0.0
    out[years + HORIZON > last_year] = np.nan
    return out


def code_space_targets(
    series: pd.DataFrame,
    cutpoints: Mapping[str, float],
    *,
    tie_rule: str = "float",
    last_year: int | None = None,
) -> pd.DataFrame:
    """Code the six spaces' events and two-year targets per Barometer country (gwcode).

    ``series`` has ``gwcode, iso3, year`` and one column per space indicator (the V-Dem names,
    e.g. ``v2x_veracc_osp``); ``cutpoints`` maps those names to their cut-points. Returns the
    long frame ``gwcode, iso3, year, indicator, change, up_next2, down_next2`` (``change`` as
    the Barometer writes it: up, down, same, first year of independence).
    """
    import pandas as pd

    missing = [s.indicator for s in SPACES.values() if s.indicator not in series.columns]
    if missing:
        raise QueryError(f"The space series lack the columns {', '.join(missing)}.")
    data = series.sort_values(["gwcode", "year"], kind="stable").reset_index(drop=True)
    final = int(data["year"].max()) if last_year is None else int(last_year)
    gw = data["gwcode"].to_numpy()
    years = data["year"].to_numpy().astype(int)
    bounds = np.flatnonzero(np.concatenate([[True], gw[1:] != gw[:-1], [True]]))
    gaps = np.diff(years)[(gw[1:] == gw[:-1])]
    if (gaps != 1).any():
        raise QueryError(
            "A country's space series skips a year; the ERT-lite coder needs consecutive years."
        )
    frames = []
    for space in SPACES.values():
        cp = float(cutpoints[space.indicator])
        values = data[space.indicator].to_numpy(dtype=float)
        up = np.zeros(len(data), dtype=bool)
        down = np.zeros(len(data), dtype=bool)
        up_next = np.full(len(data), np.nan)
        down_next = np.full(len(data), np.nan)
        for start, stop in itertools.pairwise(bounds):
            x = values[start:stop]
            up[start:stop] = ert_lite_events(x, cp, tie_rule)
            down[start:stop] = ert_lite_events(-x, cp, tie_rule)
            up_next[start:stop] = _next2(up[start:stop], years[start:stop], final)
            down_next[start:stop] = _next2(down[start:stop], years[start:stop], final)
        change = np.where(up, "up", np.where(down, "down", "same")).astype(object)
        first = np.zeros(len(data), dtype=bool)
        for start in bounds[:-1]:
            first[start : start + 2] = True
        change[first[: len(data)]] = "first year of independence"
        frames.append(
            pd.DataFrame(
                {
                    "gwcode": data["gwcode"].to_numpy(),
                    "iso3": data["iso3"].to_numpy(),
                    "year": years,
                    "indicator": space.indicator,
                    "change": change,
                    "up_next2": pd.array(up_next, dtype="Float64").astype("Int64"),
                    "down_next2": pd.array(down_next, dtype="Float64").astype("Int64"),
                }
            )
        )
    coded = pd.concat(frames, ignore_index=True)
    coded.attrs["tie_rule"] = tie_rule
    return coded


def barometer_identity(targets: pd.DataFrame) -> pd.DataFrame:
    """Spells ``iso3, gwcode, first_year, last_year`` of the Barometer's countries.

    Read from its published target table, where each row carries both codes; the last spell of
    each ISO3 code stays open (``last_year`` = 9999) so newer data keep their country.
    """
    spells = targets.groupby(["iso3", "gwcode"], as_index=False).agg(
        first_year=("year", "min"), last_year=("year", "max")
    )
    spells = spells.sort_values(["iso3", "first_year"], kind="stable")
    latest = spells.groupby("iso3")["first_year"].transform("max") == spells["first_year"]
    spells.loc[latest, "last_year"] = 9999
    return spells.reset_index(drop=True)


def attach_gwcode(frame: pd.DataFrame, identity: pd.DataFrame) -> pd.DataFrame:
    """``frame`` (``iso3, year, ...``) with the Barometer's ``gwcode``; rows outside any spell
    (countries the Barometer does not cover) are dropped."""
    merged = frame.merge(identity, on="iso3", how="inner")
    inside = (merged["year"] >= merged["first_year"]) & (merged["year"] <= merged["last_year"])
    out = merged[inside].drop(columns=["first_year", "last_year"])
    return out.sort_values(["gwcode", "year"], kind="stable").reset_index(drop=True)


# -- agreement with the published lists --------------------------------------------------------


@dataclass(frozen=True)
class TargetAgreement:
    """How the coded targets compare with the Barometer's published dv-lists."""

    #: The columns that identify a row of :meth:`tidy` (first, unique per row).
    TIDY_KEYS = ("indicator", "gwcode", "year", "target")

    tie_rule: str
    compared: int
    agreeing: int
    disagreements: pd.DataFrame = field(repr=False)

    @property
    def agreement(self) -> float:
        """Share of (indicator, country, year, target) values that agree."""
        return self.agreeing / self.compared if self.compared else float("nan")

    def summary(self) -> str:
        lines = [
            f"ERT-lite targets (tie rule '{self.tie_rule}') vs the published dv-lists: "
            f"{self.agreeing:,} of {self.compared:,} values agree ({self.agreement:.4%}); "
            f"{len(self.disagreements)} disagree."
        ]
        for row in self.disagreements.itertuples(index=False):
            lines.append(
                f"  {row.indicator} gwcode {row.gwcode} ({row.iso3}) {row.year} {row.target}: "
                f"coded {row.coded}, published {row.published} — {row.reason}"
            )
        return "\n".join(lines)

    def tidy(self) -> pd.DataFrame:
        """One row per disagreeing value: ``indicator, gwcode, year, target``, then ``iso3``,
        the coded and the published value and the reason."""
        from stabilis.results import keys_first

        return keys_first(self.disagreements, self.TIDY_KEYS)

    def meta(self) -> dict[str, Any]:
        """The comparison's counts and tie rule."""
        return {"tie_rule": self.tie_rule, "compared": self.compared, "agreeing": self.agreeing,
                "disagreeing": len(self.disagreements), "agreement": self.agreement}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        from stabilis.panel.serialise import records

        return {**self.meta(), "disagreements": records(self.disagreements)}


def compare_with_published(
    coded: pd.DataFrame,
    published: pd.DataFrame,
    series: pd.DataFrame,
    cutpoints: Mapping[str, float],
) -> TargetAgreement:
    """Compare coded targets with the published ones and explain each disagreement.

    ``coded`` comes from :func:`code_space_targets`; ``published`` is the warehouse table
    ``demspaces_targets`` (``gwcode, year, indicator, change, up_next2, down_next2``);
    ``series`` the space values used for coding (for the explanations). Compares the two
    targets ``up_next2`` and ``down_next2`` of every row either side has.
    """
    import pandas as pd

    keys = ["gwcode", "year", "indicator"]
    pub = published[[*keys, "up_next2", "down_next2"]].copy()
    merged = coded.merge(pub, on=keys, how="outer", suffixes=("_coded", "_published"))
    rows = []
    compared = agreeing = 0
    for target in ("up_next2", "down_next2"):
        a = merged[f"{target}_coded"].astype("Float64")
        b = merged[f"{target}_published"].astype("Float64")
        same = (a == b).fillna(False) | (a.isna() & b.isna())
        compared += len(merged)
        agreeing += int(same.sum())
        for idx in np.flatnonzero(~same.to_numpy()):
            row = merged.iloc[idx]
            rows.append(
                {
                    "indicator": row["indicator"],
                    "gwcode": int(row["gwcode"]),
                    "iso3": row["iso3"],
                    "year": int(row["year"]),
                    "target": target,
                    "coded": None
                    if pd.isna(row[f"{target}_coded"])
                    else int(row[f"{target}_coded"]),
                    "published": None
                    if pd.isna(row[f"{target}_published"])
                    else int(row[f"{target}_published"]),
                }
            )
    frame = pd.DataFrame(
        rows, columns=["indicator", "gwcode", "iso3", "year", "target", "coded", "published"]
    )
    frame["reason"] = [
        _explain(r, series, cutpoints) for r in frame.itertuples(index=False)
    ] if len(frame) else pd.Series(dtype=object)  # fmt: skip
    tie_rule = str(coded.attrs.get("tie_rule", "float"))
    return TargetAgreement(tie_rule, compared, agreeing, frame)


def _explain(row: object, series: pd.DataFrame, cutpoints: Mapping[str, float]) -> str:
    """Why one coded target differs from the published one."""
    indicator, gwcode, year = row.indicator, row.gwcode, row.year  # type: ignore[attr-defined]
    cp = float(cutpoints[indicator])
    mine = series[series["gwcode"] == gwcode].set_index("year")[indicator]
    if row.coded is None or row.published is None:  # type: ignore[attr-defined]
        return "one side has no row or no target for this country-year (coverage differs)"
    ties = []
    for t in range(year - 1, year + 4):
        for lag, lead in ((1, 0), (2, 0), (1, 1)):
            lo, hi = t - lag, t + lead
            if lo in mine.index and hi in mine.index:
                d = float(mine[hi] - mine[lo])
                if abs(round(abs(d), 3) - round(cp, 3)) < 1e-9:
                    ties.append(f"x{hi}−x{lo} = {d:+.3f}")
    if ties:
        return (
            f"tie: a step equals the cut-point {cp} at 3 decimals ({'; '.join(sorted(set(ties)))}). "
            "Compared in double precision as the Barometer does, the published file's values "
            "put it on the other side; the Barometer's internal values (for the economic space "
            "1 − V-Dem's index) can carry other floating-point noise than the file it published"
        )
    return "no tie at the cut-point nearby; the published value cannot be derived from dv_data"


# -- the further targets -------------------------------------------------------------------


def event_next2(
    universe: pd.DataFrame, events: pd.DataFrame, *, last_year: int, first_year: int | None = None
) -> np.ndarray:
    """1 when ``events`` (``iso3, year``) has a row for the country in t+1 or t+2.

    NaN where t+2 is after ``last_year`` (the source's last year) or t+1 before ``first_year``.
    """
    keys = set(zip(events["iso3"], events["year"].astype(int), strict=True))
    iso3 = universe["iso3"].to_numpy()
    years = universe["year"].to_numpy().astype(int)
    out = np.array(
        [float((c, y + 1) in keys or (c, y + 2) in keys) for c, y in zip(iso3, years, strict=True)]
    )
    out[years + HORIZON > last_year] = np.nan
    if first_year is not None:
        out[years + 1 < first_year] = np.nan
    return out


def conflict_onsets(conflicts: pd.DataFrame, quiet_years: int = 2) -> pd.DataFrame:
    """Onset years (``iso3, year``): active conflict after ``quiet_years`` without one."""
    import pandas as pd

    active = conflicts[["iso3", "year"]].dropna().drop_duplicates()
    keys = set(zip(active["iso3"], active["year"].astype(int), strict=True))
    onset = [
        (c, y)
        for c, y in sorted(keys)
        if not any((c, y - k) in keys for k in range(1, quiet_years + 1))
    ]
    return pd.DataFrame(onset, columns=["iso3", "year"])


def episode_onsets(episodes: pd.DataFrame, kind: str = "autocratization") -> pd.DataFrame:
    """First years (``iso3, year``) of ERT episodes of one kind."""
    chosen = episodes[episodes["kind"] == kind]
    frame = chosen[["iso3", "start_year"]].rename(columns={"start_year": "year"})
    return frame.dropna().drop_duplicates().reset_index(drop=True)
