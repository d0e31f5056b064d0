"""Bad input gets a ValueError that names the argument, the shape or the value; odd but valid
layouts (non-contiguous, C order, integer dtypes) give the same answers as the plain case."""
import numpy as np
import pytest

import neuroscore as ns

ALPHAS = (0.1, 10.0, 1000.0)


def data(n=120, p=6, t=3):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((n, p))
    return X, X @ rng.standard_normal((p, t)) + rng.standard_normal((n, t))


@pytest.mark.parametrize("dtype", [np.complex128, object, "U3", "datetime64[s]"])
def test_non_real_dtypes_are_refused_by_name(dtype):
    X, Y = data()
    bad = np.zeros(X.shape, dtype=dtype)
    with pytest.raises(ValueError, match=r"X has dtype .*; neuroscore needs real numbers"):
        ns.RidgeCV(alphas=ALPHAS).fit(bad, Y)
    with pytest.raises(ValueError, match=r"Y has dtype"):
        ns.cross_validated_ridge(X, np.zeros(Y.shape, dtype=dtype), alphas=ALPHAS)


def test_integer_and_bool_inputs_are_widened_to_float64():
    X, Y = data()
    Xi = np.round(X * 100).astype(np.int32)
    m_int = ns.RidgeCV(alphas=ALPHAS).fit(Xi, Y)
    m_float = ns.RidgeCV(alphas=ALPHAS).fit(Xi.astype(np.float64), Y)
    assert m_int.coef_.dtype == np.float64
    np.testing.assert_array_equal(m_int.coef_, m_float.coef_)


def test_non_contiguous_and_c_ordered_inputs_give_the_same_fit():
    X, Y = data(p=12)
    base = ns.RidgeCV(alphas=ALPHAS).fit(np.asfortranarray(X[:, ::2]), np.asfortranarray(Y))
    for Xv, Yv in [(X[:, ::2], Y), (np.ascontiguousarray(X[:, ::2]), Y[:, :]),
                   (np.asfortranarray(X)[:, ::2], np.asfortranarray(Y)[::1])]:
        m = ns.RidgeCV(alphas=ALPHAS).fit(Xv, Yv)
        np.testing.assert_array_equal(m.coef_, base.coef_)
    # A reversed (negative-stride) Y: the fit of the reversed rows.
    rev = ns.RidgeCV(alphas=ALPHAS).fit(X[::-1], Y[::-1])
    ref = ns.RidgeCV(alphas=ALPHAS).fit(np.array(X[::-1]), np.array(Y[::-1]))
    np.testing.assert_array_equal(rev.coef_, ref.coef_)


def test_shape_mismatch_names_both_sizes():
    X, Y = data()
    with pytest.raises(ValueError, match=r"fit_ridge: X has 120 samples but Y has 119"):
        ns.RidgeCV(alphas=ALPHAS).fit(X, Y[:-1])
    with pytest.raises(ValueError, match=r"cross_validated_ridge: X has 120 samples but Y has 100"):
        ns.cross_validated_ridge(X, Y[:100], cv=[(np.arange(50), np.arange(50, 100))], alphas=ALPHAS)
    with pytest.raises(ValueError, match=r"X must be 2-D, got shape \(120,\)"):
        ns.RidgeCV(alphas=ALPHAS).fit(X[:, 0], Y)
    with pytest.raises(ValueError, match=r"Y must be 1-D or 2-D, got shape \(120, 3, 1\)"):
        ns.RidgeCV(alphas=ALPHAS).fit(X, Y[:, :, None])
    m = ns.RidgeCV(alphas=ALPHAS).fit(X, Y)
    with pytest.raises(ValueError, match=r"X has 5 features but RidgeCV was fitted with 6"):
        m.predict(X[:, :5])


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_named_by_row_and_column(value):
    X, Y = data()
    Xb = X.copy()
    Xb[17, 4] = value
    with pytest.raises(ValueError, match=r"X has a non-finite value \(.*\) at row 17, column 4"):
        ns.RidgeCV(alphas=ALPHAS).fit(Xb, Y)
    Yb = Y.astype(np.float32)
    Yb[3, 2] = value
    with pytest.raises(ValueError, match=r"Y has a non-finite value \(.*\) at row 3, column 2"):
        ns.RidgeCV(alphas=ALPHAS).fit(X.astype(np.float32), Yb)


