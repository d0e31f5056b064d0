// Tests of neuroscore/null.hpp: kernels against pearson_r on explicitly permuted data,
// calibration of every null under simulated independence, FWER and FDR control, power,
// golden q-values (statsmodels).
//
// Flake budgets. Every statistical assertion below would fail for a correct method with
// probability at most 1e-3 (two-sided binomial or Kolmogorov-Smirnov bounds at 1e-3), and
// every random input is drawn from a fixed seed, so a run is deterministic: a failure is a
// change in behaviour, not bad luck. With 9 such assertions the chance that a correct
// implementation with these seeds would have failed any of them is below 1%.
#include "neuroscore/fdr.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <random>
#include <set>
#include <vector>

#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"
#include "tests/neuroscore/golden/fdr_golden.hpp"

namespace ns = neuroscore;

namespace {

// Independent AR(1) columns x_t = phi x_{t-1} + e_t, stationary start.
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

// Two-sided binomial acceptance interval [lo, hi] for counts ~ Binomial(trials, p) with total
// tail probability `flake` (Boost.Math quantiles).
struct CountBounds {
  double lo, hi;
};
CountBounds binomial_bounds(double trials, double p, double flake) {
  const boost::math::binomial_distribution<double> dist(trials, p);
  return {boost::math::quantile(dist, flake / 2),
          boost::math::quantile(boost::math::complement(dist, flake / 2))};
}

// Kolmogorov-Smirnov distance of the p-values from Uniform(0, 1).
double ks_uniform(Eigen::VectorXd p) {
  std::sort(p.data(), p.data() + p.size());
  const auto n = static_cast<double>(p.size());
  double d = 0.0;
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - p(i), p(i) - static_cast<double>(i) / n});
  }
  return d;
}

// Asymptotic KS critical value at level 1e-3: sqrt(-ln(alpha / 2) / 2) / sqrt(n) = 1.9495 /
// sqrt(n) (Smirnov 1948; Massey 1951, Table 1's large-n formula). Permutation p-values take the
// values k / (N + 1), so their distribution function differs from the uniform one by up to
// 1 / (N + 1) even when exact: that step is added.
double ks_critical(Eigen::Index n_tests, std::size_t null_draws) {
  return std::sqrt(-std::log(1e-3 / 2) / 2) / std::sqrt(static_cast<double>(n_tests)) +
         1.0 / (static_cast<double>(null_draws) + 1.0);
}

// Asserts calibration at level 0.05: KS distance and the count of p <= 0.05 (exact level
// floor(0.05 (N + 1)) / (N + 1) for permutation p-values) within the 1e-3 binomial interval.
void expect_calibrated(const ns::PermutationTest& test) {
  const Eigen::Index t = test.p_value.size();
  const double d = ks_uniform(test.p_value);
  EXPECT_LT(d, ks_critical(t, test.permutations)) << "KS distance from uniform";
  const double n1 = static_cast<double>(test.permutations) + 1.0;
  const double level = std::floor(0.05 * n1 + 1e-9) / n1;
  const auto positives = static_cast<double>((test.p_value.array() <= 0.05 + 1e-12).count());
  const CountBounds b = binomial_bounds(static_cast<double>(t), level, 1e-3);
  EXPECT_GE(positives, b.lo) << "false positives at 0.05 over " << t << " targets";
  EXPECT_LE(positives, b.hi) << "false positives at 0.05 over " << t << " targets";
}

