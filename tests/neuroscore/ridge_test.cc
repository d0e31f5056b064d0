#include "neuroscore/ridge.hpp"

#include <gtest/gtest.h>

#include "tests/io/expect_error.hpp"
#include "tests/testing/gaussian.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace ns = neuroscore;

namespace {

using neuroscore::testing::gaussian;

// Direct solve of (Xc'Xc + alpha I) W = Xc'Yc, the textbook definition.
Eigen::MatrixXd direct_ridge(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, double alpha) {
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd yc = y.rowwise() - y.colwise().mean();
  const Eigen::MatrixXd gram = xc.transpose() * xc + alpha * Eigen::MatrixXd::Identity(x.cols(), x.cols());
  return gram.ldlt().solve(xc.transpose() * yc);
}

}  // namespace

TEST(CrossValidatedRidge, SingleAlphaEqualsDirectSolvePerFold) {
  const Eigen::MatrixXd x = gaussian(60, 4, 4);
  const Eigen::MatrixXd y = x * gaussian(4, 2, 5) + 0.5 * gaussian(60, 2, 6);
  const auto folds = ns::contiguous_kfold(60, 3, ns::Gap{2});
  ns::RidgeCvOptions options;
  options.alphas = {3.0};
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, options);
  for (const auto& fold : folds) {
    const Eigen::MatrixXd xtr = ns::rows_of(x, fold.train);
    const Eigen::MatrixXd ytr = ns::rows_of(y, fold.train);
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
  // Per (fold, target): the constant target sits at the top edge in every fold; the count
  // is the number of non-zero flags; a middle choice (alpha 1) is flagged 0.
  EXPECT_EQ(fit.alphas_at_grid_edge, (fit.grid_edge.array() != 0).count());
  for (Eigen::Index f = 0; f < 5; ++f) {
    EXPECT_EQ(fit.grid_edge(f, 1), 1);
    const int expected = fit.chosen_alpha(f, 0) == 1e-3 ? -1 : fit.chosen_alpha(f, 0) == 1e4 ? 1 : 0;
    EXPECT_EQ(fit.grid_edge(f, 0), expected);
  }
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

// ---- RidgeDecomposition: every solver satisfies the normal equations (typed over Scalar
// would need a float tolerance; the double checks are the 1e-10 contract of the issue). ----

struct SolverCase {
  int n, p;
  ns::RidgeSolver solver;
};

class RidgeDecompositionSolvers : public ::testing::TestWithParam<SolverCase> {};

// (Xc'Xc + alpha I) W = Xc'Yc to 1e-10 relative in double, for primal and dual on tall and
// wide X (both sides of the automatic branch, and each solver forced on the other shape).
TEST_P(RidgeDecompositionSolvers, SatisfiesTheNormalEquations) {
  const auto [n, p, solver] = GetParam();
  const Eigen::MatrixXd x = gaussian(n, p, 21);
  const Eigen::MatrixXd y = gaussian(n, 3, 22);
  const ns::RidgeDecomposition<double> dec(x, solver);
  EXPECT_EQ(dec.solver(), solver == ns::RidgeSolver::automatic
                              ? (p > n ? ns::RidgeSolver::dual : ns::RidgeSolver::primal)
                              : solver);
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const Eigen::MatrixXd yc = y.rowwise() - y.colwise().mean();
  for (double alpha : {1e-3, 1.0, 1e3}) {
    const Eigen::MatrixXd w = dec.coefficients(y, alpha);
    const Eigen::MatrixXd lhs = xc.transpose() * (xc * w) + alpha * w;
    const Eigen::MatrixXd rhs = xc.transpose() * yc;
    EXPECT_LT((lhs - rhs).norm() / rhs.norm(), 1e-10) << "n=" << n << " p=" << p << " alpha=" << alpha;
    EXPECT_LT((w - direct_ridge(x, y, alpha)).norm() / w.norm(), 1e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(
    PrimalDualTallWide, RidgeDecompositionSolvers,
    ::testing::Values(SolverCase{50, 5, ns::RidgeSolver::automatic}, SolverCase{20, 60, ns::RidgeSolver::automatic},
                      SolverCase{50, 5, ns::RidgeSolver::dual}, SolverCase{20, 60, ns::RidgeSolver::primal},
                      SolverCase{50, 5, ns::RidgeSolver::primal}, SolverCase{20, 60, ns::RidgeSolver::dual}));

TEST(RidgeDecomposition, RankDeficiencyAndConstantColumnInBothSolvers) {
  Eigen::MatrixXd x = gaussian(30, 4, 3);
  x.col(3) = x.col(0) + x.col(1);
  x.col(2).setConstant(7.0);
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    for (bool standardize : {false, true}) {
      const ns::RidgeDecomposition<double> dec(x, solver, standardize);
      EXPECT_EQ(dec.rank(), 2);
      // alpha = 0: the minimum-norm least-squares fit still solves the normal equations.
      const Eigen::MatrixXd y = gaussian(30, 2, 4);
      const Eigen::MatrixXd w = dec.coefficients(y, 0.0);
      EXPECT_TRUE(w.allFinite());
      EXPECT_NEAR(w.row(2).norm(), 0.0, 1e-12);  // the constant column gets no weight
    }
  }
}

// A column with (almost) no spread on the training rows but O(1) values on the test rows: before
// the guard, standardization divided it by its 1e-80 training sd and the test predictions came out
// near 1e80. Dropped, the fit equals the fit without that column, in both solvers and both modes.
TEST(RidgeDecomposition, NearConstantTrainingColumnIsDroppedNotBlownUp) {
  const Eigen::MatrixXd x_train_kept = gaussian(30, 3, 40);
  const Eigen::MatrixXd x_test_kept = gaussian(8, 3, 41);
  const Eigen::MatrixXd y = gaussian(30, 2, 42);
  Eigen::MatrixXd x_train(30, 4), x_test(8, 4);
  x_train << x_train_kept.leftCols(2), 1e-80 * gaussian(30, 1, 43), x_train_kept.col(2);
  x_test << x_test_kept.leftCols(2), Eigen::MatrixXd::Ones(8, 1), x_test_kept.col(2);
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    for (bool standardize : {false, true}) {
      const ns::RidgeDecomposition<double> with(x_train, solver, standardize);
      const ns::RidgeDecomposition<double> without(x_train_kept, solver, standardize);
      ASSERT_EQ(with.dropped_columns(), std::vector<Eigen::Index>{2});
      EXPECT_TRUE(without.dropped_columns().empty());
      const Eigen::MatrixXd w = with.coefficients(y, 3.0);
      const Eigen::MatrixXd w0 = without.coefficients(y, 3.0);
      EXPECT_EQ(w.row(2).norm(), 0.0);
      const Eigen::MatrixXd pred = (x_test.rowwise() - x_train.colwise().mean()) * w;
      const Eigen::MatrixXd pred0 = (x_test_kept.rowwise() - x_train_kept.colwise().mean()) * w0;
      EXPECT_LT((pred - pred0).cwiseAbs().maxCoeff(), 1e-10) << "standardize " << standardize;
      // The same through project_inputs (what cross-validation uses).
      Eigen::MatrixXd z(with.rank(), 2);
      with.project_centred_targets(y.rowwise() - y.colwise().mean(), z);
      z.array().colwise() /= (with.eigenvalues().array() + 3.0);
      EXPECT_LT((with.project_inputs(x_test) * z - pred0).cwiseAbs().maxCoeff(), 1e-10);
    }
  }
}

// Both sides of the relative threshold kNearConstantColumn (1.49e-8 of the largest column's sd):
// a column at 1e-9 of the largest spread is dropped, one at 1e-7 is kept (and, standardized, it
// is a full-weight feature again). An all-constant design drops everything: rank 0, W = 0.
TEST(RidgeDecomposition, NearConstantThresholdIsRelativeToTheLargestColumn) {
  Eigen::MatrixXd x = gaussian(40, 3, 50);
  x.col(0) *= 1e3;
  x.col(1) *= 1e-9 * 1e3;
  x.col(2) *= 1e-7 * 1e3;
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    const ns::RidgeDecomposition<double> dec(x, solver, true);
    EXPECT_EQ(dec.dropped_columns(), std::vector<Eigen::Index>{1});
    EXPECT_EQ(dec.rank(), 2);
  }
  const Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(10, 3, 2.5);
  const ns::RidgeDecomposition<double> none(flat, ns::RidgeSolver::primal, true);
  EXPECT_EQ(none.dropped_columns(), (std::vector<Eigen::Index>{0, 1, 2}));
  EXPECT_EQ(none.rank(), 0);
  EXPECT_EQ(none.coefficients(gaussian(10, 1, 51), 1.0).norm(), 0.0);
}

// cross_validated_ridge on an OASM-like design (identity smoothed with a narrow Gaussian): each
// test block's own columns are down to 1e-100 on the training rows. Without the guard those were
// divided by their ~1e-100 training sd and predictions reached 1e80 and beyond; now they are
// dropped and the result names them per outer fold. Columns just above the threshold (1e-8..1e-4
// of the largest spread) are kept and still extrapolate: standardized, a test value of 1 is 1e4-1e8
// training sds out, so predictions reach ~2000x the responses' scale here (measured 5.7e4 against
// |y| <= 28). That is ridge on standardized features doing what it is asked, not rounding; the
// bound below is what the guard guarantees.
TEST(CrossValidatedRidge, ReportsDroppedColumnsAndKeepsPredictionsFinite) {
  const Eigen::Index n = 60;
  Eigen::MatrixXd x(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < n; ++j) x(i, j) = std::exp(-0.5 * static_cast<double>((i - j) * (i - j)));
  }
  const Eigen::MatrixXd y = gaussian(n, 2, 52);
  ns::RidgeCvOptions options;
  options.standardize = true;
  options.alphas = {1.0, 100.0};
  options.inner_folds = 3;
  const auto folds = ns::contiguous_kfold(static_cast<std::size_t>(n), 3, ns::Gap{2});
  const ns::RidgeCvResult r = ns::cross_validated_ridge(x, y, folds, options);
  ASSERT_EQ(r.dropped_columns.size(), 3u);
  for (std::size_t f = 0; f < folds.size(); ++f) {
    // The middle of each 20-sample test block is > 8 samples from any training row
    // (exp(-32) = 1.3e-14 relative to the diagonal): dropped.
    const Eigen::Index mid = static_cast<Eigen::Index>(folds[f].test[folds[f].test.size() / 2]);
    EXPECT_TRUE(std::find(r.dropped_columns[f].begin(), r.dropped_columns[f].end(), mid) != r.dropped_columns[f].end())
        << "fold " << f;
    for (Eigen::Index j : r.dropped_columns[f]) {
      EXPECT_TRUE(std::find(folds[f].train.begin(), folds[f].train.end(), static_cast<std::size_t>(j)) ==
                  folds[f].train.end()) << "a training sample's own column was dropped";
    }
  }
  EXPECT_TRUE(r.predictions.allFinite());
  EXPECT_LT(r.predictions.cwiseAbs().maxCoeff(), 1e6 * y.cwiseAbs().maxCoeff());
}

