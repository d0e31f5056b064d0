// Runs the real `neuroscore` binary: bad input gives a non-zero exit and one error line; the
// score command works on NPY input; a second leaderboard run is served from the cache.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "neuroscore/io/npy.hpp"

namespace fs = std::filesystem;

namespace {

struct CommandResult {
  int code = 0;
  std::string out, err;
};

fs::path tmp_dir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return fs::path(t ? t : "/tmp");
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

CommandResult run(const std::string& args) {
  static int n = 0;
  const fs::path o = tmp_dir() / ("out" + std::to_string(n) + ".txt"), e = tmp_dir() / ("err" + std::to_string(n++) + ".txt");
  const std::string cmd = "benchmarks/cli/neuroscore " + args + " >" + o.string() + " 2>" + e.string();
  const int status = std::system(cmd.c_str());
  CommandResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(o);
  r.err = slurp(e);
  return r;
}

void expect_one_line_error(const CommandResult& r, const std::string& fragment) {
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.err.rfind("neuroscore: error: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

TEST(Cli, BadInputExitsNonZeroWithOneErrorLine) {
  expect_one_line_error(run("leaderboard --benchmarks nope"),
                        "unknown benchmark 'nope' (known: alice2016-roi, pereira2018-langnet, naturalstories-rt, synthetic)");
  expect_one_line_error(run("leaderboard --methods activations,bogus"), "unknown method family 'bogus'");
  expect_one_line_error(run("leaderboard --models trained,big"),
                        "--models wants trained, untrained, untrained:SEED or noise:REL_SD:SEED, got 'big'");
  expect_one_line_error(run("leaderboard --models untrained:x"), "--models 'untrained:x': seed 'x' is not a non-negative integer");
  expect_one_line_error(run("leaderboard --bootstrap x"), "--bootstrap: 'x' is not a positive whole number");
  expect_one_line_error(run("score --features x.npy --responses y.npy --folds 3"), "unknown option --folds");
  expect_one_line_error(run("score --features x.npy --responses y.npy --contiguous 1e3"), "--contiguous: '1e3' is not a whole number");
  expect_one_line_error(run("alice-word-rate --folds x"), "--folds: 'x' is not a whole number");
  expect_one_line_error(run("leaderboard --out"), "--out needs a value");
  expect_one_line_error(run("score --responses y.npy"), "--features and --responses are required");
  expect_one_line_error(run("score --features /nonexistent/x.npy --responses /nonexistent/y.npy"),
                        "--features /nonexistent/x.npy: file not found");
  const fs::path x = tmp_dir() / "x.npy", y = tmp_dir() / "y_short.npy";
  neuroscore::io::write_npy(x, Eigen::MatrixXd::Random(100, 3));
  neuroscore::io::write_npy(y, Eigen::MatrixXd::Random(90, 2));
  expect_one_line_error(run("score --features " + x.string() + " --responses " + y.string()),
                        "--features has 100 rows but --responses has 90");
  expect_one_line_error(run("score --features " + x.string() + " --responses " + x.string() + " --contiguous 1"),
                        "--contiguous wants at least 2 folds");
  EXPECT_EQ(run("leaderboard --help").code, 0);
  EXPECT_NE(run("score --help").out.find("examples:"), std::string::npos);
}

// The built-in benchmarks come from the registry (benchmarks/brain/builtin/BUILD.bazel's list), in its
// order, each with its one-line summary in --help.
TEST(Cli, LeaderboardHelpListsTheRegisteredBenchmarks) {
  const std::string help = run("leaderboard --help").out;
  const std::size_t list = help.find("registered benchmarks:\n");
  ASSERT_NE(list, std::string::npos) << help;
  std::size_t at = list;
  for (const std::string name : {"alice2016-roi", "pereira2018-langnet", "naturalstories-rt", "synthetic"}) {
    const std::size_t next = help.find("\n  " + name + ": ", at);
    ASSERT_NE(next, std::string::npos) << name << " missing or out of order in:\n" << help;
    at = next + 1;
  }
}

// A user's benchmark file through the binary: `benchmark check` describes it, a mistake is one
// error line naming file and key, and `leaderboard --benchmark` scores it end to end.
TEST(Cli, BenchmarkFileIsCheckedAndRunEndToEnd) {
  const fs::path dir = tmp_dir() / "study";
  fs::create_directories(dir);
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd x(120, 2), noise(120, 3);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = normal(rng);
  for (int s = 0; s < 3; ++s) {
    for (Eigen::Index i = 0; i < noise.size(); ++i) noise(i) = normal(rng);
    Eigen::MatrixXd y = noise;
    y.col(0) += 2.0 * x.col(0);
    neuroscore::io::write_npy(dir / ("sub" + std::to_string(s) + ".npy"), y);
  }
  neuroscore::io::write_npy(dir / "features.npy", x);
  const std::string good = R"({"name": "my-study", "rows": {"kind": "volumes", "tr": 1.5},
    "responses": {"files": "sub*.npy"}, "split": {"kind": "contiguous", "folds": 4, "gap": 2},
    "ceiling": {"kind": "subjects"}, "methods": [{"name": "mine", "file": "features.npy"}]})";
  std::ofstream(dir / "study.json") << good;
  const CommandResult check = run("benchmark check " + (dir / "study.json").string());
  EXPECT_EQ(check.code, 0) << check.err;
  EXPECT_NE(check.out.find("subjects    3"), std::string::npos) << check.out;
  EXPECT_NE(check.out.find("method      mine: 120 x 2"), std::string::npos) << check.out;
  std::string bad = good;
  bad.replace(bad.find("\"folds\": 4"), 10, "\"folds\": 0");
  std::ofstream(dir / "bad.json") << bad;
  expect_one_line_error(run("benchmark check " + (dir / "bad.json").string()), (dir / "bad.json").string() + ": split.folds: must be at least 2");
  const CommandResult lb = run("leaderboard --benchmark " + (dir / "study.json").string() + " --methods controls --bootstrap 50 --out " +
                               (dir / "out").string());
  ASSERT_EQ(lb.code, 0) << lb.err;
  const std::string csv = slurp(dir / "out" / "leaderboard.csv");
  EXPECT_NE(csv.find("my-study,default,user/mine,user,user,-1,all,raw_r,"), std::string::npos) << csv;
  EXPECT_NE(run("leaderboard --help").out.find("--benchmark FILE"), std::string::npos);
}

// Planted: target 0 = features * w + noise (r about 0.7), target 1 = pure noise. CSV input.
TEST(Cli, ScoreFindsThePlantedTargetAndNotTheNoise) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> z;
  const int n = 400;
  std::ofstream fx(tmp_dir() / "x.csv"), fy(tmp_dir() / "y.csv");
  fx << "a,b,c\n";
  fy << "signal,noise\n";
  for (int i = 0; i < n; ++i) {
    const double a = z(rng), b = z(rng), c = z(rng);
    fx << a << ',' << b << ',' << c << '\n';
    fy << (a - b + 0.5 * c) + z(rng) << ',' << z(rng) << '\n';
  }
  fx.close();
  fy.close();
  const CommandResult r = run("score --features " + (tmp_dir() / "x.csv").string() + " --responses " + (tmp_dir() / "y.csv").string() +
                    " --contiguous 5 --null 200 --bootstrap 200 --out " + (tmp_dir() / "scores.csv").string());
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream csv(tmp_dir() / "scores.csv");
  std::string header, t0, t1;
  std::getline(csv, header);
  std::getline(csv, t0);
  std::getline(csv, t1);
  EXPECT_EQ(header, "target,r,p,p_fwe,q_fdr,ci_low,ci_high");
  double v[2][7];
  for (int k = 0; k < 2; ++k) {
    std::stringstream s(k ? t1 : t0);
    std::string f;
    for (int c = 0; c < 7; ++c) {
      std::getline(s, f, ',');
      v[k][c] = std::stod(f);
    }
  }
  // Expected r of the planted target: sqrt(2.25 / 3.25) = 0.83; a 0.1 band covers ridge's loss.
  EXPECT_NEAR(v[0][1], 0.83, 0.1);
  EXPECT_LT(v[0][2], 0.01);                 // p at its floor 1/201
  EXPECT_LT(v[0][3], 0.01);                 // p_fwe too
  EXPECT_LT(v[0][4], 0.01);                 // and the FDR q
  EXPECT_GE(v[1][3], v[1][2]);              // p_fwe >= p
  EXPECT_LT(v[0][5], v[0][1]);
  EXPECT_GT(v[0][6], v[0][1]);
  EXPECT_LT(std::abs(v[1][1]), 0.15);       // noise target
  EXPECT_LE(v[1][5], 0.0);                  // its CI covers 0
  EXPECT_GE(v[1][6], 0.0);
}

