// neuroscore/banded.hpp: banded (grouped) ridge, band weights chosen by random search on inner
// folds, and its cross-validated split-R^2. Entry points: banded_ridge(bands, Y, folds, options),
// fit_banded_ridge(bands, Y, cv, options), banded_split_r2(Y, folds, result).
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/banded_options.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/detail/banded.hpp"
#include "neuroscore/detail/eigen_instances.hpp"
#include "neuroscore/partition.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// ---------------------------------------------------------------------------------------
// Banded ridge by random search over band weights (himalaya's GroupRidgeCV /
// solve_group_ridge_random_search; Nunez-Elizalde, Huth & Gallant 2019, NeuroImage 197):
// band b's columns are multiplied by sqrt(gamma_b) with gamma on the simplex, and ridge with
// one alpha on the scaled features is ridge with per-band penalties alpha / gamma_b. For
// every candidate gamma the multi-alpha path (one eigendecomposition per inner fold) scores
// every alpha on inner folds of the outer training set (contiguous, or whole groups); each
// target keeps the (gamma, alpha) with the best mean inner R^2 (ties keep the earlier
// candidate, then the larger alpha); ridge is refit on the whole outer training set and
// predicts the test block.
// Columns are treated as cross_validated_ridge treats them (ridge.hpp): those without spread on
// a training set are dropped there, and with `standardize` every training set (each inner one
// and the outer one) divides its columns by their own training sd before the band weights
// apply. With one band, banded ridge is therefore cross_validated_ridge with the same options
// (tests/neuroscore/partition_test.cc checks it to 1e-8), so fits with one and several bands
// can be compared as one estimator.
// Options and result: banded_options.hpp.
// Errors: no bands, bands or Y with different sample counts, non-finite values, bad alphas,
// zero candidates, non-positive concentrations, bad folds.
inline BandedRidgeResult banded_ridge(const std::vector<Eigen::MatrixXd>& bands,
                                      const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                                      const BandedRidgeOptions& options = {}) {
  const detail::partitioning::BandSearch search(bands, options,
                                                detail::partitioning::check_banded(bands, y, options, "banded_ridge"));
  detail::partitioning::check_banded_folds(folds, y.rows(), "banded_ridge");
  if (!options.inner_groups.empty() && options.inner_groups.size() != static_cast<std::size_t>(y.rows())) {
    throw std::invalid_argument("banded_ridge: inner_groups has " + std::to_string(options.inner_groups.size()) +
                                " labels for " + std::to_string(y.rows()) + " samples");
  }
  const auto n_bands = static_cast<Eigen::Index>(bands.size());
  const Eigen::Index t = y.cols();
  BandedRidgeResult out;
  out.seed = options.seed;
  out.candidate_weights = search.candidate_weights();
  out.predictions = Eigen::MatrixXd::Constant(y.rows(), t, std::numeric_limits<double>::quiet_NaN());
  out.band_predictions.assign(bands.size(), Eigen::MatrixXd::Constant(y.rows(), t, std::numeric_limits<double>::quiet_NaN()));
  out.fold_r.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.chosen_alpha.resize(static_cast<Eigen::Index>(folds.size()), t);

  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    if (fold.train.size() < options.inner_folds) {
      throw std::invalid_argument("banded_ridge: fold " + std::to_string(f) + " has " +
                                  std::to_string(fold.train.size()) + " training samples, fewer than inner_folds");
    }
    std::vector<std::vector<std::size_t>> inner_train, inner_test;
    if (options.inner_groups.empty()) {
      for (const Fold& in : contiguous_kfold(fold.train.size(), options.inner_folds, options.inner_gap)) {
        inner_train.emplace_back();
        inner_test.emplace_back();
        for (std::size_t i : in.train) inner_train.back().push_back(fold.train[i]);
        for (std::size_t i : in.test) inner_test.back().push_back(fold.train[i]);
      }
    } else {
      try {
        for (Fold& in : inner_group_kfold_up_to(fold.train, options.inner_groups, options.inner_folds, options.inner_gap)) {
          inner_train.push_back(std::move(in.train));
          inner_test.push_back(std::move(in.test));
        }
      } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("banded_ridge: outer fold " + std::to_string(f) + ": " + e.what());
      }
    }
    const detail::partitioning::BandSearch::Choice choice = search.search(y, inner_train, inner_test);
    // Refit per chosen candidate on the whole outer training set, predict the test block.
    Eigen::MatrixXd weights(n_bands, t);
    const Eigen::RowVectorXd y_mean = rows_of(y, fold.train).colwise().mean();
    const auto n_te = static_cast<Eigen::Index>(fold.test.size());
    const Eigen::RowVectorXd outer_factors = search.column_factors(fold.train);
    Eigen::MatrixXd pred(n_te, t);
    std::vector<Eigen::MatrixXd> band_pred(bands.size(), Eigen::MatrixXd(n_te, t));
    Eigen::Index x_te_cand = -1;
    Eigen::MatrixXd x_te_c;
    search.refit(y, fold.train, choice, outer_factors,
                 [&](Eigen::Index j, Eigen::Index c, const Eigen::RowVectorXd& x_mean, const Eigen::VectorXd& w) {
                   if (c != x_te_cand) {
                     x_te_c = search.prepared(c, fold.test, outer_factors).rowwise() - x_mean;
                     x_te_cand = c;
                   }
                   Eigen::Index at = 0;
                   pred.col(j).setConstant(y_mean(j));
                   for (std::size_t b = 0; b < bands.size(); ++b) {
                     const Eigen::Index pb = bands[b].cols();
                     band_pred[b].col(j) = x_te_c.middleCols(at, pb) * w.segment(at, pb);
                     pred.col(j) += band_pred[b].col(j);
                     at += pb;
                   }
                   weights.col(j) = search.candidate_weights().row(c).transpose();
                   out.chosen_alpha(static_cast<Eigen::Index>(f), j) = choice.best_alpha(j);
                 });
    out.chosen_weights.push_back(weights);
    const Eigen::MatrixXd observed = rows_of(y, fold.test);
    out.fold_r.row(static_cast<Eigen::Index>(f)) = pearson_r(observed, pred).value.transpose();
    for (std::size_t i = 0; i < fold.test.size(); ++i) {
      const auto row = static_cast<Eigen::Index>(fold.test[i]);
      out.predictions.row(row) = pred.row(static_cast<Eigen::Index>(i));
      for (std::size_t b = 0; b < bands.size(); ++b) out.band_predictions[b].row(row) = band_pred[b].row(static_cast<Eigen::Index>(i));
    }
  }
  return out;
}

