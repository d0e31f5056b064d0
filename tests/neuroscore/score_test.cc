#include "neuroscore/score.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

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

// ---------------------------------------------------------------------------------------
// Out-of-sample R^2 against the training mean (Feghhi et al. 2024)

TEST(R2Oos, ClosedFormAgainstTheTrainingMean) {
  Eigen::MatrixXd y(4, 1), p(4, 1);
  y << 1, 2, 3, 4;
  p << 1, 2, 3, 5;                     // SSE = 1
  const Eigen::VectorXd train_mean = Eigen::VectorXd::Constant(1, 0.5);
  // sum (y - 0.5)^2 = 0.25 + 2.25 + 6.25 + 12.25 = 21: R2_oos = 1 - 1/21.
  EXPECT_NEAR(ns::r2_oos(y, p, train_mean).value(0), 1.0 - 1.0 / 21.0, 1e-15);
  // Predicting the training mean scores exactly 0; predicting the test mean scores > 0,
  // which is what R^2 about the test mean hides.
  p.setConstant(0.5);
  EXPECT_NEAR(ns::r2_oos(y, p, train_mean).value(0), 0.0, 1e-15);
  p.setConstant(2.5);
  EXPECT_NEAR(ns::r2_oos(y, p, train_mean).value(0), 1.0 - 5.0 / 21.0, 1e-15);
  EXPECT_NEAR(ns::r2_score(y, p).value(0), 0.0, 1e-15);
  // With the test mean as "training mean" it is R^2.
  p << 1, 2, 3, 5;
  EXPECT_NEAR(ns::r2_oos(y, p, Eigen::VectorXd::Constant(1, 2.5)).value(0),
              ns::r2_score(y, p).value(0), 1e-15);
}

TEST(R2Oos, AcceptsRowVectorMeansAndFlagsConstantTargetsWithoutNaN) {
  Eigen::MatrixXd y(3, 2), p(3, 2);
  y << 5, 1, 5, 2, 5, 3;
  p << 4, 1, 6, 2, 5, 4;
  const Eigen::RowVectorXd train_mean = (Eigen::RowVectorXd(2) << 5.0, 0.0).finished();
  const auto s = ns::r2_oos(y, p, train_mean.transpose());
  EXPECT_EQ(s.value(0), 0.0);  // constant and equal to the training mean: 0/0 avoided
  EXPECT_TRUE(s.degenerate[0]);
  EXPECT_FALSE(s.degenerate[1]);
  EXPECT_NEAR(s.value(1), 1.0 - 1.0 / 14.0, 1e-15);
  y.col(0).setConstant(7.0);   // constant but away from the training mean: still flagged
  EXPECT_TRUE(ns::r2_oos(y, p, train_mean.transpose()).degenerate[0]);
  EXPECT_FALSE(std::isnan(ns::r2_oos(y, p, train_mean.transpose()).value(0)));
}

TEST(R2Oos, RejectsTrainingMeanOfTheWrongLength) {
  try {
    ns::r2_oos(Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(3, 2), Eigen::VectorXd::Zero(3));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "r2_oos: training_mean has 3 entries but observed has 2 targets");
  }
}

// ---------------------------------------------------------------------------------------
// Golden values from scipy.stats.pearsonr and sklearn.metrics.r2_score
// (tests/neuroscore/golden/make_score_golden.py; versions in score_golden.inc).

namespace golden {
#include "tests/neuroscore/score_golden.inc"
}  // namespace golden

namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
namespace sg = golden::score_golden;

struct GoldenCase {
  Eigen::MatrixXd y;
  std::vector<ns::Fold> folds;
  std::vector<Eigen::MatrixXd> predictions;
};

GoldenCase LoadGolden() {
  GoldenCase c;
  c.y = Eigen::Map<const RowMajor>(sg::kObserved, sg::kSamples, sg::kTargets);
  const Eigen::MatrixXd p = Eigen::Map<const RowMajor>(sg::kPredicted, sg::kSamples, sg::kTargets);
  for (int f = 0; f < sg::kFolds; ++f) {
    ns::Fold fold;
    for (int i = 0; i < sg::kSamples; ++i) {
      (i >= sg::kFoldBounds[f] && i < sg::kFoldBounds[f + 1] ? fold.test : fold.train)
          .push_back(static_cast<std::size_t>(i));
    }
    c.predictions.push_back(p.middleRows(sg::kFoldBounds[f], sg::kFoldBounds[f + 1] - sg::kFoldBounds[f]));
    c.folds.push_back(fold);
  }
  return c;
}

