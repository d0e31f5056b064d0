// neuroscore/split.hpp: cross-validation splits that respect time.
// Entry point: contiguous_kfold(n_samples, k, Gap{g}) -> std::vector<Fold>.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore {

// Samples dropped from training on each side of a test block (the purge zone): HRF delays
// and autocorrelation leak information across block edges.
struct Gap {
  std::size_t samples = 0;
};

// One train/test split: sorted sample indices.
struct Fold {
  std::vector<std::size_t> train;
  std::vector<std::size_t> test;
};

// Contiguous k-fold: the samples 0..n-1 are cut into k consecutive blocks. Remainder rule
// (as scikit-learn's KFold): the first n % k blocks get one extra sample, so block sizes
// differ by at most one and larger blocks come first. Training is every sample not in the
// test block and farther than `gap` samples from it.
// Errors: k < 2, k > n, or a gap that leaves a fold with no training sample.
inline std::vector<Fold> contiguous_kfold(std::size_t n_samples, std::size_t k, Gap gap = {}) {
  if (k < 2) throw std::invalid_argument("contiguous_kfold: k = " + std::to_string(k) + " < 2");
  if (k > n_samples) {
    throw std::invalid_argument("contiguous_kfold: k = " + std::to_string(k) + " folds > " +
                                std::to_string(n_samples) + " samples");
  }
  std::vector<Fold> folds(k);
  const std::size_t base = n_samples / k;
  const std::size_t extra = n_samples % k;
  std::size_t begin = 0;
  for (std::size_t f = 0; f < k; ++f) {
    const std::size_t end = begin + base + (f < extra ? 1 : 0);
    Fold& fold = folds[f];
    fold.test.reserve(end - begin);
    for (std::size_t i = begin; i < end; ++i) fold.test.push_back(i);
    const std::size_t purge_begin = begin >= gap.samples ? begin - gap.samples : 0;
    const std::size_t purge_end = end + gap.samples;  // may exceed n: then nothing after.
    fold.train.reserve(n_samples - (end - begin));
    for (std::size_t i = 0; i < n_samples; ++i) {
      if (i < purge_begin || i >= purge_end) fold.train.push_back(i);
    }
    if (fold.train.empty()) {
      throw std::invalid_argument("contiguous_kfold: gap of " + std::to_string(gap.samples) +
                                  " samples leaves fold " + std::to_string(f) +
                                  " with no training samples (n = " + std::to_string(n_samples) +
                                  ", k = " + std::to_string(k) + ")");
    }
    begin = end;
  }
  return folds;
}

}  // namespace neuroscore