// Standardization uses the training mean and population standard deviation only, and W is
// reported in the original units: equals ridge on X / sd with W scaled back.
TEST(RidgeDecomposition, StandardizeEqualsRidgeOnScaledFeatures) {
  Eigen::MatrixXd x = gaussian(40, 3, 30);
  x.col(1) *= 100.0;
  const Eigen::MatrixXd y = gaussian(40, 2, 31);
  const Eigen::MatrixXd xc = x.rowwise() - x.colwise().mean();
  const Eigen::RowVectorXd sd = (xc.colwise().squaredNorm() / 40.0).cwiseSqrt();
  const Eigen::MatrixXd xs = xc.array().rowwise() / sd.array();
  const Eigen::MatrixXd expected = direct_ridge(xs, y, 5.0).array().colwise() / sd.transpose().array();
  for (auto solver : {ns::RidgeSolver::primal, ns::RidgeSolver::dual}) {
    const ns::RidgeDecomposition<double> dec(x, solver, true);
    EXPECT_LT((dec.coefficients(y, 5.0) - expected).norm() / expected.norm(), 1e-10);
  }
}

namespace {
ns::RidgeCvOptions grid_options(ns::RidgeSolver solver) {
  ns::RidgeCvOptions options;
  options.alphas = {1e-2, 1e-1, 1.0, 10.0, 100.0, 1e3, 1e4};
  options.solver = solver;
  return options;
}
}  // namespace