// Tolerance: 1e-12 in score units (r and R^2 are dimensionless, values O(1)). numpy sums
// pairwise and scipy/sklearn order the arithmetic differently from Eigen; on 10-40 samples
// that moves results by a few ulps (~1e-15), so 1e-12 leaves 1000x margin yet catches any
// formula difference (a wrong mean or ddof changes the third digit).
constexpr double kTol = 1e-12;

void ExpectVector(const Eigen::VectorXd& got, const double* want, const char* what) {
  for (Eigen::Index j = 0; j < got.size(); ++j) EXPECT_NEAR(got(j), want[j], kTol) << what << " target " << j;
}

}  // namespace

TEST(ScoreGolden, PerFoldScoresMatchScipyAndSklearn) {
  const GoldenCase c = LoadGolden();
  const auto r = ns::per_fold_mean_score(c.y, c.folds, c.predictions, ns::Metric::pearson_r);
  const auto r2 = ns::per_fold_mean_score(c.y, c.folds, c.predictions, ns::Metric::r2);
  const auto oos = ns::per_fold_mean_score(c.y, c.folds, c.predictions, ns::Metric::r2_oos);
  ASSERT_EQ(r.per_fold.rows(), sg::kFolds);
  for (int f = 0; f < sg::kFolds; ++f) {
    for (int j = 0; j < sg::kTargets; ++j) {
      EXPECT_NEAR(r.per_fold(f, j), sg::kFoldPearsonR[f * sg::kTargets + j], kTol);
      EXPECT_NEAR(r2.per_fold(f, j), sg::kFoldR2[f * sg::kTargets + j], kTol);
      EXPECT_NEAR(oos.per_fold(f, j), sg::kFoldR2Oos[f * sg::kTargets + j], kTol);
    }
  }
  ExpectVector(r.value, sg::kMeanPearsonR, "mean r");
  ExpectVector(r2.value, sg::kMeanR2, "mean R^2");
  ExpectVector(oos.value, sg::kMeanR2Oos, "mean R2_oos");
  EXPECT_EQ(r.degenerate_fold_scores, 0);
  EXPECT_EQ(oos.aggregation, ns::FoldAggregation::per_fold_mean);
}

TEST(ScoreGolden, PooledScoresMatchScipyAndSklearn) {
  const GoldenCase c = LoadGolden();
  ExpectVector(ns::pooled_score(c.y, c.folds, c.predictions, ns::Metric::pearson_r).value,
               sg::kPooledPearsonR, "pooled r");
  ExpectVector(ns::pooled_score(c.y, c.folds, c.predictions, ns::Metric::r2).value,
               sg::kPooledR2, "pooled R^2");
  const auto oos = ns::pooled_score(c.y, c.folds, c.predictions, ns::Metric::r2_oos);
  ExpectVector(oos.value, sg::kPooledR2Oos, "pooled R2_oos");
  EXPECT_EQ(oos.per_fold.rows(), 0);
  EXPECT_EQ(oos.aggregation, ns::FoldAggregation::pooled);
}

TEST(CrossValidatedScore, DefaultIsThePerFoldMean) {
  const GoldenCase c = LoadGolden();
  const auto d = ns::cross_validated_score(c.y, c.folds, c.predictions, ns::Metric::pearson_r);
  EXPECT_EQ(d.aggregation, ns::FoldAggregation::per_fold_mean);
  ExpectVector(d.value, sg::kMeanPearsonR, "default r");
  const auto pooled = ns::cross_validated_score(c.y, c.folds, c.predictions, ns::Metric::pearson_r,
                                                ns::FoldAggregation::pooled);
  ExpectVector(pooled.value, sg::kPooledPearsonR, "pooled r");
}

