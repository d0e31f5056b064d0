// neuroscore/banded.hpp: banded (grouped) ridge, band weights chosen by random search on inner
// folds, and its cross-validated split-R^2. Entry points: banded_ridge(bands, Y, folds, options),
// fit_banded_ridge(bands, Y, cv, options), banded_split_r2(Y, folds, result).
#pragma once

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/check.hpp"
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
struct BandedRidgeOptions {
  std::vector<double> alphas = kBandedAlphas;  // alphas.hpp
  std::size_t inner_folds = 5;
  Gap inner_gap{};
  // Candidate band weights: the first is equal weights (1/B each), as himalaya's
  // generate_dirichlet_samples; the others are Dirichlet draws whose concentration cycles
  // through `concentrations` (himalaya's default [0.1, 1.0]: 0.1 reaches near-corners).
  std::size_t candidates = 20;
  std::vector<double> concentrations = {0.1, 1.0};
  Seed seed{};
  // Divide columns by their training sd (training rows only), as RidgeCvOptions::standardize.
  bool standardize = false;
  // One label per sample, empty for contiguous inner folds; as RidgeCvOptions::inner_groups
  // (inner_group_kfold_up_to over each outer training set, k = min(inner_folds, groups)).
  std::vector<int> inner_groups;
};

struct BandedRidgeResult {
  Eigen::MatrixXd predictions;                  // samples x targets (NaN where never tested)
  std::vector<Eigen::MatrixXd> band_predictions;  // per band, samples x targets:
                                                // (X_b - training mean) W_b, so predictions =
                                                // training mean of y + sum_b band_predictions
  Eigen::MatrixXd fold_r;                       // outer folds x targets: Pearson r per test block
  std::vector<Eigen::MatrixXd> chosen_weights;  // per outer fold, bands x targets (gamma)
  Eigen::MatrixXd chosen_alpha;                 // outer folds x targets
  Eigen::MatrixXd candidate_weights;            // candidates x bands, the searched gammas
  Seed seed;
  Eigen::VectorXd mean_r() const { return fold_r.colwise().mean().transpose(); }
};

namespace detail::partitioning {

// Every training set of the band search is factored by ridge.hpp's RidgeDecomposition (the
// library's one ridge factorization): W(alpha) = F diag(1 / (l + alpha)) B' Yc. These three read it.
// B' (Y - mean Y): rank x targets.
inline Eigen::MatrixXd projected_targets(const RidgeDecomposition<double>& path, const Eigen::Ref<const Eigen::MatrixXd>& y_train) {
  Eigen::MatrixXd out(path.rank(), y_train.cols());
  path.project_centred_targets(y_train.rowwise() - y_train.colwise().mean(), out);
  return out;
}
inline Eigen::VectorXd ridge_filter(const RidgeDecomposition<double>& path, double alpha) {
  return (path.eigenvalues().array() + alpha).inverse().matrix();
}
// Coefficients (p x 1) of one target from its projected column.
inline Eigen::VectorXd ridge_coefficients(const RidgeDecomposition<double>& path, const Eigen::Ref<const Eigen::VectorXd>& projected,
                                          double alpha) {
  return path.feature_map() * ridge_filter(path, alpha).cwiseProduct(projected);
}

inline Eigen::MatrixXd scaled_bands(const std::vector<Eigen::MatrixXd>& bands, const Eigen::VectorXd& gamma) {
  Eigen::Index p = 0;
  for (const auto& b : bands) p += b.cols();
  Eigen::MatrixXd x(bands[0].rows(), p);
  Eigen::Index at = 0;
  for (std::size_t b = 0; b < bands.size(); ++b) {
    x.middleCols(at, bands[b].cols()) = std::sqrt(gamma(static_cast<Eigen::Index>(b))) * bands[b];
    at += bands[b].cols();
  }
  return x;
}

}  // namespace detail::partitioning

