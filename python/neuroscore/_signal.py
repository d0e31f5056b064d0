"""Noise ceilings, variance partitioning, FIR delays, Lanczos resampling and per-run z-scoring
(C++: neuroscore/ceiling.hpp, partition.hpp, align.hpp).

Trials. Every ceiling takes `trials` (or `subjects`) either as a list of 2-D arrays, one per
repeat (or subject), each samples x targets with the same stimulus in the same row order, or
as one 3-D array trials x samples x targets; both give identical results. Each trial is
copied once into C++ (counted by input_copies()). Variances are over samples of one target.

Units. A correlation is in r units; a reliability, an explainable-variance fraction and an
R^2 are in r^2 units (the share of a measurement's variance that is signal); a ceiling in
r^2 units is the square of the correlation a perfect model reaches. Every field below says
which.

A caller's mistake (shapes that differ, NaN, a negative delay, an unknown option string)
raises ValueError with the message of the check that failed. Every C++ computation runs with
the GIL released. Everything runs in float64.
"""
import numpy as np

from . import _neuroscore
from ._arrays import float64_matrix, float64_vector, matrices, seed_of, count as _count
from ._estimators import DEFAULT_ALPHAS, _alphas
from ._results import result
from ._splitters import folds_of

__all__ = [
    "split_half_reliability", "SplitHalfReliability",
    "schoppe_cc_max", "SchoppeCeiling",
    "schoppe_cc_norm", "NormalizedCorrelation",
    "nsd_noise_ceiling", "NsdNoiseCeiling",
    "explainable_variance", "ExplainableVariance",
    "leave_one_subject_out_ceiling", "InterSubjectCeiling",
    "extrapolation_ceiling", "ExtrapolationCeiling",
    "normalize_by_ceiling", "NormalizedScores",
    "partition_variance", "VariancePartition",
    "feghhi_omega", "FeghhiOmega",
    "fir_delays", "zscore_per_run", "lanczos_resample",
]

METRICS = ("r2", "r2_oos")
AGGREGATIONS = ("per_fold_mean", "pooled")
UNITS = ("r", "r2")


def _choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}, got {value!r}")
    return value


def _trials(trials, name):
    """A list of 2-D float64 arrays from a list of 2-D arrays or a 3-D array (views of it)."""
    if isinstance(trials, np.ndarray):
        arr = float64_matrix(trials, f"{name} (a 3-D array {name} x samples x targets, or a list of 2-D arrays)",
                             ndims=(3,))
        if arr.shape[0] == 0:
            raise ValueError(f"{name} is empty")
        return [arr[i] for i in range(arr.shape[0])]
    return matrices(trials, name)


def _labels(labels, n, name):
    """One label per sample as integers (labels of any type are numbered; equal stays equal)."""
    arr = np.asarray(labels)
    if arr.shape != (n,):
        raise ValueError(f"{name} has shape {arr.shape} for {n} samples (one label per sample)")
    if arr.dtype.kind not in "iu":
        arr = np.unique(arr, return_inverse=True)[1].reshape(n)
    return arr.astype(np.int64, copy=False)


def _runs(run_lengths, groups, n):
    """(run_lengths, labels) for C++, at most one of them set."""
    if run_lengths is not None and groups is not None:
        raise ValueError("give run_lengths or groups, not both")
    if run_lengths is not None:
        lengths = np.asarray(run_lengths)
        if lengths.ndim != 1 or (lengths.size > 0 and lengths.dtype.kind not in "iu"):
            raise ValueError(f"run_lengths must be a 1-D sequence of integers, got {run_lengths!r}")
        return [int(v) for v in lengths], None
    if groups is not None:
        return None, _labels(groups, n, "groups")
    return None, None


# ---------------------------------------------------------------------------------------
# Ceilings.

