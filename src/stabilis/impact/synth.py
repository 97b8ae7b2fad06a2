"""Synthetic control for one treated unit: Abadie's nested estimator and a ridge-augmented one.

**Abadie (Abadie & Gardeazabal 2003; Abadie, Diamond & Hainmueller 2010).** The synthetic unit is
a convex combination ``W`` of donors (``w >= 0``, ``sum w = 1``) whose predictors ``X0 W`` match
the treated unit's ``X1`` under a diagonal predictor weighting ``V``:
``W(V) = argmin (X1 - X0 W)' V (X1 - X0 W)``. ``V`` is chosen to minimise the mean squared
prediction error (MSPE) of the outcome over the optimisation years. Predictors are scaled by
their standard deviation across units, as the Synth package does.

* The inner problem is solved exactly as non-negative least squares with the adding-up
  constraint as a heavily weighted extra row (``scipy.optimize.nnls``): about 20 µs per call.
* The outer problem is not convex and has several local optima. Synth starts Nelder-Mead from
  equal weights and from a regression-based ``V``; we start from those two *and* from seeded
  random points and keep the lowest MSPE. Every distinct local optimum found is kept in
  ``solutions_`` so a user can see when the answer depends on the start (it does for the
  Basque Country: see ``tests/impact/golden/README.md``).

**Ridge-augmented SC (Ben-Michael, Feller & Rothstein 2021).** When the treated unit lies
outside the donors' convex hull, SC weights fit the pre-period badly. ASCM corrects the SC
prediction with a ridge regression of outcomes on pre-period outcomes across donors; the
result is again a weighting of donors, now allowed to be negative (extrapolation). The ridge
penalty is chosen by holding out the last pre-treatment years.

Both estimators follow scikit-learn: ``__init__`` stores options, ``fit(data)`` returns self,
learned attributes end in ``_``. :func:`prepare` turns a long or wide panel into
:class:`SynthData`; :func:`synth` is the function-first entry point returning a
:class:`~stabilis.impact.results.SynthResult`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone

from stabilis.errors import QueryError

Method = Literal["abadie", "augmented"]
METHODS: tuple[str, ...] = ("abadie", "augmented")


@dataclass(frozen=True)
class Predictor:
    """One row of ``X``: ``variable`` averaged (``op``) over ``years`` (inclusive pairs)."""

    variable: str
    years: tuple[int, ...]
    op: Literal["mean"] = "mean"

    @property
    def label(self) -> str:
        span = f"{self.years[0]}" if len(self.years) == 1 else f"{self.years[0]}-{self.years[-1]}"
        return f"{self.variable} ({span})"


@dataclass(frozen=True)
class SynthData:
    """Matrices for one synthetic-control problem (units are columns of ``X0``/``Y0``)."""

    treated: str
    outcome: str
    treatment_year: int
    years: np.ndarray  # every year with an outcome for the treated unit and all donors
    donors: tuple[str, ...]
    X1: np.ndarray  # (k,) scaled predictors of the treated unit
    X0: np.ndarray  # (k, J) scaled predictors of the donors
    Y1: np.ndarray  # (T,) outcome of the treated unit over ``years``
    Y0: np.ndarray  # (T, J) outcome of the donors over ``years``
    predictor_labels: tuple[str, ...]
    optimise_years: tuple[int, ...]
    raw_X1: np.ndarray = field(repr=False)
    raw_X0: np.ndarray = field(repr=False)
    dropped: dict[str, str] = field(default_factory=dict)
    lags_only: bool = False  # predictors are the outcome in every optimisation year
    predictors: tuple[Predictor, ...] = ()  # the specification behind X (informative rows)

    @property
    def pre_mask(self) -> np.ndarray:
        return self.years < self.treatment_year

    @property
    def opt_mask(self) -> np.ndarray:
        return np.isin(self.years, self.optimise_years)

    def as_treated(self, unit: str, keep_treated: bool = True) -> SynthData:
        """The same problem with donor ``unit`` as the treated one and the rest as donors.

        With ``keep_treated`` (the default) the real treated unit stays in the placebo's donor
        pool, as in the replication code of Abadie, Diamond & Hainmueller (2010) and the
        Synth package's placebo loop: every unit but the placebo is a donor. Without it the
        real treated unit is left out (its post-period is treated).
        """
        j = self.donors.index(unit)
        keep = [i for i in range(len(self.donors)) if i != j]
        donors = tuple(self.donors[i] for i in keep)
        x0, y0, raw0 = self.X0[:, keep], self.Y0[:, keep], self.raw_X0[:, keep]
        if keep_treated:
            # The pool stays in canonical (sorted) order so results do not depend on it.
            donors = (*donors, self.treated)
            x0 = np.column_stack([x0, self.X1])
            y0 = np.column_stack([y0, self.Y1])
            raw0 = np.column_stack([raw0, self.raw_X1])
            order = sorted(range(len(donors)), key=lambda i: unit_order(donors[i]))
            donors = tuple(donors[i] for i in order)
            x0, y0, raw0 = x0[:, order], y0[:, order], raw0[:, order]
        return replace(
            self,
            treated=unit,
            donors=donors,
            X1=self.X0[:, j],
            X0=x0,
            Y1=self.Y0[:, j],
            Y0=y0,
            raw_X1=self.raw_X0[:, j],
            raw_X0=raw0,
            dropped={},
        )

    def without(self, unit: str) -> SynthData:
        """The same problem with donor ``unit`` removed from the pool (leave-one-out)."""
        j = self.donors.index(unit)
        keep = [i for i in range(len(self.donors)) if i != j]
        return replace(
            self,
            donors=tuple(self.donors[i] for i in keep),
            X0=self.X0[:, keep],
            Y0=self.Y0[:, keep],
            raw_X0=self.raw_X0[:, keep],
        )

    def truncated(self, fake_year: int) -> SynthData:
        """Placebo in time: keep only the years before the real treatment and pretend it
        happened in ``fake_year``. The fit uses the outcome in every year before
        ``fake_year`` (lags only), so nothing from after it enters."""
        keep = self.years < self.treatment_year
        years = self.years[keep]
        y1, y0 = self.Y1[keep], self.Y0[keep]
        pre = years < fake_year
        return replace(
            self,
            treatment_year=fake_year,
            years=years,
            Y1=y1,
            Y0=y0,
            X1=y1[pre],
            X0=y0[pre],
            raw_X1=y1[pre],
            raw_X0=y0[pre],
            predictor_labels=tuple(f"{self.outcome} ({y})" for y in years[pre]),
            optimise_years=tuple(int(y) for y in years[pre]),
            lags_only=True,
        )


def unit_order(unit: str) -> tuple[int, int, str]:
    """The canonical donor order: numeric codes by value (Synth's region numbers), then text."""
    return (0, int(unit), "") if unit.isdigit() else (1, 0, unit)


def default_predictors(outcome: str, pre_years: Sequence[int]) -> list[Predictor]:
    """The outcome in every pre-treatment year (the default when no predictors are given).

    With these predictors and the pre-period as optimisation window, the nested problem's
    global optimum is the ``W`` that minimises the pre-period MSPE directly (equal ``V``), so
    :class:`SyntheticControl` solves that one problem instead of searching over ``V``.
    """
    return [Predictor(outcome, (int(y),)) for y in pre_years]


def _to_long(panel: pd.DataFrame, unit: str, time: str) -> pd.DataFrame:
    if unit not in panel.columns or time not in panel.columns:
        raise QueryError(
            f"The panel needs columns '{unit}' and '{time}'; it has {list(panel.columns)[:8]}."
        )
    if panel.duplicated([unit, time]).any():
        raise QueryError(f"The panel has duplicate ({unit}, {time}) rows; give one row each.")
    return panel


def prepare(
    panel: pd.DataFrame,
    *,
    outcome: str,
    treated: str,
    treatment_year: int,
    donors: Sequence[str] | None = None,
    predictors: Sequence[Predictor] | None = None,
    pre_years: tuple[int, int] | None = None,
    last_year: int | None = None,
    optimise_years: Sequence[int] | None = None,
    unit: str = "iso3",
    time: str = "year",
) -> SynthData:
    """Build :class:`SynthData` from a wide panel (one row per unit-year, one column per
    variable). The panel is not modified.

    Donors missing the outcome in any year used, or a predictor entirely, are dropped and
    listed in ``dropped`` with the reason. Years where the treated unit or every donor lacks the
    outcome (WGI before 2002 skips 1997, 1999 and 2001) are left out of the time axis.
    """
    frame = _to_long(panel, unit, time)
    if outcome not in frame.columns:
        raise QueryError(f"The panel has no outcome column '{outcome}'.")
    units = frame[unit].astype(str)
    if treated not in set(units):
        raise QueryError(f"The treated unit '{treated}' is not in the panel.")
    pool = [str(d) for d in (donors if donors is not None else set(units) - {treated})]
    # Donors in one canonical (sorted) order: the result must not depend on the order the
    # caller listed them in, nor on the panel's row order (a property test shuffles both).
    pool = sorted((d for d in set(pool) if d != treated), key=unit_order)
    wide = frame.pivot(index=time, columns=unit, values=outcome)
    wide.columns = wide.columns.astype(str)
    first = pre_years[0] if pre_years else int(wide.index.min())
    last_pre = pre_years[1] if pre_years else treatment_year - 1
    if last_pre >= treatment_year:
        raise QueryError(
            f"The pre-period must end before the treatment year {treatment_year} (got {last_pre})."
        )
    last = last_year if last_year is not None else int(wide.index.max())
    wide = wide.loc[(wide.index >= first) & (wide.index <= last)]
    dropped: dict[str, str] = {}
    missing_pool = [d for d in pool if d not in wide.columns]
    for d in missing_pool:
        dropped[d] = "not in the panel"
    pool = [d for d in pool if d in wide.columns]
    y1 = wide[treated]
    years_with = y1.dropna().index
    block = wide.loc[years_with, pool]
    # A year every donor lacks is a gap in the source (not a donor's fault): drop the year.
    years_with = block.index[block.notna().any(axis=1)]
    block = block.loc[years_with]
    incomplete = block.columns[block.isna().any(axis=0)]
    for d in incomplete:
        n = int(block[d].isna().sum())
        dropped[d] = f"outcome missing in {n} of {len(block)} years"
    pool = [d for d in pool if d not in set(incomplete)]
    years = np.asarray(years_with, dtype=int)
    lags_only = predictors is None and optimise_years is None
    if predictors is None:
        predictors = default_predictors(outcome, [int(y) for y in years[years < treatment_year]])
    rows1, rows0, labels = [], [], []
    values: dict[str, pd.DataFrame] = {}
    for p in predictors:
        if p.variable not in frame.columns:
            raise QueryError(f"The panel has no predictor column '{p.variable}'.")
        if p.variable not in values:
            table = frame.pivot(index=time, columns=unit, values=p.variable)
            table.columns = table.columns.astype(str)
            values[p.variable] = table
        table = values[p.variable]
        sel = table.loc[table.index.isin(p.years)]
        means = sel.mean(axis=0, skipna=True)
        rows1.append(float(means.get(treated, np.nan)))
        rows0.append(means.reindex(pool).to_numpy(dtype=float))
        labels.append(p.label)
    raw_x1 = np.asarray(rows1, dtype=float)
    raw_x0 = np.vstack(rows0) if rows0 else np.zeros((0, len(pool)))
    bad_pred = np.isnan(raw_x1)
    if bad_pred.any():
        missing = [labels[i] for i in np.flatnonzero(bad_pred)]
        raise QueryError(
            f"The treated unit {treated} has no data for predictor(s) {', '.join(missing)}; "
            "choose other predictor years."
        )
    no_x = np.isnan(raw_x0).any(axis=0)
    for j in np.flatnonzero(no_x):
        dropped[pool[j]] = "a predictor is missing"
    keep = np.asarray(~no_x, dtype=bool).reshape(-1)
    pool = [d for d, k in zip(pool, keep.tolist(), strict=True) if k]
    raw_x0 = raw_x0[:, keep]
    both = np.column_stack([raw_x1, raw_x0]) if raw_x0.size else raw_x1[:, None]
    scale = both.std(axis=1, ddof=1) if both.shape[1] > 1 else np.ones(len(raw_x1))
    informative = scale > 0
    scale = np.where(informative, scale, 1.0)
    y_full = wide.loc[years, [treated, *pool]].to_numpy(dtype=float)
    pre = years[years < treatment_year]
    opt = tuple(int(y) for y in (optimise_years if optimise_years is not None else pre))
    return SynthData(
        treated=treated,
        outcome=outcome,
        treatment_year=int(treatment_year),
        years=years,
        donors=tuple(pool),
        X1=(raw_x1 / scale)[informative],
        X0=(raw_x0 / scale[:, None])[informative],
        Y1=y_full[:, 0],
        Y0=y_full[:, 1:],
        predictor_labels=tuple(lab for lab, ok in zip(labels, informative, strict=True) if ok),
        optimise_years=opt,
        raw_X1=raw_x1[informative],
        raw_X0=raw_x0[informative],
        dropped=dropped,
        lags_only=lags_only,
        predictors=tuple(p for p, ok in zip(predictors, informative, strict=True) if ok),
    )


# ---- the inner problem: donor weights on the simplex ---------------------------------------


def simplex_weights(
    target: np.ndarray, basis: np.ndarray, row_weights: np.ndarray | None = None
) -> np.ndarray:
    """``argmin_w || diag(sqrt(v)) (target - basis w) ||^2`` with ``w >= 0`` and ``sum w = 1``.

    Solved as non-negative least squares with the adding-up constraint as an extra row scaled
    far above the data, then renormalised (the constraint holds to about 1e-10).
    """
    from scipy.optimize import nnls

    if basis.shape[1] == 1:
        return np.ones(1)
    if row_weights is not None:
        root = np.sqrt(row_weights)
        a, b = basis * root[:, None], target * root
    else:
        a, b = basis, target
    big = 1e4 * max(1.0, float(np.abs(a).max(initial=0.0)), float(np.abs(b).max(initial=0.0)))
    a2 = np.vstack([a, np.full(a.shape[1], big)])
    b2 = np.append(b, big)
    w, _ = nnls(a2, b2, maxiter=50 * a2.shape[1])
    total = w.sum()
    if total <= 0:
        return np.full(basis.shape[1], 1.0 / basis.shape[1])
    return w / total


class SyntheticControl(BaseEstimator):
    """Abadie-style synthetic control with nested optimisation of ``V`` and ``W``.

    Parameters
    ----------
    random_starts:
        Seeded random starting points for ``V`` besides the equal and the regression-based
        start (Synth's two). More starts find lower pre-period MSPE more reliably.
    seed:
        Seed for the random starts: results are reproducible.
    max_evals:
        Function evaluations per Nelder-Mead run (per start).
    v:
        A fixed predictor weighting instead of the search: a mapping from predictor label to
        weight, or a sequence in the order of ``data.predictor_labels`` (normalised to sum to
        one). Synth's ``custom.v``; the two-step design (:func:`cross_validated_v`) passes the
        ``V`` it fitted on a training window here.
    """

    def __init__(
        self,
        random_starts: int = 4,
        seed: int = 0,
        max_evals: int = 1500,
        v: Mapping[str, float] | Sequence[float] | None = None,
    ) -> None:
        self.random_starts = random_starts
        self.seed = seed
        self.max_evals = max_evals
        self.v = v

    def _custom_v(self, data: SynthData) -> np.ndarray:
        labels = data.predictor_labels
        if isinstance(self.v, Mapping):
            unknown = sorted(set(self.v) - set(labels))
            if unknown:
                raise QueryError(
                    f"Custom V names predictor(s) {', '.join(unknown)} that the problem does not "
                    f"have; its predictors are: {', '.join(labels)}."
                )
            v = np.array([float(self.v.get(label, 0.0)) for label in labels])
        else:
            v = np.asarray(list(self.v or []), dtype=float)
            if len(v) != len(labels):
                raise QueryError(
                    f"Custom V has {len(v)} weights but the problem has {len(labels)} "
                    "informative predictors; give one weight per predictor (or a mapping)."
                )
        if (v < 0).any() or not np.isfinite(v).all() or v.sum() <= 0:
            raise QueryError("Custom V must be non-negative, finite and not all zero.")
        return v / v.sum()

    def _loss(self, data: SynthData, w: np.ndarray) -> float:
        mask = data.opt_mask
        resid = data.Y1[mask] - data.Y0[mask] @ w
        return float(np.mean(resid**2))

    def _starts(self, data: SynthData) -> list[np.ndarray]:
        k = len(data.X1)
        starts = [np.full(k, 1.0 / k)]
        # Synth's regression-based start: V proportional to the squared coefficients of a
        # regression of pre-period outcomes on the scaled predictors, across units.
        x_all = np.column_stack(
            [np.ones(data.X0.shape[1] + 1), np.column_stack([data.X1, data.X0]).T]
        )
        mask = data.opt_mask
        z_all = np.column_stack([data.Y1[mask], data.Y0[mask]]).T
        beta = np.linalg.lstsq(x_all, z_all, rcond=None)[0][1:]
        reg = np.diag(beta @ beta.T).copy()
        if np.isfinite(reg).all() and reg.sum() > 0:
            starts.append(reg / reg.sum())
        rng = np.random.default_rng(self.seed)
        starts += [rng.dirichlet(np.ones(k)) for _ in range(self.random_starts)]
        return starts

    def fit(self, data: SynthData) -> SyntheticControl:
        from scipy.optimize import minimize

        if len(data.donors) == 0:
            raise QueryError(f"No donor is left for {data.treated}; widen the donor pool.")
        if not data.opt_mask.any():
            raise QueryError("No optimisation year has outcome data; choose other years.")
        k = len(data.X1)
        solutions: list[tuple[float, np.ndarray, np.ndarray]] = []
        if self.v is not None:
            v = self._custom_v(data)
            w = simplex_weights(data.X1, data.X0, v)
            solutions.append((self._loss(data, w), v, w))
        elif data.lags_only:
            mask = data.opt_mask
            w = simplex_weights(data.Y1[mask], data.Y0[mask])
            solutions.append((self._loss(data, w), np.full(k, 1.0 / max(k, 1)), w))
        elif k <= 1:
            v = np.ones(max(k, 1))
            w = (
                simplex_weights(data.X1, data.X0, v[:k])
                if k
                else simplex_weights(data.Y1[data.opt_mask], data.Y0[data.opt_mask])
            )
            solutions.append((self._loss(data, w), v, w))
        else:
            mask = data.opt_mask  # computed once: the objective runs a thousand times
            y1, y0 = data.Y1[mask], data.Y0[mask]

            def objective(theta: np.ndarray) -> float:
                v = np.exp(theta - theta.max())
                v = v / v.sum()
                resid = y1 - y0 @ simplex_weights(data.X1, data.X0, v)
                return float(np.mean(resid**2))

            for start in self._starts(data):
                theta0 = np.log(np.clip(start, 1e-8, None))
                res = minimize(
                    objective,
                    theta0,
                    method="Nelder-Mead",
                    options={"maxfev": self.max_evals, "xatol": 1e-4, "fatol": 1e-12},
                )
                v = np.exp(res.x - res.x.max())
                v = v / v.sum()
                w = simplex_weights(data.X1, data.X0, v)
                solutions.append((self._loss(data, w), v, w))
        solutions.sort(key=lambda s: s[0])
        best_loss, best_v, best_w = solutions[0]
        self.v_ = best_v
        self.weights_ = best_w
        self.loss_v_ = best_loss
        resid = data.X1 - data.X0 @ best_w
        self.loss_w_ = float(resid @ (best_v * resid)) if k else 0.0
        self.solutions_ = _distinct(solutions, data.donors)
        self.data_ = data
        return self

    def predict(self) -> np.ndarray:
        """The synthetic unit's outcome over ``data.years``."""
        return self.data_.Y0 @ self.weights_


def _distinct(
    solutions: list[tuple[float, np.ndarray, np.ndarray]], donors: tuple[str, ...]
) -> pd.DataFrame:
    """Distinct local optima (weights rounded to 3 decimals), best first."""
    seen: dict[tuple[float, ...], dict[str, object]] = {}
    for loss, _v, w in solutions:
        key = tuple(np.round(w, 3))
        if key in seen:
            seen[key]["found"] = int(seen[key]["found"]) + 1  # type: ignore[call-overload]
            continue
        top = {donors[i]: round(float(w[i]), 3) for i in np.argsort(-w) if w[i] >= 0.001}
        seen[key] = {"mspe": loss, "weights": top, "found": 1}
    return pd.DataFrame(list(seen.values()))


class AugmentedSyntheticControl(BaseEstimator):
    """Ridge-augmented synthetic control (Ben-Michael, Feller & Rothstein 2021).

    SC weights are fit on the pre-period outcomes (every year, equal weights); a ridge
    regression of each year's outcome on the pre-period outcomes across donors corrects the
    remaining imbalance. The combined estimator is a donor weighting
    ``w_aug = w_sc + X0c (X0c' X0c + lambda I)^-1 (x1 - X0' w_sc)`` that sums to one and may be
    negative. ``ridge`` None picks lambda on a grid by holding out the last ``holdout``
    pre-treatment years.
    """

    def __init__(self, ridge: float | None = None, holdout: int = 3) -> None:
        self.ridge = ridge
        self.holdout = holdout

    @staticmethod
    def _weights(x1: np.ndarray, x0: np.ndarray, ridge: float) -> tuple[np.ndarray, np.ndarray]:
        """``x1`` (T0,), ``x0`` (T0, J): return (sc weights, augmented weights)."""
        w_sc = simplex_weights(x1, x0)
        centred = x0 - x0.mean(axis=1, keepdims=True)  # centre each year across donors
        gram = centred.T @ centred  # (J, J) in donor space
        # (X0c' X0c + lambda I)^-1 in the T0-space equals the J-space form by push-through.
        j = x0.shape[1]
        imbalance = x1 - x0 @ w_sc
        correction = np.linalg.solve(gram + ridge * np.eye(j), centred.T @ imbalance)
        return w_sc, w_sc + correction

    def _grid(self, x0: np.ndarray) -> np.ndarray:
        centred = x0 - x0.mean(axis=1, keepdims=True)
        top = float(np.linalg.svd(centred, compute_uv=False)[0] ** 2) if centred.size else 1.0
        return top * np.logspace(-4, 2, 13)

    def fit(self, data: SynthData) -> AugmentedSyntheticControl:
        if len(data.donors) < 2:
            raise QueryError(f"Augmented SC needs at least two donors for {data.treated}.")
        pre = data.pre_mask
        x1, x0 = data.Y1[pre], data.Y0[pre]
        if self.ridge is not None:
            ridge = float(self.ridge)
        else:
            h = min(self.holdout, max(1, len(x1) // 3))
            grid = self._grid(x0[:-h]) if len(x1) > h + 1 else self._grid(x0)
            errors = []
            for lam in grid:
                if len(x1) <= h + 1:
                    errors.append(0.0)
                    continue
                _, w_aug = self._weights(x1[:-h], x0[:-h], lam)
                errors.append(float(np.mean((x1[-h:] - x0[-h:] @ w_aug) ** 2)))
            ridge = float(grid[int(np.argmin(errors))])
        w_sc, w_aug = self._weights(x1, x0, ridge)
        self.ridge_ = ridge
        self.sc_weights_ = w_sc
        self.weights_ = w_aug
        self.data_ = data
        return self

    def predict(self) -> np.ndarray:
        return self.data_.Y0 @ self.weights_


Estimator = SyntheticControl | AugmentedSyntheticControl


def make_estimator(method: str, seed: int = 0) -> Estimator:
    """The estimator for ``method`` (``abadie`` or ``augmented``)."""
    if method == "abadie":
        return SyntheticControl(seed=seed)
    if method == "augmented":
        return AugmentedSyntheticControl()
    raise QueryError(
        f"Unknown synthetic-control method '{method}'. Use one of: {', '.join(METHODS)}."
    )


def fit_gaps(data: SynthData, estimator: Estimator) -> np.ndarray:
    """Fit a fresh copy of ``estimator`` on ``data`` and return the gap path (treated - synth)."""
    fitted = clone(estimator).fit(data)  # scikit-learn's clone: same options, unfitted
    return data.Y1 - fitted.predict()


def regression_weights(data: SynthData) -> pd.Series:
    """The donor weights implied by a linear regression of the outcome on the predictors
    (Abadie, Diamond & Hainmueller 2015, section 3; Abadie 2021, section 3.2): with an
    intercept, ``W_reg = X0c' (X0c X0c')^+ (X1 - mean) + 1/J``, summing to one but free to be
    negative or above one (extrapolation). Compare with the synthetic control's ``W``."""
    x0 = np.asarray(data.raw_X0, dtype=float)
    x1 = np.asarray(data.raw_X1, dtype=float)
    j = x0.shape[1]
    centre = x0.mean(axis=1, keepdims=True)
    x0c = x0 - centre
    w = x0c.T @ np.linalg.pinv(x0c @ x0c.T) @ (x1 - centre[:, 0]) + 1.0 / j
    return pd.Series(w, index=list(data.donors), name="regression_weight")


def predictor_values(data: SynthData, weights: Mapping[str, float] | pd.Series) -> pd.DataFrame:
    """The treated unit's predictors against a synthetic unit with user-given donor
    ``weights`` (Synth's ``synth.tab`` at any W): unscaled values and the gap."""
    w = np.array([float(weights.get(d, 0.0)) for d in data.donors])
    unknown = sorted(set(weights) - set(data.donors))
    if unknown:
        raise QueryError(f"Weights name unit(s) {', '.join(unknown)} that are not donors.")
    synthetic = data.raw_X0 @ w if data.raw_X0.size else np.zeros(0)
    return pd.DataFrame(
        {
            "predictor": list(data.predictor_labels),
            "treated": data.raw_X1,
            "synthetic": synthetic,
            "gap": data.raw_X1 - synthetic,
        }
    )
