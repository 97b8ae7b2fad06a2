"""Rambachan & Roth (2023) "honest DiD": sensitivity of an event study to parallel-trend
violations.

The event-study coefficients ``beta = (beta_pre, beta_post)`` (reference period, event time
-1, normalised to zero and left out) estimate ``tau + delta``: the treatment effects (zero
before treatment) plus the bias from a violation of parallel trends, ``delta``. The pre-period
coefficients estimate ``delta_pre``. A restriction ``delta in Delta`` bounds how far the
post-period bias may stray from what the pre-period shows; the target is
``theta = l' tau_post`` (one post-treatment event time, or the average).

Restrictions (the paper's section 2.4; ``delta`` has the reference period's 0 inserted):

* **relative magnitudes** ``Delta^RM(Mbar)``: every post-treatment first difference of
  ``delta`` (from the reference period on) is at most ``Mbar`` times the largest pre-treatment
  first difference, ``|delta_{t+1} - delta_t| <= Mbar max_{s<0} |delta_{s+1} - delta_s|``.
  ``Mbar = 0`` is exact parallel trends after treatment (the usual interval); it is a union of
  ``2 T_pre`` polyhedra (which pre-period difference is the largest, and its sign).
* **smoothness** ``Delta^SD(M)``: every second difference is at most ``M`` in absolute value,
  ``|(delta_{t+1} - delta_t) - (delta_t - delta_{t-1})| <= M``. ``M = 0`` is a linear trend
  extrapolated from the pre-period.

**Identified set**: ``[l' beta_post - max l' delta_post, l' beta_post - min l' delta_post]`` over
``delta in Delta`` with ``delta_pre = beta_pre``, two linear programmes per polyhedron.

**Robust confidence interval**: the set of ``theta`` not rejected by the conditional moment-
inequality test of Andrews, Roth & Pakes (2023) (ARP; HonestDiD's ``method = "Conditional"``).
Under ``theta = theta0`` the restriction is ``Y - X tau~ <= 0`` with ``Y = A beta - d - A_post l
theta0 / l'l`` and the nuisance ``tau~`` the post-period effects orthogonal to ``l``. The
statistic is ``eta = min {eta : Y - X tau~ <= eta sigma}`` (``sigma`` the moments' standard
deviations), solved through its dual ``max {gamma' Y : gamma >= 0, X' gamma = 0, sigma' gamma = 1}``;
conditional on the optimal vertex ``gamma``, ``gamma' Y`` is normal truncated to
``[V_lo, V_up]`` (the values of ``gamma' Y`` at which ``gamma`` stays optimal, found by Newton
steps on the dual's value, a convex piecewise-linear function), and the test rejects at level
``alpha`` when ``eta`` exceeds that truncated normal's ``1 - alpha`` quantile at mean zero (the
least favourable mean). For ``Delta^RM`` the interval is the union over its polyhedra.
HonestDiD's defaults differ: a hybrid with a least-favourable first stage for ``Delta^RM``
(``"C-LF"``) and fixed-length intervals (Armstrong & Kolesár) for ``Delta^SD`` (``"FLCI"``);
the conditional test is the one both offer that needs no simulation. Each interval is searched
outward from points the test accepts (the estimate and the identified set's midpoint) by
bisection, so it is the accepted interval around them.

**Breakdown value**: the largest ``Mbar`` (or ``M``) at which the robust interval still
excludes zero, found by bisection on the test at ``theta = 0`` (``0`` when even ``Mbar = 0``
does not exclude zero: the effect is not significant to begin with).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from stabilis.errors import QueryError

Restriction = Literal["rm", "sd"]
RESTRICTIONS: dict[str, str] = {
    "rm": "relative magnitudes (Mbar)",
    "sd": "smoothness (M)",
}
#: Event times kept for the sensitivity of a Callaway & Sant'Anna event study: pre-treatment
#: coefficients -PRE_WINDOW..-2 (the reference -1 is zero) and post-treatment 0..POST_WINDOW-1
#: (R did's ``min_e = -5`` of the HonestDiD vignette; five years after treatment).
PRE_WINDOW = 5
POST_WINDOW = 5
METHODS: dict[str, str] = {
    "rm": "conditional (Andrews, Roth & Pakes 2023)",
    "sd": "fixed-length (Armstrong & Kolesár 2018)",
}
#: The Mbar at which the verdict asks the robust interval to exclude zero.
VERDICT_MBAR = 1.0


@dataclass(frozen=True)
class Polyhedron:
    """``{delta : A delta <= d}`` over the event-study coefficients (reference left out)."""

    a: np.ndarray
    d: np.ndarray
    label: str = ""


def _insert_reference(n_pre: int, n_post: int) -> np.ndarray:
    """The matrix taking ``delta`` (without the reference) to the full path with its zero."""
    n = n_pre + n_post
    e = np.zeros((n + 1, n))
    e[:n_pre, :n_pre] = np.eye(n_pre)
    e[n_pre + 1 :, n_pre:] = np.eye(n_post)
    return e


def _differences(length: int, order: int) -> np.ndarray:
    return np.diff(np.eye(length), n=order, axis=0)


def polyhedra(restriction: Restriction, m: float, n_pre: int, n_post: int) -> list[Polyhedron]:
    """The polyhedra whose union is ``Delta^RM(m)`` or ``Delta^SD(m)``."""
    if m < 0 or not np.isfinite(m):
        raise QueryError(f"The sensitivity parameter must be a number >= 0, not {m}.")
    full = _insert_reference(n_pre, n_post)
    if restriction == "sd":
        d2 = _differences(n_pre + n_post + 1, 2) @ full
        a = np.vstack([d2, -d2])
        return [Polyhedron(a, np.full(len(a), float(m)), "sd")]
    if restriction != "rm":
        raise QueryError(f"restriction must be 'rm' or 'sd', not '{restriction}'.")
    d1 = _differences(n_pre + n_post + 1, 1) @ full
    pre, post = d1[:n_pre], d1[n_pre:]
    if m == 0:
        # Delta^RM(0) is {delta : delta_post = 0} whatever the pre-period: the union of the
        # 2 T_pre polyhedra equals this one, which has no moments in the pre-period.
        a = np.vstack([post, -post])
        return [Polyhedron(a, np.zeros(len(a)), "parallel trends after treatment")]
    out = []
    for s in range(n_pre):
        for sign in (1.0, -1.0):
            top = sign * pre[s]
            rows = [pre - top, -pre - top, post - m * top, -post - m * top]
            a = np.vstack(rows)
            out.append(Polyhedron(a, np.zeros(len(a)), f"max pre difference {s} sign {sign:+g}"))
    return out


def _linprog(c: np.ndarray, **kwargs: Any) -> Any:
    from scipy.optimize import linprog

    return linprog(c, method="highs", **kwargs)


def identified_set(
    beta: np.ndarray, n_pre: int, l_vec: np.ndarray, polys: list[Polyhedron]
) -> tuple[float, float]:
    """Bounds on ``theta`` at the true ``beta`` (here: the estimate), over the union."""
    beta_pre, beta_post = beta[:n_pre], beta[n_pre:]
    base = float(l_vec @ beta_post)
    lows, highs = [], []
    for p in polys:
        a_pre, a_post = p.a[:, :n_pre], p.a[:, n_pre:]
        rhs = p.d - a_pre @ beta_pre
        bounds = [(None, None)] * len(l_vec)
        lo = _linprog(l_vec, A_ub=a_post, b_ub=rhs, bounds=bounds)
        hi = _linprog(-l_vec, A_ub=a_post, b_ub=rhs, bounds=bounds)
        if lo.status == 0 and hi.status == 0:
            lows.append(base - float(-hi.fun))
            highs.append(base - float(lo.fun))
        elif lo.status == 3 or hi.status == 3:  # unbounded bias
            lows.append(-np.inf)
            highs.append(np.inf)
    if not lows:
        return float("nan"), float("nan")
    return float(min(lows)), float(max(highs))


@dataclass
class _Moments:
    """The moment inequalities of one polyhedron as functions of ``theta0``."""

    y0: np.ndarray  # A beta - d
    shift: np.ndarray  # A_post l / l'l (Y = y0 - shift theta0)
    x: np.ndarray  # nuisance columns
    cov: np.ndarray  # covariance of Y
    sd: np.ndarray


def _moments(
    beta: np.ndarray, sigma: np.ndarray, n_pre: int, l_vec: np.ndarray, poly: Polyhedron
) -> _Moments:
    import scipy.linalg

    a_post = poly.a[:, n_pre:]
    shift = a_post @ l_vec / float(l_vec @ l_vec)
    basis = scipy.linalg.null_space(l_vec[None, :])  # post effects orthogonal to l
    cov = poly.a @ sigma @ poly.a.T
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    keep = sd > 1e-12 * max(1.0, float(sd.max(initial=0.0)))
    return _Moments(
        y0=(poly.a @ beta - poly.d)[keep],
        shift=shift[keep],
        x=(a_post @ basis)[keep],
        cov=cov[np.ix_(keep, keep)],
        sd=sd[keep],
    )


def _dual(y: np.ndarray, mom: _Moments) -> np.ndarray | None:
    """The optimal vertex of ``max gamma' y, gamma >= 0, X' gamma = 0, sd' gamma = 1``."""
    a_eq = np.vstack([mom.x.T, mom.sd[None, :]])
    b_eq = np.concatenate([np.zeros(mom.x.shape[1]), [1.0]])
    res = _linprog(-y, A_eq=a_eq, b_eq=b_eq, bounds=[(0, None)] * len(y))
    return np.asarray(res.x) if res.status == 0 else None


