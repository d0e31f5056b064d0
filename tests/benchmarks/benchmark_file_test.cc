// Tests of benchmarks/brain/benchmark_file.hpp: the built-in benchmarks defined by benchmark files
// (benchmarks/brain/builtin/*.json, embedded in the binary) build the same benchmarks and give
// bit-identical scores to the C++ definitions they replaced (kept here as references); a planted
// dataset written to NPY by the test, described only by a JSON file, scores exactly as the same
// benchmark built in C++ and recovers the plant; named bad files each fail with one line naming
// the file and the key.
#include "benchmarks/brain/benchmark_file.hpp"

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/cli/leaderboard_run.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/datasets/alice_predictors.hpp"
#include "neuroscore/datasets/naturalstories.hpp"
#include "neuroscore/io/gifti.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/nifti.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/simulate.hpp"
#include "tests/benchmarks/builtin_reference.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;

const fs::path kBuiltin = "benchmarks/brain/builtin";  // the built-in benchmark files, relative to the runfiles root

// Every number of two leaderboard runs, method by method: equal to the last bit.
void expect_identical(const std::vector<MethodScore>& a, const std::vector<MethodScore>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(a[i].method);
    EXPECT_EQ(a[i].method, b[i].method);
    const auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
    EXPECT_TRUE(same(a[i].raw, b[i].raw)) << a[i].raw << " vs " << b[i].raw;
    EXPECT_TRUE(same(a[i].ci_low, b[i].ci_low));
    EXPECT_TRUE(same(a[i].ci_high, b[i].ci_high));
    EXPECT_TRUE(same(a[i].normalized, b[i].normalized)) << a[i].normalized << " vs " << b[i].normalized;
    EXPECT_TRUE(same(a[i].gain_unique_r2, b[i].gain_unique_r2));
    EXPECT_TRUE(same(a[i].p_vs_best, b[i].p_vs_best));
    EXPECT_EQ(a[i].rank, b[i].rank);
    EXPECT_EQ(a[i].region_raw, b[i].region_raw);
    EXPECT_TRUE(a[i].fit.predictions.cwiseEqual(b[i].fit.predictions).all() ||
                (a[i].fit.predictions.array().isNaN() == b[i].fit.predictions.array().isNaN()).all());
  }
}

// ---- the C++ definitions that the built-in benchmark files replaced ----
// benchmarks/brain/builtin/alice2016_roi.hpp and naturalstories_rt.hpp at commit b0b5990, verbatim
// but for their names: the references the file-defined built-ins must equal to the last bit.

BuiltBenchmark reference_alice2016_roi(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Alice\n";
  datasets::AliceOptions ao;
  ao.warnings = &ctx.log();
  const datasets::AliceData data = datasets::load_alice(ctx.data_root(), ao);
  const datasets::AlicePredictors pred = datasets::load_alice_predictors(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, alice_benchmark(data), alice_controls(data, pred), "control/rate+frequency",
                                     "word rate + word frequency");
  const Benchmark& b = out.benchmark;
  std::vector<Method>& methods = out.methods;
  if (ctx.wants_lm()) {
    for (const LeaderboardModel& model : ctx.request().models) {
      const std::string& mname = model.label;
      const LmFeatures f = ctx.extract(model, extract::Stimulus::file((ctx.data_root() / "alice_brennan2016/words.TextGrid").string()),
                                       true, true);
      if (f.words.size() != data.words.size()) {
        throw std::runtime_error("alice: the extract read " + std::to_string(f.words.size()) +
                                 " words from words.TextGrid, the loader " + std::to_string(data.words.size()));
      }
      ctx.lm_methods(f, mname, true, true,
                     [&](const Eigen::MatrixXd& w, bool counts) {
                       return alice_design(data, w, counts ? WordToVolume::sum : WordToVolume::lanczos);
                     },
                     b.baseline, methods);
    }
  }
  if (ctx.request().shuffled_control) {
    Benchmark shuffled = alice_benchmark(data, true);
    shuffled.baseline = b.baseline;
    out.shuffled.push_back(std::move(shuffled));
    for (const Method& m : methods) {
      if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_block_2" ||
          m.name == "untrained/activations_block_2")
        out.shuffled_methods.push_back(m);
    }
  }
  if (ctx.request().gap_sensitivity) {
    // split.hpp: BOLD noise stays autocorrelated for 10-20 volumes, longer than the 4-volume
    // purge (the longest FIR delay). The same methods with gaps of 10 and 20 volumes, outer and
    // inner; the test blocks (and so the per-block ceiling) are the same.
    for (const std::size_t gap : {10, 20}) {
      Benchmark g = b;
      g.name = "alice2016-roi-gap" + std::to_string(gap);
      g.folds = contiguous_kfold(static_cast<std::size_t>(b.responses.rows()), b.folds.size(), Gap{gap});
      g.ridge.inner_gap = Gap{gap};
      g.description = b.description + "; purge gap " + std::to_string(gap) + " volumes (a sensitivity check)";
      out.gap_variants.push_back(std::move(g));
    }
    for (const Method& m : methods) {
      if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_inner_cv_layer" ||
          m.name == "untrained/activations_inner_cv_layer" || m.name == "trained/attention_all_blocks")
        out.gap_methods.push_back(m);
    }
  }
  return out;
}

BuiltBenchmark reference_naturalstories_rt(LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading Natural Stories\n";
  const datasets::NaturalStoriesData d = datasets::load_naturalstories(ctx.data_root());
  BuiltBenchmark out = with_controls(ctx, naturalstories_benchmark(d), naturalstories_controls(d),
                                     "control/length+frequency+position", "word length + log frequency + position");
  const Benchmark& b = out.benchmark;
  if (ctx.wants_lm()) {
    const bool attributions = ctx.wants_named_attributions();
    // One story per line: context never crosses stories.
    const std::filesystem::path stim = ctx.cache() / "naturalstories_stories.txt";
    {
      std::ostringstream text;
      for (std::size_t i = 0; i < d.words.size(); ++i) {
        if (i > 0) text << (d.story[i] != d.story[i - 1] ? '\n' : ' ');
        text << d.words[i];
      }
      text << '\n';
      std::ofstream(stim) << text.str();
    }
    for (const LeaderboardModel& model : ctx.request().models) {
      const std::string& mname = model.label;
      const LmFeatures f = ctx.extract(model, extract::Stimulus::file(stim.string(), extract::Segments::kLines), true, attributions);
      if (f.words.size() != d.words.size()) {
        throw std::runtime_error("naturalstories: the extract read " + std::to_string(f.words.size()) +
                                 " words, the loader " + std::to_string(d.words.size()));
      }
      ctx.lm_methods(f, mname, true, attributions, [&](const Eigen::MatrixXd& w, bool) { return w; }, b.baseline,
                     out.methods);
    }
  }
  return out;
}

