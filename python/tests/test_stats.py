"""Statistics bindings (neuroscore/_stats.py) against independent references:

- numpy / scipy / scikit-learn re-implementations of every statistic (np.corrcoef, a numpy
  Benjamini-Hochberg/Yekutieli, scipy.stats.norm for BCa, sklearn Ridge for the refit null);
- the exact null and bootstrap draws, rebuilt from the seed by a pure-Python std::mt19937_64
  (itself checked against the C++ standard's reference value), so the tests see which
  permutation, shift or resample each null value belongs to;
- closed forms (the bootstrap sd of a mean, a hand-worked BH example) and exact symmetries;
- calibration under a true null, with a binomial flake budget;
- the error policy (ValueError naming the problem) and the GIL release.
Sizes are small: the whole file runs in a few seconds in a fastbuild.
"""
import math
import threading
import time

import numpy as np
import pytest
import scipy.stats
from sklearn.linear_model import Ridge

import neuroscore as ns

# ---- An independent std::mt19937_64 and neuroscore's raw-draw helpers (split.hpp) ----

_MASK = (1 << 64) - 1


class Mt19937_64:
    """std::mt19937_64 (C++11 [rand.predef]: w=64, n=312, m=156, r=31, a=0xB5026F5AA96619E9,
    u=29, d=0x5555555555555555, s=17, b=0x71D67FFFEDA60000, t=37, c=0xFFF7EEE000000000, l=43,
    f=6364136223846793005), in pure Python."""

    def __init__(self, seed):
        self.mt = [seed & _MASK]
        for i in range(1, 312):
            prev = self.mt[-1]
            self.mt.append((6364136223846793005 * (prev ^ (prev >> 62)) + i) & _MASK)
        self.index = 312

    def _twist(self):
        mt = self.mt
        for i in range(312):
            x = (mt[i] & 0xFFFFFFFF80000000) | (mt[(i + 1) % 312] & 0x7FFFFFFF)
            xa = x >> 1
            if x & 1:
                xa ^= 0xB5026F5AA96619E9
            mt[i] = mt[(i + 156) % 312] ^ xa
        self.index = 0

    def __call__(self):
        if self.index >= 312:
            self._twist()
        y = self.mt[self.index]
        self.index += 1
        y ^= (y >> 29) & 0x5555555555555555
        y ^= (y << 17) & 0x71D67FFFEDA60000
        y ^= (y << 37) & 0xFFF7EEE000000000
        y ^= y >> 43
        return y & _MASK


def uniform_below(rng, bound):
    """detail::uniform_below: raw draws, rejection below 2^64 mod bound."""
    threshold = ((1 << 64) - bound) % bound
    while True:
        r = rng()
        if r >= threshold:
            return r % bound


def shuffle_indices(v, rng):
    """detail::shuffle_indices: Fisher-Yates from the back."""
    for i in range(len(v), 1, -1):
        j = uniform_below(rng, i)
        v[i - 1], v[j] = v[j], v[i - 1]


def block_permutations(n, block, draws, seed):
    """null.hpp block_permutation, `draws` times from one generator: entry i is the sample whose
    target goes to position i; full blocks shuffled, the n % block tail in place."""
    rng = Mt19937_64(seed)
    m = n // block
    out = []
    for _ in range(draws):
        order = list(range(m))
        shuffle_indices(order, rng)
        perm = np.arange(n)
        for a in range(m):
            perm[a * block:(a + 1) * block] = order[a] * block + np.arange(block)
        out.append(perm)
    return out


def corr(a, b):
    return np.corrcoef(a, b)[0, 1]


def t_of(v, tail):
    return {"greater": v, "less": -v, "two_sided": np.abs(v)}[tail]


def test_reference_mt19937_64_matches_the_cpp_standard():
    # [rand.predef]/6: the 10000th consecutive output of a default-constructed mt19937_64
    # (seed 5489) is 9981545732273789042.
    rng = Mt19937_64(5489)
    for _ in range(9999):
        rng()
    assert rng() == 9981545732273789042


# ---- pearson_r ----

def test_pearson_r_matches_numpy_corrcoef():
    rng = np.random.default_rng(1)
    y = rng.standard_normal((50, 6))
    p = 0.3 * y + rng.standard_normal((50, 6)) + 5.0
    s = ns.pearson_r(y, p)
    want = [corr(y[:, j], p[:, j]) for j in range(6)]
    # 1e-12: two summation orders of 50 products of O(1) numbers.
    np.testing.assert_allclose(s.value, want, rtol=0, atol=1e-12)
    assert s.degenerate.dtype == bool and not s.degenerate.any() and s.degenerate_count == 0
    one = ns.pearson_r(y[:, 2], p[:, 2])
    assert one.value.shape == (1,) and one.value[0] == pytest.approx(want[2], abs=1e-12)
    # C-ordered, Fortran-ordered, integer and float32 inputs give the same r.
    np.testing.assert_allclose(ns.pearson_r(np.asfortranarray(y), p.astype(np.float32)).value,
                               [corr(y[:, j], p.astype(np.float32)[:, j].astype(float)) for j in range(6)],
                               atol=1e-12)


