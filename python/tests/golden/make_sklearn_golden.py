#!/usr/bin/python3
"""Writes sklearn_ridge.npz, the golden values of python/tests/test_sklearn_golden.py.

Provenance (STYLE.md item 12): every expected number below comes from scikit-learn (and numpy
for the data and Pearson r), never from neuroscore. Run with Debian's interpreter and packages
(python3-sklearn 1.2.1, python3-numpy 1.24.2); the versions are stored in the npz:

    /usr/bin/python3 python/tests/golden/make_sklearn_golden.py [--out PATH] [--seed N]

What it computes, on one fixed dataset from numpy's default_rng(SEED):
  X: 243 x 30 (243 = 5 * 48 + 3, so KFold(5)'s first three folds get the remainder), with
     correlated columns, a near-collinear column, a x10 and a x0.1 column, nonzero means.
  Y: 243 x 6, planted linear signal at SNRs 4, 1, 0.25, 0.05, 0.01 and a pure-noise target;
     y: a 1-D target (SNR 0.5).
  X, Y and y are rounded to float32-representable values (stored as float64), so neuroscore's
  float32 path sees exactly the data sklearn saw and differs only by its arithmetic.

  For KFold(5) (contiguous, not shuffled) and ALPHAS (9 values, 1e-2 .. 1e6):
    plain/*       Ridge(alpha, fit_intercept=True) on each training fold, r2_score(...,
                  multioutput='raw_values') on its test fold; mean over folds -> r2 (A, T);
                  best alpha per target (argmax, ties to the larger alpha); Ridge refit on
                  all rows at each target's best alpha -> coef (F, T), intercept (T,),
                  predictions on X (n, T).
    shared/*      one alpha for all targets by the mean of r2 over targets; checked equal to
                  sklearn.linear_model.RidgeCV(ALPHAS, cv=KFold(5), alpha_per_target=False)'s
                  alpha_, whose coef_ / intercept_ are stored.
    std/*         as plain with Pipeline(StandardScaler(), Ridge(alpha)) fitted per training
                  fold (population sd of the training rows, as neuroscore's standardize=True);
                  the refit's coefficients mapped back to raw units: coef / scale,
                  intercept - mean @ (coef / scale).
    vec/*         as plain for the 1-D y.
    nested/*      outer KFold(5); on each outer training set an inner KFold(5) over its rows
                  (in order) picks alpha per target (nested/) or shared (nested_shared/),
                  Ridge refit on the outer training rows predicts the outer test block;
                  fold_r = numpy corrcoef per (fold, target), chosen_alpha, predictions.
  margin arrays: best minus runner-up mean R^2 per target, so the test can check its R^2
  tolerance cannot flip an argmax. gram_condition: condition number of the centred X'X at the
  smallest alpha, the number the test's tolerances are derived from. solver_spread_*: the
  largest difference between sklearn's own 'cholesky' and 'svd' solvers on the same refit, a
  measured floor for how closely two correct double solvers agree on this data.
"""
import argparse
import os
import platform
import sys

import numpy as np
import scipy
import sklearn
from sklearn.linear_model import Ridge, RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

SEED = 20240516
N_SAMPLES = 243
N_FEATURES = 30
SNRS = (4.0, 1.0, 0.25, 0.05, 0.01, 0.0)  # signal variance / noise variance; 0: pure noise
VECTOR_SNR = 0.5
ALPHAS = np.logspace(-2, 6, 9)
N_FOLDS = 5


