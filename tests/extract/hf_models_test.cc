// Hugging Face Llama and GPT-2 models: save_hf / load_hf round trips (single file and sharded),
// llama2.c -> safetensors, untrained twins' initialisation, and errors naming the tensor.
#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "extract/loaders.hpp"
#include "extract/model.hpp"
#include "extract/safetensors.hpp"
#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

#include "tests/extract/golden/hf_golden.inc"

using neuroscore::testing::error_message;
namespace fs = std::filesystem;

ModelConfig small(Family family) {
  ModelConfig c;
  c.family = family;
  c.dim = 16;
  c.hidden_dim = 40;
  c.n_layers = 3;
  c.n_heads = 4;
  c.n_kv_heads = family == Family::kLlama ? 2 : 4;
  c.vocab_size = 37;
  c.max_seq_len = 24;
  c.norm_eps = 1e-5;
  c.tied_classifier = family == Family::kGpt2;
  c.rope_layout = RopeLayout::kHalves;
  return c;
}

// A twin whose norms and biases are not 1 and 0, so every tensor's placement matters.
Model random_model(const ModelConfig& c, std::uint64_t seed) {
  Model m = untrained_twin(c, seed);
  torch::manual_seed(static_cast<std::uint64_t>(seed));
  auto jiggle = [](torch::Tensor& t) {
    if (t.defined()) t = t + 0.1 * torch::randn(t.sizes());
  };
  for (LayerWeights& w : m.layers) {
    for (torch::Tensor* t : {&w.attn_norm_weight, &w.attn_norm_bias, &w.ffn_norm_weight, &w.ffn_norm_bias, &w.bq,
                             &w.bk, &w.bv, &w.bo, &w.b1, &w.b2}) {
      jiggle(*t);
    }
  }
  jiggle(m.final_norm_weight);
  jiggle(m.final_norm_bias);
  return m;
}

torch::Tensor some_ids(const ModelConfig& c) {
  return torch::arange(0, 2 * c.max_seq_len / 3, torch::TensorOptions().dtype(torch::kLong)) * 7 % c.vocab_size;
}

class RoundTrip : public ::testing::TestWithParam<Family> {};

TEST_P(RoundTrip, SavedAndReloadedModelGivesIdenticalLogits) {
  const ModelConfig c = small(GetParam());
  const Model m = random_model(c, 11);
  const fs::path dir = neuroscore::testing::scratch_dir(std::string("roundtrip_") + family_name(c.family));
  save_hf(m, dir.string());
  const Model back = load_hf(dir.string());
  EXPECT_EQ(back.config.tied_classifier, c.tied_classifier);
  const ForwardResult a = forward(m, some_ids(c)), b = forward(back, some_ids(c));
  EXPECT_TRUE(torch::equal(a.logits, b.logits));
  for (std::size_t l = 0; l < a.attention.size(); ++l) EXPECT_TRUE(torch::equal(a.attention[l], b.attention[l]));
}

TEST_P(RoundTrip, Float64FileLoadsExactlyAndBf16Approximately) {
  const ModelConfig c = small(GetParam());
  const Model m = random_model(c, 12);
  const torch::Tensor ref = forward(m, some_ids(c)).logits;
  const fs::path dir = neuroscore::testing::scratch_dir(std::string("dtypes_") + family_name(c.family));
  save_hf(m, (dir / "f64").string(), DType::kF64);
  EXPECT_TRUE(torch::equal(forward(load_hf((dir / "f64").string()), some_ids(c)).logits, ref));
  save_hf(m, (dir / "bf16").string(), DType::kBF16);
  // BF16 keeps 8 significant bits (relative error 2^-9 per weight); logits here are O(0.1-1).
  EXPECT_LT((forward(load_hf((dir / "bf16").string()), some_ids(c)).logits - ref).abs().max().item<double>(), 0.05);
}