// The same benchmark, field by field (what scoring reads): equal to the last bit.
void expect_same_benchmark(const Benchmark& a, const Benchmark& b) {
  SCOPED_TRACE(b.name);
  EXPECT_EQ(a.name, b.name);
  EXPECT_TRUE(a.responses.rows() == b.responses.rows() && a.responses.cols() == b.responses.cols() && a.responses == b.responses);
  EXPECT_TRUE(a.baseline.rows() == b.baseline.rows() && a.baseline.cols() == b.baseline.cols() && a.baseline == b.baseline);
  EXPECT_EQ(a.target_subject, b.target_subject);
  EXPECT_EQ(a.target_region, b.target_region);
  ASSERT_EQ(a.folds.size(), b.folds.size());
  for (std::size_t k = 0; k < a.folds.size(); ++k) {
    EXPECT_EQ(a.folds[k].train, b.folds[k].train) << "fold " << k;
    EXPECT_EQ(a.folds[k].test, b.folds[k].test) << "fold " << k;
  }
  EXPECT_TRUE(a.ceiling == b.ceiling || (std::isnan(a.ceiling) && std::isnan(b.ceiling))) << a.ceiling << " vs " << b.ceiling;
  EXPECT_EQ(a.region_ceiling, b.region_ceiling);
  EXPECT_EQ(a.ridge.alphas, b.ridge.alphas);
  EXPECT_EQ(a.ridge.inner_folds, b.ridge.inner_folds);
  EXPECT_EQ(a.ridge.inner_gap.samples, b.ridge.inner_gap.samples);
  EXPECT_EQ(a.ridge.inner_groups, b.ridge.inner_groups);
  EXPECT_EQ(a.ridge.standardize, b.ridge.standardize);
  EXPECT_EQ(a.block.samples, b.block.samples);
  EXPECT_EQ(a.bootstrap_groups, b.bootstrap_groups);
}

// The built-in benchmark `builtin` (its embedded benchmark file, through run_leaderboard) and its
// C++ `reference` (built with the same request and cache directory, so its LM features are cache
// hits; fitted, scored and ranked as run_leaderboard does): the same scores to the last bit.
LeaderboardRun expect_builtin_matches_reference(const fs::path& data, const std::string& builtin,
                                                const std::function<BuiltBenchmark(LeaderboardContext&)>& reference,
                                                const std::vector<MethodFamily>& methods) {
  LeaderboardRequest req;
  req.data_root = data;
  req.out_dir = testing::scratch_dir("lb_" + builtin);
  req.methods = methods;
  req.models = {LeaderboardModel::trained()};
  req.bootstrap = 200;
  req.shuffled_control = false;
  req.gap_sensitivity = false;
  std::ostringstream log;
  req.benchmarks = {builtin};
  const LeaderboardRun a = run_leaderboard(req, log);
  LeaderboardContext ctx(req, log);
  const BuiltBenchmark ref = reference(ctx);
  const Benchmark& b = ref.benchmark;
  ScoringOptions scoring;
  scoring.bootstrap.resamples = req.bootstrap;
  const Eigen::VectorXd base = b.baseline.size() > 0 ? baseline_r2(b) : Eigen::VectorXd();
  std::vector<MethodScore> expected;
  for (const Method& m : ref.methods) expected.push_back(score_fit(b, m, fit_method(b, m, base.size() > 0), base, scoring));
  rank_methods(b, expected, scoring);
  EXPECT_GT(a.scores.size(), 4u);
  expect_identical(expected, a.scores);
  return a;
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }


const MethodScore* find_score(const std::vector<MethodScore>& scores, const std::string& method) {
  for (const MethodScore& s : scores) {
    if (s.method == method) return &s;
  }
  return nullptr;
}

// run_leaderboard on benchmark files alone, controls and user features only (no language model).
LeaderboardRun run_files(const std::vector<fs::path>& files, const fs::path& out, std::size_t bootstrap, std::ostringstream& log) {
  LeaderboardRequest req;
  req.out_dir = out;
  req.methods = {MethodFamily::kControls};
  req.bootstrap = bootstrap;
  req.benchmark_files = files;
  return run_leaderboard(req, log);
}

TEST(BuiltinBenchmarkFiles, AliceScoresExactlyAsItsCppDefinition) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const LeaderboardRun all = expect_builtin_matches_reference(data, "alice2016-roi", reference_alice2016_roi,
                                                               {MethodFamily::kControls, MethodFamily::kActivations, MethodFamily::kModelPlusControls});

  // A layer spec: the same file (as a user's, renamed) with two layers gives those two rows (same
  // numbers) and an inner-CV entry choosing between them; one layer is ranked itself; an unknown
  // layer is named.
  std::string two = testing::file_text(kBuiltin / "alice2016_roi.json");
  two.replace(two.find(R"("alice2016-roi")"), 15, R"("alice2016-roi-layers")");
  two.replace(two.find(R"("kind": "language_model"})"), 25, R"("kind": "language_model", "layers": ["block_2", "block_3"]})");
  const fs::path file = testing::scratch_dir("alice_layers") / "two_layers.json";
  write_text(file, two);
  LeaderboardRequest req;
  req.data_root = data;
  req.out_dir = all.files.csv.parent_path();  // the same cache: the features are extracted once
  req.methods = {MethodFamily::kActivations};
  req.models = {LeaderboardModel::trained()};
  req.bootstrap = 200;
  req.benchmark_files = {file};
  std::ostringstream log;
  const LeaderboardRun layers = run_leaderboard(req, log);
  ASSERT_EQ(layers.scores.size(), 3u);
  for (const std::string m : {"trained/activations_block_2", "trained/activations_block_3"}) {
    ASSERT_NE(find_score(layers.scores, m), nullptr) << m;
    EXPECT_EQ(find_score(layers.scores, m)->raw, find_score(all.scores, m)->raw) << m;
    EXPECT_FALSE(find_score(layers.scores, m)->ranked);
  }
  ASSERT_NE(find_score(layers.scores, "trained/activations_inner_cv_layer"), nullptr);
  std::string one = two;
  one.replace(one.find(R"(["block_2", "block_3"])"), 22, R"(["block_2"])");
  write_text(file, one);
  const LeaderboardRun single = run_leaderboard(req, log);
  ASSERT_EQ(single.scores.size(), 1u);
  EXPECT_TRUE(single.scores[0].ranked);
  EXPECT_EQ(single.scores[0].rank, 1);
  one.replace(one.find(R"(["block_2"])"), 11, R"(["block_9"])");
  write_text(file, one);
  try {
    run_leaderboard(req, log);
    ADD_FAILURE() << "no error for an unknown layer";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("methods[0].layers: the model has no layer 'block_9' (layers: embedding, block_0"),
              std::string::npos) << e.what();
  }
}

TEST(BuiltinBenchmarkFiles, NaturalStoriesScoresExactlyAsItsCppDefinition) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  expect_builtin_matches_reference(data, "naturalstories-rt", reference_naturalstories_rt,
                                   {MethodFamily::kControls, MethodFamily::kActivations});
}

