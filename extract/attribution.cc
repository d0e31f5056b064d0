// extract/attribution.cc: gradient norm, gradient x input, integrated gradients, erasure, layer
// conductance and attention lags for one next-token prediction.
#include "extract/attribution.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace neuroscore::extract {
namespace {

constexpr double kPi = 3.14159265358979323846;

// The ids the model sees (0..position) and the token the target refers to.
struct Prepared {
  torch::Tensor ids;  // [position + 1], int64
  std::int64_t next_token = -1;
};

Prepared prepare(const Model& model, const torch::Tensor& token_ids, std::int64_t position, const TargetSpec& spec) {
  if (token_ids.dim() != 1) {
    throw std::invalid_argument("attribution wants token ids of shape [T], got " + std::to_string(token_ids.dim()) +
                                " dimensions");
  }
  const std::int64_t t = token_ids.size(0);
  if (position < 0 || position >= t) {
    throw std::invalid_argument("attribution position " + std::to_string(position) + " outside 0.." +
                                std::to_string(t - 1));
  }
  if (position + 1 > model.config.max_seq_len) {
    throw std::invalid_argument("attribution context of " + std::to_string(position + 1) +
                                " tokens exceeds max_seq_len " + std::to_string(model.config.max_seq_len));
  }
  Prepared p;
  p.ids = token_ids.slice(0, 0, position + 1).to(torch::kLong).contiguous();
  if (spec.target == Target::kLogProbabilityOfNext || spec.target == Target::kLogitOfNext) {
    if (spec.next_token >= 0) {
      p.next_token = spec.next_token;
    } else if (position + 1 < t) {
      p.next_token = token_ids[position + 1].item<std::int64_t>();
    } else {
      throw std::invalid_argument("attribution at the last position " + std::to_string(position) +
                                  " needs TargetSpec::next_token (there is no next token in the ids)");
    }
    if (p.next_token >= model.config.vocab_size) {
      throw std::invalid_argument("next token " + std::to_string(p.next_token) + " outside the vocabulary of " +
                                  std::to_string(model.config.vocab_size));
    }
  }
  return p;
}

bool uses_log_probability(Target t) {
  return t == Target::kLogProbabilityOfNext || t == Target::kLogProbabilityOfArgmax;
}

// f from logits [..., vocab] at the prediction position.
torch::Tensor target_of(const torch::Tensor& logits, std::int64_t token, Target t) {
  if (uses_log_probability(t)) return torch::log_softmax(logits, -1).select(-1, token);
  return logits.select(-1, token);
}

// The token of the target given the unperturbed logits at the prediction position.
std::int64_t resolve_token(const torch::Tensor& logits_row, const Prepared& p, Target t) {
  if (t == Target::kLogProbabilityOfArgmax || t == Target::kLogitOfArgmax) {
    return logits_row.argmax(-1).item<std::int64_t>();
  }
  return p.next_token;
}

constexpr ForwardOptions kLogitsOnly{false, false};

// f at x and at b (in that order) in one batched forward, without gradients. Returns also the
// resolved target token.
struct EndPoints {
  double at_input = 0.0;
  double at_baseline = 0.0;
  std::int64_t token = -1;
};
EndPoints end_points(const Model& model, const torch::Tensor& x, const torch::Tensor& b, const Prepared& p,
                     Target t) {
  torch::NoGradGuard no_grad;
  const std::int64_t pos = x.size(0) - 1;
  const ForwardResult r = forward_from_embeddings(model, torch::stack({x, b}), kLogitsOnly);
  EndPoints e;
  e.token = resolve_token(r.logits[0][pos], p, t);
  const torch::Tensor f = target_of(r.logits.select(1, pos), e.token, t);
  e.at_input = f[0].item<double>();
  e.at_baseline = f[1].item<double>();
  return e;
}

}  // namespace

GradientAttribution gradient_attribution(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                         const TargetSpec& target) {
  const Prepared p = prepare(model, token_ids, position, target);
  torch::AutoGradMode grad_mode(true);
  const torch::Tensor e = embed(model, p.ids).detach().requires_grad_(true);
  const ForwardResult r = forward_from_embeddings(model, e, kLogitsOnly);
  GradientAttribution out;
  const torch::Tensor row = r.logits[position];
  out.target_token = resolve_token(row.detach(), p, target.target);
  const torch::Tensor f = target_of(row, out.target_token, target.target);
  const torch::Tensor g = torch::autograd::grad({f}, {e})[0];
  const torch::Tensor ge = g * e.detach();
  out.grad_norm = g.abs().sum(-1);
  out.grad_x_input = ge.sum(-1);
  out.grad_x_input_l2 = ge.pow(2).sum(-1).sqrt();
  out.target_value = f.item<double>();
  return out;
}

