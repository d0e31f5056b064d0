// extract/sentencepiece_tokenizer.hpp: a thin wrapper over Debian's libsentencepiece for `.model`
// files (Llama-family tokenizers). Main entry points: SentencePieceTokenizer::load, encode, decode.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace neuroscore::extract {

class SentencePieceTokenizer {
 public:
  // std::runtime_error naming `path` when the file is missing or not a SentencePiece model.
  static SentencePieceTokenizer load(const std::string& path);
  // From the serialized model proto held in memory.
  static SentencePieceTokenizer from_serialized(std::string_view model_proto, const std::string& source);

  SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept;
  SentencePieceTokenizer& operator=(SentencePieceTokenizer&&) noexcept;
  ~SentencePieceTokenizer();

  // SentencePiece's own encoding (its normalizer adds the dummy-prefix "▁" when the model says so),
  // with BOS prepended / EOS appended when asked and the model defines them.
  std::vector<std::int32_t> encode(std::string_view text, bool bos = true, bool eos = false) const;
  std::vector<std::string> pieces(std::string_view text) const;
  // SentencePiece's decoding (BOS/EOS/control ids are dropped; "▁" becomes a space).
  std::string decode(const std::vector<std::int32_t>& ids) const;

  std::int32_t vocab_size() const;
  std::int32_t bos_id() const;  // -1 when the model has none
  std::int32_t eos_id() const;
  std::string piece(std::int32_t id) const;  // std::out_of_range on a bad id

 private:
  explicit SentencePieceTokenizer(std::unique_ptr<sentencepiece::SentencePieceProcessor> impl);
  std::unique_ptr<sentencepiece::SentencePieceProcessor> impl_;
};

}  // namespace neuroscore::extract
