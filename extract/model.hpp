// extract/model.hpp: a causal language model's weights as libtorch tensors and the explicit
// forward pass (no hooks) that exposes every intermediate. Main entry points: Model, forward,
// forward_from_embeddings, forward_from_residual, embed, greedy_generate.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "extract/model_config.hpp"

namespace neuroscore::extract {

// One transformer block. Matrices are [out, in] (y = x W^T). Tensors a family does not use are
// undefined: Llama has no biases and no norm biases; GPT-2 has no w3.
struct LayerWeights {
  torch::Tensor attn_norm_weight, attn_norm_bias;  // [dim]
  torch::Tensor wq, wk, wv, wo;                    // [dim, dim], [kv_dim, dim], [kv_dim, dim], [dim, dim]
  torch::Tensor bq, bk, bv, bo;                    // GPT-2: [dim]
  torch::Tensor ffn_norm_weight, ffn_norm_bias;    // [dim]
  torch::Tensor w1, w2, w3;                        // [hidden, dim], [dim, hidden], [hidden, dim]
  torch::Tensor b1, b2;                            // GPT-2: [hidden], [dim]
};

struct Model {
  ModelConfig config;
  torch::Tensor token_embedding;     // [vocab, dim]
  torch::Tensor position_embedding;  // GPT-2: [max_seq_len, dim]
  std::vector<LayerWeights> layers;  // n_layers
  torch::Tensor final_norm_weight, final_norm_bias;  // [dim]
  torch::Tensor classifier;  // [vocab, dim]; the same storage as token_embedding when tied
};

// Throws std::invalid_argument naming the tensor whose shape disagrees with the config, or that
// is missing. `source` names the file the model came from.
void check_shapes(const Model& model, const std::string& source);

// A copy of every weight converted to `dtype` (torch::kFloat32 or torch::kFloat64).
Model to_dtype(const Model& model, torch::ScalarType dtype);
torch::ScalarType dtype_of(const Model& model);

struct ForwardOptions {
  bool keep_residual = true;   // fill ForwardResult::residual
  bool keep_attention = true;  // fill ForwardResult::attention
  // Fill ForwardResult::logits at every position. Off, logits stay undefined and the caller applies
  // logits_of to the final-norm rows it needs: the classifier ([vocab, dim], 50257 x 768 for GPT-2)
  // then costs one row per explained prediction instead of one per position.
  bool compute_logits = true;
};

// Everything the forward pass computes. Shapes are given for a single sequence of T tokens; a
// batched call ([B, T] ids or [B, T, dim] embeddings) puts B first in every tensor.
struct ForwardResult {
  torch::Tensor embeddings;              // [T, dim] token embeddings: the input tensor itself
  torch::Tensor block_input;             // [T, dim] stream entering block 0 (GPT-2: + positions)
  std::vector<torch::Tensor> residual;   // n_layers x [T, dim]: the residual stream after block l
  std::vector<torch::Tensor> attention;  // n_layers x [n_heads, T, T]: softmax probabilities,
                                         // row = query position, column = key position (causal)
  torch::Tensor final_norm;              // [T, dim] final RMSNorm / LayerNorm of the last residual
  torch::Tensor logits;                  // [T, vocab]: next-token logits at every position
                                         // (undefined with compute_logits off)
};

// The classifier applied to final-norm rows: hidden [..., dim] -> logits [..., vocab].
torch::Tensor logits_of(const Model& model, const torch::Tensor& hidden);

// The token embeddings of `token_ids` ([T] or [B, T], integer): rows of model.token_embedding.
torch::Tensor embed(const Model& model, const torch::Tensor& token_ids);

// The forward pass from token ids ([T] or [B, T]). Throws std::invalid_argument when an id is out
// of the vocabulary or T exceeds config.max_seq_len.
ForwardResult forward(const Model& model, const torch::Tensor& token_ids, const ForwardOptions& options = {});

// The forward pass from token embeddings ([T, dim] or [B, T, dim], the model's dtype). Every output
// is a differentiable function of `embeddings`: for gradients, pass a leaf with requires_grad set,
//   torch::Tensor e = embed(model, ids).detach().requires_grad_(true);
//   ForwardResult r = forward_from_embeddings(model, e);
//   torch::Tensor g = torch::autograd::grad({r.logits[t][w]}, {e})[0];
// Positions are 0..T-1 (rotary for Llama, learned for GPT-2, added inside).
ForwardResult forward_from_embeddings(const Model& model, const torch::Tensor& embeddings,
                                      const ForwardOptions& options = {});

// The forward pass from the residual stream entering block `first_block` (0 <= first_block <=
// n_layers; [T, dim] or [B, T, dim]): for example result.residual[l - 1] of an earlier pass, an
// interpolation between two such streams, or block_input (first_block 0; GPT-2 positions already
// added). Blocks before first_block are skipped: their residual and attention entries are
// undefined tensors, so indices still name layers; embeddings is undefined. Positions are 0..T-1.
ForwardResult forward_from_residual(const Model& model, const torch::Tensor& stream, std::int64_t first_block,
                                    const ForwardOptions& options = {});

// Runs the model's computations on `threads` threads: libtorch's own (torch::set_num_threads) and
// OpenBLAS's, which libtorch calls for its matrix products and which otherwise starts one thread
// per core whatever torch::set_num_threads says. Measured on 2 cores: with only libtorch limited to
// 1 thread, a stories260K forward ran at 25k tokens/s, with both at 31k; with libtorch at 2 threads
// and OpenBLAS at its default, 7.8k (oversubscribed). Throws std::invalid_argument for threads < 1.
void set_compute_threads(int threads);

// set_compute_threads for a scope: the previous libtorch and OpenBLAS thread counts come back at
// its end (a library call such as run_extract must not leave a caller's BLAS on one thread).
class ComputeThreadsScope {
 public:
  explicit ComputeThreadsScope(int threads);
  ~ComputeThreadsScope();
  ComputeThreadsScope(const ComputeThreadsScope&) = delete;
  ComputeThreadsScope& operator=(const ComputeThreadsScope&) = delete;

 private:
  int torch_threads_;
  int blas_threads_;
};

// Greedy decoding (temperature 0) as llama2.c's run.c: starting from `prompt`, append the argmax
// of the last position's logits while fewer than `steps` positions have been fed through the model
// (run.c's `steps` counts prompt positions too, so the result has at most steps + 1 ids), stopping
// early when `stop_token` (BOS in run.c) would be produced. Returns prompt + generated ids. Runs
// the full forward pass at every step, under inference mode.
std::vector<std::int64_t> greedy_generate(const Model& model, std::vector<std::int64_t> prompt, std::int64_t steps,
                                          std::int64_t stop_token = 1);

}  // namespace neuroscore::extract