Eigen::MatrixXd permute_rows(const Eigen::MatrixXd& m, const std::vector<std::size_t>& perm) {
  Eigen::MatrixXd out(m.rows(), m.cols());
  for (std::size_t i = 0; i < perm.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(static_cast<Eigen::Index>(perm[i]));
  return out;
}

TEST(PermutationPValue, CountsTheObservedAndEachTail) {
  const Eigen::VectorXd null = (Eigen::VectorXd(4) << -0.3, 0.1, 0.2, 0.5).finished();
  EXPECT_DOUBLE_EQ(ns::permutation_p_value(0.2, null, ns::Tail::greater), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(ns::permutation_p_value(0.2, null, ns::Tail::less), 4.0 / 5.0);
  EXPECT_DOUBLE_EQ(ns::permutation_p_value(-0.3, null, ns::Tail::two_sided), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(ns::permutation_p_value(0.9, null, ns::Tail::greater), 1.0 / 5.0);
  EXPECT_THROW(ns::permutation_p_value(0.0, Eigen::VectorXd(), ns::Tail::greater), std::invalid_argument);
}

// fwe_p_values against a hand count: null maxima {0.5, 0.1, 0.9, 0.3} (N = 4), so
// p_fwe = (1 + #{maxima >= t(observed)}) / 5, ties counting.
TEST(FwePValues, CountsTheMaximaAtLeastAsLargeAsEachObservedValue) {
  const Eigen::VectorXd null_max = (Eigen::VectorXd(4) << 0.5, 0.1, 0.9, 0.3).finished();
  const Eigen::VectorXd observed = (Eigen::VectorXd(5) << 0.3, 0.95, -1.0, 0.5, 0.9).finished();
  const Eigen::VectorXd greater = ns::fwe_p_values(observed, null_max, ns::Tail::greater);
  ASSERT_EQ(greater.size(), 5);
  EXPECT_EQ(greater(0), 4.0 / 5.0);  // 0.3, 0.5, 0.9 >= 0.3
  EXPECT_EQ(greater(1), 1.0 / 5.0);  // none >= 0.95
  EXPECT_EQ(greater(2), 5.0 / 5.0);  // all >= -1
  EXPECT_EQ(greater(3), 3.0 / 5.0);  // 0.5, 0.9
  EXPECT_EQ(greater(4), 2.0 / 5.0);  // 0.9 (a tie counts)
  // less: t = -observed against the maxima of -null; two_sided: t = |observed|.
  const Eigen::VectorXd less = ns::fwe_p_values(observed, null_max, ns::Tail::less);
  EXPECT_EQ(less(0), 5.0 / 5.0);  // -0.3: all four >= -0.3
  EXPECT_EQ(less(2), 1.0 / 5.0);  // -(-1) = 1: none >= 1
  EXPECT_EQ(less(1), 5.0 / 5.0);  // -0.95: all four
  const Eigen::VectorXd two = ns::fwe_p_values(observed, null_max, ns::Tail::two_sided);
  EXPECT_EQ(two(2), 1.0 / 5.0);  // |-1| = 1: none >= 1
  EXPECT_EQ(two(1), 1.0 / 5.0);
  EXPECT_THROW(ns::fwe_p_values(observed, Eigen::VectorXd(), ns::Tail::greater), std::invalid_argument);
}

// Every null's p_fwe is fwe_p_values of its observed statistic and its recorded per-draw maxima
// (what `neuroscore score` recomputes after merging the maxima of target blocks and MPI ranks).
TEST(FwePValues, EqualsTheNullsOwnPFwe) {
  std::mt19937_64 rng(5);
  const Eigen::MatrixXd y = ar1(83, 7, 0.4, rng);
  const Eigen::MatrixXd p = 0.2 * y + ar1(83, 7, 0.4, rng);
  for (const ns::Tail tail : {ns::Tail::greater, ns::Tail::less, ns::Tail::two_sided}) {
    ns::BlockPermutationOptions options;
    options.block = ns::BlockLength{8};
    options.permutations = 99;
    options.tail = tail;
    const ns::PermutationTest test = ns::block_permutation_test(y, p, ns::Seed{3}, options);
    const Eigen::VectorXd again = ns::fwe_p_values(test.observed, test.null_max, tail);
    ASSERT_EQ(again.size(), test.p_fwe.size());
    for (Eigen::Index j = 0; j < again.size(); ++j) EXPECT_EQ(again(j), test.p_fwe(j)) << "tail " << static_cast<int>(tail);
  }
}

TEST(BlockPermutation, MovesWholeBlocksAndKeepsThePartialLastBlockInPlace) {
  std::mt19937_64 rng(7);
  const std::size_t n = 47, l = 10;  // 4 full blocks, a tail of 7
  std::set<std::vector<std::size_t>> seen;
  for (int rep = 0; rep < 50; ++rep) {
    const std::vector<std::size_t> p = ns::block_permutation(n, ns::BlockLength{l}, rng);
    ASSERT_EQ(p.size(), n);
    std::vector<std::size_t> sorted = p;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(sorted[i], i);
    for (std::size_t i = 40; i < n; ++i) EXPECT_EQ(p[i], i);
    for (std::size_t a = 0; a < 4; ++a) {
      EXPECT_EQ(p[a * l] % l, 0u);
      for (std::size_t t = 1; t < l; ++t) EXPECT_EQ(p[a * l + t], p[a * l] + t);
    }
    seen.insert(p);
  }
  EXPECT_GT(seen.size(), 10u);  // 4! = 24 orders exist
}

// Both kernels equal pearson_r on the explicitly permuted targets, draw by draw.
TEST(BlockPermutationTest, KernelsMatchPearsonOnPermutedData) {
  std::mt19937_64 rng(11);
  const Eigen::MatrixXd y = ar1(67, 5, 0.5, rng);  // 6 blocks of 10 and a tail of 7
  const Eigen::MatrixXd p = 0.3 * y + ar1(67, 5, 0.5, rng);
  ns::BlockPermutationOptions options;
  options.block = ns::BlockLength{10};
  options.permutations = 40;
  options.tail = ns::Tail::two_sided;
  options.max_batch_bytes = 3 * 8 * 67 * 4;  // force several target batches
  options.kernel = ns::NullKernel::block_gemm;
  const ns::PermutationTest gemm = ns::block_permutation_test(y, p, ns::Seed{99}, options);
  options.kernel = ns::NullKernel::direct;
  const ns::PermutationTest direct = ns::block_permutation_test(y, p, ns::Seed{99}, options);
  EXPECT_EQ(gemm.seed.value, 99u);
  EXPECT_EQ(gemm.permutations, 40u);
  EXPECT_LT((gemm.null - direct.null).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((gemm.observed - ns::pearson_r(y, p).value).cwiseAbs().maxCoeff(), 1e-12);
  // Replay the draws: the same seed gives the same block orders.
  std::mt19937_64 replay(99);
  for (Eigen::Index b = 0; b < 40; ++b) {
    const std::vector<std::size_t> perm = ns::block_permutation(67, ns::BlockLength{10}, replay);
    const Eigen::VectorXd r = ns::pearson_r(permute_rows(y, perm), p).value;
    EXPECT_LT((gemm.null.row(b).transpose() - r).cwiseAbs().maxCoeff(), 1e-12) << "draw " << b;
  }
  for (Eigen::Index j = 0; j < 5; ++j) {
    EXPECT_DOUBLE_EQ(gemm.p_value(j), ns::permutation_p_value(gemm.observed(j), gemm.null.col(j), ns::Tail::two_sided));
    EXPECT_DOUBLE_EQ(direct.p_value(j), gemm.p_value(j));
  }
  // max-statistic p: from the max of |r| over targets per draw.
  const Eigen::VectorXd maxes = gemm.null.cwiseAbs().rowwise().maxCoeff();
  EXPECT_LT((maxes - gemm.null_max).cwiseAbs().maxCoeff(), 1e-15);
  for (Eigen::Index j = 0; j < 5; ++j) {
    EXPECT_DOUBLE_EQ(gemm.p_fwe(j), ns::permutation_p_value(std::abs(gemm.observed(j)), maxes, ns::Tail::greater));
    EXPECT_GE(gemm.p_fwe(j), gemm.p_value(j));
  }
}

TEST(BlockPermutationTest, ConstantColumnIsDegenerateWithPOne) {
  std::mt19937_64 rng(3);
  Eigen::MatrixXd y = ar1(60, 2, 0.0, rng);
  const Eigen::MatrixXd p = ar1(60, 2, 0.0, rng);
  y.col(1).setConstant(4.0);
  ns::BlockPermutationOptions options;
  options.block = ns::BlockLength{5};
  options.permutations = 20;
  const ns::PermutationTest test = ns::block_permutation_test(y, p, ns::Seed{1}, options);
  EXPECT_FALSE(test.degenerate[0]);
  EXPECT_TRUE(test.degenerate[1]);
  EXPECT_EQ(test.observed(1), 0.0);
  EXPECT_EQ(test.p_value(1), 1.0);
}

TEST(BlockPermutationTest, RejectsBadArguments) {
  const Eigen::MatrixXd y = Eigen::MatrixXd::Random(30, 2);
  ns::BlockPermutationOptions options;
  options.block = ns::BlockLength{20};  // one block only
  EXPECT_THROW(ns::block_permutation_test(y, y, ns::Seed{1}, options), std::invalid_argument);
  options.block = ns::BlockLength{5};
  EXPECT_THROW(ns::block_permutation_test(y, Eigen::MatrixXd::Random(29, 2), ns::Seed{1}, options),
               std::invalid_argument);
  options.permutations = 0;
  EXPECT_THROW(ns::block_permutation_test(y, y, ns::Seed{1}, options), std::invalid_argument);
}

// Calibration: 2,000 independent targets, each an AR(1) series (phi = 0.3) with its own
// independent AR(1) prediction. Blocks of 20 are far longer than the correlation length
// (phi^20 ~ 3e-11), so block exchangeability holds up to the block seams.
TEST(BlockPermutationTest, CalibratedUnderTheNull) {
  std::mt19937_64 rng(20240601);
  const Eigen::MatrixXd y = ar1(200, 2000, 0.3, rng);
  const Eigen::MatrixXd p = ar1(200, 2000, 0.3, rng);
  ns::BlockPermutationOptions options;
  options.block = ns::BlockLength{20};
  options.permutations = 199;
  options.keep_null = false;
  const ns::PermutationTest test = ns::block_permutation_test(y, p, ns::Seed{5}, options);
  EXPECT_EQ(test.null.rows(), 0);
  expect_calibrated(test);
}

TEST(CircularShiftTest, MatchesPearsonOnRotatedDataAndEnumeratesWhenAffordable) {
  std::mt19937_64 rng(12);
  const Eigen::MatrixXd y = ar1(50, 3, 0.4, rng);
  const Eigen::MatrixXd p = ar1(50, 3, 0.4, rng);
  ns::CircularShiftOptions options;
  options.min_shift = ns::BlockLength{5};
  options.permutations = 1000;  // > 41 admissible shifts: enumerate
  const ns::PermutationTest test = ns::circular_shift_test(y, p, ns::Seed{1}, options);
  ASSERT_TRUE(test.exhaustive);
  ASSERT_EQ(test.permutations, 41u);
  for (Eigen::Index b = 0; b < 41; ++b) {
    std::vector<std::size_t> perm(50);
    for (std::size_t i = 0; i < 50; ++i) perm[i] = (i + 5 + static_cast<std::size_t>(b)) % 50;
    const Eigen::VectorXd r = ns::pearson_r(permute_rows(y, perm), p).value;
    EXPECT_LT((test.null.row(b).transpose() - r).cwiseAbs().maxCoeff(), 1e-12);
  }
  options.permutations = 10;
  const ns::PermutationTest sampled = ns::circular_shift_test(y, p, ns::Seed{1}, options);
  EXPECT_FALSE(sampled.exhaustive);
  EXPECT_EQ(sampled.null.rows(), 10);
  options.min_shift = ns::BlockLength{26};
  EXPECT_THROW(ns::circular_shift_test(y, p, ns::Seed{1}, options), std::invalid_argument);
}

TEST(CircularShiftTest, CalibratedUnderTheNull) {
  std::mt19937_64 rng(20240602);
  const Eigen::MatrixXd y = ar1(200, 2000, 0.3, rng);
  const Eigen::MatrixXd p = ar1(200, 2000, 0.3, rng);
  ns::CircularShiftOptions options;
  options.min_shift = ns::BlockLength{20};
  options.permutations = 1000;  // 161 admissible shifts, all used
  options.keep_null = false;
  const ns::PermutationTest test = ns::circular_shift_test(y, p, ns::Seed{5}, options);
  EXPECT_TRUE(test.exhaustive);
  expect_calibrated(test);
}

// The refit null reproduces cross_validated_ridge's scores with no permutation.
TEST(RefitNullTest, ObservedEqualsCrossValidatedRidge) {
  std::mt19937_64 rng(21);
  const Eigen::MatrixXd x = ar1(150, 6, 0.5, rng) * 3.0;
  Eigen::MatrixXd w = Eigen::MatrixXd::Random(6, 7);
  const Eigen::MatrixXd y = x * w + 4.0 * ar1(150, 7, 0.5, rng);
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(150, 3, ns::Gap{3});
  for (bool standardize : {false, true}) {
    ns::RidgeCvOptions ridge;
    ridge.alphas = {0.1, 10.0, 1000.0};
    ridge.inner_folds = 3;
    ridge.standardize = standardize;
    const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ridge);
    ns::RefitNullOptions options;
    options.block = ns::BlockLength{10};
    options.permutations = 30;
    options.max_batch_bytes = 4000;  // several target batches
    const ns::PermutationTest test = ns::refit_null_test(x, y, folds, fit, ridge, ns::Seed{8}, options);
    EXPECT_LT((test.observed - fit.mean_r()).cwiseAbs().maxCoeff(), 1e-9) << "standardize " << standardize;
    EXPECT_EQ(test.null.rows(), 30);
    EXPECT_EQ(test.method, ns::NullMethod::refit_block_permutation);
    // Planted signal: observed beats every refit under the null.
    for (Eigen::Index j = 0; j < 7; ++j) EXPECT_DOUBLE_EQ(test.p_value(j), 1.0 / 31.0);
  }
}

// Columns that cross_validated_ridge drops on a training set (constant, near-constant as OASM
// controls make them, ~1e-40, and a duplicate that leaves the Gram matrix rank-deficient) are
// dropped by the refit null too: its observed statistic is the cross-validated score, with and
// without standardization. Before the refit null shared RidgeDecomposition's column rule, the
// near-constant column was divided by its 1e-40 sd there and kept: with standardization the
// observed statistic differed from the CV score by up to 0.24 on these 5 targets.
Eigen::MatrixXd awkward_columns(Eigen::Index n, std::mt19937_64& rng) {
  Eigen::MatrixXd x(n, 7);
  x.leftCols(4) = ar1(n, 4, 0.5, rng);
  x.col(4).setConstant(2.5);                   // constant
  x.col(5) = 1e-40 * ar1(n, 1, 0.9, rng);      // near-constant (relative to the other columns)
  x.col(6) = x.col(0);                         // duplicate
  return x;
}

TEST(RefitNullTest, ObservedEqualsCrossValidatedRidgeWithDegenerateColumns) {
  std::mt19937_64 rng(27);
  const Eigen::MatrixXd x = awkward_columns(160, rng);
  Eigen::MatrixXd w = Eigen::MatrixXd::Random(7, 5);
  w.row(5) *= 1e40;  // the near-constant column carries signal at its own scale
  const Eigen::MatrixXd y = x * w + 2.0 * ar1(160, 5, 0.5, rng);
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(160, 4, ns::Gap{3});
  for (bool standardize : {false, true}) {
    ns::RidgeCvOptions ridge;
    ridge.alphas = {0.01, 1.0, 100.0};
    ridge.inner_folds = 3;
    ridge.standardize = standardize;
    const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ridge);
    for (const auto& dropped : fit.dropped_columns) EXPECT_EQ(dropped, (std::vector<Eigen::Index>{4, 5}));
    ns::RefitNullOptions options;
    options.block = ns::BlockLength{10};
    options.permutations = 20;
    const ns::PermutationTest test = ns::refit_null_test(x, y, folds, fit, ridge, ns::Seed{3}, options);
    // 1e-10: the same factorization and the same refit, so only the GEMMs' blocking can differ.
    EXPECT_LT((test.observed - fit.mean_r()).cwiseAbs().maxCoeff(), 1e-10) << "standardize " << standardize;
  }
}

// The same in single precision: the refit null runs on float X and Y as cross_validated_ridge
// does (decompositions in double, products in float), to 1e-5 relative.
TEST(RefitNullTest, FloatObservedEqualsFloatCrossValidatedRidge) {
  std::mt19937_64 rng(28);
  const Eigen::MatrixXd xd = awkward_columns(160, rng);
  Eigen::MatrixXd w = Eigen::MatrixXd::Random(7, 5);
  w.row(5).setZero();  // 1e40 does not fit in a float
  Eigen::MatrixXf x = xd.cast<float>();
  x.col(5) = (1e-30 * ar1(160, 1, 0.9, rng)).cast<float>();  // near-constant within float's range
  const Eigen::MatrixXf y = (xd * w + 2.0 * ar1(160, 5, 0.5, rng)).cast<float>();
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(160, 4, ns::Gap{3});
  for (bool standardize : {false, true}) {
    ns::RidgeCvOptions ridge;
    ridge.alphas = {0.01, 1.0, 100.0};
    ridge.inner_folds = 3;
    ridge.standardize = standardize;
    const ns::RidgeCvResultOf<float> fit = ns::cross_validated_ridge(x, y, folds, ridge);
    ns::RefitNullOptions options;
    options.block = ns::BlockLength{10};
    options.permutations = 20;
    const ns::PermutationTest test = ns::refit_null_test(x, y, folds, fit, ridge, ns::Seed{3}, options);
    const Eigen::VectorXd cv = fit.mean_r();
    for (Eigen::Index j = 0; j < 5; ++j) {
      EXPECT_NEAR(test.observed(j), cv(j), 1e-5 * std::abs(cv(j))) << "standardize " << standardize << ", target " << j;
    }
  }
}

// Null draws of the refit null by hand: permute the target series as the seed dictates and
// run cross_validated_ridge on it (one alpha, so no selection step differs).
TEST(RefitNullTest, NullDrawEqualsRidgeOnPermutedSeries) {
  std::mt19937_64 rng(22);
  const Eigen::MatrixXd x = ar1(90, 4, 0.5, rng);
  const Eigen::MatrixXd y = ar1(90, 3, 0.5, rng);
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(90, 3, ns::Gap{2});
  ns::RidgeCvOptions ridge;
  ridge.alphas = {5.0};
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ridge);
  ns::RefitNullOptions options;
  options.block = ns::BlockLength{7};  // 12 blocks and a tail of 6
  options.permutations = 3;
  const ns::PermutationTest test = ns::refit_null_test(x, y, folds, fit, ridge, ns::Seed{4}, options);
  std::mt19937_64 replay(4);
  for (Eigen::Index b = 0; b < 3; ++b) {
    const std::vector<std::size_t> perm = ns::block_permutation(90, options.block, replay);
    const ns::RidgeCvResult one = ns::cross_validated_ridge(x, permute_rows(y, perm), folds, ridge);
    EXPECT_LT((test.null.row(b).transpose() - one.mean_r()).cwiseAbs().maxCoeff(), 1e-9) << "draw " << b;
  }
}

// Calibration of the refit null: 2,000 AR(1) targets independent of 4 AR(1) features,
// 3 contiguous folds with a purge gap of 5 samples, one alpha, blocks of 10, 99 refits.
TEST(RefitNullTest, CalibratedUnderTheNull) {
  std::mt19937_64 rng(20240603);
  const Eigen::MatrixXd x = ar1(120, 4, 0.3, rng);
  const Eigen::MatrixXd y = ar1(120, 2000, 0.3, rng);
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(120, 3, ns::Gap{5});
  ns::RidgeCvOptions ridge;
  ridge.alphas = {10.0};
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ridge);
  ns::RefitNullOptions options;
  options.block = ns::BlockLength{10};
  options.permutations = 99;
  options.keep_null = false;
  const ns::PermutationTest test = ns::refit_null_test(x, y, folds, fit, ridge, ns::Seed{6}, options);
  expect_calibrated(test);
}

