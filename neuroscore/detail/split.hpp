// neuroscore/detail/split.hpp (private): the remainder rule, purge zone, grouping and raw-draw
// integers of split.hpp. Entry points: detail::block_bounds, purged_train, group_blocks, uniform_below.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "neuroscore/split_types.hpp"

namespace neuroscore {

namespace detail {

inline std::string str(std::size_t v) { return std::to_string(v); }

// Remainder rule shared by every k-fold here (as scikit-learn's KFold): m items cut into k
// consecutive blocks, the first m % k blocks get one extra item. Returns k + 1 boundaries.
inline std::vector<std::size_t> block_bounds(std::size_t m, std::size_t k) {
  std::vector<std::size_t> bounds(k + 1, 0);
  const std::size_t base = m / k;
  const std::size_t extra = m % k;
  for (std::size_t f = 0; f < k; ++f) bounds[f + 1] = bounds[f] + base + (f < extra ? 1 : 0);
  return bounds;
}

// The candidates (sorted sample indices) that are neither test samples nor within `gap`
// samples of one. `test` need not be contiguous.
inline std::vector<std::size_t> purged_train(const std::vector<std::size_t>& candidates,
                                             const std::vector<std::size_t>& test, Gap gap) {
  std::size_t n = 0;
  for (std::size_t i : candidates) n = std::max(n, i + 1);
  for (std::size_t i : test) n = std::max(n, i + 1);
  // Difference array of the purge zone [t - gap, t + gap] of every test sample.
  std::vector<long> delta(n + 1, 0);
  for (std::size_t t : test) {
    const std::size_t lo = t >= gap.samples ? t - gap.samples : 0;
    const std::size_t hi = std::min(n, t + gap.samples + 1);
    ++delta[lo];
    --delta[hi];
  }
  std::vector<bool> blocked(n, false);
  long running = 0;
  for (std::size_t i = 0; i < n; ++i) {
    running += delta[i];
    blocked[i] = running > 0;
  }
  std::vector<std::size_t> train;
  train.reserve(candidates.size());
  for (std::size_t i : candidates) {
    if (!blocked[i]) train.push_back(i);
  }
  return train;
}

// Samples of each group, groups in order of first appearance in `samples`.
struct GroupMembers {
  std::vector<int> labels;
  std::vector<std::vector<std::size_t>> members;
};

inline GroupMembers members_by_group(const std::vector<int>& groups,
                                     const std::vector<std::size_t>& samples) {
  GroupMembers out;
  std::unordered_map<int, std::size_t> slot;
  for (std::size_t i : samples) {
    const int g = groups[i];
    auto it = slot.find(g);
    if (it == slot.end()) {
      it = slot.emplace(g, out.labels.size()).first;
      out.labels.push_back(g);
      out.members.emplace_back();
    }
    out.members[it->second].push_back(i);
  }
  return out;
}

inline std::vector<std::size_t> iota(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

// Folds whose test sets are consecutive blocks of whole groups (groups in order of first
// appearance among `samples`); training is the other samples minus the purge zone.
inline std::vector<Fold> group_blocks(const char* who, const std::vector<int>& groups,
                                      const std::vector<std::size_t>& samples, std::size_t k,
                                      Gap gap, const char* where) {
  if (k < 2) throw std::invalid_argument(std::string(who) + ": k = " + str(k) + " < 2");
  const GroupMembers g = members_by_group(groups, samples);
  if (k > g.labels.size()) {
    throw std::invalid_argument(std::string(who) + ": k = " + str(k) + " folds > " +
                                str(g.labels.size()) + " groups" + where);
  }
  const std::vector<std::size_t> bounds = block_bounds(g.labels.size(), k);
  std::vector<Fold> folds(k);
  for (std::size_t f = 0; f < k; ++f) {
    Fold& fold = folds[f];
    for (std::size_t b = bounds[f]; b < bounds[f + 1]; ++b) {
      fold.test.insert(fold.test.end(), g.members[b].begin(), g.members[b].end());
    }
    std::sort(fold.test.begin(), fold.test.end());
    fold.train = purged_train(samples, fold.test, gap);
    if (fold.train.empty()) {
      throw std::invalid_argument(std::string(who) + ": gap of " + str(gap.samples) +
                                  " samples leaves fold " + str(f) + " with no training samples (" +
                                  str(samples.size()) + " samples, k = " + str(k) + ")");
    }
  }
  return folds;
}

inline void require_sorted_unique(const char* who, const std::vector<std::size_t>& v) {
  for (std::size_t i = 1; i < v.size(); ++i) {
    if (v[i] <= v[i - 1]) {
      throw std::invalid_argument(std::string(who) + ": outer training indices must be strictly "
                                  "increasing, but position " + str(i) + " holds " + str(v[i]) +
                                  " after " + str(v[i - 1]));
    }
  }
}

// Uniform integer in [0, bound) from raw 64-bit draws by rejection (the arc4random_uniform
// method): std::uniform_int_distribution and std::shuffle differ between standard
// libraries, the raw std::mt19937_64 stream does not, so the split is the same everywhere.
inline std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t bound) {
  const std::uint64_t threshold = (0 - bound) % bound;  // 2^64 mod bound
  for (;;) {
    const std::uint64_t r = rng();
    if (r >= threshold) return r % bound;
  }
}

}  // namespace detail

}  // namespace neuroscore