TEST_P(RoundTrip, ShardedCheckpointWithIndexLoadsTheSame) {
  const ModelConfig c = small(GetParam());
  const Model m = random_model(c, 13);
  const fs::path dir = neuroscore::testing::scratch_dir(std::string("sharded_") + family_name(c.family));
  save_hf(m, dir.string());
  // Split model.safetensors into two shards and an index, as transformers' save_pretrained does.
  const SafetensorsFile whole = read_safetensors((dir / "model.safetensors").string());
  std::vector<TensorToWrite> shard[2];
  std::string index = R"({"metadata":{},"weight_map":{)";
  for (std::size_t i = 0; i < whole.header.tensors.size(); ++i) {
    const SafetensorsEntry& e = whole.header.tensors[i];
    const int s = i % 2 == 0 ? 0 : 1;
    shard[s].push_back({e.name, e.dtype, e.shape, std::string(whole.data(e))});
    index += (i ? "," : "") + std::string("\"") + e.name + "\":\"model-0000" + std::to_string(s + 1) +
             "-of-00002.safetensors\"";
  }
  index += "}}";
  fs::remove(dir / "model.safetensors");
  write_safetensors((dir / "model-00001-of-00002.safetensors").string(), shard[0]);
  write_safetensors((dir / "model-00002-of-00002.safetensors").string(), shard[1]);
  std::ofstream(dir / "model.safetensors.index.json") << index;
  EXPECT_TRUE(torch::equal(forward(load_hf(dir.string()), some_ids(c)).logits, forward(m, some_ids(c)).logits));
}

TEST_P(RoundTrip, ShapeMismatchAndMissingTensorNameTheTensor) {
  const ModelConfig c = small(GetParam());
  const fs::path dir = neuroscore::testing::scratch_dir(std::string("errors_") + family_name(c.family));
  save_hf(random_model(c, 14), dir.string());
  // A config claiming a wider feed-forward than the weights have.
  ModelConfig wrong = c;
  wrong.hidden_dim = 48;
  Model other = untrained_twin(wrong, 1);
  save_hf(other, (dir / "other").string());
  fs::copy_file(dir / "other" / "config.json", dir / "config.json", fs::copy_options::overwrite_existing);
  const std::string message = error_message<std::runtime_error>([&] { load_hf(dir.string()); });
  EXPECT_NE(message.find(c.family == Family::kLlama ? "mlp.gate_proj.weight" : "mlp.c_fc.weight"), std::string::npos)
      << message;
  EXPECT_NE(message.find(c.family == Family::kLlama ? "[40, 16]" : "[16, 40]"), std::string::npos) << message;
  EXPECT_NE(message.find("48"), std::string::npos) << message;
  EXPECT_NE(message.find("model.safetensors"), std::string::npos) << message;

  // Drop one tensor.
  const SafetensorsFile whole = read_safetensors((dir / "other" / "model.safetensors").string());
  std::vector<TensorToWrite> kept;
  for (const SafetensorsEntry& e : whole.header.tensors) {
    if (e.name.find("layers.1.") == std::string::npos && e.name.find("h.1.") == std::string::npos) {
      kept.push_back({e.name, e.dtype, e.shape, std::string(whole.data(e))});
    }
  }
  write_safetensors((dir / "other" / "model.safetensors").string(), kept);
  const std::string missing = error_message<std::runtime_error>([&] { load_hf((dir / "other").string()); });
  EXPECT_NE(missing.find("missing tensor"), std::string::npos) << missing;
  EXPECT_NE(missing.find(".1."), std::string::npos) << missing;

  EXPECT_THROW(load_hf((dir / "nothing_here").string()), std::runtime_error);
}

