"""Statistics on brain scores: Pearson r per target, permutation nulls with family-wise (max
statistic) correction, false discovery rate, and block bootstrap confidence intervals.

Every statistic runs in float64. Tails and methods are strings, checked on the C++ side (a
ValueError lists the valid choices). Seeds are explicit non-negative integers recorded in the
result: the same seed gives the same draws on every platform (raw std::mt19937_64 draws).
Every function releases the GIL while it computes, except bootstrap_ci, which calls back
into Python for every resample.

observed/predicted pairs are (n samples, T targets), column j of `predicted` predicting column
j of `observed`; a 1-D pair is one target, and per-target results keep their target axis
(shape (1,), a null of shape (N, 1)).
"""
import numpy as np

from . import _neuroscore
from ._arrays import common_float, float64_matrix, float64_vector, real_array, seed_of, count as _count
from ._results import result
from ._splitters import folds_of

__all__ = [
    "pearson_r", "TargetScores",
    "block_permutation_test", "circular_shift_test", "refit_null_test", "PermutationTest",
    "fdr", "FdrResult",
    "block_bootstrap_ci", "BlockBootstrapCi", "bootstrap_ci", "BootstrapCi",
]

_DEFAULT_BATCH_BYTES = 256 << 20


def _level(value, name):
    v = float(value)
    if not 0.0 <= v <= 1.0:
        raise ValueError(f"{name} {value!r} is not in [0, 1]")
    return v


def _pair(observed, predicted):
    return (float64_matrix(observed, "observed", ndims=(1, 2)),
            float64_matrix(predicted, "predicted", ndims=(1, 2)))


# ---- Scores ----

@result
class TargetScores:
    """One score per target (column).

    value: (T,) float64, the score; 0 where it is undefined.
    degenerate: (T,) bool, the observed or predicted column is constant (no correlation is
      defined; value is 0 there, never NaN).
    """
    value: np.ndarray
    degenerate: np.ndarray

    @property
    def degenerate_count(self):
        """How many targets are degenerate."""
        return int(np.count_nonzero(self.degenerate))


def pearson_r(observed, predicted):
    """Pearson correlation between observed and predicted, per target (column):
    r_j = sum_i (y_ij - mean y_j)(p_ij - mean p_j) / sqrt(sum_i (y_ij - mean y_j)^2 sum_i (p_ij - mean p_j)^2).

    observed, predicted: (n, T) arrays, or (n,) for one target; column j of `predicted`
    predicts column j of `observed`. At least 2 samples, finite values.
    Returns TargetScores (value: (T,) r, dimensionless in [-1, 1]; degenerate: (T,) bool).
    """
    y, p = _pair(observed, predicted)
    return TargetScores.from_dict(_neuroscore.pearson_r(y, p))


# ---- Permutation nulls ----

@result
class PermutationTest:
    """A permutation test of one statistic per target (T targets, N null draws).

    observed: (T,) the statistic on the real data (Pearson r; for refit_null_test the mean over
      outer folds of the per-fold r).
    p_value: (T,) uncorrected p = (1 + #{null draws at least as extreme}) / (1 + N); never 0.
    p_fwe: (T,) family-wise error corrected p by the max statistic over targets (Westfall &
      Young single-step maxT): (1 + #{draws b: null_max[b] >= t(observed_j)}) / (1 + N).
      Reject target j at FWER level a when p_fwe[j] <= a (rejected_fwe(a)).
    null: (N, T) the null statistic of every draw and target; (0, T) when keep_null=False.
    null_max: (N,) per draw, the maximum over targets of t(null), with t the identity (tail
      'greater'), negation ('less') or absolute value ('two_sided').
    seed: the seed every null draw came from.
    permutations: N, the number of null draws made (for an exhaustive circular shift test, the
      number of admissible shifts, which can be fewer than asked for).
    tail: 'greater' (#{null >= observed}), 'less' (#{null <= observed}) or 'two_sided'
      (#{|null| >= |observed|}).
    method: 'block_permutation', 'circular_shift' or 'refit_block_permutation'.
    block: block length in samples (block and refit nulls), or the minimum shift in samples
      (circular shift).
    exhaustive: every admissible null draw was used exactly once (circular shift only).
    degenerate: (T,) bool, a constant observed or predicted column (observed 0, p near 1).
    """
    observed: np.ndarray
    p_value: np.ndarray
    p_fwe: np.ndarray
    null: np.ndarray
    null_max: np.ndarray
    seed: int
    permutations: int
    tail: str
    method: str
    block: int
    exhaustive: bool
    degenerate: np.ndarray

    def rejected_fwe(self, level=0.05):
        """(T,) bool: the targets significant with the family-wise error rate controlled at
        `level` (p_fwe <= level)."""
        return self.p_fwe <= _level(level, "level")

    def fdr(self, method="bh"):
        """FDR q-values of the uncorrected p_value (see fdr())."""
        return fdr(self.p_value, method)


