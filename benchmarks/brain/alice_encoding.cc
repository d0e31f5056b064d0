// benchmarks/brain/alice_encoding.cc: word-level features -> Alice ROI brain scores (see
// alice_encoding.hpp).
#include "benchmarks/brain/alice_encoding.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/align.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

Eigen::MatrixXd alice_volume_features(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& word_features,
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

AliceEncodingScores alice_encoding_scores(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& x,
                                          const AliceEncodingOptions& options) {
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