@result
class SplitHalfReliability:
    """split_half_reliability(): per target (T targets).

    half_r: (T,) Pearson r between the two half-averages (r units); with random splits, the
      mean of r over splits.
    reliability: (T,) Spearman-Brown 2 r / (1 + r) of half_r: the reliability of the mean of all
      trials (r^2 units, its signal fraction); sqrt(reliability) is the r-unit ceiling of a
      model scored against the all-trial mean. With an odd number of trials the halves differ
      by one trial and the factor 2 over-corrects slightly.
    trials: number of trials.  splits: splits averaged (1 for even/odd).  seed: the seed used.
    """
    half_r: np.ndarray
    reliability: np.ndarray
    trials: int
    splits: int
    seed: int


def split_half_reliability(trials, random_splits=0, seed=0):
    """Split-half reliability corrected to all trials by Spearman-Brown (length factor 2).

    random_splits = 0: one split, even-indexed trials (0, 2, ...) against odd-indexed ones.
    random_splits = k > 0: mean half_r over k random splits (Fisher-Yates on
    std::mt19937_64(seed); the first floor(N/2) permuted trials against the rest).
    trials: a list of (samples x targets) arrays or a (trials x samples x targets) array; at
    least 2 trials and 2 samples. Returns SplitHalfReliability."""
    d = _neuroscore.split_half_reliability(_trials(trials, "trials"), _count(random_splits, "random_splits"),
                                           seed_of(seed))
    return SplitHalfReliability.from_dict(d)


@result
class SchoppeCeiling:
    """schoppe_cc_max() (Schoppe et al. 2016, Front. Comput. Neurosci. 10:10), per target, with
    N trials R_n, their mean ybar and population variances over samples:

    signal_power: (T,) SP = (Var(sum_n R_n) - sum_n Var(R_n)) / (N (N - 1)) (Sahani & Linden
      2003), unbiased for the stimulus-locked variance (response units squared; may be < 0).
    response_power: (T,) Var(ybar) (response units squared).
    cc_max: (T,) sqrt(SP / Var(ybar)), the highest r any model reaches against ybar (r units;
      cc_max**2 is the explainable variance of ybar, r^2 units); 0 where no_signal.
    no_signal: (T,) bool, SP <= 0 or Var(ybar) <= 0.
    trials: N.
    """
    signal_power: np.ndarray
    response_power: np.ndarray
    cc_max: np.ndarray
    no_signal: np.ndarray
    trials: int


def schoppe_cc_max(trials):
    """Schoppe's CC_max per target from repeated trials (>= 2). Returns SchoppeCeiling."""
    return SchoppeCeiling.from_dict(_neuroscore.schoppe_cc_max(_trials(trials, "trials")))


@result
class NormalizedCorrelation:
    """schoppe_cc_norm(), per target.

    cc_abs: (T,) Pearson r of the prediction with the trial mean (r units).
    cc_norm: (T,) cc_abs / cc_max (r units, 1 = as good as the noise allows); NaN where the
      ceiling has no_signal.
    ceiling: the SchoppeCeiling of the trials.
    """
    cc_abs: np.ndarray
    cc_norm: np.ndarray
    ceiling: SchoppeCeiling


def schoppe_cc_norm(trials, prediction):
    """Schoppe's CC_norm = Cov(ybar, yhat) / sqrt(Var(yhat) SP) = CC_abs / CC_max of a prediction
    (samples x targets, the shape of one trial). Returns NormalizedCorrelation."""
    d = _neuroscore.schoppe_cc_norm(_trials(trials, "trials"), float64_matrix(prediction, "prediction"))
    return NormalizedCorrelation.from_dict(d, ceiling=SchoppeCeiling.from_dict(d["ceiling"]))


@result
class NsdNoiseCeiling:
    """nsd_noise_ceiling() (Allen et al. 2022, Nat. Neurosci. 25, methods "Noise ceiling"), per
    target, on data z-scored over all trials and samples:

    noise_stddev: (T,) sqrt of the mean over samples of the across-trial variance (ddof = 1).
    signal_stddev: (T,) sqrt(max(0, V - noise_stddev**2)), V = 1 when z-scored, else the
      total (population) variance of the data.
    ncsnr: (T,) signal_stddev / noise_stddev (inf when there is no noise).
    noise_ceiling_percent: (T,) 100 ncsnr**2 / (ncsnr**2 + 1 / n): the percent of variance
      explainable in the average of n trials (r^2 units times 100).
    trials_averaged: n.
    """
    noise_stddev: np.ndarray
    signal_stddev: np.ndarray
    ncsnr: np.ndarray
    noise_ceiling_percent: np.ndarray
    trials_averaged: float


