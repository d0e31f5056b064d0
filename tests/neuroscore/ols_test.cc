// Tests of neuroscore/ols.hpp: standardized OLS against closed forms (one predictor: cov/sd; any
// design: the raw-scale normal equations rescaled by each column's SD), exact recovery of a planted
// noise-free model, named errors, and the bootstrap interval's calibration on simulated data with a
// planted effect.
//
// Flake budget: the calibration test uses fixed seeds and is deterministic (coverage 0.917 here:
// the percentile interval under-covers slightly at n = 150, as it is known to). With other seeds,
// at a true coverage of 0.92 the bounds [0.88, 0.99] for 300 data sets fail with probability about
// 0.5% (binomial, 2.6 SD below); a coverage below 0.88 would mean intervals too narrow.
#include "neuroscore/ols.hpp"

#include <gtest/gtest.h>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>

#include "neuroscore/bootstrap.hpp"

namespace neuroscore {
namespace {

Eigen::MatrixXd normal_matrix(std::mt19937_64& rng, Eigen::Index n, Eigen::Index p) {
  std::normal_distribution<double> z(0.0, 1.0);
  Eigen::MatrixXd m(n, p);
  for (Eigen::Index j = 0; j < p; ++j) {
    for (Eigen::Index i = 0; i < n; ++i) m(i, j) = z(rng);
  }
  return m;
}

double population_sd(const Eigen::VectorXd& v) { return std::sqrt((v.array() - v.mean()).square().mean()); }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

TEST(StandardizedOls, OnePredictorIsCovarianceOverSd) {
  std::mt19937_64 rng(1);
  const Eigen::MatrixXd x = normal_matrix(rng, 50, 1) * 3.0 + Eigen::MatrixXd::Constant(50, 1, 10.0);
  const Eigen::MatrixXd y = 0.4 * x.replicate(1, 2) + normal_matrix(rng, 50, 2);
  const Eigen::MatrixXd beta = standardized_ols(x, Eigen::MatrixXd(50, 0), y);
  for (Eigen::Index t = 0; t < 2; ++t) {
    const double cov = ((x.col(0).array() - x.col(0).mean()) * (y.col(t).array() - y.col(t).mean())).mean();
    EXPECT_NEAR(beta(0, t), cov / population_sd(x.col(0)), 1e-12);
  }
}

TEST(StandardizedOls, EqualsRawScaleNormalEquationsTimesSd) {
  std::mt19937_64 rng(2);
  const Eigen::Index n = 80;
  Eigen::MatrixXd x = normal_matrix(rng, n, 2);
  x.col(1) = 0.5 * x.col(0) + x.col(1) * 4.0;  // correlated, another scale
  const Eigen::MatrixXd c = normal_matrix(rng, n, 3) * 2.0;
  const Eigen::MatrixXd y = x * Eigen::Vector2d(1.0, -0.3) + c.col(0) + normal_matrix(rng, n, 1);
  // Independent: the normal equations of [1, x, c] on the raw scale (LDLT), b_j * sd(x_j).
  Eigen::MatrixXd d(n, 6);
  d << Eigen::VectorXd::Ones(n), x, c;
  const Eigen::VectorXd b = (d.transpose() * d).ldlt().solve(d.transpose() * y);
  const Eigen::MatrixXd beta = standardized_ols(x, c, y);
  EXPECT_NEAR(beta(0, 0), b(1) * population_sd(x.col(0)), 1e-10);
  EXPECT_NEAR(beta(1, 0), b(2) * population_sd(x.col(1)), 1e-10);
}

TEST(StandardizedOls, RecoversAPlantedNoiseFreeModel) {
  std::mt19937_64 rng(3);
  const Eigen::MatrixXd x = normal_matrix(rng, 40, 2), c = normal_matrix(rng, 40, 1);
  Eigen::MatrixXd zx = x, zc = c;
  for (Eigen::Index j = 0; j < 2; ++j) zx.col(j) = (x.col(j).array() - x.col(j).mean()) / population_sd(x.col(j));
  zc.col(0) = (c.col(0).array() - c.col(0).mean()) / population_sd(c.col(0));
  const Eigen::MatrixXd y = (3.0 + 2.0 * zx.col(0).array() - 0.5 * zx.col(1).array() + 0.7 * zc.col(0).array()).matrix();
  const Eigen::MatrixXd beta = standardized_ols(x, c, y);
  EXPECT_NEAR(beta(0, 0), 2.0, 1e-12);
  EXPECT_NEAR(beta(1, 0), -0.5, 1e-12);
}

TEST(StandardizedOls, BadInputsAreNamed) {
  std::mt19937_64 rng(4);
  const Eigen::MatrixXd x = normal_matrix(rng, 20, 2), y = normal_matrix(rng, 20, 1);
  Eigen::MatrixXd constant = x;
  constant.col(1).setConstant(5.0);
  EXPECT_EQ(error_of([&] { standardized_ols(constant, Eigen::MatrixXd(20, 0), y); }), "standardized_ols: predictor column 1 is constant");
  EXPECT_EQ(error_of([&] { standardized_ols(x, x.col(0) * 2.0, y); }).rfind("standardized_ols: the predictors and covariates are linearly dependent", 0), 0u);
  EXPECT_EQ(error_of([&] { standardized_ols(x.topRows(4), Eigen::MatrixXd(4, 0), y.topRows(4)); }),
            "standardized_ols: 4 rows for 3 coefficients (intercept included): at least 2 more rows are needed");
  EXPECT_EQ(error_of([&] { standardized_ols(x, Eigen::MatrixXd(20, 0), y.topRows(10)); }),
            "standardized_ols: predictors have 20 rows, covariates 20, responses 10");
  Eigen::MatrixXd nan = y;
  nan(3, 0) = std::nan("");
  EXPECT_NE(error_of([&] { standardized_ols(x, Eigen::MatrixXd(20, 0), nan); }).find("responses"), std::string::npos);
}

// A planted effect of +0.3 per SD with a covariate: the 95% interval covers it in about 95% of data
// sets and never has the wrong sign when the effect is large against its standard error.
TEST(StandardizedOlsBootstrap, IntervalsCoverThePlantedEffect) {
  std::mt19937_64 rng(5);
  const Eigen::Index n = 150;
  int covered = 0, wrong_sign = 0;
  const int datasets = 300;
  for (int k = 0; k < datasets; ++k) {
    const Eigen::MatrixXd x = normal_matrix(rng, n, 1), c = normal_matrix(rng, n, 1);
    Eigen::MatrixXd y = normal_matrix(rng, n, 1);
    y.col(0) += 0.3 * (x.col(0).array() - x.col(0).mean()).matrix() / population_sd(x.col(0)) + 0.5 * c.col(0);
    const OlsEffects e = standardized_ols_bootstrap(x, c, y, contiguous_blocks(static_cast<std::size_t>(n), BlockLength{1}),
                                                    Seed{static_cast<std::uint64_t>(100 + k)}, 400);
    if (e.lower(0, 0) <= 0.3 && 0.3 <= e.upper(0, 0)) ++covered;
    if (e.coefficient(0, 0) < 0.0) ++wrong_sign;
    EXPECT_LE(e.lower(0, 0), e.coefficient(0, 0));
    EXPECT_GE(e.upper(0, 0), e.coefficient(0, 0));
  }
  const double coverage = covered / static_cast<double>(datasets);
  EXPECT_GE(coverage, 0.88);
  EXPECT_LE(coverage, 0.99);
  EXPECT_EQ(wrong_sign, 0);  // 0.3 against a standard error of about 0.08
  RecordProperty("coverage", std::to_string(coverage));
}

TEST(StandardizedOlsBootstrap, SameSeedSameIntervalAndTheDrawsAreKept) {
  std::mt19937_64 rng(6);
  const Eigen::MatrixXd x = normal_matrix(rng, 60, 2), y = normal_matrix(rng, 60, 3);
  const ResamplingUnits units = contiguous_blocks(60, BlockLength{5});
  const OlsEffects a = standardized_ols_bootstrap(x, Eigen::MatrixXd(60, 0), y, units, Seed{9}, 50);
  const OlsEffects b = standardized_ols_bootstrap(x, Eigen::MatrixXd(60, 0), y, units, Seed{9}, 50);
  EXPECT_EQ(a.lower, b.lower);
  EXPECT_EQ(a.upper, b.upper);
  ASSERT_EQ(a.distribution.rows(), 50);
  ASSERT_EQ(a.distribution.cols(), 6);
  EXPECT_EQ(a.coefficient, standardized_ols(x, Eigen::MatrixXd(60, 0), y));
  EXPECT_EQ(error_of([&] { standardized_ols_bootstrap(x, Eigen::MatrixXd(60, 0), y, units, Seed{9}, 1); }),
            "standardized_ols_bootstrap: at least 2 resamples, got 1");
}

}  // namespace
}  // namespace neuroscore
