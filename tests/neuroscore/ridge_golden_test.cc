// Ridge against scikit-learn 1.2.1 (values and provenance in golden/ridge_golden.hpp, made by
// golden/make_ridge_golden.py).
#include <gtest/gtest.h>

#include "neuroscore/ridge.hpp"
#include "tests/neuroscore/golden/ridge_golden.hpp"

namespace ns = neuroscore;
namespace g = ridge_golden;

namespace {
const Eigen::MatrixXd& coef(int i) {
  static const Eigen::MatrixXd* m[] = {&g::kCoef0, &g::kCoef1, &g::kCoef2, &g::kCoef3};
  return *m[i];
}
const Eigen::MatrixXd& intercept(int i) {
  static const Eigen::MatrixXd* m[] = {&g::kIntercept0, &g::kIntercept1, &g::kIntercept2, &g::kIntercept3};
  return *m[i];
}
const Eigen::MatrixXd& predict(int i) {
  static const Eigen::MatrixXd* m[] = {&g::kPredict0, &g::kPredict1, &g::kPredict2, &g::kPredict3};
  return *m[i];
}
}  // namespace

// Tolerance 1e-9 absolute, in the units of Y (values of order 10): sklearn solves with a
// Cholesky factorization and we with an eigendecomposition of the same Gram matrix; both
// are backward stable, so they differ by about eps * cond(X'X + alpha I) * |Y|, with
// cond < 10 here: about 1e-14, and 1e-9 leaves ample margin while still catching any
// convention error (alpha squared, intercept penalized, 1/n scaling), which moves values by
// more than 1e-3.
constexpr double kTolerance = 1e-9;

TEST(RidgeGolden, CoefficientsInterceptsAndPredictionsMatchSklearnRidge) {
  const Eigen::MatrixXd x_train = g::kX.topRows(g::kTrain);
  const Eigen::MatrixXd y_train = g::kY.topRows(g::kTrain);
  const Eigen::MatrixXd x_test = g::kX.bottomRows(g::kX.rows() - g::kTrain);
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    const ns::RidgeDecomposition<double> dec(x_train, solver);
    for (int i = 0; i < 4; ++i) {
      const double alpha = g::kAlphas[static_cast<std::size_t>(i)];
      const Eigen::MatrixXd w = dec.coefficients(y_train, alpha);
      const Eigen::RowVectorXd b = y_train.colwise().mean() - x_train.colwise().mean() * w;
      EXPECT_LT((w - coef(i)).cwiseAbs().maxCoeff(), kTolerance) << "alpha=" << alpha;
      EXPECT_LT((b - intercept(i)).cwiseAbs().maxCoeff(), kTolerance) << "alpha=" << alpha;
      const Eigen::MatrixXd pred = (x_test * w).rowwise() + b;
      EXPECT_LT((pred - predict(i)).cwiseAbs().maxCoeff(), kTolerance) << "alpha=" << alpha;
    }
  }
}

// One outer fold (train rows, test rows) with inner contiguous 5-fold and no gap: the inner
// splits are KFold(5, shuffle=False)'s, so the chosen alphas and refit predictions match.
TEST(RidgeGolden, PerTargetAlphaMatchesKFoldEmulationOfRidgeCV) {
  ns::Fold fold;
  for (int i = 0; i < g::kX.rows(); ++i) (i < g::kTrain ? fold.train : fold.test).push_back(static_cast<std::size_t>(i));
  ns::RidgeCvOptions options;
  options.alphas = g::kCvAlphas;
  options.inner_folds = 5;
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    options.solver = solver;
    const ns::RidgeCvResult fit = ns::cross_validated_ridge(g::kX, g::kY, {fold}, options);
    EXPECT_EQ(fit.chosen_alpha, g::kCvChosenAlpha);
    const Eigen::MatrixXd pred = fit.predictions.bottomRows(g::kX.rows() - g::kTrain);
    EXPECT_LT((pred - g::kCvPredict).cwiseAbs().maxCoeff(), kTolerance);
  }
}
