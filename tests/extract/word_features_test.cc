// Word features: windows (context N, sliding windows), pooling, word-level features against the
// token-level functions, and the `extract` pipeline end to end on stories260K.
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "extract/feature_request.hpp"
#include "extract/loaders.hpp"
#include "extract/run_extract.hpp"
#include "extract/sha256.hpp"
#include "extract/word_features.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(std::string(1000, 'a')),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
}

TEST(Windows, ContextNGivesEachWordUpToNPrecedingWords) {
  const std::vector<std::int64_t> counts = {1, 2, 1, 3, 1, 1};
  const std::vector<Window> w = make_windows(counts, 5, 2, 0);
  ASSERT_EQ(w.size(), 6U);
  EXPECT_EQ(w[0].first_word, 0);
  EXPECT_EQ(w[2].first_word, 0);  // words 0..2: 4 tokens fit
  EXPECT_EQ(w[3].first_word, 2);  // 1 + 2 + 1 + 3 = 7 > 5 drops word 1 as well: 2..3 = 4 tokens
  EXPECT_EQ(w[5].first_word, 3);
  for (std::size_t i = 0; i < w.size(); ++i) {
    EXPECT_EQ(w[i].assigned_begin, static_cast<std::int64_t>(i));
    EXPECT_EQ(w[i].end_word, static_cast<std::int64_t>(i) + 1);
  }
}

TEST(Windows, SlidingWindowsAssignEveryWordOnceAndFit) {
  const std::vector<std::int64_t> counts = {1, 2, 1, 3, 1, 1, 2, 2, 1, 1, 1, 3, 2};
  for (std::int64_t stride : {0, 1, 3}) {
    const std::vector<Window> ws = make_windows(counts, 6, 0, stride);
    std::int64_t next = 0;
    for (const Window& w : ws) {
      EXPECT_EQ(w.assigned_begin, next);
      EXPECT_LE(w.first_word, w.assigned_begin);
      EXPECT_GT(w.assigned_end, w.assigned_begin);
      EXPECT_EQ(w.assigned_end, w.end_word);
      std::int64_t tokens = 0;
      for (std::int64_t i = w.first_word; i < w.end_word; ++i) tokens += counts[static_cast<std::size_t>(i)];
      EXPECT_LE(tokens, 6);
      next = w.assigned_end;
    }
    EXPECT_EQ(next, static_cast<std::int64_t>(counts.size()));
  }
  EXPECT_THROW(make_windows({1, 7}, 6, 0, 0), std::invalid_argument);
}

TEST(Pooling, EachRule) {
  const std::vector<double> v = {1.0, -4.0, 2.0};
  EXPECT_EQ(pool_scalar(v, Pooling::kLast), 2.0);
  EXPECT_EQ(pool_scalar(v, Pooling::kFirst), 1.0);
  EXPECT_EQ(pool_scalar(v, Pooling::kSum), -1.0);
  EXPECT_DOUBLE_EQ(pool_scalar(v, Pooling::kMean), -1.0 / 3.0);
  EXPECT_EQ(pool_scalar(v, Pooling::kAbsMax), -4.0);
}

ModelConfig tiny() {
  ModelConfig c;
  c.family = Family::kLlama;
  c.dim = 16;
  c.hidden_dim = 32;
  c.n_layers = 2;
  c.n_heads = 2;
  c.n_kv_heads = 2;
  c.vocab_size = 40;
  c.max_seq_len = 64;
  c.initializer_range = 0.2;
  return c;
}

