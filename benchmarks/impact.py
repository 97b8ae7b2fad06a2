"""Benchmark: full placebo-in-space inference for one synthetic-control case, ours vs pysyncon.

Two problems, each timed in this process, best of ``REPEATS``:

* Basque Country (Abadie & Gardeazabal 2003; nested V/W with the Synth predictor spec): every
  one of the 16 donors refitted as a placebo — ours (``SyntheticControl``, Synth's starts, the
  same as pysyncon's 'equal' start plus our regression start) vs ``pysyncon.PlaceboTest`` with
  ``Synth`` (Nelder-Mead, equal start).
* A simulated country case (outcome lags as predictors, 20 donors, 15 pre-years): ours
  (one exact simplex least-squares per fit) vs pysyncon's Synth on the same lags.
* Full inference for a 20-donor case with Abadie predictors (nested V search): ``synth()`` with
  placebo in space (every donor refitted, the treated unit in each pool), the interval, the
  placebo in time, leave-one-out and the W-uniqueness programmes, in one process (its CPU time
  is printed too: on a shared machine the wall time depends on the other users); the baseline
  is pysyncon's placebo test of the same specification in the same run. The target is under
  10 s on 2 cores.
* Staggered DiD (Callaway & Sant'Anna, 120 units, 26 years, 4 cohorts): ours (ATT(g,t),
  influence functions, 999 multiplier-bootstrap draws, event study, both pre-tests) vs the
  ``differences`` package's ``ATTgt`` fit and event aggregation (analytic SEs).
* Pooled synthetic control (3 treated units averaged, 20 donors, full inference) against the
  averaged design's three per-unit fits, and honest DiD (Mbar = 1 with its breakdown value)
  against the CS-DiD fit it reads: no peer package is installed for either, so the baseline
  is our own neighbouring computation in the same run (the ratio is peer / ours as above).
* Dynamic panel (the within estimator with two outcome lags, a treatment, unit and year
  effects, SEs clustered by unit; 180 simulated countries, 1980-2024): ours, lags built from the
  raw panel, vs pyfixest's ``feols("y ~ l1 + l2 + d | iso3 + year", vcov={"CRV1": "iso3"})``
  on the panel with the lags already built, its demeaning tolerance 1e-12 as ours (pyfixest is
  a dev dependency). Both are called once before timing, so pyfixest's first-call compilation
  is left out; best of 7.

Run: python benchmarks/impact.py [path/to/basque.csv]   (prints a table of seconds and ratios)
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

from stabilis.impact.checks import placebo_gaps
from stabilis.impact.replication import (
    BASQUE_DONORS,
    BASQUE_SCHOOLING,
    BASQUE_SECTORS,
    basque_data,
)
from stabilis.impact.simulate import factor_panel
from stabilis.impact.synth import SyntheticControl, prepare

REPEATS = 1
ROOT = Path(__file__).resolve().parents[1]


#: CPU seconds of the last timed call (this process; the machine is shared, so wall time
#: depends on the other users' load while CPU time does not).
CPU: dict[str, float] = {}


def _best(fn, name: str = "", repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        if name:
            CPU[name] = time.process_time() - cpu
    return min(times)


def _time_placebo_test(dataprep) -> float:
    """Best time of pysyncon's placebo test (Synth, Nelder-Mead from equal weights)."""
    from pysyncon import Synth
    from pysyncon.utils import PlaceboTest

    def theirs() -> None:
        PlaceboTest().fit(
            dataprep=dataprep,
            scm=Synth(),
            scm_options={"optim_method": "Nelder-Mead", "optim_initial": "equal"},
            verbose=False,
        )

    return _best(theirs)