// Primal and dual cross-validated ridge give the same alphas and predictions, on both shapes.
TEST(CrossValidatedRidge, PrimalAndDualAgree) {
  for (auto [n, p] : {std::make_pair(120, 8), std::make_pair(60, 150)}) {
    const Eigen::MatrixXd x = gaussian(n, p, 40);
    const Eigen::MatrixXd y = x * gaussian(p, 5, 41) * (1.0 / std::sqrt(double(p))) + gaussian(n, 5, 42);
    const auto folds = ns::contiguous_kfold(n, 4, ns::Gap{2});
    const auto primal = ns::cross_validated_ridge(x, y, folds, grid_options(ns::RidgeSolver::primal));
    const auto dual = ns::cross_validated_ridge(x, y, folds, grid_options(ns::RidgeSolver::dual));
    const auto automatic = ns::cross_validated_ridge(x, y, folds, grid_options(ns::RidgeSolver::automatic));
    EXPECT_EQ(primal.chosen_alpha, dual.chosen_alpha) << "n=" << n << " p=" << p;
    EXPECT_LT((primal.predictions - dual.predictions).norm() / primal.predictions.norm(), 1e-9);
    EXPECT_LT((primal.predictions - automatic.predictions).norm() / primal.predictions.norm(), 1e-9);
  }
}

