// extract/sentencepiece_model.cc: protobuf wire-format reader for ModelProto and BPE word encoding.
#include "extract/sentencepiece_model.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace neuroscore::extract {
namespace {

// Protobuf wire format (developers.google.com/protocol-buffers/docs/encoding): key = field << 3 |
// wire type; 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
struct Reader {
  std::string_view bytes;
  std::size_t at = 0;
  const std::string& source;

  bool done() const { return at >= bytes.size(); }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(source + ": malformed SentencePiece model (" + what + " at byte " + std::to_string(at) +
                             ")");
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at >= bytes.size()) fail("varint cut short");
      const auto b = static_cast<unsigned char>(bytes[at++]);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    fail("varint longer than 10 bytes");
  }
  std::string_view length_delimited() {
    const std::uint64_t n = varint();
    if (n > bytes.size() - at) fail("length " + std::to_string(n) + " past the end");
    const std::string_view out = bytes.substr(at, n);
    at += n;
    return out;
  }
  std::uint32_t fixed32() {
    if (bytes.size() - at < 4) fail("fixed32 cut short");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
    at += 4;
    return v;
  }
  void skip(std::uint32_t wire) {
    switch (wire) {
      case 0: varint(); return;
      case 1:
        if (bytes.size() - at < 8) fail("fixed64 cut short");
        at += 8;
        return;
      case 2: length_delimited(); return;
      case 5: fixed32(); return;
      default: fail("unknown wire type " + std::to_string(wire));
    }
  }
};

// int32 fields are varints; negative values are sign-extended to 64 bits.
std::int32_t as_int32(std::uint64_t v) { return static_cast<std::int32_t>(static_cast<std::int64_t>(v)); }

constexpr int kNormal = 1, kUserDefined = 4, kByte = 6;  // SentencePiece.Type

}  // namespace

SentencePieceModel parse_sentencepiece_model(std::string_view bytes, const std::string& source) {
  SentencePieceModel m;
  std::vector<int> types;
  Reader top{bytes, 0, source};
  while (!top.done()) {
    const std::uint64_t key = top.varint();
    const auto field = static_cast<std::uint32_t>(key >> 3), wire = static_cast<std::uint32_t>(key & 7);
    if (field == 1 && wire == 2) {
      Reader p{top.length_delimited(), 0, source};
      std::string piece;
      float score = 0.0f;
      int type = kNormal;
      while (!p.done()) {
        const std::uint64_t k = p.varint();
        const auto f = static_cast<std::uint32_t>(k >> 3), w = static_cast<std::uint32_t>(k & 7);
        if (f == 1 && w == 2) piece = std::string(p.length_delimited());
        else if (f == 2 && w == 5) {
          const std::uint32_t bits = p.fixed32();
          std::memcpy(&score, &bits, sizeof score);
        } else if (f == 3 && w == 0) type = static_cast<int>(p.varint());
        else p.skip(w);
      }
      // "\u2581" (UTF-8 e2 96 81) -> " ", as llama2.c's tokenizer.py exports pieces.
      std::string text;
      for (std::size_t i = 0; i < piece.size(); ++i) {
        if (piece.compare(i, 3, "\xe2\x96\x81") == 0) {
          text += ' ';
          i += 2;
        } else {
          text += piece[i];
        }
      }
      m.vocabulary.pieces.push_back(text);
      m.vocabulary.scores.push_back(score);
      types.push_back(type);
    } else if (field == 2 && wire == 2) {
      Reader t{top.length_delimited(), 0, source};
      while (!t.done()) {
        const std::uint64_t k = t.varint();
        const auto f = static_cast<std::uint32_t>(k >> 3), w = static_cast<std::uint32_t>(k & 7);
        if (w != 0) {
          t.skip(w);
          continue;
        }
        const std::uint64_t v = t.varint();
        if (f == 3) m.model_type = static_cast<int>(v);
        else if (f == 35) m.byte_fallback = v != 0;
        else if (f == 40) m.unk_id = as_int32(v);
        else if (f == 41) m.bos_id = as_int32(v);
        else if (f == 42) m.eos_id = as_int32(v);
        else if (f == 43) m.pad_id = as_int32(v);
      }
    } else if (field == 3 && wire == 2) {
      Reader n{top.length_delimited(), 0, source};
      while (!n.done()) {
        const std::uint64_t k = n.varint();
        const auto f = static_cast<std::uint32_t>(k >> 3), w = static_cast<std::uint32_t>(k & 7);
        if (f == 3 && w == 0) m.add_dummy_prefix = n.varint() != 0;
        else n.skip(w);
      }
    } else {
      top.skip(wire);
    }
  }
  if (m.vocabulary.pieces.empty()) throw std::runtime_error(source + ": SentencePiece model has no pieces");
  for (std::size_t i = 0; i < m.vocabulary.pieces.size(); ++i) {
    const std::string& p = m.vocabulary.pieces[i];
    m.vocabulary.max_token_length = std::max(m.vocabulary.max_token_length, static_cast<std::int32_t>(p.size()));
    if (types[i] == kNormal || types[i] == kUserDefined || types[i] == kByte) {
      m.vocabulary.ids.emplace(p, static_cast<std::int32_t>(i));
    }
  }
  // Byte fallback as run.c does it: byte b is id b + 3, which holds when <0x00> is id 3.
  if (m.byte_fallback && (m.vocabulary.pieces.size() < 259 || m.vocabulary.pieces[3] != "<0x00>")) {
    m.byte_fallback = false;
  }
  return m;
}

SentencePieceModel load_sentencepiece_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path + ": cannot open SentencePiece model");
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_sentencepiece_model(bytes, path);
}

std::vector<std::int32_t> encode_word(const SentencePieceModel& model, std::string_view word) {
  if (model.model_type != 2) {
    throw std::invalid_argument("SentencePiece model type " + std::to_string(model.model_type) +
                                " is not BPE (2): only BPE models are encoded (unigram needs Viterbi)");
  }
  if (!model.add_dummy_prefix) {
    throw std::invalid_argument("SentencePiece model without add_dummy_prefix is not supported");
  }
  if (!model.byte_fallback) {
    // run.c would emit byte + 3 for a code point outside the vocabulary: refuse instead.
    for (std::size_t i = 0; i < word.size();) {
      std::size_t n = 1;
      while (i + n < word.size() && (static_cast<unsigned char>(word[i + n]) & 0xC0) == 0x80 && n < 4) ++n;
      if (!model.vocabulary.find(word.substr(i, n))) {
        throw std::runtime_error("word '" + std::string(word) + "': character '" + std::string(word.substr(i, n)) +
                                 "' is not in the SentencePiece vocabulary and the model has no byte fallback");
      }
      i += n;
    }
  }
  return encode(model.vocabulary, word, EncodeOptions{false, false});
}

}  // namespace neuroscore::extract
