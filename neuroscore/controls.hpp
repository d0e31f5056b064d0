// neuroscore/controls.hpp: simple-feature baselines of Feghhi et al. 2024 (OASM, one-hot labels,
// position within a passage/story). Entry point: oasm_features(groups, width_samples).
// Word rate per fMRI volume is align.hpp's count_events_per_volume; not repeated here.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore {

// OASM ("orthogonal autocorrelated sequences model", described in Feghhi et al. 2024; this exact
// kernel is our reading of that description, not a port of their code): the N x N identity with each column smoothed by a Gaussian within its group only,
//   X(i, j) = exp(-(i - j)^2 / (2 w^2))   if groups[i] == groups[j],   0 otherwise,
// w = width_samples (the standard deviation, in samples; distance is the row-index distance).
// The kernel is not renormalized: the diagonal is exactly 1, so width_samples == 0 gives the
// identity, and column j sums to sum over i in j's group of exp(-(i - j)^2 / (2 w^2)).
// Groups are the passage/story/run of each sample; they are normally contiguous, but any
// labelling works (samples of one label are treated as one sequence).
// The feature says only "which neighbourhood of the sequence this sample is in": under
// shuffled splits it predicts any autocorrelated target; under contiguous splits ~nothing.
// Throws std::invalid_argument for no samples or a negative or non-finite width.
inline Eigen::MatrixXd oasm_features(const std::vector<int>& groups, double width_samples) {
  if (groups.empty()) throw std::invalid_argument("oasm_features: no samples (groups is empty)");
  if (!(width_samples >= 0.0) || !std::isfinite(width_samples)) {
    throw std::invalid_argument("oasm_features: width_samples must be finite and >= 0, got " +
                                std::to_string(width_samples));
  }
  const Eigen::Index n = static_cast<Eigen::Index>(groups.size());
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, n);
  const double two_var = 2.0 * width_samples * width_samples;
  for (Eigen::Index j = 0; j < n; ++j) {
    const int g = groups[static_cast<std::size_t>(j)];
    for (Eigen::Index i = 0; i < n; ++i) {
      if (groups[static_cast<std::size_t>(i)] != g) continue;
      if (i == j) {
        x(i, j) = 1.0;
      } else if (two_var > 0.0) {
        const double d = static_cast<double>(i - j);
        x(i, j) = std::exp(-d * d / two_var);
      }
    }
  }
  return x;
}

// The distinct values of `labels`, ascending: the column order of one_hot.
inline std::vector<int> sorted_distinct(const std::vector<int>& labels) {
  std::vector<int> out(labels);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// N x (distinct labels) indicator matrix: row i has a single 1 in the column of labels[i],
// columns in ascending label order (sorted_distinct). No column is dropped: with an intercept,
// drop one yourself (ridge does not need it). Throws std::invalid_argument for no labels.
inline Eigen::MatrixXd one_hot(const std::vector<int>& labels) {
  if (labels.empty()) throw std::invalid_argument("one_hot: no labels");
  const std::vector<int> levels = sorted_distinct(labels);
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(labels.size()),
                                            static_cast<Eigen::Index>(levels.size()));
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const auto col = std::lower_bound(levels.begin(), levels.end(), labels[i]) - levels.begin();
    x(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(col)) = 1.0;
  }
  return x;
}

// 0-based position of each sample within its contiguous run of equal group labels:
// {7, 7, 7, 2, 2, 7} -> {0, 1, 2, 0, 1, 0} (a label that comes back starts a new run).
inline std::vector<int> position_in_group(const std::vector<int>& groups) {
  std::vector<int> out(groups.size());
  for (std::size_t i = 0; i < groups.size(); ++i) {
    out[i] = (i > 0 && groups[i] == groups[i - 1]) ? out[i - 1] + 1 : 0;
  }
  return out;
}

// Feghhi et al.'s sentence-position control: one_hot(position_in_group(groups)), one column per
// position that occurs (position 0 first). For Pereira use one_hot(PereiraData::position)
// instead: its 243-sentence set has no passage boundaries (position -1 there).
inline Eigen::MatrixXd position_one_hot(const std::vector<int>& groups) {
  return one_hot(position_in_group(groups));
}

}  // namespace neuroscore
