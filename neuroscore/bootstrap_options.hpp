// neuroscore/bootstrap_options.hpp: what a bootstrap resamples (ResamplingUnits), takes
// (BootstrapOptions) and returns (BootstrapCi). bootstrap.hpp includes it.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <vector>

#include "neuroscore/split_types.hpp"

namespace neuroscore {

// What one resampling unit is.
enum class UnitKind { contiguous_block, group, subject };

// The units a bootstrap resamples with replacement: each is a list of sample indices that
// moves as a whole (a block of consecutive test samples, a sentence or passage, a subject).
struct ResamplingUnits {
  std::vector<std::vector<std::size_t>> members;
  UnitKind kind = UnitKind::contiguous_block;
};

enum class BootstrapMethod { percentile, bca };

struct BootstrapOptions {
  std::size_t resamples = 2000;  // B
  double confidence = 0.95;      // two-sided level of the interval
  BootstrapMethod method = BootstrapMethod::bca;
};

// A bootstrap confidence interval and everything needed to reproduce or re-derive it.
struct BootstrapCi {
  double observed = 0.0;          // the score on the original indices
  double lower = 0.0;
  double upper = 0.0;
  double confidence = 0.95;
  BootstrapMethod method = BootstrapMethod::bca;
  UnitKind unit = UnitKind::contiguous_block;
  std::size_t resamples = 0;      // B
  Seed seed;
  Eigen::VectorXd distribution;   // the B bootstrap scores, in draw order
  Eigen::VectorXd jackknife;      // leave-one-unit-out scores (BCa only; empty otherwise)
  double bias_correction = 0.0;   // z0 (BCa)
  double acceleration = 0.0;      // a (BCa)
};

}  // namespace neuroscore
