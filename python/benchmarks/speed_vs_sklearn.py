"""neuroscore.RidgeCV against scikit-learn on the W1 shape, in one run (issue 16).

    bazel run --config=opt //python:speed_vs_sklearn -- [--quick] [--repeats 3] [--json out.json]
    OPENBLAS_NUM_THREADS=1 bazel run --config=opt //python:speed_vs_sklearn

Default sizes are W1's: 3000 samples x 768 features, 2000 targets, 17 alphas
(np.logspace(-2, 6, 17)), 5 contiguous folds. Synthetic data with a fixed seed: X has a decaying
spectrum in a random basis (correlated columns), Y = X W + noise at per-target SNRs spread over
three decades, so the chosen alphas vary across targets. Cases:

  1. per-target alpha, float64: neuroscore.RidgeCV(alphas, cv=ContiguousKFold(k),
     alpha_per_target=True).fit against the scikit-learn equivalent: for each of the k KFold
     folds and each alpha, Ridge(alpha).fit(X_train, Y_train) and r2_score(raw_values) on the
     test fold; per target the alpha of best mean R^2 (ties to the larger); then one Ridge refit
     on all rows per distinct chosen alpha.
  2. one shared alpha, float64: neuroscore.RidgeCV(alpha_per_target=False) against
     sklearn.linear_model.RidgeCV(alphas, cv=KFold(k)).
  3. per-target alpha, float32: neuroscore only, compared with case 1's float64 neuroscore.

Reported: wall seconds (best of --repeats), the ratio sklearn / neuroscore, agreement (fraction
of targets with the same alpha; largest |difference| of the predictions on X over all targets,
and over the targets whose alpha agrees), the BLAS thread
count, this machine's dgemm GFLOP/s measured with numpy in the same run, and neuroscore's
effective GFLOP/s from the operation count in neuroscore_flops() (stated in the output).
Not part of `bazel test` (STYLE.md item 15): the scikit-learn side of a full-size run takes
minutes.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np
import sklearn
from sklearn.linear_model import Ridge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold

import neuroscore

FLOP_RULE = ("GEMMs 2mnk; each symmetric eigendecomposition 9m^3 (Golub & Van Loan, symmetric QR with "
             "vectors); R^2 sums 3 flops per test value; the k fold factorizations plus the one on all rows")


def make_data(n, p, t, seed):
    """X: n x p with column covariance Q diag(s^2) Q' (s_k = 1 / sqrt(1 + k / 10), Q random
    orthogonal); Y = X W + noise, each target's signal scaled to SNR 10^u, u ~ U(-2.5, 0.5)."""
    rng = np.random.default_rng(seed)
    s = 1.0 / np.sqrt(1.0 + np.arange(p) / 10.0)
    q, _ = np.linalg.qr(rng.standard_normal((p, p)))
    x = (rng.standard_normal((n, p)) * s) @ q.T
    signal = x @ rng.standard_normal((p, t))
    signal /= signal.std(axis=0)
    snr = 10.0 ** rng.uniform(-2.5, 0.5, size=t)
    y = np.sqrt(snr) * signal + rng.standard_normal((n, t))
    return x, y


def best_of(repeats, fn):
    """(best wall seconds over `repeats` calls, the last result)."""
    best, out = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def dgemm_gflops(size, repeats=3):
    """numpy's (OpenBLAS's) dgemm rate on size x size @ size x size, best of `repeats`."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((size, size)), rng.standard_normal((size, size))
    a @ b  # warm up the thread pool
    seconds, _ = best_of(repeats, lambda: a @ b)
    return 2.0 * size**3 / seconds / 1e9


def blas_threads():
    """A description of the BLAS thread pools in this process (after neuroscore has run)."""
    env = os.environ.get("OPENBLAS_NUM_THREADS")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ("unknown (threadpoolctl not installed)" if env is None else env), env, []
    pools = [{"library": os.path.basename(i["filepath"]), "api": i["internal_api"], "num_threads": i["num_threads"]}
             for i in threadpool_info() if i.get("user_api") == "blas"]
    counts = sorted({p["num_threads"] for p in pools})
    text = "/".join(str(c) for c in counts) if counts else (env or "unknown")
    return text, env, pools


def neuroscore_flops(n, p, t, n_alphas, folds):
    """Operation count of neuroscore's fit_ridge (neuroscore/ridge.hpp): per fold (train rows
    m, test rows m_t, rank r = min(m - 1, p)) the Gram matrix, its eigendecomposition, the basis
    and test projections, B'Y per target and one prediction per alpha and target with its R^2;
    then the same factorization on all rows and the coefficients F diag(.) B'Y."""
    def factor(m, m_test):
        r = min(m - 1, p)
        if p <= m:  # primal: Xc'Xc (p x p), B = Xc V, test (X - mean) V
            return r, 2.0 * m * p * p + 9.0 * p**3 + 2.0 * m * p * r + 2.0 * m_test * p * r
        return r, 2.0 * m * m * p + 9.0 * m**3 + 2.0 * m * p * r + 2.0 * m_test * p * r  # dual

    total = 0.0
    for train, test in KFold(folds).split(np.zeros((n, 1))):
        r, f = factor(len(train), len(test))
        total += f + 2.0 * len(train) * r * t + n_alphas * (2.0 * len(test) * r * t + 3.0 * len(test) * t)
    r, f = factor(n, 0)
    return total + f + 2.0 * n * r * t + 2.0 * p * r * t


