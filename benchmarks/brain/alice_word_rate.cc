// benchmarks/brain/alice_word_rate.cc: word rate -> Alice ROI scores (see alice_word_rate.hpp).
#include "benchmarks/brain/alice_word_rate.hpp"

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

Eigen::MatrixXd alice_word_rate_features(const datasets::AliceData& data, const std::vector<int>& delays_volumes) {
  const Eigen::VectorXd rate = count_events_per_volume(data.word_onsets_seconds(), data.full_run);
  const Eigen::MatrixXd delayed = fir_delays(rate, delays_volumes);
  return delayed.bottomRows(data.full_run.volumes - data.first_kept_volume);
}

AliceWordRateScores alice_word_rate_scores(const datasets::AliceData& data, const AliceWordRateOptions& options) {
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
