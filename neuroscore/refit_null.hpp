// neuroscore/refit_null.hpp: the refit-under-null test of a cross-validated ridge score, each
// fold refit on a block-permuted target series. Entry point: refit_null_test(X, Y, folds, fit,
// ridge options, Seed, options).
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/refit_null.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null_options.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Refit-under-null (Ojala & Garriga 2010, "Permutation tests for studying classifier
// performance", test 1, with blocks): each null draw block-permutes the whole target series
// once (block_permutation over all n samples: blocks of L, the last partial block in place),
// then every outer fold refits ridge on its TRAINING rows of the permuted series, with the
// same folds and, per fold and target, the alpha the real fit chose (`fit.chosen_alpha`; the
// inner alpha search is not repeated, so the null omits the selection step), and scores its
// test rows of the same permuted series. The statistic is the mean over folds of the per-fold
// Pearson r, as RidgeCvResult::mean_r(); the observed value is recomputed by the same code
// with no permutation.
// Why one permutation for all folds: fold f's test block is fold g's training data, so the
// folds' scores are positively correlated in the real cross-validation; permuting each
// fold's training rows independently breaks that dependence and gives too narrow a null
// (measured on independent AR(1) data: null sd 0.100 against 0.133 for the observed mean r,
// 12% of targets below 0.05). Permuting the series once keeps it, and (X, PY) has the law of
// (X, Y) under the null of block-exchangeable targets independent of X.
//
// Factor once per fold, with cross_validated_ridge's own factorization and refit
// (detail::factor_fold, detail::refit_test_scores): the same RidgeDecomposition of each fold's
// training X (ridge_options.solver and .standardize; constant and near-constant columns dropped
// by the same rule), the same filtered projection of the training targets, the same predictions
// and the same Pearson r of the test block. Permuting the rows of Y only changes which rows of Y
// are gathered as the training and test targets, so the decomposition and the projected test
// inputs serve every permutation and every target batch, and the observed statistic (no
// permutation) is the cross-validated score, fit.mean_r(), up to the GEMMs' blocking.
// Float X and Y run as cross_validated_ridge's float path (decompositions in double, products
// over targets in float, r in double).
// Errors: shape mismatches (X, Y, folds, chosen_alpha), non-finite values, fewer than 2
// blocks in the series, 0 permutations, a test block of fewer than 2 samples.

inline PermutationTest refit_null_test(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                       const Eigen::Ref<const Eigen::MatrixXd>& y,
                                       const std::vector<Fold>& folds, const RidgeCvResult& fit,
                                       const RidgeCvOptions& ridge_options, Seed seed,
                                       const RefitNullOptions& options = {}) {
  return detail::refit_null_test_impl<double>(x, y, folds, fit.chosen_alpha, ridge_options, seed, options);
}

// The same on float X and Y (the fit of cross_validated_ridge's float overload).
inline PermutationTest refit_null_test(const Eigen::Ref<const Eigen::MatrixXf>& x,
                                       const Eigen::Ref<const Eigen::MatrixXf>& y,
                                       const std::vector<Fold>& folds, const RidgeCvResultOf<float>& fit,
                                       const RidgeCvOptions& ridge_options, Seed seed,
                                       const RefitNullOptions& options = {}) {
  return detail::refit_null_test_impl<float>(x, y, folds, fit.chosen_alpha, ridge_options, seed, options);
}

}  // namespace neuroscore
