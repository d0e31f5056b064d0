// benchmarks/brain/lm_features.cc: cached_extract, its cache key, leaderboard models.
#include "benchmarks/brain/lm_features.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "extract/run_extract.hpp"
#include "extract/sha256.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::benchmarks {

namespace fs = std::filesystem;

namespace {

std::string file_or_dir_hash(const std::string& path) {
  if (fs::is_directory(path)) {
    std::string all;
    for (const auto& e : fs::directory_iterator(path)) {
      if (e.is_regular_file()) all += e.path().filename().string() + ":" + extract::sha256_file_hex(e.path().string()) + ";";
    }
    return extract::sha256_hex(all);
  }
  return extract::sha256_file_hex(path);
}

// The text file a stimulus in memory would be (see lm_feature_key).
std::string stimulus_text(const extract::Stimulus& s) {
  const extract::SegmentedWords& w = s.words;
  const bool lines = s.segments == extract::Segments::kLines;
  std::string text;
  for (std::size_t i = 0; i < w.words.size(); ++i) {
    if (i > 0) text += lines && w.segment_of[i] != w.segment_of[i - 1] ? '\n' : ' ';
    text += w.words[i];
  }
  return text + '\n';
}

}  // namespace

std::string lm_stimulus_name(const extract::Stimulus& s) {
  return s.words.words.empty() ? fs::path(s.path).filename().string() : std::to_string(s.words.words.size()) + " words in memory";
}

LeaderboardModel parse_leaderboard_model(const std::string& name, const std::string& what) {
  if (name == "untrained") return LeaderboardModel::untrained();
  if (name != "trained" && name.rfind("untrained:", 0) != 0 && name.rfind("noise:", 0) != 0) {
    throw std::invalid_argument(what + " wants trained, untrained, untrained:SEED or noise:REL_SD:SEED, got '" + name + "'");
  }
  return {name, extract::parse_model_variant(name, what)};
}

extract::FeatureRequest leaderboard_feature_request() {
  extract::FeatureRequest q;
  q.context_words = 20;
  q.lags = 10;
  q.ig_steps = 8;  // conductance: few Gauss-Legendre points (cost), mean baseline
  q.baseline = extract::AttributionBaseline{extract::AttributionBaseline::Kind::kMean, 0};
  return q;
}

std::string lm_feature_key(const extract::FeatureRequest& r) {
  const std::string stim = r.stimulus.words.words.empty() ? extract::sha256_file_hex(r.stimulus.path)
                                                          : extract::sha256_hex(stimulus_text(r.stimulus));
  std::ostringstream s;
  s << "v" << extract::kExtractVersion << "|model=" << file_or_dir_hash(r.model_path) << "|tok=" << file_or_dir_hash(r.tokenizer_path)
    << "|stim=" << stim << "|variant=" << extract::to_string(r.model_variant)
    << "|segments=" << extract::to_string(r.stimulus.segments) << "|pool=" << extract::to_string(r.segment_pool)
    << "|context=" << r.context_words << "|lags=" << r.lags << "|ig=" << r.ig_steps
    << "|baseline=" << extract::to_string(r.baseline) << "|features=";
  for (const extract::Feature f : r.features) s << extract::to_string(f) << ',';
  // The rest, only where it differs from the pipeline's default (see the header).
  const extract::FeatureRequest d;
  if (r.stimulus.textgrid_tier != d.stimulus.textgrid_tier) s << "|tier=" << r.stimulus.textgrid_tier;
  if (r.stride_words != d.stride_words) s << "|stride=" << r.stride_words;
  if (r.dtype != d.dtype) s << "|dtype=" << extract::to_string(r.dtype);
  if (r.target != d.target) s << "|target=" << extract::to_string(r.target);
  if (r.quadrature != d.quadrature) s << "|quadrature=" << extract::to_string(r.quadrature);
  if (r.conductance_steps != d.conductance_steps) s << "|conductance_steps=" << r.conductance_steps;
  if (r.batch_elements != d.batch_elements) s << "|batch=" << r.batch_elements;
  if (r.erasure != d.erasure) s << "|erasure=" << extract::to_string(r.erasure);
  if (r.activation_pooling != d.activation_pooling) s << "|activation_pooling=" << extract::to_string(r.activation_pooling);
  if (r.attribution_pooling != d.attribution_pooling) s << "|attribution_pooling=" << extract::to_string(r.attribution_pooling);
  return extract::sha256_hex(s.str()).substr(0, 20);
}

Eigen::MatrixXd LmFeatures::read(const std::string& array) const {
  return io::read_npy_matrix(dir / (array + ".npy"));
}

LmFeatures cached_extract(const extract::FeatureRequest& r, const fs::path& cache_root, std::ostream* progress) {
  LmFeatures out;
  out.key = lm_feature_key(r);
  out.dir = cache_root / ("extract-" + out.key);
  const fs::path manifest = out.dir / "manifest.json";
  out.cache_hit = fs::exists(manifest);
  if (!out.cache_hit) {
    if (progress) {
      *progress << "leaderboard: extracting " << extract::to_string(r.model_variant) << " features (";
      for (const extract::Feature f : r.features) *progress << extract::to_string(f) << ' ';
      *progress << ") for " << lm_stimulus_name(r.stimulus) << "\n";
    }
    const fs::path tmp = cache_root / ("extract-" + out.key + ".partial");
    fs::remove_all(tmp);
    extract::FeatureRequest q = r;
    q.out_dir = tmp.string();
    const extract::ExtractSummary summary = extract::run_extract(q, progress);
    out.seconds = summary.seconds;
    fs::remove_all(out.dir);
    fs::rename(tmp, out.dir);  // complete results only: a killed run leaves a .partial directory
  }
  std::ifstream in(manifest);
  if (!in) throw std::runtime_error(manifest.string() + ": cannot read the extraction manifest");
  const nlohmann::json m = nlohmann::json::parse(in);
  out.words = m.at("words").get<std::vector<std::string>>();
  out.layer_names = m.at("layer_names").get<std::vector<std::string>>();
  if (m.contains("perplexity") && m["perplexity"].is_object()) out.perplexity = m["perplexity"].value("perplexity", 0.0);
  return out;
}

}  // namespace neuroscore::benchmarks
