// extract/hf_config.hpp: Hugging Face config.json for the Llama and GPT-2 families, read and
// written without libtorch. Main entry points: parse_hf_config, format_hf_config.
#pragma once

#include <string>
#include <string_view>

#include "extract/model_config.hpp"

namespace neuroscore::extract {

// Reads model_type "llama" (hidden_size, intermediate_size, num_hidden_layers, num_attention_heads,
// num_key_value_heads [= heads], vocab_size, max_position_embeddings, rms_norm_eps [1e-6],
// rope_theta [10000], tie_word_embeddings [false], initializer_range [0.02]; RoPE in halves as
// transformers' rotate_half) or "gpt2" (n_embd, n_inner [4 n_embd], n_layer, n_head, vocab_size,
// n_positions, layer_norm_epsilon [1e-5], tie_word_embeddings [true], initializer_range [0.02]).
// Defaults in brackets are transformers'. Throws std::runtime_error naming `source` and the field
// on anything missing, mistyped or unsupported (rope_scaling, activations other than the
// family's, attention biases in Llama).
ModelConfig parse_hf_config(std::string_view json, const std::string& source);

// The config.json text parse_hf_config reads back to the same ModelConfig, except that Llama's
// rope_layout always reads back as kHalves (transformers' only layout: save_hf permutes the wq and
// wk rows of an interleaved model to match).
std::string format_hf_config(const ModelConfig& config);

}  // namespace neuroscore::extract
