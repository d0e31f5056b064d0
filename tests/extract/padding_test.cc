// Padded equals unpadded: a right-padded batch of sequences of different lengths gives, at every
// real position, the forward pass, the attributions and the erasures of each sequence alone; the
// classifier applied to the explained row only gives the full pass's logits; word features batched
// across words equal word-by-word features. Tiny random GPT-2 and Llama models in float64 (so the
// bounds are rounding only) and one float32 check.
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <stdexcept>
#include <vector>

#include "extract/attribution.hpp"
#include "extract/loaders.hpp"
#include "extract/model.hpp"
#include "extract/word_features.hpp"
#include "tests/extract/tiny_models.hpp"

namespace neuroscore::extract {
namespace {

using testing::tiny_config;

torch::Tensor random_ids(std::int64_t t, std::uint64_t seed) { return testing::random_ids(t, 50, seed); }

// Relative to the largest entry of `b`: float64 rounding through two blocks stays far below 1e-10.
void expect_close(const torch::Tensor& a, const torch::Tensor& b, double rel, const std::string& what) {
  ASSERT_EQ(a.sizes(), b.sizes()) << what;
  const double scale = std::max(1.0, b.abs().max().item<double>());
  EXPECT_LE((a - b).abs().max().item<double>(), rel * scale) << what;
}

class Padding : public ::testing::TestWithParam<Family> {
 protected:
  Model model = to_dtype(untrained_twin(tiny_config(GetParam()), 31), torch::kFloat64);
};

TEST_P(Padding, ForwardOfRightPaddedRowsEqualsEachRowAlone) {
  const std::vector<std::int64_t> lengths = {5, 12, 9};
  const std::int64_t longest = 12;
  // Padding tokens are arbitrary ids: what follows a row's end must not matter.
  torch::Tensor batch = random_ids(3 * longest, 99).view({3, longest});
  std::vector<torch::Tensor> rows;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    rows.push_back(random_ids(lengths[i], 100 + i));
    batch[static_cast<std::int64_t>(i)].narrow(0, 0, lengths[i]).copy_(rows.back());
  }
  torch::NoGradGuard no_grad;
  const ForwardResult padded = forward(model, batch);
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const auto b = static_cast<std::int64_t>(i);
    const std::int64_t t = lengths[i];
    const ForwardResult alone = forward(model, rows[i]);
    expect_close(padded.logits[b].narrow(0, 0, t), alone.logits, 1e-12, "logits");
    for (std::int64_t l = 0; l < model.config.n_layers; ++l) {
      const auto li = static_cast<std::size_t>(l);
      expect_close(padded.residual[li][b].narrow(0, 0, t), alone.residual[li], 1e-12, "residual");
      const torch::Tensor probs = padded.attention[li][b];  // [heads, T, T]
      expect_close(probs.narrow(1, 0, t).narrow(2, 0, t), alone.attention[li], 1e-12, "attention");
      // Real queries give the padding exactly zero probability.
      if (t < longest) {
        EXPECT_EQ(probs.narrow(1, 0, t).narrow(2, t, longest - t).abs().max().item<double>(), 0.0);
      }
    }
  }
}

TEST_P(Padding, LogitsOfTheExplainedRowOnlyEqualTheFullPass) {
  const torch::Tensor ids = random_ids(10, 5);
  torch::NoGradGuard no_grad;
  ForwardOptions no_logits;
  no_logits.compute_logits = false;
  const ForwardResult lean = forward(model, ids, no_logits);
  EXPECT_FALSE(lean.logits.defined());
  const ForwardResult full = forward(model, ids);
  expect_close(logits_of(model, lean.final_norm[6]), full.logits[6], 1e-13, "row 6");
  EXPECT_THROW(logits_of(model, torch::zeros({3, 7}, torch::kFloat64)), std::invalid_argument);
  // The attribution's f(x) is read the same way: log softmax of the full pass's row.
  const GradientAttribution g = gradient_attribution(model, ids, 6);
  const double expected = torch::log_softmax(full.logits[6], -1)[ids[7].item<std::int64_t>()].item<double>();
  EXPECT_NEAR(g.target_value, expected, 1e-12);
}

