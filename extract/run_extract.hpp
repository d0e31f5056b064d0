// extract/run_extract.hpp: the extract pipeline (stimulus words -> word features -> NPY files +
// manifest.json), without libtorch in the interface. Main entry point: run_extract(FeatureRequest).
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "extract/feature_request.hpp"

namespace neuroscore::extract {

// The version of what `extract` computes. Caches of its output (the leaderboard's results/.cache)
// key on it: bump it whenever a change alters any written number, even by rounding.
//   1: first release; 2: attributions batched across words, classifier on explained rows only
//   (summation order changes), --conductance-steps; 3: --segment-pool last reads a sentence's last
//   word before its final punctuation (was: the punctuation token, now last-token), mean added.
inline constexpr int kExtractVersion = 3;

struct ExtractSummary {
  std::int64_t words = 0;
  std::int64_t tokens = 0;
  std::int64_t segments = 0;
  double nll_per_token = 0.0;  // mean negative log-likelihood (nats) of the scored tokens
  double perplexity = 0.0;
  std::int64_t tokens_scored = 0;
  double seconds = 0.0;
  std::vector<std::string> files;  // written, relative to out_dir
};

// Runs the pipeline and writes request.out_dir; `progress` (may be null) receives a
// carriage-return progress line. Throws std::invalid_argument for a request that cannot be run
// (threads < 1; no out_dir, model or tokenizer; no feature; a segment pool without Segments::kLines
// or without activations; a baseline token outside the vocabulary; conductance_steps < -1), and
// std::runtime_error for unreadable inputs.
ExtractSummary run_extract(const FeatureRequest& request, std::ostream* progress);

}  // namespace neuroscore::extract
