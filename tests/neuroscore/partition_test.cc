// Tests of neuroscore/partition.hpp on simulated feature sets with planted unique and shared
// variance (neuroscore/simulate.hpp).
//
// Flake budget: fixed seeds make every run deterministic. Statistical tolerances are >= 4
// standard errors of the quantity checked plus the estimator's known bias (each derived
// next to the check), so a new seed fails one check with probability < 1e-4 and the file
// (about 15 such checks) with probability < 2e-3.
#include "neuroscore/banded.hpp"
#include "neuroscore/partition.hpp"

#include <gtest/gtest.h>

#include "tests/io/expect_error.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "neuroscore/simulate.hpp"

namespace ns = neuroscore;

namespace {

ns::PartitionOptions options() {
  ns::PartitionOptions o;
  o.ridge.alphas = {0.1, 1.0, 10.0, 100.0, 1000.0, 1e4};
  o.ridge.inner_folds = 4;
  return o;
}

}  // namespace

// Planted (population, r^2 units): unique A = 0.2/1.5 = 0.133, shared = 0.133, unique B =
// 0.067. Cross-validated R^2 with 8 features and 480 training samples is biased low by
// about p / n_train = 0.017 (estimation error of the weights) for each model; the partition
// differences cancel most of it. Per-fold R^2 over 120 test samples has SE about
// 2 sqrt(R^2 (1 - R^2)) / sqrt(120) ~ 0.06 per target and fold; the mean over 5 folds and 30
// targets has SE ~ 0.005 (folds and targets are nearly independent here), but the three
// models share data, so the differences have SE ~ 0.005 too. Tolerance 0.03 = the worst-case
// bias 0.017 + 2.6 SE; the bias largely cancels in the differences, leaving > 5 SE in practice.
TEST(PartitionVariance, RecoversPlantedUniqueAndSharedVariance) {
  ns::PartitionSpec spec;
  spec.samples = 600;
  spec.targets = 30;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{101});
  const auto folds = ns::contiguous_kfold(600, 5);
  const ns::VariancePartition p = ns::partition_variance(sim.a, sim.b, sim.y, folds, options());
  EXPECT_NEAR(p.unique_a.mean(), sim.unique_a, 0.03);
  EXPECT_NEAR(p.unique_b.mean(), sim.unique_b, 0.03);
  EXPECT_NEAR(p.shared.mean(), sim.shared, 0.03);
  EXPECT_NEAR(p.r2_joint.mean(), sim.r2_joint(), 0.04);
  // The identities hold exactly per target.
  EXPECT_LT((p.unique_a + p.shared - p.r2_a).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((p.unique_b + p.shared - p.r2_b).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_LT((p.unique_a + p.unique_b + p.shared - p.r2_joint).cwiseAbs().maxCoeff(), 1e-12);
  // Pearson r is not a variance.
  ns::PartitionOptions bad = options();
  bad.metric = ns::Metric::pearson_r;
  EXPECT_THROW(ns::partition_variance(sim.a, sim.b, sim.y, folds, bad), std::invalid_argument);
}

// No shared variance planted, the sets independent: shared ~ 0 (tolerance as above).
TEST(PartitionVariance, IndependentSetsShareNothing) {
  ns::PartitionSpec spec;
  spec.samples = 600;
  spec.targets = 30;
  spec.shared_variance = 0.0;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{102});
  const ns::VariancePartition p =
      ns::partition_variance(sim.a, sim.b, sim.y, ns::contiguous_kfold(600, 5), options());
  EXPECT_NEAR(p.shared.mean(), 0.0, 0.03);
  EXPECT_NEAR(p.unique_a.mean(), sim.unique_a, 0.03);
}

