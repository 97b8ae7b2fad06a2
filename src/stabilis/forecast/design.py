"""The forecasting configuration and the design matrix: rows, features and targets together.

:class:`ForecastConfig` holds every choice that changes a number (model, ensemble size,
calibration, seed, tie rule, bounds rule); it is stored with every archived forecast.
:func:`assemble_design` joins the Barometer's country-years (its own G&W identity), the
features and all 15 targets. With ``as_of`` it first drops every input dated after that year,
so a live forecast cannot see later data even by accident.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import QueryError
from stabilis.forecast.features import build_features, feature_columns
from stabilis.forecast.models import CALIBRATIONS, make_forecaster
from stabilis.forecast.origins import FIRST_TRAIN_YEAR
from stabilis.forecast.recalibration import RECALIBRATIONS
from stabilis.forecast.targets import (
    SPACES,
    TIE_RULES,
    Outcome,
    attach_gwcode,
    code_space_targets,
    conflict_onsets,
    episode_onsets,
    event_next2,
    outcomes,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class ForecastConfig:
    """Every setting that changes a forecast. Stored with each archived forecast.

    ``n_jobs`` (worker processes over origins) changes speed only, never a number.
    """

    model: str = "lgbm"
    n_estimators: int = 60
    learning_rate: float = 0.1
    num_leaves: int = 7
    feature_fraction: float = 0.3
    n_members: int = 5
    calibration: str = "oob"
    holdout_years: int = 5
    interval: tuple[float, float] = (0.1, 0.9)
    seed: int = 20240601
    num_threads: int = 1
    n_jobs: int = 2
    tie_rule: str = "float"
    bounds_rule: bool = True
    train_first: int = FIRST_TRAIN_YEAR
    outcomes: tuple[str, ...] = field(default_factory=tuple)
    #: Release of V-Dem's high-level indices: v15 (the warehouse's) or v14 (the lite snapshot's).
    vdem_release: str = "v15"
    #: Blend each space outcome's two-year model with a one-year hazard model (see
    #: :class:`~stabilis.forecast.models.BlendedForecaster`).
    hazard_blend: bool = True
    #: The hazard model also learns from the year before the origin, with that row's target
    #: as known at the origin (``<indicator>_<dir>_next1_known``; rows only rule (c) could
    #: still make an event are left out). No data after the origin are read.
    hazard_latest_year: bool = True
    #: Walk-forward recalibration of the space outcomes (see
    #: :mod:`~stabilis.forecast.recalibration`): ``spread``, ``platt``, ``isotonic`` or ``none``.
    recalibration: str = "spread"
    #: Origins before ``--from`` a backtest also fits (space outcomes only), whose realised
    #: forecasts teach the first origins' recalibration; they are not returned or scored.
    #: Five (ten until 2 December 2026): over three seeds the same ranking (ROC-AUC and PR-AUC
    #: within ±0.0007) for 11 % less CPU (docs/forecast.md).
    recalibration_warmup: int = 5

    def __post_init__(self) -> None:
        if self.model not in ("lgbm", "logit"):
            raise QueryError(f"Unknown model '{self.model}'. Models: lgbm, logit.")
        if self.calibration not in CALIBRATIONS:
            raise QueryError(f"calibration must be one of {', '.join(CALIBRATIONS)}.")
        if self.tie_rule not in TIE_RULES:
            raise QueryError(f"tie_rule must be one of {', '.join(TIE_RULES)}.")
        if self.recalibration not in RECALIBRATIONS:
            raise QueryError(f"recalibration must be one of {', '.join(RECALIBRATIONS)}.")
        if self.recalibration_warmup < 0:
            raise QueryError("recalibration_warmup must be 0 or more origins.")
        if self.n_members < 1:
            raise QueryError("n_members must be at least 1.")
        if self.n_jobs < 1:
            raise QueryError("n_jobs must be at least 1.")
        if self.vdem_release not in ("v15", "v14"):
            raise QueryError(
                f"Unknown V-Dem release '{self.vdem_release}'. Releases in the warehouse: v15, "
                "v14 (its high-level indices come from the lite snapshot)."
            )

    def estimator(self) -> Any:
        """A fresh, unfitted estimator for this configuration."""
        if self.model == "logit":
            # the logistic baseline has no bootstrap members, so no out-of-bag rows: with
            # ``oob`` it keeps the inner-split Platt map it has always had
            calibration = "platt" if self.calibration == "oob" else self.calibration
            return make_forecaster(
                "logit", calibration=calibration, holdout_years=self.holdout_years
            )
        return make_forecaster(
            "lgbm",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            feature_fraction=self.feature_fraction,
            n_members=self.n_members,
            calibration=self.calibration,
            holdout_years=self.holdout_years,
            interval=self.interval,
            seed=self.seed,
            num_threads=self.num_threads,
        )

    def to_dict(self) -> dict[str, Any]:
        """The settings as a JSON-ready dict (stored in every archive manifest)."""
        data = asdict(self)
        data["interval"] = list(self.interval)
        data["outcomes"] = list(self.outcomes)
        return data


@dataclass(frozen=True)
class ForecastDesign:
    """Rows (``iso3, gwcode, year``), their features and targets, aligned by position."""

    rows: pd.DataFrame
    features: pd.DataFrame
    targets: pd.DataFrame
    cutpoints: Mapping[str, float]
    last_year: int
    outcomes: tuple[Outcome, ...]
    #: Indicators carried forward to the origin, and by how many years (empty when none).
    lags: Mapping[str, int] = field(default_factory=dict)
    #: Space outcomes' events in the first window year alone, by rules (a) and (b), where the
    #: full two-year target is not yet observed: the "known year" of a partial window.
    partial: pd.DataFrame | None = None

    @property
    def origin_year(self) -> int:
        """The latest row year (the live origin of an as-of design)."""
        return int(self.rows["year"].max())

    @property
    def years(self) -> np.ndarray:
        return self.rows["year"].to_numpy()

    def target(self, outcome: Outcome) -> np.ndarray:
        return self.targets[outcome.column].to_numpy(dtype=float)

    def target_as_known(self, column: str, latest: int) -> np.ndarray:
        """Target ``column`` with the rows of year ``latest`` as the data's last year shows them
        (``<column>_known``: NaN where only rule (c) could still make an event), for a model
        whose newest training row is one whose target the data do not yet fully show. The full
        target where the design has no such variant."""
        values = self.targets[column].to_numpy(dtype=float)
        known = f"{column}_known"
        if known not in self.targets.columns:
            return values
        at = self.years == latest
        return np.where(at, self.targets[known].to_numpy(dtype=float), values)


@dataclass(frozen=True)
class DesignInputs:
    """What the design is built from (all read from the warehouse by the service)."""

    panel: pd.DataFrame
    identity: pd.DataFrame
    cutpoints: Mapping[str, float]
    conflicts: pd.DataFrame
    episodes: pd.DataFrame
    neighbours: Mapping[str, Sequence[str]]
    regions: Mapping[str, str]

    def truncated(self, as_of: int) -> DesignInputs:
        """The same inputs without anything dated after ``as_of``."""
        episodes = self.episodes[self.episodes["start_year"] <= as_of].copy()
        episodes["end_year"] = episodes["end_year"].clip(upper=as_of)
        return DesignInputs(
            panel=self.panel[self.panel["year"] <= as_of].reset_index(drop=True),
            identity=self.identity,
            cutpoints=self.cutpoints,
            conflicts=self.conflicts[self.conflicts["year"] <= as_of].reset_index(drop=True),
            episodes=episodes.reset_index(drop=True),
            neighbours=self.neighbours,
            regions=self.regions,
        )


#: Indicators that run to the present without measuring a year's politics: registry flags, the
#: state's age, the Barometer's population series (projected to 2025) and the coup record
#: (events are listed as they happen). They never set the live origin; they are cut at it.
NOT_MEASURING = ("nato.", "gw.", "ptcoups.", "demspaces.pop")
#: A source more than this many years behind the origin is not carried forward (its features are
#: missing at the origin instead).
MAX_LAG = 2


def indicator_last_years(panel: pd.DataFrame) -> dict[str, int]:
    """Each indicator's last year of broad coverage.

    The last year in which the indicator covers at least half as many countries as in its best
    year of the ten before, so a handful of early values does not count as a new year.
    """
    out: dict[str, int] = {}
    for code in panel.columns:
        if code in ("iso3", "year"):
            continue
        counts = panel.loc[panel[code].notna(), "year"].value_counts().sort_index()
        if counts.empty:
            continue
        years = counts.index.to_numpy(dtype=int)
        values = counts.to_numpy()
        for i in range(len(years) - 1, -1, -1):
            window = values[max(0, i - 10) : i + 1]
            if values[i] >= 0.5 * window.max():
                out[str(code)] = int(years[i])
                break
    return out


def live_origin(panel: pd.DataFrame) -> int:
    """The latest year any source that measures a country-year covers (see
    :data:`NOT_MEASURING` for the ones that do not count)."""
    last = {c: y for c, y in indicator_last_years(panel).items()
            if not c.startswith(NOT_MEASURING)}  # fmt: skip
    if not last:
        raise QueryError("The warehouse has no forecast inputs; rebuild it with 'stabilis build'.")
    return max(last.values())


def source_lags(panel: pd.DataFrame, origin: int, max_lag: int = MAX_LAG) -> dict[str, int]:
    """Indicators whose last year is before ``origin``: how many years each is carried forward.

    As the Barometer does for its live forecast, an indicator that ends ``k`` years before the
    origin (k ≤ ``max_lag``) enters every row's features lagged by ``k`` years: row s reads the
    value of s − k, in training as at the origin, so the model learns the relation it is used
    with.
    """
    lags = {}
    for code, year in indicator_last_years(panel).items():
        k = origin - year
        if 0 < k <= max_lag:
            lags[code] = k
    return lags


def lag_panel(panel: pd.DataFrame, lags: Mapping[str, int]) -> pd.DataFrame:
    """``panel`` with each lagged indicator's values moved ``k`` years later (row s holds s − k);
    rows are added up to the latest year so lagged values reach the origin."""
    import pandas as pd

    if not lags:
        return panel
    last = int(panel["year"].max())
    out = panel.drop(columns=list(lags)).set_index(["iso3", "year"])
    for k in sorted(set(lags.values())):
        codes = [c for c, v in lags.items() if v == k]
        moved = panel[["iso3", "year", *codes]].copy()
        moved["year"] = moved["year"] + k
        moved = moved[moved["year"] <= last].dropna(subset=codes, how="all")
        out = out.join(moved.set_index(["iso3", "year"]), how="outer")
    return (
        pd.DataFrame(out.reset_index())
        .sort_values(["iso3", "year"], kind="stable")
        .reset_index(drop=True)
    )


def _last_year(panel: pd.DataFrame, code: str) -> int:
    present = panel.loc[panel[code].notna(), "year"]
    if present.empty:
        raise QueryError(
            f"The warehouse has no values of {code}; rebuild it with 'stabilis build'."
        )
    return int(present.max())


def assemble_design(
    inputs: DesignInputs, *, tie_rule: str = "float", as_of: int | None = None,
    lag: bool = True, overrides: Mapping[tuple[str, str], float] | None = None,
) -> ForecastDesign:  # fmt: skip
    """Join the Barometer's country-years, features and all targets (see the module doc).

    With ``as_of`` every input is first truncated at that year; with ``lag`` (the default)
    every indicator that ends before ``as_of`` is carried forward to it (:func:`source_lags`),
    so a 2024 origin forecasts from V-Dem's 2024 high-level indices, Freedom House and UCDP for
    2024 and the space indicators of 2023.

    ``overrides`` ((iso3, indicator) → value) replaces inputs as they enter the origin row
    (after lagging): a scenario. Targets never see them.
    """
    import pandas as pd

    if as_of is not None:
        inputs = inputs.truncated(as_of)
    panel = inputs.panel
    space_codes = [s.code for s in SPACES.values()]
    series = _space_series(panel, inputs.identity)
    last_year = _last_year(panel, space_codes[0])
    coded = code_space_targets(series, inputs.cutpoints, tie_rule=tie_rule, last_year=last_year)
    lags = source_lags(panel, as_of) if (as_of is not None and lag) else {}
    conflicts = inputs.conflicts
    if lags:
        panel_for_features = lag_panel(panel, lags)
        conflicts_last = int(conflicts["year"].max()) if len(conflicts) else as_of
        k = int(as_of) - int(conflicts_last)  # type: ignore[arg-type]
        if 0 < k <= MAX_LAG:
            conflicts = conflicts.assign(year=conflicts["year"] + k)
            lags = {**lags, "ucdp.conflicts": k}
        rows = _space_series(panel_for_features, inputs.identity)[["iso3", "gwcode", "year"]]
    else:
        panel_for_features = panel
        rows = series[["iso3", "gwcode", "year"]]
    if overrides:
        if as_of is None:
            raise QueryError("A scenario needs an origin year (as_of).")
        panel_for_features = panel_for_features.copy()
        at_origin = panel_for_features["year"] == as_of
        for (iso3, code), value in overrides.items():
            hit = at_origin & (panel_for_features["iso3"] == iso3)
            if not hit.any():
                raise QueryError(f"There is no {as_of} row for {iso3} to change.")
            panel_for_features.loc[hit, code] = float(value)
    rows = rows.reset_index(drop=True)
    wide = coded.pivot_table(
        index=["gwcode", "year"], columns="indicator", values=["up_next2", "down_next2"],
        aggfunc="first",
    )  # fmt: skip
    targets = pd.DataFrame(index=rows.index)
    keyed = rows.set_index(["gwcode", "year"]).index
    for space in SPACES.values():
        for direction in ("up", "down"):
            column = wide[(f"{direction}_next2", space.indicator)].astype("Float64")
            values = column.reindex(keyed).to_numpy(dtype=float, na_value=np.nan)
            targets[f"{space.indicator}_{direction}_next2"] = values

    targets = _two_year_as_known(pd.concat(
        [targets, _next_year_events(series, rows, inputs.cutpoints, tie_rule, last_year)], axis=1
    ))  # fmt: skip
    attempts = panel.loc[panel["ptcoups.pt_attempt"] == 1, ["iso3", "year"]]
    targets["coup_attempt_next2"] = event_next2(
        rows, attempts, last_year=_last_year(panel, "ptcoups.pt_attempt"),
        first_year=int(panel.loc[panel["ptcoups.pt_attempt"].notna(), "year"].min()),
    )  # fmt: skip
    conflicts_last = int(inputs.conflicts["year"].max()) if len(inputs.conflicts) else last_year
    targets["conflict_onset_next2"] = event_next2(
        rows, conflict_onsets(inputs.conflicts), last_year=conflicts_last
    )
    episodes_last = int(inputs.episodes["end_year"].max()) if len(inputs.episodes) else last_year
    targets["autocratisation_onset_next2"] = event_next2(
        rows, episode_onsets(inputs.episodes), last_year=max(episodes_last, last_year)
    )

    features = build_features(
        panel_for_features, conflicts=conflicts, neighbours=inputs.neighbours,
        regions=inputs.regions, cutpoints=inputs.cutpoints,
    )  # fmt: skip
    nato = [c for c in features.columns if c.startswith("nato.") and "years_since" not in c]
    features[nato] = features[nato].fillna(0.0)
    aligned = rows[["iso3", "year"]].merge(features, on=["iso3", "year"], how="left")
    return ForecastDesign(
        rows=rows,
        features=aligned[feature_columns(aligned)].reset_index(drop=True),
        targets=targets,
        cutpoints=dict(inputs.cutpoints),
        last_year=last_year,
        outcomes=outcomes(),
        lags=lags,
        partial=_first_year_events(series, rows, inputs.cutpoints, tie_rule, last_year),
    )


def _two_year_as_known(targets: pd.DataFrame) -> pd.DataFrame:
    """Add ``<indicator>_<dir>_next2_known``: the two-year target of row s as year s + 2 itself
    shows it — the full target, except NaN where it is 0 only because rule (c) for s + 2 reads
    s + 3. Only a live origin one year after the space data (lagged) trains on such a row (the
    one whose window ends in the data's last year); there the full target would count those
    events as none. The ``_next2_open`` helper columns are dropped."""
    out = targets.copy()
    for space in SPACES.values():
        for direction in ("up", "down"):
            full = out[f"{space.indicator}_{direction}_next2"].to_numpy(dtype=float)
            still_open = out.pop(f"{space.indicator}_{direction}_next2_open").to_numpy(bool)
            out[f"{space.indicator}_{direction}_next2_known"] = np.where(
                still_open & (full == 0), np.nan, full
            )
    return out


def _space_series(panel: pd.DataFrame, identity: pd.DataFrame) -> pd.DataFrame:
    codes = [s.code for s in SPACES.values()]
    spaces = panel.loc[panel[codes].notna().all(axis=1), ["iso3", "year", *codes]]
    spaces = spaces.rename(columns={s.code: s.indicator for s in SPACES.values()})
    return attach_gwcode(spaces, identity)


def _next_year_events(
    series: pd.DataFrame, rows: pd.DataFrame, cutpoints: Mapping[str, float], tie_rule: str,
    last_year: int,
) -> pd.DataFrame:  # fmt: skip
    """One-year targets ``<indicator>_<up|down>_next1``: an event (all three rules) in t + 1;
    0 past the state's end, NaN where t + 2 is after the data (rule (c) for t + 1 reads it).

    ``<indicator>_<up|down>_next1_known`` is the same target as known at t + 1 itself
    (:func:`~stabilis.forecast.targets.ert_lite_known`): 1 by rules (a)/(b), 0 where no rule
    can fire, NaN where rule (c) still could; NaN where t + 1 is after the data. It lets the
    hazard model learn from the row t − 1 of origin t without reading anything after t.
    ``<indicator>_<up|down>_next2_open`` is True where only rule (c) could still make t + 2 an
    event as t + 2 itself shows it (within the state's life and the data); see
    :func:`_two_year_as_known`."""
    import itertools

    import pandas as pd

    from stabilis.forecast.targets import ert_lite_events, ert_lite_known

    data = series.sort_values(["gwcode", "year"], kind="stable").reset_index(drop=True)
    gw = data["gwcode"].to_numpy()
    years = data["year"].to_numpy().astype(int)
    bounds = np.flatnonzero(np.concatenate([[True], gw[1:] != gw[:-1], [True]]))
    state_end = pd.Series(years, index=gw).groupby(level=0).max()
    keyed = rows.set_index(["gwcode", "year"]).index
    row_years = rows["year"].to_numpy()
    state_ends = rows["gwcode"].map(state_end).to_numpy(dtype=float)
    past_state = row_years + 1 > state_ends
    past_second = (row_years + 2 > state_ends) | (row_years + 2 > last_year)
    out = pd.DataFrame(index=rows.index)
    for space in SPACES.values():
        values = data[space.indicator].to_numpy(dtype=float)
        cp = float(cutpoints[space.indicator])
        for direction, sign in (("up", 1.0), ("down", -1.0)):
            events = np.zeros(len(data), dtype=bool)
            for start, stop in itertools.pairwise(bounds):
                events[start:stop] = ert_lite_events(sign * values[start:stop], cp, tie_rule)
            at = pd.Series(events.astype(float), index=pd.MultiIndex.from_arrays([gw, years - 1]))
            column = at.reindex(keyed).to_numpy(dtype=float, copy=True)
            column[past_state] = 0.0
            column[row_years + 2 > last_year] = np.nan
            out[f"{space.indicator}_{direction}_next1"] = column
            # the targets as known at the origin, for the training rows just before it: an
            # event in year y is known at y by rules (a)/(b) (rule (c) reads y + 1)
            known = np.zeros(len(data), dtype=float)
            for start, stop in itertools.pairwise(bounds):
                known[start:stop] = ert_lite_known(sign * values[start:stop], cp, tie_rule)
            at = pd.Series(known, index=pd.MultiIndex.from_arrays([gw, years - 1]))
            column = at.reindex(keyed).to_numpy(dtype=float, copy=True)
            column[past_state] = 0.0
            column[row_years + 1 > last_year] = np.nan
            out[f"{space.indicator}_{direction}_next1_known"] = column
            at = pd.Series(known, index=pd.MultiIndex.from_arrays([gw, years - 2]))
            still_open = np.isnan(at.reindex(keyed).to_numpy(dtype=float)) & ~past_second
            out[f"{space.indicator}_{direction}_next2_open"] = still_open
    return out


def _first_year_events(
    series: pd.DataFrame, rows: pd.DataFrame, cutpoints: Mapping[str, float], tie_rule: str,
    last_year: int,
) -> pd.DataFrame:  # fmt: skip
    """Per space outcome, aligned with ``rows``: for rows whose window ends one year after the
    data (t + 1 = the last year), 1 if t + 1 already is an event by rules (a)/(b), else 0;
    NaN elsewhere. Rule (c) for t + 1 needs t + 2, which is not yet known, so this counts only
    what the known year shows."""
    import itertools

    import pandas as pd

    from stabilis.forecast.targets import ert_lite_events

    data = series.sort_values(["gwcode", "year"], kind="stable").reset_index(drop=True)
    gw = data["gwcode"].to_numpy()
    years = data["year"].to_numpy().astype(int)
    bounds = np.flatnonzero(np.concatenate([[True], gw[1:] != gw[:-1], [True]]))
    out = pd.DataFrame(index=rows.index)
    keyed = rows.set_index(["gwcode", "year"]).index
    for space in SPACES.values():
        values = data[space.indicator].to_numpy(dtype=float)
        cp = float(cutpoints[space.indicator])
        for direction, sign in (("up", 1.0), ("down", -1.0)):
            events = np.zeros(len(data), dtype=bool)
            for start, stop in itertools.pairwise(bounds):
                events[start:stop] = ert_lite_events(sign * values[start:stop], cp, tie_rule,
                                                     rules="ab")  # fmt: skip
            at = pd.Series(events.astype(float), index=pd.MultiIndex.from_arrays([gw, years - 1]))
            column = at.reindex(keyed).to_numpy(dtype=float, copy=True)
            column[rows["year"].to_numpy() + 1 != last_year] = np.nan
            out[f"{space.indicator}_{direction}_next2"] = column
    return out
