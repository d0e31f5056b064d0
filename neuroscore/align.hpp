// neuroscore/align.hpp: from word events to the fMRI volume grid; FIR delays; z-scoring.
// Entry points: count_events_per_volume(onsets, grid), fir_delays(X, delays), zscore_columns(Y).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/detail/check.hpp"
#include "neuroscore/score.hpp"

namespace neuroscore {

// The acquisition grid of one run: volume j is acquired during
// [first_volume_seconds + j * tr_seconds, first_volume_seconds + (j + 1) * tr_seconds).
struct VolumeGrid {
  Eigen::Index volumes = 0;
  double tr_seconds = 0.0;
  double first_volume_seconds = 0.0;
};

// Boxcar count of events per volume: entry j counts the onsets inside volume j's window
// (half-open, as VolumeGrid says). Onsets outside the grid are ignored. Word rate is this
// count for word onsets.
inline Eigen::VectorXd count_events_per_volume(const std::vector<double>& onsets_seconds,
                                               const VolumeGrid& grid) {
  if (grid.volumes <= 0 || !(grid.tr_seconds > 0.0) || !std::isfinite(grid.first_volume_seconds)) {
    throw std::invalid_argument("count_events_per_volume: bad grid (" +
                                std::to_string(grid.volumes) + " volumes, TR " +
                                std::to_string(grid.tr_seconds) + " s)");
  }
  Eigen::VectorXd counts = Eigen::VectorXd::Zero(grid.volumes);
  for (double t : onsets_seconds) {
    if (!std::isfinite(t)) throw std::invalid_argument("count_events_per_volume: non-finite onset");
    const double position = (t - grid.first_volume_seconds) / grid.tr_seconds;
    if (position < 0.0) continue;
    const auto j = static_cast<Eigen::Index>(std::floor(position));
    if (j < grid.volumes) counts(j) += 1.0;
  }
  return counts;
}

// Finite impulse response expansion: for delays d_1..d_m (in samples, >= 0), the output
// has m blocks of x's columns; block k at row i holds x(i - d_k), zero where i - d_k < 0.
// Column order: delay-major, [x(t - d_1) | x(t - d_2) | ...].
inline Eigen::MatrixXd fir_delays(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                  const std::vector<int>& delays) {
  if (delays.empty()) throw std::invalid_argument("fir_delays: no delays");
  const Eigen::Index n = x.rows();
  const Eigen::Index p = x.cols();
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(n, p * static_cast<Eigen::Index>(delays.size()));
  for (std::size_t k = 0; k < delays.size(); ++k) {
    const int d = delays[k];
    if (d < 0) throw std::invalid_argument("fir_delays: negative delay " + std::to_string(d));
    if (d >= n) continue;
    out.block(d, static_cast<Eigen::Index>(k) * p, n - d, p) = x.topRows(n - d);
  }
  return out;
}

// Each column minus its mean, divided by its standard deviation (population, ddof = 0, as
// scipy.stats.zscore's default). A constant column is an error naming the column.
inline Eigen::MatrixXd zscore_columns(const Eigen::Ref<const Eigen::MatrixXd>& y,
                                      const std::string& what = "matrix") {
  detail::require_finite(y, what);
  Eigen::MatrixXd out = y.rowwise() - y.colwise().mean();
  for (Eigen::Index j = 0; j < out.cols(); ++j) {
    const double ss = out.col(j).squaredNorm();
    if (detail::is_constant(ss, y.col(j).cwiseAbs().maxCoeff(), y.rows())) {
      throw std::invalid_argument("zscore_columns: column " + std::to_string(j) + " of " + what +
                                  " is constant");
    }
    out.col(j) /= std::sqrt(ss / static_cast<double>(out.rows()));
  }
  return out;
}

}  // namespace neuroscore