def _truncation_end(
    s_vec: np.ndarray, c: np.ndarray, eta: float, start: float, mom: _Moments
) -> float:
    """``V_lo`` (``start`` left of ``eta``) or ``V_up`` (right of it): where the dual's value
    ``f(s) = max gamma'(S + c s)`` leaves the line ``s``. ``f`` is convex and piecewise linear
    with ``f(s) >= s`` and equality around ``eta``, so Newton steps from ``start`` move
    monotonically to the end of that stretch."""
    s = start
    scale = 1e-9 * (1.0 + float(np.abs(s_vec).max(initial=0.0)) + abs(eta))
    for _ in range(60):
        gamma = _dual(s_vec + c * s, mom)
        if gamma is None:
            return s
        value = float(gamma @ (s_vec + c * s))
        if value - s <= scale * (1 + abs(s)):
            return s
        slope = float(gamma @ c) - 1.0
        if abs(slope) < 1e-14:
            return s
        s = float(gamma @ s_vec) / (1.0 - float(gamma @ c))
    return s


def _p_value(theta0: float, mom: _Moments) -> float:
    """The ARP conditional test's p-value for ``theta = theta0`` on one polyhedron."""
    from scipy import stats

    y = mom.y0 - mom.shift * theta0
    gamma = _dual(y, mom)
    if gamma is None:
        return 0.0  # no vertex: the moments cannot be satisfied
    eta = float(gamma @ y)
    var = float(gamma @ mom.cov @ gamma)
    if var <= 0:
        return 1.0 if eta <= 0 else 0.0
    sd = np.sqrt(var)
    c = mom.cov @ gamma / var
    s_vec = y - c * eta
    far = 20.0 * sd
    v_lo = _truncation_end(s_vec, c, eta, eta - far, mom)
    v_up = _truncation_end(s_vec, c, eta, eta + far, mom)
    lo = -np.inf if v_lo <= eta - far * (1 - 1e-9) else v_lo / sd
    up = np.inf if v_up >= eta + far * (1 - 1e-9) else v_up / sd
    z = eta / sd
    if z <= lo:
        return 1.0
    if z >= up or up <= lo:
        return 0.0
    return float(stats.truncnorm.sf(z, lo, up))


