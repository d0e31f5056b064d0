#include "neuroscore/align.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

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

// Two stories of 3 and 2 rows: the second story's first rows must not see the first story.
TEST(FirDelays, PerRunNeverReachesIntoThePreviousRun) {
  Eigen::MatrixXd x(5, 1);
  x << 1, 2, 3, 4, 5;
  const Eigen::MatrixXd d = ns::fir_delays(x, {0, 1, 2}, ns::RunLengths{{3, 2}});
  Eigen::MatrixXd expected(5, 3);
  expected << 1, 0, 0,
              2, 1, 0,
              3, 2, 1,
              4, 0, 0,   // run 2 starts: delays 1 and 2 would reach rows 2 and 1 of run 1
              5, 4, 0;
  EXPECT_EQ(d, expected);
  // The run-blind expansion leaks exactly there.
  const Eigen::MatrixXd blind = ns::fir_delays(x, {0, 1, 2});
  EXPECT_EQ(blind(3, 1), 3.0);
  EXPECT_EQ(blind(4, 2), 3.0);
  // One run is the run-blind expansion.
  EXPECT_EQ(ns::fir_delays(x, {0, 1, 2}, ns::RunLengths{{5}}), blind);
  EXPECT_THROW(ns::fir_delays(x, {1}, ns::RunLengths{{3, 3}}), std::invalid_argument);
  EXPECT_THROW(ns::fir_delays(x, {-1}, ns::RunLengths{{5}}), std::invalid_argument);
  EXPECT_THROW(ns::fir_delays(x, {}, ns::RunLengths{{5}}), std::invalid_argument);
}

