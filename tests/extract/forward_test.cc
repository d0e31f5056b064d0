// The explicit forward pass: stories260K's known greedy output byte for byte, embeddings in vs ids
// in, batching, float32 vs float64, gradients against finite differences, attention, context limit,
// and the llama2.c loader's errors on corrupt checkpoints.
#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "extract/llama2c_tokenizer.hpp"
#include "extract/loaders.hpp"
#include "extract/model.hpp"
#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

// llama2.c's own test of this checkpoint (test_all.py / the data README): 200 greedy steps from BOS.
constexpr const char* kStories260kGreedy200 =
    "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she "
    "saw a big, red ball. She wanted to play with it, but it was too high.\nLily's mom said, \"Lily, let's go to "
    "the park.\" Lily was sad and didn't know what to do. She said, \"I want to play with your ball, but I can't "
    "find it.\"\nLily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to "
    "do.\"\nLily didn't want to help her mom, so she";

std::filesystem::path stories_dir(const std::filesystem::path& root) { return root / "models" / "stories260K"; }

torch::Tensor ids_tensor(const std::vector<std::int32_t>& ids) {
  std::vector<std::int64_t> wide(ids.begin(), ids.end());
  return torch::tensor(wide, torch::TensorOptions().dtype(torch::kLong));
}

TEST(Stories260k, GreedyDecodingReproducesLlama2cByteForByte) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Model model = load_llama2c((stories_dir(root) / "stories260K.bin").string());
  EXPECT_EQ(model.config.dim, 64);
  EXPECT_EQ(model.config.n_layers, 5);
  EXPECT_EQ(model.config.n_heads, 8);
  EXPECT_EQ(model.config.n_kv_heads, 4);
  EXPECT_EQ(model.config.vocab_size, 512);
  EXPECT_EQ(model.config.max_seq_len, 512);
  const Llama2cTokenizer tok = load_llama2c_tokenizer((stories_dir(root) / "tok512.bin").string(), 512);
  const std::vector<std::int64_t> tokens = greedy_generate(model, {Llama2cTokenizer::kBos}, 200);
  ASSERT_EQ(tokens.size(), 201U);
  const std::vector<std::int32_t> narrow(tokens.begin(), tokens.end());
  EXPECT_EQ(decode(tok, narrow, LoneBytes::kDropAsRunCPrints), kStories260kGreedy200);
  EXPECT_EQ(decode(tok, narrow), kStories260kGreedy200);
}

TEST(Stories260k, TokenizerEncodesTheGreedyTextBackToItsTokens) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Llama2cTokenizer tok = load_llama2c_tokenizer((stories_dir(root) / "tok512.bin").string(), 512);
  const std::vector<std::int32_t> ids = encode(tok, "Once upon a time");
  ASSERT_GE(ids.size(), 2U);
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(decode(tok, ids), "Once upon a time");
}

class Stories260kForward : public ::testing::Test {
 protected:
  void SetUp() override {
    NEUROSCORE_DATA_ROOT_OR_SKIP(root);
    model_ = load_llama2c((stories_dir(root) / "stories260K.bin").string());
    tok_ = load_llama2c_tokenizer((stories_dir(root) / "tok512.bin").string(), 512);
    ids_ = ids_tensor(encode(tok_, "Once upon a time, there was a little girl named Lily."));
  }
  Model model_;
  Llama2cTokenizer tok_;
  torch::Tensor ids_;
};

TEST_F(Stories260kForward, ShapesOfEveryOutput) {
  const std::int64_t T = ids_.size(0);
  const ForwardResult r = forward(model_, ids_);
  EXPECT_EQ(r.embeddings.sizes().vec(), (std::vector<std::int64_t>{T, 64}));
  EXPECT_EQ(r.block_input.sizes().vec(), (std::vector<std::int64_t>{T, 64}));
  ASSERT_EQ(r.residual.size(), 5U);
  ASSERT_EQ(r.attention.size(), 5U);
  for (int l = 0; l < 5; ++l) {
    EXPECT_EQ(r.residual[l].sizes().vec(), (std::vector<std::int64_t>{T, 64}));
    EXPECT_EQ(r.attention[l].sizes().vec(), (std::vector<std::int64_t>{8, T, T}));
  }
  EXPECT_EQ(r.final_norm.sizes().vec(), (std::vector<std::int64_t>{T, 64}));
  EXPECT_EQ(r.logits.sizes().vec(), (std::vector<std::int64_t>{T, 512}));
}