def block_permutation_test(observed, predicted, block=20, permutations=1000, seed=0, tail="greater",
                           keep_null=True, kernel="auto", max_batch_bytes=_DEFAULT_BATCH_BYTES):
    """Block permutation null of Pearson r between fixed predictions and observed targets.

    Each null draw cuts the n samples into n // block consecutive blocks of `block` samples,
    shuffles the blocks (keeping each block's inner order) and correlates the permuted observed
    series with the unpermuted predictions. The last n % block samples stay in place in every
    draw. Blocks should be longer than the autocorrelation of the data (HRF plus noise: 10-20
    TRs). The same N block orders serve every target, which the max-statistic p_fwe needs.

    observed, predicted: (n, T), or (n,) for one target; finite.
    block: block length in samples (at least 2 blocks must fit in n).
    permutations: N, the number of null draws (> 0).
    seed: non-negative integer. tail: 'greater', 'less' or 'two_sided'.
    keep_null: return the (N, T) null (N * T * 8 bytes); p_value and p_fwe never need it.
    kernel: 'auto', 'block_gemm' or 'direct' (same values to rounding; 'auto' picks the faster).
    max_batch_bytes: memory budget of the per-target-batch work buffers.
    Returns PermutationTest (method 'block_permutation'). Releases the GIL.
    """
    y, p = _pair(observed, predicted)
    return PermutationTest.from_dict(_neuroscore.block_permutation_test(
        y, p, _count(block, "block"), _count(permutations, "permutations"), seed_of(seed), str(tail),
        bool(keep_null), str(kernel), _count(max_batch_bytes, "max_batch_bytes")))


def circular_shift_test(observed, predicted, min_shift=20, permutations=1000, seed=0, tail="greater",
                        keep_null=True, max_batch_bytes=_DEFAULT_BATCH_BYTES):
    """Circular-shift null of Pearson r: each null draw rotates the observed series by s samples,
    r_j(s) = corr(p_j, y_j[(i + s) mod n]), which keeps the autocorrelation of both series except
    at the one seam.

    Shifts s are drawn uniformly, with replacement, from [min_shift, n - min_shift]; when
    `permutations` is at least the number of such shifts (n - 2 min_shift + 1), every shift is
    used once in increasing order instead (exhaustive=True, permutations = that number, the seed
    unused).
    observed, predicted: (n, T), or (n,) for one target; finite.
    min_shift: in samples (0 counts as 1, the identity is never a null draw).
    Other arguments as block_permutation_test. Returns PermutationTest (method
    'circular_shift', block = min_shift). Releases the GIL.
    """
    y, p = _pair(observed, predicted)
    return PermutationTest.from_dict(_neuroscore.circular_shift_test(
        y, p, _count(min_shift, "min_shift"), _count(permutations, "permutations"), seed_of(seed), str(tail),
        bool(keep_null), _count(max_batch_bytes, "max_batch_bytes")))