TEST(RunsOfLabels, OneRunPerStretchOfEqualLabels) {
  EXPECT_EQ(ns::runs_of_labels({7, 7, 3, 3, 3, 7}).volumes, (std::vector<Eigen::Index>{2, 3, 1}));
  EXPECT_EQ(ns::runs_of_labels({0}).volumes, (std::vector<Eigen::Index>{1}));
  EXPECT_THROW(ns::runs_of_labels({}), std::invalid_argument);
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

// ---------------------------------------------------------------------------------------
// Boxcar sum and mean of feature vectors

TEST(BoxcarPerVolume, SumsAndMeansTheEventsOfEachVolume) {
  const ns::VolumeGrid grid{3, 2.0, 20.0};
  const std::vector<double> onsets = {19.9, 20.0, 21.5, 22.0, 26.0};
  Eigen::MatrixXd values(5, 2);
  values << 100, 100,  // before the grid: ignored
            1, 10,
            3, 30,
            5, -4,
            100, 100;  // at the grid's end (half-open): ignored
  const ns::VolumeBoxcar b = ns::boxcar_per_volume(onsets, values, grid);
  Eigen::MatrixXd sum(3, 2), mean(3, 2);
  sum << 4, 40, 5, -4, 0, 0;
  mean << 2, 20, 5, -4, 0, 0;  // volume 2 has no event: mean 0, not NaN
  EXPECT_EQ(b.sum, sum);
  EXPECT_EQ(b.mean, mean);
  EXPECT_EQ(b.count, ns::count_events_per_volume(onsets, grid));
  EXPECT_EQ(b.empty_volumes, 1);
}

TEST(BoxcarPerVolume, RejectsCountMismatchAndNonFiniteValues) {
  const ns::VolumeGrid grid{3, 2.0, 0.0};
  try {
    ns::boxcar_per_volume({1.0, 2.0}, Eigen::MatrixXd::Zero(3, 1), grid);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "boxcar_per_volume: 2 event times but 3 rows of values");
  }
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(2, 1);
  bad(1, 0) = std::numeric_limits<double>::infinity();
  EXPECT_THROW(ns::boxcar_per_volume({1.0, 2.0}, bad, grid), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Lanczos resampling (Huth lab lanczosinterp2D)

TEST(LanczosWindow, IsSincTimesWiderSincInsideThreeLobes) {
  const double pi = 3.14159265358979323846;
  const auto sinc = [&](double x) { return std::sin(pi * x) / (pi * x); };
  const double cutoff = 0.5;  // TR 2 s
  EXPECT_EQ(ns::lanczos_window(0.0, cutoff, 3), 1.0);
  for (double t : {0.3, -1.1, 2.0, 3.7, -5.9}) {
    EXPECT_NEAR(ns::lanczos_window(t, cutoff, 3), sinc(t * cutoff) * sinc(t * cutoff / 3.0), 1e-15) << t;
  }
  // Zero at every nonzero multiple of the TR, and beyond 3 lobes (|t| > 3 TR = 6 s).
  for (double t : {2.0, 4.0, -6.0}) EXPECT_NEAR(ns::lanczos_window(t, cutoff, 3), 0.0, 1e-16) << t;
  EXPECT_EQ(ns::lanczos_window(6.01, cutoff, 3), 0.0);
  EXPECT_EQ(ns::lanczos_window(-7.0, cutoff, 3), 0.0);
}

namespace golden {
#include "tests/neuroscore/align_golden.inc"
}  // namespace golden

namespace {
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
namespace ag = golden::align_golden;

// Tolerance: 1e-12 in feature units per volume (outputs are at most ~7 in size). The C++
// and numpy sums add ~20 window weights in different orders and numpy's sin may differ
// from libm's by an ulp or so: a few 1e-16 relative on each term, ~1e-14 on a sum, so
// 1e-12 leaves margin yet catches a wrong cutoff, lobe count or normalisation (>1e-3).
constexpr double kTol = 1e-12;
}  // namespace

TEST(LanczosResample, MatchesHuthLabFormulaOnAVolumeGrid) {
  const std::vector<double> times(ag::kEventSeconds, ag::kEventSeconds + ag::kEvents);
  const Eigen::MatrixXd values = Eigen::Map<const RowMajor>(ag::kValues, ag::kEvents, ag::kFeatures);
  const Eigen::MatrixXd want = Eigen::Map<const RowMajor>(ag::kLanczosA, ag::kVolumesA, ag::kFeatures);
  const ns::VolumeGrid grid{ag::kVolumesA, ag::kTrSecondsA, ag::kFirstVolumeSecondsA};
  const Eigen::MatrixXd got = ns::lanczos_resample(times, values, grid);
  ASSERT_EQ(got.rows(), want.rows());
  ASSERT_EQ(got.cols(), want.cols());
  EXPECT_LT((got - want).cwiseAbs().maxCoeff(), kTol);
}

TEST(LanczosResample, MatchesHuthLabFormulaOnJitteredTimesWithCutoffMult) {
  const std::vector<double> times(ag::kEventSeconds, ag::kEventSeconds + ag::kEvents);
  const Eigen::MatrixXd values = Eigen::Map<const RowMajor>(ag::kValues, ag::kEvents, ag::kFeatures);
  const std::vector<double> volumes(ag::kVolumeSecondsB, ag::kVolumeSecondsB + ag::kVolumesB);
  const Eigen::MatrixXd want = Eigen::Map<const RowMajor>(ag::kLanczosB, ag::kVolumesB, ag::kFeatures);
  const Eigen::MatrixXd got = ns::lanczos_resample(times, values, volumes, ns::Lanczos{3, 0.5});
  EXPECT_LT((got - want).cwiseAbs().maxCoeff(), kTol);
}

TEST(LanczosResample, EventsOnTheVolumeTimesAreReproducedExactly) {
  // L vanishes at nonzero multiples of the TR, so one event per volume time interpolates.
  const ns::VolumeGrid grid{12, 2.0, 10.0};
  std::vector<double> times;
  Eigen::MatrixXd values(12, 2);
  for (int j = 0; j < 12; ++j) {
    times.push_back(10.0 + 2.0 * j);
    values(j, 0) = std::sin(0.7 * j);
    values(j, 1) = j * j - 3.0;
  }
  // Tolerance 1e-13 (feature units): sin(pi k) is ~1e-16 k, not 0, in floating point,
  // times at most 11 neighbours of size <= 118.
  EXPECT_LT((ns::lanczos_resample(times, values, grid) - values).cwiseAbs().maxCoeff(), 1e-13);
}

TEST(LanczosResample, DenseConstantSignalGivesConstantTimesDensityTimesKernelIntegral) {
  // Events every dt = TR / m with value c: away from the ends the sum of window weights is
  // a Riemann sum of the window, sum_e L(t - t_e) ~ (1 / dt) integral L(t) dt
  //   = (TR / dt) * I_3,  I_3 = integral_{-3}^{3} sinc(u) sinc(u / 3) du,
  // so the output is c * m * I_3 (no normalisation). I_3 is computed here by composite
  // Simpson on 60000 intervals (error ~1e-16).
  const double pi = 3.14159265358979323846;
  const auto kernel = [&](double u) {
    return u == 0.0 ? 1.0 : 3.0 * std::sin(pi * u) * std::sin(pi * u / 3.0) / (pi * pi * u * u);
  };
  const int intervals = 60000;
  const double h = 6.0 / intervals;
  double simpson = kernel(-3.0) + kernel(3.0);
  for (int i = 1; i < intervals; ++i) simpson += (i % 2 ? 4.0 : 2.0) * kernel(-3.0 + i * h);
  const double integral = simpson * h / 3.0;
  EXPECT_NEAR(integral, 0.99705534595434, 1e-12);  // scipy.integrate.quad: 0.9970553459543399

  const double tr = 2.0, c = 2.5;
  const int m = 20;  // events per TR
  std::vector<double> times;
  for (int e = 0; e < 30 * m; ++e) times.push_back(0.013 + e * tr / m);  // 0 .. 60 s, off-grid
  const Eigen::MatrixXd values = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(times.size()), 1, c);
  const Eigen::MatrixXd out = ns::lanczos_resample(times, values, ns::VolumeGrid{30, tr, 0.0});
  // Volumes 3..26 have the full window (3 TR = 6 s) inside the events. Tolerance: the
  // Riemann sum of a window with continuous first derivative errs by O(m^-4); at m = 20 that
  // is ~1e-8 relative (measured with numpy: 8e-9), so 1e-7 relative = 5e-6 absolute here.
  for (Eigen::Index j = 3; j < 27; ++j) {
    EXPECT_NEAR(out(j, 0), c * m * integral, 1e-7 * c * m) << "volume " << j;
  }
}

TEST(LanczosResample, UsesMidpointsWhenAskedAndRejectsBadInput) {
  EXPECT_EQ(ns::event_midpoints({1.0, 2.0}, {1.5, 3.0}), (std::vector<double>{1.25, 2.5}));
  EXPECT_THROW(ns::event_midpoints({1.0}, {0.5}), std::invalid_argument);
  const Eigen::MatrixXd one = Eigen::MatrixXd::Ones(1, 1);
  try {
    ns::lanczos_resample({1.0}, one, std::vector<double>{0.0, 2.0, 1.0});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "lanczos_resample: volume time 2 (1.000000 s) does not follow 2.000000 s");
  }
  EXPECT_THROW(ns::lanczos_resample({1.0}, one, std::vector<double>{0.0}), std::invalid_argument);
  EXPECT_THROW(ns::lanczos_resample({1.0}, one, ns::VolumeGrid{4, 2.0, 0.0}, ns::Lanczos{0, 1.0}),
               std::invalid_argument);
  EXPECT_THROW(ns::lanczos_resample({1.0, 2.0}, one, ns::VolumeGrid{4, 2.0, 0.0}), std::invalid_argument);
}