def f32(a):
    """Round to the nearest float32 and back: the data both precisions see exactly."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def make_data(rng):
    n, p = N_SAMPLES, N_FEATURES
    z = rng.standard_normal((n, p))
    x = z.copy()
    x[:, 1] = 0.9 * z[:, 0] + 0.3 * z[:, 1]                      # correlated with column 0
    x[:, 2] = 0.5 * z[:, 0] + 0.5 * z[:, 1] + 0.1 * z[:, 2]      # near-collinear with 0 and 1
    x[:, 3] *= 10.0                                              # scaled up
    x[:, 4] *= 0.1                                               # scaled down
    x[:, 5:10] += 0.6 * z[:, 10:15]                              # a correlated block
    x += rng.uniform(-3.0, 3.0, size=p)                          # nonzero means
    x = f32(x)

    def planted(snr, w):
        signal = (x - x.mean(axis=0)) @ w
        signal /= signal.std()
        noise = rng.standard_normal(n)
        return np.sqrt(snr) * signal + noise

    t = len(SNRS)
    w = rng.standard_normal((p, t)) * (rng.uniform(size=(p, t)) < 0.5)  # about half the features
    y_mat = np.column_stack([planted(s, w[:, j]) for j, s in enumerate(SNRS)])
    y_mat += rng.uniform(-5.0, 5.0, size=t)                      # nonzero target means
    y_vec = planted(VECTOR_SNR, rng.standard_normal(p)) + 2.5
    return x, f32(y_mat), f32(y_vec)


def kfold(n):
    return list(KFold(N_FOLDS).split(np.zeros((n, 1))))


def best_index(scores):
    """argmax over axis 0, ties to the larger alpha (the later row)."""
    a = scores.shape[0]
    return a - 1 - np.argmax(scores[::-1], axis=0)


def margin(scores):
    """Best minus runner-up score over axis 0."""
    s = np.sort(scores, axis=0)
    return s[-1] - s[-2]


def ridge(alpha, standardize, solver="auto"):
    r = Ridge(alpha=alpha, fit_intercept=True, solver=solver)
    return Pipeline([("scale", StandardScaler()), ("ridge", r)]) if standardize else r


def raw_coefficients(model):
    """(coef (F, T) or (F,), intercept) in the units of the unscaled features."""
    if isinstance(model, Pipeline):
        scaler, r = model.named_steps["scale"], model.named_steps["ridge"]
        coef = (r.coef_ / scaler.scale_).T
        intercept = r.intercept_ - scaler.mean_ @ coef
        return coef, intercept
    return model.coef_.T, model.intercept_


def cv_r2(x, y, folds, standardize):
    """Mean over folds of r2_score(raw_values): (A, T), or (A,) for a 1-D y."""
    out = []
    for alpha in ALPHAS:
        per_fold = []
        for train, test in folds:
            model = ridge(alpha, standardize).fit(x[train], y[train])
            per_fold.append(r2_score(y[test], model.predict(x[test]), multioutput="raw_values"))
        out.append(np.mean(per_fold, axis=0))
    r2 = np.array(out)
    return r2[:, 0] if y.ndim == 1 else r2


def refit(x, y, alphas_per_target, standardize, solver="auto"):
    """Ridge on all rows of x at each target's alpha: coef (F, T), intercept (T,)."""
    y2 = y.reshape(len(y), -1)
    coef = np.empty((x.shape[1], y2.shape[1]))
    intercept = np.empty(y2.shape[1])
    for alpha in np.unique(alphas_per_target):
        cols = np.flatnonzero(alphas_per_target == alpha)
        model = ridge(alpha, standardize, solver).fit(x, y2[:, cols])
        c, b = raw_coefficients(model)
        coef[:, cols], intercept[cols] = c, b
    return coef, intercept


def select(x, y, folds, standardize, per_target):
    r2 = cv_r2(x, y, folds, standardize)
    r2_2d = r2.reshape(len(ALPHAS), -1)
    if per_target:
        idx = best_index(r2_2d)
        gap = margin(r2_2d)
    else:
        mean = r2_2d.mean(axis=1, keepdims=True)
        idx = np.full(r2_2d.shape[1], best_index(mean)[0])
        gap = np.full(r2_2d.shape[1], margin(mean)[0])
    return r2, ALPHAS[idx], idx, gap


def fit_case(prefix, x, y, standardize, per_target):
    """One RidgeCV.fit's expected values, keyed prefix/name."""
    folds = kfold(len(y))
    r2, best, idx, gap = select(x, y, folds, standardize, per_target)
    coef, intercept = refit(x, y, best, standardize)
    coef_svd, intercept_svd = refit(x, y, best, standardize, solver="svd")
    r2_2d = r2.reshape(len(ALPHAS), -1)
    out = {
        "cv_scores_per_alpha": r2,
        "best_alphas": best,
        "cv_scores": r2_2d[idx, np.arange(r2_2d.shape[1])],
        "margin": gap,
        "coef": coef,
        "intercept": intercept,
        "solver_spread_coef": np.abs(coef - coef_svd).max(),
    }
    if y.ndim == 1:
        out["coef"], out["intercept"] = coef[:, 0], intercept[0]
        out["cv_scores"] = out["cv_scores"][0]
        out["best_alphas"] = best[:1]
    out["predictions"] = x @ out["coef"] + out["intercept"]
    return {f"{prefix}/{k}": np.asarray(v) for k, v in out.items()}


