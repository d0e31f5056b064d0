// benchmarks/brain/builtin/pereira2018_langnet.hpp: the built-in benchmark `pereira2018-langnet`:
// Pereira et al. 2018 exp. 2, the averaged language-network response to 384 sentences,
// passage-grouped 5-fold, no ceiling (only averaged data is released); baseline sentence length
// + position. Sentence-level: activations of each sentence's last word only.
// Why C++ and not a benchmark file (BUILD.bazel's list): the responses are not rows of a file. The
// loader (neuroscore/datasets/pereira.hpp) matches each stimulus sentence to its row of
// pereira_averaged.csv by normalized text (some matches are not exact), takes the passages from
// that match and keeps the 384-set sentences with a finite response; the file format has no
// sentence-to-table matching or row filter (a "rows" kind for it would be the loader itself).
#pragma once

#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/datasets/pereira.hpp"

namespace neuroscore::benchmarks {

inline BuiltBenchmark build_pereira2018_langnet(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Pereira 2018\n";
  const datasets::PereiraData d = datasets::load_pereira(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, pereira_benchmark(d), pereira_controls(d), "control/length+position",
                                     "sentence length + position");
  const Benchmark& b = out.benchmark;
  if (ctx.wants("activations") || ctx.wants("model+controls")) {
    const PereiraRows rows = pereira_rows(d);
    for (const std::string& mname : ctx.request().models) {
      const LmFeatures f =
          ctx.extract(mname, (ctx.data_root() / "pereira2018/stimuli_384sentences.txt").string(), false, "lines", false);
      ctx.lm_methods(f, mname, false, false, [&](const Eigen::MatrixXd& s, bool) { return take(s, rows.rows); },
                     b.baseline, out.methods);
    }
  }
  return out;
}

inline BenchmarkEntry pereira2018_langnet_entry() {
  return {"pereira2018-langnet", "Pereira et al. 2018, averaged language-network response to 384 sentences",
          build_pereira2018_langnet};
}

}  // namespace neuroscore::benchmarks
