// benchmarks/cli/leaderboard_run.hpp: `neuroscore leaderboard`: builds the registered benchmarks the
// request names (leaderboard_registry.hpp; the built-ins are under benchmarks/brain/builtin/) with
// their methods (language-model features through the cached extract pipeline), fits with a
// result cache, ranks, aggregates and writes the report.
// Entry points: parse_leaderboard_args, run_leaderboard, leaderboard_usage.
#pragma once

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/cli/flags.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "benchmarks/brain/report.hpp"
#include "extract/sha256.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::benchmarks {

// The registered benchmarks as "name: summary" lines for --help.
inline std::string registered_benchmark_lines(const std::vector<BenchmarkEntry>& entries) {
  std::string out;
  for (const BenchmarkEntry& e : entries) out += "  " + e.name + ": " + e.summary + "\n";
  return out;
}

inline std::string leaderboard_usage() {
  return R"(usage: neuroscore leaderboard [--benchmarks LIST] [--benchmark FILE] [--methods LIST] [--models LIST] [--out DIR]

Scores feature methods on brain/behaviour benchmarks and writes DIR/leaderboard.csv (tidy: one
row per method x benchmark x region x metric), DIR/leaderboard.md and DIR/report.html with SVG
figures (gnuplot). Language-model features are extracted on the fly (context 20 words, 10 lags)
and cached with every fit in DIR/.cache, keyed by a hash of inputs and options: a second run
with the same inputs is fast. Progress goes to stderr.

options:
  --benchmarks LIST  comma-separated registered benchmarks (below), default all (none with --benchmark)
  --benchmark FILE   a benchmark described by a JSON file (your own data; see benchmarks/brain/examples/
                     README.md); repeatable; check it first with `neuroscore benchmark check FILE`
  --methods LIST     families, default activations,attention,attributions,controls,model+controls;
                     attributions = grad_norm,grad_x_input (cheap); add conductance (layer
                     conductance per block, 8 Gauss-Legendre points, mean-embedding baseline) or
                     erasure (slow: ~8 min on Alice) explicitly. Attributions run on Alice; on
                     naturalstories-rt only when named explicitly (grad_norm, grad_x_input, ...).
                     Pereira is sentence-level: activations (each sentence's last word) only
  --models LIST      trained,untrained (default): stories260K and its seeded untrained twin
                     (untrained:1); any extract variant works, e.g. noise:0.5:1
  --model PATH       llama2.c checkpoint (default: DATA/models/stories260K/stories260K.bin)
  --tokenizer PATH   (default: DATA/models/stories260K/tok512.bin)
  --data DIR         data root (default: $NEUROSCORE_DATA, else ../shared/data)
  --out DIR          results directory (default: results)
  --bootstrap B      bootstrap resamples per score (default 1000)
  --no-shuffled      skip the shuffled-split control on Alice
  --no-gap-sensitivity  skip the Alice purge-gap sensitivity table (gaps 4, 10, 20 volumes)

examples:
  bazel run --config=opt //benchmarks/cli:neuroscore -- leaderboard
  bazel run --config=opt //benchmarks/cli:neuroscore -- leaderboard --benchmarks alice2016-roi --methods activations,controls --models trained --out /tmp/lb

registered benchmarks:
)" + registered_benchmark_lines(builtin_benchmarks());
}

struct LeaderboardRun {
  std::vector<MethodScore> scores, shuffled;
  std::vector<MethodScore> gap_sensitivity;  // Alice with purge gaps 10 and 20 (the benchmark itself: 4)
  ReportFiles files;
  int fits_cached = 0, fits_computed = 0, extracts_cached = 0, extracts_computed = 0;
  double seconds = 0.0;
};

namespace detail::lbrun {

template <class M>
void hash_bytes(std::string& acc, const M& m) {
  acc += std::to_string(m.rows()) + "x" + std::to_string(m.cols()) + ":";
  acc.append(reinterpret_cast<const char*>(m.data()), static_cast<std::size_t>(m.size()) * sizeof(double));
}

// The fit cache key: every input of fit_method, and the version of what it computes. Bump the
// version whenever ridge.hpp or fit_method changes a number: v2, near-constant training columns
// dropped by RidgeDecomposition (the OASM fits changed; the OASM matrix no longer truncated);
// v3, grouped inner CV (RidgeCvOptions::inner_groups) on the passage and story benchmarks.
inline std::string fit_key(const Benchmark& b, const Method& m, bool with_baseline) {
  std::string acc = "fit-v3|" + b.name + "|" + m.name + "|";
  hash_bytes(acc, m.x);
  for (const Eigen::MatrixXd& c : m.layer_candidates) hash_bytes(acc, c);
  hash_bytes(acc, b.responses);
  if (with_baseline) hash_bytes(acc, b.baseline);
  for (double a : b.ridge.alphas) acc += std::to_string(a) + ",";
  acc += std::to_string(b.ridge.inner_folds) + "|" + std::to_string(b.ridge.inner_gap.samples) + "|" +
         std::to_string(b.ridge.standardize) + "|";
  for (int g : b.ridge.inner_groups) acc += std::to_string(g) + ",";
  acc += "|";
  for (const Fold& f : b.folds) {
    for (std::size_t i : f.train) acc += std::to_string(i) + ",";
    acc += "/";
    for (std::size_t i : f.test) acc += std::to_string(i) + ",";
    acc += ";";
  }
  return extract::sha256_hex(acc).substr(0, 24);
}

}  // namespace detail::lbrun

