// neuroscore/ols.hpp: signed effects by ordinary least squares on standardized predictors, with
// bootstrap percentile intervals. Main entry points: standardized_ols, standardized_ols_bootstrap.
//
// The model, for each response column y (n rows):
//   y = b0 + sum_j beta_j z(x_j) + sum_k gamma_k z(c_k) + e,
// where z() divides a column's deviations from its mean by its standard deviation over the n rows
// (population SD, ddof 0), x are the predictors whose effects are reported and c the covariates
// (controls) they are adjusted for. beta_j is the change of y, in y's units, per standard deviation
// of x_j with the other columns held fixed: the signed effect (no shrinkage; ridge remains the
// estimator of predictive r). Mixed-effects models (random effects of subjects and items) are not
// fitted here.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/bootstrap_options.hpp"
#include "neuroscore/detail/ols.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

// Coefficients of the predictors (x.cols() x y.cols()): beta_j for each response column.
// std::invalid_argument for shapes that differ, fewer rows than columns + 2, non-finite values, a
// constant column (its z() is undefined; it names the column, predictors first), or columns that
// are linearly dependent (a predictor repeated among the covariates, say: QR rank below the
// number of columns, with relative threshold 1e-10).
inline Eigen::MatrixXd standardized_ols(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& covariates,
                                        const Eigen::Ref<const Eigen::MatrixXd>& y);

struct OlsEffects {
  Eigen::MatrixXd coefficient;  // x.cols() x y.cols(): on all rows
  Eigen::MatrixXd lower, upper; // percentile interval of each coefficient over the resamples
  Eigen::MatrixXd distribution; // resamples x (x.cols() * y.cols()): column j + p * t, in draw order
  double confidence = 0.95;
  std::size_t resamples = 0;
  Seed seed;
};

// standardized_ols on all rows, then on `resamples` bootstrap resamples of `units` (draw_resample,
// one std::mt19937_64 seeded with `seed`; the columns are standardized once, on all rows, so every
// resample estimates the same per-SD coefficient), and the percentile interval of each
// coefficient (type 7 quantiles, as every interval here). A resample whose design is rank
// deficient (every row of a rare level drawn away) gives NaN for that draw; the interval is then
// over the finite draws, and std::invalid_argument is thrown when more than 1% of draws fail.
inline OlsEffects standardized_ols_bootstrap(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& covariates,
                                             const Eigen::Ref<const Eigen::MatrixXd>& y, const ResamplingUnits& units, Seed seed,
                                             std::size_t resamples = 1000, double confidence = 0.95);

// ---------------------------------------------------------------------------------------------
// Implementation.

inline Eigen::MatrixXd standardized_ols(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& covariates,
                                        const Eigen::Ref<const Eigen::MatrixXd>& y) {
  const Eigen::MatrixXd d = detail::standardized_design(x, covariates, y);
  Eigen::MatrixXd beta;
  if (!detail::ols_solve(d, y, x.cols(), beta)) {
    throw std::invalid_argument("standardized_ols: the predictors and covariates are linearly dependent (" + std::to_string(d.cols()) +
                                " columns with the intercept, rank below that)");
  }
  return beta;
}

inline OlsEffects standardized_ols_bootstrap(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& covariates,
                                             const Eigen::Ref<const Eigen::MatrixXd>& y, const ResamplingUnits& units, Seed seed,
                                             std::size_t resamples, double confidence) {
  if (resamples < 2) throw std::invalid_argument("standardized_ols_bootstrap: at least 2 resamples, got " + std::to_string(resamples));
  if (!(confidence > 0.0 && confidence < 1.0)) throw std::invalid_argument("standardized_ols_bootstrap: confidence must be in (0, 1)");
  const Eigen::MatrixXd d = detail::standardized_design(x, covariates, y);
  OlsEffects out;
  out.confidence = confidence;
  out.resamples = resamples;
  out.seed = seed;
  if (!detail::ols_solve(d, y, x.cols(), out.coefficient)) {
    throw std::invalid_argument("standardized_ols_bootstrap: the predictors and covariates are linearly dependent");
  }
  const Eigen::Index p = x.cols(), t = y.cols();
  out.distribution.resize(static_cast<Eigen::Index>(resamples), p * t);
  std::mt19937_64 rng(seed.value);
  std::vector<std::size_t> idx;
  std::size_t failed = 0;
  Eigen::MatrixXd beta;
  for (std::size_t b = 0; b < resamples; ++b) {
    draw_resample(units, rng, idx);
    for (const std::size_t i : idx) {
      if (i >= static_cast<std::size_t>(y.rows())) throw std::invalid_argument("standardized_ols_bootstrap: a resampling unit holds row " + std::to_string(i) + ", beyond the rows");
    }
    Eigen::MatrixXd db(static_cast<Eigen::Index>(idx.size()), d.cols()), yb(static_cast<Eigen::Index>(idx.size()), t);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      db.row(static_cast<Eigen::Index>(k)) = d.row(static_cast<Eigen::Index>(idx[k]));
      yb.row(static_cast<Eigen::Index>(k)) = y.row(static_cast<Eigen::Index>(idx[k]));
    }
    if (detail::ols_solve(db, yb, p, beta)) {
      out.distribution.row(static_cast<Eigen::Index>(b)) = Eigen::Map<const Eigen::RowVectorXd>(beta.data(), p * t);
    } else {
      out.distribution.row(static_cast<Eigen::Index>(b)).setConstant(std::numeric_limits<double>::quiet_NaN());
      ++failed;
    }
  }
  if (failed * 100 > resamples) {
    throw std::invalid_argument("standardized_ols_bootstrap: " + std::to_string(failed) + " of " + std::to_string(resamples) +
                                " resamples have linearly dependent columns (too few units for these predictors?)");
  }
  out.lower.resize(p, t);
  out.upper.resize(p, t);
  for (Eigen::Index k = 0; k < p * t; ++k) {
    std::vector<double> v;
    for (Eigen::Index b = 0; b < out.distribution.rows(); ++b) {
      if (std::isfinite(out.distribution(b, k))) v.push_back(out.distribution(b, k));
    }
    std::sort(v.begin(), v.end());
    out.lower(k % p, k / p) = quantile_sorted(v, (1.0 - confidence) / 2.0);
    out.upper(k % p, k / p) = quantile_sorted(v, (1.0 + confidence) / 2.0);
  }
  return out;
}

}  // namespace neuroscore
