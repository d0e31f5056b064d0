// neuroscore/ridge.hpp: ridge regression with the regularization chosen by inner
// cross-validation. Entry point: cross_validated_ridge(X, Y, folds, options).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/detail/check.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Alpha convention: W(alpha) = argmin ||Y - X W||^2 + alpha ||W||^2 = (X'X + alpha I)^-1 X'Y,
// as scikit-learn and himalaya (not the Huth lab's alpha^2). X and Y are centred with the
// training means, so the intercept is not penalized.
//
// Factor once, solve many: with the thin SVD of the centred training X, X = U S V',
//   W(alpha) = V diag(s / (s^2 + alpha)) U'Y,
// so one decomposition serves every alpha and every target. Singular values below
// max(n, p) * eps * s_max are treated as zero (the pseudo-inverse's rule).
class RidgePath {
 public:
  explicit RidgePath(const Eigen::Ref<const Eigen::MatrixXd>& x_train)
      : x_mean_(x_train.colwise().mean()) {
    const Eigen::MatrixXd centred = x_train.rowwise() - x_mean_;
    Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
    const Eigen::VectorXd& s = svd.singularValues();
    const double cutoff = s.size() == 0 ? 0.0
                                        : static_cast<double>(std::max(centred.rows(), centred.cols())) *
                                              std::numeric_limits<double>::epsilon() * s(0);
    Eigen::Index rank = 0;
    while (rank < s.size() && s(rank) > cutoff) ++rank;
    singular_values_ = s.head(rank);
    u_ = svd.matrixU().leftCols(rank);
    v_ = svd.matrixV().leftCols(rank);
  }

  Eigen::Index rank() const { return singular_values_.size(); }
  const Eigen::VectorXd& singular_values() const { return singular_values_; }

  // U' (Y - mean Y): rank x targets. Computed once per target batch.
  Eigen::MatrixXd project_targets(const Eigen::Ref<const Eigen::MatrixXd>& y_train) const {
    const Eigen::RowVectorXd y_mean = y_train.colwise().mean();
    Eigen::MatrixXd out(rank(), y_train.cols());
    out.noalias() = u_.transpose() * (y_train.rowwise() - y_mean);
    return out;
  }

  // (X_test - mean X) V: test samples x rank.
  Eigen::MatrixXd project_inputs(const Eigen::Ref<const Eigen::MatrixXd>& x_test) const {
    Eigen::MatrixXd out(x_test.rows(), rank());
    out.noalias() = (x_test.rowwise() - x_mean_) * v_;
    return out;
  }

  // The spectral filter s / (s^2 + alpha) of one alpha.
  Eigen::VectorXd filter(double alpha) const {
    return (singular_values_.array() / (singular_values_.array().square() + alpha)).matrix();
  }

  // Coefficients for the original (uncentred) features: p x targets.
  Eigen::MatrixXd coefficients(const Eigen::Ref<const Eigen::MatrixXd>& projected_targets,
                               double alpha) const {
    return v_ * (filter(alpha).asDiagonal() * projected_targets);
  }

 private:
  Eigen::RowVectorXd x_mean_;
  Eigen::VectorXd singular_values_;
  Eigen::MatrixXd u_;
  Eigen::MatrixXd v_;
};

struct RidgeCvOptions {
  // Candidate alphas (any order; each >= 0 and finite).
  std::vector<double> alphas = {0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0};
  // Inner contiguous k-fold over each outer training set, with its own purge gap.
  std::size_t inner_folds = 5;
  Gap inner_gap{};
  // true: each target gets the alpha with the best mean inner-fold R^2 (ties go to the
  // larger alpha). false: one alpha for all targets, by the mean over targets.
  bool per_target_alpha = true;
};

struct RidgeCvResult {
  Eigen::MatrixXd predictions;   // samples x targets; each sample predicted by the fold testing it
  Eigen::MatrixXd fold_r;        // outer folds x targets: Pearson r on each test block
  Eigen::MatrixXd chosen_alpha;  // outer folds x targets
  Eigen::Index alphas_at_grid_edge = 0;  // (fold, target) pairs whose alpha is min or max of the grid
  Eigen::Index degenerate_scores = 0;    // (fold, target) pairs with a constant test block or prediction

  // Mean over outer folds of the per-fold Pearson r (the default brain score).
  Eigen::VectorXd mean_r() const { return fold_r.colwise().mean().transpose(); }
};

namespace detail {

inline Eigen::MatrixXd take_rows(const Eigen::Ref<const Eigen::MatrixXd>& m,
                                 const std::vector<std::size_t>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(static_cast<Eigen::Index>(rows[i]));
  return out;
}

inline void validate_folds(const std::vector<Fold>& folds, std::size_t n) {
  if (folds.empty()) throw std::invalid_argument("cross_validated_ridge: no folds");
  for (std::size_t f = 0; f < folds.size(); ++f) {
    for (const auto* part : {&folds[f].train, &folds[f].test}) {
      for (std::size_t i : *part) {
        if (i >= n) {
          throw std::invalid_argument("fold " + std::to_string(f) + " names sample " +
                                      std::to_string(i) + " but there are " + std::to_string(n));
        }
      }
    }
    if (folds[f].test.empty()) {
      throw std::invalid_argument("fold " + std::to_string(f) + " has no test samples");
    }
  }
}

// Mean inner-fold R^2 for every alpha and target: alphas x targets.
inline Eigen::MatrixXd inner_cv_r2(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y,
                                   const std::vector<double>& alphas,
                                   const RidgeCvOptions& options) {
  const std::vector<Fold> inner =
      contiguous_kfold(static_cast<std::size_t>(x.rows()), options.inner_folds, options.inner_gap);
  Eigen::MatrixXd mean_r2 = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(alphas.size()), y.cols());
  Eigen::MatrixXd predicted;
  for (const Fold& fold : inner) {
    const RidgePath path(take_rows(x, fold.train));
    const Eigen::MatrixXd uty = path.project_targets(take_rows(y, fold.train));
    const Eigen::MatrixXd p = path.project_inputs(take_rows(x, fold.test));
    const Eigen::MatrixXd y_test = take_rows(y, fold.test);
    const Eigen::RowVectorXd y_train_mean = take_rows(y, fold.train).colwise().mean();
    for (std::size_t a = 0; a < alphas.size(); ++a) {
      predicted.noalias() = (p * path.filter(alphas[a]).asDiagonal()) * uty;
      predicted.rowwise() += y_train_mean;
      mean_r2.row(static_cast<Eigen::Index>(a)) += r2_score(y_test, predicted).value.transpose();
    }
  }
  return mean_r2 / static_cast<double>(inner.size());
}

}  // namespace detail

