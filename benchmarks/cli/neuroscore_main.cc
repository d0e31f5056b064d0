// The `neuroscore` command line. Subcommands:
//   alice-word-rate   word rate -> Alice fMRI ROIs, contiguous CV ridge (the first analysis)
//   extract           language-model word features (activations, attention, attributions)
//   leaderboard       methods x benchmarks leaderboard with CIs, ceilings, report (benchmarks/cli/leaderboard_run.hpp)
//   score             brain scores of a user's own features and responses (benchmarks/cli/score_command.hpp)
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_word_rate.hpp"
#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/cli/extract_args.hpp"
#include "benchmarks/cli/flags.hpp"
#include "benchmarks/cli/leaderboard_run.hpp"
#include "benchmarks/cli/score_command.hpp"
#include "neuroscore/data_root.hpp"
#include "neuroscore/datasets/alice.hpp"

namespace {

namespace fs = std::filesystem;
namespace ns = neuroscore;

constexpr const char* kUsage = R"(usage: neuroscore <command> [options]

commands:
  leaderboard       Methods (LM layers, attention, attributions, controls) x benchmarks
                    (alice2016-roi, pereira2018-langnet, naturalstories-rt, synthetic): scores
                    with 95% CIs, ceilings, gain over simple features, paired tests, report.html.
                    See: neuroscore leaderboard --help
  benchmark check   Checks a JSON benchmark file (your own dataset) and prints what it found.
                    See: neuroscore benchmark --help
  score             Cross-validated ridge scores of your own features and responses (NPY,
                    CSV/TSV, text, HDF5 FILE.h5:/dataset; NIfTI runs with --mask, GIfTI runs):
                    per-target r, permutation p, bootstrap CI. See: neuroscore score --help
  alice-word-rate   Brain score of word rate on the Alice fMRI data (Brennan et al. 2016):
                    6 ROIs x every usable listener, FIR delays 1-4 volumes, ridge with the
                    alpha chosen per target by inner contiguous CV, contiguous 5-fold outer
                    CV with a 4-volume purge gap; Pearson r per ROI averaged over listeners.

options of alice-word-rate:
  --data DIR     data root (default: $NEUROSCORE_DATA, else ../shared/data by the workspace)
  --out DIR      where the CSV files go (default: results)
  --roi-mm N     ROI radius, 6 or 10 (default: 6)
  --folds K      outer contiguous folds (default: 5)
  --gap N        purge gap in volumes (default: 4)

examples:
  bazel run -c opt //benchmarks/cli:neuroscore -- alice-word-rate
  bazel run -c opt //benchmarks/cli:neuroscore -- alice-word-rate --roi-mm 10 --out /tmp/r

  extract           Word features of a language model for a stimulus: activations of every
                    layer, attention to the previous K words, and "words x K" attributions of
                    the prediction of word w+1 made at word w (Rahimi et al. 2025). Writes one
                    NPY per array and manifest.json (model sha256, every option, words, shapes).

  `neuroscore extract --help` lists every option of extract (model variants, segments,
  tokenizers, attribution settings).

examples:
  bazel run -c opt //benchmarks/cli:neuroscore -- extract --model stories260K.bin --tokenizer tok512.bin \
      --stimulus words.txt --out /tmp/feat
  bazel run -c opt //benchmarks/cli:neuroscore -- extract --model stories260K.bin --tokenizer tok512.bin \
      --stimulus story.TextGrid --features activations,attention,integrated_gradients \
      --baseline mean --context 20 --out /tmp/feat
)";

// Relative paths are the user's, not Bazel's runfiles directory.
fs::path user_path(const std::string& p) {
  const fs::path path(p);
  if (path.is_absolute()) return path;
  if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY"); cwd != nullptr && *cwd) return fs::path(cwd) / path;
  return path;
}

