// `neuroscore score` as a library call (run_score): the p-values belong to the printed r, the
// default gap follows the delays, delays respect groups, and the p is calibrated under a null.
#include "benchmarks/score_command.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "neuroscore/align.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace ns = neuroscore;
namespace nb = neuroscore::benchmarks;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return fs::path(t ? t : "/tmp");
}

Eigen::MatrixXd normal(Eigen::Index n, Eigen::Index p, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  Eigen::MatrixXd m(n, p);
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < n; ++i) m(i, j) = z(rng);
  return m;
}

// AR(1) columns with coefficient phi and unit innovations.
Eigen::MatrixXd ar1(Eigen::Index n, Eigen::Index p, double phi, std::mt19937_64& rng) {
  Eigen::MatrixXd e = normal(n, p, rng);
  for (Eigen::Index i = 1; i < n; ++i) e.row(i) += phi * e.row(i - 1);
  return e;
}

nb::ScoreRequest request(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const std::string& tag) {
  nb::ScoreRequest r;
  r.features = (tmp_dir() / ("x_" + tag + ".npy")).string();
  r.responses = (tmp_dir() / ("y_" + tag + ".npy")).string();
  ns::io::write_npy(r.features, x);
  ns::io::write_npy(r.responses, y);
  return r;
}

}  // namespace

// The printed r is the mean over folds of the per-fold r; p, p_fwe and q must be the refit
// null's for exactly that statistic (before, p came from a fixed-prediction null of the pooled r).
TEST(ScoreCommand, PValuesBelongToThePrintedMeanFoldR) {
  std::mt19937_64 rng(11);
  const Eigen::Index n = 300;
  const Eigen::MatrixXd x = normal(n, 4, rng);
  Eigen::MatrixXd y = ar1(n, 3, 0.5, rng);
  y.col(0) += 0.8 * (x.col(0) - x.col(1));
  y.col(1) += 0.15 * x.col(2);
  nb::ScoreRequest req = request(x, y, "belongs");
  req.permutations = 199;
  req.block = 10;
  req.resamples = 0;
  req.seed = 5;
  const nb::ScoreResult r = nb::run_score(req);

  // The same fit and null by hand.
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(n, 5, ns::Gap{0});
  ns::RidgeCvOptions ro;
  ro.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  ro.standardize = true;
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ro);
  ns::RefitNullOptions po;
  po.block = ns::BlockLength{10};
  po.permutations = 199;
  const ns::PermutationTest null = ns::refit_null_test(x, y, folds, fit, ro, ns::Seed{5}, po);
  for (Eigen::Index j = 0; j < 3; ++j) {
    EXPECT_NEAR(r.r(j), fit.fold_r.col(j).mean(), 1e-12) << j;
    EXPECT_NEAR(null.observed(j), r.r(j), 1e-10) << "the null's statistic is the printed r, target " << j;
    EXPECT_EQ(r.p(j), null.p_value(j)) << j;
    EXPECT_EQ(r.p_fwe(j), null.p_fwe(j)) << j;
    EXPECT_GE(r.p_fwe(j), r.p(j)) << j;
  }
  const Eigen::VectorXd q = ns::fdr_q_values(null.p_value, ns::FdrMethod::benjamini_hochberg).q_value;
  EXPECT_EQ(r.q_fdr, q);
  EXPECT_LT(r.p(0), 0.01);
  EXPECT_GT(r.p(2), 0.01);
}

