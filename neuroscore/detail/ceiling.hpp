// neuroscore/detail/ceiling.hpp (private): trial checks, column statistics and shuffles of
// ceiling.hpp. Entry points: detail::ceilings::require_trials, column_r, mean_of, finish_loso.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/inter_subject_ceiling.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

namespace detail::ceilings {

inline void require_trials(const std::vector<Eigen::MatrixXd>& trials, std::size_t minimum, const char* who) {
  if (trials.size() < minimum) {
    throw std::invalid_argument(std::string(who) + ": needs at least " + std::to_string(minimum) +
                                " trials, got " + std::to_string(trials.size()));
  }
  for (std::size_t i = 0; i < trials.size(); ++i) {
    if (trials[i].rows() != trials[0].rows() || trials[i].cols() != trials[0].cols()) {
      throw std::invalid_argument(std::string(who) + ": trial " + std::to_string(i) + " is " +
                                  shape_string(trials[i].rows(), trials[i].cols()) + " but trial 0 is " +
                                  shape_string(trials[0].rows(), trials[0].cols()));
    }
    require_finite(trials[i], std::string(who) + " trial " + std::to_string(i));
  }
  if (trials[0].rows() < 2) {
    throw std::invalid_argument(std::string(who) + ": needs at least 2 samples per trial");
  }
}

// Population (1/n) variance of each column.
inline Eigen::VectorXd column_variance(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  const Eigen::RowVectorXd mean = m.colwise().mean();
  return ((m.rowwise() - mean).colwise().squaredNorm() / static_cast<double>(m.rows())).transpose();
}

// Pearson r per column; 0 for a constant column.
inline Eigen::VectorXd column_r(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b) {
  Eigen::VectorXd r(a.cols());
  for (Eigen::Index j = 0; j < a.cols(); ++j) {
    const Eigen::ArrayXd x = a.col(j).array() - a.col(j).mean();
    const Eigen::ArrayXd y = b.col(j).array() - b.col(j).mean();
    const double d = std::sqrt(x.square().sum() * y.square().sum());
    r(j) = d > 0.0 ? (x * y).sum() / d : 0.0;
  }
  return r;
}

inline Eigen::MatrixXd mean_of(const std::vector<Eigen::MatrixXd>& trials, const std::vector<std::size_t>& which) {
  Eigen::MatrixXd m = Eigen::MatrixXd::Zero(trials[0].rows(), trials[0].cols());
  for (std::size_t i : which) m += trials[i];
  return m / static_cast<double>(which.size());
}

// Z-score each column (population standard deviation, as scipy.stats.zscore); constant
// columns become 0.
inline Eigen::MatrixXd zscore_cols(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  Eigen::MatrixXd z = m.rowwise() - m.colwise().mean();
  for (Eigen::Index j = 0; j < z.cols(); ++j) {
    const double sd = std::sqrt(z.col(j).squaredNorm() / static_cast<double>(z.rows()));
    if (sd > 0.0) z.col(j) /= sd;
  }
  return z;
}

inline void partial_shuffle(std::vector<std::size_t>& v, std::size_t count, std::mt19937_64& rng) {
  for (std::size_t i = 0; i < count && i + 1 < v.size(); ++i) {
    const std::size_t j = i + static_cast<std::size_t>(uniform_below(rng, v.size() - i));
    std::swap(v[i], v[j]);
  }
}

}  // namespace detail::ceilings

namespace detail::ceilings {
// From per_subject_r (subjects x targets): the mean over subjects and its single-subject correction.
inline void finish_loso(InterSubjectCeiling& out) {
  const auto s = static_cast<double>(out.per_subject_r.rows());
  out.mean_r = out.per_subject_r.colwise().mean().transpose();
  out.single_subject_reliability =
      out.mean_r.unaryExpr([s](double r) { return single_subject_reliability_from_loso(r, s); });
  out.corrected_r = out.single_subject_reliability.cwiseSqrt();
}
}  // namespace detail::ceilings

}  // namespace neuroscore
