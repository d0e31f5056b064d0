#include "neuroscore/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <random>
#include <set>
#include <string>

namespace ns = neuroscore;

TEST(ContiguousKFold, RemainderGoesToTheFirstFolds) {
  // 11 samples, 3 folds: 11 % 3 = 2 extra samples go to folds 0 and 1.
  const auto folds = ns::contiguous_kfold(11, 3);
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(folds[0].test, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(folds[1].test, (std::vector<std::size_t>{4, 5, 6, 7}));
  EXPECT_EQ(folds[2].test, (std::vector<std::size_t>{8, 9, 10}));
}

TEST(ContiguousKFold, TestBlocksPartitionTheSamplesAndTrainIsTheRest) {
  for (std::size_t n : {5u, 17u, 362u}) {
    for (std::size_t k : {2u, 3u, 5u}) {
      const auto folds = ns::contiguous_kfold(n, k);
      std::vector<int> seen(n, 0);
      for (const auto& fold : folds) {
        for (std::size_t i : fold.test) ++seen[i];
        EXPECT_EQ(fold.train.size() + fold.test.size(), n);
        EXPECT_TRUE(std::is_sorted(fold.test.begin(), fold.test.end()));
        EXPECT_EQ(fold.test.back() - fold.test.front() + 1, fold.test.size()) << "not contiguous";
      }
      EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
    }
  }
}

TEST(ContiguousKFold, NoTestSampleOrItsPurgeZoneIsEverInTraining) {
  const std::size_t n = 100, gap = 7;
  const auto folds = ns::contiguous_kfold(n, 4, ns::Gap{gap});
  for (const auto& fold : folds) {
    const std::set<std::size_t> train(fold.train.begin(), fold.train.end());
    for (std::size_t i : fold.test) {
      for (std::size_t d = 0; d <= gap; ++d) {
        if (i >= d) {
          EXPECT_EQ(train.count(i - d), 0u) << "sample " << i - d;
        }
        if (i + d < n) {
          EXPECT_EQ(train.count(i + d), 0u) << "sample " << i + d;
        }
      }
    }
    // And nothing else is dropped: training is exactly the samples outside the zone.
    const std::size_t lo = fold.test.front() >= gap ? fold.test.front() - gap : 0;
    const std::size_t hi = std::min(n, fold.test.back() + gap + 1);
    EXPECT_EQ(fold.train.size(), n - (hi - lo));
  }
}

TEST(ContiguousKFold, RejectsImpossibleSplits) {
  EXPECT_THROW(ns::contiguous_kfold(10, 1), std::invalid_argument);
  EXPECT_THROW(ns::contiguous_kfold(3, 5), std::invalid_argument);
  EXPECT_THROW(ns::contiguous_kfold(10, 2, ns::Gap{10}), std::invalid_argument);
  try {
    ns::contiguous_kfold(3, 5);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("5 folds > 3 samples"), std::string::npos) << e.what();
  }
}

// ---------------------------------------------------------------------------------------
// Shared checks for every splitter.

namespace {

// No test sample, nor any sample within `gap` of one, is in training; train and test are
// sorted and disjoint.
void ExpectNoLeak(const ns::Fold& fold, std::size_t gap) {
  ASSERT_FALSE(fold.test.empty());
  ASSERT_FALSE(fold.train.empty());
  EXPECT_TRUE(std::is_sorted(fold.train.begin(), fold.train.end()));
  EXPECT_TRUE(std::is_sorted(fold.test.begin(), fold.test.end()));
  for (std::size_t i : fold.train) {
    for (std::size_t t : fold.test) {
      const std::size_t distance = i > t ? i - t : t - i;
      EXPECT_GT(distance, gap) << "training sample " << i << " is within " << gap << " of test " << t;
    }
  }
}

// Within one fold, every group is wholly in test or has no sample in test.
void ExpectGroupsWhole(const ns::Fold& fold, const std::vector<int>& groups) {
  std::set<int> test_groups;
  for (std::size_t t : fold.test) test_groups.insert(groups[t]);
  for (std::size_t i : fold.train) {
    EXPECT_EQ(test_groups.count(groups[i]), 0u) << "group " << groups[i] << " is split";
  }
  std::size_t in_test_groups = 0;
  for (int g : groups) in_test_groups += test_groups.count(g);
  EXPECT_EQ(in_test_groups, fold.test.size()) << "a test group lost samples";
}

// Each sample is tested exactly once across the folds.
void ExpectTestPartition(const std::vector<ns::Fold>& folds, std::size_t n) {
  std::vector<int> seen(n, 0);
  for (const auto& fold : folds) {
    for (std::size_t i : fold.test) ++seen[i];
  }
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](int c) { return c == 1; }));
}

