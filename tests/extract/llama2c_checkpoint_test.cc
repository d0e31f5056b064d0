// llama2.c legacy checkpoint layout: offsets and shapes from the header, shared vs unshared
// classifier, exact file-size validation with errors naming file, tensor and bytes.
#include "extract/llama2c_checkpoint.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

std::string header(std::int32_t dim, std::int32_t hidden, std::int32_t layers, std::int32_t heads, std::int32_t kv,
                   std::int32_t vocab, std::int32_t seq) {
  std::string out;
  for (std::int32_t v : {dim, hidden, layers, heads, kv, vocab, seq}) {
    const auto u = static_cast<std::uint32_t>(v);
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((u >> (8 * b)) & 0xFF));
  }
  return out;
}

// Float count of a checkpoint: the README's list of arrays.
std::uint64_t floats(std::uint64_t d, std::uint64_t h, std::uint64_t L, std::uint64_t heads, std::uint64_t kv,
                     std::uint64_t V, std::uint64_t S, bool shared) {
  const std::uint64_t hs = d / heads, kvd = hs * kv;
  return V * d + L * d + L * d * d + 2 * L * d * kvd + L * d * d + L * d + 3 * L * h * d + d + 2 * S * (hs / 2) +
         (shared ? 0 : V * d);
}

TEST(Llama2cLayout, SharedClassifierSizesAndOffsets) {
  const std::uint64_t bytes = 28 + 4 * floats(8, 16, 2, 4, 2, 10, 6, true);
  const Llama2cLayout layout = parse_llama2c_layout(header(8, 16, 2, 4, 2, 10, 6), bytes, "m.bin");
  EXPECT_TRUE(layout.config.tied_classifier);
  EXPECT_EQ(layout.config.kv_dim(), 4);
  EXPECT_EQ(layout.expected_file_bytes, bytes);
  EXPECT_EQ(layout.tensor("token_embedding").offset, 28U);
  EXPECT_EQ(layout.tensor("wk").shape, (std::vector<std::int64_t>{2, 4, 8}));
  EXPECT_EQ(layout.tensor("w2").shape, (std::vector<std::int64_t>{2, 8, 16}));
  EXPECT_EQ(layout.tensor("freq_cis_imag").shape, (std::vector<std::int64_t>{6, 1}));
  EXPECT_THROW(layout.tensor("wcls"), std::out_of_range);
}

TEST(Llama2cLayout, NegativeVocabMeansUnsharedClassifier) {
  const std::uint64_t bytes = 28 + 4 * floats(8, 16, 2, 4, 2, 10, 6, false);
  const Llama2cLayout layout = parse_llama2c_layout(header(8, 16, 2, 4, 2, -10, 6), bytes, "m.bin");
  EXPECT_FALSE(layout.config.tied_classifier);
  EXPECT_EQ(layout.config.vocab_size, 10);
  EXPECT_EQ(layout.tensor("wcls").offset + layout.tensor("wcls").bytes, bytes);
}

TEST(Llama2cLayout, WrongSizesNameFileTensorAndBytes) {
  const std::uint64_t bytes = 28 + 4 * floats(8, 16, 2, 4, 2, 10, 6, true);
  const std::string cut = error_message<std::runtime_error>(
      [&] { parse_llama2c_layout(header(8, 16, 2, 4, 2, 10, 6), 28 + 4 * 100, "m.bin"); });
  EXPECT_NE(cut.find("m.bin"), std::string::npos) << cut;
  EXPECT_NE(cut.find("'wq'"), std::string::npos) << cut;  // embedding 80 + rms 16 floats fit, wq does not
  EXPECT_NE(cut.find(std::to_string(28 + 4 * 100)), std::string::npos) << cut;
  EXPECT_NE(cut.find(std::to_string(bytes)), std::string::npos) << cut;
  const std::string longer = error_message<std::runtime_error>(
      [&] { parse_llama2c_layout(header(8, 16, 2, 4, 2, 10, 6), bytes + 4, "m.bin"); });
  EXPECT_NE(longer.find("4 trailing bytes"), std::string::npos) << longer;
  // A shared-classifier header on an unshared file: the classifier's bytes are "trailing".
  const std::uint64_t unshared = 28 + 4 * floats(8, 16, 2, 4, 2, 10, 6, false);
  EXPECT_THROW(parse_llama2c_layout(header(8, 16, 2, 4, 2, 10, 6), unshared, "m.bin"), std::runtime_error);
}

TEST(Llama2cLayout, ImplausibleHeadersAreRejected) {
  EXPECT_THROW(parse_llama2c_layout("short", 5, "m.bin"), std::runtime_error);
  EXPECT_THROW(parse_llama2c_layout(header(0, 16, 2, 4, 2, 10, 6), 1000, "m.bin"), std::runtime_error);
  EXPECT_THROW(parse_llama2c_layout(header(8, 16, 2, 3, 3, 10, 6), 1000, "m.bin"), std::runtime_error);
  EXPECT_THROW(parse_llama2c_layout(header(8, 16, 2, 4, 3, 10, 6), 1000, "m.bin"), std::runtime_error);
  const std::string huge = error_message<std::runtime_error>([] {
    parse_llama2c_layout(header(0x7FFFFFF0, 0x7FFFFFF0, 0x7FFFFFF0, 0x10, 0x10, 0x7FFFFFF0, 0x7FFFFFF0), 1000, "m.bin");
  });
  EXPECT_NE(huge.find("m.bin"), std::string::npos) << huge;
}

TEST(Llama2cLayout, Stories260kHeader) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const std::filesystem::path path = root / "models" / "stories260K" / "stories260K.bin";
  std::string head(28, '\0');
  FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fread(head.data(), 1, 28, f), 28U);
  std::fclose(f);
  const Llama2cLayout layout = parse_llama2c_layout(head, std::filesystem::file_size(path), path.string());
  EXPECT_EQ(layout.config.dim, 64);
  EXPECT_EQ(layout.config.hidden_dim, 172);
  EXPECT_EQ(layout.config.n_kv_heads, 4);
  EXPECT_TRUE(layout.config.tied_classifier);
}

}  // namespace
}  // namespace neuroscore::extract
