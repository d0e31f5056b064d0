// neuroscore/hierarchy.hpp: layer x target score matrices, the peak layer per target chosen
// on inner folds only, normalized peak depth, and the rank correlation of peak layer with an
// ordering of regions with a seeded bootstrap CI.
// Entry points: layer_scores, select_peak_layer, normalized_depth, spearman_rho,
// peak_order_correlation.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/detail/hierarchy.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Score of every layer for every target: cross_validated_ridge on each layer's features with
// the same folds and options, then cross_validated_score. score(l, j) is layer l, target j.
// Reporting the argmax of this matrix over layers as "the peak layer" selects on the test
// folds (optimistic); select_peak_layer does it without peeking.
struct LayerScores {
  Eigen::MatrixXd score;  // layers x targets
  Metric metric = Metric::pearson_r;
  FoldAggregation aggregation = FoldAggregation::per_fold_mean;
};

inline LayerScores layer_scores(const std::vector<Eigen::MatrixXd>& layers, const Eigen::Ref<const Eigen::MatrixXd>& y,
                                const std::vector<Fold>& folds, const RidgeCvOptions& ridge = {},
                                Metric metric = Metric::pearson_r,
                                FoldAggregation aggregation = FoldAggregation::per_fold_mean) {
  detail::hierarchy_impl::require_layers(layers, y.rows(), "layer_scores");
  LayerScores out;
  out.metric = metric;
  out.aggregation = aggregation;
  out.score.resize(static_cast<Eigen::Index>(layers.size()), y.cols());
  for (std::size_t l = 0; l < layers.size(); ++l) {
    out.score.row(static_cast<Eigen::Index>(l)) =
        detail::hierarchy_impl::fit_and_score(layers[l], y, folds, ridge, metric, aggregation).value.transpose();
  }
  return out;
}

struct PeakLayerOptions {
  RidgeCvOptions ridge{};        // each layer's ridge (its alpha CV runs inside every fit)
  std::size_t inner_folds = 4;   // inner contiguous folds of each outer training set
  Gap inner_gap{};
  Metric metric = Metric::pearson_r;  // the score compared across layers and reported
};

struct PeakLayerResult {
  Eigen::MatrixXi chosen_layer;     // outer folds x targets: the layer with the best inner score
  Eigen::MatrixXd outer_score;      // outer folds x targets: the chosen layer's score on the test block
  Eigen::VectorXd mean_outer_score; // per target, mean over outer folds
  Eigen::VectorXd mean_peak_layer;  // per target, mean chosen layer over outer folds
  Eigen::VectorXd normalized_depth; // mean_peak_layer / (layers - 1)
  Eigen::Index layers = 0;
};

// Normalized depth of a layer index: peak / (L - 1), 0 = first layer, 1 = last.
// Error: fewer than 2 layers.
inline double normalized_depth(double peak_layer, Eigen::Index layers) {
  if (layers < 2) throw std::invalid_argument("normalized_depth: needs >= 2 layers, got " + std::to_string(layers));
  return peak_layer / static_cast<double>(layers - 1);
}

