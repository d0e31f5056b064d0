// benchmarks/brain/builtin/naturalstories_rt.hpp: the built-in benchmark `naturalstories-rt`: Futrell
// et al. 2021 mean self-paced reading time of 10,256 words, story-grouped 5-fold, no ceiling (no
// per-reader data); baseline word length + log frequency + position. Attributions only when named
// explicitly (grad_norm, grad_x_input, conductance, erasure): with the "attributions" family they
// would add ~6 minutes per model to the default run.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/datasets/naturalstories.hpp"

namespace neuroscore::benchmarks {

inline BuiltBenchmark build_naturalstories_rt(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Natural Stories\n";
  const datasets::NaturalStoriesData d = datasets::load_naturalstories(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, naturalstories_benchmark(d), naturalstories_controls(d),
                                     "control/length+frequency+position", "word length + log frequency + position");
  const Benchmark& b = out.benchmark;
  if (ctx.wants_lm()) {
    const bool attributions = ctx.wants_named_attributions();
    // One story per line: context never crosses stories.
    const std::filesystem::path stim = ctx.cache() / "naturalstories_stories.txt";
    {
      std::ostringstream text;
      for (std::size_t i = 0; i < d.words.size(); ++i) {
        if (i > 0) text << (d.story[i] != d.story[i - 1] ? '\n' : ' ');
        text << d.words[i];
      }
      text << '\n';
      std::ofstream(stim) << text.str();
    }
    for (const std::string& mname : ctx.request().models) {
      const LmFeatures f = ctx.extract(mname, stim.string(), true, "lines", attributions);
      if (f.words.size() != d.words.size()) {
        throw std::runtime_error("naturalstories: the extract read " + std::to_string(f.words.size()) +
                                 " words, the loader " + std::to_string(d.words.size()));
      }
      ctx.lm_methods(f, mname, true, attributions, [&](const Eigen::MatrixXd& w, bool) { return w; }, b.baseline,
                     out.methods);
    }
  }
  return out;
}

inline BenchmarkEntry naturalstories_rt_entry() {
  return {"naturalstories-rt", "Futrell et al. 2021, mean self-paced reading time of 10,256 words",
          build_naturalstories_rt};
}

}  // namespace neuroscore::benchmarks
