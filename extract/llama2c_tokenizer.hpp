// extract/llama2c_tokenizer.hpp: the llama2.c `tokenizer.bin` vocabulary with run.c's encode and
// decode, byte for byte. Main entry points: load_llama2c_tokenizer, encode, decode_piece, decode.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace neuroscore::extract {

struct Llama2cTokenizer {
  std::vector<std::string> pieces;  // id -> bytes
  std::vector<float> scores;        // id -> merge score (higher merges first)
  std::int32_t max_token_length = 0;
  std::unordered_map<std::string, std::int32_t> ids;  // bytes -> lowest id with those bytes

  static constexpr std::int32_t kBos = 1;
  static constexpr std::int32_t kEos = 2;
  static constexpr std::int32_t kByteOffset = 3;  // raw byte b is token b + 3 (<0xXX> pieces)

  std::int32_t vocab_size() const { return static_cast<std::int32_t>(pieces.size()); }
  std::optional<std::int32_t> find(std::string_view piece) const;
};

// Parses the file format: int32 max_token_length, then per token float32 score, int32 length,
// `length` bytes (all little-endian). With `vocab_size` given (run.c takes it from the model),
// exactly that many tokens are read and trailing bytes are an error; without it, tokens are read
// until the end of the data. A file cut short throws std::runtime_error naming `source`, the
// token index and the bytes needed versus available.
Llama2cTokenizer parse_llama2c_tokenizer(std::string_view bytes, std::optional<std::int32_t> vocab_size,
                                         const std::string& source);
Llama2cTokenizer load_llama2c_tokenizer(const std::string& path, std::optional<std::int32_t> vocab_size = {});

struct EncodeOptions {
  bool bos = true;   // prepend BOS (id 1)
  bool eos = false;  // append EOS (id 2)
};

// run.c's encode(): BOS, then (for non-empty text) the " " dummy-prefix token, then one token per
// UTF-8 code point (or its bytes + 3 when the code point is not in the vocabulary; a code point is
// cut after 4 bytes as run.c does), then repeatedly merge the adjacent pair whose concatenation
// has the highest score (leftmost on ties) until no pair is in the vocabulary; EOS last.
std::vector<std::int32_t> encode(const Llama2cTokenizer& tokenizer, std::string_view text,
                                 EncodeOptions options = {});

// run.c's decode(prev, token): the piece of `token`, without its leading space when `prev` is BOS,
// and the raw byte for pieces of the form <0xXX>. Throws std::out_of_range on a bad id.
std::string decode_piece(const Llama2cTokenizer& tokenizer, std::int32_t prev_token, std::int32_t token);

// What to do with pieces that are a single byte neither printable nor whitespace (in the C locale,
// so every byte >= 0x80, i.e. the parts of a byte-fallback UTF-8 character, and control bytes).
enum class LoneBytes {
  kKeep,               // the text as bytes: byte-fallback characters survive
  kDropAsRunCPrints,   // run.c's safe_printf: what llama2.c prints to the terminal
};

// The text of a sequence: decode_piece of each token after the first, with the previous token as
// context (so the first token is not decoded: it is BOS in run.c's generate()).
std::string decode(const Llama2cTokenizer& tokenizer, const std::vector<std::int32_t>& tokens,
                   LoneBytes lone_bytes = LoneBytes::kKeep);

}  // namespace neuroscore::extract
