"""The honest walk-forward backtest and the forecast frames it produces.

For every origin t, each outcome's model learns only from rows whose target was fully observed
by t (:meth:`TimeSplit.honest`) and forecasts the origin year's countries. One binned training
matrix per origin and look-ahead is shared by all outcomes that use the same rows.

The Barometer's bounds rule: an opening cannot exceed the room left, so ``p_up = 0`` when
x_t > 1 − cp and ``p_down = 0`` when x_t < cp (with ``bounds_rule=True``, the default, as the
Barometer publishes). In the data the rule is nearly always right; :func:`bounds_rule_violations`
counts the realised events it rules out.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from stabilis.errors import QueryError
from stabilis.forecast.design import ForecastConfig, ForecastDesign
from stabilis.forecast.models import BlendedForecaster, TrainingMatrix
from stabilis.forecast.origins import TimeSplit
from stabilis.forecast.recalibration import recalibrate
from stabilis.forecast.scoring import calibration_curve, score_table
from stabilis.forecast.targets import Outcome, resolve_outcomes

if TYPE_CHECKING:
    import pandas as pd

#: Columns of the Barometer's published forecast files, then Stabilis' additions.
BAROMETER_COLUMNS = ["outcome", "from_year", "for_years", "gwcode", "p_up", "p_same", "p_down"]
EXTRA_COLUMNS = ["iso3", "p_up_lower", "p_up_upper", "p_down_lower", "p_down_upper"]


def bounds_mask(design: ForecastDesign, outcome: Outcome, rows: np.ndarray) -> np.ndarray:
    """Rows where the Barometer's bounds rule sets this outcome's probability to 0."""
    if outcome.space is None:
        return np.zeros(int(rows.sum()) if rows.dtype == bool else len(rows), dtype=bool)
    cp = float(design.cutpoints[outcome.space.indicator])
    x = design.features[f"space.{outcome.space.indicator}"].to_numpy()[rows]
    return np.asarray(x > 1 - cp) if outcome.direction == "up" else np.asarray(x < cp)


def bounds_rule_violations(design: ForecastDesign) -> pd.DataFrame:
    """Per space outcome: rows the rule sets to 0, and how many of them had the event."""
    import pandas as pd

    out = []
    for outcome in design.outcomes:
        if outcome.space is None:
            continue
        y = design.target(outcome)
        mask = bounds_mask(design, outcome, np.ones(len(y), dtype=bool))
        known = mask & ~np.isnan(y)
        out.append(
            {"outcome": outcome.key, "ruled_out": int(known.sum()),
             "events_among_them": int(np.nansum(y[known]))}
        )  # fmt: skip
    return pd.DataFrame(out)


def forecast_origin(
    design: ForecastDesign,
    origin: int,
    config: ForecastConfig,
    selected: Sequence[Outcome],
    *,
    keep_models: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Fit every selected outcome's model for one origin and forecast the origin year.

    Returns the long forecasts (``outcome, origin, iso3, gwcode, p, lower, upper, realised``)
    and, with ``keep_models``, the fitted models by outcome key.
    """
    import pandas as pd

    years = design.years
    test = years == origin
    if not test.any():
        raise QueryError(
            f"There are no country-years for the origin {origin}; the space data end in "
            f"{design.last_year}."
        )
    groups = design.rows["iso3"].to_numpy()
    test_features = design.features[test]
    frames, models = [], {}
    matrices: dict[int, TrainingMatrix] = {}

    def matrix_for(split: TimeSplit) -> TrainingMatrix:
        # one binned matrix per set of training rows, shared by every model that uses it
        if split.train_last not in matrices:
            rows = split.train_mask(years)
            matrices[split.train_last] = TrainingMatrix(
                design.features[rows].reset_index(drop=True)
            )
        return matrices[split.train_last]

    for lookahead in sorted({o.lookahead for o in selected}):
        split = TimeSplit.honest(
            origin, horizon=2, lookahead=lookahead, train_first=config.train_first
        )
        train = split.train_mask(years)
        matrix = matrix_for(split)
        for outcome in (o for o in selected if o.lookahead == lookahead):
            estimator = config.estimator()
            # a live origin after the space data (lagged) trains on the row whose window ends
            # in the data's last year: labelled as that year shows it. A backtest never trains
            # on that row, so its targets are the full ones.
            y = design.target_as_known(outcome.column, design.last_year - 2)
            estimator.fit(
                matrix, y[train], years=years[train], groups=groups[train], split=split,
            )  # fmt: skip
            hazard_column = outcome.column.replace("_next2", "_next1")
            if config.hazard_blend and outcome.space is not None and \
                    hazard_column in design.targets.columns:  # fmt: skip
                # the one-year hazard learns from one more recent year (its target, an event in
                # s + 1, is known at s + 2 <= t); blended with the two-year model
                one = TimeSplit.honest(origin, horizon=1, lookahead=lookahead,
                                       train_first=config.train_first)  # fmt: skip
                y1 = design.targets[hazard_column].to_numpy(dtype=float)
                if config.hazard_latest_year and lookahead > 0 and \
                        f"{hazard_column}_known" in design.targets.columns:  # fmt: skip
                    # and from the year before the origin too: whether t itself is an event is
                    # known at t by rules (a)/(b), or known not to be one when rule (c) cannot
                    # fire; rows it leaves open (rule (c) reads t + 1) stay out (NaN)
                    # (a live origin whose space data end a year earlier, lagged, has its
                    # latest known year one year earlier too)
                    one = TimeSplit.honest(origin, horizon=1, lookahead=0,
                                           train_first=config.train_first)  # fmt: skip
                    y1 = design.target_as_known(hazard_column, min(origin, design.last_year) - 1)
                rows = one.train_mask(years)
                hazard = config.estimator()
                hazard.fit(
                    matrix_for(one), y1[rows],
                    years=years[rows], groups=groups[rows], split=one,
                )  # fmt: skip
                estimator = BlendedForecaster(estimator, hazard)
            p, lo, hi = estimator.predict_interval(test_features)
            if config.bounds_rule:
                ruled = bounds_mask(design, outcome, test)
                p, lo, hi = (np.where(ruled, 0.0, v) for v in (p, lo, hi))
            frames.append(
                pd.DataFrame(
                    {
                        "outcome": outcome.key,
                        "origin": origin,
                        "iso3": design.rows["iso3"].to_numpy()[test],
                        "gwcode": design.rows["gwcode"].to_numpy()[test],
                        "p": p,
                        "lower": lo,
                        "upper": hi,
                        "realised": design.target(outcome)[test],
                        "realised_first_year": _first_year(design, outcome, test),
                        "train_last": split.train_last,
                    }
                )
            )
            if keep_models:
                models[outcome.key] = estimator
    return pd.concat(frames, ignore_index=True), models