// Float runs the target products in single precision. Bound: predictions agree with double
// to 1e-4 relative (Frobenius). Unit roundoff 6e-8 times the growth of the products
// (sums of about 100 terms) and the filter's condition (l_max + a)/(l_min + a) below 10 for
// this well-conditioned design gives about 1e-5; 1e-4 leaves a factor of 10.
TEST(CrossValidatedRidge, FloatAgreesWithDouble) {
  for (auto [n, p] : {std::make_pair(200, 10), std::make_pair(80, 200)}) {
    const Eigen::MatrixXd x = gaussian(n, p, 50);
    const Eigen::MatrixXd y = x * gaussian(p, 6, 51) * (1.0 / std::sqrt(double(p))) + gaussian(n, 6, 52);
    const auto folds = ns::contiguous_kfold(n, 5);
    ns::RidgeCvOptions options;
    options.alphas = {1e-1, 10.0, 1e3};  // widely spaced: float rounding cannot flip a choice
    const auto d = ns::cross_validated_ridge(x, y, folds, options);
    const ns::RidgeCvResultOf<float> f = ns::cross_validated_ridge(
        Eigen::MatrixXf(x.cast<float>()), Eigen::MatrixXf(y.cast<float>()), folds, options);
    EXPECT_EQ(d.chosen_alpha, f.chosen_alpha);
    EXPECT_LT((d.predictions - f.predictions.cast<double>()).norm() / d.predictions.norm(), 1e-4);
    EXPECT_LT((d.fold_r - f.fold_r).cwiseAbs().maxCoeff(), 1e-4);
  }
}

// A byte budget that allows 3 targets per batch gives exactly the one-batch result.
TEST(CrossValidatedRidge, TargetBatchesUnderAByteBudgetGiveTheSameResult) {
  const Eigen::MatrixXd x = gaussian(90, 6, 60);
  const Eigen::MatrixXd y = x * gaussian(6, 10, 61) + gaussian(90, 10, 62);
  const auto folds = ns::contiguous_kfold(90, 3);
  ns::RidgeCvOptions options = grid_options(ns::RidgeSolver::automatic);
  const auto whole = ns::cross_validated_ridge(x, y, folds, options);
  EXPECT_EQ(whole.target_batch_size, 10);
  const std::size_t per_target = ns::detail::RidgeWorkspace<double>::bytes_per_target(60, 6, 30, 7);
  options.max_batch_bytes = 3 * per_target + 1;
  const auto batched = ns::cross_validated_ridge(x, y, folds, options);
  EXPECT_EQ(batched.target_batch_size, 3);
  EXPECT_EQ(whole.chosen_alpha, batched.chosen_alpha);
  EXPECT_LT((whole.predictions - batched.predictions).cwiseAbs().maxCoeff(), 1e-12);
  options.max_batch_bytes = 1;  // below one target: still one at a time
  EXPECT_EQ(ns::cross_validated_ridge(x, y, folds, options).target_batch_size, 1);
  options.max_batch_bytes = 0;
  EXPECT_THROW(ns::cross_validated_ridge(x, y, folds, options), std::invalid_argument);
}

TEST(CrossValidatedRidge, EdgeCases) {
  // One target; p > n inside every fold (dual); a constant column; a rank-deficient design.
  Eigen::MatrixXd x = gaussian(40, 70, 70);
  x.col(5).setConstant(-3.0);
  x.col(6) = 2.0 * x.col(7);
  const Eigen::MatrixXd y = x.leftCols(4).rowwise().sum() + 0.1 * gaussian(40, 1, 71);
  const auto fit = ns::cross_validated_ridge(x, y, ns::contiguous_kfold(40, 4), grid_options(ns::RidgeSolver::automatic));
  EXPECT_EQ(fit.predictions.cols(), 1);
  EXPECT_TRUE(fit.predictions.allFinite());
  EXPECT_GT(fit.mean_r()(0), 0.3);
  // Fewer training samples than inner folds: a clear error.
  ns::RidgeCvOptions many = grid_options(ns::RidgeSolver::automatic);
  many.inner_folds = 31;
  try {
    ns::cross_validated_ridge(x, y, ns::contiguous_kfold(40, 4), many);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("fewer than inner_folds = 31"), std::string::npos) << e.what();
  }
  // Inf in Y names row and column.
  Eigen::MatrixXd bad = gaussian(40, 2, 72);
  bad(11, 1) = std::numeric_limits<double>::infinity();
  try {
    ns::cross_validated_ridge(x, bad, ns::contiguous_kfold(40, 4));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Y has a non-finite value (inf) at row 11, column 1"),
              std::string::npos) << e.what();
  }
}

TEST(CrossValidatedRidge, FloatInputErrorsNameRowAndColumn) {
  Eigen::MatrixXf x = Eigen::MatrixXf::Random(20, 3);
  x(4, 2) = std::numeric_limits<float>::quiet_NaN();
  const Eigen::MatrixXf y = Eigen::MatrixXf::Random(20, 1);
  try {
    ns::cross_validated_ridge(x, y, ns::contiguous_kfold(20, 2));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("at row 4, column 2"), std::string::npos) << e.what();
  }
}

