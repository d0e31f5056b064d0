// extract/llama2c_checkpoint.hpp: the layout of a llama2.c legacy checkpoint (`run.c` format),
// parsed and checked against the file size without libtorch. Main entry point: parse_llama2c_layout.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/model_config.hpp"

namespace neuroscore::extract {

// One float32 array of the checkpoint. Shapes are in the order run.c indexes them; matrices are
// [out, in] (run.c's matmul computes xout[i] = sum_j w[i * in + j] x[j]); per-layer arrays carry
// the layer as their first axis.
struct Llama2cTensor {
  std::string name;  // token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final,
                     // freq_cis_real, freq_cis_imag, wcls (only when the classifier is unshared)
  std::vector<std::int64_t> shape;
  std::uint64_t offset = 0;  // byte offset in the file
  std::uint64_t bytes = 0;
};

struct Llama2cLayout {
  ModelConfig config;  // family kLlama, interleaved RoPE, theta 10000, eps 1e-5
  std::vector<Llama2cTensor> tensors;
  std::uint64_t expected_file_bytes = 0;

  const Llama2cTensor& tensor(const std::string& name) const;  // throws std::out_of_range
};

inline constexpr std::size_t kLlama2cHeaderBytes = 7 * 4;

// `header` holds at least the first 28 bytes of the file: 7 little-endian int32
// dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len. A negative vocab_size means
// an unshared classifier (wcls follows the other arrays). The file must have exactly the size the
// header implies: otherwise std::runtime_error names `path`, the first tensor that does not fit
// (or the trailing bytes), and the expected and actual byte counts.
Llama2cLayout parse_llama2c_layout(std::string_view header, std::uint64_t file_bytes, const std::string& path);

}  // namespace neuroscore::extract