inline LeaderboardRequest parse_leaderboard_args(const std::vector<std::string>& args, bool* help) {
  LeaderboardRequest r;
  const std::vector<BenchmarkEntry> entries = builtin_benchmarks();
  const std::set<std::string> known_methods = {"activations", "attention", "attributions", "grad_norm", "grad_x_input",
                                               "conductance", "erasure", "controls", "model+controls"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      *help = true;
      return r;
    }
    if (flag == "--no-shuffled") {
      r.shuffled_control = false;
      continue;
    }
    if (flag == "--no-gap-sensitivity") {
      r.gap_sensitivity = false;
      continue;
    }
    if (flag.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + flag + "' (see neuroscore leaderboard --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value (see neuroscore leaderboard --help)");
    const std::string& v = args[++i];
    if (flag == "--benchmark") {
      r.benchmark_files.push_back(v);
    } else if (flag == "--benchmarks") {
      r.benchmarks = cli::split_names(v);
      for (const auto& b : r.benchmarks) require_benchmark(entries, b);
    } else if (flag == "--methods") {
      r.methods = cli::split_names(v);
      for (const auto& m : r.methods)
        if (!known_methods.count(m)) throw std::invalid_argument("unknown method family '" + m + "' (see neuroscore leaderboard --help)");
    } else if (flag == "--models") {
      r.models = cli::split_names(v);
      for (const auto& m : r.models)
        if (!detail::lbrun::is_model_variant(m))
          throw std::invalid_argument("unknown model '" + m + "' (trained, untrained, untrained:SEED, noise:SD:SEED)");
    } else if (flag == "--out") r.out_dir = v;
    else if (flag == "--data") r.data_root = v;
    else if (flag == "--model") r.model_path = v;
    else if (flag == "--tokenizer") r.tokenizer_path = v;
    else if (flag == "--bootstrap") {
      r.bootstrap = cli::parse_positive_count(flag, v, std::numeric_limits<long long>::max());
    } else {
      throw std::invalid_argument("unknown option " + flag + " (see neuroscore leaderboard --help)");
    }
  }
  if (r.methods.empty()) throw std::invalid_argument("--methods must not be empty");
  if (r.benchmarks.empty() && r.benchmark_files.empty()) {
    for (const BenchmarkEntry& e : entries) r.benchmarks.push_back(e.name);
  }
  return r;
}

