// neuroscore/split.hpp: cross-validation splits that respect time and groups.
// Entry points: contiguous_kfold(n, k, Gap{g}), group_kfold(groups, k), leave_one_group_out(groups),
// shuffled_kfold(n, k, Seed{s}) (a control only), nested_contiguous_kfold / nested_group_kfold.
#pragma once

#include <algorithm>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/detail/split.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

// Shuffles v in place by Fisher-Yates with raw draws of rng: position i (from the back) swaps
// with a uniform j <= i (rejection sampling, no modulo bias), so a seed gives the same order with
// every standard library, unlike std::shuffle. The shuffle of every split and null here.
inline void shuffle_indices(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(detail::uniform_below(rng, i));
    std::swap(v[i - 1], v[j]);
  }
}

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

// Group k-fold: whole groups (passages, stories, runs) go to test together; a group is never
// split between train and test. `groups[i]` is the label of sample i.
// Assignment rule: the G distinct labels, taken in order of first appearance, are cut into
// k consecutive blocks of groups with the remainder rule above (the first G % k folds get one
// extra group), so fold f tests "the f-th contiguous stretch of groups". Fold sizes balance in
// groups, and in samples when groups are of equal size. (scikit-learn's GroupKFold instead
// balances sample counts greedily and scatters groups; we keep stories in order.)
// Training is every other sample not within `gap` samples of a test sample.
// Errors: empty `groups`, k < 2, k > G, or a gap leaving a fold without training samples.
inline std::vector<Fold> group_kfold(const std::vector<int>& groups, std::size_t k, Gap gap = {}) {
  if (groups.empty()) throw std::invalid_argument("group_kfold: no samples (groups is empty)");
  return detail::group_blocks("group_kfold", groups, detail::iota(groups.size()), k, gap, "");
}

// Leave-one-group-out: one fold per distinct label, folds in order of first appearance;
// training is every other sample not within `gap` samples of a test sample.
// Errors: empty `groups`, fewer than 2 groups, or a gap leaving a fold without training.
inline std::vector<Fold> leave_one_group_out(const std::vector<int>& groups, Gap gap = {}) {
  if (groups.empty()) {
    throw std::invalid_argument("leave_one_group_out: no samples (groups is empty)");
  }
  const std::vector<std::size_t> all = detail::iota(groups.size());
  const std::size_t n_groups = detail::members_by_group(groups, all).labels.size();
  if (n_groups < 2) {
    throw std::invalid_argument("leave_one_group_out: needs at least 2 groups, got " +
                                std::to_string(n_groups));
  }
  return detail::group_blocks("leave_one_group_out", groups, all, n_groups, gap, "");
}

// Shuffled k-fold with its seed.
struct ShuffledKFold {
  std::vector<Fold> folds;
  Seed seed;
};

// Shuffled k-fold: THE CONTROL, not a way to score brains. Random test sets sit next to
// their autocorrelated neighbours in training, which inflates scores (Feghhi et al. 2024);
// use it only to show that inflation next to a contiguous split.
// The samples are permuted by Fisher-Yates with std::mt19937_64(seed) (raw draws, rejection
// sampling: the same permutation with every standard library), then cut into k consecutive
// blocks of the permutation with the remainder rule above (the first n % k folds get one
// extra sample). Test and train are sorted; there is no purge gap (a control of leakage).
// Errors: k < 2, k > n.
inline ShuffledKFold shuffled_kfold(std::size_t n_samples, std::size_t k, Seed seed) {
  if (k < 2) throw std::invalid_argument("shuffled_kfold: k = " + std::to_string(k) + " < 2");
  if (k > n_samples) {
    throw std::invalid_argument("shuffled_kfold: k = " + std::to_string(k) + " folds > " +
                                std::to_string(n_samples) + " samples");
  }
  std::vector<std::size_t> order = detail::iota(n_samples);
  std::mt19937_64 rng(seed.value);
  shuffle_indices(order, rng);
  const std::vector<std::size_t> bounds = detail::block_bounds(n_samples, k);
  ShuffledKFold out{std::vector<Fold>(k), seed};
  std::vector<std::size_t> fold_of(n_samples);
  for (std::size_t f = 0; f < k; ++f) {
    for (std::size_t p = bounds[f]; p < bounds[f + 1]; ++p) fold_of[order[p]] = f;
  }
  for (std::size_t i = 0; i < n_samples; ++i) {
    for (std::size_t f = 0; f < k; ++f) {
      (fold_of[i] == f ? out.folds[f].test : out.folds[f].train).push_back(i);
    }
  }
  return out;
}

// Inner contiguous k-fold over the training samples of one outer fold (sorted sample
// indices of the full series). The outer training samples, in time order, are cut into k
// consecutive blocks with the remainder rule above (the first m % k blocks get one extra
// sample); a block may span the hole left by the outer test block. Inner training is the
// other outer-training samples not within `gap` samples (in time) of an inner test sample.
// Indices stay sample indices of the full series; positions_in() maps them to rows of the
// outer training matrix.
// Errors: unsorted or repeated indices, k < 2, k > outer training size, a fold without training.
inline std::vector<Fold> inner_contiguous_kfold(const std::vector<std::size_t>& outer_train,
                                                std::size_t k, Gap gap = {}) {
  detail::require_sorted_unique("inner_contiguous_kfold", outer_train);
  if (k < 2) throw std::invalid_argument("inner_contiguous_kfold: k = " + std::to_string(k) + " < 2");
  if (k > outer_train.size()) {
    throw std::invalid_argument("inner_contiguous_kfold: k = " + std::to_string(k) + " folds > " +
                                std::to_string(outer_train.size()) + " outer training samples");
  }
  const std::vector<std::size_t> bounds = detail::block_bounds(outer_train.size(), k);
  std::vector<Fold> folds(k);
  for (std::size_t f = 0; f < k; ++f) {
    folds[f].test.assign(outer_train.begin() + static_cast<std::ptrdiff_t>(bounds[f]),
                         outer_train.begin() + static_cast<std::ptrdiff_t>(bounds[f + 1]));
    folds[f].train = detail::purged_train(outer_train, folds[f].test, gap);
    if (folds[f].train.empty()) {
      throw std::invalid_argument("inner_contiguous_kfold: gap of " + std::to_string(gap.samples) +
                                  " samples leaves inner fold " + std::to_string(f) +
                                  " with no training samples (" + std::to_string(outer_train.size()) +
                                  " outer training samples, k = " + std::to_string(k) + ")");
    }
  }
  return folds;
}