// One banded model on all rows: the result of fit_banded_ridge.
struct BandedRidgeFit {
  // Features (the bands' columns, band after band) x targets, in the units of the original
  // columns (band weight and standardization folded in): predictions are intercept + [X_1 .. X_B] coef.
  Eigen::MatrixXd coef;
  Eigen::RowVectorXd intercept;       // per target: mean(y) - mean(X) coef
  Eigen::MatrixXd band_weights;       // bands x targets: the chosen gamma (sums to 1 per target)
  Eigen::VectorXd best_alpha;         // per target
  Eigen::VectorXd cv_r2;              // per target: mean R^2 over the cv folds at the chosen (gamma, alpha)
  Eigen::MatrixXd candidate_weights;  // candidates x bands, the searched gammas
  std::vector<double> alphas;         // the grid, ascending
  Seed seed;
};

// Banded ridge on all rows, (gamma, alpha) chosen per target by the mean R^2 over the folds `cv`,
// exactly as banded_ridge chooses them on an outer training set (the same candidates for the same
// seed): the BandedRidgeCV.fit of himalaya and of neuroscore's Python module.
// options.inner_folds, inner_gap and inner_groups belong to the nested banded_ridge and are not read:
// the folds are `cv`.
// Errors: as banded_ridge, and cv folds without training rows.
inline BandedRidgeFit fit_banded_ridge(const std::vector<Eigen::MatrixXd>& bands, const Eigen::Ref<const Eigen::MatrixXd>& y,
                                       const std::vector<Fold>& cv, const BandedRidgeOptions& options = {}) {
  const detail::partitioning::BandSearch search(bands, options,
                                                detail::partitioning::check_banded(bands, y, options, "fit_banded_ridge"));
  detail::partitioning::check_banded_folds(cv, y.rows(), "fit_banded_ridge: cv");
  std::vector<std::vector<std::size_t>> cv_train, cv_test;
  for (std::size_t f = 0; f < cv.size(); ++f) {
    if (cv[f].train.empty()) {
      throw std::invalid_argument("fit_banded_ridge: cv fold " + std::to_string(f) + " has no training samples");
    }
    cv_train.push_back(cv[f].train);
    cv_test.push_back(cv[f].test);
  }
  const Eigen::Index t = y.cols();
  const detail::partitioning::BandSearch::Choice choice = search.search(y, cv_train, cv_test);
  BandedRidgeFit out;
  out.alphas = search.alphas();
  out.seed = options.seed;
  out.candidate_weights = search.candidate_weights();
  out.best_alpha = choice.best_alpha;
  out.cv_r2 = choice.best_score;
  out.band_weights.resize(static_cast<Eigen::Index>(bands.size()), t);
  out.coef.resize(search.unscaled().cols(), t);
  out.intercept.resize(t);
  const std::vector<std::size_t> all = detail::iota(static_cast<std::size_t>(y.rows()));
  const Eigen::RowVectorXd factors = search.column_factors(all);
  const Eigen::RowVectorXd y_mean = y.colwise().mean();
  const Eigen::RowVectorXd x_mean = search.unscaled().colwise().mean();
  // Prepared column k is raw column k times s_k = sqrt(gamma_band(k)) * factor_k, so
  // y_mean + (X s - mean(X s)) w = intercept + X (s .* w).
  search.refit(y, all, choice, factors, [&](Eigen::Index j, Eigen::Index c, const Eigen::RowVectorXd&, const Eigen::VectorXd& w) {
    const Eigen::VectorXd gamma = search.candidate_weights().row(c).transpose();
    Eigen::Index at = 0;
    for (std::size_t b = 0; b < bands.size(); ++b) {
      const Eigen::Index pb = bands[b].cols();
      out.coef.col(j).segment(at, pb) =
          std::sqrt(gamma(static_cast<Eigen::Index>(b))) * factors.segment(at, pb).transpose().cwiseProduct(w.segment(at, pb));
      at += pb;
    }
    out.band_weights.col(j) = gamma;
    out.intercept(j) = y_mean(j) - x_mean.dot(out.coef.col(j));
  });
  return out;
}

// Cross-validated split-R^2 of a banded model: split_r2 on each outer test block (observed
// centred by the block's mean, band predictions as fitted), averaged over folds.
inline SplitR2 banded_split_r2(const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                               const BandedRidgeResult& fit) {
  if (folds.empty()) throw std::invalid_argument("banded_split_r2: no folds");
  SplitR2 out;
  out.per_band = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(fit.band_predictions.size()), y.cols());
  for (const Fold& f : folds) {
    std::vector<Eigen::MatrixXd> blocks;
    for (const Eigen::MatrixXd& p : fit.band_predictions) blocks.push_back(rows_of(p, f.test));
    out.per_band += split_r2(rows_of(y, f.test), blocks).per_band;
  }
  out.per_band /= static_cast<double>(folds.size());
  out.total = out.per_band.colwise().sum().transpose();
  return out;
}

}  // namespace neuroscore
