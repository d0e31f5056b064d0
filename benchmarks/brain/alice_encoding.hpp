// benchmarks/brain/alice_encoding.hpp: word-level features -> Alice ROI brain scores, the pipeline the
// leaderboard and the reproductions share. Entry points: alice_volume_features, alice_encoding_scores.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/align.hpp"
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
inline Eigen::MatrixXd alice_volume_features(const datasets::AliceData& data,
                                             const Eigen::Ref<const Eigen::MatrixXd>& word_features,
                                             WordToVolume resampling, const std::vector<int>& delays_volumes) {
  if (word_features.rows() != static_cast<Eigen::Index>(data.words.size())) {
    throw std::invalid_argument("alice_volume_features: " + std::to_string(word_features.rows()) +
                                " feature rows but the story has " + std::to_string(data.words.size()) + " words");
  }
  Eigen::MatrixXd volumes;
  if (resampling == WordToVolume::lanczos) {
    std::vector<double> offsets;
    offsets.reserve(data.words.size());
    for (const io::Interval& w : data.words) offsets.push_back(w.end_seconds);
    volumes = lanczos_resample(event_midpoints(data.word_onsets_seconds(), offsets), word_features, data.full_run);
  } else {
    volumes = boxcar_per_volume(data.word_onsets_seconds(), word_features, data.full_run).sum;
  }
  const Eigen::MatrixXd delayed = fir_delays(volumes, delays_volumes);
  return delayed.bottomRows(data.full_run.volumes - data.first_kept_volume);
}

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
inline AliceEncodingScores alice_encoding_scores(const datasets::AliceData& data,
                                                 const Eigen::Ref<const Eigen::MatrixXd>& x,
                                                 const AliceEncodingOptions& options = {}) {
  if (data.subjects.empty()) throw std::invalid_argument("alice_encoding_scores: no listeners");
  const Eigen::Index rois = data.subjects.front().timecourses.cols();
  const Eigen::Index volumes = data.subjects.front().timecourses.rows();
  if (x.rows() != volumes) {
    throw std::invalid_argument("alice_encoding_scores: design has " + std::to_string(x.rows()) + " rows, the " +
                                "time courses " + std::to_string(volumes) + " volumes");
  }
  const auto listeners = static_cast<Eigen::Index>(data.subjects.size());
  AliceEncodingScores out;
  out.responses.resize(volumes, listeners * rois);
  for (Eigen::Index s = 0; s < listeners; ++s) {
    const datasets::AliceSubject& subject = data.subjects[static_cast<std::size_t>(s)];
    out.responses.middleCols(s * rois, rois) = zscore_columns(subject.timecourses, "listener " + subject.id);
    out.subjects.push_back(subject.id);
  }
  out.folds = options.shuffled_control
                  ? shuffled_kfold(static_cast<std::size_t>(volumes), options.outer_folds, options.shuffle_seed).folds
                  : contiguous_kfold(static_cast<std::size_t>(volumes), options.outer_folds, options.gap);
  const RidgeCvResult fit = cross_validated_ridge(x, out.responses, out.folds, options.ridge);
  const Eigen::VectorXd per_target = fit.mean_r();
  out.r.resize(listeners, rois);
  for (Eigen::Index s = 0; s < listeners; ++s) out.r.row(s) = per_target.segment(s * rois, rois).transpose();
  out.mean_r = out.r.colwise().mean().transpose();
  const Eigen::MatrixXd centred = out.r.rowwise() - out.mean_r.transpose();
  const double denom =
      static_cast<double>(listeners) * static_cast<double>(std::max<Eigen::Index>(listeners - 1, 1));
  out.sem_r = (centred.colwise().squaredNorm().array() / denom).sqrt().matrix().transpose();
  out.predictions = fit.predictions;
  out.alphas_at_grid_edge = fit.alphas_at_grid_edge;
  out.degenerate_scores = fit.degenerate_scores;
  return out;
}

}  // namespace neuroscore::benchmarks
