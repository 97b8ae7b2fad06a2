"""Stabilis' walk-forward forecasts against the V-Dem Democratic Spaces Barometer.

Run:  python benchmarks/forecast_vs_demspaces.py [--data-dir DIR] [--boot 500] [--rf-origins 2005,2021|all]
      [--rf-checkpoint DIR] [--rf-budget-minutes M]
      [--rf-outcomes electoral_down,associational_up] [--rf-trees 2000]
      [--overlap-origins 2008,2012,2016,2020] [--overlap-trees 300]

1. Stabilis' honest walk-forward backtest (origins 2005 to the latest, all 15 outcomes), timed,
   with the peak memory of the process and its workers; the logistic baseline the same way; the
   coverage of its intervals and the scores of the partially known origin.
2. On exactly the same rows (outcome x gwcode x origin 2005-2021) and the same realised targets
   (the Barometer's published dv-lists), scores of Stabilis and of the Barometer's published
   forecasts (fcasts-rf-v14.csv): ROC-AUC, PR-AUC, Brier, log-loss, ECE; pooled per direction
   and per space, with cluster-bootstrap (resampling countries) intervals on the differences.
3. A Barometer-equivalent random forest (scikit-learn, 2000 trees, max_features=20,
   min_samples_leaf=1, probability forest, one per outcome) on Stabilis' features, trained with
   the same honest splits. A full walk-forward is hours on 2 cores, so it is timed on the
   origins and outcomes given (default 2005 and 2021 x 2 outcomes) and extrapolated to all
   origins x 12 outcomes by the mean time per forest; the table says so. The full honest
   comparison is ``--rf-origins all --rf-outcomes spaces --rf-checkpoint DIR``: each forest's
   forecasts are kept in DIR as it finishes (origins in an order that spreads any prefix over
   the period), a rerun resumes, ``--rf-budget-minutes`` stops starting forests, and the
   Stabilis-minus-forest table with bootstrap intervals, beside the published Barometer's
   scores on the same rows, is printed on the rows covered. When every forest comes from the
   checkpoint, two forests (origins 2005 and 2021, electoral closings) are fitted in the run
   so that the speed-up is measured in the same run as Stabilis.
4. What the Barometer's overlapping training row is worth: the same random forest (fewer trees,
   ``--overlap-trees``) on origins ``--overlap-origins`` x the 12 space outcomes, trained once
   honestly (rows s <= t-3, as Stabilis) and once the Barometer's way (rows s <= t-1, whose
   targets overlap the forecast window), scored on the same rows as Stabilis and the published
   forecasts. The overlap scheme is reproduced here only to measure it; it never leaves this
   script. On the same rows, Stabilis against the honest forest with cluster-bootstrap intervals
   of the differences.

Nothing here is asserted; the numbers are printed as measured.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

import stabilis
from stabilis.forecast.backtest import annotate
from stabilis.forecast.design import ForecastConfig
from stabilis.forecast.origins import FIRST_TRAIN_YEAR, TimeSplit
from stabilis.forecast.scoring import bootstrap_differences, score
from stabilis.forecast.service import ForecastService
from stabilis.forecast.targets import resolve_outcomes

FIRST, LAST = 2005, 2021


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc), in MiB."""
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


class TreePeak:
    """Peak resident memory of this process plus its workers, sampled every 50 ms."""

    def __enter__(self) -> TreePeak:
        import os
        import threading

        self.peak = _tree_rss_mb(os.getpid())
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.wait(0.05):
                self.peak = max(self.peak, _tree_rss_mb(os.getpid()))

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def same_rows(
    forecasts: pd.DataFrame, published: pd.DataFrame, targets: pd.DataFrame
) -> pd.DataFrame:
    """Stabilis and Barometer probabilities on identical (outcome, gwcode, origin) rows."""
    frame = annotate(forecasts)
    parts = []
    for direction in ("up", "down"):
        bar = published[["outcome", "from_year", "gwcode", f"p_{direction}"]].rename(
            columns={"outcome": "barometer_outcome", "from_year": "origin",
                     f"p_{direction}": "p_barometer"}
        )  # fmt: skip
        real = targets[["indicator", "year", "gwcode", f"{direction}_next2"]].rename(
            columns={"indicator": "barometer_outcome", "year": "origin",
                     f"{direction}_next2": "y"}
        )  # fmt: skip
        mine = frame[frame["direction"] == direction]
        merged = mine.merge(bar, on=["barometer_outcome", "origin", "gwcode"]).merge(
            real, on=["barometer_outcome", "origin", "gwcode"]
        )
        parts.append(merged)
    rows = pd.concat(parts, ignore_index=True)
    rows = rows[(rows["origin"] >= FIRST) & (rows["origin"] <= LAST)]
    return rows.dropna(subset=["y", "p", "p_barometer"]).reset_index(drop=True)