def nsd_noise_ceiling(trials, zscore=True, trials_averaged=0):
    """NSD's noise ceiling. zscore: z-score each target over all trials and samples first (one
    session); False uses the data's own variance, the same estimator unstandardized.
    trials_averaged: n, the number of trials the scored data averages; 0 means the number of
    trials given. Returns NsdNoiseCeiling."""
    n = float(trials_averaged)
    d = _neuroscore.nsd_noise_ceiling(_trials(trials, "trials"), bool(zscore), n)
    return NsdNoiseCeiling.from_dict(d)


@result
class ExplainableVariance:
    """explainable_variance() (Gallant lab's voxelwise_tutorials; Hsu, Borst & Theunissen 2004),
    per target, with each trial z-scored over samples and variances with ddof = 1:

    raw: (T,) Var(mean_n R_n) / mean_n Var(R_n), the signal fraction of the N-trial mean plus a
      bias of about 1/N (r^2 units).
    corrected: (T,) raw - (1 - raw) / (N - 1), the explainable variance of ONE trial (r^2 units).
    trials: N.
    """
    raw: np.ndarray
    corrected: np.ndarray
    trials: int


def explainable_variance(trials, zscore=True):
    """Explainable variance with the finite-repeat bias correction; zscore=False skips the
    per-trial z-scoring. Returns ExplainableVariance."""
    return ExplainableVariance.from_dict(_neuroscore.explainable_variance(_trials(trials, "trials"), bool(zscore)))


@result
class InterSubjectCeiling:
    """leave_one_subject_out_ceiling(), S subjects and T targets.

    per_subject_r: (S, T) Pearson r of each subject with the mean of the other S - 1 (r units);
      with cv, the mean over folds of the r on each fold's test rows.
    mean_r: (T,) mean over subjects, uncorrected (r units): what most papers call the ISC
      ceiling.
    single_subject_reliability: (T,) rho_1 solving r**2 = rho_1 SB(rho_1, S - 1), the
      reliability of one subject under shared-signal-plus-independent-noise (r^2 units); 0 where
      mean_r <= 0.
    corrected_r: (T,) sqrt(rho_1), the r a perfect model of the shared signal reaches with ONE
      subject (r units): the ceiling for single-subject encoding scores.
    """
    per_subject_r: np.ndarray
    mean_r: np.ndarray
    single_subject_reliability: np.ndarray
    corrected_r: np.ndarray


def leave_one_subject_out_ceiling(subjects, cv=None, groups=None):
    """Inter-subject ceiling for data without repeats: each subject is predicted by the mean of
    the others. subjects: a list of (samples x targets) arrays or a (subjects x samples x
    targets) array, the same stimulus in the same rows.

    cv=None: r over the whole series. Otherwise r per fold on its test rows, averaged over
    folds, as a cross-validated encoding score is made (an int is ContiguousKFold(cv); any
    splitter with split(X, y, groups) or a list of (train, test) pairs; groups goes to the
    splitter); each fold must test >= 3 samples. Returns InterSubjectCeiling."""
    mats = _trials(subjects, "subjects")
    folds = None if cv is None else folds_of(cv, mats[0], None, groups)
    return InterSubjectCeiling.from_dict(_neuroscore.leave_one_subject_out_ceiling(mats, folds))