int alice_word_rate(const std::vector<std::string>& args) {
  fs::path data_dir;
  fs::path out_dir = user_path("results");
  ns::datasets::AliceOptions load_options;
  load_options.warnings = &std::cerr;
  ns::benchmarks::AliceWordRateOptions options;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument("unknown option or missing value: " + flag);
    const std::string& value = args[++i];
    if (flag == "--data") {
      data_dir = user_path(value);
    } else if (flag == "--out") {
      out_dir = user_path(value);
    } else if (flag == "--roi-mm") {
      load_options.roi_radius_mm = static_cast<int>(ns::cli::parse_count(flag, value, std::numeric_limits<int>::max()));
    } else if (flag == "--folds") {
      options.outer_folds = ns::cli::parse_count(flag, value);
    } else if (flag == "--gap") {
      options.gap = ns::Gap{ns::cli::parse_count(flag, value)};
    } else {
      throw std::invalid_argument("unknown option: " + flag);
    }
  }
  if (data_dir.empty()) data_dir = ns::data_root();
  if (!fs::is_directory(data_dir)) throw std::runtime_error(data_dir.string() + ": data directory not found");

  const auto start = std::chrono::steady_clock::now();
  std::cerr << "loading Alice (" << load_options.roi_radius_mm << " mm ROIs) from " << data_dir.string() << "\n";
  const ns::datasets::AliceData data = ns::datasets::load_alice(data_dir, load_options);
  std::cerr << "fitting " << data.subjects.size() << " listeners x " << ns::datasets::kAliceRois.size()
            << " ROIs, " << data.words.size() << " words\n";
  const ns::benchmarks::AliceWordRateScores scores = ns::benchmarks::alice_word_rate_scores(data, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  fs::create_directories(out_dir);
  const fs::path summary_path = out_dir / "alice_word_rate.csv";
  const fs::path subjects_path = out_dir / "alice_word_rate_by_listener.csv";
  {
    std::ofstream summary(summary_path);
    summary << "roi,mean_r,sem_r,n_listeners\n" << std::setprecision(6);
    for (std::size_t k = 0; k < ns::datasets::kAliceRois.size(); ++k) {
      const auto j = static_cast<Eigen::Index>(k);
      summary << ns::datasets::kAliceRois[k] << ',' << scores.mean_r(j) << ',' << scores.sem_r(j) << ','
              << scores.subjects.size() << '\n';
    }
    std::ofstream by_listener(subjects_path);
    by_listener << "listener";
    for (auto roi : ns::datasets::kAliceRois) by_listener << ',' << roi;
    by_listener << '\n' << std::setprecision(6);
    for (std::size_t s = 0; s < scores.subjects.size(); ++s) {
      by_listener << scores.subjects[s];
      for (Eigen::Index j = 0; j < scores.r.cols(); ++j) by_listener << ',' << scores.r(static_cast<Eigen::Index>(s), j);
      by_listener << '\n';
    }
    if (!summary || !by_listener) throw std::runtime_error(out_dir.string() + ": could not write results");
  }

  std::cout << "Alice (Brennan et al. 2016): word rate -> ROI, ridge, contiguous " << options.outer_folds
            << "-fold CV (gap " << options.gap.samples << " volumes)\n"
            << "listeners: " << scores.subjects.size() << " used, " << data.excluded.size() << " excluded";
  for (const auto& e : data.excluded) std::cout << " (" << e.id << ": " << e.reason << ")";
  std::cout << "\n\n" << std::left << std::setw(8) << "ROI" << std::right << std::setw(10) << "mean r"
            << std::setw(10) << "sem" << "\n"
            << std::fixed << std::setprecision(4);
  for (std::size_t k = 0; k < ns::datasets::kAliceRois.size(); ++k) {
    const auto j = static_cast<Eigen::Index>(k);
    std::cout << std::left << std::setw(8) << ns::datasets::kAliceRois[k] << std::right << std::setw(10)
              << scores.mean_r(j) << std::setw(10) << scores.sem_r(j) << "\n";
  }
  std::cout << "\n(listener, ROI, fold) alphas at the grid's edge: " << scores.alphas_at_grid_edge << " of "
            << scores.r.size() * static_cast<Eigen::Index>(options.outer_folds) << " ("
            << scores.alphas_at_grid_top << " at the largest alpha)"
            << "; degenerate fold scores: " << scores.degenerate_scores << "\n"
            << "wrote " << summary_path.string() << " and " << subjects_path.string() << " in "
            << std::setprecision(2) << seconds << " s\n";
  return 0;
}

