// Tests of neuroscore/compare.hpp: the blocked sign-flip test on squared-error differences
// (against brute force, calibrated under the null, powered under a planted difference), the
// blocked t-test, the subject sign-flip test (exact enumeration), the paired bootstrap of a
// score difference, and Brain-Score aggregation.
//
// Flake budget: each calibration assertion accepts the count of p <= 0.05 over 2,000
// independent targets inside the two-sided binomial interval of probability 1 - 1e-3 (3
// assertions: a correct method fails one with probability <= 3e-3); seeds are fixed.
#include "neuroscore/compare.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace ns = neuroscore;

namespace {

Eigen::MatrixXd ar1(Eigen::Index n, Eigen::Index cols, double phi, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  Eigen::MatrixXd out(n, cols);
  for (Eigen::Index j = 0; j < cols; ++j) {
    double x = normal(rng) / std::sqrt(1.0 - phi * phi);
    for (Eigen::Index i = 0; i < n; ++i) {
      x = phi * x + normal(rng);
      out(i, j) = x;
    }
  }
  return out;
}

// Count of p <= level over targets inside the 1 - 1e-3 binomial interval of `exact_level`.
void expect_level(const Eigen::VectorXd& p, double level, double exact_level) {
  const auto positives = static_cast<double>((p.array() <= level + 1e-12).count());
  const boost::math::binomial_distribution<double> dist(static_cast<double>(p.size()), exact_level);
  EXPECT_GE(positives, boost::math::quantile(dist, 5e-4));
  EXPECT_LE(positives, boost::math::quantile(boost::math::complement(dist, 5e-4)));
}

TEST(PairedSquaredErrorTest, ExhaustiveNullEqualsBruteForce) {
  std::mt19937_64 rng(1);
  const Eigen::MatrixXd y = ar1(53, 2, 0.3, rng);  // blocks of 10: 5 full and one of 3
  const Eigen::MatrixXd a = y + ar1(53, 2, 0.3, rng);
  const Eigen::MatrixXd b = y + 0.8 * ar1(53, 2, 0.3, rng);
  ns::PairedTestOptions options;
  options.block = ns::BlockLength{10};
  options.permutations = 100;  // 2^6 = 64 sign vectors: enumerated
  options.keep_null = true;
  const ns::PermutationTest test = ns::paired_squared_error_test(y, a, b, ns::Seed{3}, options);
  ASSERT_TRUE(test.exhaustive);
  ASSERT_EQ(test.permutations, 64u);
  EXPECT_EQ(test.method, ns::NullMethod::sign_flip);
  const Eigen::MatrixXd d = ((y - a).array().square() - (y - b).array().square()).matrix();
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_NEAR(test.observed(j), d.col(j).mean(), 1e-12);
    int count = 0;
    for (int s = 0; s < 64; ++s) {
      double sum = 0.0;
      for (Eigen::Index i = 0; i < 53; ++i) sum += ((s >> (i / 10)) & 1 ? -1.0 : 1.0) * d(i, j);
      EXPECT_NEAR(test.null(s, j), sum / 53.0, 1e-12);
      count += sum / 53.0 >= test.observed(j) - 1e-12;
    }
    EXPECT_NEAR(test.p_value(j), count / 64.0, 1e-12);  // exact: identity counted, no +1
  }
  options.permutations = 20;  // Monte Carlo
  const ns::PermutationTest mc = ns::paired_squared_error_test(y, a, b, ns::Seed{3}, options);
  EXPECT_FALSE(mc.exhaustive);
  EXPECT_EQ(mc.null.rows(), 20);
  for (Eigen::Index j = 0; j < 2; ++j) {
    EXPECT_DOUBLE_EQ(mc.p_value(j), ns::permutation_p_value(mc.observed(j), mc.null.col(j), ns::Tail::greater));
  }
  EXPECT_THROW(ns::paired_squared_error_test(y, a, b.topRows(50), ns::Seed{1}, options), std::invalid_argument);
}

