// extract/attribution.cc: gradient norm, gradient x input, integrated gradients, erasure, layer
// conductance and attention lags for one next-token prediction.
#include "extract/attribution.hpp"

#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

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

bool uses_argmax(Target t) { return t == Target::kLogitOfArgmax || t == Target::kLogProbabilityOfArgmax; }

// Every attribution reads the final norm and applies the classifier only to the rows it explains.
constexpr ForwardOptions kFinalNormOnly{false, false, false};

// Rows final_norm[r, positions[r]] of a batched forward: [R, T, dim] -> [R, dim].
torch::Tensor rows_at(const torch::Tensor& final_norm, const torch::Tensor& positions) {
  const torch::Tensor index = positions.view({-1, 1, 1}).expand({positions.size(0), 1, final_norm.size(2)});
  return final_norm.gather(1, index).squeeze(1);
}

// f for every row: logits [R, vocab], tokens [R] -> [R].
torch::Tensor target_values(const torch::Tensor& logits, const torch::Tensor& tokens, Target t) {
  const torch::Tensor scores = uses_log_probability(t) ? torch::log_softmax(logits, -1) : logits;
  return scores.gather(1, tokens.view({-1, 1})).squeeze(1);
}

// Inputs of different lengths ([T_i, dim] each) as one batch [n, max T_i, dim], zero rows after
// each input's end. The model is causal: no position of input i reads the padding after it.
torch::Tensor right_padded(const Model& model, const std::vector<torch::Tensor>& rows) {
  std::int64_t longest = 0;
  for (const torch::Tensor& r : rows) longest = std::max(longest, r.size(0));
  const auto n = static_cast<std::int64_t>(rows.size());
  torch::Tensor out = torch::zeros({n, longest, model.config.dim}, model.token_embedding.options());
  for (std::int64_t i = 0; i < n; ++i) {
    const torch::Tensor& r = rows[static_cast<std::size_t>(i)];
    out[i].narrow(0, 0, r.size(0)).copy_(r);
  }
  return out;
}

// Explanations prepared for one batched pass. Their embeddings are right-padded with zero rows
// to the longest context: row i's prediction at positions[i] reads positions 0..positions[i] only
// (causal attention gives every later key probability exactly 0, and its gradient is exactly 0),
// so padding needs no attention mask and changes nothing but the floating-point summation order.
struct Batch {
  std::vector<Prepared> items;
  torch::Tensor x;          // [G, T, dim] input embeddings, detached
  torch::Tensor positions;  // [G] int64: the explained position of each row
  Target target = Target::kLogProbabilityOfNext;
};

Batch make_batch(const Model& model, const std::vector<Explanation>& explanations, const char* who) {
  if (explanations.empty()) throw std::invalid_argument(std::string(who) + ": no explanations given");
  Batch batch;
  batch.target = explanations.front().target.target;
  std::vector<std::int64_t> positions;
  for (const Explanation& e : explanations) {
    if (e.target.target != batch.target) {
      throw std::invalid_argument(std::string(who) + ": the explanations of one batch must share one Target");
    }
    batch.items.push_back(prepare(model, e.token_ids, e.position, e.target));
    positions.push_back(e.position);
  }
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> rows;
  for (const Prepared& p : batch.items) rows.push_back(embed(model, p.ids));
  batch.x = right_padded(model, rows);
  batch.positions = torch::tensor(positions, torch::TensorOptions().dtype(torch::kLong));
  return batch;
}

// The target token of every row: the next token, or the argmax of the unperturbed logits.
torch::Tensor target_tokens(const Batch& batch, const torch::Tensor& input_logits) {
  if (uses_argmax(batch.target)) return input_logits.argmax(-1);
  std::vector<std::int64_t> next;
  for (const Prepared& p : batch.items) next.push_back(p.next_token);
  return torch::tensor(next, torch::TensorOptions().dtype(torch::kLong));
}

// f at x and at b for every row, in one batched forward without gradients, and the target tokens.
struct EndPoints {
  std::vector<double> at_input, at_baseline;
  torch::Tensor tokens;  // [G] int64
};
EndPoints end_points(const Model& model, const Batch& batch, const torch::Tensor& b) {
  torch::NoGradGuard no_grad;
  const std::int64_t g = batch.x.size(0);
  const ForwardResult r = forward_from_embeddings(model, torch::cat({batch.x, b}), kFinalNormOnly);
  const torch::Tensor logits = logits_of(model, rows_at(r.final_norm, batch.positions.repeat({2})));
  EndPoints e;
  e.tokens = target_tokens(batch, logits.narrow(0, 0, g));
  const torch::Tensor f = target_values(logits, e.tokens.repeat({2}), batch.target).to(torch::kFloat64);
  for (std::int64_t i = 0; i < g; ++i) {
    e.at_input.push_back(f[i].item<double>());
    e.at_baseline.push_back(f[g + i].item<double>());
  }
  return e;
}

