// benchmarks/brain/lm_features.hpp: language-model word features for the leaderboard, computed by the
// extract pipeline (run_extract) into a cache directory keyed by a hash of inputs and options.
// Entry point: cached_extract(LmFeatureRequest, progress).
#pragma once

#include <Eigen/Core>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace neuroscore::benchmarks {

struct LmFeatureRequest {
  std::string model_path;       // llama2.c .bin or Hugging Face directory
  std::string tokenizer_path;
  std::string model_variant = "trained";  // trained | untrained:SEED | noise:SD:SEED
  std::string stimulus_path;    // TextGrid or text (one segment per line with segments = "lines")
  std::string segments = "none";
  std::string segment_pool = "none";
  std::vector<std::string> features = {"activations"};
  long context_words = 20;
  long lags = 10;
  long ig_steps = 8;             // conductance: few Gauss-Legendre points (cost), mean baseline
  std::string baseline = "mean";
  std::filesystem::path cache_root;  // features go to cache_root / "extract-<hash>"
};

struct LmFeatures {
  std::filesystem::path dir;
  std::string key;               // hex hash of model sha256 + tokenizer + stimulus + options
  bool cache_hit = false;
  std::vector<std::string> words;
  std::vector<std::string> layer_names;  // "embedding", "block_0", ...
  double perplexity = 0.0;
  double seconds = 0.0;          // extraction time (0 on a cache hit)
  // One saved array (e.g. "activations_block_2") as a matrix. Throws naming the file.
  Eigen::MatrixXd read(const std::string& array) const;
};

// The hash of the request (sha256 of model, tokenizer and stimulus files, and every option).
std::string lm_feature_key(const LmFeatureRequest& request);

// Runs run_extract into the cache unless a complete result (manifest.json) is there already.
LmFeatures cached_extract(const LmFeatureRequest& request, std::ostream* progress);

}  // namespace neuroscore::benchmarks
