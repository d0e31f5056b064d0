#include "benchmarks/brain/alice_word_rate.hpp"

#include <gtest/gtest.h>

#include <random>

#include "tests/testing/data.hpp"

namespace ns = neuroscore;

namespace {

// Alice's real word timings with synthetic listeners: `signal` times the FIR-delayed word
// rate (the model's own feature space) plus unit Gaussian noise, in every ROI.
ns::datasets::AliceData synthetic_listeners(const ns::datasets::AliceData& real, double signal,
                                            int listeners, std::uint32_t seed) {
  ns::datasets::AliceData data = real;
  data.subjects.clear();
  const Eigen::MatrixXd x = ns::benchmarks::alice_word_rate_features(real, {1, 2, 3, 4});
  const Eigen::VectorXd weights = Eigen::Vector4d(0.2, 1.0, 0.8, 0.3);
  const Eigen::VectorXd driven = ns::zscore_columns(x * weights);
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  for (int s = 0; s < listeners; ++s) {
    Eigen::MatrixXd tc(x.rows(), 6);
    for (Eigen::Index j = 0; j < 6; ++j)
      for (Eigen::Index i = 0; i < x.rows(); ++i) tc(i, j) = signal * driven(i) + normal(rng);
    data.subjects.push_back({"synthetic" + std::to_string(s), tc});
  }
  return data;
}

}  // namespace

TEST(AliceWordRateFeatures, CountsWordsOnTheKeptVolumesWithDelays) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const auto data = ns::datasets::load_alice(root);
  const Eigen::MatrixXd x = ns::benchmarks::alice_word_rate_features(data, {0, 1});
  ASSERT_EQ(x.rows(), 362);
  ASSERT_EQ(x.cols(), 2);
  // Delay 0 on kept volume i counts the words starting in [20 + 2i, 22 + 2i) s; every word
  // of the story starts after 20 s, so the delay-0 column holds every word exactly once.
  EXPECT_EQ(x.col(0).sum(), static_cast<double>(data.words.size()));
  // Row 0 with delay 1 looks at [18, 20) s: the silent padding.
  EXPECT_EQ(x(0, 1), 0.0);
  EXPECT_EQ(x.col(1).tail(361), x.col(0).head(361));
}

TEST(AliceWordRateScores, RecoversPlantedSignalAndFindsNoneInNoise) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const auto real = ns::datasets::load_alice(root);
  // Positive control: signal-to-noise 1 (r of the noiseless feature with the data ~ 0.71).
  const auto planted = ns::benchmarks::alice_word_rate_scores(synthetic_listeners(real, 1.0, 8, 1));
  for (Eigen::Index roi = 0; roi < 6; ++roi) {
    EXPECT_GT(planted.mean_r(roi), 0.6) << "ROI " << roi;
    EXPECT_LT(planted.mean_r(roi), 0.8) << "ROI " << roi;
  }
  // Negative control: pure noise. 8 listeners x 6 ROIs: the ROI means are means of 8
  // per-listener r of sd ~ 1/sqrt(362) ~ 0.05, so |mean| < 0.1 is a > 5 sd bound.
  const auto null = ns::benchmarks::alice_word_rate_scores(synthetic_listeners(real, 0.0, 8, 2));
  for (Eigen::Index roi = 0; roi < 6; ++roi) EXPECT_LT(std::abs(null.mean_r(roi)), 0.1) << "ROI " << roi;
}

TEST(AliceWordRateScores, RealDataGivesOneFiniteScorePerListenerAndRoi) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const auto scores = ns::benchmarks::alice_word_rate_scores(ns::datasets::load_alice(root));
  EXPECT_EQ(scores.subjects.size(), 27u);
  EXPECT_EQ(scores.r.rows(), 27);
  EXPECT_EQ(scores.r.cols(), 6);
  EXPECT_TRUE(scores.r.allFinite());
  EXPECT_EQ(scores.degenerate_scores, 0);
  EXPECT_TRUE((scores.r.array().abs() < 1.0).all());
}
