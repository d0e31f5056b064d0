// extract/extract_output.hpp: what one extract run computed, and its writing as NPY files and
// manifest.json (private to run_extract). Entry point: write_extract_outputs.
#pragma once

#include <Eigen/Core>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "extract/feature_request.hpp"
#include "extract/model.hpp"
#include "extract/run_extract.hpp"
#include "extract/word_features.hpp"
#include "extract/word_tokenizer.hpp"

namespace neuroscore::extract::internal {

// A segment's final punctuation: the trailing ASCII punctuation (std::ispunct: . , ; : ! ? " ' )
// and so on) of its last word, or a last word made only of punctuation. For each segment, the last
// content word and how many of its tokens come before the punctuation: the tokens of the word with
// its punctuation stripped, when they are a strict prefix of the word's tokens. When the tokenizer
// merged the punctuation into a word token (no such prefix), the word keeps all its tokens and the
// segment is counted in `merged`.
struct FinalPunctuation {
  std::vector<std::int64_t> activation_tokens;    // [words] WordFeatureOptions::activation_tokens
  std::vector<Eigen::Index> last_content_word;    // [segments]
  std::int64_t left_out = 0;           // segments whose last word's punctuation tokens are left out
  std::int64_t punctuation_words = 0;  // segments ending in a punctuation-only word (skipped)
  std::int64_t merged = 0;             // segments whose punctuation shares a token with the word
};

// Everything one run computed, as write_extract_outputs needs it.
struct ExtractRun {
  const FeatureRequest& request;
  const SegmentedWords& stimulus;
  const Model& model;
  const WordTokenizer& tokenizer;
  const std::vector<std::vector<std::int32_t>>& word_tokens;
  std::int64_t n_tokens = 0;
  const FinalPunctuation& punctuation;
  const FeatureSet& feature_set;  // what was asked for
  const WordFeatures& features;
  std::chrono::steady_clock::time_point start;
};

// One NPY per array and manifest.json into run.request.out_dir (created); the summary of the run.
ExtractSummary write_extract_outputs(const ExtractRun& run);

}  // namespace neuroscore::extract::internal