@result
class ExtrapolationCeiling:
    """extrapolation_ceiling() (Brain-Score; Schrimpf et al. 2021, PNAS 118), S subjects.

    pool_sizes: (S - 1,) n = 1 .. S - 1, subjects averaged to predict a held-out one.
    consistency: (S - 1, T) mean r over random subsets of n + 1 subjects (r units); at
      n = S - 1 it equals leave_one_subject_out_ceiling's mean_r.
    bootstrap_v0: (bootstraps, T) v0 of v(n) = v0 (1 - exp(-n / tau)) fitted to each resampled
      curve (r units).
    v0: (T,) median of bootstrap_v0, the ceiling (r units).
    v0_of_mean_curve: (T,) v0 fitted to `consistency` (r units).
    median_ceiling: median of v0 over targets (Brain-Score's aggregate, r units).
    unconverged_fits: bootstrap fits that hit the iteration limit.
    seed: the seed used.
    Caveat (C++ header): with few subjects v0 under-reads sqrt(rho_1); corrected_r of
    leave_one_subject_out_ceiling is unbiased under the parallel-measurement model.
    """
    pool_sizes: np.ndarray
    consistency: np.ndarray
    bootstrap_v0: np.ndarray
    v0: np.ndarray
    v0_of_mean_curve: np.ndarray
    median_ceiling: float
    unconverged_fits: int
    seed: int


def extrapolation_ceiling(subjects, subsets_per_size=20, bootstraps=100, seed=0):
    """Brain-Score's extrapolation ceiling from >= 3 subjects: subsets_per_size random subsets
    per pool size, bootstraps resampled curves, all drawn from std::mt19937_64(seed).
    Returns ExtrapolationCeiling."""
    d = _neuroscore.extrapolation_ceiling(_trials(subjects, "subjects"), _count(subsets_per_size, "subsets_per_size"),
                                          _count(bootstraps, "bootstraps"), seed_of(seed))
    return ExtrapolationCeiling.from_dict(d)


@result
class NormalizedScores:
    """normalize_by_ceiling(), per target.

    unclipped: (T,) score / ceiling, both in the score's unit (a value above 1 means the
      ceiling is underestimated); NaN where invalid_ceiling.
    clipped: (T,) unclipped clamped to [0, 1] (Brain-Score's ceiled score); NaN where
      invalid_ceiling.
    invalid_ceiling: (T,) bool, the ceiling is <= 0, negative before conversion, or not finite.
    unit: 'r' or 'r2', the unit of the ratio (the score's).
    """
    unclipped: np.ndarray
    clipped: np.ndarray
    invalid_ceiling: np.ndarray
    unit: str


def normalize_by_ceiling(score, ceiling, score_unit="r", ceiling_unit="r"):
    """score / ceiling per target, in the score's unit: a ceiling in the other unit is converted
    first (r -> r2 by squaring, r2 -> r by the square root). Units: 'r' (a correlation) or 'r2'
    (a variance fraction). r / r_ceiling and r2 / r2_ceiling differ (the second is the square
    of the first). Returns NormalizedScores."""
    d = _neuroscore.normalize_by_ceiling(float64_vector(score, "score"), float64_vector(ceiling, "ceiling"),
                                         _choice(score_unit, "score_unit", UNITS),
                                         _choice(ceiling_unit, "ceiling_unit", UNITS))
    return NormalizedScores.from_dict(d)


# ---------------------------------------------------------------------------------------
# Variance partitioning.

@result
class VariancePartition:
    """partition_variance(): cross-validated scores per target, all in r^2 units.

    r2_a, r2_b, r2_joint: (T,) cross-validated R^2 of ridge on A, on B and on [A B].
    unique_a: (T,) r2_joint - r2_b.   unique_b: (T,) r2_joint - r2_a.
    shared: (T,) r2_a + r2_b - r2_joint (Lescroart, Stansbury & Gallant 2015).
    Never clipped: on finite data any of them can be negative.
    metric: 'r2' (about each test block's mean) or 'r2_oos' (against the training mean).
    aggregation: 'per_fold_mean' (score each fold, average) or 'pooled' (one score over all
      test rows).
    """
    r2_a: np.ndarray
    r2_b: np.ndarray
    r2_joint: np.ndarray
    unique_a: np.ndarray
    unique_b: np.ndarray
    shared: np.ndarray
    metric: str
    aggregation: str