def comparison_table(rows: pd.DataFrame, n_boot: int) -> pd.DataFrame:
    out = []
    groups = [("pooled", d, rows[rows["direction"] == d]) for d in ("up", "down")]
    groups += [
        (space, d, part) for (space, d), part in rows.groupby(["space", "direction"], sort=True)
    ]
    for label, direction, part in groups:
        diff = bootstrap_differences(
            part["y"], part["p"], part["p_barometer"], part["gwcode"], n_boot=n_boot, seed=7
        )
        for rec in diff.itertuples(index=False):
            out.append(
                {"space": label, "direction": direction, "n": len(part),
                 "events": int(part["y"].sum()), "metric": rec.metric, "stabilis": rec.a,
                 "barometer": rec.b, "diff": rec.difference, "ci_low": rec.lower,
                 "ci_high": rec.upper, "better": {"a": "stabilis", "b": "barometer"}.get(
                     rec.better, rec.better)}
            )  # fmt: skip
    return pd.DataFrame(out)


def spread_order(origins: list[int]) -> list[int]:
    """Origins ordered so that any prefix spreads over the whole period (ends, middle, ...):
    a checkpointed run stopped early still covers early and late origins."""
    ordered = sorted(origins)
    out: list[int] = []
    spans = [(0, len(ordered) - 1)]
    if ordered:
        out += [ordered[0]] if len(ordered) == 1 else [ordered[0], ordered[-1]]
    while spans:
        lo, hi = spans.pop(0)
        if hi - lo < 2:
            continue
        mid = (lo + hi) // 2
        out.append(ordered[mid])
        spans += [(lo, mid), (mid, hi)]
    return out + [o for o in ordered if o not in out]


def random_forest(service: ForecastService, origins: list[int], keys: list[str], trees: int,
                  jobs: int, checkpoint: Path | None = None,
                  budget_seconds: float | None = None) -> tuple[pd.DataFrame, list[float]]:  # fmt: skip
    """The Barometer-equivalent forest trained honestly (rows s <= t-3 for the spaces), one per
    origin and outcome, with the bounds rule applied as to Stabilis.

    With ``checkpoint`` every forest's forecasts are written to
    ``checkpoint/rf-<trees>-<origin>-<outcome>.parquet`` as it finishes and a rerun skips the
    forests already there, so the full walk-forward can be run over several sittings.
    ``budget_seconds`` stops starting new forests after that much wall time. Returns the
    forecasts of every forest done (also those from earlier sittings) and the seconds of the
    forests fitted in this sitting.
    """
    from sklearn.ensemble import RandomForestClassifier

    from stabilis.forecast.backtest import bounds_mask

    design = service.design()
    years = design.years
    values = design.features.to_numpy(dtype=np.float64)
    seconds, rows = [], []
    began = time.perf_counter()
    if checkpoint is not None:
        checkpoint.mkdir(parents=True, exist_ok=True)
    for origin in origins:
        for outcome in resolve_outcomes(keys):
            path = checkpoint / f"rf-{trees}-{origin}-{outcome.key}.parquet" if checkpoint else None
            if path is not None and path.exists():
                rows.append(pd.read_parquet(path))
                continue
            if budget_seconds is not None and time.perf_counter() - began > budget_seconds:
                continue
            # the Barometer's training years (from 1970), whatever Stabilis' own start
            split = TimeSplit.honest(origin, lookahead=outcome.lookahead,
                                     train_first=FIRST_TRAIN_YEAR)  # fmt: skip
            y = design.target(outcome)
            train = split.train_mask(years) & ~np.isnan(y)
            test = split.test_mask(years)
            start = time.perf_counter()
            forest = RandomForestClassifier(
                n_estimators=trees, max_features=20, min_samples_leaf=1, n_jobs=jobs,
                random_state=1,
            )  # fmt: skip
            forest.fit(values[train], y[train].astype(int))
            p = forest.predict_proba(values[test])[:, 1]
            p = np.where(bounds_mask(design, outcome, test), 0.0, p)
            seconds.append(time.perf_counter() - start)
            part = pd.DataFrame({"outcome": outcome.key, "origin": origin,
                                 "gwcode": design.rows["gwcode"].to_numpy()[test],
                                 "p_rf": p, "y": y[test],
                                 "seconds": seconds[-1]})  # fmt: skip
            if path is not None:
                tmp = path.with_suffix(".tmp")
                part.to_parquet(tmp)
                tmp.replace(path)
            print(f"   forest {origin} {outcome.key}: {seconds[-1]:.0f} s", flush=True)
            rows.append(part)
    if not rows:
        return pd.DataFrame(columns=["outcome", "origin", "gwcode", "p_rf", "y"]), seconds
    return pd.concat(rows, ignore_index=True), seconds