// Null: A and B are the signal plus independent AR(1) noise of the same size, 2,000 targets,
// 200 samples, blocks of 20 (1,024 sign vectors, enumerated): p <= 0.05 at the exact level
// floor(0.05 * 1024) / 1024. Power: B's noise is half as large.
TEST(PairedSquaredErrorTest, CalibratedUnderTheNullAndPowered) {
  std::mt19937_64 rng(20240607);
  const Eigen::MatrixXd y = ar1(200, 2000, 0.3, rng);
  const Eigen::MatrixXd a = y + ar1(200, 2000, 0.3, rng);
  const Eigen::MatrixXd b = y + ar1(200, 2000, 0.3, rng);
  ns::PairedTestOptions options;
  options.block = ns::BlockLength{20};
  const ns::PermutationTest test = ns::paired_squared_error_test(y, a, b, ns::Seed{9}, options);
  ASSERT_TRUE(test.exhaustive);
  expect_level(test.p_value, 0.05, std::floor(0.05 * 1024) / 1024);
  const ns::BlockedTTest t = ns::blocked_t_test(y, a, b, ns::BlockLength{20});
  EXPECT_EQ(t.degrees_of_freedom, 9.0);
  expect_level(t.p_value, 0.05, 0.05);
  const Eigen::MatrixXd better = y.leftCols(20) + 0.5 * ar1(200, 20, 0.3, rng);
  const ns::PermutationTest power = ns::paired_squared_error_test(y.leftCols(20), a.leftCols(20), better, ns::Seed{9}, options);
  for (Eigen::Index j = 0; j < 20; ++j) EXPECT_LE(power.p_value(j), 2.0 / 1024.0);
}

TEST(BlockedTTest, MatchesTheFormulaOnBlockMeans) {
  std::mt19937_64 rng(2);
  const Eigen::MatrixXd y = ar1(45, 1, 0.0, rng);
  const Eigen::MatrixXd a = y + ar1(45, 1, 0.0, rng);
  const Eigen::MatrixXd b = y + 0.5 * ar1(45, 1, 0.0, rng);
  const ns::BlockedTTest t = ns::blocked_t_test(y, a, b, ns::BlockLength{10}, ns::Tail::two_sided);
  const Eigen::VectorXd d = ((y - a).array().square() - (y - b).array().square()).matrix();
  Eigen::VectorXd means(5);
  for (int k = 0; k < 4; ++k) means(k) = d.segment(10 * k, 10).mean();
  means(4) = d.segment(40, 5).mean();  // the remainder block
  const double m = means.mean();
  const double sd = std::sqrt((means.array() - m).square().sum() / 4.0);
  EXPECT_NEAR(t.t_statistic(0), m / (sd / std::sqrt(5.0)), 1e-12);
  const boost::math::students_t_distribution<double> dist(4.0);
  EXPECT_NEAR(t.p_value(0), 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t.t_statistic(0)))), 1e-15);
}