namespace {

// Alpha chosen for one outer fold and target by the selection rule (best mean inner-fold R^2,
// ties to the larger alpha) over explicit inner folds (sample indices), with every inner fit
// done as a one-alpha cross_validated_ridge on the outer training rows.
double reference_alpha(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const ns::Fold& outer,
                       const std::vector<ns::Fold>& inner, const ns::RidgeCvOptions& options, Eigen::Index target) {
  std::vector<ns::Fold> pos;
  for (const ns::Fold& f : inner) pos.push_back(ns::positions_in(outer.train, f));
  Eigen::MatrixXd xt(static_cast<Eigen::Index>(outer.train.size()), x.cols());
  Eigen::MatrixXd yt(static_cast<Eigen::Index>(outer.train.size()), 1);
  for (std::size_t i = 0; i < outer.train.size(); ++i) {
    xt.row(static_cast<Eigen::Index>(i)) = x.row(static_cast<Eigen::Index>(outer.train[i]));
    yt(static_cast<Eigen::Index>(i)) = y(static_cast<Eigen::Index>(outer.train[i]), target);
  }
  double best = -std::numeric_limits<double>::infinity(), chosen = 0.0;
  for (double a : options.alphas) {
    ns::RidgeCvOptions one = options;
    one.alphas = {a};
    one.inner_groups.clear();
    const Eigen::MatrixXd pred = ns::cross_validated_ridge(xt, yt, pos, one).predictions;
    double r2 = 0.0;
    for (const ns::Fold& f : pos) {
      Eigen::VectorXd obs(static_cast<Eigen::Index>(f.test.size())), p(obs.size());
      for (std::size_t i = 0; i < f.test.size(); ++i) {
        obs(static_cast<Eigen::Index>(i)) = yt(static_cast<Eigen::Index>(f.test[i]));
        p(static_cast<Eigen::Index>(i)) = pred(static_cast<Eigen::Index>(f.test[i]));
      }
      r2 += 1.0 - (obs - p).squaredNorm() / (obs.array() - obs.mean()).square().sum();
    }
    r2 /= static_cast<double>(pos.size());
    if (r2 >= best) best = r2, chosen = a;  // alphas ascending: ties go to the larger
  }
  return chosen;
}

}  // namespace

// Groups (stories) with a group-level offset in Y that X identifies (group-constant columns):
// contiguous inner folds split groups, so a small alpha that memorizes the offsets looks good on
// rows of groups it trained on. Grouped inner folds never test a group seen in training; the
// chosen alpha must be the one the rule picks on inner_group_kfold's folds.
TEST(CrossValidatedRidge, GroupedInnerFoldsNeverSplitAGroup) {
  const Eigen::Index groups = 12, per = 25, n = groups * per;
  std::vector<int> label(static_cast<std::size_t>(n));
  const Eigen::MatrixXd group_x = gaussian(groups, 6, 90);
  const Eigen::MatrixXd offset = gaussian(groups, 2, 91);
  Eigen::MatrixXd x = 0.05 * gaussian(n, 6, 92);
  Eigen::MatrixXd y = 0.5 * gaussian(n, 2, 93);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index g = i / per;
    label[static_cast<std::size_t>(i)] = static_cast<int>(g);
    x.row(i) += group_x.row(g);
    y.row(i) += 2.0 * offset.row(g);
  }
  const std::vector<ns::Fold> outer = ns::group_kfold(label, 4);
  ns::RidgeCvOptions grouped;
  grouped.alphas = {1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4};
  grouped.inner_groups = label;
  ns::RidgeCvOptions contiguous = grouped;
  contiguous.inner_groups.clear();
  const auto fit = ns::cross_validated_ridge(x, y, outer, grouped);
  const auto blind = ns::cross_validated_ridge(x, y, outer, contiguous);
  int differs = 0;
  for (std::size_t f = 0; f < outer.size(); ++f) {
    const std::vector<ns::Fold> inner = ns::inner_group_kfold(outer[f].train, label, 5);
    for (const ns::Fold& in : inner) {
      for (std::size_t i : in.test)
        for (std::size_t j : in.train) ASSERT_NE(label[i], label[j]);
    }
    for (Eigen::Index t = 0; t < 2; ++t) {
      EXPECT_EQ(fit.chosen_alpha(static_cast<Eigen::Index>(f), t), reference_alpha(x, y, outer[f], inner, grouped, t))
          << "fold " << f << " target " << t;
      differs += fit.chosen_alpha(static_cast<Eigen::Index>(f), t) != blind.chosen_alpha(static_cast<Eigen::Index>(f), t);
    }
  }
  EXPECT_GT(differs, 0) << "the design must make the two inner splits choose differently";

  // Fewer groups in an outer training set than inner_folds: k shrinks to the groups there.
  const std::vector<int> three = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
  ns::RidgeCvOptions few;
  few.alphas = {0.1, 10.0};
  few.inner_groups = three;
  const Eigen::MatrixXd xs = gaussian(12, 2, 94), ys = gaussian(12, 1, 95);
  EXPECT_TRUE(ns::cross_validated_ridge(xs, ys, ns::leave_one_group_out(three), few).predictions.allFinite());
  // Wrong length, and an outer training set of one group: errors naming them.
  few.inner_groups.pop_back();
  try {
    ns::cross_validated_ridge(xs, ys, ns::leave_one_group_out(three), few);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("inner_groups has 11 labels for 12 samples"), std::string::npos) << e.what();
  }
  few.inner_groups = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
  try {
    ns::cross_validated_ridge(xs, ys, ns::leave_one_group_out(few.inner_groups), few);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("trains on 1 group(s)"), std::string::npos) << e.what();
  }
}