def test_pearson_r_constant_column_is_degenerate_zero_not_nan():
    rng = np.random.default_rng(2)
    y = rng.standard_normal((30, 3))
    p = rng.standard_normal((30, 3))
    y[:, 1] = 4.0
    p[:, 2] = -1.5
    s = ns.pearson_r(y, p)
    assert s.degenerate.tolist() == [False, True, True]
    assert s.value[1] == 0.0 and s.value[2] == 0.0
    assert s.value[0] == pytest.approx(corr(y[:, 0], p[:, 0]), abs=1e-12)


# ---- Permutation nulls: the exact null, rebuilt from the seed ----

@pytest.mark.parametrize("kernel", ["auto", "block_gemm", "direct"])
def test_block_permutation_null_is_the_seeded_block_shuffles(kernel):
    # n = 103 with blocks of 10: 10 full blocks shuffled, the last 3 samples fixed.
    rng = np.random.default_rng(3)
    n, t, draws, block, seed = 103, 4, 30, 10, 12345
    y = rng.standard_normal((n, t))
    p = rng.standard_normal((n, t))
    res = ns.block_permutation_test(y, p, block=block, permutations=draws, seed=seed, kernel=kernel)
    perms = block_permutations(n, block, draws, seed)
    assert all((perm[100:] == [100, 101, 102]).all() for perm in perms)
    want = np.array([[corr(y[perm, j], p[:, j]) for j in range(t)] for perm in perms])
    # 1e-12: r from z-scores (or block cross-products) vs corrcoef, sums of 103 O(1) terms.
    np.testing.assert_allclose(res.null, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.observed, [corr(y[:, j], p[:, j]) for j in range(t)], atol=1e-12)
    assert (res.method, res.block, res.seed, res.permutations, res.exhaustive) == (
        "block_permutation", block, seed, draws, False)


def test_circular_shift_null_is_the_seeded_shifts():
    rng = np.random.default_rng(4)
    n, t, draws, lo, seed = 60, 3, 25, 7, 99
    y = rng.standard_normal((n, t))
    p = rng.standard_normal((n, t))
    res = ns.circular_shift_test(y, p, min_shift=lo, permutations=draws, seed=seed)
    gen = Mt19937_64(seed)
    shifts = [lo + uniform_below(gen, n - 2 * lo + 1) for _ in range(draws)]
    want = np.array([[corr(np.roll(y[:, j], -s), p[:, j]) for j in range(t)] for s in shifts])
    np.testing.assert_allclose(res.null, want, rtol=0, atol=1e-12)
    assert not res.exhaustive and res.method == "circular_shift" and res.block == lo


def test_circular_shift_enumerates_every_shift_once_when_asked_for_as_many():
    rng = np.random.default_rng(5)
    n, lo = 40, 5
    y = rng.standard_normal((n, 2))
    p = rng.standard_normal((n, 2))
    res = ns.circular_shift_test(y, p, min_shift=lo, permutations=10_000, seed=1)
    assert res.exhaustive and res.permutations == n - 2 * lo + 1 == res.null.shape[0]
    want = np.array([[corr(np.roll(y[:, j], -s), p[:, j]) for j in range(2)] for s in range(lo, n - lo + 1)])
    np.testing.assert_allclose(res.null, want, rtol=0, atol=1e-12)
    # The seed does not matter for an exhaustive test.
    np.testing.assert_array_equal(res.null, ns.circular_shift_test(y, p, min_shift=lo, permutations=10_000,
                                                                     seed=2).null)


@pytest.mark.parametrize("tail", ["greater", "less", "two_sided"])
@pytest.mark.parametrize("which", ["block", "circular"])
def test_p_values_recomputed_from_the_returned_null(tail, which):
    rng = np.random.default_rng(6)
    n, t = 80, 7
    y = rng.standard_normal((n, t))
    p = rng.standard_normal((n, t)) + 0.3 * np.linspace(-1, 1, t) * y  # r from negative to positive
    if which == "block":
        res = ns.block_permutation_test(y, p, block=8, permutations=99, seed=3, tail=tail)
    else:
        res = ns.circular_shift_test(y, p, min_shift=8, permutations=40, seed=3, tail=tail)
    big_n = res.permutations
    tn = t_of(res.null, tail)
    to = t_of(res.observed, tail)
    # Phipson & Smyth: (1 + #{t(null) >= t(observed)}) / (1 + N).
    np.testing.assert_array_equal(res.p_value, (1 + (tn >= to).sum(axis=0)) / (1 + big_n))
    # maxT: the max over targets per draw, then the same count against it.
    np.testing.assert_array_equal(res.null_max, tn.max(axis=1))
    np.testing.assert_array_equal(res.p_fwe, (1 + (res.null_max[:, None] >= to).sum(axis=0)) / (1 + big_n))
    assert (res.p_fwe >= res.p_value).all() and (res.p_value >= 1 / (1 + big_n)).all()
    assert res.tail == tail
    np.testing.assert_array_equal(res.rejected_fwe(0.05), res.p_fwe <= 0.05)


