// neuroscore/detail/refit_null.hpp (private): the body of refit_null_test for double and float
// (refit_null.hpp says what it computes). Entry point: detail::refit_null_test_impl<Scalar>.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cstddef>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/null.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null_options.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

namespace detail {

template <class Scalar>
PermutationTest refit_null_test_impl(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                                     const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                                     const std::vector<Fold>& folds, const Eigen::MatrixXd& chosen_alpha,
                                     const RidgeCvOptions& ridge_options, Seed seed, const RefitNullOptions& options) {
  const char* who = "refit_null_test";
  if (x.rows() != y.rows()) {
    throw std::invalid_argument(std::string(who) + ": X has " + std::to_string(x.rows()) +
                                " samples but Y has " + std::to_string(y.rows()));
  }
  require_finite(x, "refit_null_test: X");
  require_finite(y, "refit_null_test: Y");
  if (folds.empty()) throw std::invalid_argument(std::string(who) + ": no folds");
  const auto k = static_cast<Eigen::Index>(folds.size());
  const Eigen::Index t = y.cols();
  if (chosen_alpha.rows() != k || chosen_alpha.cols() != t) {
    throw std::invalid_argument(std::string(who) + ": fit.chosen_alpha is " +
                                shape_string(chosen_alpha.rows(), chosen_alpha.cols()) +
                                " but there are " + shape_string(k, t) + " (folds x targets)");
  }
  if (options.permutations == 0) throw std::invalid_argument(std::string(who) + ": 0 permutations");
  const std::size_t l = options.block.samples;
  for (std::size_t f = 0; f < folds.size(); ++f) {
    for (const auto* part : {&folds[f].train, &folds[f].test}) {
      for (std::size_t i : *part) {
        if (i >= static_cast<std::size_t>(y.rows())) {
          throw std::invalid_argument(std::string(who) + ": fold " + std::to_string(f) + " names sample " +
                                      std::to_string(i) + " but Y has " + std::to_string(y.rows()));
        }
      }
    }
    if (folds[f].test.size() < 2) {
      throw std::invalid_argument(std::string(who) + ": fold " + std::to_string(f) + " tests " +
                                  std::to_string(folds[f].test.size()) + " samples (< 2)");
    }
  }
  check_permutation_args(who, y.rows(), l, options.permutations);

  // Per fold: the decomposition and the projected test inputs, as cross_validated_ridge's refit.
  std::vector<FactoredFold<Scalar>> factored;
  factored.reserve(folds.size());
  Eigen::Index n_train_max = 0, n_test_max = 0, rank_max = 0;
  for (const Fold& fold : folds) {
    factored.push_back(factor_fold<Scalar>(x, fold.train, fold.test, ridge_options));
    n_train_max = std::max(n_train_max, static_cast<Eigen::Index>(fold.train.size()));
    n_test_max = std::max(n_test_max, static_cast<Eigen::Index>(fold.test.size()));
    rank_max = std::max(rank_max, factored.back().factor.rank());
  }
  std::vector<Eigen::VectorXd> alpha_of_fold;  // per fold: the chosen alpha of every target
  for (Eigen::Index f = 0; f < k; ++f) alpha_of_fold.push_back(chosen_alpha.row(f).transpose());

  const std::size_t big_n = options.permutations;
  // One block permutation of the series per draw; the identity for the observed value.
  std::mt19937_64 rng(seed.value);
  std::vector<std::vector<std::size_t>> perms(big_n);
  for (auto& p : perms) p = block_permutation(static_cast<std::size_t>(y.rows()), options.block, rng);
  std::vector<std::size_t> identity(static_cast<std::size_t>(y.rows()));
  std::iota(identity.begin(), identity.end(), std::size_t{0});

  PermutationTest out;
  out.seed = seed;
  out.permutations = big_n;
  out.tail = options.tail;
  out.method = NullMethod::refit_block_permutation;
  out.block = options.block;
  out.degenerate.assign(static_cast<std::size_t>(t), false);
  out.observed = Eigen::VectorXd::Zero(t);
  if (options.keep_null) out.null.resize(static_cast<Eigen::Index>(big_n), t);
  else out.null.resize(0, t);

  // Targets per batch: the refit's working buffers plus this test's null rows and scored test blocks.
  const std::size_t bytes_per_target = RidgeWorkspace<Scalar>::bytes_per_target(n_train_max, rank_max, n_test_max, 1) +
                                       sizeof(double) * (big_n + 2 * static_cast<std::size_t>(n_test_max));
  const Eigen::Index width = batch_width(bytes_per_target, options.max_batch_bytes, t);
  RidgeWorkspace<Scalar> ws;
  ws.size_for(n_train_max, rank_max, n_test_max, 1, width, std::numeric_limits<std::size_t>::max());

  // Mean over folds of per-fold r for targets [c0, c0 + w) of the series permuted by `perm`
  // (row i of the permuted series is row perm[i] of Y), into `score`.
  std::vector<std::size_t> train_rows, test_rows;
  auto score_batch = [&](const std::vector<std::size_t>& perm, Eigen::Index c0, Eigen::Index w,
                         Eigen::Ref<Eigen::RowVectorXd> score, bool record_degenerate) {
    score.setZero();
    for (std::size_t f = 0; f < folds.size(); ++f) {
      train_rows.resize(folds[f].train.size());
      test_rows.resize(folds[f].test.size());
      for (std::size_t i = 0; i < train_rows.size(); ++i) train_rows[i] = perm[folds[f].train[i]];
      for (std::size_t i = 0; i < test_rows.size(); ++i) test_rows[i] = perm[folds[f].test[i]];
      const TargetScores r = refit_test_scores<Scalar>(y, factored[f], train_rows, test_rows, alpha_of_fold[f], c0, w, ws);
      score += r.value.transpose();
      if (record_degenerate) {
        for (Eigen::Index c = 0; c < w; ++c) {
          if (r.degenerate[static_cast<std::size_t>(c)]) out.degenerate[static_cast<std::size_t>(c0 + c)] = true;
        }
      }
    }
    score /= static_cast<double>(folds.size());
  };

  for (Eigen::Index c0 = 0; c0 < t; c0 += width) {
    const Eigen::Index w = std::min(width, t - c0);
    Eigen::RowVectorXd obs(w);
    score_batch(identity, c0, w, obs, true);
    out.observed.segment(c0, w) = obs.transpose();
  }
  NullAccumulator acc(out.observed, big_n, options.tail);
  Eigen::MatrixXd r(static_cast<Eigen::Index>(big_n), width);
  Eigen::RowVectorXd row(width);
  for (Eigen::Index c0 = 0; c0 < t; c0 += width) {
    const Eigen::Index w = std::min(width, t - c0);
    for (std::size_t b = 0; b < big_n; ++b) {
      score_batch(perms[b], c0, w, row.head(w), false);
      r.row(static_cast<Eigen::Index>(b)).head(w) = row.head(w);
    }
    const auto rb = r.leftCols(w);
    acc.add(rb, 0, c0);
    if (options.keep_null) out.null.middleCols(c0, w) = rb;
  }
  acc.finish(out);
  return out;
}

}  // namespace detail

}  // namespace neuroscore