// Power: a planted effect (r about 0.45) is detected by every null at the smallest p.
TEST(Nulls, PlantedEffectGivesSmallestP) {
  std::mt19937_64 rng(31);
  const Eigen::MatrixXd p = ar1(200, 20, 0.3, rng);
  const Eigen::MatrixXd y = 0.5 * p + ar1(200, 20, 0.3, rng);
  ns::BlockPermutationOptions block;
  block.permutations = 199;
  const ns::PermutationTest a = ns::block_permutation_test(y, p, ns::Seed{1}, block);
  ns::CircularShiftOptions shift;
  const ns::PermutationTest b = ns::circular_shift_test(y, p, ns::Seed{1}, shift);
  for (Eigen::Index j = 0; j < 20; ++j) {
    EXPECT_DOUBLE_EQ(a.p_value(j), 1.0 / 200.0);
    EXPECT_DOUBLE_EQ(b.p_value(j), 1.0 / 162.0);
  }
}

// Max-statistic FWER: 1,000 families of 20 independent null targets (n = 100, white noise,
// blocks of 5, 99 permutations). A family errs when any p_fwe <= 0.05; the exact level is
// 5/100, so errors ~ Binomial(1000, <= 0.05) and the 1e-3 one-sided bound is asserted.
// Uncorrected p-values would err in about 1 - 0.95^20 = 64% of families.
TEST(MaxStatistic, ControlsFamilyWiseErrorRate) {
  std::mt19937_64 rng(20240604);
  int fwe_errors = 0, uncorrected_errors = 0;
  const int families = 1000;
  ns::BlockPermutationOptions options;
  options.block = ns::BlockLength{5};
  options.permutations = 99;
  options.keep_null = false;
  for (int f = 0; f < families; ++f) {
    const Eigen::MatrixXd y = ar1(100, 20, 0.0, rng);
    const Eigen::MatrixXd p = ar1(100, 20, 0.0, rng);
    const ns::PermutationTest test = ns::block_permutation_test(y, p, ns::Seed{static_cast<std::uint64_t>(f)}, options);
    fwe_errors += (test.p_fwe.array() <= 0.05 + 1e-12).any();
    uncorrected_errors += (test.p_value.array() <= 0.05 + 1e-12).any();
  }
  const boost::math::binomial_distribution<double> dist(families, 0.05);
  EXPECT_LE(fwe_errors, boost::math::quantile(boost::math::complement(dist, 1e-3)));
  EXPECT_GT(uncorrected_errors, 500);
}