// Omega: simple = A, LLM = B; planted 100 * shared / R^2(B) = 100 * 0.2 / 0.3 = 66.7 %.
// The ratio of means has SE ~ 100 * 0.005 / 0.2 = 2.5 points plus the R^2 bias (R^2(B) is
// low by ~0.017, raising omega by ~4 points): tolerance 12 points.
TEST(FeghhiOmega, IsTheSharedPercentOfTheLlmScore) {
  ns::PartitionSpec spec;
  spec.samples = 600;
  spec.targets = 30;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{103});
  const ns::FeghhiOmega omega = ns::feghhi_omega(sim.a, sim.b, sim.y, ns::contiguous_kfold(600, 5), options());
  const ns::VariancePartition& p = omega.partition;
  EXPECT_NEAR(100.0 * p.shared.mean() / p.r2_b.mean(), 100.0 * sim.shared / sim.r2_b(), 12.0);
  for (Eigen::Index j = 0; j < omega.percent.size(); ++j) {
    // Both forms of the formula agree.
    EXPECT_NEAR(omega.percent(j), 100.0 * (1.0 - (p.r2_joint(j) - p.r2_a(j)) / p.r2_b(j)), 1e-9);
  }
  // R^2(LLM) <= 0: undefined, flagged.
  ns::VariancePartition zero = p;
  zero.r2_b(0) = 0.0;
  const ns::FeghhiOmega o = ns::omega_from_partition(zero);
  EXPECT_TRUE(o.undefined[0]);
  EXPECT_TRUE(std::isnan(o.percent(0)));
}

// Split-R^2 is an exact decomposition (himalaya's r2_score_split): the band components sum
// to 1 - |y_c - sum yhat_b|^2 / |y_c|^2, and with centred predictions this is sklearn's R^2.
TEST(SplitR2, ComponentsSumToTheJointR2) {
  std::mt19937_64 rng(4);
  const Eigen::MatrixXd y = ns::ar1_noise(50, 3, ns::Ar1{0.0, 1.0}, rng);
  std::vector<Eigen::MatrixXd> bands = {0.5 * y + 0.3 * ns::ar1_noise(50, 3, ns::Ar1{0.0, 1.0}, rng),
                                        0.2 * y + 0.3 * ns::ar1_noise(50, 3, ns::Ar1{0.0, 1.0}, rng),
                                        0.1 * ns::ar1_noise(50, 3, ns::Ar1{0.0, 1.0}, rng)};
  for (auto& b : bands) b = (b.rowwise() - b.colwise().mean()).eval();
  const ns::SplitR2 s = ns::split_r2(y, bands);
  const Eigen::MatrixXd joint = bands[0] + bands[1] + bands[2];
  const Eigen::MatrixXd yc = y.rowwise() - y.colwise().mean();
  const ns::TargetScores r2 = ns::r2_score(yc, joint);
  for (Eigen::Index j = 0; j < 3; ++j) {
    EXPECT_NEAR(s.total(j), r2.value(j), 1e-12);
    EXPECT_NEAR(s.per_band.col(j).sum(), s.total(j), 1e-12);
    // The pure-noise band contributes about nothing, the strong band most.
    EXPECT_GT(s.per_band(0, j), s.per_band(1, j));
    EXPECT_LT(std::abs(s.per_band(2, j)), 0.1);
  }
  // A single band: split-R^2 is R^2.
  EXPECT_NEAR(ns::split_r2(y, {joint}).per_band(0, 1), r2.value(1), 1e-12);
}

namespace {

// Band A: 5 informative features (unit scale); band B: 60 pure-noise features at 30 times
// the scale. One alpha cannot both keep A and silence B.
struct ScaledBands {
  std::vector<Eigen::MatrixXd> bands;
  Eigen::MatrixXd y;
};

ScaledBands scaled_bands() {
  ns::PartitionSpec spec;
  spec.samples = 300;
  spec.targets = 8;
  spec.a_only_features = 3;
  spec.shared_features = 2;
  spec.b_only_features = 60;
  spec.unique_a_variance = 0.5;
  spec.shared_variance = 0.5;
  spec.unique_b_variance = 0.0;  // B's own columns carry nothing
  spec.noise_stddev = 1.0;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{55});
  // B = its 60 noise columns only, scaled by 30.
  return ScaledBands{{sim.a, 30.0 * sim.b.leftCols(60)}, sim.y};
}

}  // namespace

