// benchmarks/brain/builtin/synthetic.hpp: the built-in benchmark `synthetic`: simulate.hpp's planted
// signal (seed 2024), contiguous 5-fold, the planted ceiling, with its own simulated methods.
// Why C++ and not a benchmark file (BUILD.bazel's list): it has no data to describe. Its responses,
// methods and ceiling are generated at run time by simulate.hpp; a benchmark file describes files
// on disk, and a "simulated" kind would be a second interface to simulate.hpp, not a smaller one.
#pragma once

#include "benchmarks/brain/leaderboard_registry.hpp"

namespace neuroscore::benchmarks {

BuiltBenchmark build_synthetic(LeaderboardContext&);

BenchmarkEntry synthetic_entry();

}  // namespace neuroscore::benchmarks
