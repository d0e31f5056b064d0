// The `neuroscore` command line. Subcommands:
//   alice-word-rate   word rate -> Alice fMRI ROIs, contiguous CV ridge (the first analysis)
//   extract           language-model word features (activations, attention, attributions)
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/alice_word_rate.hpp"
#include "extract/extract_command.hpp"
#include "neuroscore/data_root.hpp"
#include "neuroscore/datasets/alice.hpp"

namespace {

namespace fs = std::filesystem;
namespace ns = neuroscore;

constexpr const char* kUsage = R"(usage: neuroscore <command> [options]

commands:
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
  bazel run -c opt //benchmarks:neuroscore -- alice-word-rate
  bazel run -c opt //benchmarks:neuroscore -- alice-word-rate --roi-mm 10 --out /tmp/r

  extract           Word features of a language model for a stimulus: activations of every
                    layer, attention to the previous K words, and "words x K" attributions of
                    the prediction of word w+1 made at word w (Rahimi et al. 2025). Writes one
                    NPY per array and manifest.json (model sha256, every option, words, shapes).

options of extract:
  --model M          llama2.c checkpoint (.bin) or Hugging Face directory (required)
  --tokenizer T      llama2.c tokenizer.bin (required)
  --stimulus S       words/sentences text file (split on whitespace) or a .TextGrid (required)
  --tier NAME        TextGrid tier of words (default: "words", else the first interval tier)
  --features LIST    comma-separated: activations,attention,grad_norm,grad_x_input,
                     integrated_gradients,erasure,conductance (default: activations)
  --out DIR          output directory (required)
  --context N        preceding words of context per word (default 0 = all that fit in the
                     model's max_seq_len, sliding windows)
  --stride N         sliding-window stride in words when --context is 0 (default: half a window)
  --lags K           previous words for attention and attributions (default 10)
  --threads T        libtorch threads (default 1: on this 2-core machine 2 threads measured
                     far slower than 1)
  --dtype D          float32 (default) or float64
  --target X         logprob (default), logit, argmax-logprob, argmax-logit
  --baseline B       IG/conductance/erasure-replace baseline: zero (default; does not converge
                     on RMSNorm models: see the completeness file), mean, token:ID (token:0 = <unk>)
  --quadrature Q     gausslegendre (default), riemann_left|right|middle|trapezoid
  --ig-steps N       integration steps (default 50; conductance uses N + 1 points)
  --erasure E        remove (default) or replace
  --activation-pooling P   last (default), first, mean, sum, absmax
  --attribution-pooling P  sum (default), last, first, mean, absmax

examples:
  bazel run -c opt //benchmarks:neuroscore -- extract --model stories260K.bin --tokenizer tok512.bin \
      --stimulus words.txt --out /tmp/feat
  bazel run -c opt //benchmarks:neuroscore -- extract --model stories260K.bin --tokenizer tok512.bin \
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

std::size_t parse_count(const std::string& flag, const std::string& value) {
  std::size_t used = 0;
  unsigned long v = 0;
  try {
    v = std::stoul(value, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != value.size() || value.empty() || value[0] == '-') {
    throw std::invalid_argument(flag + " wants a non-negative whole number, got '" + value + "'");
  }
  return v;
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
      load_options.roi_radius_mm = static_cast<int>(parse_count(flag, value));
    } else if (flag == "--folds") {
      options.outer_folds = parse_count(flag, value);
    } else if (flag == "--gap") {
      options.gap = ns::Gap{parse_count(flag, value)};
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

std::int64_t parse_int(const std::string& flag, const std::string& value) {
  return static_cast<std::int64_t>(parse_count(flag, value));
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

int extract_command(const std::vector<std::string>& args) {
  ns::extract::ExtractRequest req;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      std::cout << kUsage;
      return 0;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument("unknown option or missing value: " + flag);
    const std::string& value = args[++i];
    if (flag == "--model") req.model_path = user_path(value).string();
    else if (flag == "--tokenizer") req.tokenizer_path = user_path(value).string();
    else if (flag == "--stimulus") req.stimulus_path = user_path(value).string();
    else if (flag == "--tier") req.textgrid_tier = value;
    else if (flag == "--out") req.out_dir = user_path(value).string();
    else if (flag == "--features") req.features = split_commas(value);
    else if (flag == "--context") req.context_words = parse_int(flag, value);
    else if (flag == "--stride") req.stride_words = parse_int(flag, value);
    else if (flag == "--lags") req.lags = parse_int(flag, value);
    else if (flag == "--threads") req.threads = parse_int(flag, value);
    else if (flag == "--dtype") req.dtype = value;
    else if (flag == "--target") req.target = value;
    else if (flag == "--baseline") req.baseline = value;
    else if (flag == "--quadrature") req.quadrature = value;
    else if (flag == "--ig-steps") req.ig_steps = parse_int(flag, value);
    else if (flag == "--erasure") req.erasure = value;
    else if (flag == "--activation-pooling") req.activation_pooling = value;
    else if (flag == "--attribution-pooling") req.attribution_pooling = value;
    else throw std::invalid_argument("unknown option: " + flag);
  }
  if (req.stimulus_path.empty()) throw std::invalid_argument("--stimulus is required");
  const ns::extract::ExtractSummary s = ns::extract::run_extract(req, &std::cerr);
  std::cout << "extract: " << s.words << " words (" << s.tokens << " tokens) in " << std::fixed
            << std::setprecision(2) << s.seconds << " s (" << std::setprecision(1)
            << static_cast<double>(s.tokens) / s.seconds << " tokens/s); wrote " << s.files.size()
            << " files to " << req.out_dir << "\n";
  return 0;
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
    std::cerr << "neuroscore: unknown command '" << args[0] << "' (see neuroscore --help)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "neuroscore: error: " << e.what() << "\n";
    return 1;
  }
}