std::string ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

// Stories of unequal length, in order: 0 0 0 | 1 1 | 2 2 2 2 | 3 | 4 4 4 | 5 5.
const std::vector<int> kStories = {0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 4, 4, 5, 5};

}  // namespace

// ---------------------------------------------------------------------------------------
// group_kfold

TEST(GroupKFold, GroupsInOrderOfFirstAppearanceCutContiguouslyRemainderFirst) {
  // 6 groups, 4 folds: 6 % 4 = 2, so folds 0 and 1 get 2 groups, folds 2 and 3 get one.
  const auto folds = ns::group_kfold(kStories, 4);
  ASSERT_EQ(folds.size(), 4u);
  EXPECT_EQ(folds[0].test, (std::vector<std::size_t>{0, 1, 2, 3, 4}));      // groups 0, 1
  EXPECT_EQ(folds[1].test, (std::vector<std::size_t>{5, 6, 7, 8, 9}));      // groups 2, 3
  EXPECT_EQ(folds[2].test, (std::vector<std::size_t>{10, 11, 12}));         // group 4
  EXPECT_EQ(folds[3].test, (std::vector<std::size_t>{13, 14}));             // group 5
  ExpectTestPartition(folds, kStories.size());
  for (const auto& fold : folds) {
    ExpectNoLeak(fold, 0);
    ExpectGroupsWhole(fold, kStories);
    EXPECT_EQ(fold.train.size() + fold.test.size(), kStories.size());
  }
}