TEST(ScoreCommand, DefaultGapIsTheLargestDelay) {
  bool help = false;
  const auto parse = [&](std::vector<std::string> a) {
    a.insert(a.end(), {"--features", "x.npy", "--responses", "y.npy"});
    return nb::parse_score_args(a, &help);
  };
  EXPECT_EQ(nb::effective_gap(parse({})), 0u);
  EXPECT_EQ(nb::effective_gap(parse({"--delays", "1,2,5,3"})), 5u);
  EXPECT_EQ(nb::effective_gap(parse({"--delays", "1,2,5", "--gap", "0"})), 0u) << "an explicit --gap wins";
  EXPECT_EQ(nb::effective_gap(parse({"--gap", "7"})), 7u);

  std::mt19937_64 rng(2);
  const Eigen::MatrixXd x = normal(200, 2, rng), y = normal(200, 1, rng);
  nb::ScoreRequest req = request(x, y, "gap");
  req.delays = {1, 2, 4};
  req.permutations = 0;
  req.resamples = 0;
  EXPECT_EQ(nb::run_score(req).gap, 4u);
}

// With groups, a group's first rows get zeros for the delayed features, not the previous group's
// stimulus: the score equals a fit on fir_delays(x, delays, runs_of_labels(groups)).
TEST(ScoreCommand, DelaysStopAtGroupBoundaries) {
  std::mt19937_64 rng(4);
  const Eigen::Index n = 240;
  const Eigen::MatrixXd x = normal(n, 2, rng);
  std::vector<int> groups(n);
  Eigen::MatrixXd g(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) g(i) = groups[static_cast<std::size_t>(i)] = static_cast<int>(i / 40);
  const Eigen::MatrixXd aware = ns::fir_delays(x, {1, 2, 3}, ns::runs_of_labels(groups));
  Eigen::MatrixXd y = normal(n, 2, rng);
  y.col(0) += aware.col(0) + aware.col(3);
  nb::ScoreRequest req = request(x, y, "groups");
  req.groups = (tmp_dir() / "g_groups.npy").string();
  ns::io::write_npy(req.groups, g);
  req.delays = {1, 2, 3};
  req.permutations = 0;
  req.resamples = 0;
  const nb::ScoreResult r = nb::run_score(req);

  ns::RidgeCvOptions ro;
  ro.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  ro.standardize = true;
  ro.inner_gap = ns::Gap{3};
  ro.inner_groups = groups;
  const std::vector<ns::Fold> folds = ns::group_kfold(groups, 5, ns::Gap{3});
  const Eigen::VectorXd want = ns::cross_validated_ridge(aware, y, folds, ro).fold_r.colwise().mean().transpose();
  EXPECT_NEAR((r.r - want).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  const Eigen::VectorXd blind =
      ns::cross_validated_ridge(ns::fir_delays(x, {1, 2, 3}), y, folds, ro).fold_r.colwise().mean().transpose();
  EXPECT_GT((r.r - blind).cwiseAbs().maxCoeff(), 1e-6) << "the run-blind expansion must differ here";

  g(5) = 0.5;
  ns::io::write_npy(req.groups, g);
  EXPECT_THROW(nb::run_score(req), std::invalid_argument);
}

// Size under the null: features independent of AR(1) 0.5 responses; 200 data sets, 99 refit
// permutations each. The fraction of p <= 0.05 must lie in the binomial(200, 0.05) 99.9% range
// [2, 22] (a fixed-seed draw, so the test is deterministic); the mean p is near 0.5.
TEST(ScoreCommand, RefitPIsCalibratedUnderTheNull) {
  std::mt19937_64 rng(123);
  int rejected = 0;
  double mean_p = 0.0;
  const int sets = 200;
  for (int s = 0; s < sets; ++s) {
    const Eigen::MatrixXd x = ar1(150, 3, 0.5, rng);
    const Eigen::MatrixXd y = ar1(150, 1, 0.5, rng);
    nb::ScoreRequest req = request(x, y, "size");
    req.permutations = 99;
    req.block = 10;
    req.resamples = 0;
    req.seed = static_cast<std::uint64_t>(s);
    const double p = nb::run_score(req).p(0);
    rejected += p <= 0.05;
    mean_p += p / sets;
  }
  EXPECT_GE(rejected, 2);
  EXPECT_LE(rejected, 22);
  EXPECT_NEAR(mean_p, 0.5, 0.07);
  std::printf("size at 0.05: %d / %d, mean p %.3f\n", rejected, sets, mean_p);
}
