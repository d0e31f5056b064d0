// neuroscore/ceiling.hpp: noise ceilings from repeated trials or from several subjects, and
// normalization of a score by a ceiling with explicit units (r or r^2).
// Entry points: split_half_reliability, schoppe_cc_max / schoppe_cc_norm, nsd_noise_ceiling,
// explainable_variance, leave_one_subject_out_ceiling, extrapolation_ceiling,
// normalize_by_ceiling.
#pragma once

#include <Eigen/Core>
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/ceiling.hpp"
#include "neuroscore/inter_subject_ceiling.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Layout used throughout: `trials` holds one matrix per repeat (or per subject), each
// samples x targets, the same stimulus in the same row order. Every variance below is over
// samples (stimuli, time points) of one target.

// The unit of a score or a ceiling. A reliability (a correlation between two parallel
// measurements) and an explainable-variance fraction are r^2-unit quantities: the share of a
// measurement's variance that is signal. The correlation a perfect model reaches is its
// square root, in r units.
enum class ScoreUnit { r, r_squared };

inline const char* to_string(ScoreUnit u) { return u == ScoreUnit::r ? "r" : "r^2"; }

// Spearman-Brown prophecy (Spearman 1910; Brown 1910): the reliability of a measurement
// `length_factor` times as long (e.g. the average of k times as many trials),
//   rho_k = k rho / (1 + (k - 1) rho).
inline double spearman_brown(double reliability, double length_factor) {
  if (!(length_factor > 0.0)) {
    throw std::invalid_argument("spearman_brown: length factor " + std::to_string(length_factor) + " <= 0");
  }
  return length_factor * reliability / (1.0 + (length_factor - 1.0) * reliability);
}

// ---------------------------------------------------------------------------------------
// Split-half reliability.

struct SplitHalfOptions {
  // 0: one deterministic split, even-indexed trials against odd-indexed trials. k > 0: the
  // mean of the half-correlation over k random splits (Fisher-Yates on std::mt19937_64(seed),
  // the first floor(N/2) permuted trials against the rest).
  std::size_t random_splits = 0;
  Seed seed{};
};

struct SplitHalfReliability {
  Eigen::VectorXd half_r;       // per target: Pearson r between the two half-averages (r units)
  Eigen::VectorXd reliability;  // per target: spearman_brown(half_r, 2), the reliability of the
                                // all-trial mean (r^2 units: its signal fraction); sqrt() is the
                                // r-unit ceiling of a model against the all-trial mean
  std::size_t trials = 0;
  std::size_t splits = 0;
  Seed seed;
};

// Split-half reliability corrected to the full number of trials by Spearman-Brown with
// length factor 2. With an odd number of trials the halves differ by one trial and the
// factor 2 is a slight over-correction (documented, not adjusted).
// Errors: fewer than 2 trials, mismatched shapes, non-finite values.
inline SplitHalfReliability split_half_reliability(const std::vector<Eigen::MatrixXd>& trials,
                                                   const SplitHalfOptions& options = {}) {
  detail::ceilings::require_trials(trials, 2, "split_half_reliability");
  SplitHalfReliability out;
  out.trials = trials.size();
  out.seed = options.seed;
  const Eigen::Index t = trials[0].cols();
  out.half_r = Eigen::VectorXd::Zero(t);
  if (options.random_splits == 0) {
    std::vector<std::size_t> even, odd;
    for (std::size_t i = 0; i < trials.size(); ++i) (i % 2 == 0 ? even : odd).push_back(i);
    out.half_r = detail::ceilings::column_r(detail::ceilings::mean_of(trials, even), detail::ceilings::mean_of(trials, odd));
    out.splits = 1;
  } else {
    std::mt19937_64 rng(options.seed.value);
    std::vector<std::size_t> order = detail::iota(trials.size());
    const std::size_t half = trials.size() / 2;
    for (std::size_t s = 0; s < options.random_splits; ++s) {
      detail::ceilings::partial_shuffle(order, trials.size(), rng);
      const std::vector<std::size_t> first(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(half));
      const std::vector<std::size_t> second(order.begin() + static_cast<std::ptrdiff_t>(half), order.end());
      out.half_r += detail::ceilings::column_r(detail::ceilings::mean_of(trials, first), detail::ceilings::mean_of(trials, second));
    }
    out.half_r /= static_cast<double>(options.random_splits);
    out.splits = options.random_splits;
  }
  out.reliability = out.half_r.unaryExpr([](double r) { return spearman_brown(r, 2.0); });
  return out;
}

