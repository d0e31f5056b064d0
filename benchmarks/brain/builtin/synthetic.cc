// benchmarks/brain/builtin/synthetic.cc: the built-in benchmark `synthetic` (what it is and why it is
// C++: synthetic.hpp).
#include "benchmarks/brain/builtin/synthetic.hpp"

#include <utility>

#include "benchmarks/brain/leaderboard_data.hpp"

namespace neuroscore::benchmarks {

BuiltBenchmark build_synthetic(LeaderboardContext&) {
  SyntheticBenchmark syn = synthetic_benchmark(Seed{2024});
  BuiltBenchmark out;
  out.benchmark = std::move(syn.benchmark);
  out.methods = std::move(syn.methods);
  return out;
}

BenchmarkEntry synthetic_entry() {
  return {"synthetic", "simulated responses with a planted signal (simulate.hpp, seed 2024)", build_synthetic,
          /*needs_data=*/false};
}

}  // namespace neuroscore::benchmarks