def test_a_real_correlation_gets_the_smallest_p_and_keep_null_false_changes_nothing_else():
    rng = np.random.default_rng(7)
    y = rng.standard_normal((100, 3))
    p = y + 0.5 * rng.standard_normal((100, 3))
    full = ns.block_permutation_test(y, p, block=10, permutations=199, seed=4)
    np.testing.assert_array_equal(full.p_value, 1 / 200)
    np.testing.assert_array_equal(full.p_fwe, 1 / 200)
    lean = ns.block_permutation_test(y, p, block=10, permutations=199, seed=4, keep_null=False)
    assert lean.null.shape == (0, 3)
    np.testing.assert_array_equal(lean.p_value, full.p_value)
    np.testing.assert_array_equal(lean.null_max, full.null_max)


def test_same_seed_same_null_other_seed_other_null():
    rng = np.random.default_rng(8)
    y = rng.standard_normal((90, 2))
    p = rng.standard_normal((90, 2))
    for test, size in ((ns.block_permutation_test, {"block": 9}), (ns.circular_shift_test, {"min_shift": 9})):
        a = test(y, p, permutations=50, seed=2024, **size)
        b = test(y, p, permutations=50, seed=2024, **size)
        c = test(y, p, permutations=50, seed=2025, **size)
        np.testing.assert_array_equal(a.null, b.null)
        np.testing.assert_array_equal(a.p_value, b.p_value)
        assert a.seed == 2024 and c.seed == 2025
        assert not np.array_equal(a.null, c.null)


# Flake budget (STYLE.md 14). Under a true null (independent white-noise series) each target's
# permutation p is uniform on {1, ..., N+1}/(N+1), so with N = 199 and 400 independent targets
# #{p <= level} ~ Binomial(400, level) for level in {0.05, 0.25, 0.5} (10, 50, 100 of the 200 grid
# points). The accepted range is the central binomial interval with 1e-4 in each tail, so a
# correctly calibrated test fails one level with probability < 6e-4 whatever the seed; the
# seed is fixed, so the test is deterministic. (The targets share the N draws, but their data
# are independent, so given the draws the p-values are independent.)
@pytest.mark.parametrize("which", ["block", "circular"])
def test_null_p_values_are_uniform(which):
    rng = np.random.default_rng(9)
    n, t, big_n = 120, 400, 199
    y = rng.standard_normal((n, t))
    p = rng.standard_normal((n, t))
    if which == "block":
        res = ns.block_permutation_test(y, p, block=6, permutations=big_n, seed=11)
    else:
        res = ns.circular_shift_test(y, p, min_shift=6, permutations=big_n, seed=11)
    for level in (0.05, 0.25, 0.5):
        lo, hi = scipy.stats.binom.ppf([1e-4, 1 - 1e-4], t, level)
        count = int((res.p_value <= level + 1e-12).sum())
        assert lo <= count <= hi, f"{count} of {t} null p-values <= {level}, expected {lo:.0f}..{hi:.0f}"
    # And family-wise: the smallest p_fwe over 400 null targets is not small.
    assert res.p_fwe.min() > 0.01


# ---- The refit null ----

def _ridge_problem():
    rng = np.random.default_rng(10)
    n, f, t = 96, 4, 3
    X = rng.standard_normal((n, f))
    Y = X @ rng.standard_normal((f, t)) * np.array([1.0, 0.3, 0.0]) + rng.standard_normal((n, t))
    return X, Y


