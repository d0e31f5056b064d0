// Tests of neuroscore/simulate.hpp: the planted truths are what the generators say.
//
// Flake budget: every test uses fixed seeds, so each run is deterministic; the statistical
// tolerances are set at >= 5 standard errors of the quantity tested (derived next to each
// check), so a change of seed fails a given check with probability < 1e-6 (normal tail),
// and the whole file (< 40 such checks) with probability < 1e-4.
#include "neuroscore/simulate.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <set>

#include "tests/neuroscore/golden/ceiling_golden.hpp"

namespace ns = neuroscore;

namespace {

double variance(const Eigen::VectorXd& v) {
  return (v.array() - v.mean()).square().sum() / static_cast<double>(v.size());
}

double corr(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::ArrayXd x = a.array() - a.mean();
  const Eigen::ArrayXd y = b.array() - b.mean();
  return (x * y).sum() / std::sqrt(x.square().sum() * y.square().sum());
}

}  // namespace

// scipy.stats.gamma golden values (golden/make_ceiling_golden.py); the kernel is a closed
// form evaluated with lgamma/exp, so 1e-12 relative covers rounding only.
TEST(SpmHrf, MatchesScipyDoubleGamma) {
  for (const auto& [tr, golden] : {std::make_pair(2.0, &ceiling_golden::kHrfTr2),
                                   std::make_pair(0.72, &ceiling_golden::kHrfTr072)}) {
    const Eigen::VectorXd h = ns::spm_hrf(tr);
    ASSERT_EQ(h.size(), static_cast<Eigen::Index>(golden->size())) << "TR " << tr;
    for (Eigen::Index k = 0; k < h.size(); ++k) {
      EXPECT_NEAR(h(k), (*golden)[static_cast<std::size_t>(k)], 1e-12 * std::abs(h.maxCoeff())) << "TR " << tr << " k " << k;
    }
    EXPECT_NEAR(h.sum(), 1.0, 1e-12);
  }
  // The peak of the canonical HRF is near 5 s.
  const Eigen::VectorXd fine = ns::spm_hrf(0.1);
  Eigen::Index peak = 0;
  fine.maxCoeff(&peak);
  EXPECT_NEAR(static_cast<double>(peak) * 0.1, 5.0, 0.11);
  EXPECT_THROW(ns::spm_hrf(0.0), std::invalid_argument);
}

TEST(ConvolveColumns, IsCausalAndShiftsAnImpulse) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(10, 2);
  x(3, 0) = 1.0;
  x(0, 1) = 2.0;
  const Eigen::Vector3d kernel(0.5, 0.3, 0.2);
  const Eigen::MatrixXd y = ns::convolve_columns(x, kernel);
  for (Eigen::Index t = 0; t < 10; ++t) {
    EXPECT_DOUBLE_EQ(y(t, 0), t >= 3 && t < 6 ? kernel(t - 3) : 0.0) << t;
    EXPECT_DOUBLE_EQ(y(t, 1), t < 3 ? 2.0 * kernel(t) : 0.0) << t;
  }
}

// 200,000 samples of AR(1) with phi = 0.6: the sample variance has standard error about
// sqrt(2 (1 + phi^2) / (1 - phi^2) / n) = 0.0065 (relative), the lag-1 autocorrelation
// sqrt((1 - phi^2) / n) = 0.0018. Tolerances 0.04 and 0.01 are > 5 SE.
TEST(Ar1Noise, HasTheStationaryVarianceAndAutocorrelation) {
  std::mt19937_64 rng(11);
  const Eigen::MatrixXd e = ns::ar1_noise(200000, 1, ns::Ar1{0.6, 2.0}, rng);
  const Eigen::VectorXd v = e.col(0);
  EXPECT_NEAR(variance(v) / 4.0, 1.0, 0.04);
  EXPECT_NEAR(corr(v.head(v.size() - 1), v.tail(v.size() - 1)), 0.6, 0.01);
  EXPECT_THROW(ns::ar1_noise(10, 1, ns::Ar1{1.0, 1.0}, rng), std::invalid_argument);
}

// Dirichlet(a) on K parts: mean 1/K, variance (1/K)(1 - 1/K)/(K a + 1). With K = 3, a = 1,
// 20,000 draws, the SE of the mean is sqrt(2/9/4/20000) = 0.0017: tolerance 0.01 (> 5 SE);
// the variance 0.0556 has SE about 0.0005: tolerance 0.004.
TEST(Dirichlet, HasTheRightMeanAndVariance) {
  std::mt19937_64 rng(5);
  Eigen::MatrixXd draws(20000, 3);
  for (Eigen::Index i = 0; i < draws.rows(); ++i) {
    const Eigen::VectorXd d = ns::dirichlet_sample(3, 1.0, rng);
    EXPECT_NEAR(d.sum(), 1.0, 1e-12);
    ASSERT_TRUE((d.array() >= 0.0).all());
    draws.row(i) = d.transpose();
  }
  for (Eigen::Index b = 0; b < 3; ++b) {
    EXPECT_NEAR(draws.col(b).mean(), 1.0 / 3.0, 0.01);
    EXPECT_NEAR(variance(draws.col(b)), (1.0 / 3.0) * (2.0 / 3.0) / 4.0, 0.004);
  }
}