// ---------------------------------------------------------------------------------------
// Per-run z-scoring and trimming of run edges

TEST(ZscorePerRun, EachRunGetsItsOwnMeanAndDeviation) {
  Eigen::MatrixXd y(7, 1);
  y << 1, 2, 3, 4,  // run 0: mean 2.5, population sd sqrt(1.25)
       10, 20, 30;  // run 1: mean 20, population sd sqrt(200 / 3)
  const Eigen::MatrixXd z = ns::zscore_per_run(y, ns::RunLengths{{4, 3}});
  EXPECT_NEAR(z(0, 0), -1.5 / std::sqrt(1.25), 1e-15);
  EXPECT_NEAR(z(4, 0), -10.0 / std::sqrt(200.0 / 3.0), 1e-15);
  EXPECT_NEAR(z.topRows(4).mean(), 0.0, 1e-15);
  EXPECT_NEAR(z.bottomRows(3).mean(), 0.0, 1e-15);
  EXPECT_NEAR(z.bottomRows(3).squaredNorm() / 3.0, 1.0, 1e-15);
  // One run is zscore_columns.
  EXPECT_EQ(ns::zscore_per_run(y, ns::RunLengths{{7}}), ns::zscore_columns(y));
}

TEST(ZscorePerRun, ErrorsNameRunsAndSizes) {
  Eigen::MatrixXd y(5, 2);
  y << 1, 4, 2, 4, 3, 5, 4, 6, 5, 7;  // column 1 is constant within run 0 (rows 0-1)
  try {
    ns::zscore_per_run(y, ns::RunLengths{{2, 3}}, "bold");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "zscore_columns: column 1 of bold run 0 is constant");
  }
  try {
    ns::zscore_per_run(y, ns::RunLengths{{2, 2}});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "zscore_per_run: run lengths sum to 4 volumes but the matrix has 5 rows");
  }
  EXPECT_THROW(ns::zscore_per_run(y, ns::RunLengths{{5, 0}}), std::invalid_argument);
}

TEST(TrimRunEdges, DropsFirstAndLastVolumesOfEachRun) {
  Eigen::MatrixXd y(9, 1);
  y << 0, 1, 2, 3, 4, 5, 6, 7, 8;  // runs of 5 and 4 volumes
  const ns::TrimmedRuns t = ns::trim_run_edges(y, ns::RunLengths{{5, 4}}, ns::EdgeTrim{1, 1});
  EXPECT_EQ(t.kept_rows, (std::vector<Eigen::Index>{1, 2, 3, 6, 7}));
  EXPECT_EQ(t.runs.volumes, (std::vector<Eigen::Index>{3, 2}));
  Eigen::MatrixXd want(5, 1);
  want << 1, 2, 3, 6, 7;
  EXPECT_EQ(t.data, want);
  const ns::TrimmedRuns none = ns::trim_run_edges(y, ns::RunLengths{{5, 4}}, ns::EdgeTrim{});
  EXPECT_EQ(none.data, y);
  try {
    ns::trim_run_edges(y, ns::RunLengths{{5, 4}}, ns::EdgeTrim{2, 2});
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "trim_run_edges: trimming 2 + 2 volumes leaves nothing of run 1 (4 volumes)");
  }
  EXPECT_THROW(ns::trim_run_edges(y, ns::RunLengths{{5, 4}}, ns::EdgeTrim{-1, 0}), std::invalid_argument);
}