def refit_null_test(X, Y, cv, chosen_alpha, standardize=False, block=20, permutations=100, seed=0,
                    tail="greater", keep_null=True, groups=None, max_batch_bytes=_DEFAULT_BATCH_BYTES,
                    solver="auto"):
    """Refit-under-null test of the cross-validated score (Ojala & Garriga 2010, test 1, with
    blocks): each null draw block-permutes the whole target series once (blocks of `block`
    samples, the last n % block in place), refits ridge on every outer fold's training rows of
    the permuted series with the alpha the real fit chose for that fold and target, and scores
    the fold's test rows. The statistic is the mean over folds of the per-fold Pearson r, as
    CrossValidatedRidge.mean_r; `observed` is recomputed by the same code without permutation.
    The inner alpha search is not repeated, so the null omits the selection step.

    X: (n, F) features.  Y: (n, T) targets, or (n,).
    cv: the SAME outer folds as the real fit: an int k (ContiguousKFold(k)), a splitter with
      split(X, Y, groups), or a list of (train, test) index pairs.
    chosen_alpha: the alphas the real fit chose, (folds, T) (or (folds,) for one target):
      CrossValidatedRidge.chosen_alpha, or the CrossValidatedRidge result itself
      (neuroscore.cross_validated_ridge(X, Y, cv, ...)); each finite and >= 0.
    standardize, solver: as the real fit's (features divided by their training sd; 'auto', 'primal'
      or 'dual'). Each fold is refit by the real fit's own factorization and refit step, with the
      same rule for constant and near-constant columns, so `observed` equals the fit's mean_r to
      rounding (1e-10 in float64).
    permutations: N (> 0); every draw refits every fold, so N is smaller than for the
      fixed-prediction nulls. Other arguments as block_permutation_test.
    Returns PermutationTest (method 'refit_block_permutation'). Runs in float32 when X and Y are
    both float32 (as cross_validated_ridge does), else in float64; releases the GIL.
    """
    X = real_array(X, "X")
    Y = real_array(Y, "Y", ndims=(1, 2))
    X, Y = common_float(X, Y)
    alphas = getattr(chosen_alpha, "chosen_alpha", chosen_alpha)
    alphas = float64_matrix(alphas, "chosen_alpha", ndims=(1, 2))
    folds = folds_of(cv, X, Y, groups)
    return PermutationTest.from_dict(_neuroscore.refit_null_test(
        X, Y, folds, alphas, bool(standardize), str(solver), _count(block, "block"), _count(permutations, "permutations"),
        seed_of(seed), str(tail), bool(keep_null), _count(max_batch_bytes, "max_batch_bytes")))


# ---- False discovery rate ----

@result
class FdrResult:
    """FDR-adjusted p-values.

    q_value: (m,) per test, in the input order: the smallest FDR level at which the test is
      rejected by the step-up procedure (Benjamini-Hochberg or Benjamini-Yekutieli).
    method: 'bh' or 'by'.
    """
    q_value: np.ndarray
    method: str

    def rejected_at(self, level=0.05):
        """(m,) bool: the tests rejected with the FDR controlled at `level` (q_value <= level);
        .sum() counts them."""
        return self.q_value <= _level(level, "level")


def fdr(p, method="bh"):
    """False discovery rate q-values (R's p.adjust, scipy's false_discovery_control). With p
    sorted ascending p_(1) <= ... <= p_(m):
      q_(k) = min(1, min_{i >= k} c(m) m p_(i) / i),
    c(m) = 1 for 'bh' (Benjamini & Hochberg 1995: independent or positively dependent tests)
    and c(m) = sum_{i=1}^m 1/i for 'by' (Benjamini & Yekutieli 2001: any dependence).

    p: (m,) p-values in [0, 1], e.g. PermutationTest.p_value. For family-wise error control
    use PermutationTest.p_fwe (max statistic) instead.
    Returns FdrResult. Releases the GIL.
    """
    return FdrResult.from_dict(_neuroscore.fdr_q_values(float64_vector(p, "p"), str(method)))


# ---- Bootstrap confidence intervals ----

def _units(block, groups):
    """(block length, labels or None) for the C++ side: contiguous blocks of `block` samples
    (20 when neither is given) or one unit per group."""
    if groups is None:
        return _count(20 if block is None else block, "block"), None
    if block is not None:
        raise ValueError("give block (contiguous blocks) or groups (one unit per group), not both")
    labels = np.asarray(groups)
    if labels.ndim != 1:
        raise ValueError(f"groups must be 1-D (one label per sample), got shape {labels.shape}")
    return 0, labels


