// benchmarks/brain/leaderboard_registry.cc: LeaderboardContext (cached extraction, the methods made
// from a model's features), with_controls, and the registry's lookups.
#include "benchmarks/brain/leaderboard_registry.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace neuroscore::benchmarks {

namespace fs = std::filesystem;

namespace {

template <class T>
bool has(const std::vector<T>& v, const T& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string method_prefix(const std::string& label) {
  std::string s = label;
  for (char& c : s) if (c == ':') c = '_';
  return s;
}

std::string to_string(MethodFamily family) {
  switch (family) {
    case MethodFamily::kActivations: return "activations";
    case MethodFamily::kAttention: return "attention";
    case MethodFamily::kAttributions: return "attributions";
    case MethodFamily::kGradNorm: return "grad_norm";
    case MethodFamily::kGradXInput: return "grad_x_input";
    case MethodFamily::kConductance: return "conductance";
    case MethodFamily::kErasure: return "erasure";
    case MethodFamily::kControls: return "controls";
    case MethodFamily::kModelPlusControls: return "model+controls";
  }
  throw std::logic_error("MethodFamily: unknown value");
}

const std::vector<MethodFamily>& all_method_families() {
  static const std::vector<MethodFamily> all = {
      MethodFamily::kActivations, MethodFamily::kAttention,   MethodFamily::kAttributions,
      MethodFamily::kGradNorm,    MethodFamily::kGradXInput,  MethodFamily::kConductance,
      MethodFamily::kErasure,     MethodFamily::kControls,    MethodFamily::kModelPlusControls};
  return all;
}

LeaderboardContext::LeaderboardContext(const LeaderboardRequest& request, std::ostream& log) : request_(request), log_(log) {
  model_ = request.model_path.empty() ? request.data_root / "models/stories260K/stories260K.bin" : request.model_path;
  tokenizer_ = request.tokenizer_path.empty() ? request.data_root / "models/stories260K/tok512.bin" : request.tokenizer_path;
  if (wants(MethodFamily::kAttributions) || wants(MethodFamily::kGradNorm)) attributions_.push_back(extract::Feature::kGradNorm);
  if (wants(MethodFamily::kAttributions) || wants(MethodFamily::kGradXInput)) attributions_.push_back(extract::Feature::kGradXInput);
  if (wants(MethodFamily::kErasure)) attributions_.push_back(extract::Feature::kErasure);
}

bool LeaderboardContext::wants(MethodFamily family) const { return has(request_.methods, family); }

bool LeaderboardContext::wants_lm() const {
  return wants(MethodFamily::kActivations) || wants(MethodFamily::kAttention) || wants(MethodFamily::kAttributions) || wants(MethodFamily::kGradNorm) ||
         wants(MethodFamily::kGradXInput) || wants(MethodFamily::kConductance) || wants(MethodFamily::kErasure) || wants(MethodFamily::kModelPlusControls);
}

bool LeaderboardContext::wants_named_attributions() const {
  return wants(MethodFamily::kGradNorm) || wants(MethodFamily::kGradXInput) || wants(MethodFamily::kConductance) || wants(MethodFamily::kErasure);
}

LmFeatures LeaderboardContext::extract(const LeaderboardModel& model, const extract::Stimulus& stimulus, bool word_level,
                                       bool with_attributions, const fs::path& model_path, const fs::path& tokenizer,
                                       const std::vector<extract::Feature>& extra) {
  extract::FeatureRequest q = leaderboard_feature_request();
  q.model_path = (model_path.empty() ? model_ : model_path).string();
  q.tokenizer_path = (tokenizer.empty() ? tokenizer_ : tokenizer).string();
  q.model_variant = model.variant;
  q.stimulus = stimulus;
  q.features = {extract::Feature::kActivations};
  if (stimulus.segments == extract::Segments::kLines && !word_level) q.segment_pool = extract::SegmentPool::kLast;
  if (word_level) {
    if (wants(MethodFamily::kAttention)) q.features.push_back(extract::Feature::kAttention);
    if (with_attributions) {
      for (const extract::Feature a : attributions_) q.features.push_back(a);
      if (wants(MethodFamily::kConductance)) q.features.push_back(extract::Feature::kConductance);
    }
  }
  for (const extract::Feature e : extra) q.features.push_back(e);
  LmFeatures f = cached_extract(q, cache(), &log_);
  (f.cache_hit ? extracts_cached_ : extracts_computed_) += 1;
  log_ << "leaderboard: " << model.label << " features for " << lm_stimulus_name(stimulus)
       << (f.cache_hit ? " (cache hit " : " (extracted in " + std::to_string(f.seconds) + " s, ") << f.dir.filename().string()
       << "), perplexity " << f.perplexity << "\n";
  return f;
}

void LeaderboardContext::lm_methods(const LmFeatures& f, const std::string& model_label, bool word_level,
                                    bool with_attributions,
                                    const std::function<Eigen::MatrixXd(const Eigen::MatrixXd&, bool)>& to_design,
                                    const Eigen::MatrixXd& baseline, std::vector<Method>& out,
                                    const std::vector<extract::ModelLayer>& layers) const {
  const std::string label = method_prefix(model_label);
  const auto chosen = [&](const std::string& layer) {
    return layers.empty() || std::any_of(layers.begin(), layers.end(), [&](const extract::ModelLayer& l) { return to_string(l) == layer; });
  };
  if (wants(MethodFamily::kActivations) || wants(MethodFamily::kModelPlusControls)) {
    // One diagnostic row per layer (the layer curve; its maximum is picked on the test folds)
    // and the model's leaderboard entry: the layer chosen by inner CV per fold and target.
    Method selected{label + "/activations_inner_cv_layer", label, "activations-selected", -1, Eigen::MatrixXd()};
    for (std::size_t l = 0; l < f.layer_names.size(); ++l) {
      const std::string name = (word_level ? "activations_" : "segment_activations_") + f.layer_names[l];
      const Eigen::MatrixXd x = to_design(f.read(name), false);
      if (wants(MethodFamily::kActivations) && chosen(f.layer_names[l])) {
        Method layer{label + "/activations_" + f.layer_names[l], label, "activations", static_cast<int>(l), x};
        layer.ranked = layers.size() == 1;
        out.push_back(std::move(layer));
        selected.layer_candidates.push_back(x);
      }
      if (wants(MethodFamily::kModelPlusControls) && l == f.layer_names.size() / 2 && baseline.size() > 0) {
        Eigen::MatrixXd joint(x.rows(), x.cols() + baseline.cols());
        joint << x, baseline;
        out.push_back({label + "/activations_" + f.layer_names[l] + "+controls", label, "model+controls",
                       static_cast<int>(l), joint});
      }
    }
    if (selected.layer_candidates.size() >= 2) out.push_back(std::move(selected));
  }
  if (!word_level) return;
  if (wants(MethodFamily::kAttention)) {
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
  if (wants(MethodFamily::kConductance)) {
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

BuiltBenchmark with_controls(const LeaderboardContext& ctx, Benchmark benchmark, std::vector<Method> controls,
                             const std::string& baseline_method, const std::string& baseline_name) {
  BuiltBenchmark out;
  out.benchmark = std::move(benchmark);
  out.benchmark.baseline = control_features(controls, baseline_method);
  out.benchmark.baseline_name = baseline_name;
  if (ctx.wants(MethodFamily::kControls)) out.methods = std::move(controls);
  return out;
}

const BenchmarkEntry* find_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name) {
  for (const BenchmarkEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string benchmark_names(const std::vector<BenchmarkEntry>& entries) {
  std::string out;
  for (const BenchmarkEntry& e : entries) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

const BenchmarkEntry& require_benchmark(const std::vector<BenchmarkEntry>& entries, const std::string& name) {
  const BenchmarkEntry* e = find_benchmark(entries, name);
  if (e == nullptr) throw std::invalid_argument("unknown benchmark '" + name + "' (known: " + benchmark_names(entries) + ")");
  return *e;
}

}  // namespace neuroscore::benchmarks
