// neuroscore/banded_options.hpp: what banded ridge takes (BandedRidgeOptions) and returns
// (BandedRidgeResult); banded.hpp includes it.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

// The options of banded_ridge and fit_banded_ridge (banded.hpp says what the search does).
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