TEST(Gpt2Keys, TransformerPrefixAndUntiedHeadLoad) {
  ModelConfig c = small(Family::kGpt2);
  c.tied_classifier = false;
  const Model m = random_model(c, 15);
  const fs::path dir = neuroscore::testing::scratch_dir("gpt2_prefix");
  save_hf(m, dir.string());
  // GPT2LMHeadModel.save_pretrained names the body "transformer.*" next to lm_head.weight.
  const SafetensorsFile whole = read_safetensors((dir / "model.safetensors").string());
  std::vector<TensorToWrite> renamed;
  bool has_head = false;
  for (const SafetensorsEntry& e : whole.header.tensors) {
    const bool head = e.name == "lm_head.weight";
    has_head = has_head || head;
    renamed.push_back({head ? e.name : "transformer." + e.name, e.dtype, e.shape, std::string(whole.data(e))});
  }
  EXPECT_TRUE(has_head);
  write_safetensors((dir / "model.safetensors").string(), renamed);
  EXPECT_TRUE(torch::equal(forward(load_hf(dir.string()), some_ids(c)).logits, forward(m, some_ids(c)).logits));
}

INSTANTIATE_TEST_SUITE_P(Families, RoundTrip, ::testing::Values(Family::kLlama, Family::kGpt2),
                         [](const ::testing::TestParamInfo<Family>& info) {
                           return std::string(family_name(info.param));
                         });

// Tiny checkpoints whose safetensors and reference logits were written by make_hf_golden.py, a
// transcription of transformers' GPT-2 and Llama forward passes in float64 PyTorch.
void expect_matches_golden(const std::string& folder, const double (&golden)[9][29]) {
  const Model m = load_hf("tests/extract/golden/" + folder);
  const torch::Tensor ids = torch::from_blob(const_cast<long*>(kGoldenIds), {9}, torch::kLong).clone();
  const torch::Tensor expected =
      torch::from_blob(const_cast<double*>(&golden[0][0]), {9, 29}, torch::kFloat64).clone();
  // Same float32 weights evaluated in float64 on both sides: only summation order differs (~1e-15).
  const double err64 = (forward(to_dtype(m, torch::kFloat64), ids).logits - expected).abs().max().item<double>();
  EXPECT_LT(err64, 1e-10) << folder;
  // float32 evaluation: logits are O(1), float32 rounding through 2 layers is ~1e-6.
  const double err32 = (forward(m, ids).logits.to(torch::kFloat64) - expected).abs().max().item<double>();
  EXPECT_LT(err32, 1e-4) << folder;
}

TEST(HfGolden, Gpt2TinyMatchesTransformersReference) { expect_matches_golden("gpt2_tiny", kGpt2TinyLogits); }

TEST(HfGolden, LlamaTinyMatchesTransformersReference) { expect_matches_golden("llama_tiny", kLlamaTinyLogits); }

TEST(Stories260kAsSafetensors, PermutedToHalvesRopeComputesTheSameFunction) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Model m = load_llama2c((root / "models" / "stories260K" / "stories260K.bin").string());
  const fs::path dir = neuroscore::testing::scratch_dir("stories260k_hf");
  save_hf(m, dir.string());
  const Model back = load_hf(dir.string());
  EXPECT_EQ(back.config.rope_layout, RopeLayout::kHalves);
  EXPECT_FLOAT_EQ(static_cast<float>(back.config.norm_eps), 1e-5f);
  EXPECT_FALSE(torch::equal(back.layers[0].wq, m.layers[0].wq));  // rows were permuted
  EXPECT_TRUE(torch::equal(back.layers[0].wv, m.layers[0].wv));
  const torch::Tensor ids = torch::tensor({1, 410, 300, 5, 77, 9, 410, 41}, torch::TensorOptions().dtype(torch::kLong));
  // Same function; only the order of the q.k sums differs: float32 rounding, logits O(10).
  const ForwardResult a = forward(m, ids), b = forward(back, ids);
  EXPECT_LT((a.logits - b.logits).abs().max().item<double>(), 1e-4);
  EXPECT_TRUE(torch::equal(a.logits.argmax(-1), b.logits.argmax(-1)));
  // And in float64 the two layouts agree to rounding of the float64 sums.
  const torch::Tensor a64 = forward(to_dtype(m, torch::kFloat64), ids).logits;
  const torch::Tensor b64 = forward(to_dtype(back, torch::kFloat64), ids).logits;
  EXPECT_LT((a64 - b64).abs().max().item<double>(), 1e-12);
}

