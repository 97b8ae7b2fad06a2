"""Verdicts from diagnostics: ``not_credible``, ``weak`` or ``estimate``, by stated rules.

A verdict is read off the design's own checks, never set by hand, and the same rules apply
whatever the sign of the effect (harm is reported as plainly as benefit).

**Synthetic control** (:func:`synth_verdict`). ``not_credible`` when any of these holds, each
listed as a reason:

* fewer than ``min_pre_years`` pre-treatment years, fewer than ``min_donors`` donors, or no
  post-treatment year;
* the pre-period fit is poor (RMSPE above ``max_fit_ratio`` of the cross-unit spread);
* the synthetic control rests on one donor (a weight of at least
  :data:`~.checks.ONE_DONOR_WEIGHT`);
* ``W`` is not unique (:func:`~.checks.weight_uniqueness`);
* ``V`` is a corner solution (:data:`~.checks.V_CORNER_SHARE` of the weight on one predictor);
* the placebo in time fails (fake-date ratio at least
  :data:`~.checks.PLACEBO_IN_TIME_MAX_RATIO`) or is infinite (an exact fit before the fake
  date), or could not be run.

Otherwise ``weak`` when the permutation p-value exceeds ``max_p`` (0.10), the interval for a
constant effect is unbounded or covers zero, or dropping one heavy donor changes the sign of
the effect; else ``estimate``.

**Staggered DiD** (:func:`did_verdict`). ``not_credible`` when ``did``'s joint Wald pre-test
(its finite-sample F version, see :func:`~.did.did_pretest`; or, when its covariance is singular, our event-window pre-test of the last five event times)
rejects parallel trends at ``pretrend_alpha`` (0.05), neither can be computed, or some
post-treatment cell has fewer than ``min_controls`` (5) control units; ``weak`` when the
overall ATT's p-value exceeds ``max_p_did`` (0.05) or its interval covers zero; else
``estimate``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from .checks import ONE_DONOR_WEIGHT, PLACEBO_IN_TIME_MAX_RATIO, V_CORNER_SHARE

if TYPE_CHECKING:
    from .checks import CheckResult

Verdict = Literal["estimate", "weak", "not_credible"]
VERDICTS: tuple[str, ...] = ("estimate", "weak", "not_credible")


@dataclass(frozen=True)
class VerdictRules:
    """The thresholds every verdict is read against (stated in docs/impact.md)."""

    min_pre_years: int = 5
    min_donors: int = 5
    max_fit_ratio: float = 0.25
    max_p: float = 0.10
    min_controls: int = 5
    pretrend_alpha: float = 0.05
    max_p_did: float = 0.05


DEFAULT_RULES = VerdictRules()


def display(verdict: str) -> str:
    """``not_credible`` -> ``NOT CREDIBLE``: how the verdict heads every output."""
    return verdict.replace("_", " ").upper()


def synth_verdict(
    checks: Mapping[str, CheckResult],
    structural: list[str],
    rules: VerdictRules = DEFAULT_RULES,
) -> tuple[Verdict, list[str]]:
    """The verdict and its reasons from a synthetic control's checks.

    ``structural`` are reasons found before fitting (too few years or donors).
    """
    reasons = list(structural)
    fit = checks.get("pre_fit")
    if fit is not None and fit.passed is False:
        reasons.append(
            f"poor pre-period fit (RMSPE {fit.details.get('pre_rmspe', float('nan')):.3f} is "
            f"{fit.statistic:.2f} of the cross-country spread; the bar is "
            f"{fit.details.get('bar', rules.max_fit_ratio)})"
        )
    one = checks.get("one_donor")
    if one is not None and one.passed is False:
        reasons.append(
            f"rests on one donor ({one.details.get('top_donor')} carries "
            f"{one.statistic:.2f} of the weight; the bar is {ONE_DONOR_WEIGHT:g})"
        )
    unique = checks.get("w_unique")
    if unique is not None and unique.passed is False:
        d = unique.details
        reasons.append(
            f"W is not unique ({d.get('donor')}'s weight can be anywhere from "
            f"{d.get('min_weight', 0):.2f} to {d.get('max_weight', 1):.2f} with the same fit)"
        )
    corner = checks.get("v_corner")
    if corner is not None and corner.passed is False:
        reasons.append(
            f"V is a corner solution ({corner.statistic:.0%} of V on "
            f"{corner.details.get('predictor')}; the bar is {V_CORNER_SHARE:.0%})"
        )
    in_time = checks.get("placebo_in_time")
    if in_time is not None:
        fake = in_time.details.get("fake_year")
        if in_time.details.get("infinite"):
            reasons.append(
                f"in-time placebo is infinite (the fit before the fake date {fake} is exact)"
            )
        elif in_time.passed is False:
            reasons.append(
                f"in-time placebo fails (post/pre RMSPE ratio {in_time.statistic:.3g} with the "
                f"treatment moved to {fake}; the bar is {PLACEBO_IN_TIME_MAX_RATIO:g})"
            )
        elif in_time.passed is None and not reasons:
            reasons.append(f"in-time placebo could not be run ({in_time.message})")
    if reasons:
        return "not_credible", reasons
    weak: list[str] = []
    space = checks.get("placebo_in_space")
    if space is not None and space.p_value is not None and space.p_value > rules.max_p:
        weak.append(f"not significant (permutation p = {space.p_value:.3f} > {rules.max_p:g})")
    interval = checks.get("effect_interval")
    if interval is not None:
        lower, upper = interval.details.get("lower"), interval.details.get("upper")
        if not interval.passed or lower is None or upper is None:
            weak.append("no bounded interval (too few placebos or an exact fit)")
        elif lower <= 0 <= upper:
            weak.append(f"interval covers zero ({interval.details['level']:.0%} interval)")
    loo = checks.get("leave_one_out")
    if loo is not None and loo.passed is False:
        weak.append("unstable sign (dropping one heavy donor changes it)")
    if space is None:
        weak.append("no inference was run")
    return ("weak", weak) if weak else ("estimate", [])


def did_verdict(
    att: float,
    p_value: float,
    lower: float,
    upper: float,
    pretest: CheckResult,
    min_post_controls: int,
    rules: VerdictRules = DEFAULT_RULES,
) -> tuple[Verdict, list[str]]:
    """The verdict and its reasons for a Callaway & Sant'Anna overall ATT."""
    reasons: list[str] = []
    if not np.isfinite(att):
        reasons.append("no cohort had a usable comparison")
    if pretest.p_value is None:
        reasons.append(f"parallel trends cannot be tested ({pretest.message})")
    elif pretest.p_value < rules.pretrend_alpha:
        reasons.append(
            f"pre-trends rejected (p = {pretest.p_value:.3f} < {rules.pretrend_alpha:g}; "
            f"{pretest.message})"
        )
    if min_post_controls < rules.min_controls:
        reasons.append(
            f"too few controls (a post-treatment comparison rests on {min_post_controls} control "
            f"unit{'s' if min_post_controls != 1 else ''}; at least {rules.min_controls} needed)"
        )
    if reasons:
        return "not_credible", reasons
    weak: list[str] = []
    if not np.isfinite(p_value) or p_value > rules.max_p_did:
        weak.append(f"not significant (p = {p_value:.3f} > {rules.max_p_did:g})")
    if np.isfinite(lower) and np.isfinite(upper) and lower <= 0 <= upper:
        weak.append("interval covers zero")
    return ("weak", weak) if weak else ("estimate", [])
