"""neuroscore's ceilings, variance partitioning, FIR delays and Lanczos resampling from Python,
checked against numpy written here from the formulas the papers (and the C++ headers) state,
against closed forms, and on simulated data with a planted signal (fixed seeds)."""
import numpy as np
import pytest

import neuroscore as ns

# ---------------------------------------------------------------------------------------
# numpy references


def column_r(a, b):
    ac = a - a.mean(axis=0)
    bc = b - b.mean(axis=0)
    return (ac * bc).sum(axis=0) / np.sqrt((ac**2).sum(axis=0) * (bc**2).sum(axis=0))


def spearman_brown(rho, k):
    return k * rho / (1 + (k - 1) * rho)


def planted(seed, n_trials, samples, noise_sd):
    """Trials = one signal (unit variance per target) + independent noise of sd noise_sd[t]."""
    rng = np.random.default_rng(seed)
    noise_sd = np.asarray(noise_sd, dtype=float)
    signal = rng.standard_normal((samples, noise_sd.size))
    return signal, signal + noise_sd * rng.standard_normal((n_trials, samples, noise_sd.size))


def shifted(X, d):
    out = np.zeros_like(X)
    if d < len(X):
        out[d:] = X[:len(X) - d]
    return out


def lanczos_reference(event_seconds, values, volume_seconds, lobes=3, cutoff_mult=1.0):
    """The Huth lab's lanczosinterp2D (interpdata.py) as a matrix: window sinc(u) sinc(u / a),
    u = cutoff (t_volume - t_event), zero beyond a lobes, cutoff = cutoff_mult / mean(diff)."""
    cutoff = cutoff_mult / np.mean(np.diff(volume_seconds))
    u = cutoff * (volume_seconds[:, None] - event_seconds[None, :])
    window = np.sinc(u) * np.sinc(u / lobes)
    window[np.abs(u) > lobes] = 0.0
    return window @ values


# ---------------------------------------------------------------------------------------
# FIR delays


def test_fir_delays_equal_shifting_with_zeros():
    X = np.random.default_rng(0).standard_normal((12, 3))
    delays = [0, 1, 4, 15]  # 15 > samples: an all-zero block
    out = ns.fir_delays(X, delays)
    assert out.shape == (12, 3 * len(delays))
    np.testing.assert_array_equal(out, np.hstack([shifted(X, d) for d in delays]))
    # a 1-D X is one feature
    np.testing.assert_array_equal(ns.fir_delays(X[:, 1], [2, 0]), np.column_stack([shifted(X[:, 1], 2), X[:, 1]]))


def test_fir_delays_never_leak_across_runs():
    X = np.arange(1.0, 31.0).reshape(15, 2)
    lengths = [6, 2, 7]
    delays = [0, 1, 3]
    starts = np.cumsum([0] + lengths)
    expected = np.vstack([np.hstack([shifted(X[a:b], d) for d in delays]) for a, b in zip(starts[:-1], starts[1:])])
    by_lengths = ns.fir_delays(X, delays, run_lengths=lengths)
    np.testing.assert_array_equal(by_lengths, expected)
    # labels of any type; a label coming back later is a new run
    labels = np.array(["a"] * 6 + ["b"] * 2 + ["a"] * 7)
    np.testing.assert_array_equal(ns.fir_delays(X, delays, groups=labels), expected)
    # the first rows of run 2 (row 8 on) hold zeros, not the end of run 1
    assert np.all(by_lengths[8:11, 2 * 2:] == 0.0)
    assert not np.array_equal(by_lengths, ns.fir_delays(X, delays))


def test_fir_delays_errors():
    X = np.ones((5, 2))
    with pytest.raises(ValueError, match="negative delay -1"):
        ns.fir_delays(X, [0, -1])
    with pytest.raises(ValueError, match="sum to 4 volumes but the matrix has 5 rows"):
        ns.fir_delays(X, [1], run_lengths=[2, 2])
    with pytest.raises(ValueError, match="not both"):
        ns.fir_delays(X, [1], run_lengths=[5], groups=np.zeros(5, int))
    with pytest.raises(ValueError, match="groups has shape"):
        ns.fir_delays(X, [1], groups=np.zeros(4, int))
    with pytest.raises(ValueError, match="delays must be"):
        ns.fir_delays(X, [0.5])
    with pytest.raises(ValueError, match="delays must be"):
        ns.fir_delays(X, [])


