// neuroscore/banded_options.hpp: what banded ridge takes (BandedRidgeOptions) and returns
// (BandedRidgeResult); banded.hpp includes it.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/split_types.hpp"

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

}  // namespace neuroscore
