// tests/extract/tiny_models.hpp: the tiny random GPT-2 and Llama shapes the attribution tests
// share, and seeded random token ids.
#pragma once

#include <torch/types.h>

#include <cstdint>

#include "extract/model_config.hpp"

namespace neuroscore::extract::testing {

// 2 blocks, 32 wide, 4 heads (Llama: 2 key/value heads), vocabulary 50, context 32, tied classifier.
inline ModelConfig tiny_config(Family family) {
  ModelConfig c;
  c.family = family;
  c.dim = 32;
  c.hidden_dim = 64;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = family == Family::kLlama ? 2 : 4;
  c.vocab_size = 50;
  c.max_seq_len = 32;
  c.tied_classifier = true;
  c.initializer_range = 0.2;  // larger than the default 0.02 so the function is far from linear
  return c;
}

inline torch::Tensor random_ids(std::int64_t t, std::int64_t vocab, std::uint64_t seed) {
  torch::Generator gen = at::detail::createCPUGenerator(seed);
  return torch::randint(vocab, {t}, gen, torch::TensorOptions().dtype(torch::kLong));
}

}  // namespace neuroscore::extract::testing