// Gauss-Legendre nodes by Newton's method on P_n (Numerical Recipes' gauleg; agrees with numpy's
// leggauss to ~1e-15), ascending as numpy returns them; then mapped to (0, 1) as Captum does.
QuadratureRule quadrature(Quadrature rule, std::int64_t n) {
  if (n < 1 || (rule == Quadrature::kRiemannTrapezoid && n < 2)) {
    throw std::invalid_argument("quadrature needs n >= 1 (>= 2 for the trapezoid), got " + std::to_string(n));
  }
  QuadratureRule q;
  q.alphas.resize(static_cast<std::size_t>(n));
  q.weights.resize(static_cast<std::size_t>(n));
  const double dn = static_cast<double>(n);
  for (std::int64_t k = 0; k < n; ++k) {
    const auto i = static_cast<std::size_t>(k);
    const double dk = static_cast<double>(k);
    switch (rule) {
      case Quadrature::kGaussLegendre:
        break;
      case Quadrature::kRiemannLeft:
        q.alphas[i] = dk / dn;
        q.weights[i] = 1.0 / dn;
        break;
      case Quadrature::kRiemannRight:
        q.alphas[i] = (dk + 1.0) / dn;
        q.weights[i] = 1.0 / dn;
        break;
      case Quadrature::kRiemannMiddle:
        q.alphas[i] = (dk + 0.5) / dn;
        q.weights[i] = 1.0 / dn;
        break;
      case Quadrature::kRiemannTrapezoid:
        q.alphas[i] = dk / (dn - 1.0);
        q.weights[i] = (k == 0 || k == n - 1) ? 0.5 / (dn - 1.0) : 1.0 / (dn - 1.0);
        break;
    }
  }
  if (rule == Quadrature::kGaussLegendre) {
    for (std::int64_t i = 0; i < (n + 1) / 2; ++i) {
      double z = std::cos(kPi * (static_cast<double>(i) + 0.75) / (dn + 0.5));
      double pp = 0.0;
      for (int iter = 0; iter < 100; ++iter) {
        double p1 = 1.0;
        double p2 = 0.0;
        for (std::int64_t j = 1; j <= n; ++j) {
          const double p3 = p2;
          p2 = p1;
          p1 = ((2.0 * static_cast<double>(j) - 1.0) * z * p2 - (static_cast<double>(j) - 1.0) * p3) /
               static_cast<double>(j);
        }
        pp = dn * (z * p1 - p2) / (z * z - 1.0);
        const double z1 = z;
        z = z1 - p1 / pp;
        if (std::abs(z - z1) <= 1e-16) break;
      }
      const double w = 2.0 / ((1.0 - z * z) * pp * pp);
      // z is the i-th largest node; ascending order puts -z at i and +z at n-1-i.
      const auto lo = static_cast<std::size_t>(i);
      const auto hi = static_cast<std::size_t>(n - 1 - i);
      q.alphas[lo] = 0.5 * (1.0 - z);
      q.alphas[hi] = 0.5 * (1.0 + z);
      q.weights[lo] = 0.5 * w;
      q.weights[hi] = 0.5 * w;
    }
  }
  // Captum: torch.tensor(step_sizes) is float32, then promoted against the gradients.
  for (double& w : q.weights) w = static_cast<double>(static_cast<float>(w));
  return q;
}

torch::Tensor baseline_embedding(const Model& model, const Baseline& baseline) {
  torch::NoGradGuard no_grad;
  const torch::Tensor& table = model.token_embedding;
  switch (baseline.kind) {
    case BaselineKind::kZero:
      return torch::zeros({model.config.dim}, table.options());
    case BaselineKind::kToken:
      if (baseline.token < 0 || baseline.token >= model.config.vocab_size) {
        throw std::invalid_argument("baseline token " + std::to_string(baseline.token) +
                                    " outside the vocabulary of " + std::to_string(model.config.vocab_size));
      }
      return table[baseline.token].detach().clone();
    case BaselineKind::kMean:
      return table.mean(0).detach();
  }
  throw std::invalid_argument("unknown baseline kind");
}

