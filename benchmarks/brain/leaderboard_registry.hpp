// benchmarks/brain/leaderboard_registry.hpp: the leaderboard's benchmark registry. A benchmark entry is
// a name and a function that builds the benchmark (responses, folds, ceiling, baseline) and its
// methods (controls and language-model features) for a request. The built-in entries live one
// per file under benchmarks/brain/builtin/ (a benchmark file NAME.json read by benchmark_file.hpp's
// loader, or C++ where the format cannot express it yet) and are listed once, in
// benchmarks/brain/builtin/BUILD.bazel;
// run_leaderboard (leaderboard_run.hpp) loops over the entries a request names, with no
// per-benchmark code of its own.
// Entry points: LeaderboardRequest, LeaderboardContext, BuiltBenchmark, BenchmarkEntry,
// builtin_benchmarks, find_benchmark.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "extract/feature_request.hpp"

namespace neuroscore::benchmarks {

// A family of methods the leaderboard scores (`--methods` names them as to_string spells them).
enum class MethodFamily {
  kActivations,        // activations: one row per layer and the inner-CV-chosen layer
  kAttention,          // attention: attention to the previous words, all blocks
  kAttributions,       // attributions: grad_norm and grad_x_input
  kGradNorm,           // grad_norm alone (also on benchmarks that compute attributions only when named)
  kGradXInput,         // grad_x_input alone (idem)
  kConductance,        // conductance: layer conductance per block and the inner-CV-chosen block
  kErasure,            // erasure (leave-one-word-out)
  kControls,           // controls: the benchmark's simple-feature controls
  kModelPlusControls,  // model+controls: the middle layer joined with the baseline controls
};
// activations, attention, attributions, grad_norm, grad_x_input, conductance, erasure, controls,
// model+controls.
std::string to_string(MethodFamily family);
// Every family, in the order above (the CLI matches names against their to_string).
const std::vector<MethodFamily>& all_method_families();

struct LeaderboardRequest {
  std::filesystem::path data_root, out_dir = "results", model_path, tokenizer_path;
  std::vector<std::string> benchmarks;  // empty (and no files): every built-in benchmark, in registry order
  std::vector<std::filesystem::path> benchmark_files;  // JSON benchmark files (benchmark_file.hpp), run after `benchmarks`
  std::vector<MethodFamily> methods = {MethodFamily::kActivations, MethodFamily::kAttention, MethodFamily::kAttributions,
                                      MethodFamily::kControls, MethodFamily::kModelPlusControls};
  std::vector<LeaderboardModel> models = {LeaderboardModel::trained(), LeaderboardModel::untrained()};
  std::size_t bootstrap = 1000;
  bool shuffled_control = true;
  bool gap_sensitivity = true;
  // --filter: rules (sentence_final, first_word, punctuation) added to every benchmark file of word
  // rows (its "filter"), the re-analysis the position-only checks point to.
  std::vector<std::string> filters;
};

// What an entry builds: the benchmark with its methods, and optional sensitivity variants that
// the report shows in their own tables (scored after every main benchmark).
struct BuiltBenchmark {
  Benchmark benchmark;
  std::vector<Method> methods;
  std::vector<Benchmark> shuffled;  // the same data under shuffled splits (the leakage control)
  std::vector<Method> shuffled_methods;
  std::vector<Benchmark> gap_variants;  // the same benchmark with longer purge gaps
  std::vector<Method> gap_methods;
  // Word rows in items: position-only controls (the sentence-final indicator, the word's position,
  // the item's length), scored on the benchmark as diagnostic rows; the report warns when one alone
  // reaches half of the best method's r.
  std::vector<Method> position_checks;
  // Optional outputs of the benchmark's own after scoring (a NIfTI benchmark's score maps): gets
  // its scores and the results directory, returns the files it wrote.
  std::function<std::vector<std::filesystem::path>(const std::vector<MethodScore>&, const std::filesystem::path&)> write_outputs;
};

// What every entry's build function gets: the request, the log, and the language-model feature
// pipeline (cached extraction, and the methods made from one model's features).
class LeaderboardContext {
 public:
  LeaderboardContext(const LeaderboardRequest& request, std::ostream& log);