def _partition_args(name_a, A, name_b, B, Y, cv, alphas, inner_folds, inner_gap, inner_groups, metric, aggregation,
                    groups):
    A = float64_matrix(A, name_a)
    B = float64_matrix(B, name_b)
    Y = float64_matrix(Y, "Y", ndims=(1, 2))
    metric = _choice(metric, "metric", METRICS)
    aggregation = _choice(aggregation, "aggregation", AGGREGATIONS)
    folds = folds_of(cv, A, Y, groups)
    labels = None if inner_groups is None else _labels(inner_groups, Y.shape[0], "inner_groups")
    return (A, B, Y, folds, _alphas(alphas), _count(inner_folds, "inner_folds"), _count(inner_gap, "inner_gap"),
            labels, metric, aggregation)


def partition_variance(A, B, Y, cv=5, alphas=DEFAULT_ALPHAS, inner_folds=5, inner_gap=0, inner_groups=None,
                       metric="r2", aggregation="per_fold_mean", groups=None):
    """Unique and shared variance of feature sets A and B (samples x features each) for Y
    (samples x targets, or 1-D for one target): ridge on A, on B and on [A B] (columns stacked),
    each scored by nested cross-validation exactly as cross_validated_ridge (same outer folds,
    alpha per target chosen on contiguous inner folds of each training set; inner_groups:
    whole groups instead), then scored by `metric` on the out-of-fold predictions.

    cv: as cross_validated_ridge: an int k is ContiguousKFold(k), else a splitter with
    split(X, y, groups) (groups is passed to it) or a list of (train, test) pairs.
    metric: 'r2' or 'r2_oos' (Pearson r is not variance and is refused).
    aggregation: 'per_fold_mean' or 'pooled'. Returns VariancePartition."""
    args = _partition_args("A", A, "B", B, Y, cv, alphas, inner_folds, inner_gap, inner_groups, metric, aggregation,
                           groups)
    return VariancePartition.from_dict(_neuroscore.partition_variance(*args))


@result
class FeghhiOmega:
    """feghhi_omega() (Feghhi et al. 2024), per target.

    percent: (T,) omega = 100 shared / R^2(llm), the percent of the LLM's cross-validated R^2
      that the simple features account for (not clipped: > 100 or < 0 can happen); NaN where
      undefined.
    undefined: (T,) bool, R^2(llm) <= 0.
    partition: the VariancePartition with A = simple, B = llm.
    """
    percent: np.ndarray
    undefined: np.ndarray
    partition: VariancePartition


def feghhi_omega(simple, llm, Y, cv=5, alphas=DEFAULT_ALPHAS, inner_folds=5, inner_gap=0, inner_groups=None,
                 metric="r2", aggregation="per_fold_mean", groups=None):
    """Feghhi's omega: partition_variance(simple, llm, Y, ...) (same arguments) and the shared
    variance as a percent of the LLM's R^2. Returns FeghhiOmega."""
    args = _partition_args("simple", simple, "llm", llm, Y, cv, alphas, inner_folds, inner_gap, inner_groups, metric,
                           aggregation, groups)
    d = _neuroscore.feghhi_omega(*args)
    return FeghhiOmega.from_dict(d, partition=VariancePartition.from_dict(d["partition"]))


# ---------------------------------------------------------------------------------------
# Features on the volume grid.

def _delays(delays):
    arr = np.asarray(delays)
    if arr.ndim != 1 or arr.size == 0 or arr.dtype.kind not in "iu":
        raise ValueError(f"delays must be a non-empty 1-D sequence of integers (samples), got {delays!r}")
    if arr.max() >= 2**31:
        raise ValueError(f"delay {arr.max()} is too large")
    return [int(d) for d in arr]