def test_refit_null_test_against_sklearn_ridge_refits():
    X, Y = _ridge_problem()
    fit = ns.cross_validated_ridge(X, Y, cv=4, alphas=[0.1, 10.0, 1000.0], inner_folds=3)
    res = ns.refit_null_test(X, Y, 4, fit, block=8, permutations=6, seed=5)
    # The observed statistic is the real fit's mean over folds of per-fold r (ridge by SVD here,
    # by eigendecomposition there: 1e-9 of rounding).
    np.testing.assert_allclose(res.observed, fit.mean_r, rtol=0, atol=1e-9)
    assert res.method == "refit_block_permutation" and res.permutations == 6 and res.null.shape == (6, 3)
    # Every null value: block-permute the whole series once, refit each fold with its chosen
    # alpha (sklearn's Ridge: ||y - Xw - b||^2 + alpha ||w||^2), mean of per-fold test r.
    folds = list(ns.ContiguousKFold(4).split(X))
    for b, perm in enumerate(block_permutations(len(Y), 8, 6, seed=5)):
        Yp = Y[perm]
        for j in range(3):
            rs = []
            for f, (train, test) in enumerate(folds):
                model = Ridge(alpha=fit.chosen_alpha[f, j]).fit(X[train], Yp[train, j])
                rs.append(corr(model.predict(X[test]), Yp[test, j]))
            assert res.null[b, j] == pytest.approx(np.mean(rs), abs=1e-9)
    # The alphas as an array give the same test as the result object.
    same = ns.refit_null_test(X, Y, ns.ContiguousKFold(4), fit.chosen_alpha, block=8, permutations=6, seed=5)
    np.testing.assert_array_equal(same.null, res.null)
    np.testing.assert_array_equal(same.p_value, (1 + (res.null >= res.observed).sum(axis=0)) / 7)


@pytest.mark.parametrize("standardize", [False, True])
def test_refit_null_observed_is_the_cv_score_with_degenerate_columns(standardize):
    # A constant, a near-constant (~1e-40, as OASM controls make) and a duplicated column:
    # cross_validated_ridge drops the first two on every training set; the refit null must refit
    # the same model, so its observed statistic is the CV score (to 1e-10: same factorization).
    rng = np.random.default_rng(27)
    n = 160
    X = np.empty((n, 7))
    X[:, :4] = rng.standard_normal((n, 4))
    X[:, 4] = 2.5
    X[:, 5] = 1e-40 * rng.standard_normal(n)
    X[:, 6] = X[:, 0]
    W = rng.standard_normal((7, 5))
    W[5] *= 1e40
    Y = X @ W + 2.0 * rng.standard_normal((n, 5))
    fit = ns.cross_validated_ridge(X, Y, cv=ns.ContiguousKFold(4, gap=3), alphas=[0.01, 1.0, 100.0],
                                   inner_folds=3, standardize=standardize)
    res = ns.refit_null_test(X, Y, ns.ContiguousKFold(4, gap=3), fit, standardize=standardize, block=10,
                             permutations=10, seed=3)
    np.testing.assert_allclose(res.observed, fit.mean_r, rtol=0, atol=1e-10)


def test_refit_null_runs_float32_as_the_float32_fit_and_takes_its_solver():
    # float32 X and Y: the refit null runs the float path, as cross_validated_ridge did for the fit,
    # so its observed statistic is that fit's mean_r (1e-5 relative: products in float32).
    rng = np.random.default_rng(28)
    n = 120
    X = rng.standard_normal((n, 30)).astype(np.float32)
    X[:, 7] = 1e-30 * rng.standard_normal(n)  # near-constant, within float32's range
    Y = (X[:, :5] @ rng.standard_normal((5, 4)) + rng.standard_normal((n, 4))).astype(np.float32)
    for solver in ("auto", "primal", "dual"):
        fit = ns.cross_validated_ridge(X, Y, cv=4, alphas=[0.1, 10.0, 1000.0], inner_folds=3, standardize=True,
                                       solver=solver)
        res = ns.refit_null_test(X, Y, 4, fit, standardize=True, solver=solver, block=10, permutations=5, seed=1)
        np.testing.assert_allclose(res.observed, fit.mean_r, rtol=1e-5, atol=0)
    with pytest.raises(ValueError, match="solver 'svd' is not one of"):
        ns.refit_null_test(X, Y, 4, fit, solver="svd", permutations=2)


def test_refit_null_test_rejects_alphas_that_do_not_fit():
    X, Y = _ridge_problem()
    with pytest.raises(ValueError, match=r"chosen_alpha is 3 x 3 but there are 4 x 3"):
        ns.refit_null_test(X, Y, 4, np.ones((3, 3)), permutations=2)
    bad = np.ones((4, 3))
    bad[2, 1] = -1.0
    with pytest.raises(ValueError, match=r"chosen_alpha -1.0+ at fold 2, target 1 is not a finite non-negative"):
        ns.refit_null_test(X, Y, 4, bad, permutations=2)
    with pytest.raises(ValueError, match="0 permutations"):
        ns.refit_null_test(X, Y, 4, np.ones((4, 3)), permutations=0)


# ---- FDR ----