  const LeaderboardRequest& request() const { return request_; }
  std::ostream& log() const { return log_; }
  const std::filesystem::path& data_root() const { return request_.data_root; }
  std::filesystem::path cache() const { return request_.out_dir / ".cache"; }
  const std::filesystem::path& model_path() const { return model_; }
  int extracts_cached() const { return extracts_cached_; }
  int extracts_computed() const { return extracts_computed_; }

  // The request names this method family.
  bool wants(MethodFamily family) const;
  // Any family that needs language-model features.
  bool wants_lm() const;
  // An attribution family named explicitly (not through "attributions"): costly benchmarks
  // (Natural Stories) compute attributions only then.
  bool wants_named_attributions() const;

  // `model`'s features of a stimulus (a TextGrid, a text file, or words in memory; with
  // Segments::kLines one segment per line or per segment_of entry), from the cache when the same
  // inputs were extracted before. Word-level requests add attention and, with
  // `with_attributions`, the requested attributions; segment-level requests (not word_level)
  // pool each segment's last word. `model_path` and `tokenizer` replace the request's (a
  // benchmark file's own model); `extra` features are added to the request (e.g. entropy).
  LmFeatures extract(const LeaderboardModel& model, const extract::Stimulus& stimulus, bool word_level,
                     bool with_attributions, const std::filesystem::path& model_path = {},
                     const std::filesystem::path& tokenizer = {}, const std::vector<extract::Feature>& extra = {});

  // The methods made from one model's features: a diagnostic row per layer, the inner-CV-chosen
  // layer, the middle layer joined with the baseline, attention, attributions, conductance.
  // `label` names them (a LeaderboardModel's label, or a benchmark file's feature key and label).
  // `to_design` maps a word (or segment) matrix to the benchmark's rows; its flag says the
  // columns are counts (summed, not interpolated).
  // `layers` (empty: all) restricts the activation rows and the inner-CV candidates; a single
  // layer is then the model's ranked entry.
  void lm_methods(const LmFeatures& f, const std::string& label, bool word_level, bool with_attributions,
                  const std::function<Eigen::MatrixXd(const Eigen::MatrixXd&, bool)>& to_design,
                  const Eigen::MatrixXd& baseline, std::vector<Method>& out,
                  const std::vector<extract::ModelLayer>& layers = {}) const;

 private:
  const LeaderboardRequest& request_;
  std::ostream& log_;
  std::filesystem::path model_, tokenizer_;
  std::vector<extract::Feature> attributions_;  // grad_norm, grad_x_input, erasure as requested
  int extracts_cached_ = 0, extracts_computed_ = 0;
};

// A model's label as the prefix of its method names and their model column: ':' becomes '_'
// ("untrained:7" -> "untrained_7").
std::string method_prefix(const std::string& label);

// The common start of an entry: the benchmark, its simple-feature controls as methods (when the
// request wants controls), and the control called `baseline_method` as the baseline that gains
// are measured over.
BuiltBenchmark with_controls(const LeaderboardContext& ctx, Benchmark benchmark, std::vector<Method> controls,
                             const std::string& baseline_method, const std::string& baseline_name);

// One registered benchmark.
struct BenchmarkEntry {
  std::string name;     // what --benchmarks names
  std::string summary;  // one line for --help
  std::function<BuiltBenchmark(LeaderboardContext&)> build;
  bool needs_data = true;  // reads the data root (the synthetic benchmark does not)
};

// The built-in entries, in the order of the list in benchmarks/brain/builtin/BUILD.bazel (defined in
// a source file generated from that list).
std::vector<BenchmarkEntry> builtin_benchmarks();

// The entry called `name` among `entries`, or nullptr.
const BenchmarkEntry* find_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name);

// "a, b, c": the names of `entries`, for messages.
std::string benchmark_names(const std::vector<BenchmarkEntry>& entries);

// The entry called `name`. Errors: no such entry (the message lists the registered names).
const BenchmarkEntry& require_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name);

}  // namespace neuroscore::benchmarks