// Explanations of different lengths, one with ids beyond its position, one argmax target batch.
std::vector<Explanation> mixed_explanations(Target target) {
  return {Explanation{random_ids(7, 1), 6, TargetSpec{target, 3}},
          Explanation{random_ids(15, 2), 9, TargetSpec{target, -1}},  // next token = ids[10]
          Explanation{random_ids(3, 3), 2, TargetSpec{target, 41}},
          Explanation{random_ids(12, 4), 11, TargetSpec{target, 0}}};
}

TEST_P(Padding, BatchedGradientAttributionsEqualOneAtATime) {
  for (Target target : {Target::kLogProbabilityOfNext, Target::kLogitOfArgmax}) {
    const std::vector<Explanation> ex = mixed_explanations(target);
    const std::vector<GradientAttribution> batched = gradient_attributions(model, ex);
    ASSERT_EQ(batched.size(), ex.size());
    for (std::size_t i = 0; i < ex.size(); ++i) {
      const GradientAttribution one = gradient_attribution(model, ex[i].token_ids, ex[i].position, ex[i].target);
      expect_close(batched[i].grad_norm, one.grad_norm, 1e-11, "grad_norm");
      expect_close(batched[i].grad_x_input, one.grad_x_input, 1e-11, "grad_x_input");
      expect_close(batched[i].grad_x_input_l2, one.grad_x_input_l2, 1e-11, "grad_x_input_l2");
      EXPECT_NEAR(batched[i].target_value, one.target_value, 1e-12);
      EXPECT_EQ(batched[i].target_token, one.target_token);
      EXPECT_EQ(batched[i].grad_norm.size(0), ex[i].position + 1);
    }
  }
}

TEST_P(Padding, BatchedIntegratedGradientsAndConductanceEqualOneAtATime) {
  IntegratedGradientsOptions opt;
  opt.steps = 12;
  opt.batch_steps = 5;  // chunks of interpolation points carry across chunk edges (conductance)
  opt.baseline.kind = BaselineKind::kMean;
  const std::vector<Explanation> ex = mixed_explanations(Target::kLogProbabilityOfNext);
  const std::vector<IntegratedGradientsResult> ig = integrated_gradients(model, ex, opt);
  const std::vector<ConductanceResult> cond = layer_conductance(model, ex, opt);
  IntegratedGradientsOptions unchunked = opt;
  unchunked.batch_steps = 50;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const IntegratedGradientsResult one = integrated_gradients(model, ex[i].token_ids, ex[i].position, ex[i].target,
                                                               unchunked);
    expect_close(ig[i].attributions, one.attributions, 1e-11, "ig");
    EXPECT_NEAR(ig[i].completeness_gap, one.completeness_gap, 1e-11);
    EXPECT_NEAR(ig[i].baseline_value, one.baseline_value, 1e-12);
    const ConductanceResult c = layer_conductance(model, ex[i].token_ids, ex[i].position, ex[i].target, unchunked);
    expect_close(cond[i].attributions, c.attributions, 1e-11, "conductance");
    EXPECT_EQ(cond[i].attributions.size(1), ex[i].position + 1);
  }
}

TEST_P(Padding, OnePassForIntegratedGradientsAndConductanceEqualsTwo) {
  IntegratedGradientsOptions opt;
  opt.steps = 9;
  opt.batch_steps = 4;
  opt.baseline.kind = BaselineKind::kMean;
  const std::vector<Explanation> ex = mixed_explanations(Target::kLogProbabilityOfNext);
  const IntegratedGradientsAndConductance both = integrated_gradients_and_conductance(model, ex, opt);
  const std::vector<IntegratedGradientsResult> ig = integrated_gradients(model, ex, opt);
  IntegratedGradientsOptions cond_opt = opt;
  cond_opt.steps = opt.steps - 1;  // Captum's n_steps: n_steps + 1 = 9 points, the IG's
  const std::vector<ConductanceResult> cond = layer_conductance(model, ex, cond_opt);
  ASSERT_EQ(both.integrated_gradients.size(), ex.size());
  ASSERT_EQ(both.conductance.size(), ex.size());
  for (std::size_t i = 0; i < ex.size(); ++i) {
    expect_close(both.integrated_gradients[i].attributions, ig[i].attributions, 1e-12, "ig");
    expect_close(both.conductance[i].attributions, cond[i].attributions, 1e-12, "conductance");
    EXPECT_GT(both.conductance[i].attributions.abs().max().item<double>(), 0.0);
  }
  opt.steps = 1;
  EXPECT_THROW(integrated_gradients_and_conductance(model, ex, opt), std::invalid_argument);
}

