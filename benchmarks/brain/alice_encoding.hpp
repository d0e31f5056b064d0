// benchmarks/brain/alice_encoding.hpp: word-level features -> Alice ROI brain scores, the pipeline the
// leaderboard and the reproductions share. Entry points: alice_volume_features, alice_encoding_scores.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

// How word-level values become one value per 2 s volume.
enum class WordToVolume {
  lanczos,  // Lanczos resampling of word midpoints (the Huth lab's lanczosinterp2D): activations
  sum,      // boxcar sum of the words whose onset falls in the volume: counts, attributions
};

// The design matrix on the 362 kept volumes: word features resampled onto the whole run (the
// 10 discarded volumes included, so early delays see real words), FIR-expanded, then cut to the
// kept volumes. `word_features` has one row per word of `data.words`, in order.
Eigen::MatrixXd alice_volume_features(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& word_features,
                                      WordToVolume resampling, const std::vector<int>& delays_volumes);

struct AliceEncodingOptions {
  std::vector<int> delays_volumes = {1, 2, 3, 4};  // 2-8 s after the words
  std::size_t outer_folds = 5;                     // contiguous blocks of the 362 volumes
  Gap gap{4};                                      // purge: the longest delay
  // Shuffled k-fold instead of contiguous (Feghhi et al.'s leaky split): a CONTROL only.
  bool shuffled_control = false;
  Seed shuffle_seed{0};
  // Wide grid: model features (hundreds of columns on 362 volumes) want little shrinkage,
  // word rate alone wants a lot. Features are standardized with training statistics.
  RidgeCvOptions ridge{kWideAlphas, 5, Gap{4}, true,
                       RidgeSolver::automatic, std::size_t{1} << 30, true};
};

struct AliceEncodingScores {
  std::vector<std::string> subjects;  // listener ids, row order of `r`
  Eigen::MatrixXd r;                  // listeners x ROIs: mean over outer folds of test Pearson r
  Eigen::VectorXd mean_r;             // per ROI, mean over listeners
  Eigen::VectorXd sem_r;              // per ROI, standard error over listeners
  Eigen::MatrixXd responses;          // volumes x (listeners * ROIs), z-scored per listener, listener-major
  Eigen::MatrixXd predictions;        // same shape: each volume predicted by the fold testing it
  std::vector<Fold> folds;
  Eigen::Index alphas_at_grid_edge = 0;
  Eigen::Index degenerate_scores = 0;
  double mean_over_rois() const { return mean_r.mean(); }
};

// Every listener's ROIs (z-scored per listener) are targets of one cross-validated ridge with
// per-target alpha: folds, features and alpha grid are shared, the scores are not.
AliceEncodingScores alice_encoding_scores(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& x,
                                          const AliceEncodingOptions& options = {});

}  // namespace neuroscore::benchmarks
