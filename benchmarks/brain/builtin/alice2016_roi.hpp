// benchmarks/brain/builtin/alice2016_roi.hpp: the built-in benchmark `alice2016-roi` is the benchmark
// file alice2016_roi.json beside this header (Brennan et al. 2016 fMRI, 26 usable listeners x 6
// ROIs, contiguous 5-fold with a 4-volume purge gap and FIR delays 1-4, leave-one-subject-out
// ceiling; baseline word rate + frequency). This adds what the file format cannot express yet, and
// so stays in C++ until the format has keys for them: the shuffled-split control and the purge-gap
// sensitivity variants (gaps 10 and 20 volumes), each scored on a few named methods.
// Entry point: alice2016_roi_entry.
#pragma once

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"

namespace neuroscore::benchmarks {

// `b` under shuffled 5-fold (seed 0, no purge gap): the leaky CONTROL of Feghhi et al. (never a
// leaderboard score), with the leave-one-subject-out ceiling recomputed on its folds, per region
// and as the median over regions (as the benchmark file computes it on the contiguous folds).
Benchmark alice2016_roi_shuffled(const Benchmark& b);

// The file's entry (`file`: benchmark_text_entry of alice2016_roi.json) with the shuffled-split
// control and the purge-gap variants added to what it builds.
BenchmarkEntry alice2016_roi_entry(BenchmarkEntry file);

}  // namespace neuroscore::benchmarks
