// benchmarks/brain/builtin/alice2016_roi.hpp: the built-in benchmark `alice2016-roi` is the benchmark
// file alice2016_roi.json beside this header (Brennan et al. 2016 fMRI, 26 usable listeners x 6
// ROIs, contiguous 5-fold with a 4-volume purge gap and FIR delays 1-4, leave-one-subject-out
// ceiling; baseline word rate + frequency). This adds what the file format cannot express yet, and
// so stays in C++ until the format has keys for them: the shuffled-split control and the purge-gap
// sensitivity variants (gaps 10 and 20 volumes), each scored on a few named methods.
// Entry point: alice2016_roi_entry.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

// `b` under shuffled 5-fold (seed 0, no purge gap): the leaky CONTROL of Feghhi et al. (never a
// leaderboard score), with the leave-one-subject-out ceiling recomputed on its folds, per region
// and as the median over regions (as the benchmark file computes it on the contiguous folds).
inline Benchmark alice2016_roi_shuffled(const Benchmark& b) {
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

// The file's entry (`file`: benchmark_text_entry of alice2016_roi.json) with the shuffled-split
// control and the purge-gap variants added to what it builds.
inline BenchmarkEntry alice2016_roi_entry(BenchmarkEntry file) {
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