// Plain ridge on [A B] vs banded ridge (same folds, same alphas). Planted R^2 of A is 0.5
// (r = 0.71). Banded ridge finds gamma_B ~ 0 and scores near A alone; plain ridge either
// overfits B or over-shrinks A. The margin required, 0.05 in mean r over 8 targets and 5
// folds, is > 4 SE of the paired difference (per-fold r SE ~0.05, mean over 40 ~0.01).
TEST(BandedRidge, BeatsPlainRidgeWhenBandsDifferInScale) {
  const ScaledBands data = scaled_bands();
  const auto folds = ns::contiguous_kfold(300, 5);
  ns::BandedRidgeOptions opt;
  opt.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6};
  opt.candidates = 12;
  opt.inner_folds = 4;
  opt.seed = ns::Seed{8};
  const ns::BandedRidgeResult banded = ns::banded_ridge(data.bands, data.y, folds, opt);
  ns::RidgeCvOptions plain_opt;
  plain_opt.alphas = opt.alphas;
  plain_opt.inner_folds = 4;
  const ns::RidgeCvResult plain =
      ns::cross_validated_ridge(ns::detail::partitioning::hstack(data.bands[0], data.bands[1]), data.y, folds, plain_opt);
  EXPECT_GT(banded.mean_r().mean(), plain.mean_r().mean() + 0.05)
      << "banded " << banded.mean_r().mean() << " plain " << plain.mean_r().mean();
  // The weight of the noise band is small wherever it was chosen (median over folds/targets).
  std::vector<double> gamma_b;
  for (const auto& w : banded.chosen_weights)
    for (Eigen::Index j = 0; j < w.cols(); ++j) gamma_b.push_back(w(1, j));
  std::nth_element(gamma_b.begin(), gamma_b.begin() + gamma_b.size() / 2, gamma_b.end());
  EXPECT_LT(gamma_b[gamma_b.size() / 2], 0.05);
  EXPECT_EQ(banded.seed.value, 8u);
  EXPECT_DOUBLE_EQ(banded.candidate_weights(0, 0), 0.5);  // equal weights first
  // Predictions = training mean + sum of band contributions, so split-R^2 components sum
  // to the fold's total.
  const ns::SplitR2 split = ns::banded_split_r2(data.y, folds, banded);
  EXPECT_LT((split.per_band.colwise().sum().transpose() - split.total).cwiseAbs().maxCoeff(), 1e-12);
  EXPECT_GT(split.per_band.row(0).mean(), 0.3);             // A explains most
  EXPECT_LT(std::abs(split.per_band.row(1).mean()), 0.05);  // B next to nothing
}

// With one band and one candidate, banded ridge is ridge: same predictions as
// cross_validated_ridge given the same alphas and inner folds (both solve through a Gram
// eigendecomposition; rounding differs, 1e-8 relative).
TEST(BandedRidge, OneBandIsPlainRidge) {
  const ScaledBands data = scaled_bands();
  const auto folds = ns::contiguous_kfold(300, 5);
  ns::BandedRidgeOptions opt;
  opt.alphas = {1.0, 10.0, 100.0, 1000.0};
  opt.candidates = 1;
  opt.inner_folds = 4;
  const ns::BandedRidgeResult banded = ns::banded_ridge({data.bands[0]}, data.y, folds, opt);
  ns::RidgeCvOptions plain_opt;
  plain_opt.alphas = opt.alphas;
  plain_opt.inner_folds = 4;
  const ns::RidgeCvResult plain = ns::cross_validated_ridge(data.bands[0], data.y, folds, plain_opt);
  EXPECT_TRUE(banded.chosen_alpha.isApprox(plain.chosen_alpha));
  EXPECT_LT((banded.predictions - plain.predictions).norm(), 1e-8 * plain.predictions.norm());
  // Prediction = training mean + band contribution, exactly, in every fold.
  for (const ns::Fold& f : folds) {
    double mean = 0.0;
    for (std::size_t i : f.train) mean += data.y(static_cast<Eigen::Index>(i), 2);
    mean /= static_cast<double>(f.train.size());
    for (std::size_t i : f.test) {
      const auto r = static_cast<Eigen::Index>(i);
      EXPECT_NEAR(banded.predictions(r, 2) - banded.band_predictions[0](r, 2), mean, 1e-12);
    }
  }
}