// The shuffled-split control and the purge-gap variants that alice2016_roi.hpp adds to the file's
// benchmark: the same benchmarks (folds, ceilings, responses, baseline) and methods as the C++
// definition built.
TEST(BuiltinBenchmarkFiles, AliceShuffledAndGapVariantsAreTheCppDefinitions) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  LeaderboardRequest req;
  req.data_root = data;
  req.out_dir = testing::scratch_dir("alice_variants");
  req.methods = {MethodFamily::kControls};
  req.models = {LeaderboardModel::trained()};
  std::ostringstream log;
  LeaderboardContext ctx(req, log);
  const BuiltBenchmark got = require_benchmark(builtin_benchmarks(), "alice2016-roi").build(ctx);
  const BuiltBenchmark ref = reference_alice2016_roi(ctx);
  expect_same_benchmark(got.benchmark, ref.benchmark);
  ASSERT_EQ(got.shuffled.size(), 1u);
  ASSERT_EQ(ref.shuffled.size(), 1u);
  expect_same_benchmark(got.shuffled[0], ref.shuffled[0]);
  ASSERT_EQ(got.gap_variants.size(), 2u);
  ASSERT_EQ(ref.gap_variants.size(), 2u);
  for (std::size_t k = 0; k < 2; ++k) expect_same_benchmark(got.gap_variants[k], ref.gap_variants[k]);
  const auto same_methods = [](const std::vector<Method>& a, const std::vector<Method>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].name, b[i].name);
      EXPECT_TRUE(a[i].x.rows() == b[i].x.rows() && a[i].x.cols() == b[i].x.cols() && a[i].x == b[i].x) << a[i].name;
    }
  };
  EXPECT_EQ(got.shuffled_methods.size(), 2u);  // control/word_rate, control/oasm (no LM requested)
  same_methods(got.methods, ref.methods);
  same_methods(got.shuffled_methods, ref.shuffled_methods);
  same_methods(got.gap_methods, ref.gap_methods);
}

TEST(BuiltinBenchmarkFiles, CheckDescribesWhatItFound) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const std::string alice = check_benchmark_file(kBuiltin / "alice2016_roi.json", data);
  EXPECT_NE(alice.find("subjects    27 (1 excluded"), std::string::npos) << alice;
  EXPECT_NE(alice.find("2127 timed words"), std::string::npos) << alice;
  EXPECT_NE(alice.find("rate+frequency: 362 x 5 (baseline)"), std::string::npos) << alice;
  const std::string ns = check_benchmark_file(kBuiltin / "naturalstories_rt.json", data);
  EXPECT_NE(ns.find("rows        10256"), std::string::npos) << ns;
  EXPECT_NE(ns.find("groups      10"), std::string::npos) << ns;
}

// ---- a planted dataset described only by a JSON file ----

// simulate.hpp's planted benchmark, written to NPY (one file per subject), and a JSON file
// describing it: contiguous 5-fold with gap 4, its alpha grid, no standardization, the confound
// design as the baseline, the planted, partial and null designs as user feature files.
struct PlantedFiles {
  fs::path dir, json;
  SyntheticBenchmark syn;
};

PlantedFiles write_planted(const std::string& name) {
  PlantedFiles out;
  out.dir = testing::scratch_dir(name);
  out.syn = synthetic_benchmark(Seed{2024});
  const Benchmark& b = out.syn.benchmark;
  const int subjects = detail::leaderboard::subject_count(b);
  const Eigen::Index t = b.responses.cols() / subjects;
  for (int s = 0; s < subjects; ++s) {
    io::write_npy(out.dir / ("sub-0" + std::to_string(s) + "_responses.npy"), Eigen::MatrixXd(b.responses.middleCols(s * t, t)));
  }
  io::write_npy(out.dir / "confounds.npy", b.baseline);
  for (const Method& m : out.syn.methods) {
    io::write_npy(out.dir / (m.name.substr(m.name.find('/') + 1) + ".npy"), m.x);
  }
  out.json = out.dir / "planted.json";
  write_text(out.json, R"({
  "name": "planted",
  "rows": {"kind": "volumes", "tr": 1.0},
  "responses": {"files": "sub-*_responses.npy", "targets": ["target0", "target1", "target2", "target3"]},
  "split": {"kind": "contiguous", "folds": 5, "gap": 4},
  "ridge": {"alphas": [0.1, 1, 10, 100, 1000, 10000, 100000], "standardize": false},
  "bootstrap": {"block": 20},
  "controls": [{"name": "confounds", "file": "confounds.npy"}],
  "baseline": "confounds",
  "methods": [
    {"name": "planted", "file": "planted.npy"},
    {"name": "partial", "file": "partial.npy"},
    {"name": "null", "file": "null.npy"}
  ]
})");
  return out;
}

TEST(BenchmarkFilePlanted, ScoresExactlyAsTheSameBenchmarkBuiltInCAndRecoversThePlant) {
  const PlantedFiles f = write_planted("planted");
  std::ostringstream log;
  const LeaderboardRun run = run_files({f.json}, testing::scratch_dir("planted_lb"), 200, log);

  // The same benchmark in C++: the synthetic one without its planted ceiling, methods renamed.
  Benchmark b = f.syn.benchmark;
  b.name = "planted";
  b.ceiling = std::numeric_limits<double>::quiet_NaN();
  b.region_ceiling.clear();
  std::vector<Method> methods = {{"control/confounds", "control", "control", -1, b.baseline}};
  for (const Method& m : f.syn.methods) methods.push_back({"user/" + m.name.substr(m.name.find('/') + 1), "user", "user", -1, m.x});
  ScoringOptions scoring;
  scoring.bootstrap.resamples = 200;
  const Eigen::VectorXd base = baseline_r2(b);
  std::vector<MethodScore> expected;
  for (const Method& m : methods) expected.push_back(score_fit(b, m, fit_method(b, m, true), base, scoring));
  rank_methods(b, expected, scoring);
  expect_identical(expected, run.scores);

  // The plant: the planted design ranks first and the null design scores about 0.
  for (const MethodScore& s : run.scores) {
    if (s.method == "user/planted") {
      EXPECT_EQ(s.rank, 1);
      EXPECT_GT(s.raw, 0.4);
    }
    if (s.method == "user/null") {
      EXPECT_LT(std::abs(s.raw), 0.15);
    }
  }
  const std::string check = check_benchmark_file(f.json, {});
  EXPECT_NE(check.find("subjects    6"), std::string::npos) << check;
  // The same files under the data root: "$DATA/sub-*_responses.npy" matches the six subjects.
  std::string under_data = testing::file_text(f.json);
  under_data.replace(under_data.find("\"sub-*_responses.npy\""), 21, "\"$DATA/sub-*_responses.npy\"");
  write_text(f.json, under_data);
  EXPECT_NE(check_benchmark_file(f.json, f.dir).find("subjects    6"), std::string::npos);
}

