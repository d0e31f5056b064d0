// benchmarks/brain/lm_features.hpp: language-model word features for the leaderboard, computed by the
// extract pipeline (run_extract) into a cache directory keyed by a hash of inputs and options.
// Entry point: cached_extract(leaderboard_feature_request() and its settings, cache, progress).
#pragma once

#include <Eigen/Core>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "extract/feature_request.hpp"

namespace neuroscore::benchmarks {

// The leaderboard's extraction request: extract::FeatureRequest with the leaderboard's defaults
// (20 context words, 10 lags; attributions with 8 Gauss-Legendre points and a mean-embedding
// baseline); the other options keep the pipeline's. Set model, tokenizer, variant, stimulus,
// features and pooling on it; `out_dir` is chosen by cached_extract.
extract::FeatureRequest leaderboard_feature_request();

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

// The hash of the request (sha256 of model, tokenizer and stimulus, and every option but out_dir
// and threads). A stimulus in memory hashes as the text file that holds it: its words joined by a
// space, its segments by a newline, a final newline; so words in memory and that file share their
// cache entry. Options the leaderboard does not set enter the hash only when they differ from the
// pipeline's defaults, so the keys of the cache written before they entered it stay valid.
std::string lm_feature_key(const extract::FeatureRequest& request);

// How a stimulus is named in progress lines: the file's name, or "N words in memory".
std::string lm_stimulus_name(const extract::Stimulus& stimulus);

// Runs run_extract into cache_root / "extract-<key>" unless a complete result (manifest.json) is
// there already (request.out_dir is ignored).
LmFeatures cached_extract(const extract::FeatureRequest& request, const std::filesystem::path& cache_root,
                          std::ostream* progress);

// A language model the leaderboard scores: the name it goes by in method names, the CSV and the
// report, and the weights it stands for.
struct LeaderboardModel {
  std::string label;  // as named (--models, a benchmark file's variants); ':' becomes '_' in method names
  extract::ModelVariant variant;

  static LeaderboardModel trained() { return {"trained", extract::ModelVariant::trained()}; }
  // "untrained" is the untrained twin with seed 1 (untrained:1).
  static LeaderboardModel untrained() { return {"untrained", extract::ModelVariant::untrained(1)}; }
};

// The model a name stands for: trained, untrained (= untrained:1), or any extract variant
// (untrained:SEED, noise:REL_SD:SEED). Errors name `what` (extract::parse_model_variant).
LeaderboardModel parse_leaderboard_model(const std::string& name, const std::string& what);

}  // namespace neuroscore::benchmarks