def reference_q(p, method):
    """Benjamini-Hochberg (1995) / Benjamini-Yekutieli (2001) adjusted p, written independently:
    q_(k) = min(1, min_{i >= k} c m p_(i) / i)."""
    p = np.asarray(p, dtype=float)
    m = len(p)
    c = 1.0 if method == "bh" else np.sum(1.0 / np.arange(1, m + 1))
    order = np.argsort(p, kind="stable")
    scaled = c * m * p[order] / np.arange(1, m + 1)
    q_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    q = np.empty(m)
    q[order] = q_sorted
    return q


def test_fdr_hand_worked_example():
    # p = .01 .04 .03 .5; sorted .01 .03 .04 .5; 4p/i = .04 .06 .0533 .5; running min from the top.
    r = ns.fdr([0.01, 0.04, 0.03, 0.5])
    np.testing.assert_allclose(r.q_value, [0.04, 0.16 / 3, 0.16 / 3, 0.5], rtol=1e-15)
    assert r.method == "bh"
    assert r.rejected_at(0.05).tolist() == [True, False, False, False]
    assert r.rejected_at(0.06).sum() == 3


@pytest.mark.parametrize("method", ["bh", "by"])
def test_fdr_matches_independent_numpy_and_the_step_up_rule(method):
    rng = np.random.default_rng(12)
    p = np.concatenate([rng.uniform(size=60), rng.uniform(0, 0.01, size=20), [0.0, 1.0, 0.02, 0.02, 0.02]])
    rng.shuffle(p)
    r = ns.fdr(p, method=method)
    np.testing.assert_allclose(r.q_value, reference_q(p, method), rtol=1e-14, atol=0)
    assert r.method == method
    # Rejecting q <= level is the step-up procedure: the k smallest p with
    # k = max{i : p_(i) <= i level / (c m)}.
    m = len(p)
    c = 1.0 if method == "bh" else np.sum(1.0 / np.arange(1, m + 1))
    for level in (0.01, 0.05, 0.2):
        ps = np.sort(p)
        ok = np.nonzero(ps <= np.arange(1, m + 1) * level / (c * m))[0]
        k = 0 if ok.size == 0 else ok[-1] + 1
        assert r.rejected_at(level).sum() == k
        assert set(np.nonzero(r.rejected_at(level))[0]) == set(np.argsort(p, kind="stable")[:k])


def test_permutation_test_fdr_is_fdr_of_its_p_values():
    rng = np.random.default_rng(13)
    y = rng.standard_normal((60, 5))
    res = ns.block_permutation_test(y, y + rng.standard_normal((60, 5)) * [0.5, 1, 3, 10, 30], block=6,
                                    permutations=99)
    np.testing.assert_array_equal(res.fdr("by").q_value, ns.fdr(res.p_value, "by").q_value)


# ---- Bootstrap ----

def resampled_indices(units, resamples, seed):
    """draw_resample (bootstrap.hpp): per resample, K draws of a unit index, members concatenated."""
    rng = Mt19937_64(seed)
    k = len(units)
    return [np.concatenate([units[uniform_below(rng, k)] for _ in range(k)]) for _ in range(resamples)]


def reference_bca(theta, dist, jack, confidence):
    """Efron 1987 BCa from the bootstrap and jackknife values (scipy 1.10's _bca_interval),
    with numpy's type-7 quantile."""
    b = len(dist)
    z0 = scipy.stats.norm.ppf(((dist < theta).sum() + (dist <= theta).sum()) / (2 * b))
    d = jack.mean() - jack
    a = (d ** 3).sum() / (6 * ((d ** 2).sum()) ** 1.5)
    alpha = (1 - confidence) / 2
    z = scipy.stats.norm.ppf([alpha, 1 - alpha])
    levels = scipy.stats.norm.cdf(z0 + (z0 + z) / (1 - a * (z0 + z)))
    return np.quantile(dist, levels)


def _correlated(n, t, rho, seed):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal((n, t))
    return y, rho * y + math.sqrt(1 - rho ** 2) * rng.standard_normal((n, t))


def test_block_bootstrap_draws_are_the_seeded_contiguous_blocks():
    y, p = _correlated(47, 3, 0.4, 14)
    res = ns.block_bootstrap_ci(y, p, block=5, resamples=40, method="percentile", seed=77)
    # Contiguous blocks of 5, the last one the 2 leftover samples.
    units = [np.arange(b, min(47, b + 5)) for b in range(0, 47, 5)]
    assert res.n_units == len(units) == 10 and res.unit == "contiguous_block"
    idx = resampled_indices(units, 40, 77)
    want = np.array([[corr(y[i, j], p[i, j]) for j in range(3)] for i in idx])
    np.testing.assert_allclose(res.distribution, want, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res.observed, ns.pearson_r(y, p).value, rtol=0, atol=1e-13)
    assert res.jackknife.shape == (0, 3) and (res.resamples, res.seed) == (40, 77)