// Inner group k-fold over the training samples of one outer fold: the groups present in
// `outer_train` (in order of first appearance there) are cut into k consecutive blocks of
// groups as group_kfold does; an inner fold never splits a group. Purge as above.
// Errors: unsorted indices, an index beyond `groups`, k < 2, k > groups in outer training.
inline std::vector<Fold> inner_group_kfold(const std::vector<std::size_t>& outer_train,
                                           const std::vector<int>& groups, std::size_t k,
                                           Gap gap = {}) {
  detail::require_sorted_unique("inner_group_kfold", outer_train);
  if (!outer_train.empty() && outer_train.back() >= groups.size()) {
    throw std::invalid_argument("inner_group_kfold: outer training names sample " +
                                std::to_string(outer_train.back()) + " but groups has " +
                                std::to_string(groups.size()) + " labels");
  }
  return detail::group_blocks("inner_group_kfold", groups, outer_train, k, gap,
                              " in the outer training set");
}

// inner_group_kfold with k = min(max_k, the number of groups in outer_train): an outer
// training set of few groups still gets grouped inner folds (as many as it has groups).
// Errors: an outer training set of fewer than 2 groups, plus inner_group_kfold's.
inline std::vector<Fold> inner_group_kfold_up_to(const std::vector<std::size_t>& outer_train,
                                                 const std::vector<int>& groups, std::size_t max_k,
                                                 Gap gap = {}) {
  std::vector<int> seen;
  for (std::size_t i : outer_train) {
    if (i >= groups.size()) {
      throw std::invalid_argument("inner_group_kfold_up_to: outer training names sample " + std::to_string(i) +
                                  " but groups has " + std::to_string(groups.size()) + " labels");
    }
    seen.push_back(groups[i]);
  }
  std::sort(seen.begin(), seen.end());
  const auto present = static_cast<std::size_t>(std::unique(seen.begin(), seen.end()) - seen.begin());
  if (present < 2) {
    throw std::invalid_argument("inner_group_kfold_up_to: an outer fold that trains on " + std::to_string(present) +
                                " group(s) cannot have grouped inner folds (needs at least 2)");
  }
  return inner_group_kfold(outer_train, groups, std::min(max_k, present), gap);
}

// An outer fold and the inner folds over its training samples (inner indices are sample
// indices of the full series, subsets of outer.train).
struct NestedFold {
  Fold outer;
  std::vector<Fold> inner;
};

// Nested contiguous k-fold: contiguous_kfold(n, outer.k, gap) and, inside each outer
// training set, inner_contiguous_kfold(outer.train, inner.k, gap). The same gap purges
// both levels.
inline std::vector<NestedFold> nested_contiguous_kfold(std::size_t n_samples, OuterFolds outer,
                                                       InnerFolds inner, Gap gap = {}) {
  std::vector<NestedFold> out;
  for (Fold& fold : contiguous_kfold(n_samples, outer.k, gap)) {
    std::vector<Fold> in = inner_contiguous_kfold(fold.train, inner.k, gap);
    out.push_back(NestedFold{std::move(fold), std::move(in)});
  }
  return out;
}

// Nested group k-fold: group_kfold(groups, outer.k, gap) and, inside each outer training
// set, inner_group_kfold(outer.train, groups, inner.k, gap): no level splits a group.
inline std::vector<NestedFold> nested_group_kfold(const std::vector<int>& groups, OuterFolds outer,
                                                  InnerFolds inner, Gap gap = {}) {
  std::vector<NestedFold> out;
  for (Fold& fold : group_kfold(groups, outer.k, gap)) {
    std::vector<Fold> in = inner_group_kfold(fold.train, groups, inner.k, gap);
    out.push_back(NestedFold{std::move(fold), std::move(in)});
  }
  return out;
}

// The positions in `outer_train` of an inner fold's samples, i.e. row indices into the
// matrix of outer training rows. Error: a sample that is not in `outer_train`.
inline Fold positions_in(const std::vector<std::size_t>& outer_train, const Fold& inner) {
  const auto map = [&](const std::vector<std::size_t>& samples) {
    std::vector<std::size_t> pos;
    pos.reserve(samples.size());
    for (std::size_t s : samples) {
      const auto it = std::lower_bound(outer_train.begin(), outer_train.end(), s);
      if (it == outer_train.end() || *it != s) {
        throw std::invalid_argument("positions_in: sample " + std::to_string(s) +
                                    " is not in the outer training set");
      }
      pos.push_back(static_cast<std::size_t>(it - outer_train.begin()));
    }
    return pos;
  };
  return Fold{map(inner.train), map(inner.test)};
}

}  // namespace neuroscore