// Peak layer per target chosen without touching the test data. For each outer fold: inner
// contiguous folds over its training samples (inner_contiguous_kfold, which may span the
// outer test hole); every layer is fitted and scored on those inner folds (per-fold mean of
// options.metric); each target takes the layer with the best inner score (ties: the earlier
// layer); that layer's model, refit on the whole outer training set, is scored on the outer
// test block. The test block never influences the choice.
// Errors: no layers, sample counts that differ, fewer than 2 layers, plus the fits' errors.
inline PeakLayerResult select_peak_layer(const std::vector<Eigen::MatrixXd>& layers,
                                         const Eigen::Ref<const Eigen::MatrixXd>& y,
                                         const std::vector<Fold>& outer_folds, const PeakLayerOptions& options = {}) {
  detail::hierarchy_impl::require_layers(layers, y.rows(), "select_peak_layer");
  if (layers.size() < 2) throw std::invalid_argument("select_peak_layer: needs >= 2 layers");
  if (outer_folds.empty()) throw std::invalid_argument("select_peak_layer: no folds");
  const auto n_layers = static_cast<Eigen::Index>(layers.size());
  const Eigen::Index t = y.cols();
  const auto k = static_cast<Eigen::Index>(outer_folds.size());
  PeakLayerResult out;
  out.layers = n_layers;
  out.chosen_layer.resize(k, t);
  out.outer_score.resize(k, t);
  for (Eigen::Index f = 0; f < k; ++f) {
    const Fold& outer = outer_folds[static_cast<std::size_t>(f)];
    const std::vector<Fold> inner = inner_contiguous_kfold(outer.train, options.inner_folds, options.inner_gap);
    Eigen::VectorXd best = Eigen::VectorXd::Constant(t, -std::numeric_limits<double>::infinity());
    for (Eigen::Index l = 0; l < n_layers; ++l) {
      const Eigen::VectorXd s = detail::hierarchy_impl::fit_and_score(layers[static_cast<std::size_t>(l)], y, inner,
                                                                      options.ridge, options.metric,
                                                                      FoldAggregation::per_fold_mean)
                                    .value;
      for (Eigen::Index j = 0; j < t; ++j) {
        if (s(j) > best(j)) {
          best(j) = s(j);
          out.chosen_layer(f, j) = static_cast<int>(l);
        }
      }
    }
    const std::vector<Fold> test_fold = {outer};
    for (Eigen::Index l = 0; l < n_layers; ++l) {
      if (!(out.chosen_layer.row(f).array() == static_cast<int>(l)).any()) continue;
      const Eigen::VectorXd s = detail::hierarchy_impl::fit_and_score(layers[static_cast<std::size_t>(l)], y, test_fold,
                                                                      options.ridge, options.metric,
                                                                      FoldAggregation::per_fold_mean)
                                    .value;
      for (Eigen::Index j = 0; j < t; ++j) {
        if (out.chosen_layer(f, j) == static_cast<int>(l)) out.outer_score(f, j) = s(j);
      }
    }
  }
  out.mean_outer_score = out.outer_score.colwise().mean().transpose();
  out.mean_peak_layer = out.chosen_layer.cast<double>().colwise().mean().transpose();
  out.normalized_depth = out.mean_peak_layer / static_cast<double>(n_layers - 1);
  return out;
}

// Spearman rank correlation: Pearson r of average ranks (ties averaged), as
// scipy.stats.spearmanr. NaN when either variable is constant.
// Errors: different lengths, fewer than 2 values, non-finite values.
inline double spearman_rho(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
  if (a.size() != b.size() || a.size() < 2) {
    throw std::invalid_argument("spearman_rho: needs two vectors of equal length >= 2, got " + std::to_string(a.size()) +
                                " and " + std::to_string(b.size()));
  }
  if (!a.allFinite() || !b.allFinite()) throw std::invalid_argument("spearman_rho: non-finite value");
  const Eigen::ArrayXd ra = detail::hierarchy_impl::average_ranks(a).array() - (static_cast<double>(a.size()) + 1.0) / 2.0;
  const Eigen::ArrayXd rb = detail::hierarchy_impl::average_ranks(b).array() - (static_cast<double>(b.size()) + 1.0) / 2.0;
  const double d = std::sqrt(ra.square().sum() * rb.square().sum());
  return d > 0.0 ? (ra * rb).sum() / d : std::numeric_limits<double>::quiet_NaN();
}

struct RankCorrelationOptions {
  std::size_t resamples = 2000;
  double level = 0.95;  // two-sided percentile interval
  Seed seed{};
};

// Spearman rho between each unit's peak layer and its region's position in an ordering, with
// a percentile bootstrap CI.
struct RankCorrelation {
  double rho = 0.0;
  double lower = 0.0;
  double upper = 0.0;
  double level = 0.95;
  Eigen::VectorXd bootstrap;            // the defined resampled rhos
  std::size_t undefined_resamples = 0;  // resamples with a constant variable (skipped)
  bool resampled_clusters = false;      // true: whole clusters (subjects) were resampled
  Seed seed;
};