def _accepts(theta0: float, moms: list[_Moments], alpha: float) -> bool:
    return any(_p_value(theta0, m) >= alpha for m in moms)


def _edge(
    inside: float, direction: float, step: float, p_value: Any, alpha: float, tol: float
) -> float:
    """The end of the accepted stretch from ``inside`` going in ``direction``: the step is
    doubled until the test rejects, then Brent's method finds where the p-value crosses
    ``alpha`` (continuous between vertex changes; Brent falls back to bisection at a jump)."""
    from scipy import optimize

    lo, hi = inside, inside + direction * step
    for _ in range(60):
        if p_value(hi) < alpha:
            break
        lo, hi = hi, inside + 2 * (hi - inside)
    else:
        return direction * np.inf
    return float(optimize.brentq(lambda t: p_value(t) - alpha, lo, hi, xtol=tol))


def robust_interval(
    beta: np.ndarray,
    sigma: np.ndarray,
    n_pre: int,
    l_vec: np.ndarray,
    polys: list[Polyhedron],
    alpha: float = 0.05,
    id_set: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """The conditional-test confidence interval for ``theta`` over the union of ``polys``."""
    se = float(np.sqrt(l_vec @ sigma[n_pre:, n_pre:] @ l_vec))
    estimate = float(l_vec @ beta[n_pre:])
    lows: list[float] = []
    highs: list[float] = []
    lo_id, hi_id = id_set if id_set is not None else identified_set(beta, n_pre, l_vec, polys)
    candidates = [estimate]
    if np.isfinite(lo_id) and np.isfinite(hi_id):
        candidates.insert(0, 0.5 * (lo_id + hi_id))
    tol = 1e-3 * max(se, 1e-12)
    step = max(se, (hi_id - lo_id) if np.isfinite(hi_id - lo_id) else 0.0, 1e-12)
    for p in polys:
        mom = _moments(beta, sigma, n_pre, l_vec, p)

        def accept(t: float, mom: _Moments = mom) -> bool:
            return _p_value(t, mom) >= alpha

        def p_value(t: float, mom: _Moments = mom) -> float:
            return _p_value(t, mom)

        inside = next((t for t in candidates if accept(t)), None)
        if inside is None:
            continue
        low = min(lows) if lows else inside
        high = max(highs) if highs else inside
        # An interval already found reaches further than this polyhedron: no search needed.
        skip_low = bool(lows) and low < inside and not accept(low)
        skip_high = bool(highs) and high > inside and not accept(high)
        lows.append(low if skip_low else _edge(inside, -1, step, p_value, alpha, tol))
        highs.append(high if skip_high else _edge(inside, 1, step, p_value, alpha, tol))
    if not lows:
        return float("nan"), float("nan")
    return float(min(lows)), float(max(highs))


def _fold_critical(bias: float, alpha: float) -> float:
    """The ``1 - alpha`` quantile of ``|N(bias, 1)|`` (Armstrong & Kolesár's ``cv_alpha``), by
    Newton's method on ``Phi(c - b) - Phi(-c - b) = 1 - alpha`` (the left side is concave in
    ``c`` beyond ``b``, so the steps from above converge monotonically)."""
    b = abs(bias)
    z1 = _norm_ppf(1 - alpha)
    c = max(_norm_ppf(1 - alpha / 2), b + z1)
    for _ in range(50):
        f = _cdf(c - b) - _cdf(-c - b) - (1 - alpha)
        slope = _pdf(c - b) + _pdf(-c - b)
        if slope <= 0:
            break
        step = f / slope
        c -= step
        if abs(step) < 1e-12 * (1 + c):
            break
    return c


def _cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / math.sqrt(2))


