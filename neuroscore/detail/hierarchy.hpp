// neuroscore/detail/hierarchy.hpp (private): layer checks, one layer's fit and score, ranks and
// quantiles for hierarchy.hpp. Entry points: detail::hierarchy_impl::fit_and_score, average_ranks, quantile.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

namespace detail::hierarchy_impl {

inline void require_layers(const std::vector<Eigen::MatrixXd>& layers, Eigen::Index samples, const char* who) {
  if (layers.empty()) throw std::invalid_argument(std::string(who) + ": no layers");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    if (layers[l].rows() != samples) {
      throw std::invalid_argument(std::string(who) + ": layer " + std::to_string(l) + " has " +
                                  std::to_string(layers[l].rows()) + " samples but Y has " + std::to_string(samples));
    }
  }
}

inline CrossValidatedScore fit_and_score(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                         const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                                         const RidgeCvOptions& ridge, Metric metric, FoldAggregation aggregation) {
  const RidgeCvResult fit = cross_validated_ridge(x, y, folds, ridge);
  std::vector<Eigen::MatrixXd> blocks;
  blocks.reserve(folds.size());
  for (const Fold& f : folds) blocks.push_back(rows_of(fit.predictions, f.test));
  return cross_validated_score(y, folds, blocks, metric, aggregation);
}

// Average ranks (1-based), ties sharing the mean of their positions (scipy.stats.rankdata's
// 'average').
inline Eigen::VectorXd average_ranks(const Eigen::Ref<const Eigen::VectorXd>& v) {
  const Eigen::Index n = v.size();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return v(a) < v(b); });
  Eigen::VectorXd ranks(n);
  Eigen::Index i = 0;
  while (i < n) {
    Eigen::Index j = i;
    while (j + 1 < n && v(order[static_cast<std::size_t>(j + 1)]) == v(order[static_cast<std::size_t>(i)])) ++j;
    const double r = 0.5 * static_cast<double>(i + j) + 1.0;
    for (Eigen::Index k = i; k <= j; ++k) ranks(order[static_cast<std::size_t>(k)]) = r;
    i = j + 1;
  }
  return ranks;
}

// Percentile with linear interpolation between order statistics (numpy.percentile's default).
inline double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

}  // namespace detail::hierarchy_impl

}  // namespace neuroscore