TEST(WordFeatures, MatchTokenLevelFunctionsInOneWindow) {
  const Model model = to_dtype(untrained_twin(tiny(), 5), torch::kFloat64);
  const std::vector<std::vector<std::int32_t>> words = {{5, 6}, {7}, {8, 9, 10}, {11}, {12, 13}};
  WordFeatureOptions opt;
  opt.features.attention = true;
  opt.features.grad_norm = true;
  opt.features.integrated_gradients = true;
  opt.features.erasure = true;
  opt.features.conductance = true;
  opt.lags = 3;
  opt.integrated_gradients.steps = 10;
  const WordFeatures f = extract_word_features(model, words, opt);
  ASSERT_EQ(f.windows.size(), 1U);
  ASSERT_EQ(f.activations.size(), 3U);
  const torch::Tensor ids = torch::tensor(std::vector<std::int64_t>{1, 5, 6, 7, 8, 9, 10, 11, 12, 13});
  torch::NoGradGuard no_grad;
  const ForwardResult r = forward(model, ids);
  // Word 2 = tokens 4..6: last-sub-word activation of block 1 is token 6.
  EXPECT_NEAR(f.activations[2](2, 3), r.residual[1][6][3].item<double>(), 1e-12);
  EXPECT_NEAR(f.activations[0](0, 0), r.block_input[2][0].item<double>(), 1e-12);
  // Attention of word 2 (query token 6) to word 1 (token 3) and word 2 (tokens 4..6), head average.
  EXPECT_NEAR(f.attention[0](2, 1), r.attention[0].mean(0)[6][3].item<double>(), 1e-12);
  EXPECT_NEAR(f.attention[0](2, 0), r.attention[0].mean(0)[6].slice(0, 4, 7).sum().item<double>(), 1e-12);
  // Gradient norm of word 2 -> word 3 prediction (target token 11), summed over sub-words.
  {
    torch::AutoGradMode on(true);
    const GradientAttribution g = gradient_attribution(model, ids, 6, TargetSpec{Target::kLogProbabilityOfNext, 11});
    EXPECT_NEAR(f.grad_norm(2, 0), g.grad_norm.slice(0, 4, 7).sum().item<double>(), 1e-10);
    EXPECT_NEAR(f.grad_norm(2, 2), g.grad_norm.slice(0, 1, 3).sum().item<double>(), 1e-10);
  }
  // The last word has no next word: zero rows, NaN completeness.
  EXPECT_EQ(f.grad_norm.row(4).norm(), 0.0);
  EXPECT_TRUE(std::isnan(f.ig_completeness_gap[4]));
  EXPECT_FALSE(std::isnan(f.ig_completeness_gap[3]));
  EXPECT_EQ(f.context_words[3], 3);
}

TEST(WordFeatures, ContextNLimitsTheWindow) {
  const Model model = untrained_twin(tiny(), 6);
  const std::vector<std::vector<std::int32_t>> words = {{5}, {6, 7}, {8}, {9}};
  WordFeatureOptions opt;
  opt.context_words = 1;
  const WordFeatures f = extract_word_features(model, words, opt);
  EXPECT_EQ(f.windows.size(), 4U);
  EXPECT_EQ(f.context_words[3], 1);
  torch::NoGradGuard no_grad;
  const ForwardResult r = forward(model, torch::tensor(std::vector<std::int64_t>{1, 8, 9}));
  EXPECT_NEAR(f.activations[1](3, 0), r.residual[0][2][0].item<double>(), 1e-6);
}

TEST(ExtractCommand, Stories260kEndToEnd) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const auto dir = root / "models" / "stories260K";
  const std::filesystem::path scratch = neuroscore::testing::scratch_dir("extract_command");
  std::ofstream(scratch / "words.txt") << "Once upon a time, there was a little girl named Lily.\n";
  FeatureRequest req;
  req.model_path = (dir / "stories260K.bin").string();
  req.tokenizer_path = (dir / "tok512.bin").string();
  req.stimulus = Stimulus::file((scratch / "words.txt").string());
  req.out_dir = (scratch / "out").string();
  req.features = {Feature::kActivations, Feature::kAttention, Feature::kGradNorm, Feature::kGradXInput,
                  Feature::kIntegratedGradients, Feature::kErasure, Feature::kConductance};
  req.ig_steps = 8;
  const ExtractSummary s = run_extract(req, nullptr);
  EXPECT_EQ(s.words, 11);
  const nlohmann::json m = nlohmann::json::parse(std::ifstream(scratch / "out" / "manifest.json"));
  EXPECT_EQ(m["words"].size(), 11U);
  EXPECT_EQ(m["model"]["sha256"].get<std::string>().size(), 64U);
  EXPECT_EQ(m["layer_names"].size(), 6U);
  const Eigen::MatrixXd act = io::read_npy_matrix(scratch / "out" / "activations_block_4.npy");
  EXPECT_EQ(act.rows(), 11);
  EXPECT_EQ(act.cols(), 64);
  const Eigen::MatrixXd ig = io::read_npy_matrix(scratch / "out" / "integrated_gradients.npy");
  EXPECT_EQ(ig.cols(), 10);
  EXPECT_TRUE(std::filesystem::exists(scratch / "out" / "conductance_block_0.npy"));
  // No feature is refused ("--features activations,bogus" by the command line:
  // tests/benchmarks/extract_args_test.cc).
  req.features = {};
  EXPECT_THROW(run_extract(req, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace neuroscore::extract