def fir_delays(X, delays, *, run_lengths=None, groups=None):
    """Finite impulse response expansion: X (n samples x p features, or 1-D for one feature) and
    delays d_1..d_m (integers >= 0, in samples) give an (n, p * m) array of m blocks, delay-major:
    columns [X(t - d_1) | X(t - d_2) | ...], block k at row i holds X[i - d_k], zero where
    i - d_k < 0.

    Runs (stories, scanner runs) stacked one after another in X's rows: a delayed row never
    reaches into the previous run, so the first d_k rows of every run see zeros. Give them as
    at most one of
      run_lengths: the number of rows of each run, in order (must sum to n);
      groups: one label per row (any type, e.g. story names); a run is a maximal stretch of
        consecutive equal labels, so a label that comes back later starts a new run.
    With neither, X is one run."""
    X = float64_matrix(X, "X", ndims=(1, 2))
    lengths, labels = _runs(run_lengths, groups, X.shape[0])
    return _neuroscore.fir_delays(X, _delays(delays), lengths, labels)


def zscore_per_run(Y, *, run_lengths=None, groups=None):
    """Each column of Y (n x targets, or 1-D) z-scored within each run: minus the run's mean,
    divided by the run's population standard deviation (ddof = 0, scipy.stats.zscore), as the
    Huth lab z-scores each story. Runs as in fir_delays (run_lengths or groups, at most one;
    neither: the whole column). A column constant within a run is a ValueError naming it.
    Returns a (n, targets) array."""
    Y = float64_matrix(Y, "Y", ndims=(1, 2))
    lengths, labels = _runs(run_lengths, groups, Y.shape[0])
    return _neuroscore.zscore_per_run(Y, lengths, labels)


def lanczos_resample(event_seconds, values, volume_seconds=None, *, tr_seconds=None, volumes=None,
                     first_volume_seconds=0.0, lobes=3, cutoff_mult=1.0):
    """Lanczos resampling of events (word times, in seconds) to fMRI volume times, exactly the
    Huth lab's lanczosinterp2D (rectify=False):
      cutoff = cutoff_mult / mean(diff(volume times))   (Hz),
      out[j] = sum_e L(volume_time[j] - event_seconds[e]) * values[e],
      L(t) = sinc(u) sinc(u / lobes) for |u| <= lobes, else 0, with u = cutoff * t and
      sinc(x) = sin(pi x) / (pi x).
    The weights are not normalized: a stream of rho events per second of constant value c
    resamples to about c * rho * TR / cutoff_mult. Events at the volume times reproduce their
    values exactly.

    values: (events, features), or 1-D (events,) which gives a 1-D result.
    Volume times, exactly one of the two forms (ValueError otherwise):
      volume_seconds: increasing times of the volumes (>= 2);
      tr_seconds and volumes: the grid first_volume_seconds + j * tr_seconds, j < volumes
        (the start of each acquisition, the Huth lab's TR trigger times).
    lobes: a, the sinc lobes kept on each side (>= 1).  cutoff_mult: > 0, 1 = Nyquist of the grid.
    Returns (volumes, features), or (volumes,) for 1-D values."""
    events = float64_vector(event_seconds, "event_seconds")
    vals = float64_matrix(values, "values", ndims=(1, 2))
    lobes = _count(lobes, "lobes", minimum=1)
    if lobes >= 2**31:
        raise ValueError(f"lobes = {lobes} is too large")
    cutoff_mult = float(cutoff_mult)
    grid_given = tr_seconds is not None or volumes is not None
    if volume_seconds is not None and grid_given:
        raise ValueError("give volume_seconds or the grid (tr_seconds and volumes), not both")
    if volume_seconds is not None:
        if first_volume_seconds != 0.0:
            raise ValueError("first_volume_seconds belongs to the grid form (tr_seconds and volumes); "
                             "with volume_seconds the times are given")
        out = _neuroscore.lanczos_resample_times(events, vals, float64_vector(volume_seconds, "volume_seconds"),
                                                 lobes, cutoff_mult)
    elif tr_seconds is not None and volumes is not None:
        out = _neuroscore.lanczos_resample_grid(events, vals, _count(volumes, "volumes"), float(tr_seconds),
                                                float(first_volume_seconds), lobes, cutoff_mult)
    elif grid_given:
        raise ValueError("the grid form needs both tr_seconds and volumes")
    else:
        raise ValueError("give the volume times: volume_seconds, or tr_seconds and volumes")
    return out[:, 0] if vals.ndim == 1 else out
