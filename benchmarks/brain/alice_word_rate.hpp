// benchmarks/brain/alice_word_rate.hpp: the first end-to-end brain score: word rate -> Alice ROIs.
// Entry point: alice_word_rate_scores(data, options) -> AliceWordRateScores.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

struct AliceWordRateOptions {
  std::vector<int> delays_volumes = {1, 2, 3, 4};  // FIR delays: 2-8 s after the words
  std::size_t outer_folds = 5;                     // contiguous folds over the 362 volumes
  Gap gap{4};  // purge: training drops 4 volumes (the longest delay) around each test block
  // alphas 10^-1 .. 10^6: with 4 features and z-scored ROIs most noisy targets want heavy
  // shrinkage, so the grid reaches far up to keep the choice off its edge.
  RidgeCvOptions ridge{{0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6}, 5, Gap{4}, true};
};

struct AliceWordRateScores {
  std::vector<std::string> subjects;       // listener ids, row order of `r`
  Eigen::MatrixXd r;                       // listeners x ROIs: mean over folds of test Pearson r
  Eigen::VectorXd mean_r;                  // per ROI, mean over listeners
  Eigen::VectorXd sem_r;                   // per ROI, standard error over listeners
  Eigen::Index alphas_at_grid_edge = 0;  // (listener, ROI, fold) choices at either end of the grid
  Eigen::Index alphas_at_grid_top = 0;   // of those, at the largest alpha
  Eigen::Index degenerate_scores = 0;
};

// The word-rate design matrix on the kept volumes: word onsets counted per 2 s volume over
// the whole run (including the 10 discarded volumes, so early delays see real words),
// FIR-expanded, then cut to the 362 kept volumes.
Eigen::MatrixXd alice_word_rate_features(const datasets::AliceData& data, const std::vector<int>& delays_volumes);

// Every listener's ROIs (z-scored per listener) are targets of one cross-validated ridge
// with per-target alpha: the folds, features and alpha grid are shared, the scores are not.
AliceWordRateScores alice_word_rate_scores(const datasets::AliceData& data, const AliceWordRateOptions& options = {});

}  // namespace neuroscore::benchmarks