def overlap_experiment(
    service: ForecastService, origins: list[int], trees: int, jobs: int
) -> pd.DataFrame:
    """Random-forest forecasts of the 12 space outcomes, honest and with the overlap row."""
    from sklearn.ensemble import RandomForestClassifier

    from stabilis.forecast.backtest import bounds_mask

    design = service.design()
    years = design.years
    values = design.features.to_numpy(dtype=np.float64)
    parts = []
    for origin in origins:
        test = years == origin
        for outcome in (o for o in design.outcomes if o.space is not None):
            y = design.target(outcome)
            honest_last = TimeSplit.honest(origin, lookahead=outcome.lookahead).train_last
            for scheme, last in (("rf_honest", honest_last), ("rf_overlap", origin - 1)):
                train = (years <= last) & ~np.isnan(y)
                forest = RandomForestClassifier(
                    n_estimators=trees, max_features=20, min_samples_leaf=1, n_jobs=jobs,
                    random_state=1,
                )  # fmt: skip
                forest.fit(values[train], y[train].astype(int))
                p = forest.predict_proba(values[test])[:, 1]
                p = np.where(bounds_mask(design, outcome, test), 0.0, p)
                parts.append(pd.DataFrame({"outcome": outcome.key, "origin": origin,
                                           "gwcode": design.rows["gwcode"].to_numpy()[test],
                                           "scheme": scheme, "p_rf": p}))  # fmt: skip
    return pd.concat(parts, ignore_index=True)


def overlap_table(rows: pd.DataFrame, forests: pd.DataFrame) -> pd.DataFrame:
    """Scores of Stabilis, the Barometer and both forests on the rows all of them cover."""
    wide = forests.pivot_table(index=["outcome", "origin", "gwcode"], columns="scheme",
                               values="p_rf", aggfunc="first").reset_index()  # fmt: skip
    joined = rows.merge(wide, on=["outcome", "origin", "gwcode"])
    out = []
    for direction in ("up", "down"):
        part = joined[joined["direction"] == direction]
        for label, column in (("Barometer, published (overlap row)", "p_barometer"),
                              ("random forest, overlap row", "rf_overlap"),
                              ("random forest, honest", "rf_honest"),
                              ("Stabilis, honest", "p")):  # fmt: skip
            s = score(part["y"], part[column])
            out.append({"direction": direction, "forecasts": label, "n": len(part),
                        "roc_auc": s["roc_auc"], "pr_auc": s["pr_auc"], "brier": s["brier"],
                        "log_loss": s["log_loss"]})  # fmt: skip
    return pd.DataFrame(out)