def nested_case(prefix, x, y, per_target):
    """cross_validated_ridge's expected fold_r, chosen_alpha and predictions."""
    n, t = y.shape
    outer = kfold(n)
    fold_r = np.empty((len(outer), t))
    chosen = np.empty((len(outer), t))
    gaps = np.empty((len(outer), t))
    predictions = np.full((n, t), np.nan)
    for f, (train, test) in enumerate(outer):
        xt, yt = x[train], y[train]
        _, best, _, gap = select(xt, yt, kfold(len(train)), False, per_target)
        chosen[f], gaps[f] = best, gap
        for alpha in np.unique(best):
            cols = np.flatnonzero(best == alpha)
            model = Ridge(alpha=alpha, fit_intercept=True).fit(xt, yt[:, cols])
            predictions[np.ix_(test, cols)] = model.predict(x[test]).reshape(len(test), -1)
        for j in range(t):
            fold_r[f, j] = np.corrcoef(y[test, j], predictions[test, j])[0, 1]
    return {f"{prefix}/fold_r": fold_r, f"{prefix}/chosen_alpha": chosen, f"{prefix}/margin": gaps,
            f"{prefix}/predictions": predictions, f"{prefix}/mean_r": fold_r.mean(axis=0)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                      "sklearn_ridge.npz"))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    x, y, y_vec = make_data(rng)
    xc = x - x.mean(axis=0)
    eig = np.linalg.eigvalsh(xc.T @ xc)
    gram_condition = (eig[-1] + ALPHAS[0]) / (eig[0] + ALPHAS[0])

    golden = {
        "X": x, "Y": y, "y": y_vec, "alphas": ALPHAS, "n_folds": np.int64(N_FOLDS),
        "seed": np.int64(args.seed), "snrs": np.array(SNRS), "gram_condition": np.float64(gram_condition),
        "versions": np.array([f"python {platform.python_version()}", f"numpy {np.__version__}",
                              f"scipy {scipy.__version__}", f"sklearn {sklearn.__version__}"]),
        "script": np.array("python/tests/golden/make_sklearn_golden.py"),
    }
    golden.update(fit_case("plain", x, y, standardize=False, per_target=True))
    golden.update(fit_case("shared", x, y, standardize=False, per_target=False))
    golden.update(fit_case("std", x, y, standardize=True, per_target=True))
    golden.update(fit_case("vec", x, y_vec, standardize=False, per_target=True))
    golden.update(nested_case("nested", x, y, per_target=True))
    golden.update(nested_case("nested_shared", x, y, per_target=False))

    # The shared alpha is what scikit-learn's own RidgeCV picks (GridSearchCV over the same
    # folds, mean R^2 over targets), and its refit is the same model.
    sk = RidgeCV(alphas=ALPHAS, cv=KFold(N_FOLDS), alpha_per_target=False).fit(x, y)
    if not np.all(golden["shared/best_alphas"] == sk.alpha_):
        raise SystemExit(f"shared alpha {golden['shared/best_alphas'][0]} != RidgeCV.alpha_ {sk.alpha_}")
    np.testing.assert_allclose(sk.coef_.T, golden["shared/coef"], rtol=0, atol=1e-12 * np.abs(sk.coef_).max())
    golden["shared/coef"], golden["shared/intercept"] = sk.coef_.T.copy(), sk.intercept_.copy()
    golden["shared/predictions"] = sk.predict(x)

    np.savez_compressed(args.out, **golden)
    size = os.path.getsize(args.out)
    print(f"wrote {args.out} ({size} bytes), seed {args.seed}, {', '.join(golden['versions'])}")
    print(f"condition number of centred X'X + {ALPHAS[0]} I: {gram_condition:.3g}")
    for case in ("plain", "shared", "std", "vec"):
        print(f"{case:7s} best alphas {golden[case + '/best_alphas']}  cv R^2 {np.round(golden[case + '/cv_scores'], 4)}"
              f"  min margin {golden[case + '/margin'].min():.3g}"
              f"  cholesky-vs-svd max |coef diff| {golden[case + '/solver_spread_coef']:.3g}")
    for case in ("nested", "nested_shared"):
        print(f"{case:13s} mean r {np.round(golden[case + '/mean_r'], 4)}  min margin {golden[case + '/margin'].min():.3g}")
    if size > 300_000:
        raise SystemExit(f"{args.out} is {size} bytes, over the 300 kB budget")
    return 0


if __name__ == "__main__":
    sys.exit(main())
