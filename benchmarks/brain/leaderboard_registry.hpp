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

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "extract/feature_request.hpp"

namespace neuroscore::benchmarks {

struct LeaderboardRequest {
  std::filesystem::path data_root, out_dir = "results", model_path, tokenizer_path;
  std::vector<std::string> benchmarks;  // empty (and no files): every built-in benchmark, in registry order
  std::vector<std::filesystem::path> benchmark_files;  // JSON benchmark files (benchmark_file.hpp), run after `benchmarks`
  std::vector<std::string> methods = {"activations", "attention", "attributions", "controls", "model+controls"};
  std::vector<std::string> models = {"trained", "untrained"};
  std::size_t bootstrap = 1000;
  bool shuffled_control = true;
  bool gap_sensitivity = true;
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
  // Optional outputs of the benchmark's own after scoring (a NIfTI benchmark's score maps): gets
  // its scores and the results directory, returns the files it wrote.
  std::function<std::vector<std::filesystem::path>(const std::vector<MethodScore>&, const std::filesystem::path&)> write_outputs;
};

namespace detail::lbrun {

inline bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// A model name the leaderboard knows: trained, untrained, untrained:SEED, noise:SD:SEED.
inline bool is_model_variant(const std::string& m) {
  return m == "trained" || m == "untrained" || m.rfind("untrained:", 0) == 0 || m.rfind("noise:", 0) == 0;
}

inline std::string variant_of(const std::string& model) {
  if (model == "trained") return "trained";
  if (model == "untrained") return "untrained:1";
  return model;
}

inline std::string label_of(const std::string& model) {
  std::string s = model;
  for (char& c : s) if (c == ':') c = '_';
  return s;
}

}  // namespace detail::lbrun

// What every entry's build function gets: the request, the log, and the language-model feature
// pipeline (cached extraction, and the methods made from one model's features).
class LeaderboardContext {
 public:
  LeaderboardContext(const LeaderboardRequest& request, std::ostream& log) : request_(request), log_(log) {
    model_ = request.model_path.empty() ? request.data_root / "models/stories260K/stories260K.bin" : request.model_path;
    tokenizer_ = request.tokenizer_path.empty() ? request.data_root / "models/stories260K/tok512.bin" : request.tokenizer_path;
    if (wants("attributions") || wants("grad_norm")) attributions_.push_back(extract::Feature::kGradNorm);
    if (wants("attributions") || wants("grad_x_input")) attributions_.push_back(extract::Feature::kGradXInput);
    if (wants("erasure")) attributions_.push_back(extract::Feature::kErasure);
  }

  const LeaderboardRequest& request() const { return request_; }
  std::ostream& log() const { return log_; }
  const std::filesystem::path& data_root() const { return request_.data_root; }
  std::filesystem::path cache() const { return request_.out_dir / ".cache"; }
  const std::filesystem::path& model_path() const { return model_; }
  int extracts_cached() const { return extracts_cached_; }
  int extracts_computed() const { return extracts_computed_; }

  // The request names this method family (activations, attention, attributions, controls, ...).
  bool wants(const std::string& family) const { return detail::lbrun::has(request_.methods, family); }
  // Any family that needs language-model features.
  bool wants_lm() const {
    return wants("activations") || wants("attention") || wants("attributions") || wants("grad_norm") ||
           wants("grad_x_input") || wants("conductance") || wants("erasure") || wants("model+controls");
  }
  // An attribution family named explicitly (not through "attributions"): costly benchmarks
  // (Natural Stories) compute attributions only then.
  bool wants_named_attributions() const {
    return wants("grad_norm") || wants("grad_x_input") || wants("conductance") || wants("erasure");
  }

  // `model_name`'s features of a stimulus (TextGrid, or text with one segment per line when
  // segments == "lines"), from the cache when the same inputs were extracted before. Word-level
  // requests add attention and, with `with_attributions`, the requested attributions.
  // `model` and `tokenizer` replace the request's (a benchmark file's own model).
  LmFeatures extract(const std::string& model_name, const std::string& stimulus, bool word_level,
                     const std::string& segments, bool with_attributions, const std::filesystem::path& model = {},
                     const std::filesystem::path& tokenizer = {}) {
    namespace fs = std::filesystem;
    const std::optional<extract::ModelVariant> variant = model_variant_of(detail::lbrun::variant_of(model_name));
    if (!variant) {
      throw std::invalid_argument("unknown model '" + model_name + "' (trained, untrained, untrained:SEED, noise:SD:SEED)");
    }
    LmFeatureRequest q;
    q.model_path = (model.empty() ? model_ : model).string();
    q.tokenizer_path = (tokenizer.empty() ? tokenizer_ : tokenizer).string();
    q.model_variant = *variant;
    const bool lines = segments == "lines";
    q.stimulus = extract::Stimulus::file(stimulus, lines ? extract::Segments::kLines : extract::Segments::kNone);
    q.cache_root = cache();
    q.features = {extract::Feature::kActivations};
    if (lines && !word_level) q.segment_pool = extract::SegmentPool::kLast;
    if (word_level) {
      if (wants("attention")) q.features.push_back(extract::Feature::kAttention);
      if (with_attributions) {
        for (const extract::Feature a : attributions_) q.features.push_back(a);
        if (wants("conductance")) q.features.push_back(extract::Feature::kConductance);
      }
    }
    LmFeatures f = cached_extract(q, &log_);
    (f.cache_hit ? extracts_cached_ : extracts_computed_) += 1;
    log_ << "leaderboard: " << model_name << " features for " << fs::path(stimulus).filename().string()
         << (f.cache_hit ? " (cache hit " : " (extracted in " + std::to_string(f.seconds) + " s, ")
         << f.dir.filename().string() << "), perplexity " << f.perplexity << "\n";
    return f;
  }

