// reproductions/mischler2024/alice_series.hpp: the Alice side of Mischler et al.'s model-series
// analysis: the listeners' z-scored ROI responses, the contiguous folds and layer-selection
// options, and one model's layers as FIR-delayed volume designs. Entry points:
// alice_series_setup, alice_model_layers.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "benchmarks/alice_encoding.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/hierarchy.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"

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

}  // namespace neuroscore::reproductions::mischler