def _pdf(x: float) -> float:
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


@functools.lru_cache(maxsize=64)
def _norm_ppf(p: float) -> float:
    from scipy import stats

    return float(stats.norm.ppf(p))


def _sd_paths(n_pre: int, n_post: int) -> tuple[np.ndarray, np.ndarray]:
    """``delta`` (reference left out) as ``times * s + W u``: ``s`` the slope into the
    reference period and ``u`` the second differences, each in ``[-M, M]`` under Delta^SD(M)."""
    times = np.array([*range(-n_pre, 0), *range(1, n_post + 1)], dtype=float)
    centres = np.arange(-n_pre + 1, n_post)  # where the second differences sit
    w = np.zeros((len(times), len(centres)))
    for i, t in enumerate(times):
        for k, j in enumerate(centres):
            if t >= 1 and 0 <= j <= t - 1:
                w[i, k] = t - j
            elif t <= -2 and t + 1 <= j <= -1:
                w[i, k] = j - t
    return times, w


def flci(
    beta: np.ndarray, sigma: np.ndarray, n_pre: int, l_vec: np.ndarray, m: float, alpha: float
) -> tuple[float, float, float]:
    """Fixed-length confidence interval under Delta^SD(m) (Armstrong & Kolesár 2018;
    Rambachan & Roth 2023, section 4.1; HonestDiD's default for smoothness): the affine
    estimator ``l' beta_post + v' beta_pre`` whose half-length ``sd(v) cv_alpha(bias(v)/sd(v))``
    is smallest, with the worst-case bias ``bias(v) = m ||W' (v, l)||_1`` (finite only when the
    weights cancel every linear trend). Returns the interval and the estimator's centre."""
    import scipy.linalg
    from scipy import optimize

    n_post = len(l_vec)
    times, w = _sd_paths(n_pre, n_post)
    t_pre, t_post = times[:n_pre], times[n_pre:]
    target = -float(l_vec @ t_post)
    v0 = t_pre * target / float(t_pre @ t_pre)  # one solution of v' t_pre = -l' t_post
    basis = scipy.linalg.null_space(t_pre[None, :])

    def weights(z: np.ndarray) -> np.ndarray:
        return np.concatenate([v0 + basis @ z, l_vec])

    wt = w.T
    z1, z2 = _norm_ppf(1 - alpha), _norm_ppf(1 - alpha / 2)

    def half_length(z: np.ndarray) -> float:
        v = weights(z)
        sd = math.sqrt(max(float(v @ sigma @ v), 1e-300))
        bias = m * float(np.abs(wt @ v).sum())
        if bias == 0:
            return sd * z2
        if bias / sd > 40:  # the far tail: |N(b, 1)| is N(b, 1)
            return bias + sd * z1
        return sd * _fold_critical(bias / sd, alpha)

    starts = [np.zeros(basis.shape[1])]
    if basis.shape[1]:
        # the GLS linear extrapolation (the best estimator when m = 0) as a second start
        v_pre_gls = _gls_extrapolation(sigma, n_pre, l_vec, t_pre, t_post)
        starts.append(basis.T @ (v_pre_gls - v0))
    best = None
    if basis.shape[1]:
        # Nelder-Mead, restarted from its own answer until it stops improving: the objective
        # is convex in the bias and the variance but not smooth (an L1 norm), where one run of
        # the simplex can stall on a kink.
        for z in starts:
            res = optimize.minimize(
                half_length, z, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-11}
            )
            for _ in range(8):
                again = optimize.minimize(
                    half_length,
                    res.x,
                    method="Nelder-Mead",
                    options={"xatol": 1e-7, "fatol": 1e-11},
                )
                if float(again.fun) >= float(res.fun) - 1e-12:
                    break
                res = again
            if best is None or float(res.fun) < float(best.fun):
                best = res
    z_best = best.x if best is not None else np.zeros(0)
    v = weights(z_best)
    centre = float(v @ beta)
    half = half_length(z_best)
    return centre - half, centre + half, centre


