// neuroscore/detail/ridge_cv_impl.hpp (private): the bodies of cross_validated_ridge and fit_ridge,
// templates on the Scalar so that double and float share them. Entry points:
// detail::cross_validated_ridge_impl, detail::fit_ridge_impl.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/ridge_folds.hpp"
#include "neuroscore/detail/ridge_kernels.hpp"
#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/ridge_options.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {
namespace detail {

template <class Scalar>
RidgeCvResultOf<Scalar> cross_validated_ridge_impl(
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
    const std::vector<Fold>& folds, const RidgeCvOptions& options, RidgeFoldCache<Scalar>* cache) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("cross_validated_ridge: X has " + std::to_string(x.rows()) +
                                " samples but Y has " + std::to_string(y.rows()));
  }
  require_finite(x, "X");
  require_finite(y, "Y");
  std::vector<double> alphas = alpha_grid(options, "cross_validated_ridge");
  const auto n = static_cast<std::size_t>(x.rows());
  validate_folds(folds, n);
  if (!options.inner_groups.empty() && options.inner_groups.size() != static_cast<std::size_t>(n)) {
    throw std::invalid_argument("cross_validated_ridge: inner_groups has " + std::to_string(options.inner_groups.size()) +
                                " labels for " + std::to_string(n) + " samples");
  }

  const auto n_alphas = static_cast<Eigen::Index>(alphas.size());

  const Eigen::Index t = y.cols();
  RidgeCvResultOf<Scalar> out;
  out.predictions = Matrix::Constant(x.rows(), t, std::numeric_limits<Scalar>::quiet_NaN());
  out.fold_r.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.chosen_alpha.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.grid_edge = Eigen::MatrixXi::Zero(static_cast<Eigen::Index>(folds.size()), t);
  RidgeWorkspace<Scalar> ws;
  const std::uint64_t key = cache != nullptr ? fold_cache_key<Scalar>(x, folds, options, n_alphas > 1) : 0;
  const bool cached = cache != nullptr && cache->key == key;
  if (cache != nullptr && !cached) *cache = RidgeFoldCache<Scalar>{};

  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    if (fold.train.size() < options.inner_folds) {
      throw std::invalid_argument("fold " + std::to_string(f) + " has " +
                                  std::to_string(fold.train.size()) +
                                  " training samples, fewer than inner_folds = " +
                                  std::to_string(options.inner_folds));
    }
    // Factor once per fold: every inner fold, and the refit on all training samples (or take
    // them from the cache, filled by an earlier call on the same X, folds and options).
    std::vector<FactoredFold<Scalar>> inner_here;
    FactoredFold<Scalar> refit_here;
    if (!cached) {
      if (n_alphas > 1 && options.inner_groups.empty()) {
        for (const Fold& in : contiguous_kfold(fold.train.size(), options.inner_folds, options.inner_gap)) {
          std::vector<std::size_t> train_rows, test_rows;
          for (std::size_t i : in.train) train_rows.push_back(fold.train[i]);
          for (std::size_t i : in.test) test_rows.push_back(fold.train[i]);
          inner_here.push_back(factor_fold<Scalar>(x, std::move(train_rows), std::move(test_rows), options));
        }
      } else if (n_alphas > 1) {
        std::vector<Fold> grouped;
        try {
          grouped = inner_group_kfold_up_to(fold.train, options.inner_groups, options.inner_folds, options.inner_gap);
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument("cross_validated_ridge: outer fold " + std::to_string(f) + ": " + e.what());
        }
        for (Fold& in : grouped) inner_here.push_back(factor_fold<Scalar>(x, std::move(in.train), std::move(in.test), options));
      }
      refit_here = factor_fold<Scalar>(x, fold.train, fold.test, options);
      if (cache != nullptr) {
        cache->inner.push_back(std::move(inner_here));
        cache->refit.push_back(std::move(refit_here));
      }
    }
    const std::vector<FactoredFold<Scalar>>& inner = cache != nullptr ? cache->inner[f] : inner_here;
    const FactoredFold<Scalar>& refit = cache != nullptr ? cache->refit[f] : refit_here;

    // Batch size from the byte budget, for the largest fold of this outer fold.
    Eigen::Index n_train_max = static_cast<Eigen::Index>(refit.train_rows.size());
    Eigen::Index n_test_max = static_cast<Eigen::Index>(refit.test_rows.size());
    Eigen::Index rank_max = refit.factor.rank();
    for (const auto& in : inner) {
      n_test_max = std::max(n_test_max, static_cast<Eigen::Index>(in.test_rows.size()));
      rank_max = std::max(rank_max, in.factor.rank());
    }
    const Eigen::Index batch = ws.size_for(n_train_max, rank_max, n_test_max, n_alphas, t, options.max_batch_bytes);
    out.target_batch_size = std::max(out.target_batch_size, batch);

    // Alpha selection on the training samples only: mean inner-fold R^2, alphas x targets.
    Eigen::VectorXd chosen(t);
    if (n_alphas == 1) {
      chosen.setConstant(alphas[0]);
    } else {
      chosen = choose_alphas(mean_inner_r2<Scalar>(y, inner, alphas, batch, ws), alphas, options.per_target_alpha);
      for (Eigen::Index j = 0; j < t; ++j) {
        const int edge = grid_edge_of(chosen(j), alphas);
        out.grid_edge(static_cast<Eigen::Index>(f), j) = edge;
        if (edge != 0) ++out.alphas_at_grid_edge;
      }
    }

    // Refit on all training samples with one decomposition: each target's B'Yc is scaled by
    // its own filter 1/(l + alpha_j), then one product predicts every target of the batch
    // (no grouping by alpha is needed: the per-target scaling is O(rank) per target).
    const auto n_test = static_cast<Eigen::Index>(refit.test_rows.size());
    for (Eigen::Index col0 = 0; col0 < t; col0 += batch) {
      const Eigen::Index count = std::min(batch, t - col0);
      const TargetScores r = refit_test_scores<Scalar>(y, refit, refit.train_rows, refit.test_rows, chosen, col0, count, ws);
      const auto predicted = ws.y_test.topLeftCorner(n_test, count);
      out.degenerate_scores += r.degenerate_count();
      out.fold_r.block(static_cast<Eigen::Index>(f), col0, 1, count) = r.value.transpose();
      for (std::size_t i = 0; i < refit.test_rows.size(); ++i) {
        out.predictions.row(static_cast<Eigen::Index>(refit.test_rows[i])).segment(col0, count) =
            predicted.row(static_cast<Eigen::Index>(i));
      }
    }
    out.chosen_alpha.row(static_cast<Eigen::Index>(f)) = chosen.transpose();
    out.dropped_columns.push_back(refit.factor.dropped_columns());
  }
  if (cache != nullptr) cache->key = key;
  return out;
}


