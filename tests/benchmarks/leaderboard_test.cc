#include "benchmarks/brain/leaderboard.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ns = neuroscore;
namespace nb = neuroscore::benchmarks;

namespace {

std::vector<nb::MethodScore> score_all(const nb::SyntheticBenchmark& syn, const nb::ScoringOptions& options) {
  const Eigen::VectorXd base = nb::baseline_r2(syn.benchmark);
  std::vector<nb::MethodScore> out;
  for (const nb::Method& m : syn.methods) {
    out.push_back(nb::score_fit(syn.benchmark, m, nb::fit_method(syn.benchmark, m, true), base, options));
  }
  nb::rank_methods(syn.benchmark, out, options);
  return out;
}

const nb::MethodScore& find(const std::vector<nb::MethodScore>& s, const std::string& name) {
  for (const auto& m : s)
    if (m.method == name) return m;
  throw std::runtime_error("no method " + name);
}

// The planted design ranks first, and beats the partial and the null method with p < 0.05 by the
// exact sign-flip test over 6 subjects (smallest attainable p = 1/64). The null method's CI covers
// 0 and its score is small; the planted method's ceiling-normalized score is near 1 (the planted
// ceiling is the exact expected r of a perfect model; ridge on 320 training volumes loses a little,
// so the band is [0.8, 1.05]). Three seeds: every one must pass (no flake budget needed, the
// effects are > 10 standard errors).
TEST(Leaderboard, PlantedMethodRanksFirstWithSignificanceAndNullCiCoversZero) {
  nb::ScoringOptions options;
  options.bootstrap.resamples = 500;
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const nb::SyntheticBenchmark syn = nb::synthetic_benchmark(ns::Seed{seed});
    const std::vector<nb::MethodScore> s = score_all(syn, options);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_EQ(s[0].method, "synthetic/planted") << "seed " << seed;
    EXPECT_EQ(s[0].rank, 1);
    const auto& partial = find(s, "synthetic/partial");
    const auto& null = find(s, "synthetic/null");
    EXPECT_LT(partial.p_vs_best, 0.05) << "seed " << seed;
    EXPECT_LT(null.p_vs_best, 0.05) << "seed " << seed;
    EXPECT_LE(null.ci_low, 0.0) << "seed " << seed;
    EXPECT_GE(null.ci_high, 0.0) << "seed " << seed;
    EXPECT_LT(std::abs(null.raw), 0.1);
    EXPECT_GT(s[0].normalized, 0.8) << "seed " << seed;
    EXPECT_LT(s[0].normalized, 1.05) << "seed " << seed;
    EXPECT_LT(s[0].ci_low, s[0].raw);
    EXPECT_GT(s[0].ci_high, s[0].raw);
    // The planted features carry the whole signal; the baseline (confounds, no planted variance)
    // explains nothing, so the gain is about the planted R^2 ~ EV_1 = 1/3.
    EXPECT_GT(s[0].gain_unique_r2, 0.2);
    EXPECT_LT(std::abs(null.gain_unique_r2), 0.05);
  }
}

// The bootstrap statistic on the original indices equals the reported raw score (the per-fold
// mean r, median over targets, mean over subjects).
TEST(Leaderboard, ScoreOnOriginalIndicesIsTheRawScore) {
  const nb::SyntheticBenchmark syn = nb::synthetic_benchmark(ns::Seed{4});
  const nb::Method& m = syn.methods[0];
  nb::ScoringOptions options;
  options.bootstrap.resamples = 50;
  const nb::MethodScore s = nb::score_fit(syn.benchmark, m, nb::fit_method(syn.benchmark, m, false), Eigen::VectorXd(), options);
  std::vector<std::size_t> idx(static_cast<std::size_t>(syn.benchmark.responses.rows()));
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  const double again = nb::subject_scores_on(syn.benchmark, nb::test_fold_of(syn.benchmark), s.fit.predictions, idx).mean();
  EXPECT_NEAR(again, s.raw, 1e-12);
  EXPECT_TRUE(std::isnan(s.gain_unique_r2));
}

// A multi-subject benchmark's CI resamples subjects and blocks together (crossed bootstrap):
// for the population of listeners, not only the 6 simulated here. Before, only blocks were
// resampled (the subjects held fixed).
TEST(Leaderboard, MultiSubjectCiResamplesSubjectsAndBlocks) {
  const nb::SyntheticBenchmark syn = nb::synthetic_benchmark(ns::Seed{4});
  const nb::Benchmark& b = syn.benchmark;
  const nb::Method& m = syn.methods[1];
  nb::ScoringOptions options;
  options.bootstrap.resamples = 300;
  const nb::MethodScore s = nb::score_fit(b, m, nb::fit_method(b, m, false), Eigen::VectorXd(), options);
  const std::vector<int> fold_of = nb::test_fold_of(b);
  const ns::BootstrapCi crossed = ns::crossed_bootstrap_ci(
      nb::bootstrap_units(b), 6,
      [&](const std::vector<std::size_t>& idx, const std::vector<std::size_t>& drawn) {
        const Eigen::VectorXd per = nb::subject_scores_on(b, fold_of, s.fit.predictions, idx);
        double sum = 0.0;
        for (std::size_t k : drawn) sum += per(static_cast<Eigen::Index>(k));
        return sum / static_cast<double>(drawn.size());
      },
      options.seed, options.bootstrap);
  EXPECT_EQ(s.ci_low, crossed.lower);
  EXPECT_EQ(s.ci_high, crossed.upper);
  const ns::BootstrapCi blocks = ns::bootstrap_ci(
      nb::bootstrap_units(b),
      [&](const std::vector<std::size_t>& idx) { return nb::subject_scores_on(b, fold_of, s.fit.predictions, idx).mean(); },
      options.seed, options.bootstrap);
  EXPECT_NE(s.ci_low, blocks.lower);
  std::printf("synthetic/partial CI: crossed [%.4f, %.4f], blocks only [%.4f, %.4f]\n", crossed.lower, crossed.upper,
              blocks.lower, blocks.upper);
}

TEST(Leaderboard, AggregateIsTheMeanOfNormalizedScoresOverBenchmarksWithACeiling) {
  nb::MethodScore a, b, c;
  a.method = b.method = c.method = "m";
  a.raw = 0.2;
  a.normalized = 0.5;  // ceiling 0.4
  b.raw = 0.3;
  b.normalized = 1.0;  // ceiling 0.3
  c.raw = 0.1;         // no ceiling
  const auto agg = nb::aggregate_rows({a, b, c});
  ASSERT_EQ(agg.size(), 1u);
  EXPECT_NEAR(agg[0].mean_normalized, 0.75, 1e-12);
  EXPECT_EQ(agg[0].benchmarks_with_ceiling, 2);
  EXPECT_NEAR(agg[0].mean_raw, 0.2, 1e-12);
  EXPECT_EQ(agg[0].benchmarks, 3);
}

TEST(Leaderboard, ShapeMismatchNamesMethodAndBenchmark) {
  const nb::SyntheticBenchmark syn = nb::synthetic_benchmark(ns::Seed{5});
  nb::Method bad{"bad", "x", "x", -1, Eigen::MatrixXd::Zero(10, 2)};
  try {
    nb::fit_method(syn.benchmark, bad, false);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bad on synthetic: 10 feature rows, 400 samples"), std::string::npos) << e.what();
  }
}

}  // namespace
