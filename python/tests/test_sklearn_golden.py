"""neuroscore.RidgeCV and cross_validated_ridge against scikit-learn.

Golden values: golden/sklearn_ridge.npz, written by golden/make_sklearn_golden.py with Debian's
python3-sklearn 1.2.1 and numpy 1.24.2 only (its docstring lists what each key is; the versions
and the seed are stored in the file). The second half runs the real scikit-learn at test time:
cross_val_score, clone, GridSearchCV and KFold around neuroscore's estimator and splitters.

Tolerances (STYLE.md item 12), each relative to the scale of the quantity compared:
  float64, TOL64 = 1e-9: sklearn solves (X'X + alpha I) w = X'y by Cholesky, neuroscore by a
    symmetric eigendecomposition of the same Gram matrix; both are backward stable, so each is
    within about cond * eps of the exact answer. cond(X'X + 0.01 I) is stored in the npz
    (gram_condition, 5.7e4; test_golden_provenance keeps it below 1e5), so cond * eps is at
    most 1e5 * 2.2e-16 = 2.2e-11: 1e-9 leaves a factor 45 for the accumulation over 243 rows
    and 30 features. R^2 is compared absolutely (it is unitless, of order 1); coefficients
    relative to the largest |coefficient|, intercepts and predictions relative to max |Y|.
  float32, TOL32 = 1e-5 (about 84 float32 eps): the data are float32-representable, the
    decompositions run in double, and only the products over targets (B'Y, predictions) run in
    float, so errors are float32 roundings accumulated over sums of at most 243 terms (as a
    random walk sqrt(243) * eps32 = 1.9e-6), not amplified by cond. Every
    golden argmax margin (best minus runner-up R^2) exceeds 1e-4, ten times TOL32, so a float32
    rounding cannot move a chosen alpha (asserted).
  float32 fold Pearson r: a prediction stored in float32 carries a rounding of up to
    eps32 * |prediction|; Pearson r of a nearly constant prediction (the SNR-0.01 and pure-noise
    targets at alpha 1e6, whose spread is down to 3e-5 of their level) moves by up to about
    eps32 * max|p| / sd(p), 4.5e-3 at worst here. Rounding
    sklearn's own predictions to float32 moves r by 0.1 of that; the bound is allowed four times.
"""
import os

import numpy as np
import pytest
from sklearn.base import clone, is_regressor
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score

import neuroscore

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden", "sklearn_ridge.npz")
TOL64 = 1e-9
TOL32 = 1e-5
EPS32 = float(np.finfo(np.float32).eps)


@pytest.fixture(scope="module")
def g():
    with np.load(GOLDEN) as f:
        return {k: f[k] for k in f.files}


def fit(g, dtype, y_key="Y", **kwargs):
    X, Y = g["X"].astype(dtype), g[y_key].astype(dtype)
    return neuroscore.RidgeCV(alphas=g["alphas"], cv=int(g["n_folds"]), **kwargs).fit(X, Y)


def tolerance(dtype):
    return TOL64 if dtype == np.float64 else TOL32


def check_fit(est, g, case, dtype):
    """Every fitted attribute of `est` against the golden case `case`."""
    tol = tolerance(dtype)
    y_scale = np.abs(g["Y"]).max()
    assert est.coef_.dtype == dtype and np.asarray(est.predict(g["X"].astype(dtype))).dtype == dtype
    np.testing.assert_array_equal(est.alphas_, np.sort(g["alphas"]))
    np.testing.assert_allclose(est.cv_scores_per_alpha_, g[f"{case}/cv_scores_per_alpha"], rtol=0, atol=tol)
    np.testing.assert_array_equal(est.best_alphas_, g[f"{case}/best_alphas"])
    np.testing.assert_allclose(est.cv_scores_, g[f"{case}/cv_scores"], rtol=0, atol=tol)
    coef = g[f"{case}/coef"]
    assert est.coef_.shape == coef.shape
    np.testing.assert_allclose(est.coef_, coef, rtol=0, atol=tol * np.abs(coef).max())
    np.testing.assert_allclose(est.intercept_, g[f"{case}/intercept"], rtol=0, atol=tol * y_scale)
    np.testing.assert_allclose(est.predict(g["X"].astype(dtype)), g[f"{case}/predictions"], rtol=0,
                               atol=tol * y_scale)


