"""RidgeCV, BandedRidgeCV and cross_validated_ridge from Python: against closed forms, against the
same C++ functions run by a C++ program (bit for bit), zero copies, the GIL, float32."""
import inspect
import os
import subprocess
import threading
import time

import numpy as np
import pytest

import neuroscore as ns

ALPHAS = (0.1, 1.0, 10.0, 100.0, 1000.0)


def data(n=200, p=12, t=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) @ (np.eye(p) + 0.3 * rng.standard_normal((p, p)))
    W = rng.standard_normal((p, t)) * np.linspace(0.05, 1.0, t)
    Y = X @ W + rng.standard_normal((n, t)) * 2.0 + 5.0
    return X, Y


def textbook_ridge(X, y, alpha):
    """(Xc'Xc + alpha I)^-1 Xc'yc and the intercept, by a direct solve."""
    xm, ym = X.mean(axis=0), y.mean(axis=0)
    Xc = X - xm
    w = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ (y - ym))
    return w, ym - xm @ w


def fold_r2(X, y, train, test, alpha):
    w, b = textbook_ridge(X[train], y[train], alpha)
    pred = X[test] @ w + b
    return 1 - ((y[test] - pred) ** 2).sum() / ((y[test] - y[test].mean()) ** 2).sum()


def test_default_alpha_grids_are_the_cpp_constants():
    """DEFAULT_ALPHAS and BandedRidgeCV's default come from neuroscore/alphas.hpp (kDefaultAlphas,
    kBandedAlphas) through the module; their values and order as they were written in Python."""
    from neuroscore import _estimators
    assert _estimators.DEFAULT_ALPHAS == (0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0)
    assert _estimators.BANDED_ALPHAS == (0.01, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5)
    assert ns.RidgeCV().alphas == _estimators.DEFAULT_ALPHAS
    assert ns.BandedRidgeCV().alphas == _estimators.BANDED_ALPHAS
    assert inspect.signature(ns.cross_validated_ridge).parameters["alphas"].default == _estimators.DEFAULT_ALPHAS


