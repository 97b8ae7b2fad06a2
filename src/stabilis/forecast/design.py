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
    calibration: str = "platt"
    holdout_years: int = 5
    interval: tuple[float, float] = (0.1, 0.9)
    seed: int = 20240601
    num_threads: int = 1
    n_jobs: int = 2
    tie_rule: str = "float"
    bounds_rule: bool = True
    train_first: int = FIRST_TRAIN_YEAR
    outcomes: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.model not in ("lgbm", "logit"):
            raise QueryError(f"Unknown model '{self.model}'. Models: lgbm, logit.")
        if self.calibration not in CALIBRATIONS:
            raise QueryError(f"calibration must be one of {', '.join(CALIBRATIONS)}.")
        if self.tie_rule not in TIE_RULES:
            raise QueryError(f"tie_rule must be one of {', '.join(TIE_RULES)}.")
        if self.n_members < 1:
            raise QueryError("n_members must be at least 1.")
        if self.n_jobs < 1:
            raise QueryError("n_jobs must be at least 1.")

    def estimator(self) -> Any:
        """A fresh, unfitted estimator for this configuration."""
        if self.model == "logit":
            return make_forecaster(
                "logit", calibration=self.calibration, holdout_years=self.holdout_years
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

    def as_dict(self) -> dict[str, Any]:
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

    @property
    def years(self) -> np.ndarray:
        return self.rows["year"].to_numpy()

    def target(self, outcome: Outcome) -> np.ndarray:
        return self.targets[outcome.column].to_numpy(dtype=float)


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


def _last_year(panel: pd.DataFrame, code: str) -> int:
    present = panel.loc[panel[code].notna(), "year"]
    if present.empty:
        raise QueryError(
            f"The warehouse has no values of {code}; rebuild it with 'stabilis build'."
        )
    return int(present.max())


def assemble_design(
    inputs: DesignInputs, *, tie_rule: str = "float", as_of: int | None = None
) -> ForecastDesign:
    """Join the Barometer's country-years, features and all targets (see the module doc)."""
    import pandas as pd

    if as_of is not None:
        inputs = inputs.truncated(as_of)
    panel = inputs.panel
    space_codes = [s.code for s in SPACES.values()]
    spaces = panel.loc[panel[space_codes].notna().all(axis=1), ["iso3", "year", *space_codes]]
    spaces = spaces.rename(columns={s.code: s.indicator for s in SPACES.values()})
    series = attach_gwcode(spaces, inputs.identity)
    last_year = _last_year(panel, space_codes[0])
    coded = code_space_targets(series, inputs.cutpoints, tie_rule=tie_rule, last_year=last_year)
    wide = coded.pivot_table(
        index=["gwcode", "year"], columns="indicator", values=["up_next2", "down_next2"],
        aggfunc="first",
    )  # fmt: skip
    rows = series[["iso3", "gwcode", "year"]].reset_index(drop=True)
    targets = pd.DataFrame(index=rows.index)
    keyed = rows.set_index(["gwcode", "year"]).index
    for space in SPACES.values():
        for direction in ("up", "down"):
            column = wide[(f"{direction}_next2", space.indicator)].astype("Float64")
            values = column.reindex(keyed).to_numpy(dtype=float, na_value=np.nan)
            targets[f"{space.indicator}_{direction}_next2"] = values

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
        panel, conflicts=inputs.conflicts, neighbours=inputs.neighbours, regions=inputs.regions,
        cutpoints=inputs.cutpoints,
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
    )