IntegratedGradientsResult integrated_gradients(const Model& model, const torch::Tensor& token_ids,
                                               std::int64_t position, const TargetSpec& target,
                                               const IntegratedGradientsOptions& options) {
  if (options.batch_steps < 1) throw std::invalid_argument("integrated_gradients: batch_steps must be >= 1");
  const Prepared p = prepare(model, token_ids, position, target);
  const torch::Tensor x = embed(model, p.ids).detach();
  const torch::Tensor b = baseline_embedding(model, options.baseline).expand_as(x).contiguous();
  const EndPoints ends = end_points(model, x, b, p, target.target);
  const QuadratureRule q = quadrature(options.rule, options.steps);
  const torch::Tensor diff = x - b;
  torch::Tensor total = torch::zeros_like(x);
  torch::AutoGradMode grad_mode(true);
  const auto n = static_cast<std::int64_t>(q.alphas.size());
  for (std::int64_t k0 = 0; k0 < n; k0 += options.batch_steps) {
    const std::int64_t k1 = std::min(n, k0 + options.batch_steps);
    const std::vector<double> a(q.alphas.begin() + k0, q.alphas.begin() + k1);
    const std::vector<double> w(q.weights.begin() + k0, q.weights.begin() + k1);
    const torch::Tensor alpha = torch::tensor(a, torch::kFloat64).to(x.scalar_type()).view({-1, 1, 1});
    const torch::Tensor inputs = (b.unsqueeze(0) + alpha * diff.unsqueeze(0)).detach().requires_grad_(true);
    const ForwardResult r = forward_from_embeddings(model, inputs, kLogitsOnly);
    const torch::Tensor f = target_of(r.logits.select(1, position), ends.token, target.target);
    const torch::Tensor g = torch::autograd::grad({f.sum()}, {inputs})[0];
    const torch::Tensor weight = torch::tensor(w, torch::kFloat64).to(x.scalar_type()).view({-1, 1, 1});
    total = total + (g * weight).sum(0);
  }
  IntegratedGradientsResult out;
  out.attributions = (total * diff).sum(-1);
  out.target_value = ends.at_input;
  out.baseline_value = ends.at_baseline;
  out.target_token = ends.token;
  out.completeness_gap = out.attributions.sum().item<double>() - (ends.at_input - ends.at_baseline);
  return out;
}

ErasureResult erasure(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                      const TargetSpec& target, const ErasureOptions& options) {
  const Prepared p = prepare(model, token_ids, position, target);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = embed(model, p.ids);
  const std::int64_t t = x.size(0);
  const ForwardResult full = forward_from_embeddings(model, x, kLogitsOnly);
  ErasureResult out;
  out.target_token = resolve_token(full.logits[position], p, target.target);
  out.target_value = target_of(full.logits[position], out.target_token, target.target).item<double>();
  out.attributions = torch::full({t}, std::numeric_limits<double>::quiet_NaN(), x.options());
  if (options.mode == ErasureMode::kRemove && t == 1) return out;
  const torch::Tensor b = baseline_embedding(model, options.baseline);
  constexpr std::int64_t kChunk = 32;
  if (options.first_position < 0) {
    throw std::invalid_argument("erasure: first_position must be >= 0, got " + std::to_string(options.first_position));
  }
  for (std::int64_t i0 = std::min(options.first_position, t); i0 < t; i0 += kChunk) {
    const std::int64_t i1 = std::min(t, i0 + kChunk);
    std::vector<torch::Tensor> batch;
    for (std::int64_t i = i0; i < i1; ++i) {
      if (options.mode == ErasureMode::kRemove) {
        batch.push_back(torch::cat({x.slice(0, 0, i), x.slice(0, i + 1, t)}));
      } else {
        torch::Tensor copy = x.clone();
        copy[i] = b;
        batch.push_back(copy);
      }
    }
    const torch::Tensor stacked = torch::stack(batch);
    const std::int64_t last = stacked.size(1) - 1;
    const ForwardResult r = forward_from_embeddings(model, stacked, kLogitsOnly);
    const torch::Tensor f = target_of(r.logits.select(1, last), out.target_token, target.target);
    out.attributions.slice(0, i0, i1).copy_(out.target_value - f);
  }
  return out;
}

ErasureResult erase_spans(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                          const std::vector<TokenSpan>& spans, const TargetSpec& target) {
  const Prepared p = prepare(model, token_ids, position, target);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = embed(model, p.ids);
  const std::int64_t t = x.size(0);
  const ForwardResult full = forward_from_embeddings(model, x, kLogitsOnly);
  ErasureResult out;
  out.target_token = resolve_token(full.logits[position], p, target.target);
  out.target_value = target_of(full.logits[position], out.target_token, target.target).item<double>();
  out.attributions = torch::full({static_cast<std::int64_t>(spans.size())}, std::numeric_limits<double>::quiet_NaN(),
                                 x.options());
  for (std::size_t s = 0; s < spans.size(); ++s) {
    const TokenSpan& span = spans[s];
    if (span.begin < 0 || span.end > t || span.begin >= span.end) {
      throw std::invalid_argument("erase_spans: span [" + std::to_string(span.begin) + ", " +
                                  std::to_string(span.end) + ") outside 0.." + std::to_string(t));
    }
    if (span.end - span.begin == t) continue;  // nothing left to predict from
    const torch::Tensor kept = torch::cat({x.slice(0, 0, span.begin), x.slice(0, span.end, t)});
    const ForwardResult r = forward_from_embeddings(model, kept, kLogitsOnly);
    const double f = target_of(r.logits[kept.size(0) - 1], out.target_token, target.target).item<double>();
    out.attributions[static_cast<std::int64_t>(s)] = out.target_value - f;
  }
  return out;
}