// peak(i) and order(i) belong to unit i (a target, or a subject-region pair). Resampling:
// with `clusters` empty, units are drawn with replacement; otherwise whole clusters (e.g.
// subjects, clusters[i] the label of unit i) are drawn with replacement and all their units
// kept (the cluster bootstrap, for units that are not independent). Draws use
// std::mt19937_64(seed) raw values (same CI on every standard library). The interval is
// the (1 - level)/2 and (1 + level)/2 percentiles (numpy's linear interpolation) of the
// defined resampled rhos.
// Errors: mismatched lengths, fewer than 2 units, a level outside (0, 1), zero resamples.
inline RankCorrelation peak_order_correlation(const Eigen::Ref<const Eigen::VectorXd>& peak,
                                              const Eigen::Ref<const Eigen::VectorXd>& order,
                                              const std::vector<int>& clusters = {},
                                              const RankCorrelationOptions& options = {}) {
  if (!(options.level > 0.0 && options.level < 1.0) || options.resamples == 0) {
    throw std::invalid_argument("peak_order_correlation: level must be in (0, 1) and resamples > 0");
  }
  if (!clusters.empty() && static_cast<Eigen::Index>(clusters.size()) != peak.size()) {
    throw std::invalid_argument("peak_order_correlation: " + std::to_string(clusters.size()) + " cluster labels for " +
                                std::to_string(peak.size()) + " units");
  }
  RankCorrelation out;
  out.rho = spearman_rho(peak, order);
  out.level = options.level;
  out.seed = options.seed;
  out.resampled_clusters = !clusters.empty();
  // Units of each cluster (or singletons).
  std::vector<std::vector<Eigen::Index>> groups;
  if (clusters.empty()) {
    for (Eigen::Index i = 0; i < peak.size(); ++i) groups.push_back({i});
  } else {
    std::vector<int> labels;
    for (Eigen::Index i = 0; i < peak.size(); ++i) {
      const int c = clusters[static_cast<std::size_t>(i)];
      const auto it = std::find(labels.begin(), labels.end(), c);
      if (it == labels.end()) {
        labels.push_back(c);
        groups.push_back({i});
      } else {
        groups[static_cast<std::size_t>(it - labels.begin())].push_back(i);
      }
    }
  }
  std::mt19937_64 rng(options.seed.value);
  std::vector<double> rhos;
  rhos.reserve(options.resamples);
  std::vector<double> pa, pb;
  for (std::size_t b = 0; b < options.resamples; ++b) {
    pa.clear();
    pb.clear();
    for (std::size_t g = 0; g < groups.size(); ++g) {
      const auto& members = groups[static_cast<std::size_t>(detail::uniform_below(rng, groups.size()))];
      for (Eigen::Index i : members) {
        pa.push_back(peak(i));
        pb.push_back(order(i));
      }
    }
    const double r = pa.size() < 2 ? std::numeric_limits<double>::quiet_NaN()
                                   : spearman_rho(Eigen::Map<const Eigen::VectorXd>(pa.data(), static_cast<Eigen::Index>(pa.size())),
                                                  Eigen::Map<const Eigen::VectorXd>(pb.data(), static_cast<Eigen::Index>(pb.size())));
    if (std::isnan(r)) {
      ++out.undefined_resamples;
    } else {
      rhos.push_back(r);
    }
  }
  out.bootstrap = Eigen::Map<const Eigen::VectorXd>(rhos.data(), static_cast<Eigen::Index>(rhos.size()));
  if (rhos.empty()) {
    out.lower = out.upper = std::numeric_limits<double>::quiet_NaN();
  } else {
    out.lower = detail::hierarchy_impl::quantile(rhos, (1.0 - options.level) / 2.0);
    out.upper = detail::hierarchy_impl::quantile(rhos, (1.0 + options.level) / 2.0);
  }
  return out;
}

}  // namespace neuroscore
