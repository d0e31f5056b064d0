#include "extract/llama2c_checkpoint.hpp"

#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace neuroscore::extract {

namespace {

std::int32_t read_i32_le(std::string_view bytes, std::size_t at) {
  std::uint32_t v = 0;
  for (int b = 3; b >= 0; --b) v = (v << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(b)]);
  std::int32_t out;
  std::memcpy(&out, &v, sizeof out);
  return out;
}

}  // namespace

const Llama2cTensor& Llama2cLayout::tensor(const std::string& name) const {
  for (const Llama2cTensor& t : tensors) {
    if (t.name == name) return t;
  }
  throw std::out_of_range("llama2.c layout has no tensor '" + name + "'");
}

Llama2cLayout parse_llama2c_layout(std::string_view header, std::uint64_t file_bytes, const std::string& path) {
  if (header.size() < kLlama2cHeaderBytes || file_bytes < kLlama2cHeaderBytes) {
    throw std::runtime_error(path + ": llama2.c checkpoint is truncated: the header needs " +
                             std::to_string(kLlama2cHeaderBytes) + " bytes, the file has " +
                             std::to_string(file_bytes));
  }
  const char* names[7] = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
  std::int64_t h[7];
  for (int i = 0; i < 7; ++i) h[i] = read_i32_le(header, static_cast<std::size_t>(4 * i));
  Llama2cLayout layout;
  ModelConfig& c = layout.config;
  c.family = Family::kLlama;
  c.dim = h[0];
  c.hidden_dim = h[1];
  c.n_layers = h[2];
  c.n_heads = h[3];
  c.n_kv_heads = h[4];
  c.tied_classifier = h[5] > 0;
  c.vocab_size = h[5] < 0 ? -h[5] : h[5];
  c.max_seq_len = h[6];
  c.norm_eps = 1e-5;
  c.rope_theta = 10000.0;
  c.rope_layout = RopeLayout::kInterleaved;
  for (int i = 0; i < 7; ++i) {
    if (h[i] == 0 || (h[i] < 0 && i != 5)) {
      throw std::runtime_error(path + ": llama2.c header field " + names[i] + " is " + std::to_string(h[i]) +
                               " (must be positive; is this a llama2.c legacy checkpoint?)");
    }
  }
  try {
    validate(c, path);
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(std::string("corrupt llama2.c header: ") + e.what());
  }

  // Fields reach 2^31 - 1, so a product of three can overflow 64 bits: check every step.
  std::uint64_t offset = kLlama2cHeaderBytes;
  auto add = [&](const char* name, std::vector<std::int64_t> shape) {
    std::uint64_t count = 1;
    for (std::int64_t d : shape) {
      const auto ud = static_cast<std::uint64_t>(d);
      if (ud != 0 && count > std::numeric_limits<std::uint64_t>::max() / 8 / ud) {
        throw std::runtime_error(path + ": llama2.c tensor '" + name + "' is impossibly large");
      }
      count *= ud;
    }
    const std::uint64_t bytes = count * 4;
    if (offset > std::numeric_limits<std::uint64_t>::max() - bytes) {
      throw std::runtime_error(path + ": llama2.c tensor '" + name + "' is impossibly large");
    }
    layout.tensors.push_back(Llama2cTensor{name, std::move(shape), offset, bytes});
    offset += bytes;
  };
  const std::int64_t L = c.n_layers, d = c.dim, hd = c.hidden_dim, kv = c.kv_dim();
  add("token_embedding", {c.vocab_size, d});
  add("rms_att", {L, d});
  add("wq", {L, d, d});
  add("wk", {L, kv, d});
  add("wv", {L, kv, d});
  add("wo", {L, d, d});
  add("rms_ffn", {L, d});
  add("w1", {L, hd, d});
  add("w2", {L, d, hd});
  add("w3", {L, hd, d});
  add("rms_final", {d});
  add("freq_cis_real", {c.max_seq_len, c.head_size() / 2});
  add("freq_cis_imag", {c.max_seq_len, c.head_size() / 2});
  if (!c.tied_classifier) add("wcls", {c.vocab_size, d});
  layout.expected_file_bytes = offset;

  for (const Llama2cTensor& t : layout.tensors) {
    if (t.offset + t.bytes > file_bytes) {
      throw std::runtime_error(path + ": llama2.c checkpoint is truncated at tensor '" + t.name + "': it needs bytes [" +
                               std::to_string(t.offset) + ", " + std::to_string(t.offset + t.bytes) +
                               "), the file has " + std::to_string(file_bytes) + " bytes (header implies " +
                               std::to_string(layout.expected_file_bytes) + ")");
    }
  }
  if (file_bytes != layout.expected_file_bytes) {
    throw std::runtime_error(path + ": llama2.c checkpoint has " + std::to_string(file_bytes) +
                             " bytes but its header implies " + std::to_string(layout.expected_file_bytes) + " (" +
                             std::to_string(file_bytes - layout.expected_file_bytes) +
                             " trailing bytes after the last tensor; wrong header or not a legacy checkpoint?)");
  }
  return layout;
}

}  // namespace neuroscore::extract
