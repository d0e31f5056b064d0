// neuroscore/volume_grid.hpp: the acquisition grid of a run (VolumeGrid) and the lengths of
// consecutive runs in one matrix (RunLengths). align.hpp includes it.
#pragma once

#include <Eigen/Core>

#include <vector>

namespace neuroscore {

// The acquisition grid of one run: volume j is acquired during
// [first_volume_seconds + j * tr_seconds, first_volume_seconds + (j + 1) * tr_seconds).
struct VolumeGrid {
  Eigen::Index volumes = 0;
  double tr_seconds = 0.0;
  double first_volume_seconds = 0.0;
};

// Volumes per run of a matrix whose rows are the runs' volumes one run after another.
struct RunLengths {
  std::vector<Eigen::Index> volumes;
};

}  // namespace neuroscore
