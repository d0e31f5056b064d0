#include "neuroscore/score.hpp"

#include <gtest/gtest.h>

namespace ns = neuroscore;

TEST(PearsonR, MatchesHandComputedValues) {
  Eigen::MatrixXd y(4, 2), p(4, 2);
  y << 1, 1, 2, 2, 3, 3, 4, 4;
  p << 2, 4, 4, 3, 6, 2, 8, 1;  // column 0: exact linear; column 1: exact reversal
  const auto r = ns::pearson_r(y, p);
  EXPECT_NEAR(r.value(0), 1.0, 1e-15);
  EXPECT_NEAR(r.value(1), -1.0, 1e-15);
  // x = (1,2,3,4), y = (1,3,2,4): r = 0.8 (sum xy deviations 4, sums of squares 5 and 5).
  Eigen::MatrixXd a(4, 1), b(4, 1);
  a << 1, 2, 3, 4;
  b << 1, 3, 2, 4;
  EXPECT_NEAR(ns::pearson_r(a, b).value(0), 0.8, 1e-15);
  EXPECT_EQ(ns::pearson_r(a, b).degenerate_count(), 0);
}

TEST(PearsonR, ConstantColumnGivesZeroAndAFlagNotNaN) {
  Eigen::MatrixXd y(3, 2), p(3, 2);
  y << 5, 1, 5, 2, 5, 3;
  p << 1, 7, 2, 7, 3, 7;
  const auto r = ns::pearson_r(y, p);
  EXPECT_EQ(r.value(0), 0.0);
  EXPECT_EQ(r.value(1), 0.0);
  EXPECT_TRUE(r.degenerate[0]);
  EXPECT_TRUE(r.degenerate[1]);
  EXPECT_EQ(r.degenerate_count(), 2);
}

TEST(PearsonR, RejectsShapeMismatchNamingShapes) {
  try {
    ns::pearson_r(Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(3, 1));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "observed is 3 x 2 but predicted is 3 x 1");
  }
}

TEST(R2Score, ClosedForm) {
  Eigen::MatrixXd y(4, 1), p(4, 1);
  y << 1, 2, 3, 4;   // SST = 5
  p << 1, 2, 3, 5;   // SSE = 1
  EXPECT_NEAR(ns::r2_score(y, p).value(0), 0.8, 1e-15);
  p << 2.5, 2.5, 2.5, 2.5;  // the mean: R^2 = 0
  EXPECT_NEAR(ns::r2_score(y, p).value(0), 0.0, 1e-15);
}
