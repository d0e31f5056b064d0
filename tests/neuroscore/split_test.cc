#include "neuroscore/split.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

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