TEST_F(Stories260kForward, AttentionRowsAreCausalDistributions) {
  const ForwardResult r = forward(model_, ids_);
  for (const torch::Tensor& a : r.attention) {
    EXPECT_LT((a.sum(-1) - 1).abs().max().item<double>(), 1e-5);
    EXPECT_EQ(a.triu(1).abs().max().item<double>(), 0.0);  // no query sees the future
    EXPECT_GE(a.min().item<double>(), 0.0);
  }
}

TEST_F(Stories260kForward, FromEmbeddingsEqualsFromIds) {
  const ForwardResult a = forward(model_, ids_);
  const ForwardResult b = forward_from_embeddings(model_, embed(model_, ids_));
  EXPECT_TRUE(torch::equal(a.logits, b.logits));
  for (std::size_t l = 0; l < a.residual.size(); ++l) {
    EXPECT_TRUE(torch::equal(a.residual[l], b.residual[l]));
    EXPECT_TRUE(torch::equal(a.attention[l], b.attention[l]));
  }
}

TEST_F(Stories260kForward, FromResidualContinuesTheSamePass) {
  const ForwardResult full = forward(model_, ids_);
  for (std::int64_t first = 0; first <= 5; ++first) {
    const torch::Tensor stream = first == 0 ? full.block_input : full.residual[static_cast<std::size_t>(first - 1)];
    const ForwardResult rest = forward_from_residual(model_, stream, first);
    EXPECT_TRUE(torch::equal(rest.logits, full.logits)) << "first block " << first;
    ASSERT_EQ(rest.residual.size(), 5U);
    ASSERT_EQ(rest.attention.size(), 5U);
    for (std::int64_t l = 0; l < 5; ++l) {
      EXPECT_EQ(rest.residual[static_cast<std::size_t>(l)].defined(), l >= first);
    }
  }
  EXPECT_THROW(forward_from_residual(model_, full.block_input, 6), std::invalid_argument);
  EXPECT_THROW(forward_from_residual(model_, full.block_input, -1), std::invalid_argument);
}

TEST_F(Stories260kForward, RefusesEmbeddingsOfAnotherDtypeOrWidth) {
  const torch::Tensor e = embed(model_, ids_);
  const std::string dtype = error_message<std::invalid_argument>(
      [&] { forward_from_embeddings(model_, e.to(torch::kFloat64)); });
  EXPECT_NE(dtype.find("to_dtype"), std::string::npos) << dtype;
  EXPECT_THROW(forward_from_embeddings(model_, e.narrow(1, 0, 32)), std::invalid_argument);
  EXPECT_THROW(forward_from_embeddings(model_, e[0]), std::invalid_argument);
}

TEST_F(Stories260kForward, BatchedEqualsOneAtATime) {
  const torch::Tensor other = ids_.flip(0);
  const ForwardResult batch = forward(model_, torch::stack({ids_, other}));
  const ForwardResult one = forward(model_, ids_);
  const ForwardResult two = forward(model_, other);
  // Batched matmuls may block differently: allow float32 rounding (logits are O(10)).
  EXPECT_LT((batch.logits[0] - one.logits).abs().max().item<double>(), 1e-4);
  EXPECT_LT((batch.logits[1] - two.logits).abs().max().item<double>(), 1e-4);
  EXPECT_LT((batch.attention[4][1] - two.attention[4]).abs().max().item<double>(), 1e-5);
}

TEST_F(Stories260kForward, PrefixDoesNotSeeTheFuture) {
  const std::int64_t T = ids_.size(0);
  const ForwardResult full = forward(model_, ids_);
  const ForwardResult prefix = forward(model_, ids_.narrow(0, 0, T / 2));
  EXPECT_LT((full.logits.narrow(0, 0, T / 2) - prefix.logits).abs().max().item<double>(), 1e-4);
}

