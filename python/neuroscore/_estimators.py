"""Estimators shaped like scikit-learn and himalaya: RidgeCV, BandedRidgeCV; and the nested
cross-validated score, cross_validated_ridge()."""
import inspect

import numpy as np

from . import _neuroscore
from ._arrays import as_float64, common_float, real_array, seed_of
from ._results import result
from ._splitters import ContiguousKFold, folds_of

__all__ = ["RidgeCV", "BandedRidgeCV", "cross_validated_ridge", "CrossValidatedRidge"]

# The C++ library's grids (neuroscore/alphas.hpp kDefaultAlphas and kBandedAlphas), bound by the
# extension module: one definition for C++ and Python.
DEFAULT_ALPHAS = tuple(_neuroscore.DEFAULT_ALPHAS)
BANDED_ALPHAS = tuple(_neuroscore.BANDED_ALPHAS)


class _Estimator:
    """get_params / set_params / score as scikit-learn expects them (clone, cross_val_score,
    GridSearchCV), without requiring scikit-learn."""

    _estimator_type = "regressor"

    @classmethod
    def _param_names(cls):
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep=True):
        out = {}
        for name in self._param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
        return out

    def set_params(self, **params):
        valid = self._param_names()
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {name!r} (it has {valid})")
            if sub:
                getattr(self, name).set_params(**{sub: value})
            else:
                setattr(self, name, value)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({args})"

    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise ValueError(f"this {type(self).__name__} is not fitted yet: call fit(X, Y) first")

    def predict(self, X):
        """intercept_ + X coef_, in the dtype of the fit."""
        self._check_fitted()
        X = real_array(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features but {type(self).__name__} was fitted with "
                             f"{self.n_features_in_}")
        return (X.astype(self.coef_.dtype, copy=False) @ self.coef_ + self.intercept_).astype(
            self.coef_.dtype, copy=False)

    def score(self, X, y):
        """R^2 averaged over targets (scikit-learn's r2_score, multioutput='uniform_average'; a
        constant target scores 1 if predicted exactly, else 0), as scikit-learn regressors."""
        y = real_array(y, "y", ndims=(1, 2)).astype(np.float64)
        pred = np.asarray(self.predict(X), dtype=np.float64)
        if pred.shape != y.shape:
            raise ValueError(f"y has shape {y.shape} but the predictions have {pred.shape}")
        y2 = y.reshape(len(y), -1)
        p2 = pred.reshape(len(pred), -1)
        sse = ((y2 - p2) ** 2).sum(axis=0)
        sst = ((y2 - y2.mean(axis=0)) ** 2).sum(axis=0)
        r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0), np.where(sse == 0, 1.0, 0.0))
        return float(r2.mean())


def _alphas(alphas):
    a = np.atleast_1d(np.asarray(alphas, dtype=np.float64))
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"alphas must be a non-empty 1-D sequence, got {alphas!r}")
    return [float(v) for v in a]


def _set_per_target(estimator, attributes, vector):
    """Sets the fitted attributes; for a 1-D y (one target) without the target axis, as
    scikit-learn: (F, T) -> (F,), (A, T) -> (A,), (T,) -> a Python number."""
    for name, value in attributes.items():
        if vector and value is not None:
            value = value[..., 0] if value.ndim == 2 else value[0].item()
        setattr(estimator, name, value)


def _fit_arrays(X, Y):
    X = real_array(X, "X")
    Y = real_array(Y, "Y", ndims=(1, 2))
    return common_float(X, Y)