def honest_forest_differences(
    rows: pd.DataFrame, forests: pd.DataFrame, n_boot: int
) -> pd.DataFrame:
    """Stabilis minus the honestly trained forest, per direction, with cluster-bootstrap CIs,
    and the published Barometer's score on the same rows (trained with the overlap row)."""
    honest = forests[forests["scheme"] == "rf_honest"][["outcome", "origin", "gwcode", "p_rf"]]
    joined = rows.merge(honest, on=["outcome", "origin", "gwcode"])
    out = []
    for direction in ("up", "down"):
        part = joined[joined["direction"] == direction]
        if part.empty:  # --rf-outcomes named outcomes of the other direction only
            continue
        diff = bootstrap_differences(part["y"], part["p"], part["p_rf"], part["gwcode"],
                                     n_boot=n_boot, seed=7)  # fmt: skip
        published = score(part["y"], part["p_barometer"])  # the overlap row: for reference
        for rec in diff.itertuples(index=False):
            out.append({"direction": direction, "n": len(part), "metric": rec.metric,
                        "stabilis": rec.a, "forest": rec.b, "diff": rec.difference,
                        "ci_low": rec.lower, "ci_high": rec.upper,
                        "barometer_published": published[rec.metric]})  # fmt: skip
    return pd.DataFrame(out)


