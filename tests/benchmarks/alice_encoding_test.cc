// tests/benchmarks/alice_encoding_test.cc: the shared Alice encoding pipeline. A column of ones
// summed per volume is the word rate, so the pipeline must reproduce the first analysis
// (benchmarks/brain/alice_word_rate.hpp) on the real data; planted and absent signals on synthetic
// listeners built on the real word timings are recovered and not invented.
#include "benchmarks/brain/alice_encoding.hpp"

#include <gtest/gtest.h>

#include <random>

#include "benchmarks/brain/alice_word_rate.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

TEST(AliceEncoding, OnesSummedPerVolumeIsTheWordRateAnalysis) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root);
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(data.words.size()), 1);
  const Eigen::MatrixXd x = alice_volume_features(data, ones, WordToVolume::sum, {1, 2, 3, 4});
  EXPECT_TRUE(x.isApprox(alice_word_rate_features(data, {1, 2, 3, 4})));
  // Same folds, grid and per-target alpha as the word-rate analysis: identical scores.
  AliceEncodingOptions options;
  options.ridge = AliceWordRateOptions{}.ridge;
  const AliceEncodingScores scores = alice_encoding_scores(data, x, options);
  const AliceWordRateScores reference = alice_word_rate_scores(data);
  EXPECT_LT((scores.r - reference.r).cwiseAbs().maxCoeff(), 1e-12);
  // With the default (wider, standardized) grid the scores move little: word rate predicts
  // LPTL at about r = 0.17 (README).
  const AliceEncodingScores wide = alice_encoding_scores(data, x);
  EXPECT_NEAR(wide.mean_r(2), reference.mean_r(2), 0.02);
  EXPECT_EQ(wide.predictions.rows(), 362);
  EXPECT_EQ(wide.predictions.cols(), 6 * static_cast<Eigen::Index>(data.subjects.size()));
}

TEST(AliceEncoding, ShuffledControlInflatesAutocorrelatedNoise) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  datasets::AliceData data = datasets::load_alice(root);
  // Listeners whose responses are a slow random walk unrelated to the story, and a feature that
  // is another slow random walk: contiguous folds give r ~ 0, shuffled folds leak.
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  const auto walk = [&](Eigen::Index n, Eigen::Index cols) {
    Eigen::MatrixXd m(n, cols);
    for (Eigen::Index j = 0; j < cols; ++j) {
      double v = 0.0;
      for (Eigen::Index i = 0; i < n; ++i) m(i, j) = (v = 0.95 * v + normal(rng));
    }
    return m;
  };
  for (auto& s : data.subjects) s.timecourses = walk(362, 6);
  const Eigen::MatrixXd x = walk(362, 20);
  const AliceEncodingScores contiguous = alice_encoding_scores(data, x);
  AliceEncodingOptions shuffled;
  shuffled.shuffled_control = true;
  shuffled.shuffle_seed = Seed{3};
  const AliceEncodingScores leaky = alice_encoding_scores(data, x, shuffled);
  EXPECT_LT(std::abs(contiguous.mean_over_rois()), 0.05);
  EXPECT_GT(leaky.mean_over_rois(), contiguous.mean_over_rois() + 0.1);
}

TEST(AliceEncoding, RowCountMismatchIsAnError) {
  datasets::AliceData data;
  data.words.push_back({20.0, 20.5, "Alice"});
  EXPECT_THROW(alice_volume_features(data, Eigen::MatrixXd::Ones(2, 1), WordToVolume::sum, {1}),
               std::invalid_argument);
  EXPECT_THROW(alice_encoding_scores(data, Eigen::MatrixXd::Ones(362, 1)), std::invalid_argument);
}

}  // namespace
}  // namespace neuroscore::benchmarks
