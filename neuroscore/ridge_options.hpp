// neuroscore/ridge_options.hpp: what cross-validated ridge takes and returns (options, results, the
// cache of factorizations kept between calls). Entry point: RidgeCvOptions; the functions are in
// ridge_cv.hpp.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/detail/ridge_folds.hpp"
#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

struct RidgeCvOptions {
  // Candidate alphas (any order; each >= 0 and finite).
  std::vector<double> alphas = kDefaultAlphas;  // alphas.hpp
  // Inner k-fold over each outer training set, with its own purge gap: contiguous blocks of
  // the training rows, or, when inner_groups is set, whole groups.
  std::size_t inner_folds = 5;
  Gap inner_gap{};
  // true: each target gets the alpha with the best mean inner-fold R^2 (ties go to the
  // larger alpha). false: one alpha for all targets, by the mean over targets.
  bool per_target_alpha = true;
  // Primal, dual, or chosen by the shape of each training set (dual when p > n).
  RidgeSolver solver = RidgeSolver::automatic;
  // Byte budget of the per-target working buffers (gathered training and test targets,
  // projections, predictions, scores). Targets are processed in batches of
  // max(1, max_batch_bytes / bytes_per_target). Not counted: the caller's X and Y, the result,
  // the per-fold decompositions (about (inner_folds + 1) * (n + p + n_test) * rank
  // scalars) and the inner-CV score table (8 * alphas bytes per target). Default 1 GiB.
  std::size_t max_batch_bytes = std::size_t{1} << 30;
  // Divide features by their training standard deviation (training statistics only).
  bool standardize = false;
  // (Last, so positional initializers of the fields above keep working.)
  // One label per sample (stories, passages, runs), empty for contiguous inner folds. Set:
  // the inner folds are inner_group_kfold_up_to(outer training, inner_groups, inner_folds,
  // inner_gap), so alpha is never chosen on a test block that shares a group with its training
  // rows (k = min(inner_folds, groups in the outer training set); at least 2 groups needed).
  std::vector<int> inner_groups;
};

// Result of cross_validated_ridge. Scores and alphas are double whatever the Scalar.
template <class Scalar>
struct RidgeCvResultOf {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> predictions;  // samples x targets; each sample predicted by the fold testing it
  Eigen::MatrixXd fold_r;        // outer folds x targets: Pearson r on each test block
  Eigen::MatrixXd chosen_alpha;  // outer folds x targets
  Eigen::Index alphas_at_grid_edge = 0;  // (fold, target) pairs whose alpha is min or max of the grid
  Eigen::Index degenerate_scores = 0;    // (fold, target) pairs with a constant test block or prediction

  // Mean over outer folds of the per-fold Pearson r (the default brain score).
  Eigen::VectorXd mean_r() const { return fold_r.colwise().mean().transpose(); }

  Eigen::Index target_batch_size = 0;  // targets per batch under options.max_batch_bytes
  // Outer folds x targets: -1 where the chosen alpha is the grid's smallest, +1 its largest,
  // 0 inside (always 0 for a one-alpha grid). A target at an edge wants a wider grid.
  Eigen::MatrixXi grid_edge;
  // Per outer fold: the feature columns without spread on that fold's training rows (constant or
  // near-constant, RidgeDecomposition), which the refit gave coefficient 0. Inner folds apply the
  // same rule to their own training rows.
  std::vector<std::vector<Eigen::Index>> dropped_columns;
};

using RidgeCvResult = RidgeCvResultOf<double>;

// One model on all rows: the result of fit_ridge. Scores and alphas are double whatever the Scalar.
template <class Scalar>
struct RidgeFitOf {
  // Features x targets, in the units of the original features (standardization folded in);
  // predictions are intercept + X coef.
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> coef;
  Eigen::Matrix<Scalar, 1, Eigen::Dynamic> intercept;  // per target: mean(y) - mean(X) coef
  std::vector<double> alphas;                           // the grid: ascending, duplicates removed
  Eigen::VectorXd best_alpha;                           // per target
  // Alphas x targets: the mean over the cv folds of each alpha's R^2 on the fold's test rows
  // (empty, 0 x targets, for a one-alpha grid, which needs no cv).
  Eigen::MatrixXd cv_r2;
  Eigen::VectorXi grid_edge;                 // per target, as RidgeCvResultOf::grid_edge
  std::vector<Eigen::Index> dropped_columns;  // columns without spread on all rows: coefficient 0
};

using RidgeFit = RidgeFitOf<double>;

// The factorizations of X that cross_validated_ridge needs (per outer fold: its inner folds and the
// refit on all training rows), kept between calls on the same X, folds and options: a run that feeds
// its targets in blocks (score --memory-budget, MPI ranks) factors X once instead of once per block.
// It holds about folds x (inner_folds + 1) x (n + p) x p numbers at once (one outer fold's worth
// without it). The results are the same bit for bit as without it. A cache filled for one X, folds
// or options is refilled for another (a fingerprint of all three, X's every byte included).
template <class Scalar>
struct RidgeFoldCache {
  std::vector<std::vector<detail::FactoredFold<Scalar>>> inner;
  std::vector<detail::FactoredFold<Scalar>> refit;
  std::uint64_t key = 0;  // fingerprint at fill; 0: empty
};

}  // namespace neuroscore
