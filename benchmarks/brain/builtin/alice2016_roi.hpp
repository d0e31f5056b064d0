// benchmarks/brain/builtin/alice2016_roi.hpp: the built-in benchmark `alice2016-roi`: Brennan et al.
// 2016 fMRI, 27 listeners x 6 ROIs, contiguous 5-fold with a 4-volume purge gap and FIR delays
// 1-4, leave-one-subject-out ceiling; baseline word rate + frequency. Also builds the shuffled-
// split control and the purge-gap sensitivity variants (gaps 10 and 20 volumes).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/datasets/alice_predictors.hpp"

namespace neuroscore::benchmarks {

inline BuiltBenchmark build_alice2016_roi(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Alice\n";
  datasets::AliceOptions ao;
  ao.warnings = &ctx.log();
  const datasets::AliceData data = datasets::load_alice(ctx.data_root(), ao);
  const datasets::AlicePredictors pred = datasets::load_alice_predictors(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, alice_benchmark(data), alice_controls(data, pred), "control/rate+frequency",
                                     "word rate + word frequency");
  const Benchmark& b = out.benchmark;
  std::vector<Method>& methods = out.methods;
  if (ctx.wants_lm()) {
    for (const std::string& mname : ctx.request().models) {
      const LmFeatures f = ctx.extract(mname, (ctx.data_root() / "alice_brennan2016/words.TextGrid").string(), true, "none", true);
      if (f.words.size() != data.words.size()) {
        throw std::runtime_error("alice: the extract read " + std::to_string(f.words.size()) +
                                 " words from words.TextGrid, the loader " + std::to_string(data.words.size()));
      }
      ctx.lm_methods(f, mname, true, true,
                     [&](const Eigen::MatrixXd& w, bool counts) {
                       return alice_design(data, w, counts ? WordToVolume::sum : WordToVolume::lanczos);
                     },
                     b.baseline, methods);
    }
  }
  if (ctx.request().shuffled_control) {
    Benchmark shuffled = alice_benchmark(data, true);
    shuffled.baseline = b.baseline;
    out.shuffled.push_back(std::move(shuffled));
    for (const Method& m : methods) {
      if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_block_2" ||
          m.name == "untrained/activations_block_2")
        out.shuffled_methods.push_back(m);
    }
  }
  if (ctx.request().gap_sensitivity) {
    // split.hpp: BOLD noise stays autocorrelated for 10-20 volumes, longer than the 4-volume
    // purge (the longest FIR delay). The same methods with gaps of 10 and 20 volumes, outer and
    // inner; the test blocks (and so the per-block ceiling) are the same.
    for (const std::size_t gap : {10, 20}) {
      Benchmark g = b;
      g.name = "alice2016-roi-gap" + std::to_string(gap);
      g.folds = contiguous_kfold(static_cast<std::size_t>(b.responses.rows()), b.folds.size(), Gap{gap});
      g.ridge.inner_gap = Gap{gap};
      g.description = b.description + "; purge gap " + std::to_string(gap) + " volumes (a sensitivity check)";
      out.gap_variants.push_back(std::move(g));
    }
    for (const Method& m : methods) {
      if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_inner_cv_layer" ||
          m.name == "untrained/activations_inner_cv_layer" || m.name == "trained/attention_all_blocks")
        out.gap_methods.push_back(m);
    }
  }
  return out;
}

inline BenchmarkEntry alice2016_roi_entry() {
  return {"alice2016-roi", "Brennan et al. 2016 fMRI, 27 listeners x 6 ROIs (contiguous folds, subject ceiling)",
          build_alice2016_roi};
}

}  // namespace neuroscore::benchmarks