ConductanceResult layer_conductance(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                    const TargetSpec& target, const IntegratedGradientsOptions& options) {
  if (options.batch_steps < 1) throw std::invalid_argument("layer_conductance: batch_steps must be >= 1");
  const Prepared p = prepare(model, token_ids, position, target);
  const torch::Tensor x = embed(model, p.ids).detach();
  const torch::Tensor b = baseline_embedding(model, options.baseline).expand_as(x).contiguous();
  const EndPoints ends = end_points(model, x, b, p, target.target);
  const QuadratureRule q = quadrature(options.rule, options.steps + 1);  // Captum: n_steps + 1 points
  const torch::Tensor diff = x - b;
  const std::int64_t layers = model.config.n_layers;
  const std::int64_t t = x.size(0);
  torch::Tensor cond = torch::zeros({layers, t}, x.options());
  std::vector<torch::Tensor> carry_h(static_cast<std::size_t>(layers));
  std::vector<torch::Tensor> carry_g(static_cast<std::size_t>(layers));
  torch::AutoGradMode grad_mode(true);
  const auto n = static_cast<std::int64_t>(q.alphas.size());
  for (std::int64_t k0 = 0; k0 < n; k0 += options.batch_steps) {
    const std::int64_t k1 = std::min(n, k0 + options.batch_steps);
    const std::vector<double> a(q.alphas.begin() + k0, q.alphas.begin() + k1);
    const torch::Tensor alpha = torch::tensor(a, torch::kFloat64).to(x.scalar_type()).view({-1, 1, 1});
    const torch::Tensor inputs = (b.unsqueeze(0) + alpha * diff.unsqueeze(0)).detach().requires_grad_(true);
    const ForwardResult r = forward_from_embeddings(model, inputs, ForwardOptions{true, false});
    const torch::Tensor f = target_of(r.logits.select(1, position), ends.token, target.target);
    const std::vector<torch::Tensor> grads = torch::autograd::grad({f.sum()}, r.residual);
    for (std::int64_t l = 0; l < layers; ++l) {
      const auto li = static_cast<std::size_t>(l);
      torch::Tensor h = r.residual[li].detach();
      torch::Tensor g = grads[li];
      if (carry_h[li].defined()) {
        h = torch::cat({carry_h[li], h});
        g = torch::cat({carry_g[li], g});
      }
      if (h.size(0) > 1) {
        const std::int64_t m = h.size(0);
        cond[l] += (g.slice(0, 0, m - 1) * (h.slice(0, 1, m) - h.slice(0, 0, m - 1))).sum(torch::IntArrayRef{0, 2});
      }
      carry_h[li] = h.slice(0, h.size(0) - 1, h.size(0));
      carry_g[li] = g.slice(0, g.size(0) - 1, g.size(0));
    }
  }
  ConductanceResult out;
  out.attributions = cond;
  out.target_value = ends.at_input;
  out.baseline_value = ends.at_baseline;
  out.target_token = ends.token;
  return out;
}

AttentionLags attention_to_previous(const ForwardResult& result, std::int64_t position, std::int64_t lags) {
  if (result.attention.empty() || !result.attention.front().defined()) {
    throw std::invalid_argument("attention_to_previous needs a ForwardResult with keep_attention");
  }
  if (lags < 1) throw std::invalid_argument("attention_to_previous: lags must be >= 1");
  const torch::Tensor& first = result.attention.front();
  if (first.dim() != 3) throw std::invalid_argument("attention_to_previous wants an unbatched ForwardResult");
  const std::int64_t layers = static_cast<std::int64_t>(result.attention.size());
  const std::int64_t heads = first.size(0);
  if (position < 0 || position >= first.size(1)) {
    throw std::invalid_argument("attention_to_previous: position " + std::to_string(position) + " out of range");
  }
  torch::NoGradGuard no_grad;
  AttentionLags out;
  out.per_head = torch::zeros({layers, heads, lags}, first.options());
  for (std::int64_t l = 0; l < layers; ++l) {
    const torch::Tensor row = result.attention[static_cast<std::size_t>(l)].select(1, position);  // [heads, T]
    for (std::int64_t k = 0; k < lags && position - k >= 0; ++k) {
      out.per_head[l].select(1, k).copy_(row.select(1, position - k));
    }
  }
  out.head_average = out.per_head.mean(1);
  return out;
}

}  // namespace neuroscore::extract
