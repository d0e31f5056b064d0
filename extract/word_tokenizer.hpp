// extract/word_tokenizer.hpp: a tokenizer as the extract pipeline needs it (the token ids of one
// word inside running text, the BOS id, provenance), loaded from any supported tokenizer file.
// Main entry point: load_word_tokenizer.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace neuroscore::extract {

// The ids of one word (each family's convention for a word inside running text), the BOS id that
// starts every window (-1: none), and provenance.
struct WordTokenizer {
  std::string kind;  // what was loaded and how a word is encoded (manifest.json "tokenizer.kind")
  std::int64_t bos = -1;
  std::function<std::vector<std::int32_t>(const std::string& word, bool first_in_segment)> encode_word;
  nlohmann::json files = nlohmann::json::object();  // absolute path -> sha256
};

// llama2.c tokenizer.bin (`model_vocab` entries); SentencePiece .model (BPE only); GPT-2
// tokenizer.json, or a directory holding tokenizer.json or vocab.json + merges.txt. Throws
// std::runtime_error when the path does not exist or a directory holds neither, and
// std::invalid_argument for a non-BPE SentencePiece model.
WordTokenizer load_word_tokenizer(const std::string& path, std::int64_t model_vocab);

}  // namespace neuroscore::extract
