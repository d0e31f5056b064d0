#include "extract/llama2c_tokenizer.hpp"

#include <cctype>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace neuroscore::extract {

namespace {

std::uint32_t read_u32_le(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int b = 3; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(b)]);
  return v;
}

[[noreturn]] void cut_short(const std::string& source, const std::string& what, std::size_t need, std::size_t at,
                            std::size_t size) {
  throw std::runtime_error(source + ": llama2.c tokenizer is cut short at " + what + ": needs " +
                           std::to_string(need) + " bytes at offset " + std::to_string(at) + ", only " +
                           std::to_string(size - at) + " remain");
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::optional<std::int32_t> Llama2cTokenizer::find(std::string_view piece) const {
  const auto it = ids.find(std::string(piece));
  if (it == ids.end()) return std::nullopt;
  return it->second;
}

Llama2cTokenizer parse_llama2c_tokenizer(std::string_view bytes, std::optional<std::int32_t> vocab_size,
                                         const std::string& source) {
  if (vocab_size && *vocab_size <= 0) {
    throw std::invalid_argument(source + ": vocab_size must be positive, got " + std::to_string(*vocab_size));
  }
  Llama2cTokenizer t;
  std::size_t at = 0;
  if (bytes.size() < 4) cut_short(source, "max_token_length", 4, 0, bytes.size());
  const std::uint32_t max_len = read_u32_le(bytes, 0);
  if (max_len > (1U << 30)) {
    throw std::runtime_error(source + ": llama2.c tokenizer max_token_length " + std::to_string(max_len) +
                             " is not plausible");
  }
  t.max_token_length = static_cast<std::int32_t>(max_len);
  at = 4;
  while (vocab_size ? t.pieces.size() < static_cast<std::size_t>(*vocab_size) : at < bytes.size()) {
    const std::string token = "token " + std::to_string(t.pieces.size());
    if (bytes.size() - at < 8) cut_short(source, token + " (score and length)", 8, at, bytes.size());
    const std::uint32_t score_bits = read_u32_le(bytes, at);
    float score;
    std::memcpy(&score, &score_bits, sizeof score);
    const std::uint32_t len = read_u32_le(bytes, at + 4);
    at += 8;
    if (len > bytes.size() - at) cut_short(source, token + " (its bytes)", len, at, bytes.size());
    if (len > max_len) {
      throw std::runtime_error(source + ": llama2.c tokenizer " + token + " has " + std::to_string(len) +
                               " bytes, more than max_token_length " + std::to_string(max_len));
    }
    t.pieces.emplace_back(bytes.substr(at, len));
    t.scores.push_back(score);
    at += len;
  }
  if (at != bytes.size()) {
    throw std::runtime_error(source + ": llama2.c tokenizer has " + std::to_string(bytes.size() - at) +
                             " trailing bytes after " + std::to_string(t.pieces.size()) +
                             " tokens (vocab_size mismatch?)");
  }
  for (std::size_t i = 0; i < t.pieces.size(); ++i) t.ids.emplace(t.pieces[i], static_cast<std::int32_t>(i));
  return t;
}

Llama2cTokenizer load_llama2c_tokenizer(const std::string& path, std::optional<std::int32_t> vocab_size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open llama2.c tokenizer");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_llama2c_tokenizer(bytes, vocab_size, path);
}

std::vector<std::int32_t> encode(const Llama2cTokenizer& t, std::string_view text, EncodeOptions options) {
  std::vector<std::int32_t> tokens;
  if (options.bos) tokens.push_back(Llama2cTokenizer::kBos);
  if (!text.empty()) {
    const auto dummy = t.find(" ");
    if (!dummy) throw std::invalid_argument("llama2.c tokenizer has no \" \" token for the dummy prefix");
    tokens.push_back(*dummy);
  }
  // One code point at a time (run.c: a continuation byte 10xxxxxx extends the buffer, up to 4).
  std::string buffer;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) buffer.clear();
    buffer.push_back(static_cast<char>(c));
    const bool next_continues = i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80;
    if (next_continues && buffer.size() < 4) continue;
    if (const auto id = t.find(buffer)) {
      tokens.push_back(*id);
    } else {
      for (const char b : buffer) {
        tokens.push_back(static_cast<std::int32_t>(static_cast<unsigned char>(b)) + Llama2cTokenizer::kByteOffset);
      }
    }
    buffer.clear();
  }
  for (const std::int32_t id : tokens) {
    if (id < 0 || id >= t.vocab_size()) {
      throw std::invalid_argument("llama2.c tokenizer: byte-fallback token " + std::to_string(id) +
                                  " is outside the vocabulary of " + std::to_string(t.vocab_size()));
    }
  }
  // Merge the best-scoring adjacent pair until none is in the vocabulary.
  std::string pair;
  while (true) {
    float best_score = -1e10f;
    std::int32_t best_id = -1;
    std::size_t best_index = 0;
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
      // run.c concatenates with sprintf("%s%s"): pieces end at their first NUL byte.
      const std::string& a = t.pieces[static_cast<std::size_t>(tokens[i])];
      const std::string& b = t.pieces[static_cast<std::size_t>(tokens[i + 1])];
      pair.assign(a.c_str());
      pair.append(b.c_str());
      const auto id = t.find(pair);
      if (id && t.scores[static_cast<std::size_t>(*id)] > best_score) {
        best_score = t.scores[static_cast<std::size_t>(*id)];
        best_id = *id;
        best_index = i;
      }
    }
    if (best_id == -1) break;
    tokens[best_index] = best_id;
    tokens.erase(tokens.begin() + static_cast<std::ptrdiff_t>(best_index) + 1);
  }
  if (options.eos) tokens.push_back(Llama2cTokenizer::kEos);
  return tokens;
}

std::string decode_piece(const Llama2cTokenizer& t, std::int32_t prev_token, std::int32_t token) {
  if (token < 0 || token >= t.vocab_size()) {
    throw std::out_of_range("llama2.c tokenizer: token id " + std::to_string(token) + " outside [0, " +
                            std::to_string(t.vocab_size()) + ")");
  }
  std::string_view piece = t.pieces[static_cast<std::size_t>(token)];
  piece = piece.substr(0, std::strlen(t.pieces[static_cast<std::size_t>(token)].c_str()));  // a C string
  if (prev_token == Llama2cTokenizer::kBos && !piece.empty() && piece[0] == ' ') piece.remove_prefix(1);
  // run.c: sscanf(piece, "<0x%02hhX>", &byte) == 1, i.e. "<0x" then one or two hex digits.
  if (piece.size() >= 4 && piece.substr(0, 3) == "<0x" && hex_value(piece[3]) >= 0) {
    int value = hex_value(piece[3]);
    if (piece.size() >= 5 && hex_value(piece[4]) >= 0) value = value * 16 + hex_value(piece[4]);
    return std::string(1, static_cast<char>(value));
  }
  return std::string(piece);
}

std::string decode(const Llama2cTokenizer& t, const std::vector<std::int32_t>& tokens, LoneBytes lone_bytes) {
  std::string out;
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    const std::string piece = decode_piece(t, tokens[i - 1], tokens[i]);
    if (piece.empty()) continue;
    if (piece.size() == 1 && lone_bytes == LoneBytes::kDropAsRunCPrints) {
      const auto c = static_cast<unsigned char>(piece[0]);
      if (!(std::isprint(c) || std::isspace(c))) continue;  // run.c's safe_printf
    }
    out += piece;
  }
  return out;
}

}  // namespace neuroscore::extract