def best_index(r2):
    """argmax over alphas (axis 0), ties to the larger alpha."""
    return r2.shape[0] - 1 - np.argmax(r2[::-1], axis=0)


def sklearn_per_target(x, y, alphas, folds):
    """The scikit-learn loop equivalent to RidgeCV(alpha_per_target=True): (best alphas, predictions on x)."""
    r2 = np.zeros((len(alphas), y.shape[1]))
    for train, test in KFold(folds).split(x):
        x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
        for a, alpha in enumerate(alphas):
            model = Ridge(alpha=alpha).fit(x_train, y_train)
            r2[a] += r2_score(y_test, model.predict(x_test), multioutput="raw_values")
    best = alphas[best_index(r2 / folds)]
    predictions = np.empty_like(y)
    for alpha in np.unique(best):
        cols = np.flatnonzero(best == alpha)
        predictions[:, cols] = Ridge(alpha=alpha).fit(x, y[:, cols]).predict(x).reshape(len(x), -1)
    return best, predictions


def sklearn_shared(x, y, alphas, folds):
    model = SkRidgeCV(alphas=alphas, cv=KFold(folds)).fit(x, y)
    return np.full(y.shape[1], model.alpha_), model.predict(x)


def neuroscore_fit(x, y, alphas, folds, per_target):
    est = neuroscore.RidgeCV(alphas=alphas, cv=neuroscore.ContiguousKFold(folds), alpha_per_target=per_target)
    est.fit(x, y)
    return est.best_alphas_, est.predict(x)


