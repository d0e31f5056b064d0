// benchmarks/brain/builtin/synthetic.hpp: the built-in benchmark `synthetic`: simulate.hpp's planted
// signal (seed 2024), contiguous 5-fold, the planted ceiling, with its own simulated methods.
// Why C++ and not a benchmark file (BUILD.bazel's list): it has no data to describe. Its responses,
// methods and ceiling are generated at run time by simulate.hpp; a benchmark file describes files
// on disk, and a "simulated" kind would be a second interface to simulate.hpp, not a smaller one.
#pragma once

#include <utility>

#include "benchmarks/brain/leaderboard_registry.hpp"

namespace neuroscore::benchmarks {

inline BuiltBenchmark build_synthetic(LeaderboardContext&) {
  SyntheticBenchmark syn = synthetic_benchmark(Seed{2024});
  BuiltBenchmark out;
  out.benchmark = std::move(syn.benchmark);
  out.methods = std::move(syn.methods);
  return out;
}

inline BenchmarkEntry synthetic_entry() {
  return {"synthetic", "simulated responses with a planted signal (simulate.hpp, seed 2024)", build_synthetic,
          /*needs_data=*/false};
}

}  // namespace neuroscore::benchmarks