template <class Scalar>
RidgeFitOf<Scalar> fit_ridge_impl(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                                  const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                                  const std::vector<Fold>& cv, const RidgeCvOptions& options) {
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("fit_ridge: X has " + std::to_string(x.rows()) + " samples but Y has " +
                                std::to_string(y.rows()));
  }
  require_finite(x, "X");
  require_finite(y, "Y");
  RidgeFitOf<Scalar> out;
  out.alphas = alpha_grid(options, "fit_ridge");
  const auto n_alphas = static_cast<Eigen::Index>(out.alphas.size());
  const Eigen::Index t = y.cols();
  const auto n = static_cast<std::size_t>(x.rows());
  if (n < 2) throw std::invalid_argument("fit_ridge: needs at least 2 samples, got " + std::to_string(n));
  if (n_alphas > 1) {
    if (cv.empty()) {
      throw std::invalid_argument("fit_ridge: no cv folds to choose among " + std::to_string(n_alphas) + " alphas");
    }
    try {
      validate_folds(cv, n);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("fit_ridge: cv ") + e.what());
    }
    for (std::size_t f = 0; f < cv.size(); ++f) {
      if (cv[f].train.empty()) throw std::invalid_argument("fit_ridge: cv fold " + std::to_string(f) + " has no training samples");
    }
  }
  RidgeWorkspace<Scalar> ws;
  std::vector<FactoredFold<Scalar>> folds;
  FactoredFold<Scalar> all = factor_fold<Scalar>(x, iota(n), {}, options);
  Eigen::Index n_train_max = static_cast<Eigen::Index>(n), n_test_max = 0, rank_max = all.factor.rank();
  if (n_alphas > 1) {
    for (const Fold& f : cv) {
      folds.push_back(factor_fold<Scalar>(x, f.train, f.test, options));
      n_test_max = std::max(n_test_max, static_cast<Eigen::Index>(f.test.size()));
      rank_max = std::max(rank_max, folds.back().factor.rank());
    }
  }
  const Eigen::Index batch = ws.size_for(n_train_max, rank_max, n_test_max, n_alphas, t, options.max_batch_bytes);
  if (n_alphas == 1) {
    out.best_alpha = Eigen::VectorXd::Constant(t, out.alphas[0]);
    out.cv_r2.resize(0, t);
  } else {
    out.cv_r2 = mean_inner_r2<Scalar>(y, folds, out.alphas, batch, ws);
    out.best_alpha = choose_alphas(out.cv_r2, out.alphas, options.per_target_alpha);
  }
  out.grid_edge.resize(t);
  for (Eigen::Index j = 0; j < t; ++j) out.grid_edge(j) = grid_edge_of(out.best_alpha(j), out.alphas);

  // W = F diag(1/(l + alpha_j)) B' Yc per target j, in batches of targets.
  const RidgeDecomposition<Scalar>& factor = all.factor;
  const Eigen::Index rank = factor.rank();
  out.coef.resize(x.cols(), t);
  out.intercept.resize(t);
  for (Eigen::Index col0 = 0; col0 < t; col0 += batch) {
    const Eigen::Index count = std::min(batch, t - col0);
    filtered_projection<Scalar>(y, all, all.train_rows, out.best_alpha, col0, count, ws);
    out.coef.middleCols(col0, count).noalias() = factor.feature_map() * ws.projected.topLeftCorner(rank, count);
    out.intercept.segment(col0, count).noalias() = ws.mean - factor.x_mean() * out.coef.middleCols(col0, count);
  }
  out.dropped_columns = factor.dropped_columns();
  return out;
}


}  // namespace detail