def _first_year(design: ForecastDesign, outcome: Outcome, rows: np.ndarray) -> np.ndarray:
    """The known year of a partial window (see :attr:`ForecastDesign.partial`), else NaN."""
    if design.partial is None or outcome.column not in design.partial.columns:
        return np.full(int(rows.sum()), np.nan)
    return np.asarray(design.partial[outcome.column].to_numpy(dtype=float)[rows])


#: Columns of :meth:`ForecastFrame.tidy` (then ``country`` when the forecasts carry names).
TIDY_COLUMNS = ["outcome", "origin", "iso3", "space", "direction", "for_years", "gwcode", "p",
                "lower", "upper", "realised"]  # fmt: skip


@dataclass
class ForecastFrame:
    """Long forecasts with scores on demand: the forecast package's one result.

    The result contract shared with the other domain packages: :meth:`tidy` (a long frame, one
    row per country × outcome × origin), :meth:`summary` (prose), :meth:`meta` (a JSON-ready
    dict) and :meth:`to_dict` (the whole result). :meth:`barometer` gives the Barometer's wide
    file layout (what ``--out`` writes). ``info`` holds what the producer knew about the run
    (``as_of``, ``lagged``, ``interval``, ``archive_id`` …); :meth:`meta` includes it.
    """

    #: The columns that identify a row of :meth:`tidy` (first, unique per row).
    TIDY_KEYS = ("outcome", "origin", "iso3")

    forecasts: pd.DataFrame
    config: ForecastConfig
    seconds: float = 0.0
    info: dict[str, Any] = field(default_factory=dict)
    #: A backtest's warm-up origins (fitted to teach the first origins' recalibration and
    #: interval widening; not part of the result). The archive keeps them, so a live run
    #: learns from the same origins a backtest would.
    warmup: pd.DataFrame | None = None

    def tidy(self) -> pd.DataFrame:
        """One row per country × outcome × origin: ``outcome, origin, iso3, space, direction,
        for_years, gwcode, p, lower, upper, realised`` (and ``country`` when known).

        ``space`` is the space's name for the twelve space outcomes and the outcome key for the
        three further targets, whose ``direction`` is ``event``; ``realised`` is missing where
        the target is not known yet.
        """
        frame = annotate(self.forecasts)
        frame["for_years"] = [f"{t + 1} - {t + 2}" for t in frame["origin"]]
        columns = [*TIDY_COLUMNS, *(["country"] if "country" in frame.columns else [])]
        return frame[columns].reset_index(drop=True)

    def barometer(self) -> pd.DataFrame:
        """The Barometer's layout plus ``iso3`` and the interval columns.

        Space outcomes use the V-Dem indicator name as ``outcome`` and
        ``p_same = (1 − p_up)(1 − p_down)``. The three further targets are single events: their
        probability is in ``p_up``, ``p_down`` is empty and ``p_same = 1 − p_up``.
        """
        return to_barometer_layout(self.forecasts)

    def meta(self) -> dict[str, Any]:
        """A JSON-ready description of the run: model and settings, origins, outcomes, counts,
        seconds and everything in ``info``."""
        import json

        origins = sorted(int(o) for o in self.forecasts["origin"].unique())
        data = {
            "model": self.config.model,
            "config": self.config.to_dict(),
            "origins": origins,
            "outcomes": sorted(str(k) for k in self.forecasts["outcome"].unique()),
            "forecasts": len(self.forecasts),
            "realised": int(self.forecasts["realised"].notna().sum()),
            "seconds": round(float(self.seconds), 3),
            **self.info,
        }
        out: dict[str, Any] = json.loads(json.dumps(data, default=_jsonable))
        return out

    def to_dict(self) -> dict[str, Any]:
        """The whole result: ``meta``, ``summary``, ``forecasts`` (the tidy rows as records)
        and, where targets are known, ``scores`` per direction."""
        import json

        tidy = self.tidy().astype(object).where(self.tidy().notna(), None)
        data = {
            "meta": self.meta(),
            "summary": self.summary(),
            "forecasts": tidy.to_dict(orient="records"),
            "scores": self.scores().to_dict(orient="records") if self._realised() else [],
        }
        out: dict[str, Any] = json.loads(json.dumps(data, default=_jsonable))
        return out

    def _realised(self) -> bool:
        return bool(len(self.forecasts) and self.forecasts["realised"].notna().any())

    def scores(self, by: Sequence[str] = ("direction",)) -> pd.DataFrame:
        """Scores against the realised targets (rows whose target is known)."""
        frame = annotate(self.forecasts).dropna(subset=["realised"])
        return score_table(frame, "p", "realised", by)

    def interval_coverage(self, group_size: int = 100) -> pd.DataFrame:
        """Coverage of the intervals on the realised forecasts, per direction and pooled: the
        calibrated interval (``lower``/``upper``), the ensemble's raw spread and zero width
        (see :func:`~stabilis.forecast.scoring.interval_coverage`)."""
        import pandas as pd

        from stabilis.forecast.scoring import interval_coverage

        frame = annotate(self.forecasts)
        rows = []
        for direction, part in [("pooled", frame), *frame.groupby("direction", sort=True)]:
            calibrated = interval_coverage(part, group_size=group_size)
            row = {"direction": direction, "groups": calibrated["groups"],
                   "coverage": calibrated["coverage"],
                   "coverage_zero_width": calibrated["coverage_zero_width"],
                   "nominal": calibrated["nominal"]}  # fmt: skip
            if "member_lower" in part.columns:
                raw = interval_coverage(part, lower="member_lower", upper="member_upper",
                                        group_size=group_size)  # fmt: skip
                row["coverage_ensemble_spread"] = raw["coverage"]
            rows.append(row)
        return pd.DataFrame(rows)

    def partial_scores(self, by: Sequence[str] = ("direction",)) -> pd.DataFrame:
        """Scores of forecasts whose window is half known (the space outcomes of the origin
        two years before the space data end): against the events of the first window year
        alone (rules (a)/(b)). Marked ``window = "partial: first year only"``; these forecasts
        are of two years, so Brier and ECE read high by construction — ranking (ROC-AUC,
        PR-AUC) is the meaningful part."""
        if "realised_first_year" not in self.forecasts.columns:
            return score_table(annotate(self.forecasts).iloc[0:0], "p", "realised", by)
        frame = annotate(self.forecasts)
        frame = frame[frame["realised"].isna() & frame["realised_first_year"].notna()]
        table = score_table(frame, "p", "realised_first_year", by)
        if len(table):
            table.insert(0, "origin", ", ".join(str(o) for o in sorted(frame["origin"].unique())))
            table.insert(1, "window", "partial: first year only")
        return table

    def calibration(self, by: str | None = "direction", bins: int = 10) -> pd.DataFrame:
        """Calibration curves as data: ``[by,] bin, mean_predicted, observed_rate, count``."""
        import pandas as pd

        frame = annotate(self.forecasts).dropna(subset=["realised"])
        if by is None:
            return calibration_curve(frame["realised"], frame["p"], bins)
        parts = []
        for key, part in frame.groupby(by):
            curve = calibration_curve(part["realised"], part["p"], bins)
            curve.insert(0, by, key)
            parts.append(curve)
        return pd.concat(parts, ignore_index=True)

    def summary(self) -> str:
        origins = sorted(self.forecasts["origin"].unique())
        lines = [
            f"{len(self.forecasts):,} forecasts, {self.forecasts['outcome'].nunique()} outcomes, "
            f"origins {origins[0]}-{origins[-1]}, model {self.config.model}, "
            f"{self.seconds:.1f} s."
        ]
        if not self._realised():
            if "as_of" in self.info:
                lines.append(f"  a live forecast from data up to {self.info['as_of']}: no target "
                             "is known yet, so nothing is scored.")  # fmt: skip
            return "\n".join(lines)
        scores = self.scores()
        for row in scores.to_dict(orient="records"):
            lines.append(
                f"  {row['direction']:<6} n={int(row['n']):>6}  events={int(row['events']):>5}  "
                f"ROC-AUC {row['roc_auc']:.3f}  PR-AUC {row['pr_auc']:.3f}  "
                f"Brier {row['brier']:.4f}  log-loss {row['log_loss']:.4f}  ECE {row['ece']:.4f}"
            )
        coverage = self.interval_coverage()
        for row in coverage[coverage["direction"] == "pooled"].to_dict(orient="records"):
            lines.append(
                f"  interval coverage (80 % nominal, groups of 100 forecasts): "
                f"{row['coverage']:.2f} calibrated, {row.get('coverage_ensemble_spread', float('nan')):.2f} "
                f"ensemble spread, {row['coverage_zero_width']:.2f} zero width ({int(row['groups'])} groups)"
            )
        partial = self.partial_scores()
        for row in partial.to_dict(orient="records"):
            lines.append(
                f"  {row['direction']:<6} origin {row['origin']}, PARTIAL (first window year "
                f"only): n={int(row['n'])} events={int(row['events'])} ROC-AUC "
                f"{row['roc_auc']:.3f} PR-AUC {row['pr_auc']:.3f}"
            )
        return "\n".join(lines)