def test_group_units_are_the_labels_in_order_of_first_appearance():
    y, p = _correlated(30, 2, 0.5, 15)
    groups = np.repeat([7, 3, 9, 1, 5, 2], 5)
    groups[[4, 10]] = 1  # a group can be split over the series
    res = ns.block_bootstrap_ci(y, p, groups=groups, resamples=30, method="bca", seed=8)
    labels = list(dict.fromkeys(groups.tolist()))
    units = [np.nonzero(groups == g)[0] for g in labels]
    assert res.unit == "group" and res.n_units == 6
    idx = resampled_indices(units, 30, 8)
    want = np.array([[corr(y[i, j], p[i, j]) for j in range(2)] for i in idx])
    np.testing.assert_allclose(res.distribution, want, rtol=0, atol=1e-12)
    # BCa's jackknife leaves one unit out at a time, in unit order.
    jack = np.array([[corr(y[np.concatenate(units[:u] + units[u + 1:]), j],
                           p[np.concatenate(units[:u] + units[u + 1:]), j]) for j in range(2)] for u in range(6)])
    np.testing.assert_allclose(res.jackknife, jack, rtol=0, atol=1e-12)


def test_percentile_interval_is_numpys_quantiles_of_the_distribution():
    y, p = _correlated(80, 4, 0.3, 16)
    for confidence in (0.9, 0.95):
        res = ns.block_bootstrap_ci(y, p, block=8, resamples=333, confidence=confidence, method="percentile", seed=3)
        q = np.quantile(res.distribution, [(1 - confidence) / 2, (1 + confidence) / 2], axis=0)
        np.testing.assert_allclose(res.lower, q[0], rtol=0, atol=1e-15)
        np.testing.assert_allclose(res.upper, q[1], rtol=0, atol=1e-15)
        assert res.confidence == confidence and res.method == "percentile"
        np.testing.assert_array_equal(res.bias_correction, 0.0)


def test_bca_interval_matches_efrons_formula_on_the_returned_values():
    y, p = _correlated(90, 3, 0.6, 17)
    res = ns.block_bootstrap_ci(y, p, block=9, resamples=500, method="bca", seed=4)
    for j in range(3):
        want = reference_bca(res.observed[j], res.distribution[:, j], res.jackknife[:, j], 0.95)
        # 1e-12: Boost's and scipy's normal quantile agree to a few ulps.
        np.testing.assert_allclose([res.lower[j], res.upper[j]], want, rtol=0, atol=1e-12)
        assert res.lower[j] < res.observed[j] < res.upper[j]