// Sample standard deviation of `t` must be within 5 standard errors of `expected`
// (SE of a sample sd is sd / sqrt(2n); 5 SE keeps the false-failure rate below 1e-6 per check).
void expect_stddev(const torch::Tensor& t, double expected, const std::string& what) {
  const double n = static_cast<double>(t.numel());
  const double sd = t.std().item<double>();
  EXPECT_NEAR(sd, expected, 5 * expected / std::sqrt(2 * n)) << what;
  EXPECT_NEAR(t.mean().item<double>(), 0.0, 5 * expected / std::sqrt(n)) << what;
}

TEST(UntrainedTwin, Gpt2FollowsGpt2Init) {
  ModelConfig c = small(Family::kGpt2);
  c.dim = 64;
  c.hidden_dim = 256;
  c.n_heads = 4;
  c.n_kv_heads = 4;
  const Model m = untrained_twin(c, 1);
  expect_stddev(m.token_embedding, 0.02, "wte");
  expect_stddev(m.position_embedding, 0.02, "wpe");
  const double proj = 0.02 / std::sqrt(2.0 * c.n_layers);
  for (const LayerWeights& w : m.layers) {
    expect_stddev(torch::cat({w.wq, w.wk, w.wv}), 0.02, "c_attn");
    expect_stddev(w.w1, 0.02, "c_fc");
    expect_stddev(w.wo, proj, "attn.c_proj");
    expect_stddev(w.w2, proj, "mlp.c_proj");
    EXPECT_TRUE(torch::equal(w.attn_norm_weight, torch::ones({c.dim})));
    EXPECT_TRUE(torch::equal(w.ffn_norm_bias, torch::zeros({c.dim})));
    EXPECT_TRUE(torch::equal(w.b1, torch::zeros({c.hidden_dim})));
  }
  EXPECT_TRUE(torch::equal(m.final_norm_weight, torch::ones({c.dim})));
  EXPECT_TRUE(m.classifier.is_same(m.token_embedding));
}

TEST(UntrainedTwin, LlamaFollowsLlamaInit) {
  ModelConfig c = small(Family::kLlama);
  c.dim = 64;
  c.hidden_dim = 172;
  const Model m = untrained_twin(c, 2);
  expect_stddev(m.token_embedding, 0.02, "embed_tokens");
  expect_stddev(m.classifier, 0.02, "lm_head");
  for (const LayerWeights& w : m.layers) {
    for (const torch::Tensor& t : {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3}) expect_stddev(t, 0.02, "linear");
    EXPECT_TRUE(torch::equal(w.attn_norm_weight, torch::ones({c.dim})));
    EXPECT_TRUE(torch::equal(w.ffn_norm_weight, torch::ones({c.dim})));
  }
}

TEST(UntrainedTwin, SeedDecidesTheWeights) {
  const ModelConfig c = small(Family::kLlama);
  EXPECT_TRUE(torch::equal(untrained_twin(c, 5).layers[2].w2, untrained_twin(c, 5).layers[2].w2));
  EXPECT_FALSE(torch::equal(untrained_twin(c, 5).layers[2].w2, untrained_twin(c, 6).layers[2].w2));
}

TEST(UntrainedTwin, OfStories260kKeepsItsArchitecture) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Model trained = load_llama2c((root / "models" / "stories260K" / "stories260K.bin").string());
  const Model twin = untrained_twin(trained.config, 3);
  const torch::Tensor ids = torch::tensor({1, 410, 300}, torch::TensorOptions().dtype(torch::kLong));
  const ForwardResult a = forward(trained, ids), b = forward(twin, ids);
  EXPECT_EQ(a.logits.sizes(), b.logits.sizes());
  EXPECT_EQ(a.attention.size(), b.attention.size());
  EXPECT_FALSE(torch::allclose(a.logits, b.logits));
}

}  // namespace
}  // namespace neuroscore::extract