// RidgeFoldCache: blocks of targets fed one call each with the cache give exactly (bit for bit)
// the results of the same calls without it, in double and float, with contiguous and grouped inner
// folds; a cache filled on one X (or other folds, or other options) is refilled, never reused.
TEST(CrossValidatedRidge, FoldCacheAcrossTargetBlocksChangesNoBit) {
  const Eigen::MatrixXd x = gaussian(180, 12, 31);
  Eigen::MatrixXd y = gaussian(180, 9, 32);
  y.leftCols(4) += x.leftCols(4);
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(180, 4, ns::Gap{3});
  std::vector<int> groups(180);
  for (int i = 0; i < 180; ++i) groups[static_cast<std::size_t>(i)] = i / 20;
  for (const bool grouped : {false, true}) {
    ns::RidgeCvOptions options;
    options.alphas = {0.1, 1.0, 10.0, 100.0};
    options.standardize = true;
    if (grouped) options.inner_groups = groups;
    ns::RidgeFoldCache<double> cache;
    ns::RidgeFoldCache<float> cache_f;
    const Eigen::MatrixXf xf = x.cast<float>();
    std::uint64_t first_key = 0;
    const double* first_basis = nullptr;
    for (Eigen::Index col0 = 0; col0 < 9; col0 += 4) {
      const Eigen::Index count = std::min<Eigen::Index>(4, 9 - col0);
      const Eigen::MatrixXd block = y.middleCols(col0, count);
      const ns::RidgeCvResult plain = ns::cross_validated_ridge(x, block, folds, options);
      const ns::RidgeCvResult kept = ns::cross_validated_ridge(x, block, folds, options, &cache);
      EXPECT_TRUE(plain.predictions == kept.predictions && plain.fold_r == kept.fold_r && plain.chosen_alpha == kept.chosen_alpha);
      const Eigen::MatrixXf block_f = block.cast<float>();
      const ns::RidgeCvResultOf<float> plain_f = ns::cross_validated_ridge(xf, block_f, folds, options);
      const ns::RidgeCvResultOf<float> kept_f = ns::cross_validated_ridge(xf, block_f, folds, options, &cache_f);
      EXPECT_TRUE(plain_f.predictions == kept_f.predictions && plain_f.fold_r == kept_f.fold_r);
      // Filled by the first block and used, not refilled, by the others.
      if (col0 == 0) {
        first_key = cache.key;
        first_basis = cache.refit[0].test_inputs.data();
      }
      EXPECT_EQ(cache.key, first_key);
      EXPECT_EQ(cache.refit[0].test_inputs.data(), first_basis);
    }
    EXPECT_EQ(cache.refit.size(), folds.size());
    EXPECT_EQ(cache.inner[0].size(), 5u);
    const std::uint64_t key = cache.key;
    // Another X of the same shape (two entries negated: a pattern a plain xor-multiply hash
    // cancels): refilled, and its results are its own.
    Eigen::MatrixXd other = x;
    other(7, 3) = -other(7, 3);
    other(8, 3) = -other(8, 3);
    const ns::RidgeCvResult again = ns::cross_validated_ridge(other, y, folds, options, &cache);
    EXPECT_NE(cache.key, key);
    EXPECT_TRUE(again.predictions == ns::cross_validated_ridge(other, y, folds, options).predictions);
    // Other folds, other options: refilled too.
    const std::uint64_t other_key = cache.key;
    ns::cross_validated_ridge(other, y, ns::contiguous_kfold(180, 3, ns::Gap{3}), options, &cache);
    EXPECT_NE(cache.key, other_key);
    EXPECT_EQ(cache.refit.size(), 3u);
    const std::uint64_t three_key = cache.key;
    options.standardize = false;
    ns::cross_validated_ridge(other, y, ns::contiguous_kfold(180, 3, ns::Gap{3}), options, &cache);
    EXPECT_NE(cache.key, three_key);
  }
}

