// neuroscore/detail/bootstrap.hpp (private): the result set-up and checks of bootstrap.hpp's
// intervals. Entry points: detail::start_ci, sorted_copy, check_confidence.
#pragma once

#include <Eigen/Core>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap_options.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

namespace detail {

// A result with its inputs recorded and room for the B resampled scores.
inline BootstrapCi start_ci(double observed, const ResamplingUnits& units, Seed seed, const BootstrapOptions& options) {
  BootstrapCi out;
  out.observed = observed;
  out.confidence = options.confidence;
  out.method = options.method;
  out.unit = units.kind;
  out.resamples = options.resamples;
  out.seed = seed;
  out.distribution.resize(static_cast<Eigen::Index>(options.resamples));
  return out;
}

inline std::vector<double> sorted_copy(const Eigen::Ref<const Eigen::VectorXd>& v) {
  std::vector<double> s(v.data(), v.data() + v.size());
  std::sort(s.begin(), s.end());
  return s;
}

inline void check_confidence(double confidence) {
  if (!(confidence > 0.0 && confidence < 1.0)) {
    throw std::invalid_argument("bootstrap: confidence " + std::to_string(confidence) + " is not in (0, 1)");
  }
}

}  // namespace detail

}  // namespace neuroscore
