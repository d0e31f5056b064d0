#include "extract/model.hpp"

#include <cblas.h>
#include <ATen/Parallel.h>
#include <torch/autograd.h>
#include <torch/types.h>

#include <cmath>
#include <limits>
#include <utility>
#include <stdexcept>
#include <string>

namespace neuroscore::extract {

namespace {

std::string shape_string(const torch::Tensor& t) {
  std::string s = "[";
  for (std::int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
  return s + "]";
}

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

void expect_shape(const torch::Tensor& t, const std::vector<std::int64_t>& shape, const std::string& name,
                  const std::string& source) {
  if (!t.defined()) throw std::invalid_argument(source + ": tensor " + name + " is missing");
  if (t.sizes().vec() != shape) {
    throw std::invalid_argument(source + ": tensor " + name + " has shape " + shape_string(t) + ", expected " +
                                shape_string(shape));
  }
}

torch::Tensor convert(const torch::Tensor& t, torch::ScalarType dtype) {
  return t.defined() ? t.to(dtype).contiguous() : t;
}

// RMSNorm (Zhang & Sennrich 2019, eq. 4): x / sqrt(mean(x^2) + eps) * g, as llama2.c's rmsnorm().
torch::Tensor rms_norm(const torch::Tensor& x, const torch::Tensor& weight, double eps) {
  return x * torch::rsqrt(x.pow(2).mean(-1, /*keepdim=*/true) + eps) * weight;
}

torch::Tensor affine(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b = {}) {
  torch::Tensor y = torch::matmul(x, w.t());
  return b.defined() ? y + b : y;
}

// Rotary position embedding (Su et al. 2021, eq. 34) as llama2.c run.c computes it: for pair i of a
// head, theta_i = base^(-2i / head_size), rotated by angle pos * theta_i. x: [B, H, T, head_size].
torch::Tensor rotary(const torch::Tensor& x, double base, RopeLayout layout) {
  const std::int64_t T = x.size(2), hs = x.size(3), half = hs / 2;
  auto f64 = torch::TensorOptions().dtype(torch::kFloat64);
  torch::Tensor inv_freq = torch::pow(base, -torch::arange(0, hs, 2, f64) / static_cast<double>(hs));  // [half]
  torch::Tensor angle = torch::outer(torch::arange(T, f64), inv_freq);                                    // [T, half]
  torch::Tensor cos = angle.cos().to(x.scalar_type()), sin = angle.sin().to(x.scalar_type());
  if (layout == RopeLayout::kInterleaved) {
    torch::Tensor pairs = x.reshape({x.size(0), x.size(1), T, half, 2});
    torch::Tensor a = pairs.select(-1, 0), b = pairs.select(-1, 1);
    return torch::stack({a * cos - b * sin, a * sin + b * cos}, -1).reshape(x.sizes());
  }
  torch::Tensor a = x.narrow(-1, 0, half), b = x.narrow(-1, half, half);
  return torch::cat({a * cos - b * sin, b * cos + a * sin}, -1);
}

// Grouped-query attention: query head h reads key/value head h / (n_heads / n_kv_heads), as
// llama2.c run.c. kv: [B, KV, T, hs] -> [B, n_heads, T, hs].
torch::Tensor repeat_kv(const torch::Tensor& kv, std::int64_t n_heads) {
  const std::int64_t group = n_heads / kv.size(1);
  return group > 1 ? kv.repeat_interleave(group, 1) : kv;
}

// Causal scaled dot-product attention (Vaswani et al. 2017, eq. 1), its probabilities:
// softmax(q k^T / sqrt(head_size)) with future keys masked. q, k: [B, H, T, hs] -> [B, H, T, T].
torch::Tensor causal_attention_probabilities(const torch::Tensor& q, const torch::Tensor& k) {
  const std::int64_t T = q.size(2), hs = q.size(3);
  torch::Tensor scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(static_cast<double>(hs));
  const torch::Tensor future = torch::ones({T, T}, torch::TensorOptions().dtype(torch::kBool)).triu(1);
  return torch::softmax(scores.masked_fill(future, -std::numeric_limits<double>::infinity()), -1);
}

// probs [B, H, T, T], v [B, H, T, hs] -> heads concatenated [B, T, H * hs].
torch::Tensor attention_output(const torch::Tensor& probs, const torch::Tensor& v) {
  const std::int64_t B = v.size(0), H = v.size(1), T = v.size(2), hs = v.size(3);
  return torch::matmul(probs, v).transpose(1, 2).reshape({B, T, H * hs});
}

torch::Tensor split_heads(const torch::Tensor& x, std::int64_t n, std::int64_t hs) {
  return x.view({x.size(0), x.size(1), n, hs}).transpose(1, 2);
}

}  // namespace

void check_shapes(const Model& m, const std::string& source) {
  const ModelConfig& c = m.config;
  validate(c, source);
  const std::int64_t d = c.dim, hd = c.hidden_dim, kv = c.kv_dim();
  const bool gpt2 = c.family == Family::kGpt2;
  expect_shape(m.token_embedding, {c.vocab_size, d}, "token_embedding", source);
  if (gpt2) expect_shape(m.position_embedding, {c.max_seq_len, d}, "position_embedding", source);
  if (static_cast<std::int64_t>(m.layers.size()) != c.n_layers) {
    throw std::invalid_argument(source + ": model has " + std::to_string(m.layers.size()) + " layers, config says " +
                                std::to_string(c.n_layers));
  }
  for (std::size_t l = 0; l < m.layers.size(); ++l) {
    const LayerWeights& w = m.layers[l];
    const std::string p = "layers." + std::to_string(l) + ".";
    expect_shape(w.attn_norm_weight, {d}, p + "attn_norm_weight", source);
    expect_shape(w.wq, {d, d}, p + "wq", source);
    expect_shape(w.wk, {kv, d}, p + "wk", source);
    expect_shape(w.wv, {kv, d}, p + "wv", source);
    expect_shape(w.wo, {d, d}, p + "wo", source);
    expect_shape(w.ffn_norm_weight, {d}, p + "ffn_norm_weight", source);
    expect_shape(w.w1, {hd, d}, p + "w1", source);
    expect_shape(w.w2, {d, hd}, p + "w2", source);
    if (gpt2) {
      expect_shape(w.attn_norm_bias, {d}, p + "attn_norm_bias", source);
      expect_shape(w.ffn_norm_bias, {d}, p + "ffn_norm_bias", source);
      expect_shape(w.bq, {d}, p + "bq", source);
      expect_shape(w.bk, {d}, p + "bk", source);
      expect_shape(w.bv, {d}, p + "bv", source);
      expect_shape(w.bo, {d}, p + "bo", source);
      expect_shape(w.b1, {hd}, p + "b1", source);
      expect_shape(w.b2, {d}, p + "b2", source);
    } else {
      expect_shape(w.w3, {hd, d}, p + "w3", source);
    }
  }
  expect_shape(m.final_norm_weight, {d}, "final_norm_weight", source);
  if (gpt2) expect_shape(m.final_norm_bias, {d}, "final_norm_bias", source);
  expect_shape(m.classifier, {c.vocab_size, d}, "classifier", source);
}

torch::ScalarType dtype_of(const Model& model) { return model.token_embedding.scalar_type(); }

Model to_dtype(const Model& m, torch::ScalarType dtype) {
  if (dtype != torch::kFloat32 && dtype != torch::kFloat64) {
    throw std::invalid_argument("to_dtype: only float32 and float64 are supported");
  }
  Model out;
  out.config = m.config;
  out.token_embedding = convert(m.token_embedding, dtype);
  out.position_embedding = convert(m.position_embedding, dtype);
  for (const LayerWeights& w : m.layers) {
    LayerWeights o;
    for (auto [dst, src] : {std::pair<torch::Tensor*, const torch::Tensor*>{&o.attn_norm_weight, &w.attn_norm_weight},
                            {&o.attn_norm_bias, &w.attn_norm_bias}, {&o.wq, &w.wq}, {&o.wk, &w.wk}, {&o.wv, &w.wv},
                            {&o.wo, &w.wo}, {&o.bq, &w.bq}, {&o.bk, &w.bk}, {&o.bv, &w.bv}, {&o.bo, &w.bo},
                            {&o.ffn_norm_weight, &w.ffn_norm_weight}, {&o.ffn_norm_bias, &w.ffn_norm_bias},
                            {&o.w1, &w.w1}, {&o.w2, &w.w2}, {&o.w3, &w.w3}, {&o.b1, &w.b1}, {&o.b2, &w.b2}}) {
      *dst = convert(*src, dtype);
    }
    out.layers.push_back(std::move(o));
  }
  out.final_norm_weight = convert(m.final_norm_weight, dtype);
  out.final_norm_bias = convert(m.final_norm_bias, dtype);
  out.classifier = m.config.tied_classifier ? out.token_embedding : convert(m.classifier, dtype);
  return out;
}

torch::Tensor embed(const Model& model, const torch::Tensor& token_ids) {
  if (token_ids.dim() != 1 && token_ids.dim() != 2) {
    throw std::invalid_argument("embed: token ids must be [T] or [B, T], got " + shape_string(token_ids));
  }
  torch::Tensor ids = token_ids.to(torch::kLong);
  if (ids.numel() > 0) {
    const std::int64_t lo = ids.min().item<std::int64_t>(), hi = ids.max().item<std::int64_t>();
    if (lo < 0 || hi >= model.config.vocab_size) {
      throw std::invalid_argument("embed: token id " + std::to_string(lo < 0 ? lo : hi) + " outside the vocabulary [0, " +
                                  std::to_string(model.config.vocab_size) + ")");
    }
  }
  return model.token_embedding.index_select(0, ids.reshape({-1})).view([&] {
    auto sizes = ids.sizes().vec();
    sizes.push_back(model.config.dim);
    return sizes;
  }());
}

torch::Tensor logits_of(const Model& model, const torch::Tensor& hidden) {
  if (hidden.dim() < 1 || hidden.size(-1) != model.config.dim) {
    throw std::invalid_argument("logits_of: rows of width " + std::to_string(model.config.dim) + " expected, got " +
                                shape_string(hidden));
  }
  return affine(hidden, model.classifier);
}

ForwardResult forward(const Model& model, const torch::Tensor& token_ids, const ForwardOptions& options) {
  return forward_from_embeddings(model, embed(model, token_ids), options);
}

namespace {

// Checks a [T, dim] or [B, T, dim] stream against the model; returns whether it is batched.
bool check_stream(const Model& model, const torch::Tensor& x, const char* what) {
  const ModelConfig& c = model.config;
  if (x.dim() != 2 && x.dim() != 3) {
    throw std::invalid_argument(std::string("forward: ") + what + " must be [T, dim] or [B, T, dim], got " +
                                shape_string(x));
  }
  const std::int64_t T = x.size(-2);
  if (x.size(-1) != c.dim) {
    throw std::invalid_argument(std::string("forward: ") + what + " have width " + std::to_string(x.size(-1)) +
                                ", the model " + std::to_string(c.dim));
  }
  if (T < 1 || T > c.max_seq_len) {
    throw std::invalid_argument("forward: " + std::to_string(T) + " positions, the model accepts 1 to " +
                                std::to_string(c.max_seq_len) + " (its maximum context length)");
  }
  if (x.scalar_type() != dtype_of(model)) {
    throw std::invalid_argument(std::string("forward: ") + what + " are " + c10::toString(x.scalar_type()) +
                                ", the model " + c10::toString(dtype_of(model)) + " (use to_dtype)");
  }
  return x.dim() == 3;
}

// Blocks first_block.. of the model on `stream` (the residual stream entering first_block), then
// the final norm and the classifier. The tensors stored in `r` are the graph nodes the computation
// continues from (not copies), so autograd::grad can differentiate with respect to any residual
// stream or attention map.
ForwardResult run_blocks(const Model& model, const torch::Tensor& stream, std::int64_t first_block,
                         const ForwardOptions& options, ForwardResult r) {
  const ModelConfig& c = model.config;
  const bool batched = stream.dim() == 3;
  auto unbatch = [&](const torch::Tensor& t) { return batched ? t : t.squeeze(0); };
  auto rebatch = [&](const torch::Tensor& t) { return batched ? t : t.unsqueeze(0); };
  const bool gpt2 = c.family == Family::kGpt2;
  const std::int64_t hs = c.head_size();
  torch::Tensor x = rebatch(stream);
  if (options.keep_attention) r.attention.assign(static_cast<std::size_t>(first_block), torch::Tensor());
  if (options.keep_residual) r.residual.assign(static_cast<std::size_t>(first_block), torch::Tensor());
  for (std::int64_t l = first_block; l < c.n_layers; ++l) {
    const LayerWeights& w = model.layers[static_cast<std::size_t>(l)];
    torch::Tensor q, k, v;
    if (gpt2) {
      // GPT-2 block (Radford et al. 2019, sec. 2.3): x + attn(LN1(x)), then x + MLP(LN2(x)), with
      // LayerNorm (Ba et al. 2016, eq. 4) and GELU's tanh form (Hendrycks & Gimpel 2016, sec. 2).
      torch::Tensor h = torch::layer_norm(x, {c.dim}, w.attn_norm_weight, w.attn_norm_bias, c.norm_eps);
      q = split_heads(affine(h, w.wq, w.bq), c.n_heads, hs);
      k = split_heads(affine(h, w.wk, w.bk), c.n_kv_heads, hs);
      v = split_heads(affine(h, w.wv, w.bv), c.n_kv_heads, hs);
    } else {
      torch::Tensor h = rms_norm(x, w.attn_norm_weight, c.norm_eps);
      q = rotary(split_heads(affine(h, w.wq), c.n_heads, hs), c.rope_theta, c.rope_layout);
      k = rotary(split_heads(affine(h, w.wk), c.n_kv_heads, hs), c.rope_theta, c.rope_layout);
      v = split_heads(affine(h, w.wv), c.n_kv_heads, hs);
    }
    const torch::Tensor probs = unbatch(causal_attention_probabilities(q, repeat_kv(k, c.n_heads)));
    if (options.keep_attention) r.attention.push_back(probs);
    x = x + affine(attention_output(rebatch(probs), repeat_kv(v, c.n_heads)), w.wo, w.bo);
    if (gpt2) {
      torch::Tensor h = torch::layer_norm(x, {c.dim}, w.ffn_norm_weight, w.ffn_norm_bias, c.norm_eps);
      x = x + affine(torch::gelu(affine(h, w.w1, w.b1), "tanh"), w.w2, w.b2);
    } else {
      // SwiGLU feed-forward (Shazeer 2020, eq. 6): W2 (silu(W1 h) * W3 h).
      torch::Tensor h = rms_norm(x, w.ffn_norm_weight, c.norm_eps);
      x = x + affine(torch::silu(affine(h, w.w1)) * affine(h, w.w3), w.w2);
    }
    if (options.keep_residual) {
      r.residual.push_back(unbatch(x));
      x = rebatch(r.residual.back());
    }
  }
  r.final_norm = unbatch(gpt2 ? torch::layer_norm(x, {c.dim}, model.final_norm_weight, model.final_norm_bias, c.norm_eps)
                              : rms_norm(x, model.final_norm_weight, c.norm_eps));
  if (options.compute_logits) r.logits = affine(r.final_norm, model.classifier);
  return r;
}

}  // namespace

ForwardResult forward_from_embeddings(const Model& model, const torch::Tensor& embeddings,
                                      const ForwardOptions& options) {
  check_stream(model, embeddings, "embeddings");
  ForwardResult r;
  r.embeddings = embeddings;
  r.block_input = model.config.family == Family::kGpt2
                      ? embeddings + model.position_embedding.narrow(0, 0, embeddings.size(-2))
                      : embeddings;
  torch::Tensor stream = r.block_input;
  return run_blocks(model, stream, 0, options, std::move(r));
}

ForwardResult forward_from_residual(const Model& model, const torch::Tensor& stream, std::int64_t first_block,
                                    const ForwardOptions& options) {
  check_stream(model, stream, "residual stream");
  if (first_block < 0 || first_block > model.config.n_layers) {
    throw std::invalid_argument("forward_from_residual: first_block " + std::to_string(first_block) +
                                " outside [0, " + std::to_string(model.config.n_layers) + "]");
  }
  ForwardResult r;
  if (first_block == 0) r.block_input = stream;
  return run_blocks(model, stream, first_block, options, std::move(r));
}

void set_compute_threads(int threads) {
  if (threads < 1) throw std::invalid_argument("compute threads must be >= 1, got " + std::to_string(threads));
  torch::set_num_threads(threads);
  openblas_set_num_threads(threads);
}

ComputeThreadsScope::ComputeThreadsScope(int threads)
    : torch_threads_(torch::get_num_threads()), blas_threads_(openblas_get_num_threads()) {
  set_compute_threads(threads);
}

ComputeThreadsScope::~ComputeThreadsScope() {
  torch::set_num_threads(torch_threads_);
  openblas_set_num_threads(blas_threads_);
}

std::vector<std::int64_t> greedy_generate(const Model& model, std::vector<std::int64_t> prompt, std::int64_t steps,
                                          std::int64_t stop_token) {
  if (prompt.empty()) throw std::invalid_argument("greedy_generate: the prompt needs at least one token (BOS)");
  c10::InferenceMode guard;
  std::vector<std::int64_t> tokens = prompt;
  for (std::int64_t pos = static_cast<std::int64_t>(prompt.size()) - 1; pos < steps; ++pos) {
    if (static_cast<std::int64_t>(tokens.size()) > model.config.max_seq_len) break;
    const torch::Tensor ids = torch::tensor(tokens, torch::TensorOptions().dtype(torch::kLong));
    ForwardOptions options;
    options.keep_attention = false;
    options.keep_residual = false;
    const torch::Tensor logits = forward(model, ids, options).logits;
    const std::int64_t next = logits[-1].argmax().item<std::int64_t>();
    if (next == stop_token) break;
    tokens.push_back(next);
  }
  return tokens;
}

}  // namespace neuroscore::extract