// ---- fit_ridge: one model on all rows, alpha by cv ----

namespace {

// R^2 of one alpha on one cv fold, from the textbook solve on the fold's training rows.
double direct_fold_r2(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const ns::Fold& fold, double alpha) {
  Eigen::MatrixXd x_tr(fold.train.size(), x.cols()), x_te(fold.test.size(), x.cols());
  Eigen::VectorXd y_tr(fold.train.size()), y_te(fold.test.size());
  for (std::size_t i = 0; i < fold.train.size(); ++i) {
    x_tr.row(i) = x.row(fold.train[i]);
    y_tr(i) = y(fold.train[i]);
  }
  for (std::size_t i = 0; i < fold.test.size(); ++i) {
    x_te.row(i) = x.row(fold.test[i]);
    y_te(i) = y(fold.test[i]);
  }
  const Eigen::VectorXd w = direct_ridge(x_tr, y_tr, alpha);
  const Eigen::VectorXd pred =
      ((x_te.rowwise() - x_tr.colwise().mean()) * w).array() + y_tr.mean();
  return 1.0 - (y_te - pred).squaredNorm() / (y_te.array() - y_te.mean()).square().sum();
}

}  // namespace

// The cv table against the textbook solve per fold and alpha (1e-10: both are double solves of
// well-conditioned 30-column systems), the choice as its argmax, and the coefficients as the
// textbook solve on all rows at each target's alpha (normal equations, 1e-10 relative).
TEST(FitRidge, CvTableChoiceAndCoefficientsMatchTheTextbookSolve) {
  const Eigen::Index n = 240, p = 30;
  const Eigen::MatrixXd x = gaussian(n, p, 31);
  Eigen::MatrixXd y = x * gaussian(p, 4, 32);
  y += gaussian(n, 4, 33) * 3.0;
  y.col(3) = gaussian(n, 1, 34);  // noise only: wants the largest alpha
  const std::vector<ns::Fold> cv = ns::contiguous_kfold(n, 5, ns::Gap{3});
  ns::RidgeCvOptions options;
  options.alphas = {1e3, 0.1, 10.0, 1e5, 1.0, 100.0};
  const ns::RidgeFit fit = ns::fit_ridge(x, y, cv, options);
  ASSERT_EQ(fit.alphas, (std::vector<double>{0.1, 1.0, 10.0, 100.0, 1e3, 1e5}));
  ASSERT_EQ(fit.cv_r2.rows(), 6);
  for (Eigen::Index j = 0; j < 4; ++j) {
    Eigen::Index best = 0;
    for (Eigen::Index a = 0; a < 6; ++a) {
      double mean = 0.0;
      for (const ns::Fold& f : cv) mean += direct_fold_r2(x, y.col(j), f, fit.alphas[a]) / 5.0;
      EXPECT_NEAR(fit.cv_r2(a, j), mean, 1e-10) << "alpha " << fit.alphas[a] << " target " << j;
      if (fit.cv_r2(a, j) >= fit.cv_r2(best, j)) best = a;
    }
    EXPECT_EQ(fit.best_alpha(j), fit.alphas[best]);
    const Eigen::VectorXd w = direct_ridge(x, y.col(j), fit.best_alpha(j));
    EXPECT_LT((fit.coef.col(j) - w).norm(), 1e-10 * w.norm());
    EXPECT_NEAR(fit.intercept(j), y.col(j).mean() - x.colwise().mean().dot(w), 1e-10);
  }
  EXPECT_EQ(fit.best_alpha(3), 1e5);
  EXPECT_EQ(fit.grid_edge(3), 1);
  EXPECT_LT(fit.best_alpha(0), 1e5);
}

// fit_ridge on an outer training set with the inner folds cross_validated_ridge builds there
// chooses the alpha that cross_validated_ridge chose for that fold: one selection rule.
TEST(FitRidge, ChoosesAsCrossValidatedRidgeDoesOnAnOuterTrainingSet) {
  const Eigen::Index n = 300, p = 20;
  const Eigen::MatrixXd x = gaussian(n, p, 41);
  const Eigen::MatrixXd y = x * gaussian(p, 6, 42) + 4.0 * gaussian(n, 6, 43);
  const std::vector<ns::Fold> outer = ns::contiguous_kfold(n, 4);
  ns::RidgeCvOptions options;
  options.alphas = {0.01, 1.0, 100.0, 1e4};
  options.inner_gap = ns::Gap{2};
  const ns::RidgeCvResult nested = ns::cross_validated_ridge(x, y, outer, options);
  for (std::size_t f = 0; f < outer.size(); ++f) {
    const Eigen::MatrixXd x_tr = ns::rows_of(x, outer[f].train);
    const Eigen::MatrixXd y_tr = ns::rows_of(y, outer[f].train);
    const ns::RidgeFit fit = ns::fit_ridge(x_tr, y_tr, ns::contiguous_kfold(x_tr.rows(), 5, ns::Gap{2}), options);
    EXPECT_EQ(fit.best_alpha.transpose(), nested.chosen_alpha.row(f)) << "outer fold " << f;
  }
}

