// benchmarks/cli/leaderboard_run.cc: `neuroscore leaderboard`'s run: builds every requested
// benchmark (built-ins and benchmark files), fits each method with the fit cache, scores, ranks,
// the shuffled-split and purge-gap checks, and writes the report (run_leaderboard).
#include "benchmarks/cli/leaderboard_run.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "benchmarks/brain/signed_effects.hpp"
#include "extract/sha256.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::benchmarks {

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
std::string fit_key(const Benchmark& b, const Method& m, bool with_baseline) {
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

LeaderboardRun run_leaderboard(const LeaderboardRequest& req, std::ostream& log) {
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
    if (b.benchmark.signed_effects) {
      const std::vector<SignedEffect> e = signed_effects(b.benchmark, b.methods, req.bootstrap, scoring.seed);
      log << "leaderboard: " << b.benchmark.name << ": signed effects of " << e.size() << " method columns x regions\n";
      report.effects.insert(report.effects.end(), e.begin(), e.end());
    }
  }
  for (const BuiltBenchmark& b : built) {
    if (b.position_checks.empty() || b.methods.empty()) continue;
    const std::vector<MethodScore> s = score_all(b.benchmark, b.position_checks);
    run.position_checks.insert(run.position_checks.end(), s.begin(), s.end());
    for (const std::string& w : position_check_warnings(run.scores, s)) log << "leaderboard: warning: " << w << "\n";
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
    for (const LeaderboardModel& m : req.models) note << ", " << m.label << " = variant " << extract::to_string(m.variant);
    note << ". LM word features: context 20 words, 10 lags, last-sub-word activations, summed attributions "
            "(grad_norm, grad_x_input; conductance uses 8 Gauss-Legendre points and a mean-embedding baseline when asked for). ";
  }
  note << "Raw score: Pearson r per test fold, mean over folds, median over a subject's targets, mean over subjects. "
          "CI: 95% percentile bootstrap over each benchmark's resampling units, stated in its section (" << req.bootstrap << " resamples). "
          "Ranked: each model through its inner-CV layer; single layers are diagnostic rows; p vs best: comparison with the best. Fits: " << run.fits_computed << " computed, "
       << run.fits_cached << " from the cache; extracts: " << run.extracts_computed << " computed, " << run.extracts_cached
       << " cached; " << std::fixed << std::setprecision(1) << run.seconds << " s.";
  report.run_note = note.str();
  report.scores = run.scores;
  report.shuffled = run.shuffled;
  report.gap_sensitivity = run.gap_sensitivity;
  report.position_checks = run.position_checks;
  run.files = write_report(report, req.out_dir);
  log << "leaderboard: wrote " << run.files.csv.string() << ", " << run.files.md.string() << ", " << run.files.html.string()
      << (run.files.effects_csv.empty() ? "" : ", " + run.files.effects_csv.string())
      << " (" << run.files.figures.size() << " figures" << (run.files.gnuplot_ran ? "" : "; gnuplot failed or missing") << ")\n";
  return run;
}

}  // namespace neuroscore::benchmarks
