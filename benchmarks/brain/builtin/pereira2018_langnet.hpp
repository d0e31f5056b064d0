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

#include "benchmarks/brain/leaderboard_registry.hpp"

namespace neuroscore::benchmarks {

// Loads the data (datasets/pereira.hpp), the controls, and each requested model's sentence
// features (the stimulus file, one sentence per line, each sentence's last word).
BuiltBenchmark build_pereira2018_langnet(LeaderboardContext& ctx);

BenchmarkEntry pereira2018_langnet_entry();

}  // namespace neuroscore::benchmarks
