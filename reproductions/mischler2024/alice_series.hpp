// reproductions/mischler2024/alice_series.hpp: the Alice side of Mischler et al.'s model-series
// analysis: the listeners' z-scored ROI responses, the contiguous folds and layer-selection
// options, one model's layers as FIR-delayed volume designs, and a whole series scored. Entry
// points: alice_series_setup, alice_model_layers, align_series.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/hierarchy.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"
#include "reproductions/mischler2024/model_series.hpp"

namespace neuroscore::reproductions::mischler {

// What every model of a series is scored against: the responses of all listeners (z-scored
// per listener, listener-major, as alice_encoding_scores), the outer contiguous 5-fold split
// with a 4-volume purge gap, and the layer choice on 3 inner contiguous folds of each outer
// training set (purge gap 4), each layer's ridge with the shared Alice options (alpha grid,
// standardized features, per-target alpha) except 3 alpha folds instead of 5: 7 models x 6
// layers x 5 outer x 3 inner fits must run in about a minute on one core.
struct AliceSeriesSetup {
  Eigen::MatrixXd responses;
  Eigen::Index listeners = 0;
  Eigen::Index rois = 0;
  std::vector<Fold> folds;
  PeakLayerOptions options;
};

inline AliceSeriesSetup alice_series_setup(const datasets::AliceData& data) {
  const benchmarks::AliceEncodingOptions encoding;
  AliceSeriesSetup out;
  out.listeners = static_cast<Eigen::Index>(data.subjects.size());
  out.rois = data.subjects.front().timecourses.cols();
  const Eigen::Index volumes = data.subjects.front().timecourses.rows();
  out.responses.resize(volumes, out.listeners * out.rois);
  for (Eigen::Index s = 0; s < out.listeners; ++s) {
    const datasets::AliceSubject& subject = data.subjects[static_cast<std::size_t>(s)];
    out.responses.middleCols(s * out.rois, out.rois) = zscore_columns(subject.timecourses, "listener " + subject.id);
  }
  out.folds = contiguous_kfold(static_cast<std::size_t>(volumes), encoding.outer_folds, encoding.gap);
  out.options.ridge = encoding.ridge;
  out.options.ridge.inner_folds = 3;  // 3 (not 5) alpha folds inside each layer fit: run time
  out.options.inner_folds = 3;
  out.options.inner_gap = encoding.gap;
  return out;
}

// The embedding and every block's residual stream of one model (activations_<layer> of
// `features`, one row per word), Lanczos-resampled to volumes with FIR delays 1-4 volumes.
inline std::vector<Eigen::MatrixXd> alice_model_layers(const datasets::AliceData& data, const FeatureDir& features) {
  const benchmarks::AliceEncodingOptions encoding;
  std::vector<Eigen::MatrixXd> layers;
  for (const std::string& name : features.layer_names()) {
    layers.push_back(benchmarks::alice_volume_features(data, features.array("activations_" + name),
                                                       benchmarks::WordToVolume::lanczos, encoding.delays_volumes));
  }
  return layers;
}

// Every model of a series (feature artifacts, in series order) scored against the listeners with
// model_alignment: its perplexity on the text (quality = -log perplexity), and per listener its
// brain score and normalized peak depth. Rows are models, columns listeners.
struct SeriesAlignment {
  Eigen::VectorXd perplexity;
  Eigen::VectorXd quality;
  Eigen::MatrixXd score;
  Eigen::MatrixXd depth;
};
inline SeriesAlignment align_series(const datasets::AliceData& data, const AliceSeriesSetup& setup,
                                    const std::vector<std::string>& artifacts) {
  const auto m = static_cast<Eigen::Index>(artifacts.size());
  SeriesAlignment out{Eigen::VectorXd(m), Eigen::VectorXd(m), Eigen::MatrixXd(m, setup.listeners),
                      Eigen::MatrixXd(m, setup.listeners)};
  for (Eigen::Index i = 0; i < m; ++i) {
    const FeatureDir dir = feature_dir(artifacts[static_cast<std::size_t>(i)]);
    out.perplexity(i) = dir.perplexity();
    out.quality(i) = -std::log(out.perplexity(i));
    const ModelAlignment a = model_alignment(alice_model_layers(data, dir), setup.responses, setup.listeners,
                                             setup.rois, setup.folds, setup.options);
    out.score.row(i) = a.score.transpose();
    out.depth.row(i) = a.depth.transpose();
  }
  return out;
}

}  // namespace neuroscore::reproductions::mischler
