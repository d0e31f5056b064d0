// neuroscore/detail/score.hpp (private): the fold checks and training means of score.hpp's
// cross-validated scores. Entry points: detail::validate_fold_predictions, training_mean_of.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/metric.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

namespace detail {

// Checks folds and prediction blocks against y: same count, each block is
// (test samples) x (targets), every index is a sample of y, r2_oos folds have training.
inline void validate_fold_predictions(const Eigen::Ref<const Eigen::MatrixXd>& y,
                                      const std::vector<Fold>& folds,
                                      const std::vector<Eigen::MatrixXd>& predictions,
                                      Metric metric) {
  if (folds.empty()) throw std::invalid_argument("cross_validated_score: no folds");
  if (folds.size() != predictions.size()) {
    throw std::invalid_argument("cross_validated_score: " + std::to_string(folds.size()) +
                                " folds but " + std::to_string(predictions.size()) +
                                " prediction blocks");
  }
  require_finite(y, "y");
  const auto n = static_cast<std::size_t>(y.rows());
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Eigen::MatrixXd& p = predictions[f];
    const auto rows = static_cast<Eigen::Index>(folds[f].test.size());
    if (p.rows() != rows || p.cols() != y.cols()) {
      throw std::invalid_argument("cross_validated_score: prediction block " + std::to_string(f) +
                                  " is " + shape_string(p.rows(), p.cols()) + " but fold " +
                                  std::to_string(f) + " tests " + shape_string(rows, y.cols()) +
                                  " (samples x targets)");
    }
    require_finite(p, "prediction block " + std::to_string(f));
    for (const auto* part : {&folds[f].train, &folds[f].test}) {
      for (std::size_t i : *part) {
        if (i >= n) {
          throw std::invalid_argument("cross_validated_score: fold " + std::to_string(f) +
                                      " names sample " + std::to_string(i) + " but y has " +
                                      std::to_string(n) + " samples");
        }
      }
    }
    if (folds[f].test.empty()) {
      throw std::invalid_argument("cross_validated_score: fold " + std::to_string(f) +
                                  " has no test samples");
    }
    if (metric == Metric::r2_oos && folds[f].train.empty()) {
      throw std::invalid_argument("cross_validated_score: r2_oos needs the training mean but fold " +
                                  std::to_string(f) + " has no training samples");
    }
  }
}

inline Eigen::VectorXd training_mean_of(const Eigen::Ref<const Eigen::MatrixXd>& y, const Fold& fold) {
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(y.cols());
  for (std::size_t i : fold.train) mean += y.row(static_cast<Eigen::Index>(i)).transpose();
  return mean / static_cast<double>(fold.train.size());
}

}  // namespace detail

}  // namespace neuroscore