TEST(GroupKFold, OrderIsFirstAppearanceNotLabelValue) {
  // Labels 7, 3, 9 appear in that order, interleaved: group 7 = {0, 4}, 3 = {1, 2}, 9 = {3}.
  const std::vector<int> groups = {7, 3, 3, 9, 7};
  const auto folds = ns::group_kfold(groups, 3);
  EXPECT_EQ(folds[0].test, (std::vector<std::size_t>{0, 4}));
  EXPECT_EQ(folds[1].test, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(folds[2].test, (std::vector<std::size_t>{3}));
  for (const auto& fold : folds) ExpectGroupsWhole(fold, groups);
}

TEST(GroupKFold, PurgeGapDropsNeighboursOfEveryTestSample) {
  const std::size_t gap = 2;
  const auto folds = ns::group_kfold(kStories, 3, ns::Gap{gap});
  ExpectTestPartition(folds, kStories.size());
  for (const auto& fold : folds) {
    ExpectNoLeak(fold, gap);
    ExpectGroupsWhole(fold, kStories);
  }
  // Fold 1 tests groups 2, 3 (samples 5..9): training loses 3, 4 and 10, 11, nothing else.
  EXPECT_EQ(folds[1].train, (std::vector<std::size_t>{0, 1, 2, 12, 13, 14}));
}

TEST(GroupKFold, RejectsEmptyGroupsTooManyFoldsAndGreedyGaps) {
  EXPECT_EQ(ErrorOf([] { ns::group_kfold({}, 2); }), "group_kfold: no samples (groups is empty)");
  EXPECT_EQ(ErrorOf([] { ns::group_kfold({1, 1, 2, 2, 3}, 4); }),
            "group_kfold: k = 4 folds > 3 groups");
  EXPECT_EQ(ErrorOf([] { ns::group_kfold({1, 2, 3}, 1); }), "group_kfold: k = 1 < 2");
  EXPECT_THROW(ns::group_kfold({1, 1, 2, 2}, 2, ns::Gap{2}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// leave_one_group_out

TEST(LeaveOneGroupOut, OneFoldPerGroupInOrderOfFirstAppearance) {
  const std::vector<int> groups = {5, 5, 2, 2, 2, 8};
  const auto folds = ns::leave_one_group_out(groups);
  ASSERT_EQ(folds.size(), 3u);
  EXPECT_EQ(folds[0].test, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(folds[1].test, (std::vector<std::size_t>{2, 3, 4}));
  EXPECT_EQ(folds[2].test, (std::vector<std::size_t>{5}));
  EXPECT_EQ(folds[1].train, (std::vector<std::size_t>{0, 1, 5}));
  for (const auto& fold : folds) ExpectGroupsWhole(fold, groups);
  const auto purged = ns::leave_one_group_out(kStories, ns::Gap{1});
  ASSERT_EQ(purged.size(), 6u);
  for (const auto& fold : purged) {
    ExpectNoLeak(fold, 1);
    ExpectGroupsWhole(fold, kStories);
  }
}

TEST(LeaveOneGroupOut, RejectsEmptyAndSingleGroup) {
  EXPECT_EQ(ErrorOf([] { ns::leave_one_group_out({}); }),
            "leave_one_group_out: no samples (groups is empty)");
  EXPECT_EQ(ErrorOf([] { ns::leave_one_group_out({4, 4, 4}); }),
            "leave_one_group_out: needs at least 2 groups, got 1");
}

// ---------------------------------------------------------------------------------------
// shuffled_kfold (the control)

TEST(ShuffledKFold, ReproducibleForASeedAndRecordsIt) {
  const auto a = ns::shuffled_kfold(50, 5, ns::Seed{12345});
  const auto b = ns::shuffled_kfold(50, 5, ns::Seed{12345});
  EXPECT_EQ(a.seed.value, 12345u);
  ASSERT_EQ(a.folds.size(), 5u);
  for (std::size_t f = 0; f < 5; ++f) {
    EXPECT_EQ(a.folds[f].test, b.folds[f].test);
    EXPECT_EQ(a.folds[f].train, b.folds[f].train);
  }
}

TEST(ShuffledKFold, DifferentSeedsGiveDifferentSplits) {
  const auto a = ns::shuffled_kfold(50, 5, ns::Seed{1});
  const auto b = ns::shuffled_kfold(50, 5, ns::Seed{2});
  // Two seeds giving the same 10-sample first test set has probability 1 / C(50, 10) ~ 1e-10.
  EXPECT_NE(a.folds[0].test, b.folds[0].test);
}

TEST(ShuffledKFold, PartitionsWithTheRemainderRuleAndIsNotContiguous) {
  // 23 samples, 5 folds: 23 % 5 = 3, so folds 0..2 test 5 samples and folds 3, 4 test 4.
  const auto s = ns::shuffled_kfold(23, 5, ns::Seed{7});
  const std::vector<std::size_t> sizes = {5, 5, 5, 4, 4};
  for (std::size_t f = 0; f < 5; ++f) {
    EXPECT_EQ(s.folds[f].test.size(), sizes[f]);
    EXPECT_EQ(s.folds[f].train.size() + s.folds[f].test.size(), 23u);
    ExpectNoLeak(s.folds[f], 0);
  }
  ExpectTestPartition(s.folds, 23);
  // A shuffled split is scattered: at least one test set is not a contiguous block (a
  // permutation of 23 samples leaving all 5 blocks contiguous has probability ~ 1e-19).
  bool scattered = false;
  for (const auto& fold : s.folds) {
    scattered = scattered || fold.test.back() - fold.test.front() + 1 != fold.test.size();
  }
  EXPECT_TRUE(scattered);
}

TEST(ShuffledKFold, PinnedPermutationIsTheSameOnEveryStandardLibrary) {
  // The permutation uses only raw std::mt19937_64 draws, whose sequence the C++ standard
  // fixes (the 10000th draw of the default seed is 9981545732273789042), so this split is
  // a constant.
  std::mt19937_64 reference;
  reference.discard(9999);
  EXPECT_EQ(reference(), 9981545732273789042ull);
  // Pinned from this implementation (Fisher-Yates from the last position, rejection draws).
  const auto s = ns::shuffled_kfold(10, 2, ns::Seed{2024});
  EXPECT_EQ(s.folds[0].test, (std::vector<std::size_t>{0, 1, 2, 3, 6}));
  EXPECT_EQ(s.folds[1].test, (std::vector<std::size_t>{4, 5, 7, 8, 9}));
}

TEST(ShuffledKFold, RejectsFewerSamplesThanFolds) {
  EXPECT_EQ(ErrorOf([] { ns::shuffled_kfold(3, 5, ns::Seed{1}); }),
            "shuffled_kfold: k = 5 folds > 3 samples");
  EXPECT_THROW(ns::shuffled_kfold(10, 1, ns::Seed{1}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// nested splits

TEST(NestedContiguousKFold, InnerFoldsStayInOuterTrainingAndRespectTheGap) {
  const std::size_t n = 97, gap = 3;
  const auto nested = ns::nested_contiguous_kfold(n, ns::OuterFolds{5}, ns::InnerFolds{4}, ns::Gap{gap});
  ASSERT_EQ(nested.size(), 5u);
  for (const auto& nf : nested) {
    ExpectNoLeak(nf.outer, gap);
    const std::set<std::size_t> outer_train(nf.outer.train.begin(), nf.outer.train.end());
    ASSERT_EQ(nf.inner.size(), 4u);
    std::vector<int> tested(n, 0);
    for (const auto& in : nf.inner) {
      ExpectNoLeak(in, gap);
      for (std::size_t i : in.train) EXPECT_EQ(outer_train.count(i), 1u) << i;
      for (std::size_t i : in.test) {
        EXPECT_EQ(outer_train.count(i), 1u) << i;
        ++tested[i];
      }
      // Contiguous in time order of the outer training set: consecutive positions.
      const ns::Fold pos = ns::positions_in(nf.outer.train, in);
      EXPECT_EQ(pos.test.back() - pos.test.front() + 1, pos.test.size());
    }
    // Inner test blocks partition the outer training set.
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(tested[i], static_cast<int>(outer_train.count(i)));
  }
}

TEST(InnerContiguousKFold, RemainderRuleOverTheOuterTrainingSamples) {
  // Outer training = samples 0..3 and 8..10 (7 samples): 7 % 3 = 1, blocks of 3, 2, 2;
  // the second block spans the hole.
  const std::vector<std::size_t> outer_train = {0, 1, 2, 3, 8, 9, 10};
  const auto folds = ns::inner_contiguous_kfold(outer_train, 3);
  EXPECT_EQ(folds[0].test, (std::vector<std::size_t>{0, 1, 2}));
  EXPECT_EQ(folds[1].test, (std::vector<std::size_t>{3, 8}));
  EXPECT_EQ(folds[2].test, (std::vector<std::size_t>{9, 10}));
  EXPECT_EQ(folds[1].train, (std::vector<std::size_t>{0, 1, 2, 9, 10}));
  // With a gap of 1 (in time), sample 2 (next to 3) and 9 (next to 8) leave training.
  const auto purged = ns::inner_contiguous_kfold(outer_train, 3, ns::Gap{1});
  EXPECT_EQ(purged[1].train, (std::vector<std::size_t>{0, 1, 10}));
  const ns::Fold pos = ns::positions_in(outer_train, purged[1]);
  EXPECT_EQ(pos.train, (std::vector<std::size_t>{0, 1, 6}));
  EXPECT_EQ(pos.test, (std::vector<std::size_t>{3, 4}));
}

TEST(InnerContiguousKFold, RejectsBadOuterTrainingSets) {
  EXPECT_EQ(ErrorOf([] { ns::inner_contiguous_kfold({0, 1, 2}, 4); }),
            "inner_contiguous_kfold: k = 4 folds > 3 outer training samples");
  EXPECT_EQ(ErrorOf([] { ns::inner_contiguous_kfold({0, 2, 1, 3}, 2); }),
            "inner_contiguous_kfold: outer training indices must be strictly increasing, but "
            "position 2 holds 1 after 2");
  EXPECT_THROW(ns::positions_in({0, 1, 2}, ns::Fold{{0}, {5}}), std::invalid_argument);
  EXPECT_THROW(ns::nested_contiguous_kfold(4, ns::OuterFolds{5}, ns::InnerFolds{2}), std::invalid_argument);
}

TEST(NestedGroupKFold, NoLevelSplitsAGroupAndTheGapHolds) {
  // 12 runs of unequal length (3 + r % 4 samples).
  std::vector<int> groups;
  for (int r = 0; r < 12; ++r) {
    for (int i = 0; i < 3 + r % 4; ++i) groups.push_back(100 - r);
  }
  const std::size_t gap = 2;
  const auto nested = ns::nested_group_kfold(groups, ns::OuterFolds{4}, ns::InnerFolds{3}, ns::Gap{gap});
  ASSERT_EQ(nested.size(), 4u);
  std::vector<ns::Fold> outer;
  for (const auto& nf : nested) {
    outer.push_back(nf.outer);
    ExpectNoLeak(nf.outer, gap);
    ExpectGroupsWhole(nf.outer, groups);
    const std::set<std::size_t> outer_train(nf.outer.train.begin(), nf.outer.train.end());
    ASSERT_EQ(nf.inner.size(), 3u);
    for (const auto& in : nf.inner) {
      ExpectNoLeak(in, gap);
      for (std::size_t i : in.train) EXPECT_EQ(outer_train.count(i), 1u);
      // Never split: an inner test group has no sample in inner training.
      std::set<int> test_groups;
      for (std::size_t t : in.test) {
        EXPECT_EQ(outer_train.count(t), 1u);
        test_groups.insert(groups[t]);
      }
      for (std::size_t i : in.train) EXPECT_EQ(test_groups.count(groups[i]), 0u);
      // ...and every outer-training sample of an inner test group is in the inner test set.
      std::size_t members = 0;
      for (std::size_t i : nf.outer.train) members += test_groups.count(groups[i]);
      EXPECT_EQ(members, in.test.size());
    }
  }
  ExpectTestPartition(outer, groups.size());
}

TEST(InnerGroupKFold, RejectsMoreFoldsThanGroupsInTheOuterTrainingSet) {
  const std::vector<int> groups = {0, 0, 1, 1, 2, 2};
  EXPECT_EQ(ErrorOf([&] { ns::inner_group_kfold({0, 1, 2, 3}, groups, 3); }),
            "inner_group_kfold: k = 3 folds > 2 groups in the outer training set");
  EXPECT_EQ(ErrorOf([&] { ns::inner_group_kfold({0, 9}, groups, 2); }),
            "inner_group_kfold: outer training names sample 9 but groups has 6 labels");
  EXPECT_EQ(ErrorOf([&] { ns::inner_group_kfold({}, groups, 2); }),
            "inner_group_kfold: k = 2 folds > 0 groups in the outer training set");
}
