// extract/gpt2_tokenizer.hpp: GPT-2's byte-level BPE (vocab.json + merges.txt, or tokenizer.json)
// with GPT-2's pre-tokenization pattern through PCRE2. Main entry points: load_gpt2_tokenizer,
// load_gpt2_tokenizer_json, encode, decode, pretokenize.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace neuroscore::extract {

struct Gpt2Tokenizer {
  std::unordered_map<std::string, std::int32_t> encoder;  // byte-level symbol string -> id
  std::vector<std::string> decoder;                       // id -> symbol string ("" for holes)
  std::unordered_map<std::string, std::int32_t> ranks;    // "left right" -> merge rank (0 = first)
};

// GPT-2's pattern (openai/gpt-2 encoder.py), matched with PCRE2 in UTF + UCP mode:
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Throws std::invalid_argument on text that is not valid UTF-8 (naming the byte offset).
std::vector<std::string> pretokenize(std::string_view text);

// vocab.json ({"symbols": id}) and merges.txt ("#version" line optional, then "left right" per line).
// std::runtime_error naming `source` on malformed input.
Gpt2Tokenizer parse_gpt2_tokenizer(std::string_view vocab_json, std::string_view merges_txt, const std::string& source);
Gpt2Tokenizer load_gpt2_tokenizer(const std::string& vocab_json_path, const std::string& merges_txt_path);
// tokenizer.json of the `tokenizers` library with a BPE model: model.vocab and model.merges
// (strings "a b" or pairs ["a", "b"]). Added/special tokens are not split out of the text.
Gpt2Tokenizer parse_gpt2_tokenizer_json(std::string_view tokenizer_json, const std::string& source);
Gpt2Tokenizer load_gpt2_tokenizer_json(const std::string& path);

// Pre-tokenize, map each byte to GPT-2's printable stand-in (bytes_to_unicode), then merge the
// lowest-ranked adjacent pair (every occurrence, left to right) until no pair has a rank, as
// encoder.py's bpe(). No BOS/EOS are added (GPT-2 has none by default). std::runtime_error when a
// resulting symbol is not in the vocabulary.
std::vector<std::int32_t> encode(const Gpt2Tokenizer& tokenizer, std::string_view text);
// Concatenates the symbols and maps them back to bytes. std::out_of_range on a bad id.
std::string decode(const Gpt2Tokenizer& tokenizer, const std::vector<std::int32_t>& ids);

// GPT-2's byte -> Unicode code point table (bytes_to_unicode in encoder.py), as UTF-8 strings.
const std::vector<std::string>& gpt2_byte_symbols();

}  // namespace neuroscore::extract