TEST_F(Stories260kForward, Float32AndFloat64LogitsAgree) {
  const Model model64 = to_dtype(model_, torch::kFloat64);
  const torch::Tensor l32 = forward(model_, ids_).logits;
  const torch::Tensor l64 = forward(model64, ids_).logits;
  EXPECT_EQ(l64.scalar_type(), torch::kFloat64);
  // Bound: float32 has 2^-24 relative rounding per op; 5 layers of 64-wide dot products and
  // RMSNorm amplify it to ~1e-5 on logits of magnitude ~10. 1e-3 absolute leaves 100x margin.
  const double max_diff = (l32.to(torch::kFloat64) - l64).abs().max().item<double>();
  EXPECT_LT(max_diff, 1e-3);
  RecordProperty("float32_vs_float64_max_abs_logit_diff", std::to_string(max_diff));
  std::printf("float32 vs float64 max |logit diff| on stories260K: %.3g\n", max_diff);
}

TEST_F(Stories260kForward, RefusesMoreThanTheContextLength) {
  const torch::Tensor too_long = torch::ones({513}, torch::TensorOptions().dtype(torch::kLong));
  const std::string message = error_message<std::invalid_argument>([&] { forward(model_, too_long); });
  EXPECT_NE(message.find("513"), std::string::npos) << message;
  EXPECT_NE(message.find("512"), std::string::npos) << message;
}

TEST_F(Stories260kForward, RefusesIdsOutsideTheVocabulary) {
  const std::string message = error_message<std::invalid_argument>(
      [&] { forward(model_, torch::tensor({1, 512}, torch::TensorOptions().dtype(torch::kLong))); });
  EXPECT_NE(message.find("512"), std::string::npos) << message;
}

TEST_F(Stories260kForward, GradientReachesEveryInputEmbedding) {
  torch::Tensor e = embed(model_, ids_).detach().requires_grad_(true);
  const ForwardResult r = forward_from_embeddings(model_, e);
  const std::int64_t last = ids_.size(0) - 1;
  const torch::Tensor logp = torch::log_softmax(r.logits[last], -1)[ids_[last]];
  const torch::Tensor g = torch::autograd::grad({logp}, {e}, {}, /*retain_graph=*/true)[0];
  EXPECT_EQ(g.sizes(), e.sizes());
  EXPECT_GT(g.norm(2, {1}).min().item<double>(), 0.0);  // every position influences the last
  // The residual stream and attention of each layer are graph nodes too.
  const torch::Tensor gr = torch::autograd::grad({r.logits[last].sum()}, {r.residual[2], r.attention[1]}, {}, true)[0];
  EXPECT_GT(gr.abs().sum().item<double>(), 0.0);
  // Gradients through a residual stream are only nonzero at positions <= last (causality).
  const torch::Tensor g_first = torch::autograd::grad({r.logits[1].sum()}, {r.residual[2]}, {}, true)[0];
  EXPECT_EQ(g_first.narrow(0, 2, last - 1).abs().max().item<double>(), 0.0);
}