// ---------------------------------------------------------------------------------------
// Schoppe et al. 2016, "Measuring the performance of neural models", Front. Comput.
// Neurosci. 10:10. With N trials R_n and their mean ybar (variances over samples, 1/T):
//   signal power   SP = (Var(sum_n R_n) - sum_n Var(R_n)) / (N (N - 1))   (Sahani & Linden 2003)
//   CC_max         = sqrt(SP / Var(ybar))   the highest r any model can reach against ybar
//   CC_norm        = Cov(ybar, yhat) / sqrt(Var(yhat) SP) = CC_abs / CC_max.
// SP is unbiased for the stimulus-locked variance; it can come out negative for a target
// with no signal, then CC_max is 0 and the target is flagged.

struct SchoppeCeiling {
  Eigen::VectorXd signal_power;    // SP per target (response units squared)
  Eigen::VectorXd response_power;  // Var(ybar) per target
  Eigen::VectorXd cc_max;          // r units; CC_max^2 is the explainable variance of ybar (r^2)
  std::vector<bool> no_signal;     // SP <= 0 (cc_max set to 0)
  std::size_t trials = 0;
};

inline SchoppeCeiling schoppe_cc_max(const std::vector<Eigen::MatrixXd>& trials) {
  detail::ceilings::require_trials(trials, 2, "schoppe_cc_max");
  const double n = static_cast<double>(trials.size());
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(trials[0].rows(), trials[0].cols());
  Eigen::VectorXd sum_of_var = Eigen::VectorXd::Zero(trials[0].cols());
  for (const Eigen::MatrixXd& r : trials) {
    sum += r;
    sum_of_var += detail::ceilings::column_variance(r);
  }
  SchoppeCeiling out;
  out.trials = trials.size();
  out.signal_power = (detail::ceilings::column_variance(sum) - sum_of_var) / (n * (n - 1.0));
  out.response_power = detail::ceilings::column_variance(sum / n);
  out.cc_max = Eigen::VectorXd::Zero(sum.cols());
  out.no_signal.assign(static_cast<std::size_t>(sum.cols()), false);
  for (Eigen::Index j = 0; j < sum.cols(); ++j) {
    if (!(out.signal_power(j) > 0.0) || !(out.response_power(j) > 0.0)) {
      out.no_signal[static_cast<std::size_t>(j)] = true;
      continue;
    }
    out.cc_max(j) = std::sqrt(out.signal_power(j) / out.response_power(j));
  }
  return out;
}

struct NormalizedCorrelation {
  Eigen::VectorXd cc_abs;   // Pearson r of the prediction with the trial mean (r units)
  Eigen::VectorXd cc_norm;  // cc_abs / cc_max; NaN where the target has no signal (flagged)
  SchoppeCeiling ceiling;
};