@result
class BlockBootstrapCi:
    """Block bootstrap confidence intervals of Pearson r, one per target (T targets, B
    resamples, K resampling units).

    observed: (T,) Pearson r on the original samples.
    lower, upper: (T,) the interval bounds (r units, dimensionless).
    confidence: two-sided level of the interval (0.95 is a 95% interval).
    method: 'bca' (bias-corrected and accelerated, Efron 1987) or 'percentile'.
    unit: 'contiguous_block' or 'group'.  n_units: K.
    resamples: B.  seed: the seed of the draws.
    distribution: (B, T) the resampled r, in draw order; every target saw the same B draws of
      units, so a column difference bootstraps a difference between targets.
    jackknife: (K, T) leave-one-unit-out r (BCa only; (0, T) for 'percentile').
    bias_correction: (T,) BCa's z0 (+-inf where the distribution lies on one side of observed,
      in which case the percentile interval was returned); 0 for 'percentile'.
    acceleration: (T,) BCa's a; 0 for 'percentile'.
    degenerate: (T,) bool, constant observed or predicted column (r = 0 there).
    """
    observed: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    confidence: float
    method: str
    unit: str
    n_units: int
    resamples: int
    seed: int
    distribution: np.ndarray
    jackknife: np.ndarray
    bias_correction: np.ndarray
    acceleration: np.ndarray
    degenerate: np.ndarray


def block_bootstrap_ci(observed, predicted, block=None, groups=None, resamples=2000, confidence=0.95,
                       method="bca", seed=0):
    """Block bootstrap confidence interval of Pearson r per target, the predictions held fixed.

    The resampling units are non-overlapping blocks of `block` consecutive samples (20 when
    neither block nor groups is given; the last block holds the n % block leftover samples), or
    one unit per distinct label of `groups` (sentences, passages, stories). Each resample draws
    as many units as there are, uniformly with replacement, and computes r on the concatenated
    samples (0 where a resampled column is constant).
    Percentile interval: the (1 - c)/2 and (1 + c)/2 quantiles of the resampled r, numpy's
    default linear interpolation (Hyndman & Fan type 7). BCa: Efron 1987 with the
    leave-one-unit-out jackknife, the formula of scipy.stats.bootstrap(method='BCa').

    observed, predicted: (n, T), or (n,) for one target; finite.
    block: block length in samples (at least 2 blocks).  groups: (n,) integer labels (>= 2).
    resamples: B (> 0).  confidence: in (0, 1).  method: 'bca' or 'percentile'.
    Returns BlockBootstrapCi. Releases the GIL.
    """
    y, p = _pair(observed, predicted)
    block, labels = _units(block, groups)
    return BlockBootstrapCi.from_dict(_neuroscore.block_bootstrap_r(
        y, p, block, labels, _count(resamples, "resamples"), float(confidence), str(method), seed_of(seed)))


@result
class BootstrapCi:
    """A bootstrap confidence interval of one score (B resamples, K resampling units).

    observed: the score on the original indices (every unit in order).
    lower, upper: the interval bounds, in the units of the score.
    confidence: two-sided level.  method: 'bca' or 'percentile'.
    unit: 'contiguous_block' or 'group'.  n_units: K.
    resamples: B.  seed: the seed of the draws.
    distribution: (B,) the resampled scores, in draw order.
    jackknife: (K,) leave-one-unit-out scores (BCa only; empty for 'percentile').
    bias_correction, acceleration: BCa's z0 and a (0 for 'percentile').
    """
    observed: float
    lower: float
    upper: float
    confidence: float
    method: str
    unit: str
    n_units: int
    resamples: int
    seed: int
    distribution: np.ndarray
    jackknife: np.ndarray
    bias_correction: float
    acceleration: float


def bootstrap_ci(score, n_samples, block=None, groups=None, resamples=2000, confidence=0.95, method="bca",
                 seed=0):
    """Block bootstrap confidence interval of any score.

    score: a callable score(indices) -> float, where `indices` is a 1-D int64 array of sample
      indices into your data (the drawn units' samples concatenated in draw order, repeats
      included); it must return a finite number. It is called once on the original indices,
      B times on resamples and, for BCa, K more times with one unit left out each.
    n_samples: n, the number of samples the indices refer to.
    block, groups: the resampling units, as block_bootstrap_ci (groups has n labels).
    resamples, confidence, method, seed: as block_bootstrap_ci.
    Returns BootstrapCi. HOLDS THE GIL throughout (every resample calls back into Python), so
    other Python threads wait; an exception raised by `score` propagates unchanged.
    """
    if not callable(score):
        raise ValueError(f"score must be a callable score(indices) -> float, got {type(score).__name__}")
    block, labels = _units(block, groups)
    return BootstrapCi.from_dict(_neuroscore.bootstrap_ci(
        score, _count(n_samples, "n_samples"), block, labels, _count(resamples, "resamples"), float(confidence),
        str(method), seed_of(seed)))