// NIfTI responses: 3 subjects' 4D runs (5 x 4 x 3 grid, 200 volumes, AR(1) noise), a mask
// keeping the voxels with x < 3; voxels with y < 2 carry 0.9 * feature 0 in every subject. The file
// benchmark scores every kept voxel and writes one map per method whose voxels hold the per-voxel
// raw r of the table: planted voxels high, the others near 0, NaN outside the mask.
TEST(BenchmarkFileNifti, RunsUnderAMaskGiveScoreMaps) {
  const fs::path dir = testing::scratch_dir("nifti_benchmark");
  std::mt19937_64 rng(21);
  std::normal_distribution<double> z;
  const Eigen::Index volumes = 200, nvox = 60;
  Eigen::MatrixXd x(volumes, 2);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = z(rng);
  io::write_npy(dir / "x.npy", x);
  io::NiftiImage grid;
  grid.dims = {5, 4, 3};
  grid.pixdim = {1.0, 2.0, 2.0, 2.0, 1.5, 0, 0, 0};
  grid.sform_code = 1;
  grid.srow = {{{2.0, 0.0, 0.0, -4.0}, {0.0, 2.0, 0.0, -3.0}, {0.0, 0.0, 2.0, 1.0}}};
  std::vector<std::int64_t> all;
  for (std::int64_t v = 0; v < nvox; ++v) all.push_back(v);
  Eigen::VectorXd mask(nvox);
  for (std::int64_t v = 0; v < nvox; ++v) mask(v) = v % 5 < 3 ? 1.0 : 0.0;
  io::write_nifti_map(dir / "mask.nii.gz", grid, all, mask);
  for (int s = 0; s < 3; ++s) {
    Eigen::MatrixXd run(nvox, volumes);
    for (Eigen::Index i = 0; i < run.size(); ++i) run(i) = z(rng);
    for (Eigen::Index t = 1; t < volumes; ++t) run.col(t) += 0.3 * run.col(t - 1);
    for (std::int64_t v = 0; v < nvox; ++v) {
      if ((v / 5) % 4 < 2) run.row(v) += 0.9 * x.col(0).transpose();
    }
    io::write_nifti_volumes(dir / ("sub-0" + std::to_string(s) + "_bold.nii.gz"), grid, all, run);
  }
  write_text(dir / "brain.json", R"({"name": "brain", "rows": {"kind": "volumes", "tr": 1.5},
    "responses": {"files": "sub-*_bold.nii.gz", "mask": "mask.nii.gz", "zscore": "subject"},
    "split": {"kind": "contiguous", "folds": 5, "gap": 2}, "ceiling": {"kind": "subjects"},
    "methods": [{"name": "x", "file": "x.npy"}]})");
  EXPECT_NE(check_benchmark_file(dir / "brain.json", {}).find("36 per subject"), std::string::npos);
  std::ostringstream log;
  const LeaderboardRun run = run_files({dir / "brain.json"}, dir / "out", 100, log);
  ASSERT_EQ(run.scores.size(), 1u);
  const MethodScore& s = run.scores[0];
  const io::NiftiImage map = io::read_nifti(dir / "out" / "maps" / "brain" / "user_x_r.nii.gz");
  ASSERT_EQ(map.dims, (std::vector<std::int64_t>{5, 4, 3}));
  EXPECT_EQ(map.srow, grid.srow);
  for (std::int64_t v = 0; v < nvox; ++v) {
    const double r = map.data[static_cast<std::size_t>(v)];
    if (v % 5 >= 3) {
      EXPECT_TRUE(std::isnan(r)) << v;
      continue;
    }
    EXPECT_EQ(r, static_cast<double>(static_cast<float>(s.region_raw.at("v" + std::to_string(v))))) << v;
    if ((v / 5) % 4 < 2) EXPECT_GT(r, 0.5) << v;
    else EXPECT_LT(std::abs(r), 0.2) << v;
  }
  EXPECT_NE(log.str().find("leaderboard: wrote " + (dir / "out" / "maps" / "brain" / "user_x_r.nii.gz").string()), std::string::npos);
}

// GIfTI responses: 3 subjects' surface runs of 30 vertices (5 medial-wall vertices constant at 0),
// 150 volumes; vertices 5..14 carry 0.9 * feature 0. Constant vertices are left out, the planted
// ones score high, and the map has one value per vertex (NaN on the medial wall).
TEST(BenchmarkFileNifti, SurfaceRunsGiveAVertexMap) {
  const fs::path dir = testing::scratch_dir("gifti_benchmark");
  std::mt19937_64 rng(5);
  std::normal_distribution<double> z;
  Eigen::MatrixXd x(150, 1);
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = z(rng);
  io::write_npy(dir / "x.npy", x);
  for (int s = 0; s < 3; ++s) {
    Eigen::MatrixXd run(150, 30);
    for (Eigen::Index i = 0; i < run.size(); ++i) run(i) = z(rng);
    run.leftCols(5).setZero();
    run.middleCols(5, 10).colwise() += 0.9 * x.col(0);
    io::write_gifti_arrays(dir / ("sub-0" + std::to_string(s) + ".lh.func.gii"), run);
  }
  write_text(dir / "surface.json", R"({"name": "surface", "rows": {"kind": "volumes", "tr": 2.0},
    "responses": {"files": "sub-*.lh.func.gii"}, "split": {"kind": "contiguous", "folds": 5, "gap": 1},
    "methods": [{"name": "x", "file": "x.npy"}]})");
  EXPECT_NE(check_benchmark_file(dir / "surface.json", {}).find("25 per subject"), std::string::npos);
  std::ostringstream log;
  const LeaderboardRun run = run_files({dir / "surface.json"}, dir / "out", 100, log);
  const io::GiftiImage map = io::read_gifti(dir / "out" / "maps" / "surface" / "user_x_r.func.gii");
  ASSERT_EQ(map.arrays.size(), 1u);
  ASSERT_EQ(map.arrays[0].data.size(), 30u);
  for (std::size_t v = 0; v < 30; ++v) {
    const double r = map.arrays[0].data[v];
    if (v < 5) {
      EXPECT_TRUE(std::isnan(r)) << v;
    } else if (v < 15) {
      EXPECT_GT(r, 0.5) << v;
    } else {
      EXPECT_LT(std::abs(r), 0.25) << v;
    }
    if (v >= 5) EXPECT_EQ(r, static_cast<double>(static_cast<float>(run.scores[0].region_raw.at("v" + std::to_string(v)))));
  }
}

// The two ceilings a file can ask for, on simulated brains with a planted ceiling
// (simulate.hpp: signal variance 0.5, AR(1) noise of variance 1): "subjects" (8 subjects, one
// presentation each) against the planted single-subject ceiling sqrt(EV_1) = 0.577, and "repeats"
// (one subject, 6 repeats) against the planted ceiling of the 6-repeat mean sqrt(EV_6) = 0.887.
// Both are computed per test fold and averaged, as the score is. Over these 20 seeds the largest
// errors were 0.023 (subjects) and 0.018 (repeats), the mean errors -0.0045 and -0.0032; the
// tolerances are about 1.5x the largest error and 1.5-2x the mean.
double file_ceiling(const fs::path& dir, const std::string& kind, const std::vector<Eigen::MatrixXd>& files) {
  for (std::size_t i = 0; i < files.size(); ++i) io::write_npy(dir / ("r" + std::to_string(10 + i) + ".npy"), files[i]);
  write_text(dir / "c.json", R"({"name": "c", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": "r*.npy"},
    "split": {"kind": "contiguous", "folds": 5, "gap": 2}, "ceiling": {"kind": ")" + kind + R"("},
    "methods": [{"name": "x", "file": "x.npy"}]})");
  const std::string report = check_benchmark_file(dir / "c.json", {});
  const std::size_t at = report.find("ceiling     " + kind + ": ");
  if (at == std::string::npos) throw std::runtime_error(report);
  return std::stod(report.substr(at + 14 + kind.size()));
}

