// extract/model_config.hpp: the architecture of a causal language model, free of libtorch.
// Main entry points: ModelConfig, Family, validate(const ModelConfig&).
#pragma once

#include <cstdint>
#include <string>

namespace neuroscore::extract {

// The two transformer families the forward pass implements.
enum class Family {
  kLlama,  // pre-RMSNorm, rotary positions, grouped-query attention, SwiGLU (llama2.c, HF Llama)
  kGpt2,   // pre-LayerNorm, learned positions, multi-head attention, GELU (tanh) MLP (HF GPT-2)
};

// How rotary embeddings pair the dimensions of a head (Llama family only).
enum class RopeLayout {
  kInterleaved,  // pairs (2i, 2i+1): llama2.c run.c and Meta's original checkpoints
  kHalves,       // pairs (i, i + head_size/2): Hugging Face's rotate_half
};

struct ModelConfig {
  Family family = Family::kLlama;
  std::int64_t dim = 0;           // residual stream width
  std::int64_t hidden_dim = 0;    // feed-forward width
  std::int64_t n_layers = 0;
  std::int64_t n_heads = 0;
  std::int64_t n_kv_heads = 0;    // == n_heads for GPT-2
  std::int64_t vocab_size = 0;
  std::int64_t max_seq_len = 0;   // the maximum context length the forward pass accepts
  double norm_eps = 1e-5;         // RMSNorm (Llama) or LayerNorm (GPT-2) epsilon
  double rope_theta = 10000.0;    // Llama only
  RopeLayout rope_layout = RopeLayout::kInterleaved;
  bool tied_classifier = true;    // logits use the token embedding matrix
  double initializer_range = 0.02;  // stddev of the family's random initialisation

  std::int64_t head_size() const { return n_heads == 0 ? 0 : dim / n_heads; }
  std::int64_t kv_dim() const { return head_size() * n_kv_heads; }
};

// Throws std::invalid_argument naming the offending field when the sizes are inconsistent
// (non-positive sizes, dim not divisible by n_heads, n_heads not divisible by n_kv_heads,
// odd head size for rotary embeddings). `source` names the file in the message.
void validate(const ModelConfig& config, const std::string& source);

const char* family_name(Family family);

}  // namespace neuroscore::extract
