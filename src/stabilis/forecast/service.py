"""``ForecastService(ws)``: the forecasting entry points every interface calls.

>>> forecasts = ForecastService(ws)                      # doctest: +SKIP
>>> forecasts.target_agreement().summary()               # doctest: +SKIP
>>> forecasts.backtest(first=2005).scores()              # doctest: +SKIP
>>> forecasts.run(as_of=2023).tidy()                     # doctest: +SKIP
>>> forecasts.explain("UKR", "electoral")                # doctest: +SKIP
>>> forecasts.top(group="partners", n=20)                # doctest: +SKIP
>>> forecasts.score()                                    # doctest: +SKIP
>>> forecasts.calibration()                              # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from stabilis.errors import NotFoundError, QueryError
from stabilis.forecast.archive import ForecastArchive
from stabilis.forecast.backtest import (
    ForecastFrame,
    annotate,
    forecast_origin,
    run_backtest,
)
from stabilis.forecast.design import DesignInputs, ForecastConfig, ForecastDesign, assemble_design
from stabilis.forecast.features import panel_indicators
from stabilis.forecast.scoring import calibration_curve, score_table
from stabilis.forecast.targets import (
    SPACES,
    TargetAgreement,
    attach_gwcode,
    barometer_identity,
    code_space_targets,
    compare_with_published,
    resolve_outcomes,
    resolve_space,
)

if TYPE_CHECKING:
    import pandas as pd


class WorkspaceLike(Protocol):
    """What the service needs from a :class:`~stabilis.workspace.Workspace`."""

    settings: Any

    def panel(self, indicators: Sequence[str] | str, countries: Any = None,
              years: tuple[int, int] | None = None) -> pd.DataFrame: ...  # fmt: skip

    def table(self, name: str, iso3: str | None = None) -> pd.DataFrame: ...

    def countries(self, group: str | None = None, year: int | None = None) -> pd.DataFrame: ...

    def group_members(self, group: str, year: int | None = None) -> list[str]: ...

    def snapshots(self) -> pd.DataFrame: ...


class ForecastService:
    """Targets, backtests, live forecasts, explanations and the archive over one workspace."""

    def __init__(
        self, ws: WorkspaceLike, config: ForecastConfig | None = None,
        archive_dir: Path | None = None,
    ) -> None:  # fmt: skip
        self.ws = ws
        self.config = config or ForecastConfig()
        self.archive = ForecastArchive(archive_dir or Path(ws.settings.data_dir) / "forecasts")
        self._inputs: DesignInputs | None = None
        self._designs: dict[tuple[str, int | None], ForecastDesign] = {}

    # -- data ---------------------------------------------------------------------------------

    def inputs(self) -> DesignInputs:
        """Everything the design is built from, read once from the warehouse."""
        if self._inputs is None:
            panel = self.ws.panel([*panel_indicators(), "ptcoups.pt_attempt"])
            countries = self.ws.countries()
            neighbours: dict[str, list[str]] = {
                str(row.iso3): [n for n in str(row.neighbours).split(";") if n]
                for row in countries.itertuples(index=False)
                if isinstance(row.neighbours, str)
            }
            regions_table = self.ws.table("demspaces_regions")
            regions = dict(zip(regions_table["iso3"], regions_table["region"], strict=True))
            for row in countries.itertuples(index=False):
                regions.setdefault(row.iso3, str(row.region))
            cut = self.ws.table("demspaces_cutpoints")
            self._inputs = DesignInputs(
                panel=panel,
                identity=barometer_identity(self.ws.table("demspaces_targets")),
                cutpoints=dict(zip(cut["indicator"], cut["up"].astype(float), strict=True)),
                conflicts=self.ws.table("conflicts")[["iso3", "year", "intensity_level"]],
                episodes=self.ws.table("regime_episodes")[
                    ["iso3", "kind", "start_year", "end_year"]
                ],
                neighbours=neighbours,
                regions=regions,
            )
        return self._inputs

    def design(self, as_of: int | None = None) -> ForecastDesign:
        """The design matrix; with ``as_of``, built from data dated up to that year only."""
        key = (self.config.tie_rule, as_of)
        if key not in self._designs:
            self._designs[key] = assemble_design(
                self.inputs(), tie_rule=self.config.tie_rule, as_of=as_of
            )
        return self._designs[key]

    def targets(self) -> pd.DataFrame:
        """The six spaces' ERT-lite targets per Barometer country (long form)."""
        inputs = self.inputs()
        return code_space_targets(
            self._space_series(inputs), inputs.cutpoints, tie_rule=self.config.tie_rule
        )

    def _space_series(self, inputs: DesignInputs) -> pd.DataFrame:
        codes = [s.code for s in SPACES.values()]
        spaces = inputs.panel.loc[inputs.panel[codes].notna().all(axis=1), ["iso3", "year", *codes]]
        spaces = spaces.rename(columns={s.code: s.indicator for s in SPACES.values()})
        return attach_gwcode(spaces, inputs.identity)

    def target_agreement(self) -> TargetAgreement:
        """The coded targets against the Barometer's published dv-lists."""
        inputs = self.inputs()
        series = self._space_series(inputs)
        coded = code_space_targets(series, inputs.cutpoints, tie_rule=self.config.tie_rule)
        published = self.ws.table("demspaces_targets")
        return compare_with_published(coded, published, series, inputs.cutpoints)

    # -- forecasts -------------------------------------------------------------------------------

    def backtest(
        self,
        first: int = 2005,
        last: int | None = None,
        *,
        outcomes: Sequence[str] | None = None,
        archive: bool = True,
    ) -> ForecastFrame:
        """The honest walk-forward backtest over origins ``first … last``."""
        config = replace(self.config, outcomes=tuple(outcomes or self.config.outcomes))
        result = run_backtest(self.design(), config, first, last)
        if archive:
            entry = self.archive.save(result.forecasts, kind="backtest", as_of=None,
                                      snapshots=self.ws.snapshots(), config=config)  # fmt: skip
            result.meta["archive_id"] = entry.id
        return result

    def run(
        self, as_of: int | None = None, *, outcomes: Sequence[str] | None = None,
        archive: bool = True, top_factors: int = 3,
    ) -> ForecastFrame:  # fmt: skip
        """A live forecast from data dated up to ``as_of`` (default: the latest space year).

        Each forecast carries its interval and its ``top_factors`` largest contributions.
        """
        full = self.design()
        year = full.last_year if as_of is None else int(as_of)
        if year > full.last_year:
            raise QueryError(
                f"The space data end in {full.last_year}; forecast --as-of {full.last_year} or "
                "earlier."
            )
        design = self.design(as_of=year)
        config = replace(self.config, outcomes=tuple(outcomes or self.config.outcomes))
        selected = resolve_outcomes(list(config.outcomes) or None)
        forecasts, models = forecast_origin(design, year, config, selected, keep_models=True)
        forecasts["factors"] = self._factors(design, year, models, forecasts, top_factors)
        result = ForecastFrame(forecasts, config, meta={"as_of": year})
        if archive:
            entry = self.archive.save(forecasts, kind="run", as_of=year,
                                      snapshots=self.ws.snapshots(), config=config)  # fmt: skip
            result.meta["archive_id"] = entry.id
        return result

    @staticmethod
    def _factors(
        design: ForecastDesign, year: int, models: dict[str, Any], forecasts: pd.DataFrame,
        top: int,
    ) -> list[str]:  # fmt: skip
        test = design.years == year
        features = design.features[test]
        text: dict[tuple[str, str], str] = {}
        for key, model in models.items():
            contrib = model.contributions(features).drop(columns="bias")
            for iso3, row in zip(design.rows["iso3"].to_numpy()[test], contrib.to_numpy(),
                                 strict=True):  # fmt: skip
                order = np.argsort(-np.abs(row))[:top]
                text[(key, iso3)] = "; ".join(f"{contrib.columns[i]} {row[i]:+.2f}" for i in order)
        return [text.get((o, c), "") for o, c in zip(forecasts["outcome"], forecasts["iso3"],
                                                     strict=True)]  # fmt: skip

    def explain(
        self, country: str, space: str, *, as_of: int | None = None, top: int = 10
    ) -> pd.DataFrame:
        """The largest contributions (SHAP, log-odds) to a country's opening and closing
        forecasts in one space: ``direction, feature, value, contribution, p``."""
        import pandas as pd

        chosen = resolve_space(space)
        full = self.design()
        year = full.last_year if as_of is None else int(as_of)
        design = self.design(as_of=year)
        iso3 = country.strip().upper()
        mask = (design.years == year) & (design.rows["iso3"].to_numpy() == iso3)
        if not mask.any():
            raise NotFoundError(
                f"No forecast row for '{country}' in {year}: the Barometer's data do not cover it "
                "(use an ISO3 code such as UKR)."
            )
        keys = [f"{chosen.name}_up", f"{chosen.name}_down"]
        config = replace(self.config, outcomes=tuple(keys))
        forecasts, models = forecast_origin(design, year, config, resolve_outcomes(keys),
                                            keep_models=True)  # fmt: skip
        rows = []
        features = design.features[mask]
        for key in keys:
            contrib = models[key].contributions(features).drop(columns="bias").iloc[0]
            p = float(forecasts.loc[(forecasts["outcome"] == key) & (forecasts["iso3"] == iso3),
                                    "p"].iloc[0])  # fmt: skip
            order = contrib.abs().sort_values(ascending=False).index[:top]
            for feature in order:
                rows.append(
                    {
                        "iso3": iso3, "space": chosen.name, "as_of": year,
                        "direction": "opening" if key.endswith("_up") else "closing",
                        "p": p, "feature": feature,
                        "value": float(features[feature].iloc[0]),
                        "contribution": float(contrib[feature]),
                    }
                )  # fmt: skip
        return pd.DataFrame(rows)

    def top(
        self, group: str | None = None, n: int = 20, *, as_of: int | None = None,
        outcome: str | None = None, forecast: ForecastFrame | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Countries ranked by their highest forecast risk (closing or instability events).

        ``group`` filters to a group's members in the as-of year (``partners``, ``nato``...).
        """
        chosen = [resolve_outcomes([outcome])[0].key] if outcome else None
        result = forecast or self.run(as_of=as_of, outcomes=chosen, archive=False)
        year = int(result.meta["as_of"])
        frame = annotate(result.forecasts)
        if outcome:
            frame = frame[frame["outcome"] == resolve_outcomes([outcome])[0].key]
        else:
            frame = frame[frame["direction"] != "up"]
        if group:
            members = set(self.ws.group_members(group, year))
            frame = frame[frame["iso3"].isin(members)]
        best = frame.sort_values("p", ascending=False).groupby("iso3", sort=False).head(1)
        columns = ["iso3", "outcome", "p", "lower", "upper", "factors"]
        return best[columns].head(n).reset_index(drop=True)

    # -- the archive ------------------------------------------------------------------------------

    def _rescored(self) -> list[tuple[Any, pd.DataFrame]]:
        """Every archived forecast set (oldest first) with ``now``, its realised target in the
        warehouse today, and ``direction``; forecasts whose target is unknown are dropped."""
        import pandas as pd

        design = self.design()
        realised = design.targets.copy()
        realised["iso3"] = design.rows["iso3"].to_numpy()
        realised["year"] = design.years
        out = []
        for entry in self.archive.entries():
            forecasts = self.archive.load(entry.id)
            long = []
            for outcome in resolve_outcomes(list(forecasts["outcome"].unique())):
                part = forecasts[forecasts["outcome"] == outcome.key]
                y = realised[["iso3", "year", outcome.column]].rename(
                    columns={"year": "origin", outcome.column: "now"}
                )
                long.append(part.merge(y, on=["iso3", "origin"], how="left"))
            out.append((entry, annotate(pd.concat(long, ignore_index=True)).dropna(subset=["now"])))
        return out

    def score(self) -> pd.DataFrame:
        """Rescore every archived forecast against the targets in the warehouse now.

        One row per archived forecast set and direction: how many of its forecasts now have a
        realised target, and their scores.
        """
        import pandas as pd

        rows = []
        for entry, merged in self._rescored():
            if merged.empty:
                rows.append({"archive_id": entry.id, "kind": entry.kind, "as_of": entry.as_of,
                             "direction": None, "n": 0})  # fmt: skip
                continue
            table = score_table(merged, "p", "now", ["direction"])
            for record in table.to_dict(orient="records"):
                rows.append({"archive_id": entry.id, "kind": entry.kind, "as_of": entry.as_of,
                             **{str(k): v for k, v in record.items()}})  # fmt: skip
        return pd.DataFrame(rows)

    def calibration(self, bins: int = 10) -> pd.DataFrame:
        """Calibration curves of the newest archived backtest with realised targets (else of the
        newest archived live run with any).

        One row per direction and probability bin: ``archive_id, kind, as_of, direction, bin,
        lower, upper, mean_predicted, observed_rate, count``. Backtests come first because they
        hold many origins' realised forecasts; a recent live run may hold only the few whose
        source already reaches past its window (e.g. coups). Empty when no archived forecast has
        a realised target yet.
        """
        import pandas as pd

        if not 2 <= bins <= 50:
            raise QueryError(f"Calibration needs 2 to 50 bins (got {bins}).")
        rescored = [(e, m) for e, m in reversed(self._rescored()) if not m.empty]
        if not rescored:
            return pd.DataFrame(columns=["archive_id", "kind", "as_of", "direction", "bin",
                                         "lower", "upper", "mean_predicted", "observed_rate",
                                         "count"])  # fmt: skip
        rescored.sort(key=lambda pair: pair[0].kind != "backtest")  # stable: newest first within
        entry, merged = rescored[0]
        parts = []
        for direction, part in merged.groupby("direction", sort=True):
            curve = calibration_curve(part["now"], part["p"], bins)
            curve.insert(0, "direction", direction)
            parts.append(curve)
        frame = pd.concat(parts, ignore_index=True)
        frame.insert(0, "as_of", entry.as_of)
        frame.insert(0, "kind", entry.kind)
        frame.insert(0, "archive_id", entry.id)
        return frame