TEST(BenchmarkFileCeilings, SubjectAndRepeatCeilingsRecoverThePlantedCeiling) {
  double worst_subjects = 0.0, worst_repeats = 0.0, mean_subjects = 0.0, mean_repeats = 0.0;
  constexpr int kSeeds = 20;
  for (int seed = 0; seed < kSeeds; ++seed) {
    BrainSpec spec;
    spec.samples = 600;
    spec.targets = 4;
    spec.feature_variance = 0.5;
    spec.ar1 = Ar1{0.3, 1.0};
    spec.subjects = 8;
    const SimulatedBrain subjects = simulate_brain(spec, Seed{static_cast<std::uint64_t>(seed)});
    spec.subjects = 1;
    spec.repeats = 6;
    const SimulatedBrain repeats = simulate_brain(spec, Seed{static_cast<std::uint64_t>(seed + 100)});
    const fs::path dir = testing::scratch_dir("ceilings");
    io::write_npy(dir / "x.npy", subjects.design);
    const double s = file_ceiling(dir, "subjects", subjects.trials) - subjects.correlation_ceiling(1.0);
    const fs::path dir2 = testing::scratch_dir("ceilings_repeats");
    io::write_npy(dir2 / "x.npy", repeats.design);
    const double r = file_ceiling(dir2, "repeats", repeats.trials) - repeats.correlation_ceiling(6.0);
    worst_subjects = std::max(worst_subjects, std::abs(s));
    worst_repeats = std::max(worst_repeats, std::abs(r));
    mean_subjects += s / kSeeds;
    mean_repeats += r / kSeeds;
  }
  RecordProperty("worst_subjects", std::to_string(worst_subjects));
  RecordProperty("worst_repeats", std::to_string(worst_repeats));
  std::cout << "ceiling errors over " << kSeeds << " seeds: subjects worst " << worst_subjects << " mean " << mean_subjects
            << "; repeats worst " << worst_repeats << " mean " << mean_repeats << "\n";
  EXPECT_LT(worst_subjects, 0.035);
  EXPECT_LT(worst_repeats, 0.03);
  EXPECT_LT(std::abs(mean_subjects), 0.01);
  EXPECT_LT(std::abs(mean_repeats), 0.005);
}

// The planted subjects as HDF5 datasets (one file per subject, dataset /bold) score exactly as
// the same subjects as NPY.
TEST(BenchmarkFilePlanted, Hdf5ResponsesScoreExactlyAsNpy) {
  const PlantedFiles f = write_planted("planted_h5");
  const Benchmark& b = f.syn.benchmark;
  const Eigen::Index t = 4;
  for (int s = 0; s < 6; ++s) {
    io::write_hdf5_matrix(f.dir / ("sub-0" + std::to_string(s) + ".h5"), "/bold", Eigen::MatrixXd(b.responses.middleCols(s * t, t)));
  }
  std::string h5 = testing::file_text(f.json);
  h5.replace(h5.find("\"sub-*_responses.npy\""), 21, "\"sub-*.h5\", \"dataset\": \"/bold\"");
  h5.replace(h5.find("\"planted\""), 9, "\"planted-h5\"");
  write_text(f.dir / "planted_h5.json", h5);
  std::ostringstream log;
  const LeaderboardRun npy = run_files({f.json}, f.dir / "out", 200, log);
  const LeaderboardRun hdf5 = run_files({f.dir / "planted_h5.json"}, f.dir / "out", 200, log);
  expect_identical(npy.scores, hdf5.scores);
}

// ---- bad files: one line naming the file, the key and the value ----

struct BadFile {
  const char* name;
  std::string json;
  std::string key;        // must appear in the message
  std::string value;      // must appear in the message
};

// Writes `c`'s file to `dir` and expects check to fail with one line that starts with the file
// and names the key and the value.
void expect_bad_file(const fs::path& dir, const BadFile& c) {
  SCOPED_TRACE(c.name);
  const fs::path p = dir / (std::string(c.name) + ".json");
  write_text(p, c.json);
  try {
    check_benchmark_file(p, {});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.rfind(p.string() + ": ", 0), 0u) << m;
    EXPECT_NE(m.find(c.key), std::string::npos) << m;
    EXPECT_NE(m.find(c.value), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not an invalid_argument: " << e.what();
  }
}

// A small valid dataset: 2 subjects x 2 targets x 60 rows, a feature file, 3 groups of 20.
fs::path write_small_dataset(const std::string& name) {
  const fs::path dir = testing::scratch_dir(name);
  Eigen::MatrixXd y = Eigen::MatrixXd::Random(60, 2);
  io::write_npy(dir / "s1.npy", y);
  io::write_npy(dir / "s2.npy", Eigen::MatrixXd(Eigen::MatrixXd::Random(60, 2)));
  io::write_npy(dir / "x.npy", Eigen::MatrixXd(Eigen::MatrixXd::Random(60, 3)));
  io::write_npy(dir / "x_short.npy", Eigen::MatrixXd(Eigen::MatrixXd::Random(59, 3)));
  Eigen::MatrixXd nan = y;
  nan(17, 1) = std::numeric_limits<double>::quiet_NaN();
  io::write_npy(dir / "s_nan.npy", nan);
  io::write_npy(dir / "s_short.npy", Eigen::MatrixXd(Eigen::MatrixXd::Random(50, 2)));
  Eigen::MatrixXd groups(60, 1);
  for (int i = 0; i < 60; ++i) groups(i, 0) = i / 20;
  io::write_npy(dir / "groups.npy", groups);
  Eigen::MatrixXd uneven = groups;
  for (int i = 55; i < 60; ++i) uneven(i, 0) = 3;  // group 3 has 5 rows
  io::write_npy(dir / "groups_uneven.npy", uneven);
  write_text(dir / "words.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n70.0\t0.3\tend\n");
  write_text(dir / "words_late.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n200.0\t0.3\tlate\n");
  write_text(dir / "sentences.txt", "one\ntwo\n");
  std::string sentences;
  for (int i = 0; i < 60; ++i) sentences += "sentence " + std::to_string(i) + "\n";
  write_text(dir / "sentences60.txt", sentences);
  write_text(dir / "words_negative.tsv", "onset\tduration\tword\n1.0\t-0.3\tthe\n2.0\t0.3\tend\n");
  io::write_hdf5_matrix(dir / "s.h5", "/bold", y);
  write_text(dir / "events_bad.tsv", "onset\tduration\ttrial_type\tword\n1.0\tn/a\tword\tthe\nsoon\t0.2\tword\tend\n");
  std::string table = "word\tstory\n";
  for (int i = 0; i < 50; ++i) table += "w" + std::to_string(i) + "\t" + std::to_string(i / 10) + "\n";
  write_text(dir / "table50.tsv", table);
  Eigen::MatrixXd huge = groups;
  huge(0, 0) = 4e9;
  io::write_npy(dir / "groups_huge.npy", huge);
  return dir;
}