def agreement(alphas_a, pred_a, alphas_b, pred_b):
    """Fraction of targets with the same alpha; largest |prediction difference| over all targets
    and over the targets with the same alpha (a target whose alpha differs is a near tie of the
    cv R^2 curve, and its predictions differ by the change of alpha, not by arithmetic)."""
    same = alphas_a == alphas_b
    diff = np.abs(np.asarray(pred_a, np.float64) - pred_b)
    return {"same_alpha_fraction": float(np.mean(same)),
            "max_abs_prediction_difference": float(diff.max()),
            "max_abs_prediction_difference_same_alpha": float(diff[:, same].max()) if same.any() else None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--samples", type=int, default=3000)
    parser.add_argument("--features", type=int, default=768)
    parser.add_argument("--targets", type=int, default=2000)
    parser.add_argument("--alphas", type=int, default=17, help="count, log-spaced over 1e-2 .. 1e6")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=1, help="report the best of this many runs")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--gemm-size", type=int, default=3000, help="square dgemm size for the machine's rate")
    parser.add_argument("--quick", action="store_true",
                        help="smoke test: 600 x 100, 200 targets, 9 alphas, gemm 1000 (overrides the sizes)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    if args.quick:
        args.samples, args.features, args.targets, args.alphas, args.gemm_size = 600, 100, 200, 9, 1000
    n, p, t, k = args.samples, args.features, args.targets, args.folds
    alphas = np.logspace(-2, 6, args.alphas)

    x, y = make_data(n, p, t, args.seed)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    print(f"speed_vs_sklearn: {n} samples x {p} features, {t} targets, {len(alphas)} alphas "
          f"(1e-2 .. 1e6), {k} contiguous folds, seed {args.seed}, best of {args.repeats}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, sklearn {sklearn.__version__}, "
          f"{os.cpu_count()} CPUs")
    gflops_machine = dgemm_gflops(args.gemm_size)

    rows = []
    ns_s, (ns_alpha, ns_pred) = best_of(args.repeats, lambda: neuroscore_fit(x, y, alphas, k, True))
    sk_s, (sk_alpha, sk_pred) = best_of(args.repeats, lambda: sklearn_per_target(x, y, alphas, k))
    rows.append(("per-target alpha, float64", ns_s, sk_s, "sklearn Ridge per fold x alpha",
                 agreement(ns_alpha, ns_pred, sk_alpha, sk_pred)))

    ns2_s, (ns2_alpha, ns2_pred) = best_of(args.repeats, lambda: neuroscore_fit(x, y, alphas, k, False))
    sk2_s, (sk2_alpha, sk2_pred) = best_of(args.repeats, lambda: sklearn_shared(x, y, alphas, k))
    rows.append(("shared alpha, float64", ns2_s, sk2_s, "sklearn RidgeCV(cv=KFold)",
                 agreement(ns2_alpha, ns2_pred, sk2_alpha, sk2_pred)))

    ns3_s, (ns3_alpha, ns3_pred) = best_of(args.repeats, lambda: neuroscore_fit(x32, y32, alphas, k, True))
    rows.append(("per-target alpha, float32", ns3_s, None, "vs neuroscore float64",
                 agreement(ns3_alpha, ns3_pred, ns_alpha, ns_pred)))

    threads, env, pools = blas_threads()
    flops = neuroscore_flops(n, p, t, len(alphas), k)

    print()
    print(f"{'case':27s} {'neuroscore s':>12s} {'sklearn s':>10s} {'ratio':>7s} {'GFLOP/s':>8s}  "
          f"{'same alpha':>10s} {'max|dpred|':>10s} {'same-alpha':>10s}  compared with")
    for name, ns_t, sk_t, against, agree in rows:
        sk_text = f"{sk_t:10.2f}" if sk_t is not None else f"{'-':>10s}"
        ratio = f"{sk_t / ns_t:7.1f}" if sk_t is not None else f"{'-':>7s}"
        print(f"{name:27s} {ns_t:12.2f} {sk_text} {ratio} {flops / ns_t / 1e9:8.1f}  "
              f"{agree['same_alpha_fraction']:10.4f} {agree['max_abs_prediction_difference']:10.2e} "
              f"{agree['max_abs_prediction_difference_same_alpha']:10.2e}  {against}")
    print()
    pool_text = ", ".join(f"{q['library']} x{q['num_threads']}" for q in pools) or "threadpoolctl unavailable"
    print(f"BLAS threads: {threads} (OPENBLAS_NUM_THREADS={env if env is not None else 'unset'}; pools: {pool_text})")
    print(f"machine dgemm (numpy, {args.gemm_size}^3): {gflops_machine:.1f} GFLOP/s")
    print(f"neuroscore operation count: {flops / 1e9:.1f} GFLOP per fit ({FLOP_RULE}); the same count is "
          f"used for float32 and for the shared alpha")
    print(f"distinct alphas chosen: neuroscore {len(np.unique(ns_alpha))}, sklearn {len(np.unique(sk_alpha))}; "
          f"shared alpha neuroscore {ns2_alpha[0]:g}, sklearn {sk2_alpha[0]:g}")
    print(f"summary: {n}x{p}, {t} targets, {len(alphas)} alphas, {k} folds, {threads} BLAS threads: "
          f"per-target {ns_s:.2f} s vs sklearn {sk_s:.2f} s ({sk_s / ns_s:.1f}x), "
          f"shared {ns2_s:.2f} s vs sklearn RidgeCV {sk2_s:.2f} s ({sk2_s / ns2_s:.1f}x), "
          f"float32 {ns3_s:.2f} s; neuroscore {flops / ns_s / 1e9:.1f} of dgemm {gflops_machine:.1f} GFLOP/s")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({
                "samples": n, "features": p, "targets": t, "alphas": alphas.tolist(), "folds": k,
                "repeats": args.repeats, "seed": args.seed, "blas_threads": threads,
                "openblas_num_threads_env": env, "blas_pools": pools, "dgemm_gflops": gflops_machine,
                "gemm_size": args.gemm_size, "neuroscore_flops": flops, "flop_rule": FLOP_RULE,
                "cases": [{"case": name, "neuroscore_seconds": ns_t, "sklearn_seconds": sk_t,
                           "ratio": None if sk_t is None else sk_t / ns_t, "compared_with": against, **agree}
                          for name, ns_t, sk_t, against, agree in rows],
                "versions": {"python": platform.python_version(), "numpy": np.__version__,
                             "sklearn": sklearn.__version__},
            }, f, indent=2)
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
