// extract/loaders.hpp: reading models into libtorch (llama2.c checkpoints; Hugging Face Llama and
// GPT-2 from config.json + safetensors), writing them, and untrained twins. Main entry points:
// load_llama2c, load_hf, save_hf, untrained_twin.
#pragma once

#include <cstdint>
#include <string>

#include "extract/model.hpp"
#include "extract/safetensors.hpp"

namespace neuroscore::extract {

// A llama2.c legacy checkpoint (run.c format, see llama2c_checkpoint.hpp), float32. The stored
// freq_cis arrays are checked against the RoPE frequencies the forward pass computes
// (std::runtime_error when they disagree by more than 1e-4). Truncated or oversized files throw
// std::runtime_error naming the file, the tensor and the expected and actual bytes.
Model load_llama2c(const std::string& path);

// A Hugging Face model directory: config.json (model_type "llama" or "gpt2") and either
// model.safetensors or model.safetensors.index.json with its shards. Weights load as float32
// (F16/BF16/F64 are converted). Key names as in transformers (see the .cc for the table).
Model load_hf(const std::string& directory);

// Writes config.json and model.safetensors (weights in `dtype`) that load_hf reads back, with
// the key names and layouts of transformers (GPT-2's Conv1D weights [in, out], fused c_attn). A
// Llama model with interleaved RoPE (llama2.c) is written with its wq/wk rows permuted to
// transformers' half-split layout, as llama2.c's export.py does: the reloaded model computes the
// same function (logits equal up to float summation order, not bit for bit).
void save_hf(const Model& model, const std::string& directory, DType dtype = DType::kF32);

// The same architecture with fresh float32 weights drawn as the family's own initialisation does,
// from a libtorch CPU generator seeded with `seed` (same seed and libtorch version, same weights;
// tensors are drawn in a fixed order: embeddings, then each layer, then the classifier):
//   Llama (transformers LlamaPreTrainedModel._init_weights): every Linear and the embedding
//     ~ N(0, initializer_range), RMSNorm weights 1.
//   GPT-2 (GPT2PreTrainedModel._init_weights): Linear/Conv1D weights and both embeddings
//     ~ N(0, initializer_range), biases 0, LayerNorm weight 1 bias 0, and every c_proj weight
//     (attention output and MLP output) ~ N(0, initializer_range / sqrt(2 n_layers)).
// An untied classifier is drawn like a Linear.
Model untrained_twin(const ModelConfig& config, std::uint64_t seed);

// The "noise" model variant (a quality series between trained and destroyed, Mischler et al. 2024
// M1): a copy of `model` where every weight tensor W (embeddings, every attention/MLP matrix and
// bias, every norm gain and bias, an untied classifier) becomes W + N(0, (rel_sd * sd(W))^2), sd(W)
// the population standard deviation of W's own entries (so a constant tensor, e.g. norm gains of
// 1, is left unchanged). A tied classifier stays tied (noised once, with the embedding). Noise is
// drawn in the model's dtype from a libtorch CPU generator seeded with `seed`, tensors in a fixed
// order (embeddings, then each layer's tensors in LayerWeights order, final norm, classifier).
// rel_sd == 0 returns an exact copy. Throws std::invalid_argument when rel_sd < 0 or not finite.
Model noisy_copy(const Model& model, double rel_sd, std::uint64_t seed);

}  // namespace neuroscore::extract