def test_bad_options_are_named():
    X, Y = data()
    with pytest.raises(ValueError, match=r"alpha -1.000000 is not a finite non-negative number"):
        ns.RidgeCV(alphas=[1.0, -1.0]).fit(X, Y)
    with pytest.raises(ValueError, match=r"alphas must be a non-empty 1-D sequence"):
        ns.RidgeCV(alphas=[]).fit(X, Y)
    with pytest.raises(ValueError, match=r"solver 'qr' is not one of 'auto', 'primal', 'dual'"):
        ns.RidgeCV(alphas=ALPHAS, solver="qr").fit(X, Y)
    with pytest.raises(ValueError, match=r"n_splits must be a non-negative integer, got -3"):
        ns.RidgeCV(alphas=ALPHAS, cv=ns.ContiguousKFold(-3)).fit(X, Y)
    with pytest.raises(ValueError, match=r"contiguous_kfold: k = 1 < 2"):
        ns.RidgeCV(alphas=ALPHAS, cv=1).fit(X, Y)
    with pytest.raises(ValueError, match=r"gap of 100 samples leaves fold 0 with no training samples"):
        ns.RidgeCV(alphas=ALPHAS, cv=ns.ContiguousKFold(2, gap=100)).fit(X, Y)
    with pytest.raises(ValueError, match=r"GroupKFold.split needs groups"):
        ns.RidgeCV(alphas=ALPHAS, cv=ns.GroupKFold(3)).fit(X, Y)
    with pytest.raises(ValueError, match=r"cv\[0\] train has a negative index -1 at position 0"):
        ns.RidgeCV(alphas=ALPHAS, cv=[(np.array([-1, 2]), np.array([5]))]).fit(X, Y)
    with pytest.raises(ValueError, match=r"cv\[1\] test must be a 1-D array of integer sample indices"):
        ns.RidgeCV(alphas=ALPHAS, cv=[(np.arange(10), np.arange(10, 20)), (np.arange(10), np.array([1.5]))]).fit(X, Y)
    with pytest.raises(ValueError, match=r"fit_ridge: cv fold 0 names sample 500 but there are 120"):
        ns.RidgeCV(alphas=ALPHAS, cv=[(np.arange(10), np.array([500]))]).fit(X, Y)
    with pytest.raises(ValueError, match=r"not fitted yet"):
        ns.RidgeCV().predict(X)
    with pytest.raises(ValueError, match=r"RidgeCV has no parameter 'alpha'"):
        ns.RidgeCV().set_params(alpha=3)


def test_banded_ridge_cv_errors():
    X, Y = data()
    with pytest.raises(ValueError, match=r"BandedRidgeCV needs groups"):
        ns.BandedRidgeCV().fit(X, Y)
    with pytest.raises(ValueError, match=r"groups has 4 labels for 6 feature columns of X"):
        ns.BandedRidgeCV(groups=[0, 0, 1, 1]).fit(X, Y)
    with pytest.raises(ValueError, match=r"groups must be a 1-D sequence of integer band labels"):
        ns.BandedRidgeCV(groups=[0.5] * 6).fit(X, Y)
    with pytest.raises(ValueError, match=r"n_candidates must be a positive integer"):
        ns.BandedRidgeCV(groups=[0] * 6, n_candidates=0).fit(X, Y)
    with pytest.raises(ValueError, match=r"seed -1 is outside \[0, 2\*\*64\)"):
        ns.BandedRidgeCV(groups=[0] * 6, seed=-1).fit(X, Y)
    with pytest.raises(ValueError, match=r"fit_banded_ridge: concentration must be > 0"):
        ns.BandedRidgeCV(groups=[0] * 6, concentrations=(0.0,)).fit(X, Y)


def test_group_splitters_follow_the_labels():
    X, _ = data(n=12)
    groups = np.repeat([7, 3, 5, 9], 3)
    folds = list(ns.GroupKFold(2).split(X, groups=groups))
    np.testing.assert_array_equal(folds[0][1], np.arange(6))  # first stretch of groups: 7, 3
    np.testing.assert_array_equal(folds[1][1], np.arange(6, 12))
    logo = list(ns.LeaveOneGroupOut(gap=1).split(X, groups=groups))
    assert len(logo) == 4 == ns.LeaveOneGroupOut().get_n_splits(groups=groups)
    np.testing.assert_array_equal(logo[1][1], [3, 4, 5])
    np.testing.assert_array_equal(logo[1][0], [0, 1, 7, 8, 9, 10, 11])  # rows 2 and 6 purged
    for train, test in logo:
        assert train.dtype == np.int64 and test.dtype == np.int64
    with pytest.raises(ValueError, match=r"groups has shape \(11,\) for 12 samples"):
        list(ns.GroupKFold(2).split(X, groups=groups[:-1]))