TEST(SimulateBrain, PlantsExactComponentsAndIsReproducible) {
  ns::BrainSpec spec;
  spec.samples = 500;
  spec.features = 6;
  spec.targets = 7;
  spec.subjects = 2;
  spec.repeats = 3;
  spec.feature_variance = 0.7;
  spec.confound_variance = 0.2;
  spec.other_signal_variance = 0.1;
  spec.ar1 = ns::Ar1{0.4, 1.2};
  spec.drift_stddev = 0.5;
  const ns::SimulatedBrain a = ns::simulate_brain(spec, ns::Seed{42});
  const ns::SimulatedBrain b = ns::simulate_brain(spec, ns::Seed{42});
  const ns::SimulatedBrain c = ns::simulate_brain(spec, ns::Seed{43});
  EXPECT_EQ(a.seed.value, 42u);
  ASSERT_EQ(a.trials.size(), 6u);
  EXPECT_TRUE(a.trials[5].isApprox(b.trials[5], 0.0));
  EXPECT_FALSE(a.trials[5].isApprox(c.trials[5], 1e-3));
  // Component variances are set exactly (1/n), and the weights reproduce the signal.
  for (Eigen::Index j = 0; j < spec.targets; ++j) {
    EXPECT_NEAR(variance(a.feature_signal.col(j)), 0.7, 1e-12);
    EXPECT_NEAR(variance(a.confound_signal.col(j)), 0.2, 1e-12);
    EXPECT_NEAR(variance(a.other_signal.col(j)), 0.1, 1e-12);
  }
  const Eigen::MatrixXd centred = a.design.rowwise() - a.design.colwise().mean();
  EXPECT_LT((centred * a.weights - a.feature_signal).norm(), 1e-10 * a.feature_signal.norm());
  const Eigen::MatrixXd confound_centred = a.confound_design.rowwise() - a.confound_design.colwise().mean();
  EXPECT_LT((confound_centred * a.confound_weights - a.confound_signal).norm(), 1e-10 * a.confound_signal.norm());
  EXPECT_LT((a.feature_signal + a.confound_signal + a.other_signal - a.true_signal).norm(), 1e-12);
  EXPECT_DOUBLE_EQ(a.signal_variance, 1.0);
  EXPECT_DOUBLE_EQ(a.noise_variance, 1.44 + 0.25);
  EXPECT_NEAR(a.explainable_variance(4.0), 1.0 / (1.0 + 1.69 / 4.0), 1e-15);
  // Sentences: consecutive indices, positions within lengths.
  for (Eigen::Index i = 0; i < spec.samples; ++i) {
    EXPECT_GE(a.confounds(i, 0), 3.0);
    EXPECT_LE(a.confounds(i, 0), 12.0);
    EXPECT_LE(a.confounds(i, 1), a.confounds(i, 0));
    if (i > 0) {
      const int step = a.sentence[static_cast<std::size_t>(i)] - a.sentence[static_cast<std::size_t>(i - 1)];
      EXPECT_TRUE(step == 0 || step == 1);
      EXPECT_EQ(step == 1, a.confounds(i, 1) == 1.0);
    }
  }
  // The HRF makes the design smooth: lag-1 autocorrelation of white features after the HRF
  // at TR 2 s is about 0.8.
  EXPECT_GT(corr(a.design.col(0).head(499), a.design.col(0).tail(499)), 0.6);
}