def test_zscore_per_run_matches_numpy():
    Y = np.random.default_rng(1).standard_normal((10, 3)) * 5 + 2
    expected = np.vstack([(b - b.mean(0)) / b.std(0) for b in (Y[:4], Y[4:])])
    np.testing.assert_allclose(ns.zscore_per_run(Y, run_lengths=[4, 6]), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ns.zscore_per_run(Y, groups=[7] * 4 + [3] * 6), expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ns.zscore_per_run(Y), (Y - Y.mean(0)) / Y.std(0), rtol=0, atol=1e-12)
    Y[4:, 1] = 3.0
    with pytest.raises(ValueError, match="run 1.*constant|constant.*run 1"):
        ns.zscore_per_run(Y, run_lengths=[4, 6])


# ---------------------------------------------------------------------------------------
# Lanczos resampling


def test_lanczos_matches_huth_lanczosinterp2d():
    rng = np.random.default_rng(2)
    events = np.sort(rng.uniform(-1.0, 41.0, 90))
    values = rng.standard_normal((90, 3))
    volumes = np.arange(20) * 2.0 + 0.5 + rng.uniform(-0.2, 0.2, 20)  # irregular: mean(diff) matters
    for lobes, cutoff_mult in [(3, 1.0), (2, 0.7), (5, 1.3)]:
        got = ns.lanczos_resample(events, values, volumes, lobes=lobes, cutoff_mult=cutoff_mult)
        # 1e-12: a sum of ~30 products of O(1) numbers, sin() in C++ and numpy differ by ulps
        np.testing.assert_allclose(got, lanczos_reference(events, values, volumes, lobes, cutoff_mult),
                                   rtol=0, atol=1e-12)
    # 1-D values give a 1-D result
    one = ns.lanczos_resample(events, values[:, 0], volumes)
    assert one.shape == (20,)
    np.testing.assert_allclose(one, lanczos_reference(events, values[:, :1], volumes)[:, 0], rtol=0, atol=1e-12)


def test_lanczos_grid_form_is_the_explicit_times():
    rng = np.random.default_rng(3)
    events = np.sort(rng.uniform(0.0, 30.0, 50))
    values = rng.standard_normal((50, 2))
    grid = ns.lanczos_resample(events, values, tr_seconds=1.5, volumes=20, first_volume_seconds=1.0)
    times = ns.lanczos_resample(events, values, 1.0 + 1.5 * np.arange(20))
    np.testing.assert_allclose(grid, times, rtol=0, atol=1e-13)


def test_lanczos_reproduces_events_at_volume_times():
    # L vanishes at nonzero multiples of TR and is 1 at 0: out = values (up to sin(k pi) ~ 1e-16)
    values = np.random.default_rng(4).standard_normal((15, 2))
    times = 3.0 + 2.0 * np.arange(15)
    np.testing.assert_allclose(ns.lanczos_resample(times, values, tr_seconds=2.0, volumes=15, first_volume_seconds=3.0),
                               values, rtol=0, atol=1e-13)


def test_lanczos_constant_stream_closed_form():
    # rho events per second of value c resample (away from the ends) to c rho TR I_3 / cutoff_mult,
    # I_3 = integral of sinc(u) sinc(u / 3) over [-3, 3] = 0.99706 (align.hpp); events every
    # 0.05 s make the sum a fine Riemann sum of that integral (error << 1e-4).
    events = np.arange(0.0, 60.0, 0.05) + 0.025
    out = ns.lanczos_resample(events, np.full(events.size, 2.0), tr_seconds=2.0, volumes=30)
    middle = out[5:25]
    np.testing.assert_allclose(middle, 2.0 * 20.0 * 2.0 * 0.99706, rtol=1e-4)


