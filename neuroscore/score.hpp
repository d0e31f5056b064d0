// neuroscore/score.hpp: how well predictions match observations, per target (column).
// Entry point: pearson_r(observed, predicted) -> TargetScores.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <vector>

#include "neuroscore/detail/check.hpp"

namespace neuroscore {

// One score per target. A target whose observed or predicted column is constant has no
// defined correlation: its value is 0 and `degenerate` is true, never NaN.
struct TargetScores {
  Eigen::VectorXd value;
  std::vector<bool> degenerate;
  Eigen::Index degenerate_count() const {
    Eigen::Index n = 0;
    for (bool d : degenerate) n += d ? 1 : 0;
    return n;
  }
};

namespace detail {
// A centred column counts as constant when its sum of squares is below what rounding
// leaves of a constant column: n * (64 eps * max|x|)^2.
inline bool is_constant(double centred_sum_squares, double max_abs, Eigen::Index n) {
  const double tol = 64.0 * std::numeric_limits<double>::epsilon() * max_abs;
  return !(centred_sum_squares > static_cast<double>(n) * tol * tol);
}
}  // namespace detail

// Pearson correlation per column:
//   r = sum_i (y_i - mean y)(p_i - mean p) / sqrt(sum_i (y_i - mean y)^2 sum_i (p_i - mean p)^2).
inline TargetScores pearson_r(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                              const Eigen::Ref<const Eigen::MatrixXd>& predicted) {
  detail::require_same_shape(observed, "observed", predicted, "predicted");
  if (observed.rows() < 2) {
    throw std::invalid_argument("pearson_r needs at least 2 samples, got " +
                                std::to_string(observed.rows()));
  }
  const Eigen::Index n = observed.rows();
  TargetScores out{Eigen::VectorXd::Zero(observed.cols()),
                   std::vector<bool>(static_cast<std::size_t>(observed.cols()), false)};
  for (Eigen::Index j = 0; j < observed.cols(); ++j) {
    const Eigen::ArrayXd y = observed.col(j).array() - observed.col(j).mean();
    const Eigen::ArrayXd p = predicted.col(j).array() - predicted.col(j).mean();
    const double syy = y.square().sum();
    const double spp = p.square().sum();
    if (detail::is_constant(syy, observed.col(j).cwiseAbs().maxCoeff(), n) ||
        detail::is_constant(spp, predicted.col(j).cwiseAbs().maxCoeff(), n)) {
      out.degenerate[static_cast<std::size_t>(j)] = true;
      continue;
    }
    out.value(j) = (y * p).sum() / std::sqrt(syy * spp);
  }
  return out;
}

// Coefficient of determination about the test mean, per column:
//   R^2 = 1 - sum (y - p)^2 / sum (y - mean y)^2.
// A constant observed column gives 0 and `degenerate`.
inline TargetScores r2_score(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                             const Eigen::Ref<const Eigen::MatrixXd>& predicted) {
  detail::require_same_shape(observed, "observed", predicted, "predicted");
  const Eigen::Index n = observed.rows();
  TargetScores out{Eigen::VectorXd::Zero(observed.cols()),
                   std::vector<bool>(static_cast<std::size_t>(observed.cols()), false)};
  for (Eigen::Index j = 0; j < observed.cols(); ++j) {
    const double sst = (observed.col(j).array() - observed.col(j).mean()).square().sum();
    if (n < 2 || detail::is_constant(sst, observed.col(j).cwiseAbs().maxCoeff(), n)) {
      out.degenerate[static_cast<std::size_t>(j)] = true;
      continue;
    }
    out.value(j) = 1.0 - (observed.col(j) - predicted.col(j)).squaredNorm() / sst;
  }
  return out;
}

}  // namespace neuroscore
