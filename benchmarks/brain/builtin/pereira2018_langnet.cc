// benchmarks/brain/builtin/pereira2018_langnet.cc: the built-in benchmark `pereira2018-langnet`
// (what it is and why it is C++: pereira2018_langnet.hpp).
#include "benchmarks/brain/builtin/pereira2018_langnet.hpp"

#include "benchmarks/brain/leaderboard_data.hpp"
#include "neuroscore/datasets/pereira.hpp"

namespace neuroscore::benchmarks {

BuiltBenchmark build_pereira2018_langnet(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Pereira 2018\n";
  const datasets::PereiraData d = datasets::load_pereira(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, pereira_benchmark(d), pereira_controls(d), "control/length+position",
                                     "sentence length + position");
  const Benchmark& b = out.benchmark;
  if (ctx.wants(MethodFamily::kActivations) || ctx.wants(MethodFamily::kModelPlusControls)) {
    const PereiraRows rows = pereira_rows(d);
    const extract::Stimulus sentences =
        extract::Stimulus::file((ctx.data_root() / "pereira2018/stimuli_384sentences.txt").string(), extract::Segments::kLines);
    for (const LeaderboardModel& model : ctx.request().models) {
      const LmFeatures f = ctx.extract(model, sentences, /*word_level=*/false, /*with_attributions=*/false);
      ctx.lm_methods(f, model.label, false, false, [&](const Eigen::MatrixXd& s, bool) { return take(s, rows.rows); },
                     b.baseline, out.methods);
    }
  }
  return out;
}

BenchmarkEntry pereira2018_langnet_entry() {
  return {"pereira2018-langnet", "Pereira et al. 2018, averaged language-network response to 384 sentences",
          build_pereira2018_langnet};
}

}  // namespace neuroscore::benchmarks