def _jsonable(value: Any) -> Any:
    """numpy scalars and arrays as plain Python; NaN stays a float (JSON has no NaN: None)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)


def annotate(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Add ``space, direction, barometer_outcome`` columns from the outcome keys."""
    known = {o.key: o for o in resolve_outcomes(None)}
    frame = forecasts.copy()
    frame["direction"] = [known[k].direction or "event" for k in frame["outcome"]]
    frame["space"] = [known[k].space.name if known[k].space else k for k in frame["outcome"]]  # type: ignore[union-attr]
    frame["barometer_outcome"] = [known[k].barometer_outcome for k in frame["outcome"]]
    return frame


def to_barometer_layout(forecasts: pd.DataFrame) -> pd.DataFrame:
    """Long forecasts → ``outcome, from_year, for_years, gwcode, p_up, p_same, p_down, iso3,
    p_up_lower, p_up_upper, p_down_lower, p_down_upper`` (then ``country`` when the forecasts
    carry names, as live runs do)."""
    import pandas as pd

    frame = annotate(forecasts)
    frame["direction"] = frame["direction"].replace({"event": "up"})
    named = "country" in frame.columns
    keys = ["barometer_outcome", "origin", "gwcode", "iso3", *(["country"] if named else [])]
    wide = frame.pivot_table(
        index=keys, columns="direction", values=["p", "lower", "upper"], aggfunc="first",
    )  # fmt: skip
    out = pd.DataFrame(index=wide.index)
    for direction in ("up", "down"):
        for source, name in (("p", f"p_{direction}"), ("lower", f"p_{direction}_lower"),
                             ("upper", f"p_{direction}_upper")):  # fmt: skip
            out[name] = wide.get((source, direction), np.nan)
    out = out.reset_index().rename(columns={"barometer_outcome": "outcome", "origin": "from_year"})
    out["for_years"] = [f"{t + 1} - {t + 2}" for t in out["from_year"]]
    out["p_same"] = (1 - out["p_up"]) * (1 - out["p_down"].fillna(0.0))
    out = out[BAROMETER_COLUMNS + EXTRA_COLUMNS + (["country"] if named else [])]
    return out.sort_values(["outcome", "from_year", "gwcode"], kind="stable").reset_index(drop=True)