TEST(FitRidge, SharedAlphaStandardizeFloatAndOneAlpha) {
  const Eigen::Index n = 200, p = 12;
  Eigen::MatrixXd x = gaussian(n, p, 51);
  x.col(2) *= 1000.0;
  x.col(5).setConstant(3.0);  // no spread: dropped, coefficient 0
  const Eigen::MatrixXd y = x.leftCols(4) * gaussian(4, 5, 52) + gaussian(n, 5, 53);
  const auto cv = ns::contiguous_kfold(n, 5);
  ns::RidgeCvOptions options;
  options.alphas = {0.1, 10.0, 1000.0};
  options.per_target_alpha = false;
  options.standardize = true;
  const ns::RidgeFit fit = ns::fit_ridge(x, y, cv, options);
  EXPECT_TRUE((fit.best_alpha.array() == fit.best_alpha(0)).all());
  EXPECT_EQ(fit.dropped_columns, (std::vector<Eigen::Index>{5}));
  EXPECT_TRUE((fit.coef.row(5).array() == 0.0).all());
  // Standardized ridge = ridge on z-scored columns, coefficients mapped back to raw units.
  Eigen::MatrixXd z = x;
  const Eigen::RowVectorXd sd = ((x.rowwise() - x.colwise().mean()).colwise().squaredNorm() / n).cwiseSqrt();
  for (Eigen::Index j = 0; j < p; ++j) z.col(j) = j == 5 ? Eigen::VectorXd::Zero(n) : Eigen::VectorXd(x.col(j) / sd(j));
  const Eigen::MatrixXd w = direct_ridge(z, y, fit.best_alpha(0));
  for (Eigen::Index j = 0; j < p; ++j) {
    if (j == 5) continue;
    EXPECT_LT((fit.coef.row(j) * sd(j) - w.row(j)).norm(), 1e-9 * w.norm()) << "column " << j;
  }
  // Float: the same choice here, coefficients to single-precision accuracy.
  const ns::RidgeFitOf<float> fit_f = ns::fit_ridge(x.cast<float>().eval(), y.cast<float>().eval(), cv, options);
  EXPECT_EQ(fit_f.best_alpha, fit.best_alpha);
  EXPECT_LT((fit_f.coef.cast<double>() - fit.coef).norm(), 1e-4 * fit.coef.norm());
  // One alpha: no cv at all (an empty fold list is fine), cv_r2 has no rows.
  options.alphas = {10.0};
  const ns::RidgeFit one = ns::fit_ridge(x, y, {}, options);
  EXPECT_EQ(one.cv_r2.rows(), 0);
  EXPECT_TRUE((one.best_alpha.array() == 10.0).all());
  EXPECT_EQ(one.grid_edge, Eigen::VectorXi::Zero(5));
}

TEST(FitRidge, BadInputGivesClearErrors) {
  const Eigen::MatrixXd x = gaussian(50, 4, 61);
  const Eigen::MatrixXd y = gaussian(50, 2, 62);
  const auto cv = ns::contiguous_kfold(50, 5);
  const auto message = [](auto&& f) { return ns::testing::error_message<std::invalid_argument>(f); };
  EXPECT_EQ(message([&] { ns::fit_ridge(x, gaussian(49, 2, 1), cv); }), "fit_ridge: X has 50 samples but Y has 49");
  Eigen::MatrixXd bad = y;
  bad(7, 1) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_NE(message([&] { ns::fit_ridge(x, bad, cv); }).find("Y"), std::string::npos);
  ns::RidgeCvOptions options;
  options.alphas = {1.0, -2.0};
  EXPECT_EQ(message([&] { ns::fit_ridge(x, y, cv, options); }),
            "fit_ridge: alpha -2.000000 is not a finite non-negative number");
  std::vector<ns::Fold> outside = cv;
  outside[1].test.push_back(50);
  EXPECT_EQ(message([&] { ns::fit_ridge(x, y, outside); }), "fit_ridge: cv fold 1 names sample 50 but there are 50");
  EXPECT_EQ(message([&] { ns::fit_ridge(x, y, {}); }), "fit_ridge: no cv folds to choose among 6 alphas");
}