namespace detail::partitioning {

// The checks banded_ridge and fit_banded_ridge share. Returns the alpha grid, ascending, no duplicates.
inline std::vector<double> check_banded(const std::vector<Eigen::MatrixXd>& bands, const Eigen::Ref<const Eigen::MatrixXd>& y,
                                        const BandedRidgeOptions& options, const char* who) {
  const std::string w = who;
  if (bands.empty()) throw std::invalid_argument(w + ": no bands");
  for (std::size_t b = 0; b < bands.size(); ++b) {
    if (bands[b].rows() != y.rows()) {
      throw std::invalid_argument(w + ": band " + std::to_string(b) + " has " + std::to_string(bands[b].rows()) +
                                  " samples but Y has " + std::to_string(y.rows()));
    }
    require_finite(bands[b], "band " + std::to_string(b));
  }
  require_finite(y, "Y");
  if (options.alphas.empty() || options.candidates == 0 || options.concentrations.empty()) {
    throw std::invalid_argument(w + ": needs alphas, candidates > 0 and concentrations");
  }
  for (double a : options.alphas) {
    if (!(a >= 0.0) || !std::isfinite(a)) throw std::invalid_argument(w + ": bad alpha " + std::to_string(a));
  }
  for (double c : options.concentrations) {
    if (!(c > 0.0)) throw std::invalid_argument(w + ": concentration must be > 0");
  }
  std::vector<double> alphas = options.alphas;
  std::sort(alphas.begin(), alphas.end());
  alphas.erase(std::unique(alphas.begin(), alphas.end()), alphas.end());
  return alphas;
}

// Folds name rows of Y and test something. (Training rows may be empty only where a caller
// checks it: banded_ridge needs inner_folds of them.)
inline void check_banded_folds(const std::vector<Fold>& folds, Eigen::Index rows, const std::string& who) {
  if (folds.empty()) throw std::invalid_argument(who + ": no folds");
  for (std::size_t f = 0; f < folds.size(); ++f) {
    if (folds[f].test.empty()) throw std::invalid_argument(who + ": fold " + std::to_string(f) + " has no test samples");
    for (const auto* part : {&folds[f].train, &folds[f].test}) {
      for (std::size_t i : *part) {
        if (i >= static_cast<std::size_t>(rows)) {
          throw std::invalid_argument(who + ": fold " + std::to_string(f) + " names sample " + std::to_string(i) +
                                      " but Y has " + std::to_string(rows));
        }
      }
    }
  }
}

// The band-weight search over (candidate gamma, alpha) that banded_ridge runs on each outer training
// set and fit_banded_ridge on all rows: the candidates, the bands scaled by each, and the column rule.
class BandSearch {
 public:
  BandSearch(const std::vector<Eigen::MatrixXd>& bands, const BandedRidgeOptions& options, std::vector<double> alphas)
      : bands_(bands), options_(options), alphas_(std::move(alphas)) {
    const auto n_bands = static_cast<Eigen::Index>(bands.size());
    const auto n_cand = static_cast<Eigen::Index>(options.candidates);
    std::mt19937_64 rng(options.seed.value);
    candidate_weights_.resize(n_cand, n_bands);
    candidate_weights_.row(0).setConstant(1.0 / static_cast<double>(n_bands));
    for (Eigen::Index c = 1; c < n_cand; ++c) {
      const double conc = options.concentrations[static_cast<std::size_t>(c - 1) % options.concentrations.size()];
      candidate_weights_.row(c) = dirichlet_sample(n_bands, conc, rng).transpose();
    }
    scaled_.reserve(options.candidates);
    for (Eigen::Index c = 0; c < n_cand; ++c) scaled_.push_back(scaled_bands(bands, candidate_weights_.row(c).transpose()));
    unscaled_ = scaled_bands(bands, Eigen::VectorXd::Ones(n_bands));
  }

  const Eigen::MatrixXd& candidate_weights() const { return candidate_weights_; }
  const std::vector<double>& alphas() const { return alphas_; }
  const Eigen::MatrixXd& unscaled() const { return unscaled_; }

  // Per training set: 1 / training sd (standardize) or 1 per kept column, 0 per dropped one
  // (ridge.hpp's column rule on the unweighted bands, so the weights never decide a drop).
  Eigen::RowVectorXd column_factors(const std::vector<std::size_t>& train) const {
    const Eigen::MatrixXd raw = rows_of(unscaled_, train);
    const Eigen::MatrixXd centred = raw.rowwise() - raw.colwise().mean();
    const detail::TrainingColumns columns = detail::training_columns(centred, raw, options_.standardize, kNearConstantColumn);
    Eigen::RowVectorXd factors = columns.scale.cwiseInverse();
    for (Eigen::Index j : columns.dropped) factors(j) = 0.0;
    return factors;
  }

  // Rows of candidate c's scaled bands, times the column factors.
  Eigen::MatrixXd prepared(Eigen::Index c, const std::vector<std::size_t>& rows, const Eigen::RowVectorXd& factors) const {
    Eigen::MatrixXd x = rows_of(scaled_[static_cast<std::size_t>(c)], rows);
    x.array().rowwise() *= factors.array();
    return x;
  }

  struct Choice {
    Eigen::VectorXd best_score;  // per target: mean inner R^2 at the chosen (candidate, alpha)
    Eigen::VectorXi best_cand;
    Eigen::VectorXd best_alpha;
  };

