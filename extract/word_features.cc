// extract/word_features.cc: windows, sub-word pooling and the per-window loop over features.
#include "extract/word_features.hpp"

#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace neuroscore::extract {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t tokens_in(const std::vector<std::int64_t>& prefix, std::int64_t begin, std::int64_t end) {
  return prefix[static_cast<std::size_t>(end)] - prefix[static_cast<std::size_t>(begin)];
}

// A [rows, cols] double copy of a 2-D tensor.
RowMatrix to_eigen(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat64).contiguous();
  const std::int64_t rows = c.dim() >= 1 ? c.size(0) : 1;
  const std::int64_t cols = c.dim() == 2 ? c.size(1) : 1;
  return Eigen::Map<const RowMatrix>(c.data_ptr<double>(), rows, cols);
}

std::vector<double> to_vector(const torch::Tensor& t) {
  const torch::Tensor c = t.detach().to(torch::kFloat64).contiguous();
  return std::vector<double>(c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

// Pools the token entries of a token vector (attribution or attention row) into lag columns: column
// k pools tokens [begin_of[local_w - k], end_of[local_w - k]) (word local_w - k of the window).
Eigen::RowVectorXd lag_row(const std::vector<double>& per_token, const std::vector<std::int64_t>& begin_of,
                           const std::vector<std::int64_t>& end_of, std::int64_t local_w, std::int64_t lags,
                           Pooling pooling);

// One word's attributions: its explanation waits for a batched pass over several windows' words,
// then is pooled with its window's word boundaries.
struct Pending {
  std::int64_t word = 0;
  std::int64_t local = 0;  // the word's index in its window
  std::vector<std::int64_t> begin_of, end_of;
  Explanation explanation;
};

}  // namespace

double pool_scalar(const std::vector<double>& values, Pooling pooling) {
  if (values.empty()) throw std::invalid_argument("pool_scalar: no values");
  switch (pooling) {
    case Pooling::kLast:
      return values.back();
    case Pooling::kFirst:
      return values.front();
    case Pooling::kSum:
      return std::accumulate(values.begin(), values.end(), 0.0);
    case Pooling::kMean:
      return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
    case Pooling::kAbsMax:
      return *std::max_element(values.begin(), values.end(),
                               [](double a, double b) { return std::abs(a) < std::abs(b); });
  }
  throw std::invalid_argument("unknown pooling");
}

namespace {

Eigen::RowVectorXd lag_row(const std::vector<double>& per_token, const std::vector<std::int64_t>& begin_of,
                           const std::vector<std::int64_t>& end_of, std::int64_t local_w, std::int64_t lags,
                           Pooling pooling) {
  Eigen::RowVectorXd row = Eigen::RowVectorXd::Zero(lags);
  for (std::int64_t k = 0; k < lags && local_w - k >= 0; ++k) {
    const auto j = static_cast<std::size_t>(local_w - k);
    const std::vector<double> part(per_token.begin() + begin_of[j], per_token.begin() + end_of[j]);
    row[k] = pool_scalar(part, pooling);
  }
  return row;
}

std::vector<Window> make_windows_one_segment(const std::vector<std::int64_t>& token_counts, std::int64_t max_tokens,
                                             std::int64_t context_words, std::int64_t stride_words) {
  const auto n = static_cast<std::int64_t>(token_counts.size());
  std::vector<std::int64_t> prefix(token_counts.size() + 1, 0);
  for (std::int64_t w = 0; w < n; ++w) {
    const std::int64_t c = token_counts[static_cast<std::size_t>(w)];
    if (c < 1 || c > max_tokens) {
      throw std::invalid_argument("word " + std::to_string(w) + " has " + std::to_string(c) +
                                  " tokens; a window holds 1.." + std::to_string(max_tokens));
    }
    prefix[static_cast<std::size_t>(w + 1)] = prefix[static_cast<std::size_t>(w)] + c;
  }
  if (context_words < 0 || stride_words < 0) {
    throw std::invalid_argument("context and stride must be non-negative");
  }
  std::vector<Window> windows;
  if (context_words > 0) {
    for (std::int64_t w = 0; w < n; ++w) {
      std::int64_t s = std::max<std::int64_t>(0, w - context_words);
      while (tokens_in(prefix, s, w + 1) > max_tokens) ++s;
      windows.push_back(Window{s, w + 1, w, w + 1});
    }
    return windows;
  }
  std::int64_t s = 0;
  std::int64_t assigned = 0;
  while (assigned < n) {
    std::int64_t e = std::max(s, assigned);
    while (e < n && tokens_in(prefix, s, e + 1) <= max_tokens) ++e;
    windows.push_back(Window{s, e, assigned, e});
    if (e >= n) break;
    const std::int64_t stride = stride_words > 0 ? stride_words : std::max<std::int64_t>(1, (e - s) / 2);
    std::int64_t next = std::min(s + stride, e);
    while (tokens_in(prefix, next, e + 1) > max_tokens) ++next;  // the next word must fit
    s = next;
    assigned = e;
  }
  return windows;
}

}  // namespace

std::vector<Window> make_windows(const std::vector<std::int64_t>& token_counts, std::int64_t max_tokens,
                                 std::int64_t context_words, std::int64_t stride_words,
                                 const std::vector<std::int64_t>& segment_of) {
  if (segment_of.empty()) return make_windows_one_segment(token_counts, max_tokens, context_words, stride_words);
  if (segment_of.size() != token_counts.size()) {
    throw std::invalid_argument("make_windows: " + std::to_string(segment_of.size()) + " segment indices for " +
                                std::to_string(token_counts.size()) + " words");
  }
  std::vector<Window> windows;
  std::size_t begin = 0;
  while (begin < token_counts.size()) {
    std::size_t end = begin + 1;
    while (end < token_counts.size() && segment_of[end] == segment_of[begin]) ++end;
    if (end < token_counts.size() && segment_of[end] < segment_of[begin]) {
      throw std::invalid_argument("make_windows: segment index decreases at word " + std::to_string(end) + " (" +
                                  std::to_string(segment_of[begin]) + " -> " + std::to_string(segment_of[end]) + ")");
    }
    const std::vector<std::int64_t> counts(token_counts.begin() + static_cast<std::ptrdiff_t>(begin),
                                           token_counts.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<Window> part;
    try {
      part = make_windows_one_segment(counts, max_tokens, context_words, stride_words);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("segment " + std::to_string(segment_of[begin]) + " (from word " +
                                  std::to_string(begin) + "): " + e.what());
    }
    const auto off = static_cast<std::int64_t>(begin);
    for (Window w : part) {
      w.first_word += off;
      w.end_word += off;
      w.assigned_begin += off;
      w.assigned_end += off;
      windows.push_back(w);
    }
    begin = end;
  }
  return windows;
}

PerplexitySummary perplexity_of(const WordFeatures& features) {
  PerplexitySummary s;
  double total = 0.0;
  for (Eigen::Index w = 0; w < features.surprisal.size(); ++w) {
    if (features.scored_tokens[static_cast<std::size_t>(w)] == 0) continue;
    total += features.surprisal[w];
    s.tokens_scored += features.scored_tokens[static_cast<std::size_t>(w)];
  }
  if (s.tokens_scored == 0) throw std::invalid_argument("perplexity_of: no token was scored");
  s.nll_per_token = total / static_cast<double>(s.tokens_scored);
  s.perplexity = std::exp(s.nll_per_token);
  return s;
}

WordFeatures extract_word_features(const Model& model, const std::vector<std::vector<std::int32_t>>& word_tokens,
                                   const WordFeatureOptions& options) {
  const auto n_words = static_cast<std::int64_t>(word_tokens.size());
  const ModelConfig& cfg = model.config;
  const FeatureSet& fs = options.features;
  if (options.lags < 1) throw std::invalid_argument("lags must be >= 1, got " + std::to_string(options.lags));
  std::vector<std::int64_t> counts;
  for (std::int64_t w = 0; w < n_words; ++w) {
    const auto& toks = word_tokens[static_cast<std::size_t>(w)];
    if (toks.empty()) throw std::invalid_argument("word " + std::to_string(w) + " has no tokens");
    for (std::int32_t id : toks) {
      if (id < 0 || id >= cfg.vocab_size) {
        throw std::invalid_argument("word " + std::to_string(w) + " has token id " + std::to_string(id) +
                                    " outside the vocabulary of " + std::to_string(cfg.vocab_size));
      }
    }
    counts.push_back(static_cast<std::int64_t>(toks.size()));
  }
  const std::int64_t bos_tokens = options.bos >= 0 ? 1 : 0;
  WordFeatures out;
  out.windows = make_windows(counts, cfg.max_seq_len - bos_tokens, options.context_words, options.stride_words,
                             options.segment_of);
  const auto same_segment = [&](std::int64_t a, std::int64_t b) {
    return options.segment_of.empty() ||
           options.segment_of[static_cast<std::size_t>(a)] == options.segment_of[static_cast<std::size_t>(b)];
  };
  const std::int64_t k_lags = options.lags;
  const std::int64_t layers = cfg.n_layers;
  const std::int64_t heads = cfg.n_heads;
  out.layer_names.push_back("embedding");
  for (std::int64_t l = 0; l < layers; ++l) out.layer_names.push_back("block_" + std::to_string(l));
  const auto zeros = [&](std::int64_t cols) { return RowMatrix::Zero(n_words, cols); };
  if (fs.activations) out.activations.assign(static_cast<std::size_t>(layers + 1), zeros(cfg.dim));
  if (fs.attention) {
    out.attention.assign(static_cast<std::size_t>(layers), zeros(k_lags));
    out.attention_per_head.assign(static_cast<std::size_t>(layers), zeros(heads * k_lags));
  }
  if (fs.grad_norm) out.grad_norm = zeros(k_lags);
  if (fs.grad_x_input) {
    out.grad_x_input = zeros(k_lags);
    out.grad_x_input_l2 = zeros(k_lags);
  }
  if (fs.integrated_gradients) {
    out.integrated_gradients = zeros(k_lags);
    out.ig_target_value = Eigen::VectorXd::Constant(n_words, kNaN);
    out.ig_baseline_value = Eigen::VectorXd::Constant(n_words, kNaN);
    out.ig_completeness_gap = Eigen::VectorXd::Constant(n_words, kNaN);
  }
  if (fs.erasure) out.erasure = zeros(k_lags);
  if (fs.conductance) out.conductance.assign(static_cast<std::size_t>(layers), zeros(k_lags));
  if (!options.activation_tokens.empty()) {
    if (options.activation_tokens.size() != word_tokens.size()) {
      throw std::invalid_argument("extract_word_features: " + std::to_string(options.activation_tokens.size()) +
                                  " activation token counts for " + std::to_string(word_tokens.size()) + " words");
    }
    for (std::size_t w = 0; w < word_tokens.size(); ++w) {
      const std::int64_t k = options.activation_tokens[w];
      if (k < 0 || k > static_cast<std::int64_t>(word_tokens[w].size())) {
        throw std::invalid_argument("extract_word_features: word " + std::to_string(w) + " has " +
                                    std::to_string(word_tokens[w].size()) + " tokens, activation_tokens asks for " +
                                    std::to_string(k));
      }
    }
  }
  // End of the tokens of word w (window tokens [begin, end)) that its activation rows pool.
  const auto pooled_end = [&](std::int64_t w, std::int64_t begin, std::int64_t end) {
    if (options.activation_tokens.empty()) return end;
    const std::int64_t k = options.activation_tokens[static_cast<std::size_t>(w)];
    return k == 0 ? end : begin + k;
  };
  out.context_words.assign(static_cast<std::size_t>(n_words), 0);
  out.surprisal = Eigen::VectorXd::Zero(n_words);
  if (fs.entropy) out.entropy = Eigen::VectorXd::Constant(n_words, std::numeric_limits<double>::quiet_NaN());
  out.scored_tokens.assign(static_cast<std::size_t>(n_words), 0);
  const bool argmax_target =
      options.target == Target::kLogitOfArgmax || options.target == Target::kLogProbabilityOfArgmax;

  const Pooling ap = options.attribution_pooling;
  IntegratedGradientsOptions conductance_options = options.integrated_gradients;
  if (options.conductance_steps >= 0) conductance_options.steps = options.conductance_steps;
  const bool shared_path = fs.integrated_gradients && fs.conductance &&
                           conductance_options.steps + 1 == options.integrated_gradients.steps;
  // Attributions of the pending words, all in batched passes (see attribution.hpp), then pooled.
  std::vector<Pending> pending;
  std::int64_t pending_longest = 0;
  const auto flush = [&] {
    if (pending.empty()) return;
    std::vector<Explanation> batch;
    for (const Pending& p : pending) batch.push_back(p.explanation);
    const auto pool = [&](const Pending& p, const torch::Tensor& per_token) {
      return lag_row(to_vector(per_token), p.begin_of, p.end_of, p.local, k_lags, ap);
    };
    if (fs.grad_norm || fs.grad_x_input) {
      const std::vector<GradientAttribution> g = gradient_attributions(model, batch);
      for (std::size_t i = 0; i < pending.size(); ++i) {
        const Pending& p = pending[i];
        if (fs.grad_norm) out.grad_norm.row(p.word) = pool(p, g[i].grad_norm);
        if (fs.grad_x_input) {
          out.grad_x_input.row(p.word) = pool(p, g[i].grad_x_input);
          out.grad_x_input_l2.row(p.word) = pool(p, g[i].grad_x_input_l2);
        }
      }
    }
    std::vector<IntegratedGradientsResult> ig;
    std::vector<ConductanceResult> cond;
    if (shared_path) {
      IntegratedGradientsAndConductance both =
          integrated_gradients_and_conductance(model, batch, options.integrated_gradients);
      ig = std::move(both.integrated_gradients);
      cond = std::move(both.conductance);
    } else {
      if (fs.integrated_gradients) ig = integrated_gradients(model, batch, options.integrated_gradients);
      if (fs.conductance) cond = layer_conductance(model, batch, conductance_options);
    }
    for (std::size_t i = 0; i < ig.size(); ++i) {
      const Pending& p = pending[i];
      out.integrated_gradients.row(p.word) = pool(p, ig[i].attributions);
      out.ig_target_value[p.word] = ig[i].target_value;
      out.ig_baseline_value[p.word] = ig[i].baseline_value;
      out.ig_completeness_gap[p.word] = ig[i].completeness_gap;
    }
    for (std::size_t i = 0; i < cond.size(); ++i) {
      for (std::int64_t l = 0; l < layers; ++l) {
        out.conductance[static_cast<std::size_t>(l)].row(pending[i].word) = pool(pending[i], cond[i].attributions[l]);
      }
    }
    pending.clear();
    pending_longest = 0;
  };
  const bool batched_attribution = fs.grad_norm || fs.grad_x_input || fs.integrated_gradients || fs.conductance;
  // Rows per batched forward: explanations x interpolation points (1 for gradients alone).
  const std::int64_t points_per_explanation =
      (fs.integrated_gradients || fs.conductance)
          ? std::min(options.integrated_gradients.batch_steps,
                     std::max(options.integrated_gradients.steps, conductance_options.steps + 1))
          : 1;
  if (options.attribution_batch_elements < 1) {
    throw std::invalid_argument("attribution_batch_elements must be >= 1, got " +
                                std::to_string(options.attribution_batch_elements));
  }

  std::int64_t done = 0;
  std::int64_t reported = 0;
  for (const Window& win : out.windows) {
    // Token ids of the window and the [begin, end) token range of each of its words.
    std::vector<std::int64_t> ids;
    if (options.bos >= 0) ids.push_back(options.bos);
    std::vector<std::int64_t> begin_of;
    std::vector<std::int64_t> end_of;
    for (std::int64_t w = win.first_word; w < win.end_word; ++w) {
      begin_of.push_back(static_cast<std::int64_t>(ids.size()));
      for (std::int32_t id : word_tokens[static_cast<std::size_t>(w)]) ids.push_back(id);
      end_of.push_back(static_cast<std::int64_t>(ids.size()));
    }
    const torch::Tensor id_tensor = torch::tensor(ids, torch::TensorOptions().dtype(torch::kLong));
    ForwardResult fwd;
    torch::Tensor token_logprob;  // [T]: entry i = ln p(ids[i] | ids[0..i-1]); entry 0 undefined (0)
    torch::Tensor next_entropy;   // [T - 1] with fs.entropy: entry i = entropy of p(. | ids[0..i])
    {
      torch::NoGradGuard no_grad;
      fwd = forward(model, id_tensor, ForwardOptions{fs.activations, fs.attention});
      const std::int64_t T = id_tensor.size(0);
      token_logprob = torch::zeros({T}, torch::TensorOptions().dtype(torch::kFloat64));
      if (T > 1) {
        const torch::Tensor lp = torch::log_softmax(fwd.logits.slice(0, 0, T - 1).to(torch::kFloat64), -1);
        token_logprob.slice(0, 1, T) = lp.gather(1, id_tensor.slice(0, 1, T).unsqueeze(1)).squeeze(1);
        if (fs.entropy) next_entropy = -(lp.exp() * lp).sum(-1);
      }
    }
    const std::vector<double> logprob = to_vector(token_logprob);
    const std::vector<double> entropy_at = fs.entropy && next_entropy.defined() ? to_vector(next_entropy) : std::vector<double>{};
    for (std::int64_t w = win.assigned_begin; w < win.assigned_end; ++w) {
      const std::int64_t local = w - win.first_word;
      const auto lj = static_cast<std::size_t>(local);
      const std::int64_t last = end_of[lj] - 1;
      out.context_words[static_cast<std::size_t>(w)] = local;
      for (std::int64_t t = std::max<std::int64_t>(begin_of[lj], 1); t < end_of[lj]; ++t) {
        out.surprisal[w] -= logprob[static_cast<std::size_t>(t)];
        ++out.scored_tokens[static_cast<std::size_t>(w)];
      }
      if (fs.entropy && begin_of[lj] >= 1 && begin_of[lj] < end_of[lj]) {
        out.entropy[w] = entropy_at[static_cast<std::size_t>(begin_of[lj] - 1)];
      }
      if (fs.activations) {
        for (std::int64_t l = 0; l <= layers; ++l) {
          const torch::Tensor& h = l == 0 ? fwd.block_input : fwd.residual[static_cast<std::size_t>(l - 1)];
          const RowMatrix rows = to_eigen(h.slice(0, begin_of[lj], pooled_end(w, begin_of[lj], end_of[lj])));
          Eigen::RowVectorXd pooled(cfg.dim);
          for (std::int64_t d = 0; d < cfg.dim; ++d) {
            std::vector<double> col(static_cast<std::size_t>(rows.rows()));
            for (Eigen::Index r = 0; r < rows.rows(); ++r) col[static_cast<std::size_t>(r)] = rows(r, d);
            pooled[d] = pool_scalar(col, options.activation_pooling);
          }
          out.activations[static_cast<std::size_t>(l)].row(w) = pooled;
        }
      }
      if (fs.attention) {
        const AttentionLags token_lags = attention_to_previous(fwd, last, last + 1);  // every key
        for (std::int64_t l = 0; l < layers; ++l) {
          for (std::int64_t h = 0; h < heads; ++h) {
            // lag index j = last - key: reverse into key order, then sum per word.
            std::vector<double> by_key = to_vector(token_lags.per_head[l][h].flip(0));
            const Eigen::RowVectorXd row = lag_row(by_key, begin_of, end_of, local, k_lags, Pooling::kSum);
            out.attention_per_head[static_cast<std::size_t>(l)].block(w, h * k_lags, 1, k_lags) = row;
          }
          out.attention[static_cast<std::size_t>(l)].row(w) =
              lag_row(to_vector(token_lags.head_average[l].flip(0)), begin_of, end_of, local, k_lags, Pooling::kSum);
        }
      }
      if (!fs.any_attribution()) continue;
      const bool has_next = w + 1 < n_words && same_segment(w, w + 1);
      if (!has_next && !argmax_target) continue;
      TargetSpec spec{options.target, has_next ? word_tokens[static_cast<std::size_t>(w + 1)].front() : -1};
      const torch::Tensor ctx = id_tensor.slice(0, 0, last + 1);
      if (batched_attribution) {
        const std::int64_t longest = std::max(pending_longest, last + 1);
        const auto rows = static_cast<std::int64_t>(pending.size() + 1) * points_per_explanation;
        if (!pending.empty() && rows * longest * cfg.dim > options.attribution_batch_elements) flush();
        pending.push_back(Pending{w, local, begin_of, end_of, Explanation{ctx, last, spec}});
        pending_longest = std::max(pending_longest, last + 1);
      }
      if (fs.erasure && options.erase_whole_words) {
        std::vector<TokenSpan> spans;  // lag k = word local - k
        for (std::int64_t k = 0; k < k_lags && local - k >= 0; ++k) {
          const auto j = static_cast<std::size_t>(local - k);
          spans.push_back(TokenSpan{begin_of[j], end_of[j]});
        }
        const ErasureResult r = erase_spans(model, ctx, last, spans, spec);
        const std::vector<double> v = to_vector(r.attributions);
        for (std::size_t k = 0; k < v.size(); ++k) {
          out.erasure(w, static_cast<Eigen::Index>(k)) = std::isnan(v[k]) ? 0.0 : v[k];
        }
      } else if (fs.erasure) {
        ErasureOptions eo = options.erasure;
        eo.first_position = begin_of[static_cast<std::size_t>(std::max<std::int64_t>(0, local - (k_lags - 1)))];
        const ErasureResult r = erasure(model, ctx, last, spec, eo);
        std::vector<double> v = to_vector(r.attributions);
        for (double& x : v) {
          if (std::isnan(x)) x = 0.0;  // removing the only token: nothing to compare
        }
        out.erasure.row(w) = lag_row(v, begin_of, end_of, local, k_lags, ap);
      }
    }
    done += win.assigned_end - win.assigned_begin;
    if (pending.size() >= 64) flush();
    // Progress counts the words whose features are all written (pending words are not yet).
    const std::int64_t written = done - static_cast<std::int64_t>(pending.size());
    if (options.progress && written > reported) {
      options.progress(written, n_words);
      reported = written;
    }
  }
  flush();
  if (options.progress && done > reported) options.progress(done, n_words);
  return out;
}

}  // namespace neuroscore::extract