  // The methods made from one model's features: a diagnostic row per layer, the inner-CV-chosen
  // layer, the middle layer joined with the baseline, attention, attributions, conductance.
  // `to_design` maps a word (or segment) matrix to the benchmark's rows; its flag says the
  // columns are counts (summed, not interpolated).
  // `layers` (names as in f.layer_names; empty: all) restricts the activation rows and the
  // inner-CV candidates; a single layer is then the model's ranked entry.
  void lm_methods(const LmFeatures& f, const std::string& model_name, bool word_level, bool with_attributions,
                  const std::function<Eigen::MatrixXd(const Eigen::MatrixXd&, bool)>& to_design,
                  const Eigen::MatrixXd& baseline, std::vector<Method>& out,
                  const std::vector<std::string>& layers = {}) const {
    const std::string label = detail::lbrun::label_of(model_name);
    const auto chosen = [&](const std::string& layer) { return layers.empty() || detail::lbrun::has(layers, layer); };
    if (wants("activations") || wants("model+controls")) {
      // One diagnostic row per layer (the layer curve; its maximum is picked on the test folds)
      // and the model's leaderboard entry: the layer chosen by inner CV per fold and target.
      Method selected{label + "/activations_inner_cv_layer", label, "activations-selected", -1, Eigen::MatrixXd()};
      for (std::size_t l = 0; l < f.layer_names.size(); ++l) {
        const std::string name = (word_level ? "activations_" : "segment_activations_") + f.layer_names[l];
        const Eigen::MatrixXd x = to_design(f.read(name), false);
        if (wants("activations") && chosen(f.layer_names[l])) {
          Method layer{label + "/activations_" + f.layer_names[l], label, "activations", static_cast<int>(l), x};
          layer.ranked = layers.size() == 1;
          out.push_back(std::move(layer));
          selected.layer_candidates.push_back(x);
        }
        if (wants("model+controls") && l == f.layer_names.size() / 2 && baseline.size() > 0) {
          Eigen::MatrixXd joint(x.rows(), x.cols() + baseline.cols());
          joint << x, baseline;
          out.push_back({label + "/activations_" + f.layer_names[l] + "+controls", label, "model+controls",
                         static_cast<int>(l), joint});
        }
      }
      if (selected.layer_candidates.size() >= 2) out.push_back(std::move(selected));
    }
    if (!word_level) return;
    if (wants("attention")) {
      std::vector<Eigen::MatrixXd> parts;
      for (std::size_t l = 0; l + 1 < f.layer_names.size(); ++l) {
        parts.push_back(to_design(f.read("attention_block_" + std::to_string(l)), true));
      }
      out.push_back({label + "/attention_all_blocks", label, "attention", -1, detail::lbdata::hcat(parts)});
    }
    if (!with_attributions) return;
    for (const extract::Feature a : attributions_) {
      const std::string name = extract::to_string(a);
      out.push_back({label + "/" + name, label, "attribution", -1, to_design(f.read(name), true)});
    }
    if (wants("conductance")) {
      Method selected{label + "/conductance_inner_cv_block", label, "attribution-selected", -1, Eigen::MatrixXd()};
      for (std::size_t l = 0; l + 1 < f.layer_names.size(); ++l) {
        Method block{label + "/conductance_block_" + std::to_string(l), label, "attribution", static_cast<int>(l + 1),
                     to_design(f.read("conductance_block_" + std::to_string(l)), true)};
        block.ranked = false;
        selected.layer_candidates.push_back(block.x);
        out.push_back(std::move(block));
      }
      if (selected.layer_candidates.size() >= 2) out.push_back(std::move(selected));
    }
  }

 private:
  const LeaderboardRequest& request_;
  std::ostream& log_;
  std::filesystem::path model_, tokenizer_;
  std::vector<extract::Feature> attributions_;  // grad_norm, grad_x_input, erasure as requested
  int extracts_cached_ = 0, extracts_computed_ = 0;
};

// The common start of an entry: the benchmark, its simple-feature controls as methods (when the
// request wants controls), and the control called `baseline_method` as the baseline that gains
// are measured over.
inline BuiltBenchmark with_controls(const LeaderboardContext& ctx, Benchmark benchmark, std::vector<Method> controls,
                                    const std::string& baseline_method, const std::string& baseline_name) {
  BuiltBenchmark out;
  out.benchmark = std::move(benchmark);
  out.benchmark.baseline = control_features(controls, baseline_method);
  out.benchmark.baseline_name = baseline_name;
  if (ctx.wants("controls")) out.methods = std::move(controls);
  return out;
}

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
inline const BenchmarkEntry* find_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name) {
  for (const BenchmarkEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// "a, b, c": the names of `entries`, for messages.
inline std::string benchmark_names(const std::vector<BenchmarkEntry>& entries) {
  std::string out;
  for (const BenchmarkEntry& e : entries) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

// The entry called `name`. Errors: no such entry (the message lists the registered names).
inline const BenchmarkEntry& require_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name) {
  const BenchmarkEntry* e = find_benchmark(entries, name);
  if (e == nullptr) throw std::invalid_argument("unknown benchmark '" + name + "' (known: " + benchmark_names(entries) + ")");
  return *e;
}

}  // namespace neuroscore::benchmarks
