"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) group-time ATTs.

For a cohort ``g`` (units first treated in year ``g``) and a year ``t``::

    ATT(g, t) = mean over cohort g of (Y_t - Y_b)  -  mean over controls of (Y_t - Y_b)

with base year ``b`` = the last period before ``g - anticipation`` after treatment and, before
it, ``b`` = the previous period (``base_period="varying"``, the default of R's ``did``) or the
last period before ``g - anticipation`` (``"universal"``). On a regular grid these are
``g - 1 - anticipation`` and ``t - 1``; on an irregular one (a missing year) they are the last
*available* periods, as in R's ``did``, so no cohort is dropped for a gap. **Control-group rule.** ``control="notyet"``: units never treated plus units
not yet treated by ``max(t, b) + anticipation`` (other than cohort ``g``); ``control="never"``:
never-treated units only. Units first treated after the panel's last year count as never
treated; cohorts treated in the first year have no pre-period and are dropped (and listed).
Without covariates parallel trends are unconditional; with ``covariates`` each cell is a
Sant'Anna & Zhao (2020) estimator: outcome regression, IPW or doubly robust (``est_method``,
default ``dr`` as in R's ``did``). Like R's ``did`` (whose default is
``allow_unbalanced_panel = FALSE``), units not observed in every year are dropped by default
(``balance=True``) and listed; with ``balance=False`` a unit enters a cell whenever it is
observed in both ``t`` and ``b``.

Treatment is absorbing: once a country starts a programme it counts as treated afterwards.

**Inference.** Each ATT(g, t) has an influence function over units; aggregations (event time,
overall) combine them, including the term for estimating the cohort-share weights, as R's
``did`` does. Standard errors come from a multiplier (Rademacher) bootstrap of the influence
functions, which clusters on the unit; the event-study band uses the bootstrap sup-t critical
value (a simultaneous band). Missing outcomes: a unit enters a cell only when observed in both
``t`` and ``b``; cells without a treated or a control unit are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from stabilis.errors import QueryError
from stabilis.panel.serialise import records

from .checks import CheckResult, pretrend_test
from .event_study import EVENT_AXIS, event_layers, event_long
from .honest import (
    VERDICT_MBAR,
    HonestResult,
    Restriction,
    event_study_sensitivity,
    robust_reason,
)
from .verdict import DEFAULT_RULES, Verdict, VerdictRules, did_verdict, display

Control = Literal["notyet", "never"]
Aggregation = Literal["simple", "dynamic", "group", "calendar"]
EstMethod = Literal["reg", "ipw", "dr"]
AGGREGATIONS: tuple[str, ...] = ("simple", "dynamic", "group", "calendar")

#: Pre-treatment years tested jointly for parallel trends, and the fewest treated units an
#: event time needs to enter the test.
PRETREND_WINDOW = 5
MIN_TREATED = 3
BasePeriod = Literal["varying", "universal"]


def control_rule(control: str, anticipation: int) -> str:
    """The control-group rule in words (shown in every summary)."""
    if control == "never":
        return "controls are countries never treated in the panel"
    extra = f" + {anticipation}" if anticipation else ""
    return (
        "controls are countries never treated plus countries not yet treated by "
        f"max(t, base year){extra} (not-yet-treated)"
    )


@dataclass
class DidResult:
    """Group-time ATTs with event-study and overall aggregations."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("event_time",)

    outcome: str
    treatment: str
    control: str
    anticipation: int
    att_gt: pd.DataFrame
    event: pd.DataFrame
    overall: dict[str, float]
    pretrend: CheckResult
    cohorts: pd.DataFrame
    dropped_cohorts: list[int]
    n_units: int
    level: float
    dropped_units: list[str] = field(default_factory=list)
    n_never: int = 0
    caveats: list[str] = field(default_factory=list)
    higher_is_better: bool | None = None
    pretest: CheckResult | None = None
    min_post_controls: int = 0
    rules: VerdictRules = DEFAULT_RULES
    estimator: CallawaySantAnna | None = field(default=None, repr=False)
    _robust: tuple[HonestResult | None, str] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def honest(
        self,
        restriction: Restriction = "rm",
        m: tuple[float, ...] | list[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
        e: int | None = None,
    ) -> HonestResult:
        """Rambachan & Roth sensitivity of the event study (:mod:`.honest`): identified set,
        robust interval per ``m`` and the breakdown value, for event time ``e`` or (``None``)
        the average of the first five post-treatment event times."""
        if self.estimator is None:
            raise QueryError("This result was built without its estimator; refit with did().")
        return event_study_sensitivity(
            self.estimator, restriction=restriction, m=m, e=e, level=self.level
        )

    @property
    def robust(self) -> tuple[HonestResult | None, str]:
        """The verdict's sensitivity check: relative magnitudes at Mbar = 1 for the average
        post-treatment effect, or ``None`` and why it could not be computed (cached)."""
        if self._robust is None:
            try:
                self._robust = (self.honest("rm", m=(VERDICT_MBAR,)), "")
            except QueryError as exc:
                self._robust = (None, str(exc))
        return self._robust

    def aggregate(
        self,
        kind: Aggregation = "dynamic",
        *,
        balance_e: int | None = None,
        min_e: float = -np.inf,
        max_e: float = np.inf,
    ) -> tuple[pd.DataFrame, dict[str, float]]:
        """Any of R did's four aggregations (see :meth:`CallawaySantAnna.aggregate`)."""
        if self.estimator is None:
            raise QueryError("This result was built without its estimator; refit with did().")
        return self.estimator.aggregate(kind, balance_e=balance_e, min_e=min_e, max_e=max_e)

    def _breakdown_shown(self, requested: bool) -> bool:
        """Whether outputs carry the breakdown value: on request, or when the verdict's
        Mbar = 1 interval covers zero (its reason then states the breakdown, below 1). An
        interval that excludes zero at Mbar = 1 needs no breakdown for the verdict, and its
        bisection (beyond 1) runs only when asked."""
        honest, _ = self.robust
        if honest is None:
            return False
        return requested or not honest.at(VERDICT_MBAR)["excludes_zero"]

    @property
    def verdict_reasons(self) -> tuple[Verdict, list[str]]:
        o = self.overall
        # did's joint test when it can be computed; when its covariance is singular (more
        # pre-treatment cells than units, common with many cohorts), the event-window test.
        usable = self.pretest is not None and self.pretest.p_value is not None
        pretest = self.pretest if usable and self.pretest is not None else self.pretrend
        verdict, reasons = did_verdict(
            float(o.get("att", np.nan)),
            float(o.get("p_value", np.nan)),
            float(o.get("lower", np.nan)),
            float(o.get("upper", np.nan)),
            pretest,
            self.min_post_controls,
            self.rules,
        )
        if verdict == "not_credible" or self.estimator is None:
            return verdict, reasons
        honest, why = self.robust
        note = robust_reason(honest, why)
        if note:
            return "weak", [*reasons, note]
        return verdict, reasons

    @property
    def verdict(self) -> Verdict:
        return self.verdict_reasons[0]

    @property
    def reasons(self) -> list[str]:
        return self.verdict_reasons[1]

    def tidy(self) -> pd.DataFrame:
        """Long: one row per event time, ``event_time, value`` (the ATT) with its pointwise
        ``lower``/``upper``, then ``se``, the uniform band and the counts. The wide
        event-study table as fitted is :attr:`event`."""
        return event_long(self.event, "att")

    def summary(self, *, breakdown: bool = False) -> str:
        """Verdict first, then the estimate and the diagnostics; ``breakdown`` adds the
        honest-DiD breakdown value when the verdict did not need it."""
        o = self.overall
        n_treated = int(self.cohorts["units"].sum())
        verdict, reasons = self.verdict_reasons
        lines = [
            f"Verdict: {display(verdict)}" + (f" ({'; '.join(reasons)})" if reasons else ""),
            f"Staggered DiD (Callaway & Sant'Anna), {self.treatment} on {self.outcome}: "
            f"{n_treated} treated countries in {len(self.cohorts)} cohorts, {self.n_never} never treated, "
            f"{self.n_units} countries in all; "
            f"{control_rule(self.control, self.anticipation)}.",
        ]
        if not np.isfinite(o.get("att", np.nan)):
            lines.append("No estimate: no cohort had a usable comparison (see the cohort table).")
        elif verdict == "not_credible":
            lines.append(
                "No estimate: the design fails its own diagnostics (see the verdict); the "
                f"ATT it would give, {o['att']:+.3f}, is not a finding."
            )
        else:
            direction = ""
            if self.higher_is_better is not None and o["att"] != 0:
                direction = (
                    " (an improvement)"
                    if (o["att"] > 0) == self.higher_is_better
                    else " (a deterioration: harm)"
                )
            lines.append(
                f"Overall ATT {o['att']:+.3f}{direction}, {self.level:.0%} CI [{o['lower']:.3f}, {o['upper']:.3f}], "
                f"p = {o['p_value']:.3f}."
            )
        if self.pretest is not None:
            lines.append("Pre-test: " + self.pretest.message + ".")
        lines.append("Event-window pre-test (ours): " + self.pretrend.message + ".")
        if self.estimator is not None:
            honest, why = self.robust
            if honest is None:
                lines.append(f"Sensitivity (honest DiD): not computed ({why}).")
            else:
                row = honest.at(VERDICT_MBAR)
                tail = (
                    f"breakdown Mbar = {honest.breakdown:.2g}"
                    if self._breakdown_shown(breakdown)
                    else f"breakdown Mbar above {VERDICT_MBAR:g} (--breakdown computes it)"
                )
                lines.append(
                    f"Sensitivity (honest DiD, relative magnitudes): at Mbar = {VERDICT_MBAR:g} "
                    f"the robust {honest.level:.0%} CI for the {honest.target} is "
                    f"[{row['lower']:+.3f}, {row['upper']:+.3f}]; {tail}."
                )
        lines.append(
            f"Controls: the thinnest post-treatment comparison has {self.min_post_controls} "
            "control units."
        )
        if self.dropped_cohorts:
            lines.append(
                f"Cohorts without a pre-period were dropped: {', '.join(map(str, self.dropped_cohorts))}."
            )
        if self.dropped_units:
            lines.append(
                f"Countries with gaps in the outcome were dropped (balanced panel): {', '.join(self.dropped_units)}."
            )
        if self.caveats:
            lines.append("Caveats: " + "; ".join(self.caveats) + ".")
        return "\n".join(lines)

    def meta(self, *, breakdown: bool = False) -> dict[str, Any]:
        """JSON-ready settings, diagnostics and verdict; ``breakdown`` adds the honest-DiD
        breakdown value when the verdict did not need it."""
        verdict, reasons = self.verdict_reasons
        honest, why = self.robust if self.estimator is not None else (None, "no estimator")
        shown = honest is not None and self._breakdown_shown(breakdown)
        est = self.estimator
        return {
            "design": "callaway_santanna",
            "verdict": verdict,
            "reasons": reasons,
            "settings": {
                "outcome": self.outcome,
                "treatment": self.treatment,
                "control": self.control,
                "anticipation": self.anticipation,
                "level": self.level,
                "base_period": est.base_period if est is not None else None,
                "est_method": est.est_method if est is not None else None,
                "n_boot": est.n_boot if est is not None else None,
            },
            "diagnostics": {
                "pretest": self.pretest.to_dict() if self.pretest is not None else None,
                "pretrend": self.pretrend.to_dict(),
                "min_post_controls": self.min_post_controls,
                "honest": honest.to_dict(breakdown=shown) if honest is not None else None,
                "honest_unavailable": why or None,
            },
            "n_units": self.n_units,
            "n_never": self.n_never,
        }

    def plot_spec(self) -> dict[str, Any]:
        """Vega-Lite event-study plot: estimates with pointwise and uniform bands."""
        band = {
            "mark": {"type": "area", "opacity": 0.2},
            "encoding": {
                "x": EVENT_AXIS,
                "y": {"field": "lower_uniform", "type": "quantitative"},
                "y2": {"field": "upper_uniform"},
            },
        }
        return {
            "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "title": f"{self.treatment} on {self.outcome}: event study (Callaway & Sant'Anna)",
            "data": {"values": records(self.event)},
            "layer": [band, *event_layers("att", self.outcome)],
        }

    def to_dict(self, *, breakdown: bool = False) -> dict[str, Any]:
        def recs(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{str(k): v for k, v in r.items()} for r in records(frame)]

        verdict, reasons = self.verdict_reasons
        honest, why = self.robust if self.estimator is not None else (None, "no estimator")
        shown = honest is not None and self._breakdown_shown(breakdown)
        return {
            "verdict": verdict,
            "reasons": reasons,
            "honest": honest.to_dict(breakdown=shown) if honest is not None else None,
            "honest_unavailable": why or None,
            "design": "callaway_santanna",
            "outcome": self.outcome,
            "treatment": self.treatment,
            "control_rule": control_rule(self.control, self.anticipation),
            "overall": {
                k: (None if not np.isfinite(v) else float(v)) for k, v in self.overall.items()
            },
            "event_study": recs(self.event),
            "cohorts": recs(self.cohorts),
            "dropped_cohorts": self.dropped_cohorts,
            "dropped_units": self.dropped_units,
            "pretrend": self.pretrend.to_dict(),
            "pretest": self.pretest.to_dict() if self.pretest is not None else None,
            "min_post_controls": self.min_post_controls,
            "caveats": self.caveats,
            "summary": self.summary(breakdown=breakdown),
        }


class CallawaySantAnna(BaseEstimator):
    """Callaway & Sant'Anna (2021) estimator without covariates; ``fit`` returns self."""

    def __init__(
        self,
        control: Control = "notyet",
        anticipation: int = 0,
        base_period: BasePeriod = "varying",
        n_boot: int = 999,
        seed: int = 0,
        level: float = 0.95,
        balance: bool = True,
        est_method: EstMethod = "dr",
    ) -> None:
        if est_method not in ("reg", "ipw", "dr"):
            raise QueryError(f"est_method must be reg, ipw or dr, not '{est_method}'.")
        if control not in ("notyet", "never"):
            raise QueryError(f"control must be 'notyet' or 'never', not '{control}'.")
        if base_period not in ("varying", "universal"):
            raise QueryError(f"base_period must be 'varying' or 'universal', not '{base_period}'.")
        self.control = control
        self.anticipation = anticipation
        self.base_period = base_period
        self.n_boot = n_boot
        self.seed = seed
        self.level = level
        self.balance = balance
        self.est_method = est_method

    def fit(
        self,
        panel: pd.DataFrame,
        outcome: str,
        cohort: str = "cohort",
        unit: str = "iso3",
        time: str = "year",
        cluster: str | None = None,
        covariates: tuple[str, ...] | list[str] = (),
    ) -> CallawaySantAnna:
        """Estimate every ATT(g, t). ``cluster`` names a column constant within each unit
        (e.g. a region) whose clusters the standard errors are clustered on. ``covariates``
        (time-invariant: each unit's value in its first observed year) make each cell a
        Sant'Anna & Zhao (2020) estimator chosen by ``est_method``: ``reg`` (outcome
        regression), ``ipw`` (standardised inverse probability weighting) or ``dr`` (doubly
        robust, R ``did``'s default), with the first steps' influence functions included."""
        for col in (outcome, cohort, unit, time, *([cluster] if cluster else []), *covariates):
            if col not in panel.columns:
                raise QueryError(f"The panel has no column '{col}'.")
        # Kept (a reference, not a copy) so a universal-base refit can serve honest DiD.
        self.fit_inputs_: dict[str, Any] = {
            "panel": panel,
            "outcome": outcome,
            "cohort": cohort,
            "unit": unit,
            "time": time,
            "cluster": cluster,
            "covariates": tuple(covariates),
        }
        if cluster and (panel.groupby(unit)[cluster].nunique() > 1).any():
            raise QueryError(
                f"The cluster column '{cluster}' varies within a unit; clusters must contain "
                "whole units."
            )
        clusters = panel.groupby(unit)[cluster].first() if cluster else None
        frame = panel[[unit, time, outcome, cohort]].dropna(subset=[unit, time])
        if frame.duplicated([unit, time]).any():
            raise QueryError(f"The panel has duplicate ({unit}, {time}) rows.")
        wide = frame.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
        if covariates:
            first = panel.sort_values(time).groupby(unit)[list(covariates)].first()
            no_x = first.index[first.isna().any(axis=1)]
            wide = wide.drop(index=[u for u in no_x if u in wide.index])
            frame = frame[~frame[unit].isin(no_x)]
        gaps = wide.index[wide.isna().any(axis=1)]
        self.dropped_units_ = [str(u) for u in gaps] if self.balance else []
        if self.balance:
            wide = wide.drop(index=gaps)
            frame = frame[~frame[unit].isin(gaps)]
        g_by_unit = frame.groupby(unit)[cohort].first().reindex(wide.index)
        if (frame.groupby(unit)[cohort].nunique() > 1).any():
            raise QueryError("A unit has more than one cohort; the cohort must be fixed per unit.")
        years = wide.columns.to_numpy(dtype=int)
        y = wide.to_numpy(dtype=float)
        g = pd.to_numeric(g_by_unit, errors="coerce").to_numpy(dtype=float)
        g = np.where(np.isnan(g) | (g <= 0) | (g > years.max()), np.inf, g)
        n = len(g)
        cohorts = sorted(int(c) for c in np.unique(g[np.isfinite(g)]))
        dropped = [c for c in cohorts if c - self.anticipation <= years.min()]
        cohorts = [c for c in cohorts if c not in dropped]
        column_of = {int(t): i for i, t in enumerate(years)}
        xmat = (
            np.column_stack([np.ones(n), first.reindex(wide.index).to_numpy(dtype=float)])
            if covariates
            else None
        )
        cells, psis = [], []
        for c in cohorts:
            in_g = g == c
            # R did's rule on any time grid: the base period after treatment is the last
            # available period before c - anticipation (so a missing year, as in WGI's
            # 1997/1999/2001, moves the base back instead of dropping the cohort); before
            # treatment with a varying base it is the previous available period.
            last_pre = int(years[years + self.anticipation < c].max())
            for i, t in enumerate(years[1:], start=1):
                t = int(t)
                post = t >= c - self.anticipation
                b = last_pre if (post or self.base_period == "universal") else int(years[i - 1])
                if b == t or b not in column_of:
                    continue
                dy = y[:, column_of[t]] - y[:, column_of[b]]
                ok = np.isfinite(dy)
                treat = in_g & ok
                if self.control == "never":
                    ctrl = np.isinf(g) & ok
                else:
                    ctrl = (np.isinf(g) | (g > max(t, b) + self.anticipation)) & ~in_g & ok
                n1, n0 = int(treat.sum()), int(ctrl.sum())
                if n1 == 0 or n0 == 0:
                    continue
                psi = np.zeros(n)
                if xmat is None:
                    m1, m0 = dy[treat].mean(), dy[ctrl].mean()
                    psi[treat] = (n / n1) * (dy[treat] - m1)
                    psi[ctrl] = -(n / n0) * (dy[ctrl] - m0)
                    att_cell = m1 - m0
                else:
                    sample = treat | ctrl
                    args = (dy[sample], treat[sample].astype(float), xmat[sample])
                    if self.est_method == "reg":
                        att_cell, inf = outcome_regression_did(*args)
                    else:
                        att_cell, inf = ipw_did(*args, doubly_robust=self.est_method == "dr")
                    psi[sample] = (n / int(sample.sum())) * inf
                cells.append(
                    {
                        "cohort": c,
                        "year": t,
                        "base_year": b,
                        "event_time": t - c,
                        "att": att_cell,
                        "n_treated": n1,
                        "n_control": n0,
                    }
                )
                psis.append(psi)
        if not cells:
            raise QueryError(
                f"No cohort of '{cohort}' has a usable comparison for '{outcome}' "
                "(each needs a pre-period and at least one control unit observed in both years)."
            )
        att_gt = pd.DataFrame(cells)
        psi_gt = np.column_stack(psis)
        self.cluster_codes_ = (
            pd.factorize(clusters.reindex(wide.index).astype(str))[0]
            if clusters is not None
            else None
        )
        share = {c: float(np.mean(g == c)) for c in cohorts}
        self.units_ = wide.index.to_numpy()
        self.years_ = years
        self.g_ = g
        self.n_ = n
        self.n_never_ = int(np.isinf(g).sum())
        self.att_gt_ = att_gt
        self.psi_gt_ = psi_gt
        self.share_ = share
        self.dropped_cohorts_ = dropped
        self.cohort_sizes_ = pd.DataFrame(
            {"cohort": cohorts, "units": [int(np.sum(g == c)) for c in cohorts]}
        )
        se_cells, analytic_cells, _ = self._se(psi_gt)
        self.att_gt_ = att_gt.assign(se=se_cells, se_analytic=analytic_cells)
        self._aggregate()
        return self

    def universal(self) -> CallawaySantAnna:
        """This estimator with a universal base period (event time -1 is the reference for
        every earlier period), refitted on the same data; itself when already universal."""
        if self.base_period == "universal":
            return self
        est = CallawaySantAnna(
            self.control,
            self.anticipation,
            "universal",
            self.n_boot,
            self.seed,
            self.level,
            self.balance,
            self.est_method,
        )
        return est.fit(**self.fit_inputs_)

    def event_covariance(self) -> np.ndarray:
        """Covariance of the event-time estimates from their influence functions,
        ``psi' psi / n^2``, summed within clusters when clustered (as HonestDiD's
        ``honest_did.AGGTEobj`` reads R did's ``aggte``)."""
        psi = self.event_psi_
        if self.cluster_codes_ is not None:
            k = int(self.cluster_codes_.max()) + 1
            groups = np.zeros((k, psi.shape[1]))
            np.add.at(groups, self.cluster_codes_, psi)
            psi = groups
        return np.asarray(psi.T @ psi / self.n_**2)

    def _weighted(self, rows: np.ndarray) -> tuple[float, np.ndarray]:
        """Cohort-share weighted mean of the cells ``rows`` and its influence function."""
        cells = self.att_gt_.iloc[rows]
        return self._combine(cells["att"].to_numpy(), self.psi_gt_[:, rows], list(cells["cohort"]))

    def _combine(
        self, att: np.ndarray, psi: np.ndarray, cohorts: list[int]
    ) -> tuple[float, np.ndarray]:
        """Cohort-share weighted mean of estimates ``att`` (influence functions in the columns
        of ``psi``, one cohort each) including the term for the estimated weights (the did
        package's "wif")."""
        p = np.array([self.share_[c] for c in cohorts])
        total = p.sum()
        w = p / total
        out = float(w @ att)
        ind = np.column_stack([(self.g_ == c).astype(float) for c in cohorts])
        dev = ind - p[None, :]
        wif = dev / total - np.outer(dev.sum(axis=1), p) / total**2
        return out, psi @ w + wif @ att

    def _se(self, targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bootstrap and analytic standard errors of the estimates whose influence functions
        are the columns of ``targets``, clustered on ``cluster`` when given (else the unit):
        the multiplier bootstrap draws one Rademacher weight per cluster (Callaway &
        Sant'Anna 2021, section 4; R did's ``clustervars``)."""
        n = self.n_
        groups = targets
        if self.cluster_codes_ is not None:
            k = int(self.cluster_codes_.max()) + 1
            groups = np.zeros((k, targets.shape[1]))
            np.add.at(groups, self.cluster_codes_, targets)
        rng = np.random.default_rng(self.seed)
        v = rng.choice(np.array([-1.0, 1.0]), size=(self.n_boot, groups.shape[0]))
        boot = v @ groups / n
        q75, q25 = np.quantile(boot, [0.75, 0.25], axis=0)
        se = (q75 - q25) / 1.3489795003921634
        analytic = np.sqrt((groups**2).sum(axis=0)) / n
        return np.where(se > 0, se, analytic), analytic, boot

    def aggregate(
        self,
        kind: Aggregation = "dynamic",
        *,
        balance_e: int | None = None,
        min_e: float = -np.inf,
        max_e: float = np.inf,
    ) -> tuple[pd.DataFrame, dict[str, float]]:
        """R ``did::aggte``: ``simple``, ``dynamic`` (event time), ``group`` or ``calendar``.

        Returns the table (one row per event time, cohort or year, with bootstrap and analytic
        standard errors and pointwise intervals; none for ``simple``) and the overall summary:
        simple = cohort-share weighted mean of every post-treatment ATT(g, t); dynamic = mean of
        the post-treatment event-time effects; group = cohort-share weighted mean of each
        cohort's average effect; calendar = mean of the per-year effects. ``balance_e`` keeps
        only cohorts observed at least ``balance_e`` periods after treatment and event times up
        to it; ``min_e``/``max_e`` bound the event times (dynamic only).
        """
        from scipy import stats

        if kind not in AGGREGATIONS:
            raise QueryError(
                f"Unknown aggregation '{kind}'. Use one of: {', '.join(AGGREGATIONS)}."
            )
        cells = self.att_gt_
        e = cells["event_time"].to_numpy()
        post = e >= 0
        labels: list[int] = []
        ests: list[float] = []
        psis: list[np.ndarray] = []
        if kind == "dynamic":
            keep = (e >= min_e) & (e <= max_e)
            if balance_e is not None:
                last = int(self.years_.max())
                balanced = {c for c in self.share_ if last - c >= balance_e}
                keep &= cells["cohort"].isin(balanced).to_numpy() & (e <= balance_e)
            for event in sorted(set(e[keep])):
                a, p = self._weighted(np.flatnonzero(keep & (e == event)))
                labels.append(int(event))
                ests.append(a)
                psis.append(p)
            post_idx = [i for i, lab in enumerate(labels) if lab >= 0]
            overall = float(np.mean([ests[i] for i in post_idx])) if post_idx else float("nan")
            psi_o = np.mean([psis[i] for i in post_idx], axis=0) if post_idx else np.zeros(self.n_)
        elif kind == "group":
            groups = sorted(int(c) for c in set(cells.loc[post, "cohort"]))
            for c in groups:
                rows = np.flatnonzero(post & (cells["cohort"].to_numpy() == c))
                labels.append(c)
                ests.append(float(cells["att"].to_numpy()[rows].mean()))
                psis.append(self.psi_gt_[:, rows].mean(axis=1))
            if groups:
                overall, psi_o = self._combine(np.array(ests), np.column_stack(psis), groups)
            else:
                overall, psi_o = float("nan"), np.zeros(self.n_)
        elif kind == "calendar":
            years = sorted(int(t) for t in set(cells.loc[post, "year"]))
            for t in years:
                a, p = self._weighted(np.flatnonzero(post & (cells["year"].to_numpy() == t)))
                labels.append(t)
                ests.append(a)
                psis.append(p)
            overall = float(np.mean(ests)) if ests else float("nan")
            psi_o = np.mean(psis, axis=0) if psis else np.zeros(self.n_)
        else:
            rows = np.flatnonzero(post)
            overall, psi_o = (
                self._weighted(rows) if rows.size else (float("nan"), np.zeros(self.n_))
            )
        targets = np.column_stack([*psis, psi_o]) if psis else psi_o[:, None]
        se, analytic, _ = self._se(targets)
        z = float(stats.norm.ppf(0.5 + self.level / 2))
        column = {"dynamic": "event_time", "group": "cohort", "calendar": "year"}.get(kind, kind)
        est = np.array(ests, dtype=float)
        k = len(est)
        table = pd.DataFrame(
            {
                column: labels,
                "att": est,
                "se": se[:k],
                "se_analytic": analytic[:k],
                "lower": est - z * se[:k],
                "upper": est + z * se[:k],
            }
        )
        se_o = float(se[k])
        p_o = (
            float(2 * stats.norm.sf(abs(overall) / se_o))
            if se_o > 0 and np.isfinite(overall)
            else float("nan")
        )
        summary = {
            "att": overall,
            "se": se_o,
            "se_analytic": float(analytic[k]),
            "lower": overall - z * se_o,
            "upper": overall + z * se_o,
            "p_value": p_o,
        }
        return (table if kind != "simple" else table.iloc[0:0]), summary

    def _aggregate(self) -> None:
        att_gt = self.att_gt_
        events = sorted(att_gt["event_time"].unique())
        ests, psis = [], []
        for e in events:
            rows = np.flatnonzero(att_gt["event_time"].to_numpy() == e)
            a, p = self._weighted(rows)
            ests.append(a)
            psis.append(p)
        post_rows = np.flatnonzero(att_gt["event_time"].to_numpy() >= 0)
        targets = np.column_stack(psis)
        if post_rows.size:
            overall, psi_o = self._weighted(post_rows)
            targets = np.column_stack([targets, psi_o])
        else:
            overall = float("nan")
            targets = np.column_stack([targets, np.zeros(self.n_)])
        n = self.n_
        se, analytic, boot = self._se(targets)
        from scipy import stats

        z = float(stats.norm.ppf(0.5 + self.level / 2))
        k = len(events)
        t_max = np.nanmax(np.abs(boot[:, :k] / np.where(se[:k] > 0, se[:k], np.nan)), axis=1)
        crit = (
            float(np.quantile(t_max[np.isfinite(t_max)], self.level))
            if np.isfinite(t_max).any()
            else z
        )
        est = np.array(ests)
        self.event_ = pd.DataFrame(
            {
                "event_time": events,
                "att": est,
                "se": se[:k],
                "se_analytic": analytic[:k],
                "lower": est - z * se[:k],
                "upper": est + z * se[:k],
                "lower_uniform": est - crit * se[:k],
                "upper_uniform": est + crit * se[:k],
                "cohorts": [int((att_gt["event_time"] == e).sum()) for e in events],
                "treated_units": [
                    int(att_gt.loc[att_gt["event_time"] == e, "n_treated"].sum()) for e in events
                ],
            }
        )
        se_o = float(se[k])
        p_o = (
            float(2 * stats.norm.sf(abs(overall) / se_o))
            if se_o > 0 and np.isfinite(overall)
            else float("nan")
        )
        self.overall_ = {
            "att": overall,
            "se": se_o,
            "lower": overall - z * se_o,
            "upper": overall + z * se_o,
            "p_value": p_o,
        }
        self.event_psi_ = targets[:, :k]
        # Pre-trend test over the last PRETREND_WINDOW pre-treatment years, and only event times
        # with at least MIN_TREATED treated units: with one treated unit the influence function
        # has no treated-side variance and the test would be meaningless.
        ev = np.array(events)
        units = self.event_["treated_units"].to_numpy()
        pre = (ev < 0) & (ev >= -PRETREND_WINDOW) & (units >= MIN_TREATED)
        cov = self.event_psi_[:, pre].T @ self.event_psi_[:, pre] / n**2
        self.pretrend_ = pretrend_test(
            pd.Series(est[pre], index=np.array(events)[pre]), cov, "callaway_santanna"
        )
        self.pretrend_.name = "event_window_pretest"
        self.pretest_ = did_pretest(self.att_gt_, self.psi_gt_, self.anticipation)
        post_cells = self.att_gt_[self.att_gt_["event_time"] >= 0]
        self.min_post_controls_ = int(post_cells["n_control"].min()) if len(post_cells) else 0


def outcome_regression_did(
    dy: np.ndarray, d: np.ndarray, x: np.ndarray
) -> tuple[float, np.ndarray]:
    """Sant'Anna & Zhao (2020) outcome-regression DiD for panel data (``DRDID::reg_did_panel``):
    the control units' outcome change regressed on ``x`` (with an intercept column) predicts
    the treated units' counterfactual change. Returns the ATT and its influence function over
    the cell's units (treated and controls), including the regression's estimation effect."""
    n = len(dy)
    ctrl = 1.0 - d
    beta = np.linalg.lstsq(x[ctrl == 1], dy[ctrl == 1], rcond=None)[0]
    fitted = x @ beta
    p = d.mean()
    eta_treat = float(np.mean(d * dy) / p)
    eta_cont = float(np.mean(d * fitted) / p)
    att = eta_treat - eta_cont
    xpx_inv = np.linalg.pinv((ctrl[:, None] * x).T @ x / n)
    lin_rep = (ctrl * (dy - fitted))[:, None] * x @ xpx_inv
    inf_treat = (d * dy - d * eta_treat) / p
    m1 = np.mean(d[:, None] * x, axis=0)
    inf_control = ((d * fitted - d * eta_cont) + lin_rep @ m1) / p
    return att, inf_treat - inf_control


def _logit(d: np.ndarray, x: np.ndarray, iterations: int = 50) -> np.ndarray:
    """Propensity scores by logistic regression (Newton-Raphson), as ``glm(binomial)``."""
    beta = np.zeros(x.shape[1])
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-np.clip(x @ beta, -35, 35)))
        w = p * (1 - p)
        step = np.linalg.lstsq(x.T @ (w[:, None] * x), x.T @ (d - p), rcond=None)[0]
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return np.asarray(1 / (1 + np.exp(-np.clip(x @ beta, -35, 35))))


def ipw_did(
    dy: np.ndarray, d: np.ndarray, x: np.ndarray, doubly_robust: bool = False
) -> tuple[float, np.ndarray]:
    """Sant'Anna & Zhao (2020) for panel data: the standardised inverse-probability-weighted
    DiD (``DRDID::std_ipw_did_panel``) or, with ``doubly_robust``, the doubly-robust one
    (``DRDID::drdid_panel``, R did's default ``est_method = "dr"``): controls reweighted by
    ``p(x) / (1 - p(x))`` from a logit of treatment on ``x`` and, for DR, outcome changes net of
    the control units' regression on ``x``. Returns the ATT and its influence function,
    including the estimation effects of the propensity score and the regression."""
    n = len(dy)
    ctrl = 1.0 - d
    ps = np.minimum(_logit(d, x), 1 - 1e-16)
    if doubly_robust:
        beta = np.linalg.lstsq(x[ctrl == 1], dy[ctrl == 1], rcond=None)[0]
        resid = dy - x @ beta
    else:
        resid = dy
    w_treat = d
    w_cont = ps * ctrl / (1 - ps)
    eta_treat = float(np.mean(w_treat * resid) / np.mean(w_treat))
    eta_cont = float(np.mean(w_cont * resid) / np.mean(w_cont))
    att = eta_treat - eta_cont
    score_ps = (d - ps)[:, None] * x
    hessian_ps = np.linalg.pinv(x.T @ ((ps * (1 - ps))[:, None] * x) / n)
    lin_ps = score_ps @ hessian_ps
    inf_treat = w_treat * resid - w_treat * eta_treat
    inf_cont = w_cont * resid - w_cont * eta_cont
    m2 = np.mean((w_cont * (resid - eta_cont))[:, None] * x, axis=0)
    inf_cont = inf_cont + lin_ps @ m2
    if doubly_robust:
        xpx_inv = np.linalg.pinv((ctrl[:, None] * x).T @ x / n)
        lin_ols = (ctrl * resid)[:, None] * x @ xpx_inv
        inf_treat = inf_treat - lin_ols @ np.mean(w_treat[:, None] * x, axis=0)
        inf_cont = inf_cont - lin_ols @ np.mean(w_cont[:, None] * x, axis=0)
    return att, inf_treat / np.mean(w_treat) - inf_cont / np.mean(w_cont)


def did_pretest(att_gt: pd.DataFrame, psi_gt: np.ndarray, anticipation: int = 0) -> CheckResult:
    """R ``did``'s pre-test of parallel trends: a joint Wald test that every pre-treatment
    ATT(g, t) (``t < g - anticipation``) is zero, ``W = n theta' V^-1 theta`` with ``V`` the
    influence functions' covariance ``psi' psi / n``, against chi-squared with as many degrees
    of freedom as cells (``att_gt``'s "P-value for pre-test of parallel trends assumption").
    Like R, no statistic when ``V`` is singular."""
    from scipy import stats

    pre = np.flatnonzero(
        (att_gt["year"].to_numpy() < att_gt["cohort"].to_numpy() - anticipation)
        & np.isfinite(att_gt["att"].to_numpy())
    )
    if pre.size == 0:
        return CheckResult.not_run("did_pretest", "callaway_santanna", "no pre-treatment ATT(g, t)")
    n = psi_gt.shape[0]
    theta = att_gt["att"].to_numpy()[pre]
    v = psi_gt[:, pre].T @ psi_gt[:, pre] / n
    if np.linalg.cond(v) > 1 / np.finfo(float).eps:
        return CheckResult.not_run(
            "did_pretest",
            "callaway_santanna",
            f"the covariance of the {pre.size} pre-treatment ATT(g, t) is singular",
        )
    stat = float(n * theta @ np.linalg.solve(v, theta))
    q = int(pre.size)
    p = float(stats.chi2.sf(stat, q))
    # V is estimated from n units, so with many cells W is far from chi-squared under the null
    # (Hotelling's T^2): (n - q) / (q (n - 1)) W ~ F(q, n - q). Stabilis's verdict reads this
    # finite-sample p-value; the chi-squared one is R's number, reported for comparison.
    p_f = float(stats.f.sf((n - q) / (q * (n - 1)) * stat, q, n - q)) if n > q else float("nan")
    passed = bool(p_f >= 0.05) if np.isfinite(p_f) else None
    table = att_gt.iloc[pre][["cohort", "year", "att"]].assign(se=np.sqrt(np.diag(v) / n))
    return CheckResult(
        name="did_pretest",
        design="callaway_santanna",
        statistic=stat,
        p_value=p_f if np.isfinite(p_f) else None,
        passed=passed,
        message=(
            f"did's joint Wald pre-test of all {q} pre-treatment ATT(g, t): W = {stat:.2f}, "
            f"chi2({q}) p = {p:.3f} (R did's number); with the finite-sample correction "
            f"F({q}, {n - q}) p = {p_f:.3f} "
            f"({'no evidence against' if passed else 'evidence against'} parallel trends)"
        ),
        table=table.reset_index(drop=True),
        details={"p_value_chi2": p, "p_value_f": p_f, "cells": q, "units": n},
    )


def did(
    panel: pd.DataFrame,
    *,
    outcome: str,
    cohort: str = "cohort",
    treatment: str = "",
    control: Control = "notyet",
    anticipation: int = 0,
    base_period: BasePeriod = "varying",
    n_boot: int = 999,
    seed: int = 0,
    level: float = 0.95,
    balance: bool = True,
    unit: str = "iso3",
    time: str = "year",
    caveats: list[str] | None = None,
    higher_is_better: bool | None = None,
    cluster: str | None = None,
    covariates: tuple[str, ...] | list[str] = (),
    est_method: EstMethod = "dr",
) -> DidResult:
    """Function-first Callaway & Sant'Anna: ``panel`` has one row per unit-year with the
    outcome and a ``cohort`` column (first treatment year; missing or 0 = never treated)."""
    est = CallawaySantAnna(
        control, anticipation, base_period, n_boot, seed, level, balance, est_method
    ).fit(panel, outcome, cohort, unit, time, cluster, covariates)
    return DidResult(
        outcome=outcome,
        treatment=treatment or cohort,
        control=control,
        anticipation=anticipation,
        att_gt=est.att_gt_,
        event=est.event_,
        overall=est.overall_,
        pretrend=est.pretrend_,
        cohorts=est.cohort_sizes_,
        dropped_cohorts=est.dropped_cohorts_,
        n_units=est.n_,
        level=level,
        dropped_units=est.dropped_units_,
        n_never=est.n_never_,
        caveats=list(caveats or []),
        higher_is_better=higher_is_better,
        pretest=est.pretest_,
        min_post_controls=est.min_post_controls_,
        estimator=est,
    )