def basque(csv: Path) -> tuple[float, float, int]:
    frame, data = basque_data(csv)
    ours = _best(lambda: placebo_gaps(data, SyntheticControl(random_starts=0)))

    from pysyncon import Dataprep

    names = frame.drop_duplicates("regionno").set_index("regionno")["regionname"]
    dataprep = Dataprep(
        foo=frame,
        predictors=[*BASQUE_SCHOOLING, "invest"],
        predictors_op="mean",
        time_predictors_prior=range(1964, 1970),
        special_predictors=[
            ("gdpcap", range(1960, 1970), "mean"),
            *[(v, range(1961, 1970, 2), "mean") for v in BASQUE_SECTORS],
            ("popdens", [1969], "mean"),
        ],
        dependent="gdpcap",
        unit_variable="regionname",
        time_variable="year",
        treatment_identifier=names[17],
        controls_identifier=[names[int(d)] for d in BASQUE_DONORS],
        time_optimize_ssr=range(1960, 1970),
    )

    return ours, _time_placebo_test(dataprep), len(BASQUE_DONORS)


def _pysyncon_placebo(panel, prior: range, special: list) -> tuple[float, int]:
    """pysyncon's placebo test (Synth, Nelder-Mead from equal weights) on a simulated panel with
    outcome ``y``, treated unit ``TRT`` and pre-period 1985-1999: best time and donor count."""
    from pysyncon import Dataprep

    donors = [u for u in panel["iso3"].unique() if u != "TRT"]
    dataprep = Dataprep(
        foo=panel,
        predictors=["y"],
        predictors_op="mean",
        time_predictors_prior=prior,
        special_predictors=special,
        dependent="y",
        unit_variable="iso3",
        time_variable="year",
        treatment_identifier="TRT",
        controls_identifier=donors,
        time_optimize_ssr=range(1985, 2000),
    )

    return _time_placebo_test(dataprep), len(donors)


def country_case() -> tuple[float, float, int]:
    panel = factor_panel(
        n_donors=20, first_year=1985, treatment_year=2000, last_year=2015, effect=0.1, seed=11
    )
    data = prepare(panel, outcome="y", treated="TRT", treatment_year=2000)
    ours = _best(lambda: placebo_gaps(data, SyntheticControl()))

    return (ours, *_pysyncon_placebo(panel, range(1985, 1986),
                                     [("y", [y], "mean") for y in range(1986, 2000)]))  # fmt: skip


def full_inference() -> tuple[float, float, int]:
    """synth() with every check on a 20-donor case with five Abadie predictors (V searched)."""
    from stabilis.impact import synth
    from stabilis.impact.synth import Predictor

    panel = factor_panel(
        n_donors=20, first_year=1985, treatment_year=2000, last_year=2015, effect=0.1, seed=11
    )
    spans = [(1985, 1988), (1989, 1992), (1993, 1995), (1996, 1997), (1998, 1999)]
    predictors = [Predictor("y", tuple(range(a, b + 1))) for a, b in spans]
    ours = _best(
        lambda: synth(
            panel, outcome="y", treated="TRT", treatment_year=2000, predictors=predictors
        ),
        "full",
    )

    return (ours, *_pysyncon_placebo(panel, range(1985, 1989),
                                     [("y", range(a, b + 1), "mean") for a, b in spans[1:]]))  # fmt: skip


def staggered_did() -> tuple[float, float, int]:
    import pandas as pd

    from stabilis.impact import did
    from stabilis.impact.simulate import staggered_panel

    panel = staggered_panel(seed=2).panel
    ours = _best(lambda: did(panel, outcome="y", n_boot=999))
    from differences import ATTgt

    frame = panel.copy()
    frame["uid"] = pd.factorize(frame["iso3"])[0]
    frame = frame.set_index(["uid", "year"])[["y", "cohort"]]

    def theirs() -> None:
        att = ATTgt(data=frame, cohort_column="cohort")
        att.fit(formula="y", control_group="not_yet_treated", progress_bar=False)
        att.aggregate("event")

    return ours, _best(theirs), panel["iso3"].nunique()