// Noise of every trial has the planted variance and the trials share the signal: over
// 40 targets x 4,000 samples the mean noise variance has SE about 0.01 (AR(1) phi = 0.5
// inflates the variance SE by sqrt((1 + phi^2)/(1 - phi^2)) = 1.3); tolerance 0.05 relative.
// corr(trial, signal)^2 estimates EV_1 = 1/3 with SE about 0.01 per target, 0.002 on the
// mean; tolerance 0.02.
TEST(SimulateBrain, TrialsCarryThePlantedExplainableVariance) {
  ns::BrainSpec spec;
  spec.samples = 4000;
  spec.targets = 40;
  spec.repeats = 2;
  spec.feature_variance = 0.5;
  spec.other_signal_variance = 0.5;
  spec.ar1 = ns::Ar1{0.5, std::sqrt(1.75)};
  spec.drift_stddev = 0.5;
  const ns::SimulatedBrain brain = ns::simulate_brain(spec, ns::Seed{7});
  double noise_var = 0.0, r2 = 0.0;
  for (Eigen::Index j = 0; j < spec.targets; ++j) {
    noise_var += variance(brain.trial(0, 1).col(j) - brain.true_signal.col(j));
    r2 += std::pow(corr(brain.trial(0, 0).col(j), brain.true_signal.col(j)), 2);
  }
  EXPECT_NEAR(noise_var / spec.targets / brain.noise_variance, 1.0, 0.05);
  EXPECT_NEAR(r2 / spec.targets, brain.explainable_variance(1.0), 0.02);
  EXPECT_NEAR(brain.explainable_variance(1.0), 1.0 / 3.0, 1e-12);
  // The subject mean averages the repeats.
  EXPECT_LT((brain.subject_mean(0) - 0.5 * (brain.trial(0, 0) + brain.trial(0, 1))).norm(), 1e-12);
}

// In-sample least squares on 20,000 samples: R^2 estimates have SE about 2 (1 - R^2) R^1 /
// sqrt(n) < 0.006 per target and the bias p / n < 0.001; tolerance 0.02 on the mean over
// 10 targets.
TEST(SimulatePartition, PlantsUniqueAndSharedVariance) {
  ns::PartitionSpec spec;
  spec.samples = 20000;
  spec.targets = 10;
  spec.b_scale = 10.0;
  const ns::SimulatedPartition sim = ns::simulate_partition(spec, ns::Seed{3});
  EXPECT_NEAR(sim.unique_a + sim.unique_b + sim.shared, 0.5 / 1.5, 1e-15);
  const auto ols_r2 = [&](const Eigen::MatrixXd& x) {
    Eigen::MatrixXd xi(x.rows(), x.cols() + 1);
    xi << x, Eigen::VectorXd::Ones(x.rows());
    const Eigen::MatrixXd w = xi.colPivHouseholderQr().solve(sim.y);
    const Eigen::MatrixXd res = sim.y - xi * w;
    double r2 = 0.0;
    for (Eigen::Index j = 0; j < sim.y.cols(); ++j) r2 += 1.0 - res.col(j).squaredNorm() / (variance(sim.y.col(j)) * x.rows());
    return r2 / static_cast<double>(sim.y.cols());
  };
  Eigen::MatrixXd ab(sim.a.rows(), sim.a.cols() + sim.b.cols());
  ab << sim.a, sim.b;
  EXPECT_NEAR(ols_r2(sim.a), sim.r2_a(), 0.02);
  EXPECT_NEAR(ols_r2(sim.b), sim.r2_b(), 0.02);
  EXPECT_NEAR(ols_r2(ab), sim.r2_joint(), 0.02);
  // B carries the shared columns scaled by b_scale.
  EXPECT_LT((sim.b.rightCols(4) - 10.0 * sim.a.rightCols(4)).norm(), 1e-9);
}

TEST(SimulateLayerHierarchy, DrivesEachRegionFromItsLayer) {
  ns::HierarchySpec spec;
  spec.samples = 2000;
  spec.region_layer = {0, 2, 3, 1};
  const ns::SimulatedHierarchy sim = ns::simulate_layer_hierarchy(spec, ns::Seed{9});
  ASSERT_EQ(sim.layers.size(), 4u);
  ASSERT_EQ(sim.y.cols(), 20);
  EXPECT_EQ(sim.peak_layer[5], 2);
  EXPECT_EQ(sim.region[19], 3);
  // Adjacent layers correlate by sqrt(0.3) = 0.55 per column (SE 0.02; tolerance 0.1).
  EXPECT_NEAR(corr(sim.layers[0].col(0), sim.layers[1].col(0)), std::sqrt(0.3), 0.1);
  EXPECT_THROW(ns::simulate_layer_hierarchy(ns::HierarchySpec{300, 2, 3, {0, 2}, 2, 0.3, 1.0}, ns::Seed{1}),
               std::invalid_argument);
}

TEST(SimulateBrain, RejectsBadSpecs) {
  ns::BrainSpec spec;
  spec.samples = 2;
  EXPECT_THROW(ns::simulate_brain(spec, ns::Seed{1}), std::invalid_argument);
  spec = ns::BrainSpec{};
  spec.feature_variance = -1.0;
  EXPECT_THROW(ns::simulate_brain(spec, ns::Seed{1}), std::invalid_argument);
  spec = ns::BrainSpec{};
  spec.max_sentence_words = 2;
  EXPECT_THROW(ns::simulate_brain(spec, ns::Seed{1}), std::invalid_argument);
}