TEST_P(Padding, SpanErasuresInOnePaddedForwardEqualExplicitForwards) {
  const torch::Tensor ids = random_ids(11, 8);
  const std::vector<TokenSpan> spans = {{9, 10}, {4, 9}, {0, 1}, {0, 10}, {2, 3}};
  const ErasureResult r = erase_spans(model, ids, 9, spans, TargetSpec{Target::kLogitOfNext, -1});
  const std::int64_t next = ids[10].item<std::int64_t>();
  torch::NoGradGuard no_grad;
  for (std::size_t s = 0; s < spans.size(); ++s) {
    const double got = r.attributions[static_cast<std::int64_t>(s)].item<double>();
    if (spans[s].end - spans[s].begin == 10) {
      EXPECT_TRUE(std::isnan(got));  // nothing left to predict from
      continue;
    }
    const torch::Tensor kept = torch::cat({ids.slice(0, 0, spans[s].begin), ids.slice(0, spans[s].end, 10)});
    const double f = forward(model, kept).logits[-1][next].item<double>();
    EXPECT_NEAR(got, r.target_value - f, 1e-11) << s;
  }
}

TEST_P(Padding, RefusesAnEmptyBatchAndMixedTargets) {
  EXPECT_THROW(gradient_attributions(model, {}), std::invalid_argument);
  std::vector<Explanation> ex = mixed_explanations(Target::kLogitOfNext);
  ex[1].target.target = Target::kLogProbabilityOfNext;
  EXPECT_THROW(integrated_gradients(model, ex), std::invalid_argument);
  ex[1].position = 20;  // outside its 15 ids: named like the single call's error
  EXPECT_THROW(layer_conductance(model, ex), std::invalid_argument);
}

INSTANTIATE_TEST_SUITE_P(Families, Padding, ::testing::Values(Family::kGpt2, Family::kLlama),
                         [](const ::testing::TestParamInfo<Family>& info) {
                           return info.param == Family::kGpt2 ? std::string("Gpt2") : std::string("Llama");
                         });

TEST(Padding, Float32BatchStaysWithinRoundingOfOneAtATime) {
  const Model model = untrained_twin(tiny_config(Family::kGpt2), 12);
  const std::vector<Explanation> ex = mixed_explanations(Target::kLogProbabilityOfNext);
  const std::vector<IntegratedGradientsResult> ig = integrated_gradients(model, ex);
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const IntegratedGradientsResult one = integrated_gradients(model, ex[i].token_ids, ex[i].position, ex[i].target);
    // Different GEMM shapes sum in another order: float32 rounding, ~1e-7 relative per op.
    expect_close(ig[i].attributions, one.attributions, 1e-6, "float32 ig");
  }
}

// Float32, every feature at 1e-6 relative to its largest entry (issue 12.2; conductance: to the
// largest entry of the residual stream it integrates, see residual_scale): a padded batch
// against each sequence alone, for the forward pass (activations, attention), gradient norm,
// gradient x input, integrated gradients, conductance and span erasure. The batched and single
// passes multiply matrices of other shapes, so their sums run in another order: float32 rounds
// at 6e-8 relative per operation, and a few dozen operations deep that stays below 1e-6.
class PaddingFloat32 : public ::testing::TestWithParam<Family> {
 protected:
  Model model = untrained_twin(tiny_config(GetParam()), 57);
  // expect_close at 1e-6 of max(1, max|b|, scale), printing the measured error (the log's figures).
  void expect_close_reported(const torch::Tensor& a, const torch::Tensor& b, const std::string& what,
                             double scale = 0.0) {
    ASSERT_EQ(a.sizes(), b.sizes()) << what;
    const double largest = b.abs().max().item<double>();
    const double err = (a - b).abs().max().item<double>();
    std::cout << what << ": max |error| " << err << ", max |value| " << largest << ", bound 1e-6 x "
              << std::max({1.0, largest, scale}) << "\n";
    EXPECT_LE(err, 1e-6 * std::max({1.0, largest, scale})) << what;
  }
  // The largest entry of the residual stream of `ids` alone: conductance integrates gradients
  // against differences of that stream, so its float32 error is a few ulps of this scale, not of
  // the (often 10x smaller) conductance values. Measured: Llama conductance 1.0e-6 on values up to
  // 0.50 with residuals up to 4.4; the residuals' own float32 error is at most 2.5e-7 of them.
  double residual_scale(const torch::Tensor& ids) {
    torch::NoGradGuard no_grad;
    const ForwardResult r = forward(model, ids);
    double out = 0.0;
    for (const torch::Tensor& h : r.residual) out = std::max(out, h.abs().max().item<double>());
    return out;
  }
};

