#include "extract/word_alignment.hpp"

#include <algorithm>
#include <stdexcept>

#include "extract/gpt2_tokenizer.hpp"
#include "extract/llama2c_tokenizer.hpp"

namespace neuroscore::extract {
namespace {

bool is_whitespace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// Shortened, printable view of bytes for messages.
std::string quoted(std::string_view s) {
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) out += s[i] == '\n' ? std::string("\\n") : std::string(1, s[i]);
  if (s.size() > 40) out += "...";
  return out + "'";
}

}  // namespace

TextOfWords join_words(const std::vector<std::string>& words) {
  TextOfWords out;
  out.words.reserve(words.size());
  for (std::size_t w = 0; w < words.size(); ++w) {
    const std::string& word = words[w];
    if (word.empty()) throw std::invalid_argument("join_words: word " + std::to_string(w) + " (0-based) is empty");
    if (std::any_of(word.begin(), word.end(), [](char c) { return is_whitespace(static_cast<unsigned char>(c)); })) {
      throw std::invalid_argument("join_words: word " + std::to_string(w) + " (0-based) " + quoted(word) +
                                  " contains whitespace; a tokenizer would read it as several words");
    }
    if (w > 0) out.text += ' ';
    out.words.push_back({out.text.size(), out.text.size() + word.size()});
    out.text += word;
  }
  return out;
}

WordAlignment align_tokens_to_words(const TextOfWords& text, const std::vector<std::string>& token_bytes,
                                    std::string_view prefix) {
  const std::string expected = std::string(prefix) + text.text;
  // Where each token sits in `expected`, checking that the tokens spell it.
  std::vector<ByteSpan> spans(token_bytes.size());
  std::size_t pos = 0;
  for (std::size_t t = 0; t < token_bytes.size(); ++t) {
    const std::string& b = token_bytes[t];
    if (expected.compare(pos, b.size(), b) != 0 || pos + b.size() > expected.size()) {
      std::size_t at = pos;
      while (at < expected.size() && at - pos < b.size() && expected[at] == b[at - pos]) ++at;
      throw std::invalid_argument("align_tokens_to_words: token " + std::to_string(t) + " (0-based) " + quoted(b) +
                                  " does not match the text at byte " + std::to_string(at) + " of the tokenized text " +
                                  quoted(std::string_view(expected).substr(pos)) +
                                  ": the tokenizer changed the text (a normalizer?) or the prefix is wrong");
    }
    spans[t] = {pos, pos + b.size()};
    pos += b.size();
  }
  if (pos != expected.size()) {
    throw std::invalid_argument("align_tokens_to_words: the tokens spell " + std::to_string(pos) + " bytes of the " +
                                std::to_string(expected.size()) + "-byte text; the rest, " +
                                quoted(std::string_view(expected).substr(pos)) + ", has no token");
  }
  // Word of each byte of `expected` (-1: prefix or separator).
  std::vector<std::int64_t> word_at(expected.size(), -1);
  for (std::size_t w = 0; w < text.words.size(); ++w) {
    for (std::size_t i = text.words[w].begin; i < text.words[w].end; ++i) word_at[prefix.size() + i] = static_cast<std::int64_t>(w);
  }
  WordAlignment out;
  out.word_of_token.assign(token_bytes.size(), -1);
  const auto words = static_cast<std::int64_t>(text.words.size());
  for (std::size_t t = 0; t < token_bytes.size(); ++t) {
    if (spans[t].begin == spans[t].end) continue;
    std::int64_t word = -1;
    for (std::size_t i = spans[t].begin; i < spans[t].end && word < 0; ++i) word = word_at[i];
    if (word < 0) {
      // Only separator or prefix spaces: the word that starts after it.
      const std::size_t end_in_text = spans[t].end - std::min(spans[t].end, prefix.size());
      const auto next = std::lower_bound(text.words.begin(), text.words.end(), end_in_text,
                                         [](const ByteSpan& s, std::size_t b) { return s.begin < b; });
      word = next == text.words.end() ? -1 : static_cast<std::int64_t>(next - text.words.begin());
    }
    out.word_of_token[t] = word;
  }
  out.first_token.assign(static_cast<std::size_t>(words), -1);
  out.end_token.assign(static_cast<std::size_t>(words), -1);
  for (std::size_t t = 0; t < token_bytes.size(); ++t) {
    const std::int64_t w = out.word_of_token[t];
    if (w < 0) continue;
    auto& first = out.first_token[static_cast<std::size_t>(w)];
    if (first < 0) first = static_cast<std::int64_t>(t);
    out.end_token[static_cast<std::size_t>(w)] = static_cast<std::int64_t>(t) + 1;
  }
  // Every word starts in a token of its own.
  for (std::size_t w = 0; w < text.words.size(); ++w) {
    const std::size_t first_byte = prefix.size() + text.words[w].begin;
    const auto holder = std::upper_bound(spans.begin(), spans.end(), first_byte,
                                         [](std::size_t b, const ByteSpan& s) { return b < s.end; });
    const auto t = static_cast<std::size_t>(holder - spans.begin());
    if (out.word_of_token[t] != static_cast<std::int64_t>(w)) {
      throw std::invalid_argument(
          "align_tokens_to_words: word " + std::to_string(w) + " (0-based) " +
          quoted(std::string_view(text.text).substr(text.words[w].begin, text.words[w].end - text.words[w].begin)) +
          " starts inside token " + std::to_string(t) + " " + quoted(token_bytes[t]) + ", which belongs to word " +
          std::to_string(out.word_of_token[t]) + ": the tokenizer merged across the space between words");
    }
  }
  return out;
}

std::vector<std::string> gpt2_token_bytes(const Gpt2Tokenizer& tokenizer, const std::vector<std::int32_t>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const std::int32_t id : ids) out.push_back(decode(tokenizer, {id}));
  return out;
}

std::vector<std::string> llama2c_token_bytes(const Llama2cTokenizer& tokenizer, const std::vector<std::int32_t>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const std::int32_t id : ids) {
    if (id == Llama2cTokenizer::kBos || id == Llama2cTokenizer::kEos) {
      out.emplace_back();
    } else {
      // decode_piece with a non-BOS previous token keeps the piece's leading space and maps
      // <0xXX> to its byte.
      out.push_back(decode_piece(tokenizer, Llama2cTokenizer::kEos, id));
    }
  }
  return out;
}

}  // namespace neuroscore::extract