TEST(Fdr, MatchesStatsmodels) {
  const Eigen::Map<const Eigen::VectorXd> p(fdr_golden::kP, fdr_golden::kCount);
  const Eigen::Map<const Eigen::VectorXd> bh(fdr_golden::kQBh, fdr_golden::kCount);
  const Eigen::Map<const Eigen::VectorXd> by(fdr_golden::kQBy, fdr_golden::kCount);
  // Tolerance 1e-15 absolute: the same products and minima in a different order (q <= 1).
  EXPECT_LT((ns::fdr_q_values(p, ns::FdrMethod::benjamini_hochberg).q_value - bh).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LT((ns::fdr_q_values(p, ns::FdrMethod::benjamini_yekutieli).q_value - by).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(Fdr, QValuesAreMonotoneInP) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Eigen::VectorXd p(300);
  for (Eigen::Index i = 0; i < 300; ++i) p(i) = std::pow(u(rng), 3.0);
  for (ns::FdrMethod method : {ns::FdrMethod::benjamini_hochberg, ns::FdrMethod::benjamini_yekutieli}) {
    const Eigen::VectorXd q = ns::fdr_q_values(p, method).q_value;
    for (Eigen::Index i = 0; i < 300; ++i) {
      EXPECT_GE(q(i), p(i));
      EXPECT_LE(q(i), 1.0);
      for (Eigen::Index j = 0; j < 300; ++j) {
        if (p(i) < p(j)) {
          ASSERT_LE(q(i), q(j));
        }
      }
    }
  }
  EXPECT_THROW(ns::fdr_q_values(Eigen::VectorXd::Constant(2, 1.5), ns::FdrMethod::benjamini_hochberg),
               std::invalid_argument);
  EXPECT_THROW(ns::fdr_q_values(Eigen::VectorXd(), ns::FdrMethod::benjamini_hochberg), std::invalid_argument);
}

// BH and BY control the FDR at q on mixtures: 500 replicates of 1,000 independent tests, 200
// alternatives (one-sided z-test p-values, shift 2.5) and 800 uniform nulls. Expected FDP is
// pi0 q = 0.04 under BH. The mean FDP over replicates is asserted below q + 3.29 standard
// errors (normal bound at 5e-4 one-sided, the FDPs are independent and in [0, 1]).
TEST(Fdr, ControlsFalseDiscoveryRateOnMixtures) {
  std::mt19937_64 rng(20240605);
  std::normal_distribution<double> normal(0.0, 1.0);
  const int replicates = 500, m = 1000, alternatives = 200;
  const double q = 0.05;
  for (ns::FdrMethod method : {ns::FdrMethod::benjamini_hochberg, ns::FdrMethod::benjamini_yekutieli}) {
    Eigen::VectorXd fdp(replicates);
    double discoveries = 0.0;
    for (int r = 0; r < replicates; ++r) {
      Eigen::VectorXd p(m);
      for (int i = 0; i < m; ++i) {
        const double z = normal(rng) + (i < alternatives ? 2.5 : 0.0);
        p(i) = 0.5 * std::erfc(z / std::sqrt(2.0));
      }
      const Eigen::VectorXd qv = ns::fdr_q_values(p, method).q_value;
      int rejected = 0, false_rejections = 0;
      for (int i = 0; i < m; ++i) {
        if (qv(i) <= q) {
          ++rejected;
          if (i >= alternatives) ++false_rejections;
        }
      }
      fdp(r) = rejected == 0 ? 0.0 : static_cast<double>(false_rejections) / rejected;
      discoveries += rejected;
    }
    const double mean = fdp.mean();
    const double se = std::sqrt((fdp.array() - mean).square().sum() / (replicates - 1) / replicates);
    EXPECT_LE(mean, q + 3.29 * se) << "method " << static_cast<int>(method);
    EXPECT_GT(discoveries / replicates, 10.0);  // not trivially conservative
  }
}

}  // namespace