#ifdef NEUROSCORE_EIGEN_INSTANCES
// Compiled once, in detail/ridge_instances.cc, instead of in every translation unit that includes this
// header (detail/eigen_instances.hpp says why; the numbers are the same either way). The two
// instantiations are most of this header's front-end time: clang -ftime-trace on a TU that only
// includes benchmarks/brain/leaderboard_data.hpp, 2.2 of 10.5 s.
namespace detail {
extern template RidgeCvResultOf<double> cross_validated_ridge_impl<double>(
    const Eigen::Ref<const Eigen::MatrixXd>&, const Eigen::Ref<const Eigen::MatrixXd>&, const std::vector<Fold>&,
    const RidgeCvOptions&, RidgeFoldCache<double>*);
extern template RidgeCvResultOf<float> cross_validated_ridge_impl<float>(
    const Eigen::Ref<const Eigen::MatrixXf>&, const Eigen::Ref<const Eigen::MatrixXf>&, const std::vector<Fold>&,
    const RidgeCvOptions&, RidgeFoldCache<float>*);
extern template RidgeFitOf<double> fit_ridge_impl<double>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                          const Eigen::Ref<const Eigen::MatrixXd>&,
                                                          const std::vector<Fold>&, const RidgeCvOptions&);
extern template RidgeFitOf<float> fit_ridge_impl<float>(const Eigen::Ref<const Eigen::MatrixXf>&,
                                                        const Eigen::Ref<const Eigen::MatrixXf>&,
                                                        const std::vector<Fold>&, const RidgeCvOptions&);
}  // namespace detail
#endif

}  // namespace neuroscore