def _origin_job(
    design: ForecastDesign, origin: int, config: ForecastConfig, selected: Sequence[Outcome]
) -> tuple[int, pd.DataFrame]:
    return origin, forecast_origin(design, origin, config, selected)[0]


def run_backtest(
    design: ForecastDesign,
    config: ForecastConfig,
    first: int = 2005,
    last: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
) -> ForecastFrame:
    """Walk forward over origins ``first … last`` (default: the last origin with data).

    ``progress(done, total, origin)`` is called as each origin's forecasts come back (in the
    order they finish), so a command can show how far the backtest has gone. With recalibration on, the
    space outcomes of up to ``config.recalibration_warmup`` origins before ``first`` are fitted
    too; their realised forecasts teach the first origins' recalibration map and are not
    returned (``info["warmup_origins"]``).
    """
    import pandas as pd

    final = design.last_year if last is None else last
    if final > design.last_year:
        raise QueryError(
            f"The space data end in {design.last_year}; the last origin is {design.last_year}."
        )
    if first > final:
        raise QueryError(f"The origins {first}-{final} are reversed; give --from <= --to.")
    selected = resolve_outcomes(list(config.outcomes) or None)
    origins = list(range(first, final + 1))
    spaces = [o for o in selected if o.space is not None]
    warmup: list[int] = []
    if config.recalibration != "none" and spaces:
        earliest = config.train_first + 3 + config.holdout_years  # a calibration split fits
        warmup = list(range(max(first - config.recalibration_warmup, earliest), first))
    jobs = [(t, spaces) for t in warmup] + [(t, list(selected)) for t in origins]
    start = time.perf_counter()
    done = 0

    def finished(origin: int) -> None:
        nonlocal done
        if origin >= first:
            done += 1
            if progress is not None:
                progress(done, len(origins), origin)

    by_origin: dict[int, pd.DataFrame] = {}
    if config.n_jobs > 1 and len(jobs) > 1:
        from joblib import Parallel, delayed

        # Origins run in worker processes (joblib's loky: no fork of a process that may hold
        # DuckDB or OpenMP threads, and scripts need no ``__main__`` guard). Not threads:
        # LightGBM crashed (SIGSEGV) when two Python threads built dataset subsets at once.
        # The costliest origins (most outcomes, most training rows) are handed out first, so no
        # worker is left fitting a large origin alone at the end; the frame is assembled in
        # origin order afterwards, so it is the same for any n_jobs.
        ordered = sorted(jobs, key=lambda job: (len(job[1]), job[0]), reverse=True)
        run = Parallel(n_jobs=min(config.n_jobs, len(jobs)), backend="loky",
                       return_as="generator_unordered")  # fmt: skip
        for origin, part in run(delayed(_origin_job)(design, t, config, chosen)
                                for t, chosen in ordered):  # fmt: skip
            by_origin[origin] = part
            finished(origin)
    else:
        for t, chosen in jobs:
            by_origin[t] = forecast_origin(design, t, config, chosen)[0]
            finished(t)
    parts = [by_origin[t] for t in origins]
    history = [by_origin[t] for t in warmup]
    forecasts = pd.concat(parts, ignore_index=True)
    warm = pd.concat(history, ignore_index=True) if history else None
    forecasts = recalibrate(forecasts, warm, method=config.recalibration)
    # the warm-up origins' realised forecasts give the first origins' intervals a widening too
    forecasts = calibrate_intervals(forecasts, history=warm)
    seconds = time.perf_counter() - start
    return ForecastFrame(
        forecasts, config, seconds,
        info={"first_origin": first, "last_origin": final, "warmup_origins": warmup},
        warmup=warm,
    )  # fmt: skip