def test_ridgecv_against_the_textbook_solve():
    # 1e-9: double solves of 12-column systems with condition number ~1e2, by an eigendecomposition
    # (neuroscore) and by LU (numpy).
    X, Y = data()
    cv = ns.ContiguousKFold(5, gap=2)
    m = ns.RidgeCV(alphas=ALPHAS[::-1], cv=cv).fit(X, Y)
    np.testing.assert_array_equal(m.alphas_, ALPHAS)
    folds = list(cv.split(X))
    for j in range(Y.shape[1]):
        table = [np.mean([fold_r2(X, Y[:, j], tr, te, a) for tr, te in folds]) for a in ALPHAS]
        np.testing.assert_allclose(m.cv_scores_per_alpha_[:, j], table, rtol=0, atol=1e-9)
        best = max(range(len(ALPHAS)), key=lambda a: (table[a], a))  # ties to the larger alpha
        assert m.best_alphas_[j] == ALPHAS[best]
        assert m.cv_scores_[j] == m.cv_scores_per_alpha_[best, j]
        w, b = textbook_ridge(X, Y[:, j], ALPHAS[best])
        np.testing.assert_allclose(m.coef_[:, j], w, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(m.intercept_[j], b, rtol=1e-9)
    np.testing.assert_allclose(m.predict(X), X @ m.coef_ + m.intercept_, rtol=1e-12)
    # The weakest target (signal 0.05) wants more shrinkage than the strongest.
    assert m.best_alphas_[0] > m.best_alphas_[-1]


def test_one_dimensional_y_and_one_alpha():
    X, Y = data(t=1)
    m = ns.RidgeCV(alphas=ALPHAS).fit(X, Y[:, 0])
    assert m.coef_.shape == (12,) and isinstance(m.intercept_, float)
    assert m.predict(X).shape == (200,)
    full = ns.RidgeCV(alphas=ALPHAS).fit(X, Y)
    np.testing.assert_array_equal(m.coef_, full.coef_[:, 0])
    single = ns.RidgeCV(alphas=[10.0]).fit(X, Y)
    assert single.cv_scores_ is None and single.cv_scores_per_alpha_ is None
    np.testing.assert_allclose(single.coef_[:, 0], textbook_ridge(X, Y[:, 0], 10.0)[0], rtol=1e-9)


def test_shared_alpha_and_score():
    X, Y = data()
    m = ns.RidgeCV(alphas=ALPHAS, alpha_per_target=False).fit(X, Y)
    assert len(set(m.best_alphas_)) == 1
    assert m.best_alphas_[0] == ALPHAS[int(np.argmax(m.cv_scores_per_alpha_.mean(axis=1)))]
    pred = m.predict(X)
    r2 = 1 - ((Y - pred) ** 2).sum(0) / ((Y - Y.mean(0)) ** 2).sum(0)
    assert m.score(X, Y) == pytest.approx(r2.mean(), abs=1e-12)


def run_cpp_reference(tmp_path, X, Y):
    exe = os.path.join(os.environ["TEST_SRCDIR"], os.environ["TEST_WORKSPACE"], "python", "cpp_reference")
    np.save(tmp_path / "X.npy", X)
    np.save(tmp_path / "Y.npy", Y)
    subprocess.run([exe, str(tmp_path)], check=True)
    return lambda name: np.load(tmp_path / f"{name}.npy")


def test_bit_for_bit_equal_to_the_cpp_functions(tmp_path):
    # The same C++ code on the same numbers: nothing may differ, not even the last bit (a layout
    # or dtype slip in the bindings would show here first).
    X, Y = data(n=150, p=9, t=4, seed=3)
    cpp = run_cpp_reference(tmp_path, X, Y)
    m = ns.RidgeCV(alphas=ALPHAS, cv=ns.ContiguousKFold(5, gap=2)).fit(X, Y)
    np.testing.assert_array_equal(m.coef_, cpp("fit_coef"))
    np.testing.assert_array_equal(m.intercept_, cpp("fit_intercept").ravel())
    np.testing.assert_array_equal(m.best_alphas_, cpp("fit_best_alpha").ravel())
    np.testing.assert_array_equal(m.cv_scores_per_alpha_, cpp("fit_cv_r2"))
    r = ns.cross_validated_ridge(X, Y, cv=3, alphas=ALPHAS, inner_folds=4, inner_gap=1)
    np.testing.assert_array_equal(r.fold_r, cpp("nested_fold_r"))
    np.testing.assert_array_equal(r.chosen_alpha, cpp("nested_chosen_alpha"))
    np.testing.assert_array_equal(r.predictions, cpp("nested_predictions"))
    b = ns.BandedRidgeCV(groups=[0] * 4 + [1] * 5, alphas=(0.1, 10.0, 1000.0), n_candidates=4, seed=7).fit(X, Y)
    np.testing.assert_array_equal(b.coef_, cpp("banded_coef"))
    np.testing.assert_array_equal(b.band_weights_, cpp("banded_band_weights"))
    np.testing.assert_array_equal(b.best_alphas_, cpp("banded_best_alpha").ravel())


def test_cross_validated_ridge_result():
    X, Y = data(n=240)
    r = ns.cross_validated_ridge(X, Y, cv=ns.ContiguousKFold(4, gap=3), alphas=ALPHAS, inner_gap=2)
    assert isinstance(r, ns.CrossValidatedRidge)
    np.testing.assert_allclose(r.mean_r, r.fold_r.mean(axis=0), rtol=1e-15)
    for f, (train, test) in enumerate(ns.ContiguousKFold(4, gap=3).split(X)):
        for j in range(Y.shape[1]):
            np.testing.assert_allclose(r.fold_r[f, j], np.corrcoef(Y[test, j], r.predictions[test, j])[0, 1],
                                       atol=1e-12)
    with pytest.raises(dataclasses_error()):
        r.mean_r = None  # results are frozen


def dataclasses_error():
    import dataclasses
    return dataclasses.FrozenInstanceError


def test_banded_ridge_cv():
    rng = np.random.default_rng(4)
    n = 240
    A = rng.standard_normal((n, 4))
    B = rng.standard_normal((n, 10)) * 30.0  # a loud band with no signal
    Y = A @ rng.standard_normal((4, 3)) + rng.standard_normal((n, 3))
    # Columns interleaved: labels name the bands, coef_ comes back in X's column order.
    order = rng.permutation(14)
    X = np.hstack([A, B])[:, order]
    groups = np.array([0] * 4 + [1] * 10)[order]
    m = ns.BandedRidgeCV(groups=groups, alphas=(0.1, 1.0, 10.0, 100.0, 1e3), n_candidates=8, seed=1).fit(X, Y)
    assert m.band_labels_ == [0, 1]
    assert (m.band_weights_[0] > 0.5).all()  # the signal band gets the weight
    np.testing.assert_allclose(m.band_weights_.sum(axis=0), 1.0, atol=1e-12)
    # The coefficients solve the scaled ridge of the chosen weights (1e-8 relative).
    for j in range(3):
        s = np.sqrt(m.band_weights_[groups, j])
        w, _ = textbook_ridge(X * s, Y[:, j], m.best_alphas_[j])
        np.testing.assert_allclose(m.coef_[:, j], s * w, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(m.predict(X), X @ m.coef_ + m.intercept_, rtol=1e-12)
    # One band, one candidate: RidgeCV.
    one = ns.BandedRidgeCV(groups=[0] * 4, alphas=ALPHAS, n_candidates=1).fit(A, Y)
    plain = ns.RidgeCV(alphas=ALPHAS).fit(A, Y)
    np.testing.assert_array_equal(one.best_alphas_, plain.best_alphas_)
    np.testing.assert_allclose(one.coef_, plain.coef_, rtol=1e-8)


def test_float32_fits_in_single_precision():
    X, Y = data(n=300, p=20, t=6, seed=5)
    m64 = ns.RidgeCV(alphas=ALPHAS).fit(X, Y)
    m32 = ns.RidgeCV(alphas=ALPHAS).fit(X.astype(np.float32), Y.astype(np.float32))
    assert m32.coef_.dtype == np.float32 and m32.predict(X.astype(np.float32)).dtype == np.float32
    # Single precision: products over targets in float (eps 6e-8) on ~300-term sums.
    np.testing.assert_allclose(m32.coef_, m64.coef_, rtol=0, atol=1e-4 * np.abs(m64.coef_).max())
    np.testing.assert_allclose(m32.cv_scores_per_alpha_, m64.cv_scores_per_alpha_, atol=1e-4)
    # Mixed float32 X with float64 Y runs in double.
    mixed = ns.RidgeCV(alphas=ALPHAS).fit(X.astype(np.float32), Y)
    assert mixed.coef_.dtype == np.float64


def test_fortran_ordered_inputs_are_not_copied():
    X, Y = data()
    Xf, Yf = np.asfortranarray(X), np.asfortranarray(Y)
    before = ns.input_copies()
    ns.RidgeCV(alphas=ALPHAS).fit(Xf, Yf)
    ns.cross_validated_ridge(Xf, Yf, alphas=ALPHAS)
    assert ns.input_copies() == before
    ns.RidgeCV(alphas=ALPHAS).fit(X, Y)  # C order: one copy each of X and Y
    assert ns.input_copies() == before + 2
    ns.RidgeCV(alphas=ALPHAS).fit(Xf[:, ::2], Yf)  # a strided view: X copied
    assert ns.input_copies() == before + 3


def longest_pause_while(work):
    """Runs work() in a thread; returns (work's seconds, the longest pause of this thread's loop)."""
    done = threading.Event()
    timing = {}

    def run():
        t0 = time.perf_counter()
        work()
        timing["work"] = time.perf_counter() - t0
        done.set()

    thread = threading.Thread(target=run)
    last = time.perf_counter()
    longest = 0.0
    thread.start()
    while not done.is_set():
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
    thread.join()
    return timing["work"], longest


def test_fit_releases_the_gil():
    # While a fit runs in another thread, this thread keeps executing Python: its loop never pauses
    # for long. Were the GIL held through the C++ call, the loop would stop for the whole call (most
    # of the fit's time). With it released, the pauses are the interpreter's switch interval (5 ms)
    # and the OS scheduler's, on 2 cores shared with OpenBLAS.
    X, Y = data(n=2000, p=300, t=1500, seed=6)
    X, Y = np.asfortranarray(X), np.asfortranarray(Y)
    seconds, pause = longest_pause_while(lambda: ns.RidgeCV(alphas=np.logspace(-2, 4, 13)).fit(X, Y))
    assert seconds > 0.3, f"the fit took {seconds:.3f} s, too short to tell"
    assert pause < 0.25 * seconds, f"this thread stopped for {pause:.3f} s of a {seconds:.3f} s fit"