// The synthetic benchmark alone (no language model): the second run computes no fit.
TEST(Cli, SecondLeaderboardRunIsServedFromTheCache) {
  const fs::path out = tmp_dir() / "lb";
  fs::remove_all(out);
  const CommandResult first = run("leaderboard --benchmarks synthetic --methods controls --bootstrap 100 --out " + out.string());
  ASSERT_EQ(first.code, 0) << first.err;
  const std::string md1 = slurp(out / "leaderboard.md");
  EXPECT_NE(md1.find("Fits: 3 computed, 0 from the cache"), std::string::npos) << md1;
  const CommandResult second = run("leaderboard --benchmarks synthetic --methods controls --bootstrap 100 --out " + out.string());
  ASSERT_EQ(second.code, 0) << second.err;
  const std::string md2 = slurp(out / "leaderboard.md");
  EXPECT_NE(md2.find("Fits: 0 computed, 3 from the cache"), std::string::npos) << md2;
  EXPECT_NE(second.err.find("(cached fit)"), std::string::npos);
  // Same scores either way: the tables after the run note are identical.
  EXPECT_EQ(md1.substr(md1.find("## Aggregate")), md2.substr(md2.find("## Aggregate")));
  EXPECT_TRUE(fs::exists(out / "report.html"));
  EXPECT_TRUE(fs::exists(out / "leaderboard.csv"));
}

}  // namespace