def test_lanczos_errors():
    ev = np.array([0.5, 1.5])
    vals = np.ones((2, 1))
    with pytest.raises(ValueError, match="not both"):
        ns.lanczos_resample(ev, vals, np.array([0.0, 2.0]), tr_seconds=2.0, volumes=3)
    with pytest.raises(ValueError, match="give the volume times"):
        ns.lanczos_resample(ev, vals)
    with pytest.raises(ValueError, match="needs both tr_seconds and volumes"):
        ns.lanczos_resample(ev, vals, tr_seconds=2.0)
    with pytest.raises(ValueError, match="first_volume_seconds belongs to the grid form"):
        ns.lanczos_resample(ev, vals, np.array([0.0, 2.0]), first_volume_seconds=1.0)
    with pytest.raises(ValueError, match="2 event times but 3 rows of values"):
        ns.lanczos_resample(ev, np.ones((3, 1)), tr_seconds=2.0, volumes=4)
    with pytest.raises(ValueError, match="non-finite"):
        ns.lanczos_resample(ev, np.array([[1.0], [np.nan]]), tr_seconds=2.0, volumes=4)
    with pytest.raises(ValueError, match="does not follow"):
        ns.lanczos_resample(ev, vals, np.array([0.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="bad grid"):
        ns.lanczos_resample(ev, vals, tr_seconds=-2.0, volumes=4)
    with pytest.raises(ValueError, match="cutoff_mult"):
        ns.lanczos_resample(ev, vals, tr_seconds=2.0, volumes=4, cutoff_mult=0.0)
    with pytest.raises(ValueError, match="lobes"):
        ns.lanczos_resample(ev, vals, tr_seconds=2.0, volumes=4, lobes=0)


# ---------------------------------------------------------------------------------------
# Ceilings against the papers' formulas


def test_schoppe_cc_max_and_cc_norm_match_the_formulas():
    _, trials = planted(5, 4, 50, [0.5, 1.0, 3.0])
    N = len(trials)
    c = ns.schoppe_cc_max(trials)
    # Schoppe et al. 2016: SP = (Var(sum R_n) - sum Var(R_n)) / (N (N - 1)), population variances
    sp = (trials.sum(0).var(0) - trials.var(1).sum(0)) / (N * (N - 1))
    np.testing.assert_allclose(c.signal_power, sp, rtol=1e-12)
    np.testing.assert_allclose(c.response_power, trials.mean(0).var(0), rtol=1e-12)
    np.testing.assert_allclose(c.cc_max, np.sqrt(sp / trials.mean(0).var(0)), rtol=1e-12)
    assert c.trials == N and not c.no_signal.any()
    prediction = np.random.default_rng(6).standard_normal((50, 3)) + trials.mean(0)
    n = ns.schoppe_cc_norm(trials, prediction)
    np.testing.assert_allclose(n.cc_abs, column_r(trials.mean(0), prediction), rtol=1e-12)
    np.testing.assert_allclose(n.cc_norm, n.cc_abs / n.ceiling.cc_max, rtol=1e-12)
    # the second form of the paper: Cov(ybar, yhat) / sqrt(Var(yhat) SP)
    ybar = trials.mean(0)
    cov = ((ybar - ybar.mean(0)) * (prediction - prediction.mean(0))).mean(0)
    np.testing.assert_allclose(n.cc_norm, cov / np.sqrt(prediction.var(0) * sp), rtol=1e-12)


def test_schoppe_flags_a_target_without_signal():
    x = np.random.default_rng(7).standard_normal((30, 2))
    trials = [x, -x]  # column sum is 0: SP = -Var(x) / 1 < 0
    c = ns.schoppe_cc_max(trials)
    assert c.no_signal.tolist() == [True, True] and c.no_signal.dtype == bool
    assert np.all(c.cc_max == 0.0) and np.all(c.signal_power < 0)
    assert np.all(np.isnan(ns.schoppe_cc_norm(trials, x).cc_norm))


def test_nsd_noise_ceiling_matches_allen_2022():
    _, trials = planted(8, 3, 40, [0.5, 1.0, 2.0])
    N, S, T = trials.shape
    stacked = trials.reshape(N * S, T)
    z = ((stacked - stacked.mean(0)) / stacked.std(0)).reshape(N, S, T)
    noise_var = z.var(axis=0, ddof=1).mean(axis=0)
    ncsnr = np.sqrt(np.maximum(0.0, 1.0 - noise_var)) / np.sqrt(noise_var)
    for averaged, n in [(0, N), (1, 1), (2.5, 2.5)]:
        got = ns.nsd_noise_ceiling(trials, trials_averaged=averaged)
        np.testing.assert_allclose(got.noise_stddev, np.sqrt(noise_var), rtol=1e-12)
        np.testing.assert_allclose(got.ncsnr, ncsnr, rtol=1e-10)
        np.testing.assert_allclose(got.noise_ceiling_percent, 100 * ncsnr**2 / (ncsnr**2 + 1 / n), rtol=1e-10)
        assert got.trials_averaged == n
    # unstandardized: the same estimator on the data's own scale, so the same ncsnr
    raw = ns.nsd_noise_ceiling(trials * 7.0 + 3.0, zscore=False)
    np.testing.assert_allclose(raw.ncsnr, ncsnr, rtol=1e-10)
    np.testing.assert_allclose(raw.noise_stddev, 7.0 * np.sqrt((trials.var(axis=0, ddof=1)).mean(0)), rtol=1e-10)


def test_explainable_variance_matches_voxelwise_tutorials():
    _, trials = planted(9, 5, 60, [0.7, 1.5])
    N = len(trials)
    z = (trials - trials.mean(1, keepdims=True)) / trials.std(1, keepdims=True)
    raw = z.mean(0).var(0, ddof=1) / z.var(1, ddof=1).mean(0)
    got = ns.explainable_variance(trials)
    np.testing.assert_allclose(got.raw, raw, rtol=1e-12)
    np.testing.assert_allclose(got.corrected, raw - (1 - raw) / (N - 1), rtol=1e-12)
    assert got.trials == N
    unscaled = ns.explainable_variance(trials, zscore=False)
    np.testing.assert_allclose(unscaled.raw, trials.mean(0).var(0, ddof=1) / trials.var(1, ddof=1).mean(0), rtol=1e-12)


def test_split_half_matches_even_odd_and_spearman_brown():
    _, trials = planted(10, 5, 40, [0.5, 2.0])
    half = column_r(trials[[0, 2, 4]].mean(0), trials[[1, 3]].mean(0))
    got = ns.split_half_reliability(trials)
    np.testing.assert_allclose(got.half_r, half, rtol=1e-12)
    np.testing.assert_allclose(got.reliability, 2 * half / (1 + half), rtol=1e-12)
    assert (got.trials, got.splits, got.seed) == (5, 1, 0)
    # random splits: reproducible from the seed, recorded; with 2 trials every split is trial
    # 0 against trial 1, so the mean over splits is the plain r
    a = ns.split_half_reliability(trials, random_splits=7, seed=123)
    b = ns.split_half_reliability(trials, random_splits=7, seed=123)
    np.testing.assert_array_equal(a.half_r, b.half_r)
    assert (a.splits, a.seed) == (7, 123)
    assert not np.array_equal(a.half_r, ns.split_half_reliability(trials, random_splits=7, seed=124).half_r)
    two = ns.split_half_reliability(trials[:2], random_splits=4, seed=5)
    np.testing.assert_allclose(two.half_r, column_r(trials[0], trials[1]), rtol=1e-12)


def test_leave_one_subject_out_matches_numpy_and_its_correction():
    _, subjects = planted(11, 4, 60, [1.0, 2.0])
    S = len(subjects)
    per_subject = np.array([column_r(subjects[i], np.delete(subjects, i, axis=0).mean(0)) for i in range(S)])
    got = ns.leave_one_subject_out_ceiling(subjects)
    np.testing.assert_allclose(got.per_subject_r, per_subject, rtol=1e-12)
    np.testing.assert_allclose(got.mean_r, per_subject.mean(0), rtol=1e-12)
    # rho_1 solves r^2 = rho_1 SB(rho_1, S - 1) (ceiling.hpp's parallel-measurement model)
    rho = got.single_subject_reliability
    np.testing.assert_allclose(rho * spearman_brown(rho, S - 1), got.mean_r**2, rtol=1e-12)
    np.testing.assert_allclose(got.corrected_r, np.sqrt(rho), rtol=1e-12)
    # per fold: r on each test block, averaged over folds
    folds = list(ns.ContiguousKFold(3).split(subjects[0]))
    per_fold = np.mean([[column_r(subjects[i][te], np.delete(subjects, i, axis=0).mean(0)[te]) for i in range(S)]
                        for _, te in folds], axis=0)
    np.testing.assert_allclose(ns.leave_one_subject_out_ceiling(subjects, cv=3).per_subject_r, per_fold, rtol=1e-12)
    np.testing.assert_allclose(ns.leave_one_subject_out_ceiling(subjects, cv=folds).per_subject_r, per_fold,
                               rtol=1e-12)


def test_extrapolation_ceiling_ends_at_the_loso_mean_and_is_seeded():
    _, subjects = planted(12, 5, 80, [1.0, 1.5])
    got = ns.extrapolation_ceiling(subjects, subsets_per_size=4, bootstraps=9, seed=3)
    np.testing.assert_array_equal(got.pool_sizes, [1, 2, 3, 4])
    assert got.consistency.shape == (4, 2) and got.bootstrap_v0.shape == (9, 2)
    # at pool size S - 1 every subset is all subjects: the consistency is LOSO's mean r
    np.testing.assert_allclose(got.consistency[-1], ns.leave_one_subject_out_ceiling(subjects).mean_r, rtol=1e-12)
    np.testing.assert_allclose(got.v0, np.median(got.bootstrap_v0, axis=0), rtol=1e-15)
    assert got.median_ceiling == pytest.approx(np.median(got.v0), rel=1e-15)
    assert got.seed == 3
    again = ns.extrapolation_ceiling(subjects, subsets_per_size=4, bootstraps=9, seed=3)
    np.testing.assert_array_equal(got.bootstrap_v0, again.bootstrap_v0)
    with pytest.raises(ValueError, match="at least 3"):
        ns.extrapolation_ceiling(subjects[:2])


def test_ceilings_agree_on_a_planted_signal_fraction():
    # Trials = signal (variance 1) + noise (variance s^2), N = 8 trials, 3000 samples, seed 13.
    # Known: explainable variance of one trial 1 / (1 + s^2); of the N-trial mean
    # 1 / (1 + s^2 / N). Tolerance per target, in r^2 units: at least 4 sd of every estimator
    # below, sd measured over seeds 13..52 with this test's sizes (0.0005 to 0.017, growing
    # with the noise: 0.005 / 0.008 / 0.014 / 0.017 at most for s = 0.5 / 1 / 2 / 3). The seed is
    # fixed, so the test is deterministic; the margin says a correct estimator passes for any seed.
    s = np.array([0.5, 1.0, 2.0, 3.0])
    N = 8
    signal, trials = planted(13, N, 3000, s)
    one_trial = 1 / (1 + s**2)
    mean_of_n = 1 / (1 + s**2 / N)
    tol = np.array([0.025, 0.035, 0.06, 0.07])
    def near(got, want):  # per-target tolerance (assert_allclose takes one atol)
        assert np.all(np.abs(got - want) <= tol), f"got {got}, want {want} within {tol}"

    near(ns.schoppe_cc_max(trials).cc_max**2, mean_of_n)
    near(ns.split_half_reliability(trials).reliability, mean_of_n)
    near(ns.nsd_noise_ceiling(trials).noise_ceiling_percent / 100, mean_of_n)
    near(ns.nsd_noise_ceiling(trials, trials_averaged=1).noise_ceiling_percent / 100, one_trial)
    near(ns.explainable_variance(trials).corrected, one_trial)
    near(ns.leave_one_subject_out_ceiling(trials).single_subject_reliability, one_trial)
    # the planted signal itself is as good as the noise allows: CC_norm = 1
    near(ns.schoppe_cc_norm(trials, signal).cc_norm, 1.0)
    # floor: an unrelated prediction scores near 0 (sd of r on 3000 samples 0.018, over
    # cc_max >= 0.69: sd 0.026, so 0.1 is about 4 sd)
    unrelated = np.random.default_rng(14).standard_normal(signal.shape)
    np.testing.assert_allclose(ns.schoppe_cc_norm(trials, unrelated).cc_norm, 0.0, atol=0.1)


@pytest.mark.parametrize("call", [
    lambda t: ns.split_half_reliability(t, random_splits=3, seed=1).half_r,
    lambda t: ns.schoppe_cc_max(t).cc_max,
    lambda t: ns.schoppe_cc_norm(t, t[0]).cc_norm,
    lambda t: ns.nsd_noise_ceiling(t).ncsnr,
    lambda t: ns.explainable_variance(t).corrected,
    lambda t: ns.leave_one_subject_out_ceiling(t, cv=2).per_subject_r,
    lambda t: ns.extrapolation_ceiling(t, subsets_per_size=2, bootstraps=3).bootstrap_v0,
])
def test_a_3d_array_and_a_list_give_identical_results(call):
    _, trials = planted(15, 4, 20, [1.0, 2.0])
    as_list = [np.array(t) for t in trials]
    np.testing.assert_array_equal(call(trials), call(as_list))
    np.testing.assert_array_equal(call(trials), call(np.asfortranarray(trials)))


def test_each_trial_is_copied_once():
    _, trials = planted(16, 3, 10, [1.0])
    before = ns.input_copies()
    ns.schoppe_cc_max(trials)
    assert ns.input_copies() - before == 3


def test_ceiling_input_errors():
    good = np.ones((4, 2)) + np.arange(8.0).reshape(4, 2)
    with pytest.raises(ValueError, match="trial 1 is 3 x 2 but trial 0 is 4 x 2"):
        ns.schoppe_cc_max([good, good[:3]])
    bad = good.copy()
    bad[2, 1] = np.nan
    with pytest.raises(ValueError, match=r"trial 1 has a non-finite value \(nan\) at row 2, column 1"):
        ns.nsd_noise_ceiling([good, bad])
    with pytest.raises(ValueError, match="at least 2 trials, got 1"):
        ns.explainable_variance([good])
    with pytest.raises(ValueError, match="must be 3-D"):
        ns.split_half_reliability(good)
    with pytest.raises(ValueError, match="trials is empty"):
        ns.schoppe_cc_max([])
    with pytest.raises(ValueError, match=r"trials\[1\] must be 2-D"):
        ns.schoppe_cc_max([good, good[:, 0]])
    with pytest.raises(ValueError, match="prediction"):
        ns.schoppe_cc_norm([good, good], good[:3])
    with pytest.raises(ValueError, match="trials_averaged"):
        ns.nsd_noise_ceiling([good, good], trials_averaged=-1)
    with pytest.raises(ValueError, match="seed"):
        ns.split_half_reliability([good, good], random_splits=2, seed=-1)
    with pytest.raises(ValueError, match=r"tests 2 samples \(< 3\)"):
        ns.leave_one_subject_out_ceiling([good, good * 2], cv=2)


def test_normalize_by_ceiling_units():
    score = np.array([0.3, 0.5, 0.2, 0.4])
    got = ns.normalize_by_ceiling(score, np.array([0.6, 0.4, 0.0, -0.1]))
    np.testing.assert_allclose(got.unclipped, [0.5, 1.25, np.nan, np.nan])
    np.testing.assert_allclose(got.clipped, [0.5, 1.0, np.nan, np.nan])
    assert got.invalid_ceiling.tolist() == [False, False, True, True] and got.unit == "r"
    # an r^2 ceiling for an r score: its square root; an r ceiling for an r^2 score: its square
    np.testing.assert_allclose(ns.normalize_by_ceiling(score[:2], np.array([0.36, 0.64]), ceiling_unit="r2").unclipped,
                               [0.5, 0.625])
    sq = ns.normalize_by_ceiling(np.array([0.09]), np.array([0.6]), score_unit="r2")
    np.testing.assert_allclose(sq.unclipped, [0.25])
    assert sq.unit == "r2"
    with pytest.raises(ValueError, match="score_unit must be one of 'r', 'r2'"):
        ns.normalize_by_ceiling(score, score, score_unit="r^2")
    with pytest.raises(ValueError, match="4 scores but 3 ceilings"):
        ns.normalize_by_ceiling(score, score[:3])


# ---------------------------------------------------------------------------------------
# Variance partitioning


def partition_data(seed):
    """A and B share a latent; Y depends on both plus noise."""
    rng = np.random.default_rng(seed)
    n = 90
    shared = rng.standard_normal((n, 1))
    A = np.hstack([shared, rng.standard_normal((n, 2))]) + 0.3 * rng.standard_normal((n, 3))
    B = np.hstack([shared, rng.standard_normal((n, 1))]) + 0.3 * rng.standard_normal((n, 2))
    Y = A @ rng.standard_normal((3, 3)) + B @ rng.standard_normal((2, 3)) + rng.standard_normal((n, 3))
    return A, B, Y


ALPHAS = (0.1, 10.0, 1000.0)


def numpy_r2(Y, folds, predictions, metric, aggregation):
    """R^2 of out-of-fold predictions: about the test mean (r2) or the training mean (r2_oos),
    per fold then averaged, or pooled over folds (score.hpp's FoldAggregation)."""
    sse, sst = [], []
    for train, test in folds:
        y, p = Y[test], predictions[test]
        base = y.mean(0) if metric == "r2" else Y[train].mean(0)
        sse.append(((y - p)**2).sum(0))
        sst.append(((y - base)**2).sum(0))
    if aggregation == "pooled":
        if metric == "r2":  # one R^2 about the mean of all test rows together
            rows = np.concatenate([te for _, te in folds])
            return 1 - np.sum(sse, 0) / ((Y[rows] - Y[rows].mean(0))**2).sum(0)
        return 1 - np.sum(sse, 0) / np.sum(sst, 0)
    return np.mean(1 - np.array(sse) / np.array(sst), axis=0)


@pytest.mark.parametrize("metric,aggregation", [("r2", "per_fold_mean"), ("r2_oos", "pooled"),
                                                ("r2", "pooled"), ("r2_oos", "per_fold_mean")])
def test_partition_variance_is_three_cross_validated_fits(metric, aggregation):
    A, B, Y = partition_data(17)
    folds = list(ns.ContiguousKFold(3).split(A))
    got = ns.partition_variance(A, B, Y, cv=3, alphas=ALPHAS, inner_folds=3, metric=metric, aggregation=aggregation)

    def r2(X):
        fit = ns.cross_validated_ridge(X, Y, cv=folds, alphas=ALPHAS, inner_folds=3)
        return numpy_r2(Y, folds, fit.predictions, metric, aggregation)

    # 1e-10: the same ridge fits; only the R^2 sums differ in summation order
    np.testing.assert_allclose(got.r2_a, r2(A), rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.r2_b, r2(B), rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.r2_joint, r2(np.hstack([A, B])), rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.unique_a + got.shared, got.r2_a, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got.unique_b + got.shared, got.r2_b, rtol=0, atol=1e-12)
    np.testing.assert_allclose(got.unique_a, got.r2_joint - got.r2_b, rtol=0, atol=1e-12)
    assert (got.metric, got.aggregation) == (metric, aggregation)
    # the shared latent is visible: both sets alone explain part of what the joint fit does
    assert np.all(got.shared > 0.05)


def test_partition_variance_takes_any_cv_form_and_groups():
    A, B, Y = partition_data(18)
    folds = list(ns.ContiguousKFold(3).split(A))
    by_int = ns.partition_variance(A, B, Y, cv=3, alphas=ALPHAS, inner_folds=3)
    by_list = ns.partition_variance(A, B, Y, cv=folds, alphas=ALPHAS, inner_folds=3)
    np.testing.assert_array_equal(by_int.r2_joint, by_list.r2_joint)
    groups = np.repeat([4, 5, 6], 30)
    by_groups = ns.partition_variance(A, B, Y, cv=ns.LeaveOneGroupOut(), groups=groups, alphas=ALPHAS, inner_folds=3)
    np.testing.assert_array_equal(by_groups.r2_a, by_list.r2_a)  # the same three blocks


def test_feghhi_omega_is_shared_over_the_llm_r2():
    A, B, Y = partition_data(19)
    got = ns.feghhi_omega(A, B, Y, cv=3, alphas=ALPHAS, inner_folds=3)
    p = got.partition
    assert isinstance(p, ns.VariancePartition)
    np.testing.assert_allclose(got.percent, 100 * p.shared / p.r2_b, rtol=1e-12)
    np.testing.assert_allclose(got.percent, 100 * (1 - (p.r2_joint - p.r2_a) / p.r2_b), rtol=1e-10)
    assert not got.undefined.any()


def test_partition_variance_errors():
    A, B, Y = partition_data(20)
    with pytest.raises(ValueError, match="metric must be one of 'r2', 'r2_oos', got 'pearson_r'"):
        ns.partition_variance(A, B, Y, metric="pearson_r")
    with pytest.raises(ValueError, match="aggregation must be one of 'per_fold_mean', 'pooled'"):
        ns.partition_variance(A, B, Y, aggregation="mean")
    with pytest.raises(ValueError, match="A has 89 samples, B 90, Y 90"):
        ns.partition_variance(A[:89], B, Y, cv=[(np.arange(45), np.arange(45, 89))], alphas=ALPHAS, inner_folds=3)
    A[3, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        ns.partition_variance(A, B, Y, cv=3, alphas=ALPHAS, inner_folds=3)