// One band through banded_ridge is cross_validated_ridge with the same options under every
// column rule and inner split (the estimator F2/F3 use for single- and multi-band fits alike):
// same chosen alphas, predictions to 1e-8 relative (two Gram eigendecompositions; rounding
// differs). The design makes each option matter, so an option one of them ignored fails:
// columns on scales 0.03-30 (standardizing changes the fit), a near-constant column (dropped by
// both), and a group offset in Y that group-constant columns identify (contiguous inner folds
// split groups and choose other alphas than grouped ones, as in ridge_test's grouped case).
struct OneBandCase {
  bool standardize;
  bool grouped;
  bool dual;  // more columns than outer training rows (standardized and grouped only: raw, the
              // 0.03-30 scales push every alpha to the grid's top whatever the inner split)
};

class OneBandIsPlainRidge : public ::testing::TestWithParam<OneBandCase> {};

TEST_P(OneBandIsPlainRidge, UnderEveryColumnRuleAndInnerSplit) {
  const OneBandCase c = GetParam();
  const Eigen::Index groups = 12, per = 25, n = groups * per;
  ns::PartitionSpec spec;
  spec.samples = n;
  spec.targets = 3;
  spec.b_only_features = c.dual ? 300 : 20;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{61});
  const ns::SimulatedPartition offsets = ns::simulate_partition(spec, ns::Seed{62});
  Eigen::MatrixXd x = ns::detail::partitioning::hstack(sim.a, sim.b);
  Eigen::MatrixXd y = sim.y;
  std::vector<int> label(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index g = i / per;
    label[static_cast<std::size_t>(i)] = static_cast<int>(g);
    x.row(i).head(4) += 3.0 * offsets.b.row(g).head(4);
    y.row(i) += 2.0 * offsets.a.row(g).head(y.cols());
  }
  const double scales[] = {1.0, 30.0, 0.03};
  for (Eigen::Index j = 0; j < x.cols(); ++j) x.col(j) *= scales[j % 3];
  x.col(5) = Eigen::VectorXd::Constant(n, 5.0) + 1e-12 * sim.b.col(0);  // near-constant: dropped
  const std::vector<ns::Fold> outer = ns::group_kfold(label, 4);
  ns::BandedRidgeOptions banded_opt;
  banded_opt.alphas = {1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5};
  banded_opt.candidates = 1;  // one band: every candidate weight is 1
  banded_opt.inner_folds = 4;
  banded_opt.standardize = c.standardize;
  if (c.grouped) banded_opt.inner_groups = label;
  ns::RidgeCvOptions ridge_opt;
  ridge_opt.alphas = banded_opt.alphas;
  ridge_opt.inner_folds = 4;
  ridge_opt.standardize = c.standardize;
  ridge_opt.inner_groups = banded_opt.inner_groups;
  const ns::BandedRidgeResult banded = ns::banded_ridge({x}, y, outer, banded_opt);
  const ns::RidgeCvResult ridge = ns::cross_validated_ridge(x, y, outer, ridge_opt);
  EXPECT_EQ(banded.chosen_alpha, ridge.chosen_alpha);
  EXPECT_LT((banded.predictions - ridge.predictions).norm(), 1e-8 * ridge.predictions.norm());
  for (const auto& dropped : ridge.dropped_columns) EXPECT_EQ(dropped, std::vector<Eigen::Index>{5});

  // Each option changes the fit on this design.
  ns::BandedRidgeOptions other = banded_opt;
  other.standardize = !c.standardize;
  EXPECT_GT((ns::banded_ridge({x}, y, outer, other).predictions - banded.predictions).norm(),
            1e-3 * banded.predictions.norm());
  other = banded_opt;
  other.inner_groups = c.grouped ? std::vector<int>{} : label;
  EXPECT_NE(ns::banded_ridge({x}, y, outer, other).chosen_alpha, banded.chosen_alpha);
}

