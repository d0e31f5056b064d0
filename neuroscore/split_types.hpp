// neuroscore/split_types.hpp: the small value types of cross-validation splits and resampling:
// Fold, Gap, BlockLength, Seed, OuterFolds, InnerFolds (split.hpp includes them).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace neuroscore {

// Samples dropped from training on each side of a test block (the purge zone): HRF delays
// and autocorrelation leak information across block edges. Distances are in sample index
// (time) units: sample i is purged when |i - t| <= gap for some test sample t.
struct Gap {
  std::size_t samples = 0;
};

// Length of the contiguous blocks that move together in a block permutation or a block
// bootstrap, in samples. It should exceed the autocorrelation length of the data (HRF plus
// noise: 10-20 TRs).
struct BlockLength {
  std::size_t samples = 1;
};

// One train/test split: sorted sample indices.
struct Fold {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

// Seed of a random split; recorded in the result (callers own randomness).
struct Seed {
  std::uint64_t value = 0;
};

// Number of outer and inner folds of a nested split (distinct types so they cannot be swapped).
struct OuterFolds {
  std::size_t k = 0;
};
struct InnerFolds {
  std::size_t k = 0;
};

}  // namespace neuroscore