def pooled_vs_averaged() -> tuple[float, float, int]:
    """Pooled design (one SC for the average of 3 treated units) vs the averaged design
    (one SC per treated unit), each with placebo-in-space inference; 20 donors. No peer
    package offers either, so the baseline is the other design in the same run."""
    from stabilis.impact import synth
    from stabilis.impact.pooling import pooled_id, pooled_panel
    from stabilis.impact.simulate import multi_treated_panel

    treated = ["T01", "T02", "T03"]
    panel = multi_treated_panel(seed=1)
    donors = [u for u in panel["iso3"].unique() if u.startswith("D")]
    pooled = pooled_panel(panel, treated)

    def ours() -> None:
        synth(pooled, outcome="y", treated=pooled_id(treated), treatment_year=2000, donors=donors)

    def averaged() -> None:
        for t in treated:
            synth(panel, outcome="y", treated=t, treatment_year=2000, donors=donors)

    return _best(ours), _best(averaged), len(donors)


def honest_vs_fit() -> tuple[float, float, int]:
    """Honest DiD (relative magnitudes at Mbar = 1 with the breakdown value) vs the CS-DiD fit
    it reads (120 units): the baseline is the fit, since no peer package is installed."""
    from stabilis.impact import did
    from stabilis.impact.simulate import staggered_panel

    panel = staggered_panel(seed=2).panel
    fitted = did(panel, outcome="y", n_boot=999)
    ours = _best(lambda: fitted.honest("rm", m=(1.0,)).breakdown)
    return ours, _best(lambda: did(panel, outcome="y", n_boot=999)), panel["iso3"].nunique()


def dynamic_vs_pyfixest() -> tuple[float, float, int]:
    """The dynamic-panel within estimator vs pyfixest's feols on the same model and data."""
    from pyfixest import feols
    from pyfixest.demeaners import MapDemeaner

    from stabilis.impact import dynamic_panel
    from stabilis.impact.simulate import staggered_panel

    panel = staggered_panel(n_units=180, first_year=1980, last_year=2024, seed=3).panel
    panel = panel.assign(d=(panel["year"] >= panel["cohort"]).astype(float))[
        ["iso3", "year", "y", "d"]
    ]
    lagged = panel
    for j in (1, 2):
        back = panel[["iso3", "year", "y"]].assign(year=panel["year"] + j)
        lagged = lagged.merge(back.rename(columns={"y": f"l{j}"}), on=["iso3", "year"])

    def ours() -> None:
        dynamic_panel(panel, outcome="y", treatment="d", lags=2)

    def theirs() -> None:
        feols("y ~ l1 + l2 + d | iso3 + year", data=lagged, vcov={"CRV1": "iso3"},
              demeaner=MapDemeaner(fixef_tol=1e-12)).tidy()  # fmt: skip

    ours(), theirs()  # warm-up: imports and pyfixest's first-call compilation
    # fits of tens of milliseconds: best of 7 each
    return _best(ours, repeats=7), _best(theirs, repeats=7), panel["iso3"].nunique()


def main() -> None:
    warnings.simplefilter("ignore")
    csv = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else ROOT.parent / "shared" / "data" / "replication" / "basque" / "basque.csv"
    )
    rows = []
    for name, (ours, theirs, n) in (
        ("Basque placebo-in-space (nested V/W)", basque(csv)),
        ("country case, 20 donors (15 outcome lags)", country_case()),
        ("full inference, 20 donors, V searched", full_inference()),
        ("CS-DiD, 120 units (ours vs differences)", staggered_did()),
        ("pooled SC vs averaged per-unit SCs (ours)", pooled_vs_averaged()),
        ("honest DiD Mbar=1 vs its CS-DiD fit", honest_vs_fit()),
        ("dynamic panel, 2 lags (ours vs pyfixest)", dynamic_vs_pyfixest()),
    ):
        rows.append((name, n, ours, theirs, theirs / ours))
    print(f"{'problem':<42} {'units':>6} {'stabilis s':>11} {'peer s':>11} {'ratio':>7}")
    for name, n, ours, theirs, ratio in rows:
        print(f"{name:<42} {n:>6} {ours:>11.2f} {theirs:>11.2f} {ratio:>6.1f}x")
    if "full" in CPU:
        print(f"full inference, 20 donors: {CPU['full']:.2f} CPU seconds (target: under 10 s)")


if __name__ == "__main__":
    main()