// f at the last position of each of the (unpadded) inputs `rows`, right-padded into one forward.
torch::Tensor values_at_last(const Model& model, const std::vector<torch::Tensor>& rows, std::int64_t token,
                             Target t) {
  const auto n = static_cast<std::int64_t>(rows.size());
  std::vector<std::int64_t> last;
  for (const torch::Tensor& r : rows) last.push_back(r.size(0) - 1);
  const ForwardResult out = forward_from_embeddings(model, right_padded(model, rows), kFinalNormOnly);
  const torch::Tensor logits =
      logits_of(model, rows_at(out.final_norm, torch::tensor(last, torch::TensorOptions().dtype(torch::kLong))));
  return target_values(logits, torch::full({n}, token, torch::TensorOptions().dtype(torch::kLong)), t);
}

// The value and token of f at the explained position of one prepared input (no gradients).
struct Unperturbed {
  double value = 0.0;
  std::int64_t token = -1;
};
Unperturbed unperturbed(const Model& model, const torch::Tensor& x, const Prepared& p, Target t) {
  const ForwardResult full = forward_from_embeddings(model, x, kFinalNormOnly);
  const torch::Tensor logits = logits_of(model, full.final_norm[x.size(0) - 1]).unsqueeze(0);
  const std::int64_t token = uses_argmax(t) ? logits.argmax(-1).item<std::int64_t>() : p.next_token;
  const torch::Tensor f = target_values(logits, torch::full({1}, token, torch::TensorOptions().dtype(torch::kLong)), t);
  return Unperturbed{f.item<double>(), token};
}

}  // namespace

std::vector<GradientAttribution> gradient_attributions(const Model& model,
                                                       const std::vector<Explanation>& explanations) {
  const Batch batch = make_batch(model, explanations, "gradient_attribution");
  torch::AutoGradMode grad_mode(true);
  const torch::Tensor e = batch.x.detach().requires_grad_(true);
  const ForwardResult r = forward_from_embeddings(model, e, kFinalNormOnly);
  const torch::Tensor logits = logits_of(model, rows_at(r.final_norm, batch.positions));
  const torch::Tensor tokens = target_tokens(batch, logits.detach());
  const torch::Tensor f = target_values(logits, tokens, batch.target);
  const torch::Tensor g = torch::autograd::grad({f.sum()}, {e})[0];
  const torch::Tensor ge = g * batch.x;
  const torch::Tensor grad_norm = g.abs().sum(-1);
  const torch::Tensor grad_x_input = ge.sum(-1);
  const torch::Tensor grad_x_input_l2 = ge.pow(2).sum(-1).sqrt();
  std::vector<GradientAttribution> out;
  for (std::int64_t i = 0; i < batch.x.size(0); ++i) {
    const std::int64_t len = batch.positions[i].item<std::int64_t>() + 1;
    GradientAttribution a;
    a.grad_norm = grad_norm[i].narrow(0, 0, len).clone();
    a.grad_x_input = grad_x_input[i].narrow(0, 0, len).clone();
    a.grad_x_input_l2 = grad_x_input_l2[i].narrow(0, 0, len).clone();
    a.target_value = f[i].item<double>();
    a.target_token = tokens[i].item<std::int64_t>();
    out.push_back(std::move(a));
  }
  return out;
}

