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

// A tokenizer as the pipeline uses it: a whole text's ids and the text each id stands for (what
// extract/word_alignment.hpp needs to give each word its tokens), the ids of one word alone (each
// family's convention for a word inside running text; sentence pooling's stem check), the BOS id
// that starts every window (-1: none), and provenance.
struct WordTokenizer {
  std::string kind;  // what was loaded and how words are encoded (manifest.json "tokenizer.kind")
  std::int64_t bos = -1;
  // A text's ids, without BOS or EOS.
  std::function<std::vector<std::int32_t>(const std::string& text)> encode_text;
  // The bytes each id stands for ("" for specials): align_tokens_to_words' token_bytes.
  std::function<std::vector<std::string>(const std::vector<std::int32_t>& ids)> token_bytes;
  // What encode_text puts in front of a non-empty text: " " (the dummy prefix of SentencePiece and
  // llama2.c), "" (GPT-2).
  std::string prefix;
  std::function<std::vector<std::int32_t>(const std::string& word, bool first_in_segment)> encode_word;
  nlohmann::json files = nlohmann::json::object();  // absolute path -> sha256
};

// Each word's ids as the model reads them in running text: the words of each segment (a line, an
// item; segment_of[w] non-decreasing) joined by single spaces and encoded whole by encode_text,
// then each token given to its word by align_tokens_to_words (the one rule of
// extract/word_alignment.hpp: a standalone space or dummy-prefix token belongs to the word after
// it). std::invalid_argument naming the word (0-based, among all words) when the tokenizer changed
// the text or a word has no token of its own.
std::vector<std::vector<std::int32_t>> encode_words_in_context(const WordTokenizer& tokenizer, const std::vector<std::string>& words,
                                                                const std::vector<std::int64_t>& segment_of);

// llama2.c tokenizer.bin (`model_vocab` entries); SentencePiece .model (BPE only); GPT-2
// tokenizer.json, or a directory holding tokenizer.json or vocab.json + merges.txt. Throws
// std::runtime_error when the path does not exist or a directory holds neither, and
// std::invalid_argument for a non-BPE SentencePiece model.
WordTokenizer load_word_tokenizer(const std::string& path, std::int64_t model_vocab);

}  // namespace neuroscore::extract