def test_python_score_bootstrap_equals_the_block_bootstrap_of_r():
    # The same units and seed give the same resamples: a Python r equals the C++ r.
    y, p = _correlated(64, 1, 0.5, 18)
    calls = []

    def score(idx):
        assert idx.dtype == np.int64 and idx.ndim == 1
        calls.append(len(idx))
        return corr(y[idx, 0], p[idx, 0])

    c = ns.block_bootstrap_ci(y, p, block=8, resamples=200, seed=21)
    g = ns.bootstrap_ci(score, 64, block=8, resamples=200, seed=21)
    assert len(calls) == 1 + 200 + 8  # original, resamples, jackknife
    np.testing.assert_allclose(g.distribution, c.distribution[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(g.jackknife, c.jackknife[:, 0], rtol=0, atol=1e-12)
    assert (g.lower, g.upper) == pytest.approx((c.lower[0], c.upper[0]), abs=1e-12)
    assert g.unit == "contiguous_block" and g.n_units == 8 and g.method == "bca"


def test_bootstrap_of_a_mean_has_the_closed_form_spread():
    # Resampling n single samples (groups = one per sample): the bootstrap mean has mean x_bar
    # and sd s / sqrt(n), s the 1/n standard deviation (Efron & Tibshirani 1993, eq. 5.9).
    # Tolerances: with B = 4000 the sd estimate has relative sd about 1/sqrt(2B) = 1.1%
    # (normal data), the mean has sd (s/sqrt(n))/sqrt(B); both allowed 5 of their sd.
    rng = np.random.default_rng(19)
    x = rng.normal(3.0, 2.0, size=50)
    b = 4000
    res = ns.bootstrap_ci(lambda i: x[i].mean(), 50, groups=np.arange(50), resamples=b, method="percentile", seed=6)
    se = x.std() / math.sqrt(50)
    assert res.observed == pytest.approx(x.mean(), abs=1e-12)
    assert abs(res.distribution.mean() - x.mean()) < 5 * se / math.sqrt(b)
    assert res.distribution.std() == pytest.approx(se, rel=5 / math.sqrt(2 * b))
    # The 95% percentile interval is then close to x_bar -+ 1.96 se (3% for quantile noise).
    assert res.lower == pytest.approx(x.mean() - 1.959964 * se, abs=0.1 * se)
    assert res.upper == pytest.approx(x.mean() + 1.959964 * se, abs=0.1 * se)


@pytest.mark.parametrize("method", ["percentile", "bca"])
def test_negated_predictions_mirror_the_interval(method):
    # r(y, -p) = -r(y, p) exactly in floating point, so the distribution is negated and the
    # interval mirrored (to the rounding of the quantile position and of Phi).
    y, p = _correlated(60, 3, 0.4, 20)
    a = ns.block_bootstrap_ci(y, p, block=6, resamples=300, method=method, seed=9)
    b = ns.block_bootstrap_ci(y, -p, block=6, resamples=300, method=method, seed=9)
    np.testing.assert_array_equal(b.distribution, -a.distribution)
    np.testing.assert_allclose(b.lower, -a.upper, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.upper, -a.lower, rtol=0, atol=1e-12)


# Coverage, flake budget: 200 independent targets with true r = 0.5, n = 60 independent samples
# (blocks of 1). A percentile interval of r at this n covers about 93% of the time; with 200
# targets the count has sd about 3.6, so the accepted 85%..99% (170..198) is more than 4 sd
# either side: a correctly working bootstrap fails with probability < 1e-4. Seed fixed.
def test_interval_covers_the_true_correlation_about_as_often_as_promised():
    y, p = _correlated(60, 200, 0.5, 22)
    res = ns.block_bootstrap_ci(y, p, block=1, resamples=300, method="percentile", seed=10)
    covered = int(((res.lower <= 0.5) & (0.5 <= res.upper)).sum())
    assert 170 <= covered <= 198, f"{covered} of 200 intervals cover r = 0.5"


# ---- Errors: a caller's mistake is a ValueError that names it ----

def _yp(n=40, t=3):
    rng = np.random.default_rng(23)
    return rng.standard_normal((n, t)), rng.standard_normal((n, t))


def test_shape_mismatch_names_both_shapes():
    y, p = _yp()
    with pytest.raises(ValueError, match=r"observed is 40 x 3 but predicted is 40 x 2"):
        ns.pearson_r(y, p[:, :2])
    with pytest.raises(ValueError, match=r"block_permutation_test: observed is 40 x 3 but predicted is 39 x 3"):
        ns.block_permutation_test(y, p[:39], block=4)
    with pytest.raises(ValueError, match=r"block_bootstrap_ci: observed is 40 x 3 but predicted is 40 x 1"):
        ns.block_bootstrap_ci(y, p[:, 0], block=4)
    with pytest.raises(ValueError, match=r"must be 1-D or 2-D, got shape \(40, 3, 1\)"):
        ns.circular_shift_test(y[:, :, None], p, min_shift=4)


def test_non_finite_values_are_located():
    y, p = _yp()
    y[7, 2] = np.nan
    for call in (lambda: ns.pearson_r(y, p), lambda: ns.block_permutation_test(y, p, block=4),
                 lambda: ns.circular_shift_test(y, p, min_shift=4), lambda: ns.block_bootstrap_ci(y, p, block=4)):
        with pytest.raises(ValueError, match=r"observed has a non-finite value \(nan\) at row 7, column 2"):
            call()


@pytest.mark.parametrize("call, message", [
    (lambda y, p: ns.block_permutation_test(y, p, block=4, tail="bigger"),
     "tail 'bigger' is not one of 'greater', 'less', 'two_sided'"),
    (lambda y, p: ns.circular_shift_test(y, p, min_shift=4, tail="two-sided"),
     "tail 'two-sided' is not one of 'greater', 'less', 'two_sided'"),
    (lambda y, p: ns.block_permutation_test(y, p, block=4, kernel="fast"),
     "kernel 'fast' is not one of 'auto', 'block_gemm', 'direct'"),
    (lambda y, p: ns.block_permutation_test(y, p, block=4, permutations=0), "block_permutation_test: 0 permutations"),
    (lambda y, p: ns.circular_shift_test(y, p, min_shift=4, permutations=0), "circular_shift_test: 0 permutations"),
    (lambda y, p: ns.block_permutation_test(y, p, block=0), "block length 0"),
    (lambda y, p: ns.block_permutation_test(y, p, block=21), "40 samples hold fewer than 2 blocks of 21"),
    (lambda y, p: ns.circular_shift_test(y, p, min_shift=21), r"no shift in \[21, 19\] for 40 samples"),
    (lambda y, p: ns.block_permutation_test(y, p, block=4, permutations=-5),
     "permutations must be a non-negative integer, got -5"),
    (lambda y, p: ns.block_permutation_test(y, p, block=4, permutations=10.0),
     "permutations must be a non-negative integer, got 10.0"),
    (lambda y, p: ns.block_permutation_test(y, p, block=4, seed=-1), "seed -1 is outside"),
    (lambda y, p: ns.pearson_r(y.astype(str), p), "observed has dtype <U"),
    (lambda y, p: ns.pearson_r(y[:1], p[:1]), "pearson_r needs at least 2 samples, got 1"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, block=4, method="bc"),
     "bootstrap method 'bc' is not one of 'bca', 'percentile'"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, block=4, confidence=1.5), r"confidence 1.50* is not in \(0, 1\)"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, block=4, resamples=0), "bootstrap_ci: 0 resamples"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, block=30), "40 samples hold fewer than 2 blocks of 30"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, block=4, groups=np.arange(40)), "block .* or groups .*, not both"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, groups=np.arange(39)), "groups has 39 labels for 40 samples"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, groups=np.zeros(40, int)), "needs at least 2 groups, got 1"),
    (lambda y, p: ns.block_bootstrap_ci(y, p, groups=np.linspace(0, 1, 40)), "1-D array of integer labels"),
    (lambda y, p: ns.fdr([0.1, 1.2]), r"p-value 1.20* at position 1 is not in \[0, 1\]"),
    (lambda y, p: ns.fdr([0.1, np.nan]), r"p-value nan at position 1 is not in \[0, 1\]"),
    (lambda y, p: ns.fdr([]), "no p-values"),
    (lambda y, p: ns.fdr(np.ones((2, 2))), r"p must be 1-D, got shape \(2, 2\)"),
    (lambda y, p: ns.fdr([0.1], method="holm"), "fdr method 'holm' is not one of 'bh', 'by'"),
    (lambda y, p: ns.fdr([0.1]).rejected_at(5), "level 5 is not in"),
])
def test_caller_mistakes_raise_value_error_naming_the_problem(call, message):
    y, p = _yp()
    with pytest.raises(ValueError, match=message):
        call(y, p)


