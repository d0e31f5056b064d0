#include "benchmarks/brain/lm_features.hpp"

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "extract/extract_command.hpp"
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

}  // namespace

std::string lm_feature_key(const LmFeatureRequest& r) {
  std::ostringstream s;
  s << "v" << extract::kExtractVersion << "|model=" << file_or_dir_hash(r.model_path) << "|tok=" << file_or_dir_hash(r.tokenizer_path)
    << "|stim=" << extract::sha256_file_hex(r.stimulus_path) << "|variant=" << r.model_variant
    << "|segments=" << r.segments << "|pool=" << r.segment_pool << "|context=" << r.context_words
    << "|lags=" << r.lags << "|ig=" << r.ig_steps << "|baseline=" << r.baseline << "|features=";
  for (const auto& f : r.features) s << f << ',';
  return extract::sha256_hex(s.str()).substr(0, 20);
}

Eigen::MatrixXd LmFeatures::read(const std::string& array) const {
  return io::read_npy_matrix(dir / (array + ".npy"));
}

LmFeatures cached_extract(const LmFeatureRequest& r, std::ostream* progress) {
  LmFeatures out;
  out.key = lm_feature_key(r);
  out.dir = r.cache_root / ("extract-" + out.key);
  const fs::path manifest = out.dir / "manifest.json";
  out.cache_hit = fs::exists(manifest);
  if (!out.cache_hit) {
    if (progress) {
      *progress << "leaderboard: extracting " << r.model_variant << " features (";
      for (const auto& f : r.features) *progress << f << ' ';
      *progress << ") for " << fs::path(r.stimulus_path).filename().string() << "\n";
    }
    const fs::path tmp = r.cache_root / ("extract-" + out.key + ".partial");
    fs::remove_all(tmp);
    extract::ExtractRequest q;
    q.model_path = r.model_path;
    q.tokenizer_path = r.tokenizer_path;
    q.stimulus_path = r.stimulus_path;
    q.model_variant = r.model_variant;
    q.segments = r.segments;
    q.segment_pool = r.segment_pool;
    q.features = r.features;
    q.context_words = r.context_words;
    q.lags = r.lags;
    q.ig_steps = r.ig_steps;
    q.baseline = r.baseline;
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
