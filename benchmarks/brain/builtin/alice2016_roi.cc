// benchmarks/brain/builtin/alice2016_roi.cc: what alice2016_roi.hpp adds to the benchmark file
// alice2016_roi.json (the shuffled-split control and the purge-gap variants).
#include "benchmarks/brain/builtin/alice2016_roi.hpp"

#include <string>
#include <utility>
#include <vector>

#include "neuroscore/ceiling.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

Benchmark alice2016_roi_shuffled(const Benchmark& b) {
  Benchmark s = b;
  s.name = b.name + "-shuffled";
  s.folds = shuffled_kfold(static_cast<std::size_t>(b.responses.rows()), b.folds.size(), Seed{0}).folds;
  const auto regions = static_cast<Eigen::Index>(b.regions.size());
  std::vector<Eigen::MatrixXd> per_subject;
  for (Eigen::Index c = 0; c < b.responses.cols(); c += regions) per_subject.push_back(b.responses.middleCols(c, regions));
  const InterSubjectCeiling isc = leave_one_subject_out_ceiling(per_subject, s.folds);
  std::vector<double> c;
  for (Eigen::Index j = 0; j < regions; ++j) {
    s.region_ceiling[b.regions[static_cast<std::size_t>(j)]] = isc.corrected_r(j);
    c.push_back(isc.corrected_r(j));
  }
  s.ceiling = detail::leaderboard::median(c);
  s.description = b.name + " under a SHUFFLED 5-fold split (the leaky control; no purge gap)";
  return s;
}

BenchmarkEntry alice2016_roi_entry(BenchmarkEntry file) {
  BenchmarkEntry e = std::move(file);
  e.build = [build = e.build](LeaderboardContext& ctx) {
    BuiltBenchmark out = build(ctx);
    const Benchmark& b = out.benchmark;
    const std::vector<Method>& methods = out.methods;
    if (ctx.request().shuffled_control) {
      out.shuffled.push_back(alice2016_roi_shuffled(b));
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
  };
  return e;
}

}  // namespace neuroscore::benchmarks
