// benchmarks/brain/builtin/synthetic.hpp: the built-in benchmark `synthetic`: simulate.hpp's planted
// signal (seed 2024), contiguous 5-fold, the planted ceiling, with its own simulated methods.
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
