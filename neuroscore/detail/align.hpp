// neuroscore/detail/align.hpp (private): the argument checks and volume lookup of align.hpp.
// Entry points: detail::require_grid, volume_of, require_events, require_runs.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/volume_grid.hpp"

namespace neuroscore {

namespace detail {

inline void require_grid(const VolumeGrid& grid, const std::string& who) {
  if (grid.volumes <= 0 || !(grid.tr_seconds > 0.0) || !std::isfinite(grid.tr_seconds) ||
      !std::isfinite(grid.first_volume_seconds)) {
    throw std::invalid_argument(who + ": bad grid (" + std::to_string(grid.volumes) +
                                " volumes, TR " + std::to_string(grid.tr_seconds) + " s)");
  }
}

// The volume whose half-open window holds time t, or -1 outside the grid.
inline Eigen::Index volume_of(double t, const VolumeGrid& grid) {
  const double position = (t - grid.first_volume_seconds) / grid.tr_seconds;
  if (position < 0.0) return -1;
  const auto j = static_cast<Eigen::Index>(std::floor(position));
  return j < grid.volumes ? j : -1;
}

inline void require_events(const std::vector<double>& times, const Eigen::Ref<const Eigen::MatrixXd>& values,
                           const std::string& who) {
  if (static_cast<Eigen::Index>(times.size()) != values.rows()) {
    throw std::invalid_argument(who + ": " + std::to_string(times.size()) + " event times but " +
                                std::to_string(values.rows()) + " rows of values");
  }
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (!std::isfinite(times[i])) {
      throw std::invalid_argument(who + ": event " + std::to_string(i) + " has a non-finite time");
    }
  }
  require_finite(values, who + " values");
}

}  // namespace detail

namespace detail {
inline void require_runs(const RunLengths& runs, Eigen::Index rows, const std::string& who) {
  Eigen::Index total = 0;
  for (std::size_t r = 0; r < runs.volumes.size(); ++r) {
    if (runs.volumes[r] <= 0) {
      throw std::invalid_argument(who + ": run " + std::to_string(r) + " has " +
                                  std::to_string(runs.volumes[r]) + " volumes");
    }
    total += runs.volumes[r];
  }
  if (runs.volumes.empty() || total != rows) {
    throw std::invalid_argument(who + ": run lengths sum to " + std::to_string(total) +
                                " volumes but the matrix has " + std::to_string(rows) + " rows");
  }
}
}  // namespace detail

}  // namespace neuroscore
