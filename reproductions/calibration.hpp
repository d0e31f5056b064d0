// reproductions/calibration.hpp: size and power of a claim's simulated controls over many seeds
// (issue 13.8). Entry points: control_calibration_seeds, calibrate_controls.
//
// Every claim test builds its controls from a seed offset (0 in the suite: the registered fixed
// draws). Its ControlCalibration test, skipped unless NEUROSCORE_CONTROL_SEEDS is set, reruns the
// controls for offsets 1..N and prints each control's detection rate with a Clopper-Pearson 95%
// interval: the power of a positive control, the size (false-positive rate) of a negative one,
// the rate at which a confound fools the rule. `bash tools/calibrate_controls.sh [N]` runs them
// all; the rates are written into each claims.tsv (column control_calibration).
#pragma once

#include <gtest/gtest.h>

#include <boost/math/distributions/beta.hpp>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "reproductions/harness.hpp"

namespace neuroscore::reproductions {

// A positive integer environment variable; `fallback` when unset or empty. (No `detail`
// namespace here: one in neuroscore::reproductions would hide neuroscore::detail from the claim
// headers that say detail::.)
inline std::size_t positive_env_count(const char* name, std::size_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(v, &end, 10);
  if (*end != '\0' || n == 0) throw std::invalid_argument(std::string(name) + "='" + v + "' is not a positive integer");
  return static_cast<std::size_t>(n);
}

// NEUROSCORE_CONTROL_SEEDS as a count; 0 when unset or empty. Errors: not a positive integer.
inline std::size_t control_calibration_seeds() { return positive_env_count("NEUROSCORE_CONTROL_SEEDS", 0); }

// The first seed offset, NEUROSCORE_CONTROL_FIRST_SEED (default 1), so that a long calibration can
// be split over processes (offsets first .. first + N - 1) and the counts added.
inline std::size_t control_calibration_first_seed() { return positive_env_count("NEUROSCORE_CONTROL_FIRST_SEED", 1); }

// Detections of one control over the seeds, with the exact (Clopper-Pearson) 95% interval of its
// rate: [Beta(0.025; k, n - k + 1), Beta(0.975; k + 1, n - k)], 0 and 1 at the ends.
struct ControlRate {
  std::string name;  // the control's name up to " (" (per-seed details dropped)
  std::size_t detected = 0;
  std::size_t runs = 0;
  double low = 0.0, high = 1.0;
  double rate() const { return runs == 0 ? 0.0 : static_cast<double>(detected) / static_cast<double>(runs); }
};

inline void clopper_pearson(ControlRate& r) {
  const auto k = static_cast<double>(r.detected);
  const auto n = static_cast<double>(r.runs);
  r.low = r.detected == 0 ? 0.0 : quantile(boost::math::beta_distribution<double>(k, n - k + 1.0), 0.025);
  r.high = r.detected == r.runs ? 1.0 : quantile(boost::math::beta_distribution<double>(k + 1.0, n - k), 0.975);
}

// Runs controls_for(offset) for offset = first .. first + seeds - 1 (first from
// control_calibration_first_seed(); each call returns the claim's controls, in a
// fixed order, drawn from seeds shifted by `offset`), prints one line per control
//   calibration <claim> <kind: name> <detected>/<runs> rate [low, high]
// and fails when a negative control's size is significantly above 5% (its interval's lower end
// above 0.05): a rule that detects claims in worlds where they are false more often than its
// level says. Positive and confound rates are measurements, reported, not asserted.
template <class ControlsFor>
std::vector<ControlRate> calibrate_controls(const std::string& claim, ControlsFor&& controls_for, std::size_t seeds) {
  std::vector<ControlRate> rates;
  const std::size_t first = control_calibration_first_seed();
  for (std::size_t s = 1; s <= seeds; ++s) {
    const std::vector<ControlResult> controls = controls_for(first + s - 1);
    if (rates.empty()) {
      for (const ControlResult& c : controls) rates.push_back(ControlRate{c.name.substr(0, c.name.find(" (")), 0, 0});
    }
    if (controls.size() != rates.size()) throw std::logic_error(claim + ": the number of controls changed with the seed");
    for (std::size_t i = 0; i < controls.size(); ++i) {
      rates[i].detected += controls[i].detected ? 1 : 0;
      ++rates[i].runs;
    }
    if (s % 5 == 0 || s == seeds) {  // running counts, usable if the run is cut short
      std::fprintf(stderr, "%s calibration: %zu/%zu seeds from offset %zu; detected:", claim.c_str(), s, seeds, first);
      for (const ControlRate& r : rates) std::fprintf(stderr, " %zu", r.detected);
      std::fprintf(stderr, "\n");
    }
  }
  for (ControlRate& r : rates) {
    clopper_pearson(r);
    std::printf("calibration\t%s\t%s\t%zu/%zu\t%.3f\t[%.3f, %.3f]\n", claim.c_str(), r.name.c_str(), r.detected, r.runs,
                r.rate(), r.low, r.high);
    if (is_control_kind(r.name, "negative")) {
      EXPECT_LE(r.low, 0.05) << claim << " control '" << r.name << "': size " << r.rate() << " over " << r.runs
                             << " seeds is significantly above 0.05";
    }
  }
  std::fflush(stdout);
  return rates;
}

// The body of every claim's ControlCalibration test.
#define NEUROSCORE_CALIBRATE_CONTROLS(claim, controls_for)                                              \
  do {                                                                                                 \
    const std::size_t seeds_ = ::neuroscore::reproductions::control_calibration_seeds();               \
    if (seeds_ == 0) GTEST_SKIP() << "set NEUROSCORE_CONTROL_SEEDS=N (tools/calibrate_controls.sh)"; \
    ::neuroscore::reproductions::calibrate_controls(claim, controls_for, seeds_);                     \
  } while (0)

}  // namespace neuroscore::reproductions