INSTANTIATE_TEST_SUITE_P(Options, OneBandIsPlainRidge,
                         ::testing::Values(OneBandCase{false, false, false}, OneBandCase{true, false, false},
                                           OneBandCase{false, true, false}, OneBandCase{true, true, false},
                                           OneBandCase{true, true, true}),
                         [](const ::testing::TestParamInfo<OneBandCase>& i) {
                           return std::string(i.param.standardize ? "standardized" : "raw") +
                                  (i.param.grouped ? "_grouped" : "_contiguous") + (i.param.dual ? "_dual" : "_primal");
                         });

TEST(BandedRidge, RejectsBadInnerGroups) {
  const ScaledBands data = scaled_bands();
  const auto folds = ns::contiguous_kfold(300, 5);
  ns::BandedRidgeOptions opt;
  opt.inner_groups.assign(299, 0);
  try {
    ns::banded_ridge(data.bands, data.y, folds, opt);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("inner_groups has 299 labels for 300 samples"), std::string::npos) << e.what();
  }
  opt.inner_groups.assign(300, 0);  // one group: no grouped inner folds
  try {
    ns::banded_ridge(data.bands, data.y, folds, opt);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("outer fold 0"), std::string::npos) << e.what();
  }
}

TEST(BandedRidge, RejectsBadInput) {
  const ScaledBands data = scaled_bands();
  const auto folds = ns::contiguous_kfold(300, 5);
  EXPECT_THROW(ns::banded_ridge({}, data.y, folds), std::invalid_argument);
  EXPECT_THROW(ns::banded_ridge({data.bands[0].topRows(10)}, data.y, folds), std::invalid_argument);
  ns::BandedRidgeOptions opt;
  opt.candidates = 0;
  EXPECT_THROW(ns::banded_ridge(data.bands, data.y, folds, opt), std::invalid_argument);
}

// ---- fit_banded_ridge: one banded model on all rows ----

namespace {

Eigen::MatrixXd hstack_all(const std::vector<Eigen::MatrixXd>& bands) {
  Eigen::Index p = 0;
  for (const auto& b : bands) p += b.cols();
  Eigen::MatrixXd x(bands[0].rows(), p);
  Eigen::Index at = 0;
  for (const auto& b : bands) {
    x.middleCols(at, b.cols()) = b;
    at += b.cols();
  }
  return x;
}

}  // namespace

// The coefficients against the textbook solve: for each target, with its chosen gamma and alpha,
// w solves (Xs'Xs + alpha I) w = Xs'yc for Xs the centred columns times s = sqrt(gamma_band), and
// coef = s .* w (1e-8 relative: Gram eigendecomposition against an LDLT solve).
TEST(FitBandedRidge, CoefficientsSolveTheScaledRidgeOfTheChosenWeights) {
  const ScaledBands data = scaled_bands();
  ns::BandedRidgeOptions opt;
  opt.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4};
  opt.candidates = 6;
  opt.seed = ns::Seed{9};
  const auto cv = ns::contiguous_kfold(300, 5, ns::Gap{2});
  const ns::BandedRidgeFit fit = ns::fit_banded_ridge(data.bands, data.y, cv, opt);
  const Eigen::MatrixXd x = hstack_all(data.bands);
  ASSERT_EQ(fit.coef.rows(), x.cols());
  ASSERT_EQ(fit.band_weights.rows(), 2);
  const Eigen::Index p0 = data.bands[0].cols();
  for (Eigen::Index j = 0; j < data.y.cols(); ++j) {
    EXPECT_NEAR(fit.band_weights.col(j).sum(), 1.0, 1e-12);
    Eigen::VectorXd s(x.cols());
    s.head(p0).setConstant(std::sqrt(fit.band_weights(0, j)));
    s.tail(x.cols() - p0).setConstant(std::sqrt(fit.band_weights(1, j)));
    const Eigen::MatrixXd xs = x * s.asDiagonal();
    const Eigen::MatrixXd xc = xs.rowwise() - xs.colwise().mean();
    const Eigen::VectorXd yc = data.y.col(j).array() - data.y.col(j).mean();
    const Eigen::MatrixXd gram = xc.transpose() * xc + fit.best_alpha(j) * Eigen::MatrixXd::Identity(x.cols(), x.cols());
    const Eigen::VectorXd w = gram.ldlt().solve(xc.transpose() * yc);
    const Eigen::VectorXd coef = s.cwiseProduct(w);
    EXPECT_LT((fit.coef.col(j) - coef).norm(), 1e-8 * coef.norm()) << "target " << j;
    EXPECT_NEAR(fit.intercept(j), data.y.col(j).mean() - x.colwise().mean().dot(coef), 1e-8);
  }
  // B carries nothing here: most targets put most weight on A.
  EXPECT_GT((fit.band_weights.row(0).array() > 0.5).count(), data.y.cols() / 2);
}

