#include "neuroscore/controls.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace ns = neuroscore;

TEST(OasmFeatures, ZeroWidthIsTheIdentity) {
  const Eigen::MatrixXd x = ns::oasm_features({0, 0, 1, 1, 1, 2}, 0.0);
  EXPECT_TRUE(x.isApprox(Eigen::MatrixXd::Identity(6, 6), 0.0)) << x;
  // A tiny width is the identity up to exp(-1 / (2 * 0.01^2)) = 0.
  EXPECT_EQ(ns::oasm_features({0, 0, 0}, 0.01), Eigen::MatrixXd::Identity(3, 3));
}

TEST(OasmFeatures, ClosedFormValuesWithinAGroupAndZerosAcross) {
  const double w = 1.5;
  const std::vector<int> groups = {4, 4, 4, 9, 9};
  const Eigen::MatrixXd x = ns::oasm_features(groups, w);
  ASSERT_EQ(x.rows(), 5);
  ASSERT_EQ(x.cols(), 5);
  auto k = [&](double d) { return std::exp(-d * d / (2 * w * w)); };
  EXPECT_DOUBLE_EQ(x(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(x(1, 0), k(1));
  EXPECT_DOUBLE_EQ(x(2, 0), k(2));
  EXPECT_DOUBLE_EQ(x(0, 2), k(2));
  EXPECT_DOUBLE_EQ(x(4, 3), k(1));
  // No leakage: rows 0-2 x columns 3-4 and rows 3-4 x columns 0-2 are exactly zero.
  EXPECT_EQ(x.block(0, 3, 3, 2).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_EQ(x.block(3, 0, 2, 3).cwiseAbs().maxCoeff(), 0.0);
  EXPECT_TRUE(x.isApprox(x.transpose(), 0.0));
  // Column sums: column 1 (middle of a group of 3) = 1 + 2 k(1); column 0 = 1 + k(1) + k(2);
  // column 3 (group of 2) = 1 + k(1).
  const Eigen::VectorXd sums = x.colwise().sum();
  EXPECT_DOUBLE_EQ(sums(1), 1 + 2 * k(1));
  EXPECT_DOUBLE_EQ(sums(0), 1 + k(1) + k(2));
  EXPECT_DOUBLE_EQ(sums(3), 1 + k(1));
}

TEST(OasmFeatures, GroupsOfOneStayIdentityAtAnyWidth) {
  const Eigen::MatrixXd x = ns::oasm_features({1, 2, 3, 4}, 100.0);
  EXPECT_EQ(x, Eigen::MatrixXd::Identity(4, 4));
}

TEST(OasmFeatures, HugeWidthMakesEachGroupABlockOfOnes) {
  const Eigen::MatrixXd x = ns::oasm_features({0, 0, 0, 1, 1}, 1e9);
  EXPECT_NEAR(x.block(0, 0, 3, 3).minCoeff(), 1.0, 1e-15);
  EXPECT_NEAR(x.block(3, 3, 2, 2).minCoeff(), 1.0, 1e-15);
  EXPECT_EQ(x(0, 4), 0.0);
}

TEST(OasmFeatures, RejectsBadArguments) {
  EXPECT_THROW(ns::oasm_features({}, 1.0), std::invalid_argument);
  EXPECT_THROW(ns::oasm_features({0}, -1.0), std::invalid_argument);
  EXPECT_THROW(ns::oasm_features({0}, std::nan("")), std::invalid_argument);
  EXPECT_THROW(ns::oasm_features({0}, INFINITY), std::invalid_argument);
}

TEST(OneHot, SortedLabelOrderOneOnePerRow) {
  const Eigen::MatrixXd x = ns::one_hot({7, -1, 7, 3});
  Eigen::MatrixXd expected(4, 3);
  expected << 0, 0, 1,
              1, 0, 0,
              0, 0, 1,
              0, 1, 0;
  EXPECT_EQ(x, expected);
  EXPECT_EQ(ns::sorted_distinct({7, -1, 7, 3}), (std::vector<int>{-1, 3, 7}));
  EXPECT_THROW(ns::one_hot({}), std::invalid_argument);
}

TEST(PositionInGroup, CountsWithinContiguousRuns) {
  EXPECT_EQ(ns::position_in_group({7, 7, 7, 2, 2, 7}), (std::vector<int>{0, 1, 2, 0, 1, 0}));
  EXPECT_TRUE(ns::position_in_group({}).empty());
  const Eigen::MatrixXd p = ns::position_one_hot({5, 5, 6, 6, 6});  // positions 0 1 0 1 2
  Eigen::MatrixXd expected(5, 3);
  expected << 1, 0, 0,
              0, 1, 0,
              1, 0, 0,
              0, 1, 0,
              0, 0, 1;
  EXPECT_EQ(p, expected);
}