// Central finite differences on a tiny float64 model: each directional derivative of a scalar
// target along a random direction equals the autograd gradient's projection.
void expect_gradient_matches_finite_differences(const ModelConfig& config, std::uint64_t seed) {
  Model model = to_dtype(untrained_twin(config, seed), torch::kFloat64);
  // Larger weights than the 0.02 init so every nonlinearity (norms, softmax, SwiGLU/GELU) is exercised.
  torch::manual_seed(7);
  for (LayerWeights& w : model.layers) {
    for (torch::Tensor* t : {&w.wq, &w.wk, &w.wv, &w.wo, &w.w1, &w.w2}) *t = *t * 20.0;
    if (w.w3.defined()) w.w3 = w.w3 * 20.0;
  }
  const torch::Tensor ids = torch::tensor({1, 5, 3, 7, 2}, torch::TensorOptions().dtype(torch::kLong));
  const torch::Tensor e0 = embed(model, ids).detach() * 20.0;
  auto target = [&](const torch::Tensor& e) {
    const ForwardResult r = forward_from_embeddings(model, e);
    return torch::log_softmax(r.logits[-1], -1)[4] + r.residual[0].pow(2).sum() * 1e-3;
  };
  torch::Tensor e = e0.clone().requires_grad_(true);
  const torch::Tensor grad = torch::autograd::grad({target(e)}, {e})[0];
  const double h = 1e-6;
  for (int trial = 0; trial < 5; ++trial) {
    const torch::Tensor dir = torch::randn(e0.sizes(), torch::TensorOptions().dtype(torch::kFloat64));
    double fd;
    {
      torch::NoGradGuard no_grad;
      fd = (target(e0 + h * dir) - target(e0 - h * dir)).item<double>() / (2 * h);
    }
    const double analytic = (grad * dir).sum().item<double>();
    // Central differences err by h^2 f'''/6 (the 20x weights make f''' large: ~3e-7 was seen at
    // h = 1e-5, so ~3e-9 at 1e-6) plus ~1e-16 |f| / h = 1e-10 of rounding: 1e-6 relative is safe
    // and still 5 orders below a wrong gradient.
    EXPECT_NEAR(fd, analytic, 1e-6 * std::max(1.0, std::abs(analytic))) << "trial " << trial;
  }
}

ModelConfig tiny(Family family) {
  ModelConfig c;
  c.family = family;
  c.dim = 8;
  c.hidden_dim = 12;
  c.n_layers = 2;
  c.n_heads = 4;
  c.n_kv_heads = family == Family::kLlama ? 2 : 4;
  c.vocab_size = 11;
  c.max_seq_len = 16;
  c.tied_classifier = family == Family::kGpt2;
  return c;
}

TEST(ForwardGradients, LlamaMatchesCentralFiniteDifferences) {
  expect_gradient_matches_finite_differences(tiny(Family::kLlama), 3);
}

TEST(ForwardGradients, Gpt2MatchesCentralFiniteDifferences) {
  expect_gradient_matches_finite_differences(tiny(Family::kGpt2), 4);
}

TEST(ForwardGradients, HalvesRopeLayoutMatchesFiniteDifferences) {
  ModelConfig c = tiny(Family::kLlama);
  c.rope_layout = RopeLayout::kHalves;
  expect_gradient_matches_finite_differences(c, 5);
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(Llama2cLoader, TruncatedCheckpointNamesFileTensorAndBytes) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const std::string bytes = read_bytes(stories_dir(root) / "stories260K.bin");
  const std::filesystem::path dir = neuroscore::testing::scratch_dir("llama2c_truncated");
  const std::filesystem::path cut = dir / "cut.bin";
  write_bytes(cut, bytes.substr(0, bytes.size() / 2));
  const std::string message = error_message<std::runtime_error>([&] { load_llama2c(cut.string()); });
  EXPECT_NE(message.find(cut.string()), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
  EXPECT_NE(message.find("'w"), std::string::npos) << message;  // a weight matrix in the middle
  EXPECT_NE(message.find(std::to_string(bytes.size() / 2)), std::string::npos) << message;
  EXPECT_NE(message.find(std::to_string(bytes.size())), std::string::npos) << message;

  const std::filesystem::path longer = dir / "longer.bin";
  write_bytes(longer, bytes + std::string(12, '\0'));
  const std::string message2 = error_message<std::runtime_error>([&] { load_llama2c(longer.string()); });
  EXPECT_NE(message2.find("12 trailing bytes"), std::string::npos) << message2;
}

TEST(Llama2cLoader, MissingFileIsAClearError) {
  const std::string message = error_message<std::runtime_error>([] { load_llama2c("/nonexistent/model.bin"); });
  EXPECT_NE(message.find("/nonexistent/model.bin"), std::string::npos) << message;
}

}  // namespace
}  // namespace neuroscore::extract