GradientAttribution gradient_attribution(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                         const TargetSpec& target) {
  return gradient_attributions(model, {Explanation{token_ids, position, target}}).front();
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

namespace {

// Integrated gradients and/or layer conductance of a batch along the straight path
// b + alpha (x - b), from one forward and one backward per chunk of interpolation points: IG reads
// the gradient at the input, conductance the gradients at every block's output, so asking for
// both on the same points costs what one of them costs.
struct PathResults {
  std::vector<IntegratedGradientsResult> ig;
  std::vector<ConductanceResult> conductance;
};
PathResults path_pass(const Model& model, const std::vector<Explanation>& explanations,
                      const IntegratedGradientsOptions& options, const QuadratureRule& q, bool want_ig,
                      bool want_conductance, const char* who) {
  if (options.batch_steps < 1) throw std::invalid_argument(std::string(who) + ": batch_steps must be >= 1");
  const Batch batch = make_batch(model, explanations, who);
  const torch::Tensor b = baseline_embedding(model, options.baseline).expand_as(batch.x).contiguous();
  const EndPoints ends = end_points(model, batch, b);
  const torch::Tensor diff = batch.x - b;  // [G, T, dim]
  const std::int64_t g = diff.size(0), t = diff.size(1), dim = diff.size(2);
  const std::int64_t layers = model.config.n_layers;
  torch::Tensor total = torch::zeros_like(diff);                   // IG: sum_k w_k df/dx(alpha_k)
  torch::Tensor cond = torch::zeros({layers, g, t}, diff.options());  // conductance per layer
  // Conductance: the last interpolation point of the previous chunk, per layer: [G, 1, T, dim].
  std::vector<torch::Tensor> carry_h(static_cast<std::size_t>(layers));
  std::vector<torch::Tensor> carry_g(static_cast<std::size_t>(layers));
  torch::AutoGradMode grad_mode(true);
  const auto n = static_cast<std::int64_t>(q.alphas.size());
  for (std::int64_t k0 = 0; k0 < n; k0 += options.batch_steps) {
    const std::int64_t k1 = std::min(n, k0 + options.batch_steps);
    const std::int64_t m = k1 - k0;
    const std::vector<double> a(q.alphas.begin() + k0, q.alphas.begin() + k1);
    const torch::Tensor alpha = torch::tensor(a, torch::kFloat64).to(diff.scalar_type()).view({1, m, 1, 1});
    // Rows ordered explanation-major: row i * m + j is explanation i at alpha_j.
    const torch::Tensor inputs =
        (b.unsqueeze(1) + alpha * diff.unsqueeze(1)).reshape({g * m, t, dim}).detach().requires_grad_(true);
    const ForwardResult r = forward_from_embeddings(model, inputs, ForwardOptions{want_conductance, false, false});
    const torch::Tensor logits = logits_of(model, rows_at(r.final_norm, batch.positions.repeat_interleave(m)));
    const torch::Tensor f = target_values(logits, ends.tokens.repeat_interleave(m), batch.target);
    std::vector<torch::Tensor> wrt;
    if (want_ig) wrt.push_back(inputs);
    if (want_conductance) wrt.insert(wrt.end(), r.residual.begin(), r.residual.end());
    const std::vector<torch::Tensor> grads = torch::autograd::grad({f.sum()}, wrt);
    if (want_ig) {
      const std::vector<double> w(q.weights.begin() + k0, q.weights.begin() + k1);
      const torch::Tensor weight = torch::tensor(w, torch::kFloat64).to(diff.scalar_type()).view({1, m, 1, 1});
      total = total + (grads.front().view({g, m, t, dim}) * weight).sum(1);
    }
    if (!want_conductance) continue;
    const std::size_t first_residual = want_ig ? 1 : 0;
    for (std::int64_t l = 0; l < layers; ++l) {
      const auto li = static_cast<std::size_t>(l);
      torch::Tensor h = r.residual[li].detach().view({g, m, t, dim});
      torch::Tensor gr = grads[first_residual + li].view({g, m, t, dim});
      if (carry_h[li].defined()) {
        h = torch::cat({carry_h[li], h}, 1);
        gr = torch::cat({carry_g[li], gr}, 1);
      }
      const std::int64_t pts = h.size(1);
      if (pts > 1) {
        cond[l] += (gr.narrow(1, 0, pts - 1) * (h.narrow(1, 1, pts - 1) - h.narrow(1, 0, pts - 1)))
                       .sum(torch::IntArrayRef{1, 3});
      }
      carry_h[li] = h.narrow(1, pts - 1, 1);
      carry_g[li] = gr.narrow(1, pts - 1, 1);
    }
  }
  PathResults out;
  const torch::Tensor attributions = (total * diff).sum(-1);  // [G, T]
  for (std::int64_t i = 0; i < g; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    const std::int64_t len = batch.positions[i].item<std::int64_t>() + 1;
    const std::int64_t token = ends.tokens[i].item<std::int64_t>();
    if (want_ig) {
      IntegratedGradientsResult res;
      res.attributions = attributions[i].narrow(0, 0, len).clone();
      res.target_value = ends.at_input[ui];
      res.baseline_value = ends.at_baseline[ui];
      res.target_token = token;
      res.completeness_gap = res.attributions.sum().item<double>() - (res.target_value - res.baseline_value);
      out.ig.push_back(std::move(res));
    }
    if (want_conductance) {
      ConductanceResult res;
      res.attributions = cond.select(1, i).narrow(1, 0, len).clone();
      res.target_value = ends.at_input[ui];
      res.baseline_value = ends.at_baseline[ui];
      res.target_token = token;
      out.conductance.push_back(std::move(res));
    }
  }
  return out;
}

}  // namespace

std::vector<IntegratedGradientsResult> integrated_gradients(const Model& model,
                                                            const std::vector<Explanation>& explanations,
                                                            const IntegratedGradientsOptions& options) {
  return path_pass(model, explanations, options, quadrature(options.rule, options.steps), true, false,
                   "integrated_gradients")
      .ig;
}

std::vector<ConductanceResult> layer_conductance(const Model& model, const std::vector<Explanation>& explanations,
                                                 const IntegratedGradientsOptions& options) {
  // Captum: n_steps + 1 points.
  return path_pass(model, explanations, options, quadrature(options.rule, options.steps + 1), false, true,
                   "layer_conductance")
      .conductance;
}

IntegratedGradientsAndConductance integrated_gradients_and_conductance(const Model& model,
                                                                       const std::vector<Explanation>& explanations,
                                                                       const IntegratedGradientsOptions& options) {
  if (options.steps < 2) {
    throw std::invalid_argument("integrated_gradients_and_conductance: steps must be >= 2 (conductance sums over "
                                "consecutive points), got " + std::to_string(options.steps));
  }
  PathResults r = path_pass(model, explanations, options, quadrature(options.rule, options.steps), true, true,
                            "integrated_gradients_and_conductance");
  return IntegratedGradientsAndConductance{std::move(r.ig), std::move(r.conductance)};
}

IntegratedGradientsResult integrated_gradients(const Model& model, const torch::Tensor& token_ids,
                                               std::int64_t position, const TargetSpec& target,
                                               const IntegratedGradientsOptions& options) {
  return integrated_gradients(model, {Explanation{token_ids, position, target}}, options).front();
}

ErasureResult erasure(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                      const TargetSpec& target, const ErasureOptions& options) {
  if (options.first_position < 0) {
    throw std::invalid_argument("erasure: first_position must be >= 0, got " + std::to_string(options.first_position));
  }
  const Prepared p = prepare(model, token_ids, position, target);
  torch::NoGradGuard no_grad;
  const torch::Tensor x = embed(model, p.ids);
  const std::int64_t t = x.size(0);
  const Unperturbed full = unperturbed(model, x, p, target.target);
  ErasureResult out;
  out.target_token = full.token;
  out.target_value = full.value;
  out.attributions = torch::full({t}, std::numeric_limits<double>::quiet_NaN(), x.options());
  if (options.mode == ErasureMode::kRemove && t == 1) return out;
  const torch::Tensor b = baseline_embedding(model, options.baseline);
  constexpr std::int64_t kChunk = 32;
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
    const torch::Tensor f = values_at_last(model, batch, out.target_token, target.target);
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
  const Unperturbed full = unperturbed(model, x, p, target.target);
  ErasureResult out;
  out.target_token = full.token;
  out.target_value = full.value;
  out.attributions = torch::full({static_cast<std::int64_t>(spans.size())}, std::numeric_limits<double>::quiet_NaN(),
                                 x.options());
  // The shortened inputs differ in length: right-padded into one forward, each read at its own
  // last position.
  std::vector<torch::Tensor> kept;
  std::vector<std::int64_t> which;
  for (std::size_t s = 0; s < spans.size(); ++s) {
    const TokenSpan& span = spans[s];
    if (span.begin < 0 || span.end > t || span.begin >= span.end) {
      throw std::invalid_argument("erase_spans: span [" + std::to_string(span.begin) + ", " +
                                  std::to_string(span.end) + ") outside 0.." + std::to_string(t));
    }
    if (span.end - span.begin == t) continue;  // nothing left to predict from
    kept.push_back(torch::cat({x.slice(0, 0, span.begin), x.slice(0, span.end, t)}));
    which.push_back(static_cast<std::int64_t>(s));
  }
  if (kept.empty()) return out;
  const torch::Tensor f = values_at_last(model, kept, out.target_token, target.target);
  for (std::size_t i = 0; i < which.size(); ++i) {
    out.attributions[which[i]] = out.target_value - f[static_cast<std::int64_t>(i)];
  }
  return out;
}

ConductanceResult layer_conductance(const Model& model, const torch::Tensor& token_ids, std::int64_t position,
                                    const TargetSpec& target, const IntegratedGradientsOptions& options) {
  return layer_conductance(model, {Explanation{token_ids, position, target}}, options).front();
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