// A valid file (2 subjects, one feature file) with `edits` (more top-level keys) added.
std::string base_with(const std::string& edits) {
  std::string out = R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"]},
 "methods": [{"name": "x", "file": "x.npy"}])";
  out += edits.empty() ? "}" : ", " + edits + "}";
  return out;
}

// The check of a small volumes benchmark whose words are `events` (an events.tsv written to `name`'s
// directory), rows.words also holding `words_keys` (e.g. `, "na_duration": "zero"`).
std::string json_with_events(const std::string& file, const std::string& words_keys = "") {
  return R"({"name": "events", "rows": {"kind": "volumes", "tr": 2.0, "words": {"file": ")" + file + "\"" + words_keys +
         R"(}}, "responses": {"files": ["s1.npy", "s2.npy"]}, "controls": [{"name": "rate", "kind": "word_rate"}]})";
}
std::string check_events(const std::string& name, const std::string& events) {
  const fs::path dir = write_small_dataset(name);
  write_text(dir / "events.tsv", events);
  write_text(dir / "events.json", json_with_events("events.tsv"));
  return check_benchmark_file(dir / "events.json", {});
}

TEST(BenchmarkFileErrors, EveryBadFileFailsWithOneLineNamingFileKeyAndValue) {
  const fs::path dir = write_small_dataset("bad_files");
  // The base itself is good.
  write_text(dir / "good.json", base_with(""));
  EXPECT_NO_THROW(check_benchmark_file(dir / "good.json", {}));
  const std::vector<BadFile> cases = {
      {"not_json", "{\"name\": \"small\",", "not valid JSON", "parse error"},
      {"unknown_key", base_with(R"("splitt": {})"), "splitt", "unknown key"},
      {"missing_responses", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses", "missing"},
      {"missing_file", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "nope.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files[1]", "nope.npy"},
      {"unknown_split", base_with(R"("split": {"kind": "kfold"})"), "split.kind", "'kfold'"},
      {"one_fold", base_with(R"("split": {"folds": 1})"), "split.folds", "at least 2"},
      {"folds_not_number", base_with(R"("split": {"folds": "five"})"), "split.folds", "\"five\""},
      {"nan_row", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s_nan.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files[1]", "row 18 of the file (1-based), column 1 is nan"},
      {"shape_mismatch_subjects", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s_short.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files[1]", "50 x 2"},
      {"feature_rows_mismatch", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x_short.npy"}]})", "methods[0]", "59 rows"},
      {"timings_after_responses", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0, "words": {"file": "words_late.tsv"}}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.words.file", "'late'"},
      {"group_shorter_than_gap", base_with(R"("groups": {"file": "groups_uneven.npy"}, "split": {"kind": "grouped", "folds": 2, "gap": 6})"), "split.gap", "group 3 has only 5 rows"},
      {"grouped_without_groups", base_with(R"("split": {"kind": "grouped"})"), "split.kind", "needs \"groups\""},
      {"logo_one_group", base_with(R"("groups": {"every": 60}, "split": {"kind": "leave-one-group-out"})"), "split", "at least 2 groups"},
      {"negative_delay", base_with(R"("delays": [1, -2])"), "delays[1]", "-2"},
      {"unknown_ceiling", base_with(R"("ceiling": {"kind": "split-half"})"), "ceiling.kind", "'split-half'"},
      {"subject_ceiling_two_subjects", base_with(R"("ceiling": {"kind": "subjects"})"), "ceiling.kind", "got 2"},
      {"unknown_baseline", base_with(R"("controls": [{"name": "c", "file": "x.npy"}], "baseline": "rate")"), "baseline", "'rate'"},
      {"unknown_metric", base_with(R"("metric": "spearman")"), "metric", "'spearman'"},
      {"alpha_not_positive", base_with(R"("ridge": {"alphas": [1, 0]})"), "ridge.alphas[1]", "0"},
      {"duplicate_method", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x.npy"}, {"name": "x", "file": "x.npy"}]})", "methods[1].name", "'x'"},
      {"log_of_negative", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"], "transform": "log"}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.transform", "log of a value <= 0"},
      {"lines_count_mismatch", R"({"name": "small", "rows": {"kind": "lines", "file": "sentences.txt"}, "responses": {"files": ["s1.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.file", "2 lines but the responses have 60 rows"},
      {"zero_tr", R"({"name": "small", "rows": {"kind": "volumes", "tr": 0}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.tr", "0"},
      {"groups_not_whole", base_with(R"("groups": {"every": 7})"), "groups.every", "groups of 7"},
      {"file_listed_twice", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "./s1*.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files[1]", "s1.npy is listed twice"},
      {"table_rows_mismatch", R"({"name": "small", "rows": {"kind": "table", "file": "table50.tsv"}, "responses": {"files": ["s1.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.file", "table50.tsv has 50 rows but the responses have 60"},
      {"delay_beyond_rows", base_with(R"("delays": [1, 60])"), "delays[1]", "a delay of 60 rows"},
      {"group_id_too_large", base_with(R"("groups": {"file": "groups_huge.npy"})"), "groups.file", "4000000000"},
      {"position_one_hot_without_groups", base_with(R"("controls": [{"name": "p", "kind": "position_one_hot"}])"), "controls[0]", "needs \"groups\""},
      {"word_control_on_sentences", R"({"name": "small", "rows": {"kind": "lines", "file": "sentences60.txt"}, "responses": {"files": ["s1.npy"]}, "controls": [{"name": "len", "kind": "word_length"}]})", "controls[0]", "rows are sentences"},
      {"missing_tier", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0, "words": {"file": "words.tsv", "word": "token"}}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.words.file", "token"},
      {"negative_duration", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0, "words": {"file": "words_negative.tsv"}}, "responses": {"files": ["s1.npy", "s2.npy"]}, "controls": [{"name": "len", "kind": "word_length"}]})", "rows.words.duration", "duration -0.300000 is negative"},
      {"bids_onset_not_a_number", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0, "words": {"file": "events_bad.tsv", "trial_type": "word", "na_duration": "zero"}}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "rows.words.onset", "onset 'soon' is not a decimal number of seconds"},
      {"hdf5_without_dataset", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s.h5"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files", "s.h5 is HDF5: name the dataset"},
      {"hdf5_missing_dataset", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s.h5"], "dataset": "/bolt"}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files", "dataset /bolt: no such dataset (datasets: /bold)"},
      {"layer_not_a_layer", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"]}, "methods": [{"name": "lm", "kind": "language_model", "layers": ["block_1", "surprisal"]}]})", "methods[0].layers[1]", "'surprisal' is not a layer"},
      {"column_of_headerless_file", R"({"name": "small", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy"], "columns": ["LATL"]}, "methods": [{"name": "x", "file": "x.npy"}]})", "responses.files", "'LATL'"},
  };
  ASSERT_GE(cases.size(), 15u);
  for (const BadFile& c : cases) expect_bad_file(dir, c);
}

