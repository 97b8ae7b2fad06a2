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

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import NotFoundError, QueryError
from stabilis.forecast.archive import ForecastArchive
from stabilis.forecast.backtest import (
    ForecastFrame,
    annotate,
    calibrate_intervals,
    forecast_origin,
    run_backtest,
)
from stabilis.forecast.design import (
    DesignInputs,
    ForecastConfig,
    ForecastDesign,
    assemble_design,
    live_origin,
)
from stabilis.forecast.features import panel_indicators
from stabilis.forecast.recalibration import apply_map, recalibrate, recalibration_group
from stabilis.forecast.scoring import calibration_curve, calibration_verdict, score_table
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
from stabilis.services import WorkspaceLike

if TYPE_CHECKING:
    import pandas as pd


def lag_summary(design: ForecastDesign) -> list[dict[str, Any]]:
    """Which inputs a design carries forward: one row per source prefix and lag, with the
    indicators (e.g. the six space indicators end in 2023 and enter a 2024 origin lagged 1)."""
    groups: dict[tuple[str, int], list[str]] = {}
    for code, k in sorted(design.lags.items()):
        groups.setdefault((code.split(".", 1)[0], k), []).append(code)
    return [
        {"source": source, "lag_years": k, "last_year": design.origin_year - k,
         "indicators": codes}
        for (source, k), codes in sorted(groups.items())
    ]  # fmt: skip


def _release_text(inputs: list[dict[str, Any]], config: dict[str, Any]) -> str:
    """A short account of the releases a forecast used (V-Dem's, and each file's name)."""
    files = sorted({str(i.get("filename", "")) for i in inputs if i.get("filename")})
    vdem = config.get("vdem_release", "v15")
    return f"V-Dem high-level {vdem}; " + ", ".join(files) if files else f"V-Dem high-level {vdem}"