TEST(CrossValidatedScore, PoolingMixesBetweenFoldOffsetsIntoR) {
  // Why per-fold is the default: within each block the prediction is pure noise (r = 0 per
  // fold on average), but each fold's prediction carries that block's level, so the pooled
  // r is near 1 from the between-block offsets alone.
  const int n = 40;
  Eigen::MatrixXd y(n, 1);
  std::vector<ns::Fold> folds(2);
  std::vector<Eigen::MatrixXd> pred(2, Eigen::MatrixXd(n / 2, 1));
  for (int i = 0; i < n; ++i) {
    const double level = i < n / 2 ? 0.0 : 10.0;
    y(i, 0) = level + ((i * 7) % 5 - 2.0);               // level + a within-block pattern
    (i < n / 2 ? folds[0].test : folds[1].test).push_back(static_cast<std::size_t>(i));
    (i < n / 2 ? folds[1].train : folds[0].train).push_back(static_cast<std::size_t>(i));
    pred[i < n / 2 ? 0 : 1](i % (n / 2), 0) = level + ((i * 3) % 4 - 1.5);  // level + other pattern
  }
  const auto per_fold = ns::per_fold_mean_score(y, folds, pred, ns::Metric::pearson_r);
  const auto pooled = ns::pooled_score(y, folds, pred, ns::Metric::pearson_r);
  EXPECT_LT(std::abs(per_fold.value(0)), 0.3);
  EXPECT_GT(pooled.value(0), 0.8);
}

TEST(CrossValidatedScore, ConstantTestBlockGivesZeroAndAFlagNeverNaN) {
  Eigen::MatrixXd y(6, 2);
  y << 1, 3, 2, 3, 3, 3, 4, 1, 5, 2, 6, 4;   // target 1 is constant in the first block
  std::vector<ns::Fold> folds = ns::contiguous_kfold(6, 2);
  std::vector<Eigen::MatrixXd> pred = {y.topRows(3) * 0.5, y.bottomRows(3) * 0.5};
  pred[0](0, 1) = 1.0;  // so the prediction itself is not constant
  for (ns::Metric m : {ns::Metric::pearson_r, ns::Metric::r2, ns::Metric::r2_oos}) {
    const auto s = ns::per_fold_mean_score(y, folds, pred, m);
    EXPECT_TRUE(s.degenerate[1]);
    EXPECT_FALSE(s.degenerate[0]);
    EXPECT_EQ(s.per_fold(0, 1), 0.0);
    EXPECT_EQ(s.degenerate_fold_scores, 1);
    EXPECT_TRUE(s.value.allFinite());
  }
  Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(6, 1, 2.0);
  std::vector<Eigen::MatrixXd> flat_pred = {Eigen::MatrixXd::Constant(3, 1, 1.0),
                                            Eigen::MatrixXd::Constant(3, 1, 3.0)};
  for (ns::Metric m : {ns::Metric::pearson_r, ns::Metric::r2, ns::Metric::r2_oos}) {
    const auto s = ns::pooled_score(flat, folds, flat_pred, m);
    EXPECT_TRUE(s.degenerate[0]);
    EXPECT_EQ(s.value(0), 0.0);
  }
}

TEST(CrossValidatedScore, RejectsMismatchedFoldsAndBlocksNamingSizes) {
  const Eigen::MatrixXd y = Eigen::MatrixXd::Random(6, 2);
  const auto folds = ns::contiguous_kfold(6, 2);
  const auto message = [&](const std::vector<Eigen::MatrixXd>& pred) -> std::string {
    try {
      ns::cross_validated_score(y, folds, pred, ns::Metric::r2);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "no error";
  };
  EXPECT_EQ(message({Eigen::MatrixXd::Zero(3, 2)}), "cross_validated_score: 2 folds but 1 prediction blocks");
  EXPECT_EQ(message({Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(2, 2)}),
            "cross_validated_score: prediction block 1 is 2 x 2 but fold 1 tests 3 x 2 (samples x targets)");
  Eigen::MatrixXd bad = Eigen::MatrixXd::Zero(3, 2);
  bad(1, 0) = std::nan("");
  EXPECT_EQ(message({Eigen::MatrixXd::Zero(3, 2), bad}),
            "prediction block 1 has a non-finite value (nan) at row 1, column 0");
  std::vector<ns::Fold> beyond = folds;
  beyond[0].train.push_back(9);
  EXPECT_THROW(ns::pooled_score(y, beyond, {Eigen::MatrixXd::Zero(3, 2), Eigen::MatrixXd::Zero(3, 2)},
                                ns::Metric::r2_oos),
               std::invalid_argument);
}