TEST_P(PaddingFloat32, EveryFeatureOfAPaddedBatchEqualsEachRowAloneTo1e6) {
  const std::vector<std::int64_t> lengths = {5, 12, 9};
  const std::int64_t longest = 12;
  torch::Tensor batch = random_ids(3 * longest, 98).view({3, longest});
  std::vector<torch::Tensor> rows;
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    rows.push_back(random_ids(lengths[i], 200 + i));
    batch[static_cast<std::int64_t>(i)].narrow(0, 0, lengths[i]).copy_(rows.back());
  }
  {
    torch::NoGradGuard no_grad;
    const ForwardResult padded = forward(model, batch);
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      const auto b = static_cast<std::int64_t>(i);
      const std::int64_t t = lengths[i];
      const ForwardResult alone = forward(model, rows[i]);
      expect_close_reported(padded.logits[b].narrow(0, 0, t), alone.logits, "float32 logits");
      for (std::int64_t l = 0; l < model.config.n_layers; ++l) {
        const auto li = static_cast<std::size_t>(l);
        expect_close_reported(padded.residual[li][b].narrow(0, 0, t), alone.residual[li], "float32 residual");
        expect_close(padded.attention[li][b].narrow(1, 0, t).narrow(2, 0, t), alone.attention[li], 1e-6,
                     "float32 attention");
      }
    }
  }
  const std::vector<Explanation> ex = mixed_explanations(Target::kLogProbabilityOfNext);
  const std::vector<GradientAttribution> g = gradient_attributions(model, ex);
  IntegratedGradientsOptions opt;
  opt.steps = 12;
  opt.batch_steps = 5;
  opt.baseline.kind = BaselineKind::kMean;
  const std::vector<IntegratedGradientsResult> ig = integrated_gradients(model, ex, opt);
  const std::vector<ConductanceResult> cond = layer_conductance(model, ex, opt);
  IntegratedGradientsOptions unchunked = opt;
  unchunked.batch_steps = 50;
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const GradientAttribution one = gradient_attribution(model, ex[i].token_ids, ex[i].position, ex[i].target);
    expect_close_reported(g[i].grad_norm, one.grad_norm, "float32 grad_norm");
    expect_close_reported(g[i].grad_x_input, one.grad_x_input, "float32 grad_x_input");
    const IntegratedGradientsResult ig1 =
        integrated_gradients(model, ex[i].token_ids, ex[i].position, ex[i].target, unchunked);
    expect_close_reported(ig[i].attributions, ig1.attributions, "float32 ig");
    const ConductanceResult c1 = layer_conductance(model, ex[i].token_ids, ex[i].position, ex[i].target, unchunked);
    expect_close_reported(cond[i].attributions, c1.attributions, "float32 conductance",
                          residual_scale(ex[i].token_ids.narrow(0, 0, ex[i].position + 1)));
  }
  // Span erasure: one padded forward of every erased copy against explicit forwards.
  const torch::Tensor ids = random_ids(11, 9);
  const std::vector<TokenSpan> spans = {{9, 10}, {4, 9}, {0, 1}, {2, 3}};
  const ErasureResult r = erase_spans(model, ids, 9, spans, TargetSpec{Target::kLogitOfNext, -1});
  const std::int64_t next = ids[10].item<std::int64_t>();
  torch::NoGradGuard no_grad;
  for (std::size_t s = 0; s < spans.size(); ++s) {
    const torch::Tensor kept = torch::cat({ids.slice(0, 0, spans[s].begin), ids.slice(0, spans[s].end, 10)});
    const double f = forward(model, kept).logits[-1][next].item<double>();
    const double scale = std::max({1.0, std::abs(f), std::abs(r.target_value)});
    EXPECT_NEAR(r.attributions[static_cast<std::int64_t>(s)].item<double>(), r.target_value - f, 1e-6 * scale) << s;
  }
}