def fmt(frame: pd.DataFrame) -> str:
    return frame.to_string(index=False, float_format=lambda v: f"{v:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--boot", type=int, default=500)
    parser.add_argument(
        "--rf-origins",
        default="2005,2021",
        help="origins of the 2,000-tree forest: a list, or 'all' (2005-2021)",
    )
    parser.add_argument(
        "--rf-outcomes",
        default="electoral_down,associational_up",
        help="outcome keys, or 'spaces' for the 12 space outcomes",
    )
    parser.add_argument(
        "--rf-checkpoint",
        default=None,
        help="folder keeping each forest's forecasts; a rerun resumes from it",
    )
    parser.add_argument(
        "--rf-budget-minutes",
        type=float,
        default=None,
        help="start no new forest after this many minutes (resume later)",
    )
    parser.add_argument("--rf-trees", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--overlap-origins",
        default="2008,2012,2016,2020",
        help="origins of the overlap experiment; empty skips it",
    )
    parser.add_argument("--overlap-trees", type=int, default=300)
    args = parser.parse_args()

    ws = stabilis.open(args.data_dir)
    archive = Path("/tmp") / "stabilis-bench-archive"
    service = ForecastService(ws, ForecastConfig(n_jobs=args.jobs), archive_dir=archive)

    start = time.perf_counter()
    design = service.design()
    design_seconds = time.perf_counter() - start
    start = time.perf_counter()
    with TreePeak() as memory:
        boosted = service.backtest(FIRST, None, archive=False)
    boosted_seconds = time.perf_counter() - start
    space_keys = [o.key for o in design.outcomes if o.space is not None]
    start = time.perf_counter()
    spaces_only = service.backtest(FIRST, None, outcomes=space_keys, archive=False)
    spaces_seconds = time.perf_counter() - start
    identical = spaces_only.forecasts.equals(
        boosted.forecasts[boosted.forecasts["outcome"].isin(space_keys)].reset_index(drop=True)
    )
    logit = ForecastService(ws, ForecastConfig(model="logit", n_jobs=args.jobs),
                            archive_dir=archive)  # fmt: skip
    logit._inputs = service.inputs()
    start = time.perf_counter()
    baseline = logit.backtest(FIRST, None, archive=False)
    n_origins = design.last_year - FIRST + 1
    logit_seconds = time.perf_counter() - start

    published = ws.table("demspaces_forecasts")
    targets = ws.table("demspaces_targets")
    rows = same_rows(boosted.forecasts, published, targets)
    rows_logit = same_rows(baseline.forecasts, published, targets)

    print("\n== Stabilis (LightGBM, honest walk-forward) vs the Barometer's published forecasts")
    print(f"   identical rows: {len(rows):,} (outcome x gwcode x origin {FIRST}-{LAST}); "
          f"targets: published dv-lists; CIs: {args.boot} country-cluster bootstrap draws")  # fmt: skip
    table = comparison_table(rows, args.boot)
    pooled = table[table["space"] == "pooled"]
    print(fmt(pooled.drop(columns=["space"])))
    print("\n-- per space (ROC-AUC, PR-AUC, Brier)")
    per_space = table[(table["space"] != "pooled") &
                      table["metric"].isin(["roc_auc", "pr_auc", "brier"])]  # fmt: skip
    print(fmt(per_space))
    wins = per_space[per_space["metric"] == "roc_auc"]
    print(f"\n   spaces x directions where Stabilis' ROC-AUC is higher: "
          f"{int((wins['better'] == 'stabilis').sum())} of {len(wins)}")  # fmt: skip

    print("\n-- logistic baseline on the same rows (pooled)")
    lrows = []
    for direction in ("up", "down"):
        part = rows_logit[rows_logit["direction"] == direction]
        lrows.append({"direction": direction, **score(part["y"], part["p"])})
    print(fmt(pd.DataFrame(lrows)))

    print("\n-- all 15 outcomes, Stabilis' own realised targets (incl. the further targets)")
    print(fmt(boosted.scores(by=("outcome",))))
    print("\n-- calibration (pooled per direction, 10 bins)")
    print(fmt(boosted.calibration()))
    print("\n-- interval coverage (groups of 100 realised forecasts per origin and direction; "
          "nominal 0.80), origins 2005-2021")  # fmt: skip
    scored = boosted.forecasts[boosted.forecasts["origin"] <= LAST]
    print(fmt(type(boosted)(scored, boosted.config).interval_coverage()))
    print("\n-- the partially known origin (space outcomes, first window year only)")
    print(fmt(boosted.partial_scores()))

    print("\n== The live forecast, and explain/list served from the archive")
    service.backtest(FIRST, None, archive=True)  # the archived backtest calibrates the intervals
    start = time.perf_counter()
    live = service.run()
    run_seconds = time.perf_counter() - start
    print(f"   origin {live.info['as_of']}; {live.info['interval']['basis']}")
    for lag in live.info["lagged"]:
        print(f"   lagged: {lag['source']} ({len(lag['indicators'])} indicators) ends "
              f"{lag['last_year']}, lag {lag['lag_years']}")  # fmt: skip
    start = time.perf_counter()
    service.explain("GEO", "electoral")
    service.top(group="partners", n=20)
    archived = time.perf_counter() - start
    start = time.perf_counter()
    service.explain("GEO", "electoral", refit=True)
    refit = time.perf_counter() - start
    print(f"   run {run_seconds:.1f} s; explain + list from the archive {archived:.2f} s; "
          f"explain refitted {refit:.1f} s ({refit / archived:.0f}x)")  # fmt: skip

    rf_origins = (spread_order(list(range(FIRST, LAST + 1))) if args.rf_origins == "all"
                  else [int(x) for x in args.rf_origins.split(",")])  # fmt: skip
    rf_keys = (space_keys if args.rf_outcomes == "spaces"
               else [k for k in args.rf_outcomes.split(",") if k])  # fmt: skip
    checkpoint = Path(args.rf_checkpoint) if args.rf_checkpoint else None
    budget = args.rf_budget_minutes * 60 if args.rf_budget_minutes is not None else None
    rf_rows, rf_seconds = random_forest(service, rf_origins, rf_keys, args.rf_trees, args.jobs,
                                        checkpoint, budget)  # fmt: skip
    timed_origins, timed_keys = rf_origins, rf_keys
    if not rf_seconds:
        # every forest came from the checkpoint, timed in earlier sittings under other loads:
        # the speed-up is measured on forests fitted now, in the same run as Stabilis
        timed_origins, timed_keys = [FIRST, LAST], ["electoral_down"]
        _, rf_seconds = random_forest(service, timed_origins, timed_keys, args.rf_trees,
                                      args.jobs)  # fmt: skip
    per_forest = float(np.mean(rf_seconds)) if rf_seconds else float("nan")
    n_forests = n_origins * len(space_keys)
    rf_full = per_forest * n_forests
    mine = annotate(boosted.forecasts).merge(rf_rows, on=["outcome", "origin", "gwcode"])
    mine = mine.dropna(subset=["y"])

    print("\n== Speed and memory (this machine, this run)")
    speed = pd.DataFrame(
        [
            {"pipeline": "design (features + 15 targets)", "seconds": design_seconds,
             "note": "read warehouse, code targets, build features"},
            {"pipeline": f"Stabilis LightGBM, {n_origins} origins x 15 outcomes",
             "seconds": boosted_seconds,
             "note": f"{args.jobs} worker processes; per fit {service.config.n_members} bagged "
                     f"members, calibration {service.config.calibration}"},
            {"pipeline": f"Stabilis LightGBM, {n_origins} origins x 12 space outcomes",
             "seconds": spaces_seconds, "note": f"rerun identical to first run: {identical}"},
            {"pipeline": f"logistic baseline, {n_origins} origins x 15 outcomes",
             "seconds": logit_seconds,
             "note": "L2, median-imputed, standardised"},
            {"pipeline": f"random forest, {len(rf_seconds)} forests measured",
             "seconds": float(np.sum(rf_seconds)),
             "note": f"{args.rf_trees} trees, mtry 20, min leaf 1, n_jobs {args.jobs}; "
                     f"origins {timed_origins}, outcomes {timed_keys}, fitted in this run"},
            {"pipeline": f"random forest, {n_origins} origins x 12 outcomes (EXTRAPOLATED)",
             "seconds": rf_full, "note": f"{per_forest:.1f} s/forest x {n_forests} forests"},
        ]
    )  # fmt: skip
    print(speed.to_string(index=False, float_format=lambda v: f"{v:.1f}"))
    print(
        f"\n   speed-up vs the random forest (12 space outcomes): "
        f"{rf_full / spaces_seconds:.1f}x (extrapolated RF / measured Stabilis)"
    )
    print(
        f"   peak memory during the Stabilis backtest: {memory.peak:,.0f} MiB (resident memory "
        f"of this process and its {args.jobs} worker processes together, sampled every 50 ms; "
        f"includes Python, pandas and the warehouse read)"
    )
    print(f"   this process's max RSS at the end (with the forests): {peak_mb():,.0f} MiB")
    if len(mine):
        print("\n-- random forest vs Stabilis on the measured subset (same rows)")
        sub = []
        for key, part in mine.groupby("outcome"):
            sub.append({"outcome": key, "n": len(part),
                        "rf_roc_auc": score(part["y"], part["p_rf"])["roc_auc"],
                        "stabilis_roc_auc": score(part["y"], part["p"])["roc_auc"],
                        "rf_brier": score(part["y"], part["p_rf"])["brier"],
                        "stabilis_brier": score(part["y"], part["p"])["brier"]})  # fmt: skip
        print(fmt(pd.DataFrame(sub)))
        honest = rf_rows.assign(scheme="rf_honest")
        covered = sorted(int(o) for o in honest["origin"].unique())
        print(f"\n-- Stabilis against the honest {args.rf_trees}-tree forest on the rows it covers "
              f"(origins {covered}, outcomes {sorted(honest['outcome'].unique())}; "
              f"{args.boot} country-cluster bootstrap draws; difference = Stabilis - forest)")  # fmt: skip
        print(fmt(honest_forest_differences(rows, honest, args.boot)))

    overlap_origins = [int(x) for x in args.overlap_origins.split(",") if x]
    if overlap_origins:
        start = time.perf_counter()
        forests = overlap_experiment(service, overlap_origins, args.overlap_trees, args.jobs)
        print(f"\n== What the Barometer's overlapping training row is worth (origins "
              f"{overlap_origins}, 12 space outcomes, random forest of {args.overlap_trees} "
              f"trees, mtry 20, min leaf 1; {time.perf_counter() - start:.0f} s)")  # fmt: skip
        print("   honest: rows s <= t-3, targets fully observed at t; overlap: rows s <= t-1, "
              "whose targets reach into the forecast window")  # fmt: skip
        print(fmt(overlap_table(rows, forests)))
        print(f"\n-- Stabilis against the honest forest ({args.overlap_trees} trees) on the same rows, "
              f"{args.boot} country-cluster bootstrap draws (difference = Stabilis - forest)")  # fmt: skip
        print(fmt(honest_forest_differences(rows, forests, args.boot)))


if __name__ == "__main__":
    main()
