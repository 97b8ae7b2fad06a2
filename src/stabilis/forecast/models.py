"""Estimators: gradient-boosted trees (LightGBM) and an L2 logistic baseline, scikit-learn style.

``__init__`` stores parameters, ``fit`` returns self, learned attributes end in ``_``.

:class:`BoostedForecaster` is a small bagged ensemble: ``n_members`` LightGBM models, each
trained on a bootstrap sample of *countries* (all years of a drawn country, weighted by how often
it is drawn), so the spread of the members says how much the forecast depends on which
countries happened to be in the data. The point forecast is the members' mean calibrated
probability; the interval their 10th–90th percentile. It reflects estimation uncertainty, not
the randomness of the event itself.

Calibration (``calibration``):

* ``oob`` (default): a shift of the log-odds, so that the members' *out-of-bag* forecasts of the
  last ``holdout_years`` training years match those years' event rate. Each member predicts the
  rows of the countries its bootstrap did not draw, so the forecasts are out of sample, and the
  level follows the recent event rate (event rates drift: closings became more frequent after
  2010). It needs no extra model. On the benchmark's rows it beat the inner-split Platt map on
  every score in both directions (docs/forecast.md, "Speed") and took a third less CPU.
* ``platt`` / ``isotonic``: learned on an inner time split (see :meth:`TimeSplit.inner`): one
  more model, trained on rows observed by the start of the last ``holdout_years`` training years,
  scores those years, and a Platt (logistic on the log-odds) or isotonic map is fitted to its
  scores.
* ``none``: the members' probabilities as they are.

The map is applied to every member. LightGBM runs with ``deterministic=True, force_col_wise=True``
and a fixed thread count and seed, so a rerun gives identical numbers. Column-wise histograms
are as deterministic as row-wise ones and twice as fast on these data;
one thread per model, because OpenMP threads spin and stall when the machine is busy (a
120-tree fit took 27 s with two threads on a loaded 2-core machine, 0.3 s with one);
parallelism comes from fitting origins in separate worker processes instead
(:func:`stabilis.forecast.backtest.run_backtest`). A member trains on a LightGBM subset of the
rows of its drawn countries, which shares the binned matrix and skips the undrawn rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from stabilis.errors import QueryError

if TYPE_CHECKING:
    import pandas as pd

    from stabilis.forecast.origins import TimeSplit

Calibration = Literal["oob", "platt", "isotonic", "none"]
CALIBRATIONS = ("oob", "platt", "isotonic", "none")
#: Fewest rows a calibration map is fitted on (else the probabilities are left as they are).
MIN_CALIBRATION_ROWS = 20
_EPS = 1e-6
#: Histogram bins per feature. 31 instead of LightGBM's 255 (and our earlier 63): on the
#: benchmark's rows (origins 2005-2021 × 12 space outcomes) every score stayed within its
#: bootstrap noise (ROC-AUC up −0.0008 [−0.0024, +0.0010], down +0.0002 [−0.0013, +0.0016]) and a
#: backtest took 8 % less CPU (docs/forecast.md, "Speed").
MAX_BIN = 31


def logit(p: Any) -> np.ndarray:
    """The log-odds of ``p``, clipped to [1e-6, 1 − 1e-6] first (the one copy in forecast/)."""
    q = np.clip(np.asarray(p, dtype=float), _EPS, 1 - _EPS)
    return np.asarray(np.log(q / (1 - q)))


def sigmoid(z: Any) -> np.ndarray:
    """The probability of the log-odds ``z``."""
    return np.asarray(1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float))))


def shift_to_mean(z: np.ndarray, target: float) -> float:
    """The b for which mean(sigmoid(z + b)) equals ``target`` (bisection on [−30, 30]; the mean
    rises with b)."""
    lo, hi = -30.0, 30.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.mean(sigmoid(z + mid))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


class Calibrator:
    """Maps raw probabilities to calibrated ones: a shift of the log-odds (``oob``), Platt on
    the log-odds, or isotonic."""

    def __init__(self, method: Calibration = "oob") -> None:
        if method not in CALIBRATIONS:
            raise QueryError(f"calibration must be one of {', '.join(CALIBRATIONS)}.")
        self.method = method

    def fit(self, p: np.ndarray, y: np.ndarray) -> Calibrator:
        p, y = np.asarray(p, float), np.asarray(y, float)
        self.identity_ = (
            self.method == "none" or len(np.unique(y)) < 2 or len(y) < MIN_CALIBRATION_ROWS
        )
        if self.identity_:
            return self
        if self.method == "oob":
            self.shift_ = shift_to_mean(logit(p), float(np.mean(y)))
        elif self.method == "platt":
            from sklearn.linear_model import LogisticRegression

            model = LogisticRegression(C=1e4, max_iter=1000)
            model.fit(logit(p).reshape(-1, 1), y)
            self.coef_ = float(model.coef_[0, 0])
            self.intercept_ = float(model.intercept_[0])
        else:
            from sklearn.isotonic import IsotonicRegression

            self.isotonic_ = IsotonicRegression(y_min=_EPS, y_max=1 - _EPS, out_of_bounds="clip")
            self.isotonic_.fit(p, y)
        return self

    def transform(self, p: np.ndarray) -> np.ndarray:
        p = np.asarray(p, float)
        if self.identity_:
            return p
        if self.method == "oob":
            return sigmoid(logit(p) + self.shift_)
        if self.method == "platt":
            return sigmoid(self.coef_ * logit(p) + self.intercept_)
        return np.asarray(self.isotonic_.predict(p))


@dataclass
class TrainingMatrix:
    """Training rows' features, binned once for LightGBM and shared by every outcome's fit."""

    features: pd.DataFrame
    max_bin: int = MAX_BIN
    _dataset: Any = field(default=None, repr=False)
    _values: np.ndarray | None = field(default=None, repr=False)

    @property
    def values(self) -> np.ndarray:
        """The features as one float matrix, converted once for every fit that reads them."""
        if self._values is None:
            self._values = self.features.to_numpy(dtype=np.float64)
        return self._values

    def dataset(self) -> Any:
        import lightgbm as lgb

        if self._dataset is None:
            self._dataset = lgb.Dataset(
                self.values,
                label=np.zeros(len(self.features)),
                feature_name=[_safe(c) for c in self.features.columns],
                # the raw values stay in ``features``; kept here, every member's subset would
                # copy them. Dense bins: sparse ones made each boosting round about 20 % slower
                # on these small matrices, for the same trees.
                free_raw_data=True,
                params={
                    "max_bin": self.max_bin,
                    "verbose": -1,
                    "num_threads": 1,
                    "is_enable_sparse": False,
                },
            )
            self._dataset.construct()
        return self._dataset


def _safe(name: str) -> str:
    return name.replace(".", "__")


def _as_matrix(X: TrainingMatrix | pd.DataFrame) -> TrainingMatrix:
    return X if isinstance(X, TrainingMatrix) else TrainingMatrix(X)


def _cluster_weights(groups: np.ndarray, rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Weights of ``n`` bootstrap samples of whole groups (countries), drawn in turn from ``rng``."""
    labels, index = np.unique(groups, return_inverse=True)  # sorting strings: once, not n times
    share = np.full(len(labels), 1 / len(labels))
    return [rng.multinomial(len(labels), share)[index].astype(float) for _ in range(n)]