INSTANTIATE_TEST_SUITE_P(Families, PaddingFloat32, ::testing::Values(Family::kGpt2, Family::kLlama),
                         [](const ::testing::TestParamInfo<Family>& info) {
                           return info.param == Family::kGpt2 ? std::string("Gpt2") : std::string("Llama");
                         });

// extract_word_features batches the attributions of many words (attribution_batch_elements); with
// a budget of 1 element every word goes alone. Both give the same features.
TEST(Padding, WordFeaturesBatchedAcrossWordsEqualWordByWord) {
  const Model model = to_dtype(untrained_twin(tiny_config(Family::kLlama), 44), torch::kFloat64);
  std::vector<std::vector<std::int32_t>> words;
  const torch::Tensor ids = random_ids(40, 17);
  for (std::int64_t i = 0; i < 40;) {
    const std::int64_t len = 1 + i % 3;  // words of 1-3 tokens
    std::vector<std::int32_t> w;
    for (std::int64_t k = 0; k < len && i < 40; ++k, ++i) w.push_back(static_cast<std::int32_t>(ids[i].item<std::int64_t>()));
    words.push_back(w);
  }
  WordFeatureOptions opt;
  opt.features.activations = false;
  opt.features.grad_norm = true;
  opt.features.grad_x_input = true;
  opt.features.integrated_gradients = true;
  opt.features.conductance = true;
  opt.context_words = 4;
  opt.lags = 3;
  opt.integrated_gradients.steps = 6;
  opt.integrated_gradients.baseline.kind = BaselineKind::kMean;
  std::vector<std::int64_t> progress;
  opt.progress = [&](std::int64_t done, std::int64_t) { progress.push_back(done); };
  const WordFeatures batched = extract_word_features(model, words, opt);
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress.back(), static_cast<std::int64_t>(words.size()));
  opt.attribution_batch_elements = 1;
  const WordFeatures alone = extract_word_features(model, words, opt);
  const auto close = [](const RowMatrix& a, const RowMatrix& b) {
    return a.rows() == b.rows() && (a - b).cwiseAbs().maxCoeff() <= 1e-10 * std::max(1.0, b.cwiseAbs().maxCoeff());
  };
  EXPECT_GT(batched.integrated_gradients.cwiseAbs().maxCoeff(), 0.0);
  EXPECT_TRUE(close(batched.grad_norm, alone.grad_norm));
  EXPECT_TRUE(close(batched.grad_x_input, alone.grad_x_input));
  EXPECT_TRUE(close(batched.grad_x_input_l2, alone.grad_x_input_l2));
  EXPECT_TRUE(close(batched.integrated_gradients, alone.integrated_gradients));
  for (std::size_t l = 0; l < batched.conductance.size(); ++l) {
    EXPECT_TRUE(close(batched.conductance[l], alone.conductance[l])) << l;
  }
  // IG and conductance from one pass (conductance n_steps = IG steps - 1) equal two passes.
  opt.attribution_batch_elements = std::int64_t{1} << 16;
  opt.conductance_steps = opt.integrated_gradients.steps - 1;
  const WordFeatures one_pass = extract_word_features(model, words, opt);
  opt.attribution_batch_elements = 1;
  const WordFeatures two_pass_ig = alone;  // IG does not depend on conductance_steps
  opt.features.integrated_gradients = false;
  const WordFeatures two_pass_cond = extract_word_features(model, words, opt);
  EXPECT_TRUE(close(one_pass.integrated_gradients, two_pass_ig.integrated_gradients));
  for (std::size_t l = 0; l < one_pass.conductance.size(); ++l) {
    EXPECT_TRUE(close(one_pass.conductance[l], two_pass_cond.conductance[l])) << l;
    EXPECT_FALSE(close(one_pass.conductance[l], alone.conductance[l])) << "5 vs 7 points should differ";
  }
  opt.attribution_batch_elements = 0;
  EXPECT_THROW(extract_word_features(model, words, opt), std::invalid_argument);
}

}  // namespace
}  // namespace neuroscore::extract