// On an outer training set with banded_ridge's own inner folds, the same (gamma, alpha) choice as
// banded_ridge made for that fold; with one band and one candidate, fit_ridge's model.
TEST(FitBandedRidge, ChoosesAsBandedRidgeAndOneBandIsFitRidge) {
  const ScaledBands data = scaled_bands();
  ns::BandedRidgeOptions opt;
  opt.alphas = {1.0, 10.0, 100.0, 1000.0};
  opt.candidates = 5;
  opt.inner_folds = 4;
  const auto outer = ns::contiguous_kfold(300, 3);
  const ns::BandedRidgeResult nested = ns::banded_ridge(data.bands, data.y, outer, opt);
  for (std::size_t f = 0; f < outer.size(); ++f) {
    std::vector<Eigen::MatrixXd> bands_tr;
    for (const auto& b : data.bands) bands_tr.push_back(ns::rows_of(b, outer[f].train));
    const Eigen::MatrixXd y_tr = ns::rows_of(data.y, outer[f].train);
    const ns::BandedRidgeFit fit = ns::fit_banded_ridge(bands_tr, y_tr, ns::contiguous_kfold(y_tr.rows(), 4), opt);
    EXPECT_EQ(fit.best_alpha.transpose(), nested.chosen_alpha.row(f)) << "outer fold " << f;
    EXPECT_EQ(fit.band_weights, nested.chosen_weights[f]) << "outer fold " << f;
  }
  opt.candidates = 1;
  const auto cv = ns::contiguous_kfold(300, 5);
  const ns::BandedRidgeFit one = ns::fit_banded_ridge({data.bands[0]}, data.y, cv, opt);
  ns::RidgeCvOptions ridge_opt;
  ridge_opt.alphas = opt.alphas;
  const ns::RidgeFit plain = ns::fit_ridge(data.bands[0], data.y, cv, ridge_opt);
  EXPECT_EQ(one.best_alpha, plain.best_alpha);
  EXPECT_LT((one.coef - plain.coef).norm(), 1e-8 * plain.coef.norm());
  EXPECT_LT((one.intercept - plain.intercept).norm(), 1e-8 * plain.intercept.norm());
  for (Eigen::Index j = 0; j < data.y.cols(); ++j) {
    const Eigen::Index a = std::find(plain.alphas.begin(), plain.alphas.end(), plain.best_alpha(j)) - plain.alphas.begin();
    EXPECT_NEAR(one.cv_r2(j), plain.cv_r2(a, j), 1e-10);
  }
}

TEST(FitBandedRidge, BadInputGivesClearErrors) {
  const ScaledBands data = scaled_bands();
  const auto cv = ns::contiguous_kfold(300, 5);
  const auto message = [](auto&& f) { return ns::testing::error_message<std::invalid_argument>(f); };
  EXPECT_EQ(message([&] { ns::fit_banded_ridge({}, data.y, cv); }), "fit_banded_ridge: no bands");
  EXPECT_EQ(message([&] { ns::fit_banded_ridge({data.bands[0].topRows(10)}, data.y, cv); }),
            "fit_banded_ridge: band 0 has 10 samples but Y has 300");
  EXPECT_EQ(message([&] { ns::fit_banded_ridge(data.bands, data.y, {}); }), "fit_banded_ridge: cv: no folds");
  std::vector<ns::Fold> bad = cv;
  bad[2].train.clear();
  EXPECT_EQ(message([&] { ns::fit_banded_ridge(data.bands, data.y, bad); }),
            "fit_banded_ridge: cv fold 2 has no training samples");
}