def _feature_of(code: str) -> str:
    """The feature a panel indicator enters as (its level), for labels."""
    if code.startswith("demspaces.") and code != "demspaces.pop":
        return "space." + code.removeprefix("demspaces.")
    return code


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
            if self.config.vdem_release == "v14":
                from stabilis.forecast.releases import v14_highlevel, with_release

                panel = with_release(
                    panel, v14_highlevel(self.ws.snapshots(), countries, self.ws.settings.data_dir)
                )
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

    def live_origin(self) -> int:
        """The latest year any source that measures a country-year covers (the live origin)."""
        return live_origin(self.inputs().panel)

    def origin_year(self, as_of: int | None) -> int:
        """``as_of`` checked against the data, or the live origin when None."""
        latest = self.live_origin()
        year = latest if as_of is None else int(as_of)
        if year > latest:
            raise QueryError(
                f"The data end in {latest} (the latest year any source measures); forecast "
                f"--as-of {latest} or earlier."
            )
        return year

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
        progress: Callable[[int, int, int], None] | None = None,
    ) -> ForecastFrame:
        """The honest walk-forward backtest over origins ``first … last``; ``progress(done,
        total, origin)`` is told as each origin finishes."""
        config = replace(self.config, outcomes=tuple(outcomes or self.config.outcomes))
        result = run_backtest(self.design(), config, first, last, progress)
        if archive:
            extras = {"warmup": result.warmup} if result.warmup is not None else None
            entry = self.archive.save(result.forecasts, kind="backtest", as_of=None,
                                      snapshots=self.ws.snapshots(), config=config,
                                      extras=extras, inputs=self.input_releases())  # fmt: skip
            result.info["archive_id"] = entry.id
        return result

    def run(
        self, as_of: int | None = None, *, outcomes: Sequence[str] | None = None,
        archive: bool = True, top_factors: int = 3,
    ) -> ForecastFrame:  # fmt: skip
        """A live forecast from data dated up to ``as_of`` (default: the live origin, the latest
        year any source measures; sources that end earlier are carried forward, see
        ``info["lagged"]``).

        Each forecast carries its interval, its ``top_factors`` largest contributions
        (``factors``: raw codes; ``drivers``: the same as sentences) and the country's name.
        The archive keeps every forecast's largest contributions (``drivers.parquet``), so
        :meth:`explain` and :meth:`top` answer from it without refitting.
        """
        import pandas as pd

        year = self.origin_year(as_of)
        design = self.design(as_of=year)
        config = replace(self.config, outcomes=tuple(outcomes or self.config.outcomes))
        selected = resolve_outcomes(list(config.outcomes) or None)
        forecasts, models = forecast_origin(design, year, config, selected, keep_models=True)
        history = self.archive.latest("backtest")
        past = self.archive.load(history.id) if history is not None else None
        if past is not None and "member_lower" not in past.columns:
            past = None  # archived before intervals were calibrated: it cannot calibrate them
        warm = (self.archive.load_extra(history.id, "warmup")
                if past is not None and history is not None else None)  # fmt: skip
        with_warmup = ", its warm-up origins included" if warm is not None else ""
        if past is not None and warm is not None:
            # the backtest's warm-up origins too: the live map then learns from the same
            # realised origins a backtest of this origin would
            past = pd.concat([warm, past], ignore_index=True)
        forecasts = recalibrate(forecasts, past, method=config.recalibration)
        forecasts = calibrate_intervals(forecasts, history=past)
        history_id = history.id if history is not None else ""
        mapped = forecasts[forecasts["recalibrated"]]
        recalibration = {
            "method": config.recalibration,
            "basis": (f"walk-forward map learned from the realised forecasts of backtest "
                      f"{history_id} (origins up to {year - 3}{with_warmup})") if len(mapped) else
                     ("not recalibrated: archive a backtest ('stabilis forecast backtest') "
                      "to learn the map") if config.recalibration != "none" else "off",
            "slopes": {str(k): float(v) for k, v in mapped.groupby(
                recalibration_group(mapped["outcome"]))["recal_slope"].first().items()},
        }  # fmt: skip
        label = {"up": "openings", "down": "closings", "event": "further events"}
        directions = annotate(forecasts)["direction"]
        scales = {
            str(d): float(v)
            for d, v in forecasts.groupby(directions.to_numpy())["interval_scale"].first().items()
        }
        widened = ", ".join(f"{label[d]} {scales[d]:g}x" for d in label if d in scales)
        interval = {
            "scales": scales,
            "basis": (f"ensemble spread widened on the log-odds scale ({widened}), learned "
                      f"from the realised forecasts of backtest {history_id} (origins up to "
                      f"{year - 3}{with_warmup})") if past is not None else
                     ("ensemble spread, not calibrated: archive a backtest "
                      "('stabilis forecast backtest') to calibrate it"),
        }  # fmt: skip
        drivers = self._drivers(design, year, models)
        names = self._names()
        forecasts.insert(3, "country", forecasts["iso3"].map(names).fillna(forecasts["iso3"]))
        drivers.insert(2, "country", drivers["iso3"].map(names).fillna(drivers["iso3"]))
        best = drivers[drivers["rank"] < top_factors]
        keys = list(zip(forecasts["outcome"], forecasts["iso3"], strict=True))
        raw: dict[tuple[str, str], str] = {}
        for f_key, f_iso3, feature, value in zip(best["outcome"], best["iso3"], best["feature"],
                                                 best["contribution"], strict=True):  # fmt: skip
            item = f"{feature} {value:+.2f}"
            raw[(f_key, f_iso3)] = (
                f"{raw[(f_key, f_iso3)]}; {item}" if (f_key, f_iso3) in raw else item
            )
        text = best.groupby(["outcome", "iso3"], sort=False)["sentence"].agg(" ".join).to_dict()
        forecasts["factors"] = [raw.get(k, "") for k in keys]
        forecasts["drivers"] = [text.get(k, "") for k in keys]
        meta = {"as_of": year, "lagged": lag_summary(design), "interval": interval,
                "recalibration": recalibration}  # fmt: skip
        result = ForecastFrame(forecasts, config, info=meta)
        if archive:
            entry = self.archive.save(
                forecasts, kind="run", as_of=year, snapshots=self.ws.snapshots(), config=config,
                extras={"drivers": drivers, "inputs": self._origin_inputs(design, year)},
                inputs=self.input_releases(), meta=meta,
                models=models,
            )  # fmt: skip
            result.info["archive_id"] = entry.id
        return result

    @staticmethod
    def _origin_inputs(design: ForecastDesign, year: int) -> pd.DataFrame:
        """The features of the origin's rows (``iso3`` first), archived to show what changed."""
        rows = design.years == year
        frame = design.features[rows].reset_index(drop=True)
        frame.insert(0, "iso3", design.rows["iso3"].to_numpy()[rows])
        return frame

    def _names(self) -> dict[str, str]:
        countries = self.ws.countries()
        return dict(zip(countries["iso3"], countries["name"], strict=True))

    def input_releases(self) -> list[dict[str, Any]]:
        """The release of every source file the forecasts read: ``source, file_key, snapshot,
        filename, release, sha256, indicators, last_year`` (one row per snapshot)."""
        from stabilis.forecast.design import indicator_last_years

        panel = self.inputs().panel
        last = indicator_last_years(panel)
        catalogue = self.ws.indicators()
        used = catalogue[catalogue["indicator"].isin(list(panel.columns))]
        snaps = self.ws.snapshots()
        columns = [c for c in ("snapshot", "source", "file_key", "filename", "release", "sha256")
                   if c in snaps.columns]  # fmt: skip
        by_snapshot = snaps[columns].drop_duplicates("snapshot").set_index("snapshot")
        out: list[dict[str, Any]] = []
        if self.config.vdem_release == "v14":
            from stabilis.forecast.releases import HIGHLEVEL

            lite = snaps[(snaps["source"] == "vdem") & (snaps["file_key"] == "lite")]
            codes = [f"vdem.{c}" for c in HIGHLEVEL]
            used = used.copy()
            used.loc[used["indicator"].isin(codes), "snapshot"] = str(lite["snapshot"].iloc[-1])
        for snapshot, part in used.groupby("snapshot", sort=True):
            info = by_snapshot.loc[snapshot].to_dict() if snapshot in by_snapshot.index else {}
            codes = sorted(part["indicator"])
            out.append({
                "snapshot": str(snapshot), **{str(k): str(v) for k, v in info.items()},
                "source": str(info.get("source", part["source"].iloc[0])),
                "indicators": codes,
                "last_year": max((last.get(c, 0) for c in codes), default=None),
            })  # fmt: skip
        for table, source in (("conflicts", "ucdp"), ("regime_episodes", "vdem_ert")):
            rows = snaps[snaps["source"] == source]
            for record in rows[columns].to_dict(orient="records"):
                out.append({**{str(k): str(v) for k, v in record.items()}, "indicators": [table],
                            "last_year": None})  # fmt: skip
        return out

    @staticmethod
    def _drivers(
        design: ForecastDesign, year: int, models: dict[str, Any], top: int = 30
    ) -> pd.DataFrame:
        """The ``top`` largest contributions of every forecast of one origin, with labels:
        ``outcome, iso3, origin, rank, feature, label, value, contribution, sentence``."""
        import pandas as pd

        from stabilis.forecast.labels import label, sentence

        test = design.years == year
        features = design.features[test]
        iso3 = design.rows["iso3"].to_numpy()[test]
        values = features.to_numpy(dtype=float)
        parts = []
        for key, model in models.items():
            contrib = model.contributions(features).drop(columns="bias")
            matrix = contrib.to_numpy()
            order = np.argsort(-np.abs(matrix), axis=1, kind="stable")[:, :top]
            rows = np.repeat(np.arange(len(iso3)), order.shape[1])
            cols = order.ravel()
            column_index = [features.columns.get_loc(c) for c in contrib.columns]
            parts.append(pd.DataFrame({
                "outcome": key, "iso3": iso3[rows], "origin": year,
                "rank": np.tile(np.arange(order.shape[1]), len(iso3)),
                "feature": contrib.columns.to_numpy()[cols],
                "value": values[rows, np.asarray(column_index)[cols]],
                "contribution": matrix[rows, cols],
            }))  # fmt: skip
        frame = pd.concat(parts, ignore_index=True)
        labels = {f: label(f) for f in frame["feature"].unique()}
        frame.insert(5, "label", frame["feature"].map(labels))
        frame["sentence"] = [sentence(f, v) for f, v in zip(frame["feature"], frame["value"],
                                                            strict=True)]  # fmt: skip
        return frame

    def _archived_run(self, as_of: int | None, outcomes: Sequence[str] = ()) -> Any:
        """The archived live run to read: of ``as_of`` (else of the latest origin archived), the
        newest holding every one of ``outcomes``; None when there is none."""
        runs = [e for e in self.archive.entries() if e.kind == "run"
                and (as_of is None or e.as_of == as_of)]  # fmt: skip
        runs.sort(key=lambda e: (e.as_of or 0, e.id), reverse=True)
        for entry in runs:
            if not outcomes:
                return entry
            held = set(self.archive.load(entry.id)["outcome"].unique())
            if set(outcomes) <= held:
                return entry
        return None

    def explain(
        self, country: str, space: str, *, as_of: int | None = None, top: int = 10,
        refit: bool = False,
    ) -> pd.DataFrame:  # fmt: skip
        """The largest contributions (SHAP, log-odds) to a country's opening and closing
        forecasts in one space: ``iso3, country, space, as_of, direction, p, feature, label,
        value, contribution, sentence, effect, archive_id``.

        Read from the newest archived live run of that origin (any origin when ``as_of`` is
        None); fitted afresh only when the archive has no run with drivers, or with ``refit``.
        """
        import pandas as pd

        from stabilis.forecast.labels import effect

        chosen = resolve_space(space)
        iso3 = country.strip().upper()
        keys = [f"{chosen.name}_up", f"{chosen.name}_down"]
        entry = None if refit else self._archived_run(as_of, keys)
        drivers = self.archive.load_extra(entry.id, "drivers") if entry is not None else None
        if entry is not None and drivers is not None and set(keys) <= set(drivers["outcome"]):
            forecasts = self.archive.load(entry.id)
            year = int(entry.as_of)
            archive_id = entry.id
        else:
            year = self.origin_year(as_of)
            design = self.design(as_of=year)
            if not ((design.years == year) & (design.rows["iso3"].to_numpy() == iso3)).any():
                drivers = None
                forecasts = pd.DataFrame(columns=["outcome", "iso3", "p"])
            else:
                config = replace(self.config, outcomes=tuple(keys))
                forecasts, models = forecast_origin(design, year, config, resolve_outcomes(keys),
                                                    keep_models=True)  # fmt: skip
                drivers = self._drivers(design, year, models, top)
                drivers.insert(2, "country", iso3)
            archive_id = None
        mine = drivers[drivers["iso3"] == iso3] if drivers is not None else None
        if mine is None or mine.empty:
            raise NotFoundError(
                f"No forecast row for '{country}' in {year}: the Barometer's data do not cover it "
                "(use an ISO3 code such as UKR)."
            )
        rows = []
        for key in keys:
            part = mine[(mine["outcome"] == key) & (mine["rank"] < top)].sort_values("rank")
            p = float(forecasts.loc[(forecasts["outcome"] == key) & (forecasts["iso3"] == iso3),
                                    "p"].iloc[0])  # fmt: skip
            for record in part.to_dict(orient="records"):
                rows.append({
                    "iso3": iso3, "country": record.get("country", iso3), "space": chosen.name,
                    "as_of": year, "direction": "opening" if key.endswith("_up") else "closing",
                    "p": p, "feature": record["feature"], "label": record["label"],
                    "value": float(record["value"]), "contribution": float(record["contribution"]),
                    "sentence": record["sentence"], "effect": effect(record["contribution"]),
                    "archive_id": archive_id,
                })  # fmt: skip
        return pd.DataFrame(rows)

    def top(
        self, group: str | None = None, n: int = 20, *, as_of: int | None = None,
        outcome: str | None = None, forecast: ForecastFrame | None = None,
    ) -> pd.DataFrame:  # fmt: skip
        """Countries ranked by their highest forecast risk (closing or instability events).

        ``group`` filters to a group's members in the as-of year (``partners``, ``nato``...).
        Read from the newest archived live run of that origin (any when ``as_of`` is None);
        fitted afresh only when there is none.
        """
        chosen = [resolve_outcomes([outcome])[0].key] if outcome else None
        if forecast is None:
            entry = self._archived_run(as_of, chosen or ())
            if entry is not None:
                stored = self.archive.load(entry.id)
                if chosen is None or set(chosen) <= set(stored["outcome"]):
                    forecast = ForecastFrame(stored, self.config,
                                             info={"as_of": entry.as_of,
                                                   "archive_id": entry.id})  # fmt: skip
        result = forecast or self.run(as_of=as_of, outcomes=chosen, archive=False)
        year = int(result.info["as_of"])
        frame = annotate(result.forecasts)
        if outcome:
            frame = frame[frame["outcome"] == resolve_outcomes([outcome])[0].key]
        else:
            frame = frame[frame["direction"] != "up"]
        if group:
            members = set(self.ws.group_members(group, year))
            frame = frame[frame["iso3"].isin(members)]
        best = frame.sort_values("p", ascending=False).groupby("iso3", sort=False).head(1)
        if "country" not in best.columns:
            best = best.assign(country=best["iso3"].map(self._names()))
        if "drivers" not in best.columns:
            best = best.assign(drivers="")
        best = best.assign(as_of=year)
        columns = ["iso3", "country", "outcome", "as_of", "p", "lower", "upper", "drivers",
                   "factors"]  # fmt: skip
        return best[columns].head(n).reset_index(drop=True)

    def whatif(
        self, country: str, changes: Sequence[str], *, as_of: int | None = None,
        outcomes: Sequence[str] | None = None, top: int = 5,
    ) -> Any:  # fmt: skip
        """A scenario on the newest archived live run (of ``as_of`` when given): the forecasts
        recomputed with ``changes`` (``["v2x_jucon=-0.1", "nato.ipap=0"]``, see
        :mod:`stabilis.forecast.scenario`) by the models stored with that run (no refit).

        Returns a :class:`~stabilis.forecast.scenario.Scenario`: ``outcomes`` (``outcome,
        label, p_before, p_after, change, change_lower, change_upper``), ``changes`` and
        ``drivers`` (the ``top`` contributions that moved most per outcome, with labels).
        """
        import pandas as pd

        from stabilis.forecast.backtest import bounds_mask
        from stabilis.forecast.design import lag_panel
        from stabilis.forecast.labels import label
        from stabilis.forecast.scenario import (
            Scenario,
            member_probabilities,
            observed_ranges,
            parse_changes,
            resolve_values,
        )

        entry = self._archived_run(as_of)
        if entry is None:
            when = f" from {as_of}" if as_of is not None else ""
            raise NotFoundError(
                f"No archived live forecast{when} to build a scenario on; run 'stabilis forecast "
                f"run{f' --as-of {as_of}' if as_of is not None else ''}' first."
            )
        models = self.archive.load_models(entry.id)
        if not models:
            raise NotFoundError(
                f"Archive entry {entry.id} was stored without its models; issue a new forecast "
                "with 'stabilis forecast run' to build scenarios on it."
            )
        wanted = [o.key for o in resolve_outcomes(list(outcomes) if outcomes else None)]
        models = {k: m for k, m in models.items() if k in wanted}
        year = int(entry.as_of)
        iso3 = country.strip().upper()
        inputs = self.inputs()
        codes = panel_indicators()
        parsed = parse_changes(list(changes), codes)
        design = self.design(as_of=year)
        row = (design.years == year) & (design.rows["iso3"].to_numpy() == iso3)
        if not row.any():
            raise NotFoundError(
                f"No {year} forecast row for '{country}': the Barometer's data do not cover it "
                "(use an ISO3 code such as GEO)."
            )
        lags = {c: k for c, k in design.lags.items() if c in inputs.panel.columns}
        entering = lag_panel(inputs.truncated(year).panel, lags)
        at = entering[(entering["iso3"] == iso3) & (entering["year"] == year)]
        current = {c.code: float(at[c.code].iloc[0]) if len(at) else float("nan") for c in parsed}
        ranges = observed_ranges(inputs.panel, [c.code for c in parsed])
        values = resolve_values(parsed, current, ranges, iso3, year)
        changed = assemble_design(inputs, tie_rule=self.config.tie_rule, as_of=year,
                                  overrides={(iso3, c): v for c, v in values.items()})  # fmt: skip
        row_after = (changed.years == year) & (changed.rows["iso3"].to_numpy() == iso3)
        before, after = design.features[row], changed.features[row_after]
        known = {o.key: o for o in design.outcomes}
        # the run's recalibration map of each outcome (archived per forecast), applied to the
        # members before and after alike, so p_before is the archived forecast
        stored = self.archive.load(entry.id)
        mine = stored[stored["iso3"] == iso3]
        maps: dict[str, tuple[float, float]] = {}
        if "recal_slope" in mine.columns:
            maps = {str(k): (float(a), float(b)) for k, a, b in zip(
                mine["outcome"], mine["recal_slope"], mine["recal_shift"], strict=True)}  # fmt: skip
        results, moved = [], []
        for key, model in models.items():
            slope, shift = maps.get(key, (float("nan"), float("nan")))
            m0, m1 = (
                apply_map(member_probabilities(model, before)[:, 0], slope, shift),
                apply_map(member_probabilities(model, after)[:, 0], slope, shift),
            )
            outcome = known[key]
            if self.config.bounds_rule and outcome.space is not None:
                if bounds_mask(design, outcome, row)[0]:
                    m0 = np.zeros_like(m0)
                if bounds_mask(changed, outcome, row_after)[0]:
                    m1 = np.zeros_like(m1)
            delta = m1 - m0
            low, high = np.quantile(delta, self.config.interval) if len(delta) > 1 else (
                delta[0], delta[0])  # fmt: skip
            results.append({
                "outcome": key, "label": outcome.label, "p_before": float(m0.mean()),
                "p_after": float(m1.mean()), "change": float(delta.mean()),
                "change_lower": float(low), "change_upper": float(high),
            })  # fmt: skip
            c0 = model.contributions(before).drop(columns="bias").iloc[0]
            c1 = model.contributions(after).drop(columns="bias").iloc[0]
            diff = (c1 - c0).abs().sort_values(ascending=False)
            for feature in diff.index[:top]:
                if diff[feature] == 0:
                    break
                moved.append({
                    "outcome": key, "feature": feature, "label": label(feature),
                    "value_before": float(before[feature].iloc[0]),
                    "value_after": float(after[feature].iloc[0]),
                    "contribution_before": float(c0[feature]),
                    "contribution_after": float(c1[feature]),
                    "change": float(c1[feature] - c0[feature]),
                })  # fmt: skip
        table = pd.DataFrame(results)
        if len(table):
            table.insert(0, "iso3", iso3)
        changes_frame = pd.DataFrame(
            [{"indicator": c.code, "label": label(_feature_of(c.code)), "requested": c.text(),
              "before": current[c.code], "after": values[c.code]} for c in parsed]
        )  # fmt: skip
        return Scenario(iso3, year, entry.id, changes_frame, table,
                        pd.DataFrame(moved, columns=["outcome", "feature", "label", "value_before",
                                                     "value_after", "contribution_before",
                                                     "contribution_after", "change"]),
                        info={"lagged": lag_summary(design)})  # fmt: skip

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
        now = self._target_releases()
        for entry, merged in self._rescored():
            manifest = entry.manifest()
            issued = _release_text(manifest.get("inputs", []), manifest.get("config", {}))
            revised = (
                int(((merged["realised"] != merged["now"]) & merged["realised"].notna()).sum())
                if "realised" in merged.columns else 0
            )  # fmt: skip
            base = {"archive_id": entry.id, "kind": entry.kind, "as_of": entry.as_of,
                    "issued_with": issued, "scored_against": now,
                    "targets_revised": revised}  # fmt: skip
            partial = self._partially_known(entry.id)
            if merged.empty and partial.empty:
                rows.append({**base, "window": None, "direction": None, "n": 0})
                continue
            for window, frame, target in (
                ("complete", merged, "now"),
                ("partial: first year only", partial, "first_year"),
            ):
                if frame.empty:
                    continue
                table = score_table(frame, "p", target, ["direction"])
                for record in table.to_dict(orient="records"):
                    rows.append({**base, "window": window,
                                 **{str(k): v for k, v in record.items()}})  # fmt: skip
        return pd.DataFrame(rows)

    def _partially_known(self, entry_id: str) -> pd.DataFrame:
        """An archived set's space forecasts whose window is half known today, with
        ``first_year``: the first window year's event (rules (a)/(b); see
        :meth:`ForecastFrame.partial_scores`)."""
        import pandas as pd

        design = self.design()
        if design.partial is None:
            return pd.DataFrame()
        known = design.partial.copy()
        known["iso3"] = design.rows["iso3"].to_numpy()
        known["origin"] = design.years
        forecasts = self.archive.load(entry_id)
        parts = []
        for outcome in resolve_outcomes(list(forecasts["outcome"].unique())):
            if outcome.column not in known.columns:
                continue
            part = forecasts[forecasts["outcome"] == outcome.key]
            y = known[["iso3", "origin", outcome.column]].rename(
                columns={outcome.column: "first_year"}
            )
            parts.append(part.merge(y, on=["iso3", "origin"], how="inner"))
        if not parts:
            return pd.DataFrame()
        frame = pd.concat(parts, ignore_index=True).dropna(subset=["first_year"])
        return annotate(frame) if len(frame) else frame

    def _target_releases(self) -> str:
        """The releases the targets are coded from now (the space indicators, coups, UCDP,
        ERT)."""
        snaps = self.ws.snapshots()
        wanted = {("demspaces", "dv_data"), ("demspaces", "ptcoups"), ("ucdp", "acd"),
                  ("vdem_ert", "episodes")}  # fmt: skip
        rows = [r for r in snaps.to_dict(orient="records")
                if (r.get("source"), r.get("file_key")) in wanted]  # fmt: skip
        return "; ".join(f"{r['source']}/{r['file_key']} {r.get('filename', '')}" for r in rows)

    def changes(
        self, old: str | None = None, new: str | None = None, *, min_change: float = 0.01
    ) -> dict[str, Any]:
        """What changed between two archived live runs of the same origin, and why.

        By default the newest run and the newest earlier run of the same origin whose inputs
        differ. Returns ``old, new`` (ids), ``same_code``, ``same_settings`` (ignoring the
        release choice), ``revised`` (source files whose checksum differs, with the indicators),
        ``verdict`` (a sentence), ``forecasts`` (the forecasts that moved by ``min_change`` or
        more, with the revised inputs of that country) and ``targets`` (archived forecasts whose
        realised target differs now from when they were archived: the target's source was
        revised).
        """
        import pandas as pd

        from stabilis.forecast.releases import compare_entries, revised_sources

        runs = [e for e in self.archive.entries() if e.kind == "run"]
        by_id = {e.id: e for e in self.archive.entries()}
        for given in (old, new):
            if given is not None and given not in by_id:
                raise NotFoundError(f"No archived forecast '{given}'; see 'stabilis forecast "
                                    "score' for the ids.")  # fmt: skip
        newer = by_id[new] if new else (runs[-1] if runs else None)
        if newer is None:
            raise NotFoundError("The archive holds no live run; issue one with 'stabilis forecast "
                                "run'.")  # fmt: skip
        newer_manifest = newer.manifest()
        if old:
            older = by_id[old]
        else:
            sha = {i.get("sha256") for i in newer_manifest.get("inputs", [])}
            candidates = [
                e
                for e in runs
                if e.id < newer.id
                and e.as_of == newer.as_of
                and {i.get("sha256") for i in e.manifest().get("inputs", [])} != sha
            ]
            if not candidates:
                raise NotFoundError(
                    f"No earlier run from {newer.as_of} was issued on other data releases. To see "
                    f"a revision, issue the same forecast on both releases: 'stabilis forecast run "
                    f"--as-of {newer.as_of} --vdem-release v14', then 'stabilis forecast run "
                    f"--as-of {newer.as_of}'."
                )  # fmt: skip
            older = candidates[-1]
        older_manifest = older.manifest()
        revised = revised_sources(older_manifest, newer_manifest)
        same_code = older_manifest.get("code_hash") == newer_manifest.get("code_hash")
        settings = [dict(m.get("config", {})) for m in (older_manifest, newer_manifest)]
        for item in settings:
            item.pop("vdem_release", None)
            item.pop("outcomes", None)
        same_settings = settings[0] == settings[1]
        moved = compare_entries(self.archive.load(older.id), self.archive.load(newer.id),
                                self.archive.load_extra(older.id, "inputs"),
                                self.archive.load_extra(newer.id, "inputs"), min_change)  # fmt: skip
        if same_code and same_settings and revised:
            verdict = (f"{len(moved)} forecasts moved by {min_change:g} or more because the data "
                       f"changed ({', '.join(sorted({str(r['source']) for r in revised}))} "
                       "revised); the code and settings are the same.")  # fmt: skip
        elif not revised:
            verdict = (f"{len(moved)} forecasts moved although no source changed: the model "
                       "changed (code or settings).")  # fmt: skip
        else:
            verdict = (f"{len(moved)} forecasts moved; both the data and the "
                       f"{'code' if not same_code else 'settings'} changed, so the moves cannot "
                       "be put on the data alone.")  # fmt: skip
        targets = []
        for entry, merged in self._rescored():
            if "realised" not in merged.columns:
                continue
            changed = merged[merged["realised"].notna() & (merged["realised"] != merged["now"])]
            for record in changed.to_dict(orient="records"):
                targets.append({"archive_id": entry.id, "outcome": record["outcome"],
                                "iso3": record["iso3"], "origin": record["origin"],
                                "then": record["realised"], "now": record["now"]})  # fmt: skip
        return {
            "old": older.id, "new": newer.id, "as_of": newer.as_of, "same_code": same_code,
            "same_settings": same_settings, "revised": revised, "verdict": verdict,
            "forecasts": moved,
            "targets": pd.DataFrame(targets, columns=["archive_id", "outcome", "iso3", "origin",
                                                      "then", "now"]),
            "targets_source": self._target_releases(),
        }  # fmt: skip

    def calibration(self, bins: int = 10) -> pd.DataFrame:
        """Calibration curves of the newest archived backtest with realised targets (else of the
        newest archived live run with any).

        One row per direction and probability bin: ``archive_id, kind, as_of, direction, bin,
        lower, upper, mean_predicted, observed_rate, count, verdict`` (the verdict, computed from
        that direction's bins by :func:`~stabilis.forecast.scoring.calibration_verdict`, repeats
        on each of its rows). Backtests come first because they
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
                                         "count", "verdict"])  # fmt: skip
        rescored.sort(key=lambda pair: pair[0].kind != "backtest")  # stable: newest first within
        entry, merged = rescored[0]
        parts = []
        for direction, part in merged.groupby("direction", sort=True):
            curve = calibration_curve(part["now"], part["p"], bins)
            curve.insert(0, "direction", direction)
            curve["verdict"] = calibration_verdict(curve)
            parts.append(curve)
        frame = pd.concat(parts, ignore_index=True)
        frame.insert(0, "as_of", entry.as_of)
        frame.insert(0, "kind", entry.kind)
        frame.insert(0, "archive_id", entry.id)
        return frame