class RidgeCV(_Estimator):
    """Ridge regression with alpha chosen by cross-validation, then refit on all samples.

    Parameters
      alphas: candidate alphas (W = argmin ||Y - XW||^2 + alpha ||W||^2, scikit-learn's and
        himalaya's convention; any order, duplicates ignored).
      cv: splitter for the alpha search: an int k is ContiguousKFold(k) (contiguous blocks, never
        shuffled), or any object with split(X, y, groups), or a list of (train, test) pairs.
      alpha_per_target: each target its own alpha (himalaya's local_alpha), else one alpha for all
        by the mean R^2 over targets.
      standardize: divide features by their training standard deviation (coef_ stays in the
        original units).
      solver: 'auto' (dual when features > samples), 'primal' or 'dual'.
      max_batch_bytes: memory budget of the per-target buffers (targets go in batches).

    Attributes after fit (T targets, F features, A alphas in the grid)
      coef_: (F, T), himalaya's layout (scikit-learn's Ridge has (T, F)); (F,) for a 1-D y.
      intercept_: (T,), or a float for a 1-D y.
      alphas_: the grid, ascending.  best_alphas_: (T,).
      cv_scores_: (T,) mean cross-validated R^2 at the chosen alpha (himalaya's cv_scores_);
        None for a one-alpha grid, where no cross-validation runs.
      cv_scores_per_alpha_: (A, T) mean R^2 of every alpha (None for one alpha).
      grid_edge_: (T,) -1 / +1 where the chosen alpha is the grid's smallest / largest.
      dropped_columns_: feature columns without spread (coefficient 0).
      n_features_in_.
    For a 1-D y every per-target attribute loses its target axis: coef_ (F,),
    cv_scores_per_alpha_ (A,), and intercept_, best_alphas_, cv_scores_, grid_edge_ are numbers.

    fit() releases the GIL; float32 X and Y fit in single precision (decompositions in double),
    anything else in float64.
    """

    def __init__(self, alphas=DEFAULT_ALPHAS, cv=5, alpha_per_target=True, standardize=False,
                 solver="auto", max_batch_bytes=1 << 30):
        self.alphas = alphas
        self.cv = cv
        self.alpha_per_target = alpha_per_target
        self.standardize = standardize
        self.solver = solver
        self.max_batch_bytes = max_batch_bytes

    def fit(self, X, Y, cv_groups=None):
        """Fit on all rows of X (samples x features) and Y (samples x targets, or 1-D).
        cv_groups: one label per sample for a group splitter (GroupKFold, LeaveOneGroupOut)."""
        X, Y = _fit_arrays(X, Y)
        alphas = _alphas(self.alphas)
        folds = folds_of(self.cv, X, Y, cv_groups) if len(set(alphas)) > 1 else []
        d = _neuroscore.fit_ridge(X, Y, folds, alphas, bool(self.alpha_per_target), str(self.solver),
                                  bool(self.standardize), int(self.max_batch_bytes))
        single = d["cv_r2"].shape[0] == 0
        cv_scores = None if single else d["cv_r2"][
            np.searchsorted(d["alphas"], d["best_alpha"]), np.arange(d["cv_r2"].shape[1])]
        per_target = {"coef_": d["coef"], "intercept_": d["intercept"], "best_alphas_": d["best_alpha"],
                      "cv_scores_": cv_scores, "cv_scores_per_alpha_": None if single else d["cv_r2"],
                      "grid_edge_": d["grid_edge"]}
        _set_per_target(self, per_target, Y.ndim == 1)
        self.alphas_ = d["alphas"]
        self.dropped_columns_ = list(d["dropped_columns"])
        self.n_features_in_ = X.shape[1]
        return self