// CC_norm of a prediction (samples x targets) against repeated trials.
inline NormalizedCorrelation schoppe_cc_norm(const std::vector<Eigen::MatrixXd>& trials,
                                             const Eigen::Ref<const Eigen::MatrixXd>& prediction) {
  NormalizedCorrelation out;
  out.ceiling = schoppe_cc_max(trials);
  require_same_shape(prediction, "prediction", trials[0], "each trial");
  require_finite(prediction, "prediction");
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(trials[0].rows(), trials[0].cols());
  for (const Eigen::MatrixXd& r : trials) mean += r;
  mean /= static_cast<double>(trials.size());
  out.cc_abs = detail::ceilings::column_r(mean, prediction);
  out.cc_norm.resize(out.cc_abs.size());
  for (Eigen::Index j = 0; j < out.cc_abs.size(); ++j) {
    out.cc_norm(j) = out.ceiling.no_signal[static_cast<std::size_t>(j)]
                         ? std::numeric_limits<double>::quiet_NaN()
                         : out.cc_abs(j) / out.ceiling.cc_max(j);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// NSD noise ceiling (Allen et al. 2022, "A massive 7T fMRI dataset to bridge cognitive
// neuroscience and artificial intelligence", Nat. Neurosci. 25, methods "Noise ceiling"):
// on betas z-scored (per session), the noise standard deviation is the square root of the
// mean over stimuli of the across-trial variance (ddof = 1), the signal standard deviation is
// sqrt(max(0, 1 - sigma_noise^2)), and
//   ncsnr = sigma_signal / sigma_noise,
//   NC    = 100 ncsnr^2 / (ncsnr^2 + 1 / n)   (percent of variance explainable in the
//                                               average of n trials).
// Here every target is z-scored over all trials and samples together (one session); with
// zscore = false the total variance V of the data replaces 1 (sigma_signal^2 = max(0, V -
// sigma_noise^2)), which is the same estimator on unstandardized data.

struct NsdOptions {
  bool zscore = true;
  double trials_averaged = 0.0;  // n in NC; 0 = the number of trials given
};

struct NsdNoiseCeiling {
  Eigen::VectorXd noise_stddev;
  Eigen::VectorXd signal_stddev;
  Eigen::VectorXd ncsnr;
  Eigen::VectorXd noise_ceiling_percent;  // r^2 units times 100
  double trials_averaged = 0.0;
};

inline NsdNoiseCeiling nsd_noise_ceiling(const std::vector<Eigen::MatrixXd>& trials, const NsdOptions& options = {}) {
  detail::ceilings::require_trials(trials, 2, "nsd_noise_ceiling");
  if (options.trials_averaged < 0.0 || !std::isfinite(options.trials_averaged)) {
    throw std::invalid_argument("nsd_noise_ceiling: trials_averaged must be >= 0");
  }
  const Eigen::Index s = trials[0].rows();
  const Eigen::Index t = trials[0].cols();
  const auto n = static_cast<Eigen::Index>(trials.size());
  // All trials stacked (n * s) x t, for the per-target z-score.
  Eigen::MatrixXd all(n * s, t);
  for (Eigen::Index i = 0; i < n; ++i) all.middleRows(i * s, s) = trials[static_cast<std::size_t>(i)];
  if (options.zscore) all = detail::ceilings::zscore_cols(all);
  const Eigen::VectorXd total = detail::ceilings::column_variance(all);
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(s, t);
  for (Eigen::Index i = 0; i < n; ++i) mean += all.middleRows(i * s, s);
  mean /= static_cast<double>(n);
  Eigen::MatrixXd within = Eigen::MatrixXd::Zero(s, t);
  for (Eigen::Index i = 0; i < n; ++i) within += (all.middleRows(i * s, s) - mean).array().square().matrix();
  within /= static_cast<double>(n - 1);
  NsdNoiseCeiling out;
  out.trials_averaged = options.trials_averaged > 0.0 ? options.trials_averaged : static_cast<double>(n);
  const Eigen::VectorXd noise_var = within.colwise().mean().transpose();
  out.noise_stddev = noise_var.cwiseSqrt();
  out.signal_stddev = (total - noise_var).cwiseMax(0.0).cwiseSqrt();
  out.ncsnr.resize(t);
  out.noise_ceiling_percent.resize(t);
  for (Eigen::Index j = 0; j < t; ++j) {
    out.ncsnr(j) = out.noise_stddev(j) > 0.0 ? out.signal_stddev(j) / out.noise_stddev(j)
                                             : std::numeric_limits<double>::infinity();
    const double snr2 = out.ncsnr(j) * out.ncsnr(j);
    out.noise_ceiling_percent(j) = std::isinf(snr2) ? 100.0 : 100.0 * snr2 / (snr2 + 1.0 / out.trials_averaged);
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Explainable variance with the finite-repeat bias correction, as the Gallant lab computes
// it (voxelwise_tutorials.utils.explainable_variance; Hsu, Borst & Theunissen 2004,
// "Quantifying variability in neural responses and its application for the validation of
// model predictions", Network 15): each trial z-scored over samples, then
//   EV_raw = Var(mean_n R_n) / mean_n Var(R_n)        (variances with ddof = 1)
//   EV     = EV_raw - (1 - EV_raw) / (N - 1)
// The raw ratio is the signal fraction of the N-trial mean plus a bias of about 1/N; the
// corrected value estimates the explainable variance of ONE trial (r^2 units).
struct ExplainableVariance {
  Eigen::VectorXd raw;        // per target
  Eigen::VectorXd corrected;  // per target, single-trial explainable variance (r^2 units)
  std::size_t trials = 0;
};

inline ExplainableVariance explainable_variance(const std::vector<Eigen::MatrixXd>& trials, bool zscore = true) {
  detail::ceilings::require_trials(trials, 2, "explainable_variance");
  const Eigen::Index t = trials[0].cols();
  const double n = static_cast<double>(trials.size());
  Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(trials[0].rows(), t);
  Eigen::VectorXd mean_var = Eigen::VectorXd::Zero(t);
  const double bessel = static_cast<double>(trials[0].rows()) / static_cast<double>(trials[0].rows() - 1);
  for (const Eigen::MatrixXd& r : trials) {
    const Eigen::MatrixXd z = zscore ? detail::ceilings::zscore_cols(r) : r;
    mean += z;
    mean_var += detail::ceilings::column_variance(z) * bessel;
  }
  mean /= n;
  mean_var /= n;
  ExplainableVariance out;
  out.trials = trials.size();
  out.raw = (detail::ceilings::column_variance(mean) * bessel).cwiseQuotient(mean_var);
  out.corrected = out.raw.array() - (1.0 - out.raw.array()) / (n - 1.0);
  return out;
}

// ---------------------------------------------------------------------------------------
// Leave-one-subject-out inter-subject ceiling: inter_subject_ceiling.hpp says what it is and how
// the single-subject correction is derived.

inline InterSubjectCeiling leave_one_subject_out_ceiling(const std::vector<Eigen::MatrixXd>& subjects) {
  detail::ceilings::require_trials(subjects, 2, "leave_one_subject_out_ceiling");
  const auto s = static_cast<Eigen::Index>(subjects.size());
  const Eigen::Index t = subjects[0].cols();
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(subjects[0].rows(), t);
  for (const Eigen::MatrixXd& y : subjects) sum += y;
  InterSubjectCeiling out;
  out.per_subject_r.resize(s, t);
  for (Eigen::Index i = 0; i < s; ++i) {
    const Eigen::MatrixXd& held_out = subjects[static_cast<std::size_t>(i)];
    const Eigen::MatrixXd others = (sum - held_out) / static_cast<double>(s - 1);
    out.per_subject_r.row(i) = detail::ceilings::column_r(held_out, others).transpose();
  }
  detail::ceilings::finish_loso(out);
  return out;
}

// The same ceiling, as the encoding score is computed: r per subject and target on each
// fold's TEST rows only, then the mean over folds (as RidgeCvResult::mean_r averages per-fold r),
// then the same correction. A whole-series r also counts slow shared fluctuations across
// blocks (drifts, the story's arc) that no per-fold r of a model can reach, so comparing a
// per-fold score with a whole-series ceiling mixes estimands. The correction assumes the
// shared-signal-plus-noise model within each block.
// Errors: as above, no folds, a fold testing a sample beyond the rows or fewer than 3 samples.
inline InterSubjectCeiling leave_one_subject_out_ceiling(const std::vector<Eigen::MatrixXd>& subjects,
                                                         const std::vector<Fold>& folds) {
  detail::ceilings::require_trials(subjects, 2, "leave_one_subject_out_ceiling");
  if (folds.empty()) throw std::invalid_argument("leave_one_subject_out_ceiling: no folds");
  const auto s = static_cast<Eigen::Index>(subjects.size());
  const Eigen::Index n = subjects[0].rows(), t = subjects[0].cols();
  for (std::size_t f = 0; f < folds.size(); ++f) {
    if (folds[f].test.size() < 3) {
      throw std::invalid_argument("leave_one_subject_out_ceiling: fold " + std::to_string(f) + " tests " +
                                  std::to_string(folds[f].test.size()) + " samples (< 3)");
    }
    for (std::size_t i : folds[f].test) {
      if (i >= static_cast<std::size_t>(n)) {
        throw std::invalid_argument("leave_one_subject_out_ceiling: fold " + std::to_string(f) + " tests sample " +
                                    std::to_string(i) + " but the subjects have " + std::to_string(n) + " rows");
      }
    }
  }
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(n, t);
  for (const Eigen::MatrixXd& y : subjects) sum += y;
  InterSubjectCeiling out;
  out.per_subject_r = Eigen::MatrixXd::Zero(s, t);
  for (const Fold& fold : folds) {
    const auto m = static_cast<Eigen::Index>(fold.test.size());
    Eigen::MatrixXd held(m, t), others(m, t);
    for (Eigen::Index i = 0; i < s; ++i) {
      const Eigen::MatrixXd& y = subjects[static_cast<std::size_t>(i)];
      for (Eigen::Index k = 0; k < m; ++k) {
        const auto row = static_cast<Eigen::Index>(fold.test[static_cast<std::size_t>(k)]);
        held.row(k) = y.row(row);
        others.row(k) = (sum.row(row) - y.row(row)) / static_cast<double>(s - 1);
      }
      out.per_subject_r.row(i) += detail::ceilings::column_r(held, others).transpose();
    }
  }
  out.per_subject_r /= static_cast<double>(folds.size());
  detail::ceilings::finish_loso(out);
  return out;
}

// ---------------------------------------------------------------------------------------
// Brain-Score's extrapolation ceiling (Schrimpf et al. 2021, "The neural architecture of
// language: Integrative modeling converges on predictive processing", PNAS 118, methods
// "Estimation of the ceiling"): the consistency between one subject and a pool of n other
// subjects grows with n; fit
//   v(n) = v0 (1 - exp(-n / tau))
// over pool sizes and take v0, the consistency of an infinitely large pool, as the ceiling.

// Result of a nonlinear least-squares fit of v(n) = v0 (1 - exp(-n / tau)).
struct SaturatingFit {
  double v0 = 0.0;
  double tau = 0.0;
  double residual_sum_of_squares = 0.0;
  int iterations = 0;
  bool converged = false;
};

// Levenberg-Marquardt (Marquardt 1963; Nocedal & Wright 2006, section 10.3) on
// theta = (v0, log tau), which keeps tau > 0. Residual e_i = v0 (1 - exp(-n_i / tau)) - v_i,
// Jacobian d e / d v0 = 1 - exp(-n / tau), d e / d log tau = -v0 exp(-n / tau) n / tau.
// Step: (J'J + lambda diag(J'J)) delta = -J'e; lambda shrinks by 10 after a step that lowers
// the residual and grows by 10 otherwise. Start: v0 = max v, tau = mean n. Converged when the
// relative change of the residual sum of squares and the step are below 1e-12.
// Errors: fewer than 2 points, mismatched sizes, non-positive n, non-finite values.
inline SaturatingFit fit_saturating_curve(const Eigen::Ref<const Eigen::VectorXd>& n,
                                          const Eigen::Ref<const Eigen::VectorXd>& v, int max_iterations = 200) {
  if (n.size() != v.size() || n.size() < 2) {
    throw std::invalid_argument("fit_saturating_curve: needs >= 2 points and equal sizes, got " +
                                std::to_string(n.size()) + " and " + std::to_string(v.size()));
  }
  require_finite(n, "pool sizes");
  require_finite(v, "consistencies");
  if (n.minCoeff() <= 0.0) throw std::invalid_argument("fit_saturating_curve: pool sizes must be > 0");
  const auto residuals = [&](double v0, double log_tau, Eigen::VectorXd& e) {
    const Eigen::ArrayXd g = 1.0 - (-n.array() / std::exp(log_tau)).exp();
    e = (v0 * g - v.array()).matrix();
    return e.squaredNorm();
  };
  SaturatingFit fit;
  double v0 = v.maxCoeff();
  double log_tau = std::log(n.mean());
  Eigen::VectorXd e;
  double rss = residuals(v0, log_tau, e);
  double lambda = 1e-3;
  Eigen::MatrixXd jac(n.size(), 2);
  for (fit.iterations = 0; fit.iterations < max_iterations; ++fit.iterations) {
    const double tau = std::exp(log_tau);
    const Eigen::ArrayXd ex = (-n.array() / tau).exp();
    jac.col(0) = (1.0 - ex).matrix();
    jac.col(1) = (-v0 * ex * n.array() / tau).matrix();
    const Eigen::Matrix2d jtj = jac.transpose() * jac;
    const Eigen::Vector2d grad = jac.transpose() * e;
    bool improved = false;
    for (int attempt = 0; attempt < 30 && !improved; ++attempt) {
      Eigen::Matrix2d a = jtj;
      a.diagonal() += lambda * jtj.diagonal().cwiseMax(1e-12);
      const Eigen::Vector2d step = a.ldlt().solve(-grad);
      Eigen::VectorXd e_new;
      const double rss_new = residuals(v0 + step(0), log_tau + step(1), e_new);
      if (std::isfinite(rss_new) && rss_new <= rss) {
        const double change = rss - rss_new;
        v0 += step(0);
        log_tau += step(1);
        e = e_new;
        lambda = std::max(lambda / 10.0, 1e-12);
        improved = true;
        const bool small_change = change <= 1e-12 * std::max(rss_new, 1e-300);
        const bool small_step = step.norm() <= 1e-12 * (1.0 + std::abs(v0) + std::abs(log_tau));
        rss = rss_new;
        if (small_change || small_step) fit.converged = true;
      } else {
        lambda *= 10.0;
      }
    }
    if (!improved) {  // no step lowers the residual: at a minimum to working precision
      fit.converged = true;
    }
    if (fit.converged) break;
  }
  fit.v0 = v0;
  fit.tau = std::exp(log_tau);
  fit.residual_sum_of_squares = rss;
  return fit;
}

struct ExtrapolationOptions {
  std::size_t subsets_per_size = 20;  // random subject subsets drawn per pool size
  std::size_t bootstraps = 100;       // resampled curves fitted per target
  Seed seed{};
};

struct ExtrapolationCeiling {
  Eigen::VectorXd pool_sizes;            // n = 1 .. S - 1 (subjects averaged to predict one)
  Eigen::MatrixXd consistency;           // pool sizes x targets: mean r over subsets (r units)
  Eigen::MatrixXd bootstrap_v0;          // bootstraps x targets: v0 of each resampled curve
  Eigen::VectorXd v0;                    // per target: median of bootstrap_v0 (r units)
  Eigen::VectorXd v0_of_mean_curve;      // per target: v0 fitted to `consistency`
  double median_ceiling = 0.0;           // median of v0 over targets (Brain-Score's aggregate)
  std::size_t unconverged_fits = 0;
  Seed seed;
};

// The consistency at pool size n: draw a random subset of n + 1 subjects (partial
// Fisher-Yates on std::mt19937_64(seed)); each member in turn is predicted by the mean of the
// other n (Pearson r per target); the subset's value is the mean over members. Draws per size:
// options.subsets_per_size (the same subset may recur when there are few). Bootstrap: each
// resampled curve takes, for every pool size, one of its subset values uniformly at random
// (with replacement); each curve is fitted per target; the ceiling is the median of v0 over
// bootstraps, as Brain-Score's ExtrapolationCeiling aggregates bootstrapped fits by the median.
// Differences from Brain-Score: they split subjects into halves within each subset and use a
// regression-based consistency; here the held-out subject is scored against the plain mean
// of the pool (as leave_one_subject_out_ceiling), so at n = S - 1 the consistency equals its
// uncorrected mean r.
// Caveat (tested): under the parallel-measurement model the true curve is
// sqrt(rho_1 SB(rho_1, n)), which the exponential does not follow; with few subjects v0
// under-reads the limit sqrt(rho_1) (by about 20% for rho_1 = 0.31 and 6 subjects), while
// leave_one_subject_out_ceiling's corrected_r is unbiased under that model.
// Errors: fewer than 3 subjects, zero draws, mismatched shapes.
inline ExtrapolationCeiling extrapolation_ceiling(const std::vector<Eigen::MatrixXd>& subjects,
                                                  const ExtrapolationOptions& options = {}) {
  detail::ceilings::require_trials(subjects, 3, "extrapolation_ceiling");
  if (options.subsets_per_size == 0 || options.bootstraps == 0) {
    throw std::invalid_argument("extrapolation_ceiling: subsets_per_size and bootstraps must be > 0");
  }
  const std::size_t s = subjects.size();
  const Eigen::Index t = subjects[0].cols();
  const auto sizes = static_cast<Eigen::Index>(s - 1);
  std::mt19937_64 rng(options.seed.value);
  ExtrapolationCeiling out;
  out.seed = options.seed;
  out.pool_sizes.resize(sizes);
  // draws[size](draw, target)
  std::vector<Eigen::MatrixXd> draws(static_cast<std::size_t>(sizes));
  std::vector<std::size_t> order = detail::iota(s);
  for (Eigen::Index m = 0; m < sizes; ++m) {
    const std::size_t pool = static_cast<std::size_t>(m) + 1;
    out.pool_sizes(m) = static_cast<double>(pool);
    Eigen::MatrixXd& d = draws[static_cast<std::size_t>(m)];
    d.resize(static_cast<Eigen::Index>(options.subsets_per_size), t);
    for (std::size_t k = 0; k < options.subsets_per_size; ++k) {
      detail::ceilings::partial_shuffle(order, pool + 1, rng);
      Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(subjects[0].rows(), t);
      for (std::size_t i = 0; i <= pool; ++i) sum += subjects[order[i]];
      Eigen::VectorXd r = Eigen::VectorXd::Zero(t);
      for (std::size_t i = 0; i <= pool; ++i) {
        const Eigen::MatrixXd& held_out = subjects[order[i]];
        r += detail::ceilings::column_r(held_out, (sum - held_out) / static_cast<double>(pool));
      }
      d.row(static_cast<Eigen::Index>(k)) = (r / static_cast<double>(pool + 1)).transpose();
    }
  }
  out.consistency.resize(sizes, t);
  for (Eigen::Index m = 0; m < sizes; ++m) {
    out.consistency.row(m) = draws[static_cast<std::size_t>(m)].colwise().mean();
  }
  out.v0_of_mean_curve.resize(t);
  for (Eigen::Index j = 0; j < t; ++j) {
    const SaturatingFit fit = fit_saturating_curve(out.pool_sizes, out.consistency.col(j));
    out.v0_of_mean_curve(j) = fit.v0;
  }
  const auto b_count = static_cast<Eigen::Index>(options.bootstraps);
  out.bootstrap_v0.resize(b_count, t);
  Eigen::MatrixXd curve(sizes, t);
  for (Eigen::Index b = 0; b < b_count; ++b) {
    for (Eigen::Index m = 0; m < sizes; ++m) {
      const auto k = static_cast<Eigen::Index>(detail::uniform_below(rng, options.subsets_per_size));
      curve.row(m) = draws[static_cast<std::size_t>(m)].row(k);
    }
    for (Eigen::Index j = 0; j < t; ++j) {
      const SaturatingFit fit = fit_saturating_curve(out.pool_sizes, curve.col(j));
      if (!fit.converged) ++out.unconverged_fits;
      out.bootstrap_v0(b, j) = fit.v0;
    }
  }
  const auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t m = v.size();
    return m % 2 == 1 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
  };
  out.v0.resize(t);
  for (Eigen::Index j = 0; j < t; ++j) {
    out.v0(j) = median(std::vector<double>(out.bootstrap_v0.col(j).data(),
                                           out.bootstrap_v0.col(j).data() + b_count));
  }
  out.median_ceiling = median(std::vector<double>(out.v0.data(), out.v0.data() + t));
  return out;
}

// ---------------------------------------------------------------------------------------
// Normalization by a ceiling, units explicit.

// Per-target values with their unit.
struct UnitScores {
  Eigen::VectorXd value;
  ScoreUnit unit = ScoreUnit::r;
};

struct NormalizedScores {
  Eigen::VectorXd unclipped;  // score / ceiling, both in `unit`
  Eigen::VectorXd clipped;    // unclipped clamped to [0, 1]; NaN where the ceiling is invalid
  std::vector<bool> invalid_ceiling;  // ceiling <= 0 or non-finite in the score's unit
  ScoreUnit unit = ScoreUnit::r;      // the unit of score and ceiling in the ratio (the score's)
};

// score / ceiling per target, in the SCORE's unit: a ceiling in the other unit is converted
// first (r -> r^2 by squaring; r^2 -> r by the square root, a negative r^2 ceiling is
// invalid, as is a negative r ceiling). Note that r / r_ceiling and r^2 / r^2_ceiling differ (the second is the square
// of the first): the unit says which one a number is. The clipped value clamps to [0, 1]
// (Brain-Score reports ceiled scores <= 1); the unclipped value is kept for diagnosis (a
// score above its ceiling means the ceiling is underestimated).
// Errors: different lengths.
inline NormalizedScores normalize_by_ceiling(const UnitScores& score, const UnitScores& ceiling) {
  if (score.value.size() != ceiling.value.size()) {
    throw std::invalid_argument("normalize_by_ceiling: " + std::to_string(score.value.size()) +
                                " scores but " + std::to_string(ceiling.value.size()) + " ceilings");
  }
  NormalizedScores out;
  out.unit = score.unit;
  const Eigen::Index t = score.value.size();
  out.unclipped.resize(t);
  out.clipped.resize(t);
  out.invalid_ceiling.assign(static_cast<std::size_t>(t), false);
  for (Eigen::Index j = 0; j < t; ++j) {
    double c = ceiling.value(j);
    if (ceiling.unit == ScoreUnit::r && c < 0.0) c = std::numeric_limits<double>::quiet_NaN();
    if (ceiling.unit != score.unit) {
      if (score.unit == ScoreUnit::r_squared) {
        c = c * c;
      } else {
        c = c >= 0.0 ? std::sqrt(c) : std::numeric_limits<double>::quiet_NaN();
      }
    }
    if (!(c > 0.0) || !std::isfinite(c)) {
      out.invalid_ceiling[static_cast<std::size_t>(j)] = true;
      out.unclipped(j) = std::numeric_limits<double>::quiet_NaN();
      out.clipped(j) = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    out.unclipped(j) = score.value(j) / c;
    out.clipped(j) = std::min(1.0, std::max(0.0, out.unclipped(j)));
  }
  return out;
}

}  // namespace neuroscore