def _gls_extrapolation(
    sigma: np.ndarray, n_pre: int, l_vec: np.ndarray, t_pre: np.ndarray, t_post: np.ndarray
) -> np.ndarray:
    """Pre-period weights of the minimum-variance estimator that removes any linear trend."""
    # minimise (v, l)' Sigma (v, l) s.t. v' t_pre = -l' t_post: a linear system (KKT).
    s_pp = sigma[:n_pre, :n_pre]
    s_pq = sigma[:n_pre, n_pre:]
    kkt = np.block([[2 * s_pp, t_pre[:, None]], [t_pre[None, :], np.zeros((1, 1))]])
    rhs = np.concatenate([-2 * s_pq @ l_vec, [-float(l_vec @ t_post)]])
    return np.asarray(np.linalg.lstsq(kkt, rhs, rcond=None)[0][:n_pre])


def breakdown(
    beta: np.ndarray,
    sigma: np.ndarray,
    n_pre: int,
    n_post: int,
    l_vec: np.ndarray,
    restriction: Restriction,
    alpha: float = 0.05,
) -> float:
    """The largest ``Mbar``/``M`` at which the robust interval excludes zero (bisection)."""

    def excludes_zero(m: float) -> bool:
        if restriction == "sd":
            lo, hi, _ = flci(beta, sigma, n_pre, l_vec, m, alpha)
            return bool(lo > 0 or hi < 0)
        moms = [
            _moments(beta, sigma, n_pre, l_vec, p) for p in polyhedra(restriction, m, n_pre, n_post)
        ]
        return not _accepts(0.0, moms, alpha)

    if not excludes_zero(0.0):
        return 0.0
    se = float(np.sqrt(l_vec @ sigma[n_pre:, n_pre:] @ l_vec))
    hi = 1.0 if restriction == "rm" else max(se, 1e-6)
    lo = 0.0
    for _ in range(40):
        if not excludes_zero(hi):
            break
        lo, hi = hi, 2 * hi
    else:
        return float("inf")
    while hi - lo > 1e-3 * max(hi, 1e-12):
        mid = 0.5 * (lo + hi)
        if excludes_zero(mid):
            lo = mid
        else:
            hi = mid
    return float(lo)