class BoostedForecaster:
    """A calibrated, bagged LightGBM classifier with intervals and contributions."""

    def __init__(
        self,
        *,
        n_estimators: int = 60,
        learning_rate: float = 0.1,
        num_leaves: int = 7,
        min_child_samples: int = 20,
        feature_fraction: float = 0.3,
        n_members: int = 5,
        calibration: Calibration = "oob",
        holdout_years: int = 5,
        interval: tuple[float, float] = (0.1, 0.9),
        seed: int = 20240601,
        num_threads: int = 1,
    ) -> None:
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.feature_fraction = feature_fraction
        self.n_members = n_members
        self.calibration = calibration
        self.holdout_years = holdout_years
        self.interval = interval
        self.seed = seed
        self.num_threads = num_threads

    def _params(self, seed: int) -> dict[str, Any]:
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_child_samples,
            "feature_fraction": self.feature_fraction,
            "max_bin": MAX_BIN,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": self.num_threads,
            "seed": seed,
            "verbose": -1,
        }

    def _train(self, matrix: TrainingMatrix, y: np.ndarray, weights: np.ndarray, seed: int) -> Any:
        import lightgbm as lgb

        data = matrix.dataset()
        weights = np.where(np.isnan(y), 0.0, weights)
        data.set_label(np.nan_to_num(y, nan=0.0))
        data.set_weight(weights)
        used = np.flatnonzero(weights > 0)
        if len(used) < len(weights):
            # Rows of undrawn countries (weight 0) would still be scanned for every histogram;
            # a subset shares the parent's bins and copies its labels and weights.
            data = data.subset(used.tolist())
        return lgb.train(self._params(seed), data, num_boost_round=self.n_estimators)

    def fit(
        self,
        X: TrainingMatrix | pd.DataFrame,
        y: np.ndarray,
        *,
        years: np.ndarray,
        groups: np.ndarray,
        split: TimeSplit | None = None,
    ) -> BoostedForecaster:
        """Fit on rows with a known target (NaN targets are ignored).

        ``years`` and ``groups`` (country codes) align with the rows; ``split`` is the outer
        split, whose last ``holdout_years`` training years the calibration is fitted on (out of
        bag for ``oob``, by an inner model for ``platt``/``isotonic``); no calibration without it.
        """
        if self.calibration not in CALIBRATIONS:
            raise QueryError(f"calibration must be one of {', '.join(CALIBRATIONS)}.")
        matrix = _as_matrix(X)
        y = np.asarray(y, dtype=float)
        years = np.asarray(years)
        groups = np.asarray(groups)
        known = ~np.isnan(y)
        if known.sum() == 0 or len(np.unique(y[known])) < 2:
            raise QueryError(
                "The training rows hold only one class of this target; widen the training years."
            )
        self.feature_names_ = list(matrix.features.columns)
        self.base_rate_ = float(np.nanmean(y))
        rng = np.random.default_rng(self.seed)
        # no map (identity) unless one is fitted below
        self.calibrator_ = Calibrator(self.calibration).fit(np.zeros(0), np.zeros(0))
        draws = (
            _cluster_weights(groups, rng, self.n_members)
            if self.n_members > 1
            else [np.ones(len(y))]
        )
        held = np.zeros(len(y), dtype=bool)
        if split is not None:
            held = split.holdout_mask(years, self.holdout_years) & known
        if split is not None and self.calibration in ("platt", "isotonic"):
            inner_rows = split.inner(self.holdout_years).train_mask(years) & known
            if inner_rows.sum() and held.sum() and len(np.unique(y[inner_rows])) == 2:
                model = self._train(matrix, np.where(inner_rows, y, np.nan), np.ones(len(y)),
                                    self.seed)  # fmt: skip
                raw = model.predict(matrix.values[held])
                self.calibrator_.fit(raw, y[held])
        self.members_ = [
            self._train(matrix, y, weights, self.seed + k + 1) for k, weights in enumerate(draws)
        ]
        if split is not None and self.calibration == "oob":
            z, seen = self._out_of_bag_logits(matrix, held, draws)
            self.calibrator_.fit(sigmoid(z[seen]), y[held][seen])
        return self

    def _out_of_bag_logits(
        self, matrix: TrainingMatrix, rows: np.ndarray, draws: list[np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The mean raw log-odds of ``rows`` over the members that did not draw their country,
        and which rows have at least one such member."""
        values = matrix.values[rows]
        total, count = np.zeros(len(values)), np.zeros(len(values))
        for member, weights in zip(self.members_, draws, strict=True):
            unseen = weights[rows] == 0
            if unseen.any():
                total[unseen] += logit(member.predict(values[unseen]))
                count[unseen] += 1
        seen = count > 0
        return np.divide(total, np.maximum(count, 1)), seen

    def _member_probabilities(self, X: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        values = X[self.feature_names_].to_numpy(dtype=np.float64)
        raw = np.vstack([m.predict(values) for m in self.members_])
        return np.vstack([self.calibrator_.transform(r) for r in raw])

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability of the event (members' mean)."""
        return np.asarray(self._member_probabilities(X).mean(axis=0))

    def predict_interval(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper): the mean and the ``interval`` quantiles over members."""
        members = self._member_probabilities(X)
        lo, hi = np.quantile(members, self.interval, axis=0)
        return members.mean(axis=0), lo, hi

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """SHAP values (TreeSHAP, log-odds before calibration), averaged over members.

        One column per feature plus ``bias``; each row sums to the members' mean raw log-odds.
        """
        import pandas as pd

        self._check_fitted()
        values = X[self.feature_names_].to_numpy(dtype=np.float64)
        total = sum(m.predict(values, pred_contrib=True) for m in self.members_)
        mean = np.asarray(total) / len(self.members_)
        return pd.DataFrame(mean, columns=[*self.feature_names_, "bias"], index=X.index)

    def _check_fitted(self) -> None:
        if not hasattr(self, "members_"):
            raise QueryError("Fit the forecaster before predicting.")


class LogisticForecaster:
    """L2-regularised logistic regression on median-imputed, standardised features."""

    def __init__(self, *, C: float = 0.05, calibration: Calibration = "none",
                 holdout_years: int = 5, max_iter: int = 2000) -> None:  # fmt: skip
        self.C = C
        self.calibration = calibration
        self.holdout_years = holdout_years
        self.max_iter = max_iter

    def _pipeline(self) -> Any:
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=self.C, max_iter=self.max_iter),
        )

    def fit(
        self,
        X: TrainingMatrix | pd.DataFrame,
        y: np.ndarray,
        *,
        years: np.ndarray,
        groups: np.ndarray | None = None,
        split: TimeSplit | None = None,
    ) -> LogisticForecaster:
        """Fit on rows with a known target; calibrate on the inner split when asked."""
        features = X.features if isinstance(X, TrainingMatrix) else X
        y = np.asarray(y, dtype=float)
        years = np.asarray(years)
        known = ~np.isnan(y)
        if known.sum() == 0 or len(np.unique(y[known])) < 2:
            raise QueryError(
                "The training rows hold only one class of this target; widen the training years."
            )
        values = features.to_numpy(dtype=np.float64)
        self.feature_names_ = list(features.columns)
        self.calibrator_ = Calibrator(self.calibration)
        if split is not None and self.calibration != "none":
            inner_rows = split.inner(self.holdout_years).train_mask(years) & known
            held = split.holdout_mask(years, self.holdout_years) & known
            inner = self._pipeline().fit(values[inner_rows], y[inner_rows])
            self.calibrator_.fit(inner.predict_proba(values[held])[:, 1], y[held])
        else:
            self.calibrator_.fit(np.zeros(0), np.zeros(0))
        self.model_ = self._pipeline().fit(values[known], y[known])
        return self

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        if not hasattr(self, "model_"):
            raise QueryError("Fit the forecaster before predicting.")
        raw = self.model_.predict_proba(X[self.feature_names_].to_numpy(dtype=np.float64))[:, 1]
        return self.calibrator_.transform(raw)

    def predict_interval(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(point, lower, upper); the baseline has no ensemble, so the interval is the point."""
        p = self.predict_proba(X)
        return p, p.copy(), p.copy()

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        """Coefficient × standardised value per feature (log-odds), plus ``bias``."""
        import pandas as pd

        if not hasattr(self, "model_"):
            raise QueryError("Fit the forecaster before explaining.")
        imputer, scaler, logit = (self.model_[i] for i in range(3))
        z = scaler.transform(imputer.transform(X[self.feature_names_].to_numpy(dtype=np.float64)))
        parts = z * logit.coef_[0]
        frame = pd.DataFrame(parts, columns=self.feature_names_, index=X.index)
        frame["bias"] = float(logit.intercept_[0])
        return frame


class BlendedForecaster:
    """The two-year model averaged with a one-year hazard model turned into two years.

    ``hazard`` forecasts an event in the first year after the origin; 1 − (1 − h)² is the
    two-year probability if the second year's hazard were the same. The forecast is the mean of
    that and the two-year model's probability, member by member (members k of both models are
    paired), so intervals come from the same ensemble. The hazard model learns from one more
    recent year than the two-year model, without look-ahead (its split is checked by
    :class:`~stabilis.forecast.origins.TimeSplit`). Contributions are the two models' averaged
    (log-odds of each model before calibration).
    """

    def __init__(self, two_year: Any, hazard: Any) -> None:
        self.two_year = two_year
        self.hazard = hazard
        self.feature_names_ = list(two_year.feature_names_)
        self.interval = getattr(two_year, "interval", (0.1, 0.9))

    def _member_probabilities(self, X: pd.DataFrame) -> np.ndarray:
        two = _members(self.two_year, X)
        one = _members(self.hazard, X)
        k = min(len(two), len(one))
        return np.asarray((two[:k] + 1 - (1 - one[:k]) ** 2) / 2)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return np.asarray(self._member_probabilities(X).mean(axis=0))

    def predict_interval(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        members = self._member_probabilities(X)
        if len(members) == 1:
            return members[0], members[0].copy(), members[0].copy()
        lo, hi = np.quantile(members, self.interval, axis=0)
        return members.mean(axis=0), lo, hi

    def contributions(self, X: pd.DataFrame) -> pd.DataFrame:
        return (self.two_year.contributions(X) + self.hazard.contributions(X)) / 2


def _members(model: Any, X: pd.DataFrame) -> np.ndarray:
    if hasattr(model, "_member_probabilities"):
        return np.asarray(model._member_probabilities(X))
    return np.asarray(model.predict_proba(X)).reshape(1, -1)


def make_forecaster(model: str, **params: Any) -> BoostedForecaster | LogisticForecaster:
    """The estimator for a model name: ``lgbm`` or ``logit``."""
    if model == "lgbm":
        return BoostedForecaster(**params)
    if model == "logit":
        return LogisticForecaster(**params)
    raise QueryError(f"Unknown model '{model}'. Models: lgbm, logit.")