// A BIDS events.tsv: only the rows of trial_type "word" are words; an "n/a" duration is 0 when asked.
TEST(BenchmarkFileBids, EventsTsvGivesTheWordsOfOneTrialType) {
  const fs::path dir = write_small_dataset("bids");
  write_text(dir / "sub-01_task-story_events.tsv",
             "onset\tduration\ttrial_type\tword\n0.0\t120\tstory\tn/a\n1.0\t0.3\tword\tonce\n1.4\tn/a\tword\tupon\n"
             "2.0\t0.5\tnoise\tcough\n2.1\t0.2\tword\ta\n");
  write_text(dir / "bids.json", R"({"name": "bids", "rows": {"kind": "volumes", "tr": 2.0,
    "words": {"file": "sub-01_task-story_events.tsv", "trial_type": "word", "na_duration": "zero"}}, "responses": {"files": ["s1.npy", "s2.npy"]},
    "controls": [{"name": "rate", "kind": "word_rate"}]})");
  const std::string report = check_benchmark_file(dir / "bids.json", {});
  EXPECT_NE(report.find("3 timed words from sub-01_task-story_events.tsv: 3 during the response volumes"), std::string::npos) << report;
}

// A table benchmark's per-row files (feature files, a groups file) are in the table's STORED row
// order and move with its rows under rows.sort_by. A table of 4 stories x 40 words whose reading
// time carries 0.8 x a user feature, written once sorted and once shuffled (table, feature file and
// groups file by the same permutation): the two score bit-identically. Before this rule the
// shuffled one attached every feature row to the word stored there, not to its own word, and its
// score collapsed while `benchmark check` said OK.
struct WordTable {
  std::string table;  // TSV text
  Eigen::MatrixXd feature, groups;
};

WordTable word_table(const std::vector<std::size_t>& stored) {
  std::mt19937_64 rng(282);
  std::normal_distribution<double> normal(0.0, 1.0);
  const std::size_t n = stored.size();
  Eigen::MatrixXd x(static_cast<Eigen::Index>(n), 2), rt(static_cast<Eigen::Index>(n), 1);
  for (std::size_t i = 0; i < n; ++i) {  // in sorted order: row i is story i / 40, position i % 40
    x(static_cast<Eigen::Index>(i), 0) = normal(rng);
    x(static_cast<Eigen::Index>(i), 1) = normal(rng);
    rt(static_cast<Eigen::Index>(i), 0) = 300.0 + 40.0 * (0.8 * x(static_cast<Eigen::Index>(i), 0) + 0.6 * normal(rng));
  }
  WordTable out;
  out.table = "story\tposition\tword\trt\n";
  out.feature.resize(static_cast<Eigen::Index>(n), 2);
  out.groups.resize(static_cast<Eigen::Index>(n), 1);
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t i = stored[r];
    std::ostringstream row;
    row.precision(17);
    row << i / 40 << "\t" << i % 40 << "\tw" << i << "\t" << rt(static_cast<Eigen::Index>(i), 0) << "\n";
    out.table += row.str();
    out.feature.row(static_cast<Eigen::Index>(r)) = x.row(static_cast<Eigen::Index>(i));
    out.groups(static_cast<Eigen::Index>(r), 0) = static_cast<double>(i / 40);
  }
  return out;
}

TEST(BenchmarkFileTable, FeatureAndGroupFilesFollowTheTableUnderSortBy) {
  const fs::path dir = testing::scratch_dir("sort_by");
  std::vector<std::size_t> sorted(160);
  std::iota(sorted.begin(), sorted.end(), std::size_t{0});
  std::vector<std::size_t> shuffled = sorted;
  std::mt19937_64 rng(28);
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  const auto write = [&](const std::string& name, const std::vector<std::size_t>& stored, const std::string& groups) {
    const WordTable t = word_table(stored);
    write_text(dir / (name + ".tsv"), t.table);
    io::write_npy(dir / (name + "_x.npy"), t.feature);
    io::write_npy(dir / (name + "_groups.npy"), t.groups);
    const std::string groups_json = groups == "file" ? R"({"file": ")" + name + R"(_groups.npy"})" : R"({"column": "story"})";
    write_text(dir / (name + ".json"), R"({"name": ")" + name + R"(", "rows": {"kind": "table", "file": ")" + name +
                                           R"(.tsv", "sort_by": ["story", "position"], "word": "word"},
      "responses": {"columns": ["rt"]}, "groups": )" + groups_json + R"(, "split": {"kind": "grouped", "folds": 4},
      "ridge": {"alphas": [0.1, 10, 1000]}, "bootstrap": {"unit": "groups"},
      "methods": [{"name": "x", "file": ")" + name + R"(_x.npy"}]})");
  };
  write("sorted", sorted, "column");
  write("shuffled", shuffled, "column");
  write("shuffled_groups_file", shuffled, "file");
  std::ostringstream log;
  const LeaderboardRun a = run_files({dir / "sorted.json"}, dir / "out_sorted", 100, log);
  for (const std::string other : {"shuffled", "shuffled_groups_file"}) {
    SCOPED_TRACE(other);
    const LeaderboardRun b = run_files({dir / (other + ".json")}, dir / ("out_" + other), 100, log);
    expect_identical(a.scores, b.scores);
  }
  ASSERT_EQ(a.scores.size(), 1u);
  EXPECT_GT(a.scores[0].raw, 0.6);  // the plant: r = 0.8 in expectation

  // A groups file written in SORTED order next to a shuffled table is the user's mistake the rule
  // exposes: after sorting its labels are not contiguous, and the error names the row by its place
  // after sort_by, the data row of the table it came from and its key (issue 28, item 2).
  io::write_npy(dir / "shuffled_groups_file_groups.npy", word_table(sorted).groups);
  try {
    check_benchmark_file(dir / "shuffled_groups_file.json", {});
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(" after rows.sort_by (data row "), std::string::npos) << m;
    EXPECT_NE(m.find(" of shuffled_groups_file.tsv, story="), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

// A language model reads a table's words from memory (no stimulus file is written beside the
// cache); a word cell holding a blank would be read as two words, so it is refused before any
// extraction, naming the row (1-based, after sort_by, and its data row) and the word.
TEST(BenchmarkFileTable, AWordWithABlankIsRefusedNamingItsRow) {
  const fs::path dir = testing::scratch_dir("word_blank");
  std::vector<std::size_t> sorted(160);
  std::iota(sorted.begin(), sorted.end(), std::size_t{0});
  std::string table = word_table(sorted).table;
  const std::size_t at = table.find("\tw5\t");
  ASSERT_NE(at, std::string::npos);
  table.replace(at, 4, "\tw 5\t");
  write_text(dir / "t.tsv", table);
  write_text(dir / "t.json", R"({"name": "blank", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["story", "position"], "word": "word"},
      "responses": {"columns": ["rt"]}, "groups": {"column": "story"}, "split": {"kind": "grouped", "folds": 4},
      "methods": [{"name": "lm", "kind": "language_model"}]})");
  LeaderboardRequest req;
  req.out_dir = dir / "out";
  req.methods = {MethodFamily::kActivations};
  req.models = {LeaderboardModel::trained()};
  req.benchmark_files = {dir / "t.json"};
  std::ostringstream log;
  try {
    run_leaderboard(req, log);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("t.json: rows: row 6 after rows.sort_by (data row "), std::string::npos) << m;
    EXPECT_NE(m.find("the word 'w 5' contains whitespace"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  EXPECT_FALSE(fs::exists(req.out_dir / ".cache" / "blank_stimulus.txt"));
}

// A quote in an events.tsv word is text: 5 words stay 5 words (not merged into 3 by a quote that
// opens in one row and closes in a later one).
TEST(BenchmarkFileBids, AStrayQuoteDoesNotMergeRows) {
  const std::string report =
      check_events("bids_quote", "onset\tduration\tword\n1.0\t0.3\t\"Oh\n1.5\t0.3\tno\n2.0\t0.3\tstop\"\n2.5\t0.3\tthe\n3.0\t0.3\tend\n");
  EXPECT_NE(report.find("5 timed words from events.tsv"), std::string::npos) << report;
}

// A NIfTI run's header TR (pixdim[4] in the unit of xyzt_units) must agree with rows.tr; without
// rows.tr the header's is used; a header without a TR (0, or no time unit) gives no information.
fs::path write_nifti_run(const fs::path& dir, const std::string& name, double pixdim4, int xyzt_units) {
  io::NiftiImage grid;
  grid.dims = {3, 2, 2};
  grid.pixdim = {1.0, 2.0, 2.0, 2.0, pixdim4, 0, 0, 0};
  grid.xyzt_units = xyzt_units;
  std::vector<std::int64_t> all;
  for (std::int64_t v = 0; v < 12; ++v) all.push_back(v);
  Eigen::MatrixXd run = Eigen::MatrixXd::Random(12, 60);
  io::write_nifti_volumes(dir / name, grid, all, run);
  return dir / name;
}

TEST(BenchmarkFileNifti, HeaderTrMustAgreeWithTheFile) {
  const fs::path dir = write_small_dataset("nifti_tr");
  write_nifti_run(dir, "s_2500ms.nii", 2500.0, 2 | 16);  // mm, ms
  write_nifti_run(dir, "s_2.5s.nii", 2.5, 2 | 8);         // mm, s
  write_nifti_run(dir, "s_unknown.nii", 2.5, 0);          // no units
  const auto json = [](const std::string& tr, const std::string& file) {
    return R"({"name": "tr", "rows": {"kind": "volumes")" + tr + R"(}, "responses": {"files": [")" + file +
           R"("]}, "methods": [{"name": "x", "file": "x.npy"}]})";
  };
  for (const std::string file : {"s_2.5s.nii", "s_2500ms.nii"}) {
    SCOPED_TRACE(file);
    write_text(dir / "mismatch.json", json(R"(, "tr": 2.0)", file));
    try {
      check_benchmark_file(dir / "mismatch.json", {});
      ADD_FAILURE() << "no error";
    } catch (const std::invalid_argument& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("rows.tr"), std::string::npos) << m;
      EXPECT_NE(m.find(file), std::string::npos) << m;
      EXPECT_NE(m.find("2.5 s"), std::string::npos) << m;
      EXPECT_NE(m.find("2 s"), std::string::npos) << m;
      EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    }
    write_text(dir / "agree.json", json(R"(, "tr": 2.5)", file));
    EXPECT_NE(check_benchmark_file(dir / "agree.json", {}).find("TR 2.5 s"), std::string::npos);
    write_text(dir / "from_header.json", json("", file));
    EXPECT_NE(check_benchmark_file(dir / "from_header.json", {}).find("TR 2.5 s (from the NIfTI header"), std::string::npos);
  }
  write_text(dir / "unknown.json", json(R"(, "tr": 2.0)", "s_unknown.nii"));
  const std::string report = check_benchmark_file(dir / "unknown.json", {});
  EXPECT_NE(report.find("TR 2 s"), std::string::npos) << report;
  EXPECT_NE(report.find("no TR information"), std::string::npos) << report;
}