  // Best mean R^2 over the folds (inner_train[k], inner_test[k]) per target, over (candidate, alpha).
  Choice search(const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<std::vector<std::size_t>>& inner_train,
                const std::vector<std::vector<std::size_t>>& inner_test) const {
    const Eigen::Index t = y.cols();
    std::vector<Eigen::RowVectorXd> inner_factors;
    for (const auto& train : inner_train) inner_factors.push_back(column_factors(train));
    Choice out{Eigen::VectorXd::Constant(t, -std::numeric_limits<double>::infinity()), Eigen::VectorXi::Zero(t),
               Eigen::VectorXd::Constant(t, alphas_.back())};
    for (Eigen::Index c = 0; c < candidate_weights_.rows(); ++c) {
      Eigen::MatrixXd score = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(alphas_.size()), t);
      for (std::size_t k = 0; k < inner_train.size(); ++k) {
        const Eigen::MatrixXd x_tr = prepared(c, inner_train[k], inner_factors[k]);
        const Eigen::MatrixXd y_tr = rows_of(y, inner_train[k]);
        const Eigen::MatrixXd y_te = rows_of(y, inner_test[k]);
        const RidgeDecomposition<double> path(x_tr);
        const Eigen::MatrixXd z = projected_targets(path, y_tr);
        const Eigen::MatrixXd inputs = path.project_inputs(prepared(c, inner_test[k], inner_factors[k]));
        const Eigen::RowVectorXd y_mean = y_tr.colwise().mean();
        const Eigen::MatrixXd y_te_c = y_te.rowwise() - y_te.colwise().mean();
        const Eigen::RowVectorXd sst = y_te_c.colwise().squaredNorm();
        for (std::size_t a = 0; a < alphas_.size(); ++a) {
          Eigen::MatrixXd pred = inputs * (ridge_filter(path, alphas_[a]).asDiagonal() * z);
          pred.rowwise() += y_mean;
          const Eigen::RowVectorXd sse = (y_te - pred).colwise().squaredNorm();
          for (Eigen::Index j = 0; j < t; ++j) {
            score(static_cast<Eigen::Index>(a), j) += sst(j) > 0.0 ? 1.0 - sse(j) / sst(j) : 0.0;
          }
        }
      }
      score /= static_cast<double>(inner_train.size());
      for (Eigen::Index j = 0; j < t; ++j) {
        for (Eigen::Index a = static_cast<Eigen::Index>(alphas_.size()) - 1; a >= 0; --a) {  // larger alpha first
          if (score(a, j) > out.best_score(j)) {
            out.best_score(j) = score(a, j);
            out.best_cand(j) = static_cast<int>(c);
            out.best_alpha(j) = alphas_[static_cast<std::size_t>(a)];
          }
        }
      }
    }
    return out;
  }

  // Refit on `train` per chosen candidate: calls visit(j, c, x_tr_mean, w) for every target j, with
  // w the coefficients (prepared columns) of its candidate c and alpha, x_tr_mean the training mean
  // of the prepared columns, and factors the column factors of `train`.
  template <class Visit>
  void refit(const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<std::size_t>& train, const Choice& choice,
             const Eigen::RowVectorXd& factors, Visit&& visit) const {
    const Eigen::MatrixXd y_tr = rows_of(y, train);
    for (Eigen::Index c = 0; c < candidate_weights_.rows(); ++c) {
      std::vector<Eigen::Index> members;
      for (Eigen::Index j = 0; j < y.cols(); ++j) {
        if (choice.best_cand(j) == c) members.push_back(j);
      }
      if (members.empty()) continue;
      const Eigen::MatrixXd x_tr = prepared(c, train, factors);
      const RidgeDecomposition<double> path(x_tr);
      Eigen::MatrixXd y_sub(y_tr.rows(), static_cast<Eigen::Index>(members.size()));
      for (std::size_t m = 0; m < members.size(); ++m) y_sub.col(static_cast<Eigen::Index>(m)) = y_tr.col(members[m]);
      const Eigen::MatrixXd z = projected_targets(path, y_sub);
      const Eigen::RowVectorXd x_mean = x_tr.colwise().mean();
      for (std::size_t m = 0; m < members.size(); ++m) {
        const Eigen::Index j = members[m];
        visit(j, c, x_mean, ridge_coefficients(path, z.col(static_cast<Eigen::Index>(m)), choice.best_alpha(j)));
      }
    }
  }

 private:
  const std::vector<Eigen::MatrixXd>& bands_;
  const BandedRidgeOptions& options_;
  std::vector<double> alphas_;
  Eigen::MatrixXd candidate_weights_;       // candidates x bands
  std::vector<Eigen::MatrixXd> scaled_;     // per candidate: all samples, scaled columns
  Eigen::MatrixXd unscaled_;
};

}  // namespace detail::partitioning

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
