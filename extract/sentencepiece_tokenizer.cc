#include "extract/sentencepiece_tokenizer.hpp"

#include <sentencepiece_processor.h>

#include <stdexcept>

namespace neuroscore::extract {

SentencePieceTokenizer::SentencePieceTokenizer(std::unique_ptr<sentencepiece::SentencePieceProcessor> impl)
    : impl_(std::move(impl)) {}
SentencePieceTokenizer::SentencePieceTokenizer(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer& SentencePieceTokenizer::operator=(SentencePieceTokenizer&&) noexcept = default;
SentencePieceTokenizer::~SentencePieceTokenizer() = default;

SentencePieceTokenizer SentencePieceTokenizer::load(const std::string& path) {
  auto impl = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = impl->Load(path);
  if (!status.ok()) throw std::runtime_error(path + ": cannot load SentencePiece model: " + status.ToString());
  return SentencePieceTokenizer(std::move(impl));
}

SentencePieceTokenizer SentencePieceTokenizer::from_serialized(std::string_view model_proto, const std::string& source) {
  auto impl = std::make_unique<sentencepiece::SentencePieceProcessor>();
  const auto status = impl->LoadFromSerializedProto(model_proto);
  if (!status.ok()) throw std::runtime_error(source + ": cannot load SentencePiece model: " + status.ToString());
  return SentencePieceTokenizer(std::move(impl));
}

std::vector<std::int32_t> SentencePieceTokenizer::encode(std::string_view text, bool bos, bool eos) const {
  std::vector<int> ids;
  const auto status = impl_->Encode(text, &ids);
  if (!status.ok()) throw std::runtime_error("SentencePiece encode failed: " + status.ToString());
  std::vector<std::int32_t> out;
  if (bos && impl_->bos_id() >= 0) out.push_back(impl_->bos_id());
  out.insert(out.end(), ids.begin(), ids.end());
  if (eos && impl_->eos_id() >= 0) out.push_back(impl_->eos_id());
  return out;
}

std::vector<std::string> SentencePieceTokenizer::pieces(std::string_view text) const {
  std::vector<std::string> out;
  const auto status = impl_->Encode(text, &out);
  if (!status.ok()) throw std::runtime_error("SentencePiece encode failed: " + status.ToString());
  return out;
}

std::string SentencePieceTokenizer::decode(const std::vector<std::int32_t>& ids) const {
  std::vector<int> in(ids.begin(), ids.end());
  for (const int id : in) {
    if (id < 0 || id >= impl_->GetPieceSize()) {
      throw std::out_of_range("SentencePiece: token id " + std::to_string(id) + " outside [0, " +
                              std::to_string(impl_->GetPieceSize()) + ")");
    }
  }
  std::string out;
  const auto status = impl_->Decode(in, &out);
  if (!status.ok()) throw std::runtime_error("SentencePiece decode failed: " + status.ToString());
  return out;
}

std::int32_t SentencePieceTokenizer::vocab_size() const { return impl_->GetPieceSize(); }
std::int32_t SentencePieceTokenizer::bos_id() const { return impl_->bos_id(); }
std::int32_t SentencePieceTokenizer::eos_id() const { return impl_->eos_id(); }

std::string SentencePieceTokenizer::piece(std::int32_t id) const {
  if (id < 0 || id >= impl_->GetPieceSize()) {
    throw std::out_of_range("SentencePiece: token id " + std::to_string(id) + " outside the vocabulary");
  }
  return impl_->IdToPiece(id);
}

}  // namespace neuroscore::extract