@dataclass
class HonestResult:
    """Sensitivity of one event-study target to parallel-trend violations."""

    #: The key columns of :meth:`tidy`, in order (unique per row).
    TIDY_KEYS: ClassVar[tuple[str, ...]] = ("restriction", "target", "m", "quantity")

    restriction: str
    target: str
    l_vec: np.ndarray
    pre_event_times: list[int]
    post_event_times: list[int]
    estimate: float
    se: float
    level: float
    table: pd.DataFrame  # m, id_lower, id_upper, lower, upper, excludes_zero
    #: Computes the breakdown value on first read of :attr:`breakdown` (a bisection: up to
    #: ~20 robust tests), so a caller that reads only the table never pays for it.
    breakdown_solver: Callable[[], float] | None = field(default=None, repr=False, compare=False)
    method: str = "conditional (Andrews, Roth & Pakes 2023)"
    notes: list[str] = field(default_factory=list)
    _breakdown: float | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def parameter(self) -> str:
        return "Mbar" if self.restriction == "rm" else "M"

    @property
    def breakdown(self) -> float:
        """The largest ``m`` at which the robust interval excludes zero (computed once, on
        first read; NaN when the result was built without it)."""
        if self._breakdown is None:
            solver = self.breakdown_solver
            self._breakdown = float(solver()) if solver is not None else float("nan")
        return self._breakdown

    def at(self, m: float) -> dict[str, Any]:
        """The row for sensitivity parameter ``m``."""
        rows = self.table[np.isclose(self.table["m"], m)]
        if rows.empty:
            raise QueryError(f"No sensitivity result at {self.parameter} = {m:g}.")
        return {str(k): v for k, v in rows.iloc[0].items()}

    def tidy(self) -> pd.DataFrame:
        """Long frame: one row per sensitivity value and quantity."""
        long = self.table.melt(
            id_vars=["m"],
            value_vars=["id_lower", "id_upper", "lower", "upper"],
            var_name="quantity",
            value_name="value",
        )
        return long.assign(restriction=self.restriction, target=self.target)[
            ["restriction", "target", "m", "quantity", "value"]
        ]

    def summary(self, *, breakdown: bool = True) -> str:
        """The table in words, and (unless ``breakdown=False``) the breakdown value."""
        p = self.parameter
        lines = [
            f"Honest DiD (Rambachan & Roth 2023), {RESTRICTIONS[self.restriction]}, target "
            f"{self.target}: estimate {self.estimate:+.3f} (SE {self.se:.3f}); "
            f"{self.level:.0%} robust intervals by the {self.method} test."
        ]
        for r in self.table.to_dict(orient="records"):
            id_set = (
                f"identified set [{r['id_lower']:+.3f}, {r['id_upper']:+.3f}]"
                if not (np.isnan(r["id_lower"]) and np.isnan(r["id_upper"]))
                else "identified set empty at the estimate (its pre-period breaks the restriction)"
            )
            lines.append(
                f"  {p} = {r['m']:g}: {id_set}, robust CI [{r['lower']:+.3f}, {r['upper']:+.3f}]"
                + ("" if r["excludes_zero"] else " (covers zero)")
            )
        if not breakdown or np.isnan(self.breakdown):
            pass
        elif np.isinf(self.breakdown):
            lines.append(f"  Breakdown: none found; the interval excludes zero at every {p} tried.")
        elif self.breakdown <= 0:
            lines.append(f"  Breakdown: none; the interval covers zero even at {p} = 0.")
        else:
            lines.append(
                f"  Breakdown {p} = {self.breakdown:.3g}: the largest {p} at which the robust "
                "interval still excludes zero."
            )
        lines.extend(f"  Note: {n}." for n in self.notes)
        return "\n".join(lines)

    def meta(self, *, breakdown: bool = True) -> dict[str, Any]:
        """Settings and the breakdown value; ``breakdown=False`` leaves it out (``None``, with
        ``breakdown_computed`` false) so the bisection is not run for it."""
        return {
            "restriction": self.restriction,
            "parameter": self.parameter,
            "target": self.target,
            "method": self.method,
            "level": self.level,
            "pre_event_times": self.pre_event_times,
            "post_event_times": self.post_event_times,
            "breakdown": _num(self.breakdown) if breakdown else None,
            "breakdown_computed": breakdown,
            "notes": self.notes,
        }

    def to_dict(self, *, breakdown: bool = True) -> dict[str, Any]:
        rows = [
            {k: (_num(v) if isinstance(v, float) else v) for k, v in r.items()}
            for r in self.table.to_dict(orient="records")
        ]
        return {
            **self.meta(breakdown=breakdown),
            "estimate": _num(self.estimate),
            "se": _num(self.se),
            "l_vec": [float(x) for x in self.l_vec],
            "table": rows,
            "summary": self.summary(breakdown=breakdown),
        }


