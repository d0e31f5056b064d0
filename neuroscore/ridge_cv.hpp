// neuroscore/ridge_cv.hpp: ridge regression with the regularization chosen by inner cross-validation,
// primal or dual, float or double, and the alpha search on its own. Entry points:
// cross_validated_ridge(X, Y, folds, options), fit_ridge(X, Y, cv, options), RidgeAlphaScan.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/ridge_cv_impl.hpp"
#include "neuroscore/detail/ridge_folds.hpp"
#include "neuroscore/detail/ridge_kernels.hpp"
#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/ridge_options.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Outer cross-validation with inner selection of alpha. For each outer fold: inner
// contiguous k-fold on the training samples picks alpha per target (or one shared alpha),
// then ridge is refit on all training samples and predicts the test block. Every inner fold
// and the refit are factored once (RidgeDecomposition); targets then stream through in
// batches bounded by options.max_batch_bytes, each batch scored for every alpha.
// Errors: shape mismatch, non-finite X or Y (naming row and column), empty or negative
// alphas, bad fold indices, fewer training samples than inner folds, a zero byte budget.
// With `cache` (RidgeFoldCache), the factorizations are kept for the next call on the same X.
inline RidgeCvResult cross_validated_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const std::vector<Fold>& folds,
                                           const RidgeCvOptions& options = {},
                                           RidgeFoldCache<double>* cache = nullptr) {
  return detail::cross_validated_ridge_impl<double>(x, y, folds, options, cache);
}

// The same in single precision: the decompositions run in double, the products over targets
// in float (half the memory and about twice the GEMM rate); scores are computed in double.
inline RidgeCvResultOf<float> cross_validated_ridge(const Eigen::Ref<const Eigen::MatrixXf>& x,
                                                    const Eigen::Ref<const Eigen::MatrixXf>& y,
                                                    const std::vector<Fold>& folds,
                                                    const RidgeCvOptions& options = {},
                                                    RidgeFoldCache<float>* cache = nullptr) {
  return detail::cross_validated_ridge_impl<float>(x, y, folds, options, cache);
}

// Ridge on all rows of X and Y, the alpha chosen from options.alphas by the mean R^2 over the
// folds `cv` (per target, or one for all with options.per_target_alpha = false; ties go to the
// larger alpha), exactly as cross_validated_ridge chooses it on an outer training set: the
// scikit-learn/himalaya RidgeCV.fit. `cv` is not read for a one-alpha grid. options.inner_folds,
// inner_gap and inner_groups belong to the nested cross_validated_ridge and are not read here: the
// folds are `cv`.
// Errors: shape mismatch, non-finite X or Y, bad alphas, fewer than 2 samples, cv folds naming
// rows outside X or without training or test rows.
inline RidgeFit fit_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
                          const std::vector<Fold>& cv, const RidgeCvOptions& options = {}) {
  return detail::fit_ridge_impl<double>(x, y, cv, options);
}

// The same in single precision (decompositions in double, products over targets in float).
inline RidgeFitOf<float> fit_ridge(const Eigen::Ref<const Eigen::MatrixXf>& x, const Eigen::Ref<const Eigen::MatrixXf>& y,
                                   const std::vector<Fold>& cv, const RidgeCvOptions& options = {}) {
  return detail::fit_ridge_impl<float>(x, y, cv, options);
}

// The inner cross-validation of cross_validated_ridge on its own: the folds of X are factored once
// (the constructor), then mean_r2(Y) scores every alpha of the grid on every fold for every target,
// exactly as cross_validated_ridge and fit_ridge score them to choose alpha (fit_ridge's cv_r2, bit
// for bit). For an alpha curve of one's own, or to time the alpha search apart from the
// factorizations (benchmarks/perf/ridge_benchmark.cc). options.alphas, solver, standardize and
// max_batch_bytes are read; the folds are `folds`, each needing training and test rows.
// Errors: non-finite X, bad alphas, folds naming rows outside X or without training or test rows;
// mean_r2: Y with another number of rows than X, non-finite Y.
template <class Scalar>
class RidgeAlphaScan {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

  RidgeAlphaScan(const Eigen::Ref<const Matrix>& x, const std::vector<Fold>& folds, const RidgeCvOptions& options = {})
      : alphas_(detail::alpha_grid(options, "RidgeAlphaScan")), max_batch_bytes_(options.max_batch_bytes), rows_(x.rows()) {
    require_finite(x, "X");
    try {
      detail::validate_folds(folds, static_cast<std::size_t>(x.rows()));
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("RidgeAlphaScan: ") + e.what());
    }
    for (std::size_t f = 0; f < folds.size(); ++f) {
      if (folds[f].train.empty()) throw std::invalid_argument("RidgeAlphaScan: fold " + std::to_string(f) + " has no training samples");
      folds_.push_back(detail::factor_fold<Scalar>(x, folds[f].train, folds[f].test, options));
      n_train_max_ = std::max(n_train_max_, static_cast<Eigen::Index>(folds[f].train.size()));
      n_test_max_ = std::max(n_test_max_, static_cast<Eigen::Index>(folds[f].test.size()));
      rank_max_ = std::max(rank_max_, folds_.back().factor.rank());
    }
  }

  // The grid: options.alphas ascending, duplicates removed (the rows of mean_r2).
  const std::vector<double>& alphas() const { return alphas_; }

  // Sizes the working buffers for Y of `targets` columns, so that mean_r2 then allocates only its
  // result (mean_r2 does it otherwise, on its first call or a call with more targets).
  void reserve(Eigen::Index targets) {
    ws_.size_for(n_train_max_, rank_max_, n_test_max_, static_cast<Eigen::Index>(alphas_.size()), targets,
                 max_batch_bytes_);
  }

  // Alphas x targets: the mean over the folds of each alpha's R^2 on the fold's test rows. The
  // working buffers are kept between calls (a second call with as many targets allocates only the
  // result).
  Eigen::MatrixXd mean_r2(const Eigen::Ref<const Matrix>& y) {
    if (y.rows() != rows_) {
      throw std::invalid_argument("RidgeAlphaScan: X has " + std::to_string(rows_) + " samples but Y has " +
                                  std::to_string(y.rows()));
    }
    require_finite(y, "Y");
    const Eigen::Index batch = ws_.size_for(n_train_max_, rank_max_, n_test_max_, static_cast<Eigen::Index>(alphas_.size()),
                                            y.cols(), max_batch_bytes_);
    return detail::mean_inner_r2<Scalar>(y, folds_, alphas_, batch, ws_);
  }

 private:
  std::vector<double> alphas_;
  std::size_t max_batch_bytes_;
  Eigen::Index rows_;
  Eigen::Index n_train_max_ = 0, n_test_max_ = 0, rank_max_ = 0;
  std::vector<detail::FactoredFold<Scalar>> folds_;
  detail::RidgeWorkspace<Scalar> ws_;
};

}  // namespace neuroscore