class BandedRidgeCV(_Estimator):
    """Banded ridge: one ridge penalty per feature band (Nunez-Elizalde et al. 2019; himalaya's
    BandedRidgeCV), the band weights and alpha chosen per target by cross-validation, then refit
    on all samples.

    The model for band weights gamma (summing to 1) and alpha is ridge on the columns of band b
    scaled by sqrt(gamma_b), i.e. penalty alpha * sum_b ||W_b||^2 / gamma_b. The search tries
    n_candidates weight vectors: equal weights first, then Dirichlet draws whose concentration
    cycles through `concentrations` (seeded by `seed`), each with every alpha; each target takes
    the (gamma, alpha) of best mean R^2 over the cv folds.

    Parameters
      groups: one label per feature column of X (integers); a band is the columns of one label,
        bands ordered by label.
      alphas, cv, standardize: as RidgeCV.
      n_candidates, concentrations, seed: the band-weight search.

    Attributes after fit
      coef_: (F, T) in X's column order and original units (weights folded in).
      intercept_: (T,).  band_weights_: (B, T) chosen gamma per target.
      best_alphas_: (T,).  cv_scores_: (T,) mean cv R^2 at the choice.
      band_labels_: the label of each band.  candidate_weights_: (n_candidates, B).
      alphas_, n_features_in_.
    For a 1-D y the per-target attributes lose their target axis, as RidgeCV's.

    fit() releases the GIL and runs in float64 (float32 input is widened, a copy).
    """

    def __init__(self, groups=None, alphas=BANDED_ALPHAS, cv=5,
                 n_candidates=20, concentrations=(0.1, 1.0), seed=0, standardize=False):
        self.groups = groups
        self.alphas = alphas
        self.cv = cv
        self.n_candidates = n_candidates
        self.concentrations = concentrations
        self.seed = seed
        self.standardize = standardize

    def fit(self, X, Y, cv_groups=None):
        """Fit on all rows; cv_groups as in RidgeCV.fit."""
        X = as_float64(real_array(X, "X"))
        Y = as_float64(real_array(Y, "Y", ndims=(1, 2)))
        if self.groups is None:
            raise ValueError("BandedRidgeCV needs groups: one band label per feature column of X")
        labels = np.asarray(self.groups)
        if labels.ndim != 1 or labels.dtype.kind not in "iu":
            raise ValueError(f"groups must be a 1-D sequence of integer band labels, got {self.groups!r}")
        if isinstance(self.n_candidates, bool) or not isinstance(self.n_candidates, (int, np.integer)) \
                or self.n_candidates < 1:
            raise ValueError(f"n_candidates must be a positive integer, got {self.n_candidates!r}")
        folds = folds_of(self.cv, X, Y, cv_groups)
        d = _neuroscore.fit_banded_ridge(X, Y, labels, folds, _alphas(self.alphas), int(self.n_candidates),
                                         [float(c) for c in self.concentrations], seed_of(self.seed),
                                         bool(self.standardize))
        per_target = {"coef_": d["coef"], "intercept_": d["intercept"], "band_weights_": d["band_weights"],
                      "best_alphas_": d["best_alpha"], "cv_scores_": d["cv_r2"]}
        _set_per_target(self, per_target, Y.ndim == 1)
        self.band_labels_ = list(d["band_labels"])
        self.candidate_weights_ = d["candidate_weights"]
        self.alphas_ = d["alphas"]
        self.n_features_in_ = X.shape[1]
        return self


@result
class CrossValidatedRidge:
    """Nested cross-validation (cross_validated_ridge): outer folds score, inner folds choose alpha.

    mean_r: (T,) mean over outer folds of the per-fold Pearson r, the default brain score.
    fold_r: (folds, T).  chosen_alpha: (folds, T).  predictions: (n, T), each sample predicted by
    the fold that tests it (NaN where no fold tests it).  grid_edge: (folds, T).
    alphas_at_grid_edge, degenerate_scores: counts of (fold, target) pairs.
    dropped_columns: per outer fold, the feature columns without spread.
    """
    mean_r: np.ndarray
    fold_r: np.ndarray
    chosen_alpha: np.ndarray
    predictions: np.ndarray
    grid_edge: np.ndarray
    alphas_at_grid_edge: int
    degenerate_scores: int
    dropped_columns: list


def cross_validated_ridge(X, Y, cv=5, alphas=DEFAULT_ALPHAS, inner_folds=5, inner_gap=0, inner_groups=None,
                          alpha_per_target=True, standardize=False, solver="auto", max_batch_bytes=1 << 30,
                          groups=None):
    """Brain score by nested cross-validation: for every outer fold of `cv`, alpha is chosen by
    contiguous inner k-fold (inner_folds, inner_gap; whole groups with inner_groups) on the
    training samples only, ridge is refit there and predicts the test block. Returns
    CrossValidatedRidge. Releases the GIL; float32 X and Y run in single precision."""
    X, Y = _fit_arrays(X, Y)
    folds = folds_of(cv, X, Y, groups)
    labels = None if inner_groups is None else np.asarray(inner_groups)
    d = _neuroscore.cross_validated_ridge(X, Y, folds, _alphas(alphas), int(inner_folds), int(inner_gap), labels,
                                          bool(alpha_per_target), str(solver), bool(standardize),
                                          int(max_batch_bytes))
    return CrossValidatedRidge.from_dict(d)