def test_golden_provenance(g):
    """The npz says where it came from, and the assumptions behind the tolerances hold."""
    versions = " ".join(g["versions"])
    assert "sklearn" in versions and "numpy" in versions, versions
    assert int(g["seed"]) >= 0 and str(g["script"]).endswith("make_sklearn_golden.py")
    assert g["gram_condition"] < 1e5  # TOL64's derivation
    for key in ("X", "Y", "y"):  # float32 runs see exactly the data sklearn saw
        np.testing.assert_array_equal(g[key].astype(np.float32).astype(np.float64), g[key])
    for case in ("plain", "shared", "std", "vec", "nested", "nested_shared"):
        assert g[f"{case}/margin"].min() > 10 * TOL32, case  # no tolerance can flip an argmax
    # The golden data exercises what it is meant to: several distinct chosen alphas, a
    # remainder in KFold(5) (243 = 5 * 48 + 3), a shared alpha that differs from some per-target one.
    assert len(np.unique(g["plain/best_alphas"])) >= 3
    assert g["X"].shape[0] % int(g["n_folds"]) != 0
    assert not np.all(g["plain/best_alphas"] == g["shared/best_alphas"])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_per_target_alpha(g, dtype):
    check_fit(fit(g, dtype), g, "plain", dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_shared_alpha_is_sklearn_ridgecv(g, dtype):
    """One alpha by the mean R^2 over targets: sklearn.linear_model.RidgeCV(cv=KFold(5))'s alpha_,
    coef_ and intercept_ (the golden shared/ values are that RidgeCV's)."""
    est = fit(g, dtype, alpha_per_target=False)
    assert len(np.unique(est.best_alphas_)) == 1
    check_fit(est, g, "shared", dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_standardized(g, dtype):
    """standardize=True is Pipeline(StandardScaler(), Ridge) fitted on each training set, with
    coef_ and intercept_ in the units of the unscaled features."""
    check_fit(fit(g, dtype, standardize=True), g, "std", dtype)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vector_target(g, dtype):
    """A 1-D y: coef_ (F,), intercept_ a float, predict() 1-D, as sklearn's Ridge."""
    est = fit(g, dtype, y_key="y")
    tol = tolerance(dtype)
    n, p = g["X"].shape
    assert est.coef_.shape == (p,) and isinstance(est.intercept_, float)
    pred = est.predict(g["X"].astype(dtype))
    assert pred.shape == (n,)
    # The search attributes lose the target axis too: (A,), and floats for the alpha and its score.
    assert est.cv_scores_per_alpha_.shape == (len(g["alphas"]),)
    assert isinstance(est.best_alphas_, float) and isinstance(est.cv_scores_, float)
    np.testing.assert_allclose(est.cv_scores_per_alpha_, g["vec/cv_scores_per_alpha"], rtol=0, atol=tol)
    assert est.best_alphas_ == float(np.ravel(g["vec/best_alphas"])[0])
    assert abs(est.cv_scores_ - float(np.ravel(g["vec/cv_scores"])[0])) <= tol
    y_scale = np.abs(g["y"]).max()
    np.testing.assert_allclose(est.coef_, g["vec/coef"], rtol=0, atol=tol * np.abs(g["vec/coef"]).max())
    assert abs(est.intercept_ - float(g["vec/intercept"])) <= tol * y_scale
    np.testing.assert_allclose(pred, g["vec/predictions"], rtol=0, atol=tol * y_scale)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("case,per_target", [("nested", True), ("nested_shared", False)])
def test_cross_validated_ridge_nested(g, dtype, case, per_target):
    """Outer KFold(5), inner KFold(5) on each outer training set: fold_r, chosen_alpha and
    predictions as the sklearn loop in make_sklearn_golden.nested_case."""
    X, Y = g["X"].astype(dtype), g["Y"].astype(dtype)
    r = neuroscore.cross_validated_ridge(X, Y, cv=int(g["n_folds"]), alphas=g["alphas"],
                                         inner_folds=int(g["n_folds"]), alpha_per_target=per_target)
    expected = g[f"{case}/predictions"]
    assert r.predictions.dtype == dtype and r.predictions.shape == expected.shape
    np.testing.assert_array_equal(r.chosen_alpha, g[f"{case}/chosen_alpha"])
    np.testing.assert_allclose(r.predictions, expected, rtol=0, atol=tolerance(dtype) * np.abs(g["Y"]).max())
    if dtype == np.float64:
        r_tol = TOL64
    else:  # per (fold, target): eps32 * max|p| / sd(p) over the fold's test block, four times
        r_tol = np.empty_like(g[f"{case}/fold_r"])
        for f, (_, test) in enumerate(KFold(int(g["n_folds"])).split(X)):
            p = expected[test]
            r_tol[f] = 4 * EPS32 * np.abs(p).max(axis=0) / p.std(axis=0)
    assert np.all(np.abs(r.fold_r - g[f"{case}/fold_r"]) <= r_tol), np.abs(r.fold_r - g[f"{case}/fold_r"]) / r_tol
    np.testing.assert_allclose(r.mean_r, r.fold_r.mean(axis=0), rtol=0, atol=1e-15)


def test_sklearn_fold_objects_are_accepted(g):
    """cv=KFold(5) (sklearn's splitter) and cv=[(train, test), ...] give the cv=5 fit exactly:
    the folds are the same, so the arithmetic is the same."""
    base = fit(g, np.float64)
    for cv in (KFold(5), list(KFold(5).split(g["X"]))):
        est = neuroscore.RidgeCV(alphas=g["alphas"], cv=cv).fit(g["X"], g["Y"])
        np.testing.assert_array_equal(est.cv_scores_per_alpha_, base.cv_scores_per_alpha_)
        np.testing.assert_array_equal(est.coef_, base.coef_)


# --- scikit-learn at test time --------------------------------------------------------------


@pytest.mark.parametrize("n", [5, 7, 10, 11, 101, 243])
@pytest.mark.parametrize("k", [2, 3, 5])
def test_contiguous_kfold_is_sklearn_kfold(n, k):
    """gap=0: the same folds as sklearn's KFold(k) (not shuffled), the first n % k test blocks
    one sample longer."""
    ours = list(neuroscore.ContiguousKFold(k).split(np.zeros((n, 1))))
    theirs = list(KFold(k).split(np.zeros((n, 1))))
    assert len(ours) == len(theirs) == neuroscore.ContiguousKFold(k).get_n_splits()
    for (tr, te), (tr_s, te_s) in zip(ours, theirs):
        np.testing.assert_array_equal(tr, tr_s)
        np.testing.assert_array_equal(te, te_s)
    sizes = [len(te) for _, te in ours]
    assert sizes == [n // k + 1] * (n % k) + [n // k] * (k - n % k)


def test_contiguous_kfold_gap_purges_neighbours():
    """gap=2: training rows are exactly those more than 2 samples from the test block."""
    n = 243
    for train, test in neuroscore.ContiguousKFold(5, gap=2).split(np.zeros((n, 1))):
        lo, hi = test.min(), test.max()
        np.testing.assert_array_equal(test, np.arange(lo, hi + 1))
        rows = np.arange(n)
        np.testing.assert_array_equal(train, rows[(rows < lo - 2) | (rows > hi + 2)])


def test_cross_val_score_equals_manual_loop(g):
    """sklearn.model_selection.cross_val_score over neuroscore.RidgeCV with a purging splitter is
    the loop fit-on-train / r2_score-on-test over the same folds. Same fits, so the only
    difference is two implementations of the R^2 sum: 1e-12 (unitless)."""
    X, Y = g["X"], g["Y"]
    est = neuroscore.RidgeCV(alphas=g["alphas"], cv=5)
    splitter = neuroscore.ContiguousKFold(5, gap=2)
    scores = cross_val_score(est, X, Y, cv=splitter)
    manual = []
    for train, test in splitter.split(X):
        model = neuroscore.RidgeCV(alphas=g["alphas"], cv=5).fit(X[train], Y[train])
        manual.append(r2_score(Y[test], model.predict(X[test])))
    assert scores.shape == (5,)
    np.testing.assert_allclose(scores, manual, rtol=0, atol=1e-12)
    # The purge changed something: without the gap the scores differ.
    assert not np.allclose(scores, cross_val_score(est, X, Y, cv=neuroscore.ContiguousKFold(5)), rtol=0, atol=1e-9)


def test_score_is_sklearn_r2_score(g):
    est = fit(g, np.float64)
    pred = est.predict(g["X"])
    assert abs(est.score(g["X"], g["Y"]) - r2_score(g["Y"], pred)) <= 1e-12
    vec = fit(g, np.float64, y_key="y")
    assert abs(vec.score(g["X"], g["y"]) - r2_score(g["y"], vec.predict(g["X"]))) <= 1e-12


def test_clone_and_get_params_round_trip(g):
    est = neuroscore.RidgeCV(alphas=(1.0, 10.0, 100.0), cv=neuroscore.ContiguousKFold(4, gap=1),
                             alpha_per_target=False, standardize=True, solver="primal", max_batch_bytes=1 << 20)
    assert is_regressor(est)
    twin = clone(est)
    assert twin is not est and type(twin) is type(est)
    assert twin.get_params(deep=False) == est.get_params(deep=False)
    assert neuroscore.RidgeCV(**est.get_params(deep=False)).get_params(deep=False) == est.get_params(deep=False)
    assert twin.set_params(alpha_per_target=True) is twin and twin.alpha_per_target is True
    assert est.alpha_per_target is False  # the clone is independent
    # A clone of a fitted estimator is unfitted and refits to the same numbers.
    est.fit(g["X"], g["Y"])
    fresh = clone(est)
    assert not hasattr(fresh, "coef_")
    np.testing.assert_array_equal(fresh.fit(g["X"], g["Y"]).coef_, est.coef_)


def test_grid_search_over_alpha_per_target(g):
    """GridSearchCV runs over neuroscore.RidgeCV, scores each setting as the manual loop does,
    and refits the winner on all rows."""
    X, Y = g["X"], g["Y"]
    outer = neuroscore.ContiguousKFold(3, gap=1)
    search = GridSearchCV(neuroscore.RidgeCV(alphas=g["alphas"], cv=4),
                          {"alpha_per_target": [True, False]}, cv=outer).fit(X, Y)
    for i, params in enumerate(search.cv_results_["params"]):
        manual = [neuroscore.RidgeCV(alphas=g["alphas"], cv=4, **params).fit(X[tr], Y[tr]).score(X[te], Y[te])
                  for tr, te in outer.split(X)]
        assert abs(search.cv_results_["mean_test_score"][i] - np.mean(manual)) <= 1e-12
    best = neuroscore.RidgeCV(alphas=g["alphas"], cv=4, **search.best_params_).fit(X, Y)
    np.testing.assert_array_equal(search.best_estimator_.coef_, best.coef_)
    np.testing.assert_array_equal(search.predict(X), best.predict(X))