int leaderboard_command(const std::vector<std::string>& args) {
  bool help = false;
  ns::benchmarks::LeaderboardRequest req = ns::benchmarks::parse_leaderboard_args(args, &help);
  if (help) {
    std::cout << ns::benchmarks::leaderboard_usage();
    return 0;
  }
  req.out_dir = user_path(req.out_dir.string());
  for (fs::path& f : req.benchmark_files) f = user_path(f.string());
  // Benchmarks that need no data (the synthetic one) need no data root either. Benchmark files
  // get one when it exists ("$DATA/..." paths, the default model); they say so when it is missing.
  const std::vector<ns::benchmarks::BenchmarkEntry> entries = ns::benchmarks::builtin_benchmarks();
  const bool needs_data = std::any_of(req.benchmarks.begin(), req.benchmarks.end(), [&](const std::string& b) {
    const ns::benchmarks::BenchmarkEntry* e = ns::benchmarks::find_benchmark(entries, b);
    return e == nullptr || e->needs_data;
  });
  if (!req.data_root.empty()) {
    req.data_root = user_path(req.data_root.string());
  } else if (needs_data) {
    req.data_root = ns::data_root();
  } else {
    req.data_root = ns::find_data_root().value_or(fs::path());
  }
  if (needs_data && !fs::is_directory(req.data_root)) throw std::runtime_error(req.data_root.string() + ": data directory not found");
  if (!req.model_path.empty()) req.model_path = user_path(req.model_path.string());
  if (!req.tokenizer_path.empty()) req.tokenizer_path = user_path(req.tokenizer_path.string());
  const ns::benchmarks::LeaderboardRun run = ns::benchmarks::run_leaderboard(req, std::cerr);
  std::ifstream md(run.files.md);
  std::cout << md.rdbuf();
  std::cout << "\nwrote " << run.files.csv.string() << ", " << run.files.md.string() << ", " << run.files.html.string()
            << " in " << std::fixed << std::setprecision(1) << run.seconds << " s\n";
  return 0;
}

int score_command(std::vector<std::string> args) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--features" || args[i] == "--responses" || args[i] == "--groups" || args[i] == "--out" || args[i] == "--mask") {
      args[i + 1] = user_path(args[i + 1]).string();
    }
  }
  return ns::benchmarks::score_main(args, std::cout, std::cerr);
}

constexpr const char* kBenchmarkUsage = R"(usage: neuroscore benchmark check FILE [--data DIR]

Reads a JSON benchmark file (your own dataset; the format is in benchmarks/brain/examples/README.md)
and everything it names except language models: responses, word timings, groups, controls and
feature files. Builds the split and the ceiling and prints what it found: rows, targets,
subjects (and any excluded), groups, folds, words matched to the response volumes, ceiling,
controls and methods. A mistake is one line naming the file, the key and the value. Exit status
0 when the file is usable, 1 otherwise. Run it with `neuroscore leaderboard --benchmark FILE`.

options:
  --data DIR   the data root for "$DATA/..." paths (default: $NEUROSCORE_DATA, else ../shared/data)
)";

int benchmark_command(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kBenchmarkUsage;
    return args.empty() ? 2 : 0;
  }
  if (args[0] != "check") throw std::invalid_argument("unknown benchmark command '" + args[0] + "' (known: check)");
  fs::path file, data;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--data" && i + 1 < args.size()) {
      data = user_path(args[++i]);
    } else if (args[i].rfind("--", 0) == 0 || !file.empty()) {
      throw std::invalid_argument("unexpected argument '" + args[i] + "' (see neuroscore benchmark --help)");
    } else {
      file = user_path(args[i]);
    }
  }
  if (file.empty()) throw std::invalid_argument("benchmark check needs a FILE (see neuroscore benchmark --help)");
  if (data.empty()) data = ns::find_data_root().value_or(fs::path());
  std::cout << ns::benchmarks::check_benchmark_file(file, data);
  return 0;
}

// Paths are resolved by extract_main itself (BUILD_WORKING_DIRECTORY under `bazel run`).
int extract_command(const std::vector<std::string>& args) {
  return ns::cli::extract_main(args, std::cout, std::cerr);
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  try {
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "alice-word-rate") return alice_word_rate(rest);
    if (args[0] == "extract") return extract_command(rest);
    if (args[0] == "leaderboard") return leaderboard_command(rest);
    if (args[0] == "score") return score_command(rest);
    if (args[0] == "benchmark") return benchmark_command(rest);
    std::cerr << "neuroscore: unknown command '" << args[0] << "' (see neuroscore --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "neuroscore: error: " << e.what() << "\n";
    return 1;
  }
}
