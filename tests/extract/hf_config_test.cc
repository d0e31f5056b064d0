// Hugging Face config.json for Llama and GPT-2: fields, transformers' defaults, round trip, errors.
#include "extract/hf_config.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/io/expect_error.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

TEST(HfConfig, Gpt2SmallWithDefaults) {
  const ModelConfig c = parse_hf_config(
      R"({"model_type":"gpt2","n_embd":768,"n_layer":12,"n_head":12,"vocab_size":50257,"n_positions":1024,)"
      R"("n_inner":null,"activation_function":"gelu_new"})",
      "config.json");
  EXPECT_EQ(c.family, Family::kGpt2);
  EXPECT_EQ(c.hidden_dim, 3072);
  EXPECT_EQ(c.n_kv_heads, 12);
  EXPECT_DOUBLE_EQ(c.norm_eps, 1e-5);
  EXPECT_TRUE(c.tied_classifier);
}

TEST(HfConfig, LlamaWithGroupedQueryHeads) {
  const ModelConfig c = parse_hf_config(
      R"({"model_type":"llama","hidden_size":64,"intermediate_size":172,"num_hidden_layers":5,)"
      R"("num_attention_heads":8,"num_key_value_heads":4,"vocab_size":512,"max_position_embeddings":512,)"
      R"("rms_norm_eps":1e-5,"rope_theta":10000.0})",
      "config.json");
  EXPECT_EQ(c.family, Family::kLlama);
  EXPECT_EQ(c.kv_dim(), 32);
  EXPECT_EQ(c.rope_layout, RopeLayout::kHalves);
  EXPECT_FALSE(c.tied_classifier);
}

TEST(HfConfig, FormatRoundTrips) {
  for (Family family : {Family::kLlama, Family::kGpt2}) {
    ModelConfig c;
    c.family = family;
    c.dim = 16;
    c.hidden_dim = 40;
    c.n_layers = 3;
    c.n_heads = 4;
    c.n_kv_heads = family == Family::kLlama ? 2 : 4;
    c.vocab_size = 99;
    c.max_seq_len = 32;
    c.norm_eps = 1e-6;
    c.tied_classifier = family == Family::kGpt2;
    c.rope_layout = family == Family::kLlama ? RopeLayout::kInterleaved : RopeLayout::kHalves;
    const ModelConfig back = parse_hf_config(format_hf_config(c), "x");
    EXPECT_EQ(back.dim, c.dim);
    EXPECT_EQ(back.hidden_dim, c.hidden_dim);
    EXPECT_EQ(back.n_kv_heads, c.n_kv_heads);
    EXPECT_EQ(back.tied_classifier, c.tied_classifier);
    EXPECT_EQ(back.norm_eps, c.norm_eps);
    if (family == Family::kLlama) {
      EXPECT_EQ(back.rope_layout, RopeLayout::kHalves);  // transformers' only layout
    }
  }
}

TEST(HfConfig, ErrorsNameTheFileAndField) {
  const std::string missing = error_message<std::runtime_error>(
      [] { parse_hf_config(R"({"model_type":"gpt2","n_embd":8})", "dir/config.json"); });
  EXPECT_NE(missing.find("dir/config.json"), std::string::npos) << missing;
  EXPECT_NE(missing.find("n_layer"), std::string::npos) << missing;
  EXPECT_THROW(parse_hf_config(R"({"model_type":"bert"})", "c"), std::runtime_error);
  EXPECT_THROW(parse_hf_config(R"({"model_type":"llama","hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,)"
                               R"("num_attention_heads":2,"head_dim":8,"vocab_size":5,"max_position_embeddings":4})",
                               "c"),
               std::runtime_error);
  EXPECT_THROW(parse_hf_config("not json", "c"), std::runtime_error);
  EXPECT_THROW(parse_hf_config(R"({"model_type":"gpt2","n_embd":"8"})", "c"), std::runtime_error);
  EXPECT_THROW(parse_hf_config(R"({"model_type":"gpt2","n_embd":9,"n_layer":1,"n_head":2,"vocab_size":5,)"
                               R"("n_positions":4})",
                               "c"),
               std::runtime_error);  // 9 not divisible by 2
  EXPECT_THROW(parse_hf_config(R"({"model_type":"llama","hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,)"
                               R"("num_attention_heads":2,"vocab_size":5,"max_position_embeddings":4,)"
                               R"("rope_scaling":{"type":"linear","factor":2}})",
                               "c"),
               std::runtime_error);
}

}  // namespace
}  // namespace neuroscore::extract