def _num(value: float) -> float | None:
    value = float(value)
    return value if np.isfinite(value) else None


def honest_did(
    betahat: np.ndarray | list[float],
    sigma: np.ndarray,
    n_pre: int,
    n_post: int,
    *,
    restriction: Restriction = "rm",
    m: tuple[float, ...] | list[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    l_vec: np.ndarray | list[float] | None = None,
    level: float = 0.95,
    pre_event_times: list[int] | None = None,
    post_event_times: list[int] | None = None,
    target: str | None = None,
    with_breakdown: bool = True,
) -> HonestResult:
    """Identified sets, robust intervals and the breakdown value (HonestDiD's
    ``createSensitivityResults[_relativeMagnitudes]`` with ``method = "Conditional"``).
    The breakdown value is computed on first read of ``result.breakdown`` (never, with
    ``with_breakdown=False``: it is then NaN).

    ``betahat`` holds ``n_pre`` pre-treatment then ``n_post`` post-treatment coefficients (the
    reference period left out); ``l_vec`` picks the target (default: the first post period)."""
    beta = np.asarray(betahat, dtype=float)
    sig = np.asarray(sigma, dtype=float)
    if n_pre < 1 or n_post < 1:
        raise QueryError(
            f"Honest DiD needs at least one pre-treatment and one post-treatment coefficient "
            f"besides the reference period (got {n_pre} and {n_post})."
        )
    if beta.shape != (n_pre + n_post,) or sig.shape != (n_pre + n_post,) * 2:
        raise QueryError(
            f"betahat must have {n_pre + n_post} entries and sigma be {n_pre + n_post} x "
            f"{n_pre + n_post} (got {beta.shape} and {sig.shape})."
        )
    if not (np.isfinite(beta).all() and np.isfinite(sig).all()):
        raise QueryError("betahat and sigma must be finite (an event time without an estimate?).")
    if restriction not in RESTRICTIONS:
        raise QueryError(f"restriction must be 'rm' or 'sd', not '{restriction}'.")
    lv = np.zeros(n_post) if l_vec is None else np.asarray(l_vec, dtype=float)
    if l_vec is None:
        lv[0] = 1.0
    if lv.shape != (n_post,) or not np.any(lv):
        raise QueryError(f"l_vec must have {n_post} entries, not all zero.")
    alpha = 1 - level
    rows = []
    for value in sorted({float(x) for x in m}):
        polys = polyhedra(restriction, value, n_pre, n_post)
        id_lo, id_hi = identified_set(beta, n_pre, lv, polys)
        if restriction == "sd":
            lo, hi, _ = flci(beta, sig, n_pre, lv, value, alpha)
        else:
            lo, hi = robust_interval(beta, sig, n_pre, lv, polys, alpha, (id_lo, id_hi))
        rows.append(
            {
                "m": value,
                "id_lower": id_lo,
                "id_upper": id_hi,
                "lower": lo,
                "upper": hi,
                "excludes_zero": bool(np.isfinite(lo) and (lo > 0 or hi < 0)),
            }
        )
    pre_times = pre_event_times or list(range(-n_pre - 1, -1))
    post_times = post_event_times or list(range(n_post))
    return HonestResult(
        method=METHODS[restriction],
        restriction=restriction,
        target=target or _describe_target(lv, post_times),
        l_vec=lv,
        pre_event_times=pre_times,
        post_event_times=post_times,
        estimate=float(lv @ beta[n_pre:]),
        se=float(np.sqrt(lv @ sig[n_pre:, n_pre:] @ lv)),
        level=level,
        table=pd.DataFrame(rows),
        breakdown_solver=(
            functools.partial(
                breakdown, beta.copy(), sig.copy(), n_pre, n_post, lv.copy(), restriction, alpha
            )
            if with_breakdown
            else None
        ),
    )


def _describe_target(l_vec: np.ndarray, post_times: list[int]) -> str:
    nz = np.flatnonzero(l_vec)
    if len(nz) == 1 and l_vec[nz[0]] == 1:
        return f"event time {post_times[nz[0]]}"
    if np.allclose(l_vec, l_vec[0]) and np.isclose(l_vec.sum(), 1):
        return f"average of event times {post_times[0]}..{post_times[-1]}"
    return "l' tau_post with l = [" + ", ".join(f"{x:g}" for x in l_vec) + "]"


def event_study_sensitivity(
    estimator: Any,
    *,
    restriction: Restriction = "rm",
    m: tuple[float, ...] | list[float] = (0.0, 0.5, 1.0, 1.5, 2.0),
    e: int | None = None,
    pre_window: int = PRE_WINDOW,
    post_window: int = POST_WINDOW,
    min_treated: int = 3,
    level: float = 0.95,
) -> HonestResult:
    """Honest DiD on a fitted Callaway & Sant'Anna estimator's event study.

    The event study is refitted with a universal base period (HonestDiD requires it: with a
    varying base the pre-period coefficients are one-year changes, not the path of the bias).
    Kept: pre-treatment event times ``-pre_window..-2`` and post-treatment ``0..post_window-1``,
    each with at least ``min_treated`` treated countries, contiguous from the reference period.
    ``e`` is the target event time; ``None`` (the default) is the average of the kept
    post-treatment event times."""
    est = estimator.universal()
    event = est.event_
    cov = est.event_covariance()
    times = event["event_time"].to_numpy()
    units = event["treated_units"].to_numpy()
    ok = {int(t) for t, u in zip(times, units, strict=True) if u >= min_treated}
    pre: list[int] = []
    for t in range(-2, -pre_window - 1, -1):
        if t not in ok:
            break
        pre.insert(0, t)
    post: list[int] = []
    for t in range(post_window):
        if t not in ok:
            break
        post.append(t)
    notes: list[str] = []
    if len(post) < post_window:
        notes.append(
            f"post-treatment event times kept: {post[0] if post else '-'}..{post[-1] if post else '-'} "
            f"(later ones have fewer than {min_treated} treated countries)"
        )
    if len(pre) < pre_window - 1:
        notes.append(
            f"pre-treatment event times kept: {len(pre)} (earlier ones have fewer than "
            f"{min_treated} treated countries)"
        )
    if not pre or not post:
        raise QueryError(
            "Honest DiD needs at least one pre-treatment event time before the reference year "
            f"(-1) and one after treatment with {min_treated} or more treated countries; this "
            f"event study has {len(pre)} and {len(post)}."
        )
    index = {int(t): i for i, t in enumerate(times)}
    keep = [index[t] for t in (*pre, *post)]
    beta = event["att"].to_numpy(dtype=float)[keep]
    sigma = cov[np.ix_(keep, keep)]
    if e is None:
        l_vec = np.full(len(post), 1.0 / len(post))
    else:
        if e not in post:
            raise QueryError(
                f"Event time {e} is not among the post-treatment event times kept "
                f"({', '.join(map(str, post))})."
            )
        l_vec = np.zeros(len(post))
        l_vec[post.index(e)] = 1.0
    result = honest_did(
        beta,
        sigma,
        len(pre),
        len(post),
        restriction=restriction,
        m=m,
        l_vec=l_vec,
        level=level,
        pre_event_times=pre,
        post_event_times=post,
    )
    result.notes = [
        "event study refitted with a universal base period (reference: event time -1)",
        *notes,
    ]
    return result


def robust_reason(result: HonestResult | None, why: str = "") -> str:
    """Why a DiD result cannot be called an estimate under the sensitivity rule, or ``""``:
    its robust interval at ``Mbar = 1`` (relative magnitudes) covers zero, or the sensitivity
    could not be computed."""
    if result is None:
        return f"sensitivity to parallel-trend violations could not be computed ({why})"
    row = result.at(VERDICT_MBAR)
    if row["excludes_zero"]:
        return ""
    return (
        f"not robust to parallel-trend violations (relative magnitudes, Mbar = "
        f"{VERDICT_MBAR:g}: robust {result.level:.0%} CI [{row['lower']:+.3f}, "
        f"{row['upper']:+.3f}] for the {result.target} covers zero; "
        + (
            f"breakdown Mbar = {result.breakdown:.2g})"
            if result.breakdown > 0
            else "it covers zero even at Mbar = 0)"
        )
    )
