// benchmarks/brain/lm_features.hpp: language-model word features for the leaderboard, computed by the
// extract pipeline (run_extract) into a cache directory keyed by a hash of inputs and options.
// Entry point: cached_extract(LmFeatureRequest, progress).
#pragma once

#include <Eigen/Core>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "extract/feature_request.hpp"

namespace neuroscore::benchmarks {

// What the leaderboard asks of the extract pipeline: a typed subset of extract::FeatureRequest with
// the leaderboard's defaults (the other options keep the pipeline's).
struct LmFeatureRequest {
  std::string model_path;       // llama2.c .bin or Hugging Face directory
  std::string tokenizer_path;
  extract::ModelVariant model_variant;  // default: trained
  // A TextGrid or text file (with Segments::kLines, one segment per line), or words in memory.
  extract::Stimulus stimulus;
  extract::SegmentPool segment_pool = extract::SegmentPool::kNone;
  std::vector<extract::Feature> features = {extract::Feature::kActivations};
  long context_words = 20;
  long lags = 10;
  long ig_steps = 8;             // conductance: few Gauss-Legendre points (cost), mean baseline
  extract::AttributionBaseline baseline{extract::AttributionBaseline::Kind::kMean, 0};
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

// The hash of the request (sha256 of model, tokenizer and stimulus, and every option). A stimulus
// in memory hashes as the text file that holds it: its words joined by a space, its segments by a
// newline, a final newline; so words in memory and that file share their cache entry.
std::string lm_feature_key(const LmFeatureRequest& request);

// How a stimulus is named in progress lines: the file's name, or "N words in memory".
std::string lm_stimulus_name(const extract::Stimulus& stimulus);

// Runs run_extract into the cache unless a complete result (manifest.json) is there already.
LmFeatures cached_extract(const LmFeatureRequest& request, std::ostream* progress);

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