// Events files keep every word: the TextGrid silence labels ("", "sp", "sil") are not skipped in
// them by default, and the check says how many rows were skipped and why.
TEST(BenchmarkFileBids, EventsKeepSpSilAndEmptyWordsAndTheCheckCountsSkips) {
  const std::string report =
      check_events("bids_skip", "onset\tduration\tword\n1.0\t0.3\tthe\n1.5\t0.3\tsp\n2.0\t0.3\tsil\n2.5\t0.3\t\n3.0\t0.3\tend\n");
  EXPECT_NE(report.find("5 timed words from events.tsv"), std::string::npos) << report;
  EXPECT_NE(report.find("0 rows skipped"), std::string::npos) << report;
}

// Events values read exactly as written: "n/a" durations are an error unless
// rows.words.na_duration says "zero"; onsets are decimal numbers ("0x10" is not 16 s); text that
// is not UTF-8 (Latin-1) is named with its file and line, and UTF-16 with its byte-order mark is
// read as the text it is (as TextGrids are). Rows are counted as data rows
// with their line of the file.
TEST(BenchmarkFileBids, EventsValuesAreReadExactlyAsWritten) {
  const fs::path dir = write_small_dataset("bids_exact");
  write_text(dir / "na.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n1.5\tn/a\tend\n");
  write_text(dir / "hex.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n0x10\t0.3\tend\n");
  write_text(dir / "latin1.tsv", "onset\tduration\tword\n1.0\t0.3\tthe\n1.5\t0.3\tcaf\xe9\n");
  std::string utf16 = "\xff\xfe";  // UTF-16LE with its byte-order mark: read as the same text
  for (const char c : std::string("onset\tduration\tword\n1.0\t0.3\tthe\n1.5\t0.3\tend\n")) utf16 += std::string{c, '\0'};
  write_text(dir / "utf16.tsv", utf16);
  const auto json = json_with_events;
  const std::vector<BadFile> cases = {
      {"na", json("na.tsv", ""), "na_duration", "data row 2 (line 3 of the file)"},
      {"hex", json("hex.tsv", ""), "onset '0x10'", "data row 2 (line 3 of the file)"},
      {"latin1", json("latin1.tsv", ""), "latin1.tsv:3", "not valid UTF-8"},
  };
  for (const BadFile& c : cases) expect_bad_file(dir, c);
  write_text(dir / "utf16.json", json("utf16.tsv", ""));
  EXPECT_NE(check_benchmark_file(dir / "utf16.json", {}).find("2 timed words"), std::string::npos);
  write_text(dir / "na_zero.json", json("na.tsv", R"(, "na_duration": "zero")"));
  EXPECT_NE(check_benchmark_file(dir / "na_zero.json", {}).find("2 timed words"), std::string::npos);
}

TEST(BenchmarkFileErrors, ANameTakenByABuiltInIsRefused) {
  const fs::path dir = write_small_dataset("taken_name");
  write_text(dir / "taken.json", std::string(R"({"name": "synthetic", "rows": {"kind": "volumes", "tr": 2.0}, "responses": {"files": ["s1.npy", "s2.npy"]},
 "methods": [{"name": "x", "file": "x.npy"}]})"));
  LeaderboardRequest req;
  req.out_dir = dir / "out";
  req.benchmark_files = {dir / "taken.json"};
  std::ostringstream log;
  try {
    run_leaderboard(req, log);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'synthetic' is already registered"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace neuroscore::benchmarks