def test_python_score_mistakes():
    def nan_score(idx):
        return float("nan") if len(set(idx.tolist())) < len(idx) else 0.0

    with pytest.raises(ValueError, match="bootstrap_ci: score is not finite on a bootstrap resample"):
        ns.bootstrap_ci(nan_score, 20, block=2, resamples=10)
    with pytest.raises(ValueError, match="bootstrap_ci: score returned a str, not a number"):
        ns.bootstrap_ci(lambda idx: "high", 20, block=2, resamples=10)
    with pytest.raises(ValueError, match="score must be a callable"):
        ns.bootstrap_ci(0.5, 20, block=2)

    class Mine(Exception):
        pass

    def raising(idx):
        raise Mine("from the score")

    with pytest.raises(Mine, match="from the score"):  # the callable's own exception, unchanged
        ns.bootstrap_ci(raising, 20, block=2, resamples=10)


# ---- The GIL ----

def test_permutation_test_releases_the_gil():
    # Permutation tests run back to back in a thread for at least 0.3 s (one call in a
    # fastbuild, several with -c opt) while this thread keeps running Python. Holding the GIL
    # would stall this thread for a whole call (a gap as long as the call); released, the gaps
    # stay near Python's 5 ms switch interval. The main thread's timestamps must fall inside
    # the window of the calls.
    rng = np.random.default_rng(24)
    y = rng.standard_normal((400, 200))
    p = rng.standard_normal((400, 200))
    window = {"calls": 0}

    def work():
        window["start"] = time.perf_counter()
        while True:
            call_start = time.perf_counter()
            window["result"] = ns.block_permutation_test(y, p, block=20, permutations=500, kernel="direct",
                                                         keep_null=False)
            window["calls"] += 1
            window["longest_call"] = max(window.get("longest_call", 0.0), time.perf_counter() - call_start)
            if time.perf_counter() - window["start"] > 0.3:
                break
        window["end"] = time.perf_counter()

    thread = threading.Thread(target=work)
    stamps = []
    thread.start()
    while thread.is_alive():
        stamps.append(time.perf_counter())
    thread.join()
    duration = window["end"] - window["start"]
    call = window["longest_call"]
    inside = [s for s in stamps if window["start"] <= s <= window["end"]]
    assert len(inside) > 100, f"only {len(inside)} main-thread steps during {duration:.3f} s of calls"
    gaps = np.diff([window["start"], *inside, window["end"]])
    assert gaps.max() < 0.5 * call, f"main thread stalled {gaps.max():.3f} s; the longest call took {call:.3f} s"
    assert window["result"].p_value.shape == (200,)
