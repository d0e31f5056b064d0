// benchmarks/brain/alice_word_rate.hpp: the first end-to-end brain score: word rate -> Alice ROIs.
// Entry point: alice_word_rate_scores(data, options) -> AliceWordRateScores.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "neuroscore/align.hpp"
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
inline Eigen::MatrixXd alice_word_rate_features(const datasets::AliceData& data,
                                                const std::vector<int>& delays_volumes) {
  const Eigen::VectorXd rate = count_events_per_volume(data.word_onsets_seconds(), data.full_run);
  const Eigen::MatrixXd delayed = fir_delays(rate, delays_volumes);
  return delayed.bottomRows(data.full_run.volumes - data.first_kept_volume);
}

// Every listener's ROIs (z-scored per listener) are targets of one cross-validated ridge
// with per-target alpha: the folds, features and alpha grid are shared, the scores are not.
inline AliceWordRateScores alice_word_rate_scores(const datasets::AliceData& data,
                                                  const AliceWordRateOptions& options = {}) {
  if (data.subjects.empty()) throw std::invalid_argument("alice_word_rate_scores: no listeners");
  const Eigen::MatrixXd x = alice_word_rate_features(data, options.delays_volumes);
  const Eigen::Index rois = data.subjects.front().timecourses.cols();
  const auto listeners = static_cast<Eigen::Index>(data.subjects.size());
  Eigen::MatrixXd y(x.rows(), listeners * rois);
  AliceWordRateScores out;
  for (Eigen::Index s = 0; s < listeners; ++s) {
    const datasets::AliceSubject& subject = data.subjects[static_cast<std::size_t>(s)];
    y.middleCols(s * rois, rois) = zscore_columns(subject.timecourses, "listener " + subject.id);
    out.subjects.push_back(subject.id);
  }
  const std::vector<Fold> folds =
      contiguous_kfold(static_cast<std::size_t>(x.rows()), options.outer_folds, options.gap);
  const RidgeCvResult fit = cross_validated_ridge(x, y, folds, options.ridge);
  const Eigen::VectorXd per_target = fit.mean_r();
  out.r.resize(listeners, rois);
  for (Eigen::Index s = 0; s < listeners; ++s) out.r.row(s) = per_target.segment(s * rois, rois).transpose();
  out.mean_r = out.r.colwise().mean().transpose();
  const Eigen::MatrixXd centred = out.r.rowwise() - out.mean_r.transpose();
  const double denom = static_cast<double>(listeners) * static_cast<double>(std::max<Eigen::Index>(listeners - 1, 1));
  out.sem_r = (centred.colwise().squaredNorm().array() / denom).sqrt().matrix().transpose();
  out.alphas_at_grid_edge = fit.alphas_at_grid_edge;
  out.alphas_at_grid_top = (fit.grid_edge.array() == 1).count();
  out.degenerate_scores = fit.degenerate_scores;
  return out;
}

}  // namespace neuroscore::benchmarks