def calibrate_intervals(
    forecasts: pd.DataFrame,
    history: pd.DataFrame | None = None,
    wait: int = 3,
    window: int = 10,
) -> pd.DataFrame:
    """Replace each forecast's interval by the ensemble's spread widened to cover (see
    :func:`~stabilis.forecast.scoring.spread_scale`): for origin t and each direction (openings,
    closings, the further events) the widening is learned on that direction's realised
    forecasts of the ``window`` origins t − ``wait`` − ``window`` + 1 … t − ``wait`` (their
    targets are known by t), from ``history`` (an earlier backtest, or a backtest's warm-up
    origins) and from ``forecasts`` themselves. A window of recent origins keeps the widening
    current and makes a live run's (learned from an archived backtest) the one a backtest would
    use for the same origin.
    The ensemble's own 10th-90th percentiles stay in ``member_lower``/``member_upper``;
    ``interval_scale`` is the widening used (1.0 = none: no realised origin was available yet).
    """
    import pandas as pd

    from stabilis.forecast.scoring import covered_groups, scale_from_counts, scaled_interval

    def with_spread(frame: pd.DataFrame) -> pd.DataFrame:
        # rows not yet widened (no member bounds) carry the ensemble's spread as lower/upper
        if "member_lower" not in frame.columns:
            return frame.assign(member_lower=frame["lower"], member_upper=frame["upper"])
        return frame.assign(member_lower=frame["member_lower"].fillna(frame["lower"]),
                            member_upper=frame["member_upper"].fillna(frame["upper"]))  # fmt: skip

    frame = annotate(with_spread(forecasts.copy()))
    pool = frame if history is None else pd.concat([annotate(with_spread(history)), frame],
                                                   ignore_index=True)  # fmt: skip
    pool = pool.drop_duplicates(["outcome", "origin", "iso3"], keep="last")
    # the pool is grouped once; each window's coverage is then a sum over its origins
    counts = covered_groups(pool)
    scales = np.ones(len(frame))
    keys = frame[["origin", "direction"]].drop_duplicates()
    for origin, direction in zip(keys["origin"].tolist(), keys["direction"].tolist(), strict=True):
        last = int(origin) - wait
        known = counts[counts["origin"].between(last - window + 1, last)
                       & (counts["direction"] == direction)]  # fmt: skip
        rows = ((frame["origin"] == origin) & (frame["direction"] == direction)).to_numpy()
        scales[rows] = scale_from_counts(known)
    out = forecasts.copy()
    out["member_lower"], out["member_upper"] = frame["member_lower"], frame["member_upper"]
    out["interval_scale"] = scales
    lo = out["member_lower"].to_numpy(dtype=float).copy()
    hi = out["member_upper"].to_numpy(dtype=float).copy()
    for scale in out["interval_scale"].unique():
        rows = (out["interval_scale"] == scale).to_numpy()
        lo[rows], hi[rows] = scaled_interval(out["p"][rows], out["member_lower"][rows],
                                             out["member_upper"][rows], float(scale))  # fmt: skip
    out["lower"], out["upper"] = lo, hi
    return out
