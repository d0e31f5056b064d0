// neuroscore/detail/banded.hpp (private): the band-weight search of banded.hpp on RidgeDecomposition.
// Entry points: detail::partitioning::BandSearch, check_banded, check_banded_folds, scaled_bands.
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
#include <utility>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/banded_options.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

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

}  // namespace neuroscore