// Every block shows the same difference: sd of the block means is exactly 0. B better on every
// sample is the strongest evidence there is (t +inf, p 0 for "B better"), not p 0.5 (issue 13.10).
TEST(BlockedTTest, EqualNonZeroBlockMeansAreDecisiveNotChance) {
  const Eigen::MatrixXd y = Eigen::MatrixXd::Zero(40, 1);
  const Eigen::MatrixXd worse = Eigen::MatrixXd::Ones(40, 1);  // squared error 1 on every sample
  const Eigen::MatrixXd exact = Eigen::MatrixXd::Zero(40, 1);  // squared error 0
  const ns::BlockLength block{10};
  const ns::BlockedTTest b_better = ns::blocked_t_test(y, worse, exact, block, ns::Tail::greater);
  EXPECT_EQ(b_better.t_statistic(0), std::numeric_limits<double>::infinity());
  EXPECT_EQ(b_better.p_value(0), 0.0);
  EXPECT_EQ(ns::blocked_t_test(y, worse, exact, block, ns::Tail::less).p_value(0), 1.0);
  EXPECT_EQ(ns::blocked_t_test(y, worse, exact, block, ns::Tail::two_sided).p_value(0), 0.0);
  const ns::BlockedTTest b_worse = ns::blocked_t_test(y, exact, worse, block, ns::Tail::greater);
  EXPECT_EQ(b_worse.t_statistic(0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(b_worse.p_value(0), 1.0);
  // Identical predictions: no difference at all, t 0 and the centre of the null.
  const ns::BlockedTTest same = ns::blocked_t_test(y, worse, worse, block, ns::Tail::greater);
  EXPECT_EQ(same.t_statistic(0), 0.0);
  EXPECT_EQ(same.p_value(0), 0.5);
  EXPECT_EQ(ns::blocked_t_test(y, worse, worse, block, ns::Tail::two_sided).p_value(0), 1.0);
}

TEST(SignFlipTest, ExactEnumerationAcrossSubjects) {
  Eigen::MatrixXd diff(6, 1);
  diff << 0.3, 0.1, 0.25, -0.05, 0.2, 0.15;
  ns::SignFlipOptions options;
  options.keep_null = true;
  const ns::PermutationTest test = ns::sign_flip_test(diff, ns::Seed{1}, options);
  ASSERT_TRUE(test.exhaustive);
  ASSERT_EQ(test.permutations, 64u);
  int count = 0;
  for (int s = 0; s < 64; ++s) {
    double sum = 0.0;
    for (int i = 0; i < 6; ++i) sum += ((s >> i) & 1 ? -1.0 : 1.0) * diff(i, 0);
    count += sum >= diff.sum() - 1e-12;
  }
  EXPECT_NEAR(test.p_value(0), count / 64.0, 1e-12);
  EXPECT_NEAR(test.p_value(0), 2.0 / 64.0, 1e-12);  // the observed and flipping -0.05
  options.permutations = 10;  // fewer than 2^6: Monte Carlo
  const ns::PermutationTest mc = ns::sign_flip_test(diff, ns::Seed{1}, options);
  EXPECT_FALSE(mc.exhaustive);
  EXPECT_EQ(mc.seed.value, 1u);
  EXPECT_THROW(ns::sign_flip_test(Eigen::MatrixXd::Ones(1, 3), ns::Seed{1}), std::invalid_argument);
}

// Subjects' differences drawn symmetric about 0 (12 subjects, 4,096 sign vectors enumerated).
TEST(SignFlipTest, CalibratedUnderTheNull) {
  std::mt19937_64 rng(20240608);
  const Eigen::MatrixXd diff = ar1(12, 2000, 0.0, rng);
  const ns::PermutationTest test = ns::sign_flip_test(diff, ns::Seed{2});
  ASSERT_TRUE(test.exhaustive);
  expect_level(test.p_value, 0.05, std::floor(0.05 * 4096) / 4096);
}

// Comparison with the best on 5 units x 3 methods: every one of the 32 sign vectors by hand.
TEST(ComparisonWithTheBest, ExhaustiveNullEqualsBruteForce) {
  Eigen::MatrixXd s(5, 3);
  s << 0.30, 0.20, 0.10,
       0.25, 0.22, 0.05,
       0.40, 0.10, 0.12,
       0.20, 0.21, 0.02,
       0.35, 0.30, 0.08;
  const ns::BestComparison c = ns::comparison_with_the_best(s, ns::Seed{3});
  ASSERT_TRUE(c.exhaustive);
  ASSERT_EQ(c.permutations, 32u);
  const auto gap = [](const Eigen::RowVectorXd& v, int i) {
    double best = -1e300;
    for (int j = 0; j < 3; ++j) if (j != i) best = std::max(best, v(j));
    return best - v(i);
  };
  const Eigen::RowVectorXd m = s.colwise().mean();
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(c.gap_to_best(i), gap(m, i), 1e-12);
    int count = 0;
    for (int b = 0; b < 32; ++b) {
      Eigen::RowVectorXd v = Eigen::RowVectorXd::Zero(3);
      const Eigen::MatrixXd centred = s.colwise() - s.rowwise().mean();
      const Eigen::MatrixXd residual = (centred.rowwise() - centred.colwise().mean()) * std::sqrt(5.0 / 4.0);
      for (int u = 0; u < 5; ++u) v += ((b >> u) & 1 ? -1.0 : 1.0) * residual.row(u) / 5.0;
      count += v.maxCoeff() - v.minCoeff() >= gap(m, i) - 1e-12;  // the range: the largest gap of any method
    }
    EXPECT_NEAR(c.p_value(i), (1.0 + count) / 33.0, 1e-12) << "method " << i;
  }
  EXPECT_EQ(c.p_value(0), 1.0);                   // the leader: D < 0, every range is at least as large
  EXPECT_LT(c.p_value(2), c.p_value(1));          // the clearly worse method has the smaller p
  EXPECT_THROW(ns::comparison_with_the_best(Eigen::MatrixXd::Ones(1, 3), ns::Seed{1}), std::invalid_argument);
  EXPECT_THROW(ns::comparison_with_the_best(Eigen::MatrixXd::Ones(4, 1), ns::Seed{1}), std::invalid_argument);
  Eigen::MatrixXd bad = s;
  bad(2, 1) = std::nan("");
  EXPECT_THROW(ns::comparison_with_the_best(bad, ns::Seed{1}), std::invalid_argument);
}

// Size and power. 12 subjects x 8 methods that share a subject effect, with independent method
// noise. All equal (every method is the best): over 1,000 data sets the chance that ANY method
// gets p <= 0.05 must stay within the binomial 1 - 1e-3 upper bound of 5%. The old procedure
// (sort by score, test the leader against each method with a one-sided sign flip, uncorrected)
// rejects "the worst method is as good as the leader" far more often: it is the reason for the
// change; so does a marginal version (each method's gap against its own null, not the range).
// Power: one method 1 noise sd below the others is found in most data sets.
TEST(ComparisonWithTheBest, SimultaneousSizeUnderEqualityAndPowerAgainstAWorseMethod) {
  std::mt19937_64 rng(20261204);
  std::normal_distribution<double> z(0.0, 1.0);
  const int sets = 1000, subjects = 12, methods = 8;
  int any_rejected = 0, marginal_rejected = 0, naive_rejected = 0, worse_found = 0;
  for (int r = 0; r < sets; ++r) {
    Eigen::MatrixXd s(subjects, methods);
    for (int u = 0; u < subjects; ++u) {
      const double subject = z(rng);
      for (int j = 0; j < methods; ++j) s(u, j) = subject + 0.3 * z(rng);
    }
    ns::SignFlipOptions o;
    o.permutations = 4096;  // 2^12: exact
    const ns::BestComparison c = ns::comparison_with_the_best(s, ns::Seed{static_cast<std::uint64_t>(r)}, o);
    any_rejected += (c.p_value.array() <= 0.05).any();
    // The marginal version (each gap against its own null) that a first draft used.
    {
      Eigen::Index worst = 0;
      s.colwise().mean().minCoeff(&worst);
      const Eigen::MatrixXd centred = s.colwise() - s.rowwise().mean();
      const double observed = centred.colwise().mean().maxCoeff() - centred.colwise().mean()(worst);
      int count = 0;
      for (int b = 0; b < 4096; ++b) {
        Eigen::RowVectorXd v = Eigen::RowVectorXd::Zero(methods);
        for (int u = 0; u < subjects; ++u) v += ((b >> u) & 1 ? -1.0 : 1.0) * centred.row(u) / subjects;
        double best = -1e300;
        for (int j = 0; j < methods; ++j) if (j != worst) best = std::max(best, v(j));
        count += best - v(worst) >= observed - 1e-12;
      }
      marginal_rejected += count / 4096.0 <= 0.05;
    }
    Eigen::Index leader = 0, worst = 0;
    const Eigen::VectorXd m = s.colwise().mean().transpose();
    m.maxCoeff(&leader);
    m.minCoeff(&worst);
    const Eigen::MatrixXd d = s.col(leader) - s.col(worst);
    naive_rejected += ns::sign_flip_test(d, ns::Seed{static_cast<std::uint64_t>(r)}, o).p_value(0) <= 0.05;
    s.col(3).array() -= 0.3;
    worse_found += ns::comparison_with_the_best(s, ns::Seed{static_cast<std::uint64_t>(r)}, o).p_value(3) <= 0.05;
  }
  const boost::math::binomial_distribution<double> dist(sets, 0.05);
  std::printf("any p <= 0.05 under equality: %d / %d; marginal gaps: %d / %d; old leader-vs-worst test: %d / %d; "
              "power (one method -1 sd): %d / %d\n",
              any_rejected, sets, marginal_rejected, sets, naive_rejected, sets, worse_found, sets);
  EXPECT_LE(any_rejected, boost::math::quantile(boost::math::complement(dist, 1e-3)));
  EXPECT_GT(naive_rejected, 3 * boost::math::quantile(boost::math::complement(dist, 1e-3)));
  EXPECT_GT(marginal_rejected, 2 * boost::math::quantile(boost::math::complement(dist, 1e-3)));
  EXPECT_GT(worse_found, 0.5 * sets);
}

TEST(ScoreDifferenceCi, IsPairedBootstrapOfTheDifference) {
  std::mt19937_64 rng(4);
  const Eigen::MatrixXd y = ar1(200, 1, 0.3, rng);
  const Eigen::MatrixXd a = y + ar1(200, 1, 0.3, rng);
  const Eigen::MatrixXd b = y + 0.5 * ar1(200, 1, 0.3, rng);
  auto neg_mse = [&](const Eigen::MatrixXd& p) {
    return [&y, &p](const std::vector<std::size_t>& idx) {
      double s = 0.0;
      for (std::size_t i : idx) s += (y(static_cast<Eigen::Index>(i), 0) - p(static_cast<Eigen::Index>(i), 0)) *
                                     (y(static_cast<Eigen::Index>(i), 0) - p(static_cast<Eigen::Index>(i), 0));
      return -s / static_cast<double>(idx.size());
    };
  };
  const ns::ResamplingUnits units = ns::contiguous_blocks(200, ns::BlockLength{20});
  ns::BootstrapOptions options;
  options.resamples = 500;
  const ns::BootstrapCi diff = ns::score_difference_ci(units, neg_mse(a), neg_mse(b), ns::Seed{5}, options);
  const ns::BootstrapCi sa = ns::bootstrap_ci(units, neg_mse(a), ns::Seed{5}, options);
  const ns::BootstrapCi sb = ns::bootstrap_ci(units, neg_mse(b), ns::Seed{5}, options);
  EXPECT_LT((diff.distribution - (sb.distribution - sa.distribution)).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT(diff.lower, 0.0);  // B is clearly better
  const ns::BootstrapCi same = ns::score_difference_ci(units, neg_mse(a), neg_mse(a), ns::Seed{5}, options);
  EXPECT_EQ(same.distribution.cwiseAbs().maxCoeff(), 0.0);
}

TEST(AggregateBenchmarkScores, UnweightedMeanOfCeilingNormalizedScores) {
  const Eigen::Vector3d scores(0.2, 0.45, -0.05);
  const Eigen::Vector3d ceilings(0.4, 0.3, 0.5);
  const ns::AggregateScore agg = ns::aggregate_benchmark_scores(scores, ceilings);
  EXPECT_NEAR(agg.normalized(0), 0.5, 1e-15);
  EXPECT_NEAR(agg.normalized(1), 1.5, 1e-15);
  EXPECT_NEAR(agg.normalized(2), -0.1, 1e-15);
  EXPECT_NEAR(agg.mean, (0.5 + 1.5 - 0.1) / 3.0, 1e-15);
  EXPECT_NEAR(agg.mean_clipped, (0.5 + 1.0 + 0.0) / 3.0, 1e-15);
  EXPECT_THROW(ns::aggregate_benchmark_scores(scores, Eigen::Vector3d(0.4, 0.0, 0.5)), std::invalid_argument);
  EXPECT_THROW(ns::aggregate_benchmark_scores(scores, Eigen::Vector2d(0.4, 0.3)), std::invalid_argument);
  EXPECT_THROW(ns::aggregate_benchmark_scores(Eigen::VectorXd(), Eigen::VectorXd()), std::invalid_argument);
}

}  // namespace
