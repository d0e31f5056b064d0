#include "neuroscore/align.hpp"

#include <gtest/gtest.h>

namespace ns = neuroscore;

TEST(CountEventsPerVolume, HalfOpenWindowsFromTheFirstVolume) {
  // Volumes at [20,22), [22,24), [24,26): onsets on an edge count in the later volume.
  const ns::VolumeGrid grid{3, 2.0, 20.0};
  const Eigen::VectorXd c = ns::count_events_per_volume({19.9, 20.0, 21.99, 22.0, 25.5, 26.0}, grid);
  EXPECT_EQ(c, Eigen::Vector3d(2, 1, 1));
}

TEST(CountEventsPerVolume, RejectsBadGrid) {
  EXPECT_THROW(ns::count_events_per_volume({1.0}, ns::VolumeGrid{3, 0.0, 0.0}), std::invalid_argument);
  EXPECT_THROW(ns::count_events_per_volume({1.0}, ns::VolumeGrid{0, 2.0, 0.0}), std::invalid_argument);
}

TEST(FirDelays, ShiftsDownWithZerosDelayMajor) {
  Eigen::MatrixXd x(4, 2);
  x << 1, 10, 2, 20, 3, 30, 4, 40;
  const Eigen::MatrixXd d = ns::fir_delays(x, {0, 2});
  Eigen::MatrixXd expected(4, 4);
  expected << 1, 10, 0, 0,
              2, 20, 0, 0,
              3, 30, 1, 10,
              4, 40, 2, 20;
  EXPECT_EQ(d, expected);
  EXPECT_THROW(ns::fir_delays(x, {-1}), std::invalid_argument);
  EXPECT_EQ(ns::fir_delays(x, {5}), Eigen::MatrixXd::Zero(4, 2));
}

TEST(ZscoreColumns, MeanZeroUnitPopulationVariance) {
  Eigen::MatrixXd y(4, 1);
  y << 1, 2, 3, 4;  // mean 2.5, population sd sqrt(1.25)
  const Eigen::MatrixXd z = ns::zscore_columns(y);
  EXPECT_NEAR(z(0, 0), -1.5 / std::sqrt(1.25), 1e-15);
  EXPECT_NEAR(z.col(0).mean(), 0.0, 1e-15);
  EXPECT_NEAR(z.col(0).squaredNorm() / 4.0, 1.0, 1e-15);
}

TEST(ZscoreColumns, ConstantColumnIsAnErrorNamingIt) {
  Eigen::MatrixXd y(3, 2);
  y << 1, 4, 2, 4, 3, 4;
  try {
    ns::zscore_columns(y, "listener s33");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "zscore_columns: column 1 of listener s33 is constant");
  }
}