inline LeaderboardRun run_leaderboard(const LeaderboardRequest& req, std::ostream& log) {
  namespace fs = std::filesystem;
  const auto start = std::chrono::steady_clock::now();
  LeaderboardRun run;
  LeaderboardContext context(req, log);
  const fs::path cache = context.cache();
  fs::create_directories(cache / "fits");
  ScoringOptions scoring;
  scoring.bootstrap.resamples = req.bootstrap;

  const auto score_all = [&](const Benchmark& b, const std::vector<Method>& methods) {
    log << "leaderboard: " << b.name << ": " << methods.size() << " methods\n";
    const Eigen::VectorXd base = b.baseline.size() > 0 ? baseline_r2(b) : Eigen::VectorXd();
    std::vector<MethodScore> scores;
    for (std::size_t k = 0; k < methods.size(); ++k) {
      const Method& m = methods[k];
      const std::string key = detail::lbrun::fit_key(b, m, base.size() > 0);
      const fs::path stem = cache / "fits" / key;
      MethodFit fit;
      bool hit = fs::exists(fs::path(stem.string() + "_pred.npy"));
      if (hit) {
        fit.predictions = io::read_npy_matrix(stem.string() + "_pred.npy");
        fit.fold_r = io::read_npy_matrix(stem.string() + "_foldr.npy");
        if (base.size() > 0 && fs::exists(fs::path(stem.string() + "_joint.npy"))) {
          fit.r2_joint = io::read_npy_matrix(stem.string() + "_joint.npy").col(0);
        }
        if (fs::exists(fs::path(stem.string() + "_layer.npy"))) fit.chosen_layer = io::read_npy_matrix(stem.string() + "_layer.npy");
        ++run.fits_cached;
      } else {
        fit = fit_method(b, m, base.size() > 0);
        if (fit.r2_joint.size() > 0) io::write_npy(stem.string() + "_joint.npy", Eigen::MatrixXd(fit.r2_joint));
        if (fit.chosen_layer.size() > 0) io::write_npy(stem.string() + "_layer.npy", fit.chosen_layer);
        io::write_npy(stem.string() + "_foldr.npy", fit.fold_r);
        io::write_npy(stem.string() + "_pred.npy", fit.predictions);  // written last: marks a complete entry
        ++run.fits_computed;
      }
      scores.push_back(score_fit(b, m, std::move(fit), base, scoring));
      log << "  [" << (k + 1) << "/" << methods.size() << "] " << b.name << " " << m.name << ": r = " << std::fixed
          << std::setprecision(4) << scores.back().raw << std::defaultfloat << (hit ? " (cached fit)" : "") << "\n";
    }
    rank_methods(b, scores, scoring);
    return scores;
  };

  // Every requested entry builds its benchmark, methods and variants (this is where data are
  // loaded and features extracted), then everything is scored: main benchmarks in request
  // order, then the shuffled-split controls, then the purge-gap variants.
  // Benchmark files are read and checked before anything is loaded or extracted.
  std::vector<BenchmarkEntry> entries = builtin_benchmarks();
  std::vector<std::string> names = req.benchmarks;
  if (names.empty() && req.benchmark_files.empty()) {
    for (const BenchmarkEntry& e : entries) names.push_back(e.name);
  }
  for (const std::filesystem::path& file : req.benchmark_files) {
    BenchmarkEntry e = benchmark_file_entry(file, req.data_root);
    if (find_benchmark(entries, e.name) != nullptr) {
      throw std::invalid_argument(file.string() + ": name: benchmark '" + e.name + "' is already registered; give the file another name");
    }
    names.push_back(e.name);
    entries.push_back(std::move(e));
  }
  std::vector<BuiltBenchmark> built;
  built.reserve(names.size());
  for (const std::string& name : names) built.push_back(require_benchmark(entries, name).build(context));
  run.extracts_cached = context.extracts_cached();
  run.extracts_computed = context.extracts_computed();

  ReportInputs report;
  for (const BuiltBenchmark& b : built) {
    if (b.methods.empty()) continue;
    std::vector<MethodScore> s = score_all(b.benchmark, b.methods);
    if (b.write_outputs) {
      for (const std::filesystem::path& f : b.write_outputs(s, req.out_dir)) log << "leaderboard: wrote " << f.string() << "\n";
    }
    run.scores.insert(run.scores.end(), s.begin(), s.end());
    report.benchmarks.push_back(&b.benchmark);
  }
  for (const BuiltBenchmark& b : built) {
    if (b.shuffled_methods.empty()) continue;
    for (const Benchmark& shuffled : b.shuffled) {
      const std::vector<MethodScore> s = score_all(shuffled, b.shuffled_methods);
      run.shuffled.insert(run.shuffled.end(), s.begin(), s.end());
    }
  }
  for (const BuiltBenchmark& b : built) {
    if (b.gap_methods.empty()) continue;
    for (const Benchmark& g : b.gap_variants) {
      const std::vector<MethodScore> s = score_all(g, b.gap_methods);
      run.gap_sensitivity.insert(run.gap_sensitivity.end(), s.begin(), s.end());
    }
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream note;
  if (run.extracts_cached + run.extracts_computed == 0) {
    note << "No language-model features in this run. ";
  } else {
    note << "Models: stories260K (" << context.model_path().filename().string() << ")";
    for (const auto& m : req.models) note << ", " << m << " = variant " << detail::lbrun::variant_of(m);
    note << ". LM word features: context 20 words, 10 lags, last-sub-word activations, summed attributions "
            "(grad_norm, grad_x_input; conductance uses 8 Gauss-Legendre points and a mean-embedding baseline when asked for). ";
  }
  note << "Raw score: Pearson r per test fold, mean over folds, median over a subject's targets, mean over subjects. "
          "CI: 95% percentile bootstrap, subjects x blocks on multi-subject benchmarks (" << req.bootstrap << " resamples). "
          "Ranked: each model through its inner-CV layer; single layers are diagnostic rows; p vs best: comparison with the best. Fits: " << run.fits_computed << " computed, "
       << run.fits_cached << " from the cache; extracts: " << run.extracts_computed << " computed, " << run.extracts_cached
       << " cached; " << std::fixed << std::setprecision(1) << run.seconds << " s.";
  report.run_note = note.str();
  report.scores = run.scores;
  report.shuffled = run.shuffled;
  report.gap_sensitivity = run.gap_sensitivity;
  run.files = write_report(report, req.out_dir);
  log << "leaderboard: wrote " << run.files.csv.string() << ", " << run.files.md.string() << ", " << run.files.html.string()
      << " (" << run.files.figures.size() << " figures" << (run.files.gnuplot_ran ? "" : "; gnuplot failed or missing") << ")\n";
  return run;
}

}  // namespace neuroscore::benchmarks
