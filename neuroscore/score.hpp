// neuroscore/score.hpp: how well predictions match observations, per target (column).
// Entry points: pearson_r / r2_score / r2_oos(observed, predicted) -> TargetScores;
// cross_validated_score(y, folds, fold_predictions, Metric) -> CrossValidatedScore.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/score.hpp"
#include "neuroscore/metric.hpp"
#include "neuroscore/split.hpp"

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

// The degeneracy rule of every score here: a column of n values whose largest magnitude is
// max_abs counts as constant when its sum of squares about its mean is below what rounding leaves
// of a constant column, n * (64 eps * max_abs)^2, eps of the Scalar the column was computed in
// (float for the f32 ridge path). Public for callers that compute a score themselves (the Python
// bindings' resampled Pearson r) and must call the same columns degenerate.
template <class Scalar = double>
bool is_constant_column(double centred_sum_squares, double max_abs, Eigen::Index n) {
  const double tol = 64.0 * static_cast<double>(std::numeric_limits<Scalar>::epsilon()) * max_abs;
  return !(centred_sum_squares > static_cast<double>(n) * tol * tol);
}

// Pearson correlation per column:
//   r = sum_i (y_i - mean y)(p_i - mean p) / sqrt(sum_i (y_i - mean y)^2 sum_i (p_i - mean p)^2).
inline TargetScores pearson_r(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                              const Eigen::Ref<const Eigen::MatrixXd>& predicted) {
  require_same_shape(observed, "observed", predicted, "predicted");
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
    if (is_constant_column(syy, observed.col(j).cwiseAbs().maxCoeff(), n) ||
        is_constant_column(spp, predicted.col(j).cwiseAbs().maxCoeff(), n)) {
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
  require_same_shape(observed, "observed", predicted, "predicted");
  const Eigen::Index n = observed.rows();
  TargetScores out{Eigen::VectorXd::Zero(observed.cols()),
                   std::vector<bool>(static_cast<std::size_t>(observed.cols()), false)};
  for (Eigen::Index j = 0; j < observed.cols(); ++j) {
    const double sst = (observed.col(j).array() - observed.col(j).mean()).square().sum();
    if (n < 2 || is_constant_column(sst, observed.col(j).cwiseAbs().maxCoeff(), n)) {
      out.degenerate[static_cast<std::size_t>(j)] = true;
      continue;
    }
    out.value(j) = 1.0 - (observed.col(j) - predicted.col(j)).squaredNorm() / sst;
  }
  return out;
}

// Out-of-sample R^2 against the training-mean prediction, per column (Feghhi et al. 2024,
// "What are large language models mapping to in the brain?", methods: the baseline is the
// mean of the TRAINING targets, not the test mean, so a model must beat what training
// alone already knew):
//   R2_oos = 1 - sum_i (y_i - p_i)^2 / sum_i (y_i - mean_train)^2.
// `training_mean` holds mean_train per target (a row or column vector of observed.cols()).
// A constant observed column (which includes a zero denominator) gives 0 and `degenerate`,
// never NaN, as r2_score does.
// Errors: shape mismatch, a training mean of the wrong length, non-finite training mean.
inline TargetScores r2_oos(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                           const Eigen::Ref<const Eigen::MatrixXd>& predicted,
                           const Eigen::Ref<const Eigen::VectorXd>& training_mean) {
  require_same_shape(observed, "observed", predicted, "predicted");
  if (training_mean.size() != observed.cols()) {
    throw std::invalid_argument("r2_oos: training_mean has " + std::to_string(training_mean.size()) +
                                " entries but observed has " + std::to_string(observed.cols()) +
                                " targets");
  }
  require_finite(training_mean, "training_mean");
  const Eigen::Index n = observed.rows();
  TargetScores out{Eigen::VectorXd::Zero(observed.cols()),
                   std::vector<bool>(static_cast<std::size_t>(observed.cols()), false)};
  for (Eigen::Index j = 0; j < observed.cols(); ++j) {
    const double sst = (observed.col(j).array() - observed.col(j).mean()).square().sum();
    if (n < 1 || is_constant_column(sst, observed.col(j).cwiseAbs().maxCoeff(), n)) {
      out.degenerate[static_cast<std::size_t>(j)] = true;
      continue;
    }
    const double ss_train_mean = (observed.col(j).array() - training_mean(j)).square().sum();
    out.value(j) = 1.0 - (observed.col(j) - predicted.col(j)).squaredNorm() / ss_train_mean;
  }
  return out;
}

// A cross-validated score per target and how it was made.
struct CrossValidatedScore {
  Eigen::VectorXd value;          // per target
  // pooled: the pooled score was degenerate (value 0). per_fold_mean: at least one fold's
  // score was degenerate; such a fold counts as 0 in the mean (as RidgeCvResult::mean_r).
  std::vector<bool> degenerate;
  Eigen::MatrixXd per_fold;       // folds x targets for per_fold_mean; 0 x targets when pooled
  Eigen::Index degenerate_fold_scores = 0;  // (fold, target) pairs degenerate (per_fold_mean)
  Metric metric = Metric::pearson_r;
  FoldAggregation aggregation = FoldAggregation::per_fold_mean;
};

// The rows `rows` of m, in that order (repeats allowed), in m's scalar type: rows_of(y, fold.test)
// is a fold's test block. Every index must be below m.rows() (not checked: callers validate their
// folds first).
template <class Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> rows_of(const Eigen::DenseBase<Derived>& m,
                                                                                const std::vector<std::size_t>& rows) {
  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> out(static_cast<Eigen::Index>(rows.size()),
                                                                              m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    out.row(static_cast<Eigen::Index>(i)) = m.row(static_cast<Eigen::Index>(rows[i]));
  }
  return out;
}

// Per-fold scores averaged over folds (see FoldAggregation). `fold_predictions[f]` holds the
// predictions of fold f's test samples, rows in the order of folds[f].test, one column per
// target of y. For r2_oos the training mean of fold f is the mean of y over folds[f].train.
// Errors: mismatched counts or shapes (naming them), indices beyond y, non-finite values.
inline CrossValidatedScore per_fold_mean_score(const Eigen::Ref<const Eigen::MatrixXd>& y,
                                               const std::vector<Fold>& folds,
                                               const std::vector<Eigen::MatrixXd>& fold_predictions,
                                               Metric metric) {
  detail::validate_fold_predictions(y, folds, fold_predictions, metric);
  const auto k = static_cast<Eigen::Index>(folds.size());
  CrossValidatedScore out;
  out.metric = metric;
  out.aggregation = FoldAggregation::per_fold_mean;
  out.per_fold.resize(k, y.cols());
  out.degenerate.assign(static_cast<std::size_t>(y.cols()), false);
  for (Eigen::Index f = 0; f < k; ++f) {
    const Fold& fold = folds[static_cast<std::size_t>(f)];
    const Eigen::MatrixXd observed = rows_of(y, fold.test);
    const Eigen::MatrixXd& predicted = fold_predictions[static_cast<std::size_t>(f)];
    const TargetScores s = metric == Metric::pearson_r ? pearson_r(observed, predicted)
                           : metric == Metric::r2      ? r2_score(observed, predicted)
                                                       : r2_oos(observed, predicted,
                                                                detail::training_mean_of(y, fold));
    out.per_fold.row(f) = s.value.transpose();
    out.degenerate_fold_scores += s.degenerate_count();
    for (std::size_t j = 0; j < s.degenerate.size(); ++j) {
      if (s.degenerate[j]) out.degenerate[j] = true;
    }
  }
  out.value = out.per_fold.colwise().mean().transpose();
  return out;
}

// One score over the concatenated test blocks of every fold (see FoldAggregation).
// Arguments and errors as per_fold_mean_score.
inline CrossValidatedScore pooled_score(const Eigen::Ref<const Eigen::MatrixXd>& y,
                                        const std::vector<Fold>& folds,
                                        const std::vector<Eigen::MatrixXd>& fold_predictions,
                                        Metric metric) {
  detail::validate_fold_predictions(y, folds, fold_predictions, metric);
  Eigen::Index rows = 0;
  for (const Fold& fold : folds) rows += static_cast<Eigen::Index>(fold.test.size());
  const Eigen::Index t = y.cols();
  Eigen::MatrixXd observed(rows, t), predicted(rows, t), baseline(rows, t);
  Eigen::Index at = 0;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const auto m = static_cast<Eigen::Index>(folds[f].test.size());
    observed.middleRows(at, m) = rows_of(y, folds[f].test);
    predicted.middleRows(at, m) = fold_predictions[f];
    if (metric == Metric::r2_oos) {
      baseline.middleRows(at, m).rowwise() = detail::training_mean_of(y, folds[f]).transpose();
    }
    at += m;
  }
  CrossValidatedScore out;
  out.metric = metric;
  out.aggregation = FoldAggregation::pooled;
  out.per_fold.resize(0, t);
  TargetScores s;
  if (metric == Metric::pearson_r) {
    s = pearson_r(observed, predicted);
  } else if (metric == Metric::r2) {
    s = r2_score(observed, predicted);
  } else {
    // Pooled R2_oos = 1 - sum_f SSE_f / sum_f sum_i (y_i - mean_train_f)^2: r2_oos's kernel
    // with a per-row baseline.
    s = TargetScores{Eigen::VectorXd::Zero(t), std::vector<bool>(static_cast<std::size_t>(t), false)};
    for (Eigen::Index j = 0; j < t; ++j) {
      const double sst = (observed.col(j).array() - observed.col(j).mean()).square().sum();
      if (is_constant_column(sst, observed.col(j).cwiseAbs().maxCoeff(), rows)) {
        s.degenerate[static_cast<std::size_t>(j)] = true;
        continue;
      }
      s.value(j) = 1.0 - (observed.col(j) - predicted.col(j)).squaredNorm() /
                             (observed.col(j) - baseline.col(j)).squaredNorm();
    }
  }
  out.value = s.value;
  out.degenerate = s.degenerate;
  out.degenerate_fold_scores = 0;
  return out;
}

// The cross-validated score with the aggregation chosen explicitly; per-fold mean by default.
inline CrossValidatedScore cross_validated_score(
    const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
    const std::vector<Eigen::MatrixXd>& fold_predictions, Metric metric,
    FoldAggregation aggregation = FoldAggregation::per_fold_mean) {
  return aggregation == FoldAggregation::pooled ? pooled_score(y, folds, fold_predictions, metric)
                                                : per_fold_mean_score(y, folds, fold_predictions, metric);
}

}  // namespace neuroscore