// Outer cross-validation with inner selection of alpha. For each outer fold: inner
// contiguous k-fold on the training samples picks alpha per target (or one shared alpha),
// then ridge is refit on all training samples and predicts the test block.
// Errors: shape mismatch, non-finite X or Y, empty or negative alphas, bad fold indices.
inline RidgeCvResult cross_validated_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const std::vector<Fold>& folds,
                                           const RidgeCvOptions& options = {}) {
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("cross_validated_ridge: X has " + std::to_string(x.rows()) +
                                " samples but Y has " + std::to_string(y.rows()));
  }
  detail::require_finite(x, "X");
  detail::require_finite(y, "Y");
  if (options.alphas.empty()) throw std::invalid_argument("cross_validated_ridge: no alphas");
  for (double a : options.alphas) {
    if (!(a >= 0.0) || !std::isfinite(a)) {
      throw std::invalid_argument("cross_validated_ridge: alpha " + std::to_string(a) +
                                  " is not a finite non-negative number");
    }
  }
  const auto n = static_cast<std::size_t>(x.rows());
  detail::validate_folds(folds, n);

  std::vector<double> alphas = options.alphas;
  std::sort(alphas.begin(), alphas.end());
  alphas.erase(std::unique(alphas.begin(), alphas.end()), alphas.end());

  const Eigen::Index t = y.cols();
  RidgeCvResult out;
  out.predictions = Eigen::MatrixXd::Constant(x.rows(), t, std::numeric_limits<double>::quiet_NaN());
  out.fold_r.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.chosen_alpha.resize(static_cast<Eigen::Index>(folds.size()), t);

  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    const Eigen::MatrixXd x_train = detail::take_rows(x, fold.train);
    const Eigen::MatrixXd y_train = detail::take_rows(y, fold.train);
    if (fold.train.size() < options.inner_folds) {
      throw std::invalid_argument("fold " + std::to_string(f) + " has " +
                                  std::to_string(fold.train.size()) +
                                  " training samples, fewer than inner_folds = " +
                                  std::to_string(options.inner_folds));
    }

    // Alpha selection on the training samples only.
    Eigen::VectorXd chosen(t);
    if (alphas.size() == 1) {
      chosen.setConstant(alphas[0]);
    } else {
      const Eigen::MatrixXd r2 = detail::inner_cv_r2(x_train, y_train, alphas, options);
      if (options.per_target_alpha) {
        for (Eigen::Index j = 0; j < t; ++j) {
          Eigen::Index best = 0;
          for (Eigen::Index a = 1; a < r2.rows(); ++a) {
            if (r2(a, j) >= r2(best, j)) best = a;  // ties go to the larger alpha
          }
          chosen(j) = alphas[static_cast<std::size_t>(best)];
        }
      } else {
        const Eigen::VectorXd mean = r2.rowwise().mean();
        Eigen::Index best = 0;
        for (Eigen::Index a = 1; a < mean.size(); ++a) {
          if (mean(a) >= mean(best)) best = a;
        }
        chosen.setConstant(alphas[static_cast<std::size_t>(best)]);
      }
    }
    if (alphas.size() > 1) {
      for (Eigen::Index j = 0; j < t; ++j) {
        if (chosen(j) == alphas.front() || chosen(j) == alphas.back()) ++out.alphas_at_grid_edge;
      }
    }

    // Refit on all training samples: one decomposition; each target's coefficients in the
    // V basis are U'y scaled by its own filter, then one product predicts every target.
    const RidgePath path(x_train);
    Eigen::MatrixXd scaled = path.project_targets(y_train);
    for (Eigen::Index j = 0; j < t; ++j) scaled.col(j).array() *= path.filter(chosen(j)).array();
    Eigen::MatrixXd predicted(static_cast<Eigen::Index>(fold.test.size()), t);
    predicted.noalias() = path.project_inputs(detail::take_rows(x, fold.test)) * scaled;
    predicted.rowwise() += y_train.colwise().mean();

    const TargetScores r = pearson_r(detail::take_rows(y, fold.test), predicted);
    out.degenerate_scores += r.degenerate_count();
    out.fold_r.row(static_cast<Eigen::Index>(f)) = r.value.transpose();
    out.chosen_alpha.row(static_cast<Eigen::Index>(f)) = chosen.transpose();
    for (std::size_t i = 0; i < fold.test.size(); ++i) {
      out.predictions.row(static_cast<Eigen::Index>(fold.test[i])) = predicted.row(static_cast<Eigen::Index>(i));
    }
  }
  return out;
}

}  // namespace neuroscore
