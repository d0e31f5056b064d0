#include "neuroscore/ridge.hpp"

#include <gtest/gtest.h>

#include <random>

namespace ns = neuroscore;

namespace {

Eigen::MatrixXd gaussian(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(rng);
  return m;
}

// Direct solve of (Xc'Xc + alpha I) W = Xc'Yc, the textbook definition.
Eigen::MatrixXd direct_ridge(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double alpha) {
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd yc = y.rowwise() - y.colwise().mean();
  const Eigen::MatrixXd gram = xc.transpose() * xc + alpha * Eigen::MatrixXd::Identity(x.cols(), x.cols());
  return gram.ldlt().solve(xc.transpose() * yc);
}

}  // namespace

// Both shapes (n >= p and p > n) go through the same thin SVD here; the normal equations
// must hold to 1e-10 relative in double either way.
class RidgePathShapes : public ::testing::TestWithParam<std::pair<int, int>> {};

TEST_P(RidgePathShapes, SatisfiesTheNormalEquations) {
  const auto [n, p] = GetParam();
  const Eigen::MatrixXd x = gaussian(n, p, 1);
  const Eigen::MatrixXd y = gaussian(n, 3, 2);
  const ns::RidgePath path(x);
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd yc = y.rowwise() - y.colwise().mean();
  for (double alpha : {1e-3, 1.0, 1e3}) {
    const Eigen::MatrixXd w = path.coefficients(path.project_targets(y), alpha);
    const Eigen::MatrixXd lhs = xc.transpose() * xc * w + alpha * w;
    const Eigen::MatrixXd rhs = xc.transpose() * yc;
    EXPECT_LT((lhs - rhs).norm() / rhs.norm(), 1e-10) << "n=" << n << " p=" << p << " alpha=" << alpha;
    EXPECT_LT((w - direct_ridge(x, y, alpha)).norm() / w.norm(), 1e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(PrimalAndWide, RidgePathShapes,
                         ::testing::Values(std::make_pair(50, 5), std::make_pair(20, 60)));

TEST(RidgePath, DropsNullDirectionsOfARankDeficientDesign) {
  Eigen::MatrixXd x = gaussian(30, 4, 3);
  x.col(3) = x.col(0) + x.col(1);  // rank 3 after centring
  x.col(2).setConstant(7.0);       // a constant column: centred away, rank 2
  const ns::RidgePath path(x);
  EXPECT_EQ(path.rank(), 2);
}

TEST(CrossValidatedRidge, SingleAlphaEqualsDirectSolvePerFold) {
  const Eigen::MatrixXd x = gaussian(60, 4, 4);
  const Eigen::MatrixXd y = x * gaussian(4, 2, 5) + 0.5 * gaussian(60, 2, 6);
  const auto folds = ns::contiguous_kfold(60, 3, ns::Gap{2});
  ns::RidgeCvOptions options;
  options.alphas = {3.0};
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, options);
  for (const auto& fold : folds) {
    const Eigen::MatrixXd xtr = ns::detail::take_rows(x, fold.train);
    const Eigen::MatrixXd ytr = ns::detail::take_rows(y, fold.train);
    const Eigen::MatrixXd w = direct_ridge(xtr, ytr, 3.0);
    const Eigen::RowVectorXd intercept = ytr.colwise().mean() - xtr.colwise().mean() * w;
    for (std::size_t i : fold.test) {
      const Eigen::RowVectorXd expected = x.row(i) * w + intercept;
      EXPECT_LT((fit.predictions.row(i) - expected).norm(), 1e-10);
    }
  }
  EXPECT_TRUE((fit.chosen_alpha.array() == 3.0).all());
  EXPECT_EQ(fit.alphas_at_grid_edge, 0);  // a one-alpha grid has no edge to warn about
}

TEST(CrossValidatedRidge, PicksSmallAlphaForSignalAndLargestForConstantTargets) {
  const Eigen::Index n = 200;
  const Eigen::MatrixXd x = gaussian(n, 10, 7);
  Eigen::MatrixXd y(n, 2);
  y.col(0) = x * gaussian(10, 1, 8) + 0.01 * gaussian(n, 1, 9);  // nearly noiseless signal
  y.col(1).setConstant(2.0);  // every alpha scores R^2 = 0: the tie goes to the largest
  const auto folds = ns::contiguous_kfold(n, 5);
  ns::RidgeCvOptions options;
  options.alphas = {1e4, 1e-3, 1.0};  // unsorted on purpose
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, options);
  for (Eigen::Index f = 0; f < 5; ++f) {
    EXPECT_LE(fit.chosen_alpha(f, 0), 1.0);
    EXPECT_EQ(fit.chosen_alpha(f, 1), 1e4);
    EXPECT_GT(fit.fold_r(f, 0), 0.99);
    EXPECT_EQ(fit.fold_r(f, 1), 0.0);
  }
  EXPECT_EQ(fit.degenerate_scores, 5);  // the constant target, once per fold
  EXPECT_GE(fit.alphas_at_grid_edge, 5);
}

TEST(CrossValidatedRidge, SharedAlphaIsTheSameForEveryTarget) {
  const Eigen::MatrixXd x = gaussian(100, 5, 10);
  const Eigen::MatrixXd y = x * gaussian(5, 4, 11) + gaussian(100, 4, 12);
  ns::RidgeCvOptions options;
  options.per_target_alpha = false;
  const auto fit = ns::cross_validated_ridge(x, y, ns::contiguous_kfold(100, 4), options);
  for (Eigen::Index f = 0; f < 4; ++f) {
    EXPECT_TRUE((fit.chosen_alpha.row(f).array() == fit.chosen_alpha(f, 0)).all());
  }
}

TEST(CrossValidatedRidge, BadInputGivesClearErrors) {
  Eigen::MatrixXd x = gaussian(20, 2, 13);
  const Eigen::MatrixXd y = gaussian(20, 1, 14);
  const auto folds = ns::contiguous_kfold(20, 2);
  EXPECT_THROW(ns::cross_validated_ridge(x, gaussian(19, 1, 1), folds), std::invalid_argument);
  ns::RidgeCvOptions negative;
  negative.alphas = {-1.0};
  EXPECT_THROW(ns::cross_validated_ridge(x, y, folds, negative), std::invalid_argument);
  x(7, 1) = std::numeric_limits<double>::quiet_NaN();
  try {
    ns::cross_validated_ridge(x, y, folds);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("X has a non-finite value (nan) at row 7, column 1"),
              std::string::npos)
        << e.what();
  }
}
