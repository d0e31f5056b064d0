// extract/attribution.hpp: token-level attributions of one next-token prediction to every
// earlier position. Main entry points: gradient_attribution, integrated_gradients, erasure,
// layer_conductance, attention_to_previous, quadrature.
//
// Every function explains the prediction made at position `position` of `token_ids` ([T], int64):
// the model sees tokens 0..position only (the model is causal, so later tokens are dropped first)
// and the explained scalar f is chosen by Target. Attribution vectors have position + 1 entries,
// entry i for input position i. The embedding of position i is E[token_ids[i]] (GPT-2 adds its
// learned positions inside the forward pass, so a "zero embedding" baseline keeps the positions).
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <vector>

#include "extract/model.hpp"

namespace neuroscore::extract {

// The explained scalar at the prediction position.
enum class Target {
  kLogProbabilityOfNext,    // log softmax(logits)[next token] (default)
  kLogitOfNext,             // logits[next token]
  kLogProbabilityOfArgmax,  // log softmax(logits)[argmax of the unperturbed logits]
  kLogitOfArgmax,           // logits[argmax of the unperturbed logits]
};

// Which token the target refers to: `next_token` (the actual next token, usually
// token_ids[position + 1]) for the *OfNext targets; ignored for the *OfArgmax targets, whose token
// is the argmax of the logits at `position` for the actual input (held fixed along IG paths).
struct TargetSpec {
  Target target = Target::kLogProbabilityOfNext;
  std::int64_t next_token = -1;
};

// One prediction to explain: the model sees token_ids[0..position], f is chosen by `target`.
struct Explanation {
  torch::Tensor token_ids;  // [T] int64
  std::int64_t position = 0;
  TargetSpec target;
};
// The batched entry points (gradient_attributions, integrated_gradients and layer_conductance over
// a vector of Explanations) explain several predictions in one forward and backward per chunk of
// interpolation points: the inputs are right-padded with zero embeddings to the longest context,
// each row is read at its own position, and the classifier runs only on the explained rows. The
// model is causal, so no explained position sees the padding (it gets attention probability 0
// and gradient 0): each result equals the single-explanation call's up to floating-point
// summation order. Every explanation of one call must use the same Target. Memory grows with
// (explanations x batch_steps x longest context); the single-explanation functions call these
// with one explanation.

// Gradient-based attributions (one forward, one backward). With g_i = df/de_i and e_i the input
// embedding of position i:
//   grad_norm[i]      = ||g_i||_1                         (Rahimi et al. 2025, "gradient norm")
//   grad_x_input[i]   = g_i . e_i                         (signed; Shrikumar et al. 2016)
//   grad_x_input_l2[i] = ||g_i (.) e_i||_2                (elementwise product, L2 norm)
struct GradientAttribution {
  torch::Tensor grad_norm;        // [position + 1], model dtype
  torch::Tensor grad_x_input;     // [position + 1]
  torch::Tensor grad_x_input_l2;  // [position + 1]
  double target_value = 0.0;      // f(x)
  std::int64_t target_token = -1;
};
GradientAttribution gradient_attribution(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                         const TargetSpec& target = {});
std::vector<GradientAttribution> gradient_attributions(const Model& model,
                                                       const std::vector<Explanation>& explanations);

// Quadrature rules on [0, 1] for path integrals, as Captum's approximation_methods.
enum class Quadrature {
  kGaussLegendre,    // n Gauss-Legendre nodes mapped to (0, 1): alpha = (1 + x) / 2, w = w_GL / 2
  kRiemannLeft,      // alpha = k / n, k = 0..n-1, w = 1 / n
  kRiemannRight,     // alpha = (k + 1) / n
  kRiemannMiddle,    // alpha = (k + 1/2) / n
  kRiemannTrapezoid, // alpha = k / (n - 1), k = 0..n-1; w = 1/(n-1), halved at both ends (n >= 2)
};
struct QuadratureRule {
  std::vector<double> alphas;
  std::vector<double> weights;  // rounded to float32 as Captum does (torch.tensor(list) is float32)
};
// Throws std::invalid_argument for n < 1 (n < 2 for the trapezoid).
QuadratureRule quadrature(Quadrature rule, std::int64_t n);

// Baselines for integrated gradients and erasure by replacement: one embedding vector used at
// every position.
enum class BaselineKind {
  kZero,   // the all-zero embedding (default; does NOT converge on RMSNorm models, see below)
  kToken,  // the embedding of `token` (pad or UNK; llama2.c's tok512 has <unk> = 0)
  kMean,   // the mean of all rows of the token embedding matrix
};
struct Baseline {
  BaselineKind kind = BaselineKind::kZero;
  std::int64_t token = 0;
};
// The baseline embedding row [dim] in the model's dtype.
torch::Tensor baseline_embedding(const Model& model, const Baseline& baseline);

struct IntegratedGradientsOptions {
  Baseline baseline;
  Quadrature rule = Quadrature::kGaussLegendre;
  std::int64_t steps = 50;       // Captum's default n_steps
  // Interpolation points per batched forward and explanation (Captum's internal_batch_size; the
  // batched entry points put explanations x batch_steps rows into one forward).
  std::int64_t batch_steps = 50;
};

// Integrated gradients (Sundararajan et al. 2017, eq. 1) over the straight path
// b + alpha (x - b) in embedding space, for all positions at once:
//   IG_i = sum_d (x_id - b_id) * sum_k w_k df/de_id (b + alpha_k (x - b)),
// exactly as Captum's IntegratedGradients (weights rounded to float32, then promoted).
// completeness_gap = sum_i IG_i - (f(x) - f(b)) is always reported: on RMSNorm models (Llama,
// stories260K) with the zero baseline it is as large as f(x) - f(b) itself (RMSNorm is scale
// invariant, so f(alpha x) is flat until alpha ~ 1e-13 and then swings); this is also Captum's
// behaviour, not a bug. Use a token or mean baseline for a converged path integral.
struct IntegratedGradientsResult {
  torch::Tensor attributions;  // [position + 1]: IG summed over the embedding dimension
  double target_value = 0.0;    // f(x)
  double baseline_value = 0.0;  // f(b)
  double completeness_gap = 0.0;  // sum(attributions) - (f(x) - f(b))
  std::int64_t target_token = -1;
};
IntegratedGradientsResult integrated_gradients(const Model& model, const torch::Tensor& token_ids,
                                               std::int64_t position, const TargetSpec& target = {},
                                               const IntegratedGradientsOptions& options = {});
std::vector<IntegratedGradientsResult> integrated_gradients(const Model& model,
                                                            const std::vector<Explanation>& explanations,
                                                            const IntegratedGradientsOptions& options = {});

// Erasure (occlusion) attributions: erasure[i] = f(x) - f(x without position i).
enum class ErasureMode {
  kRemove,   // drop token i; the prediction is then read at the (new) last position. Removing the
             // only token (position 0 = 0) leaves nothing to predict from: that entry is NaN.
  kReplace,  // replace embedding i by the baseline embedding; same length
};
struct ErasureOptions {
  ErasureMode mode = ErasureMode::kRemove;
  Baseline baseline;  // for kReplace
  // Only positions >= first_position are erased (one forward each); earlier entries are NaN. Word
  // features set it to the first token of the oldest lag word, so a window longer than the lags
  // costs no forwards whose result is never read.
  std::int64_t first_position = 0;
};
struct ErasureResult {
  torch::Tensor attributions;  // [position + 1]
  double target_value = 0.0;
  std::int64_t target_token = -1;
};
// All position + 1 erased inputs go through one batched forward.
ErasureResult erasure(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                      const TargetSpec& target = {}, const ErasureOptions& options = {});

// Erasure of whole token spans (e.g. every sub-word of one word at once):
//   attributions[s] = f(x) - f(x without tokens [spans[s].begin, spans[s].end)),
// the prediction read at the last remaining position, as kRemove does for single tokens. Spans
// must lie inside 0..position; a span removing every token gives NaN. The shortened inputs differ
// in length: they are right-padded into one forward, each read at its own last position.
struct TokenSpan {
  std::int64_t begin = 0;
  std::int64_t end = 0;
};
ErasureResult erase_spans(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                          const std::vector<TokenSpan>& spans, const TargetSpec& target = {});

// Layer conductance (Dhamdhere et al. 2018) of every block's output residual stream, as Captum's
// LayerConductance with the input embeddings interpolated from the baseline:
//   cond_l[i] = sum_d sum_{k=0}^{n-1} df/dh_l,id(alpha_k) * (h_l,id(alpha_{k+1}) - h_l,id(alpha_k))
// over n + 1 quadrature points alpha_0..alpha_n (for Gauss-Legendre none is 0 or 1, so the sum
// over positions only approximates f(x) - f(b)). h_l is ForwardResult::residual[l].
struct ConductanceResult {
  torch::Tensor attributions;  // [n_layers, position + 1]
  double target_value = 0.0;
  double baseline_value = 0.0;
  std::int64_t target_token = -1;
};
ConductanceResult layer_conductance(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                    const TargetSpec& target = {}, const IntegratedGradientsOptions& options = {});
std::vector<ConductanceResult> layer_conductance(const Model& model, const std::vector<Explanation>& explanations,
                                                 const IntegratedGradientsOptions& options = {});

// Integrated gradients and layer conductance from the same forward and backward passes (IG reads
// the input gradient, conductance the block-output gradients), half the cost of calling both.
// Both use options.steps quadrature points: the IG is integrated_gradients(options) exactly, and
// the conductance is layer_conductance with steps = options.steps - 1 (Captum's LayerConductance
// with n_steps = options.steps - 1, which uses n_steps + 1 points). options.steps must be >= 2.
struct IntegratedGradientsAndConductance {
  std::vector<IntegratedGradientsResult> integrated_gradients;
  std::vector<ConductanceResult> conductance;
};
IntegratedGradientsAndConductance integrated_gradients_and_conductance(const Model& model,
                                                                       const std::vector<Explanation>& explanations,
                                                                       const IntegratedGradientsOptions& options = {});

// Attention probabilities from query `position` to keys position - k, k = 0..lags-1 (lag 0 is the
// position itself); keys before position 0 are 0.
struct AttentionLags {
  torch::Tensor per_head;       // [n_layers, n_heads, lags]
  torch::Tensor head_average;   // [n_layers, lags]
};
AttentionLags attention_to_previous(const ForwardResult& result, std::int64_t position, std::int64_t lags);

}  // namespace neuroscore::extract
