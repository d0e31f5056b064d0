// safetensors reader and writer: round trips in every dtype, metadata, index files, and one clear
// error per kind of corruption, naming the tensor and the file.
#include "extract/safetensors.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

std::string with_header(const std::string& json, const std::string& data) {
  std::string out(8, '\0');
  const std::uint64_t n = json.size();
  for (int b = 0; b < 8; ++b) out[static_cast<std::size_t>(b)] = static_cast<char>((n >> (8 * b)) & 0xFF);
  return out + json + data;
}

TEST(Safetensors, RoundTripsEveryDtypeWithMetadata) {
  const std::vector<double> values = {0.0, -1.5, 3.140625, 1e-3, -65504.0, 0.25};
  for (DType dtype : {DType::kF16, DType::kBF16, DType::kF32, DType::kF64}) {
    const std::string data = from_float64(dtype, values.data(), values.size());
    const std::string bytes = format_safetensors({{"a.weight", dtype, {2, 3}, data}, {"empty", dtype, {0}, ""}},
                                                 {{"format", "pt"}});
    const SafetensorsHeader h = parse_safetensors(bytes, "mem");
    EXPECT_EQ(h.data_start % 8, 0U);
    ASSERT_EQ(h.tensors.size(), 2U);
    EXPECT_EQ(h.metadata.at("format"), "pt");
    const SafetensorsEntry& e = h.tensors[0];
    EXPECT_EQ(e.name, "a.weight");
    EXPECT_EQ(e.dtype, dtype);
    EXPECT_EQ(e.shape, (std::vector<std::int64_t>{2, 3}));
    std::vector<double> back(6);
    to_float64(dtype, std::string_view(bytes).substr(h.data_start + e.begin, e.end - e.begin), back.data());
    for (std::size_t i = 0; i < values.size(); ++i) {
      // Relative precision of each format: F16 2^-11, BF16 2^-8 (round to nearest).
      const double tol = dtype == DType::kF16 ? std::ldexp(std::abs(values[i]), -11)
                         : dtype == DType::kBF16 ? std::ldexp(std::abs(values[i]), -8)
                         : dtype == DType::kF32 ? std::ldexp(std::abs(values[i]), -24) : 0.0;
      EXPECT_LE(std::abs(back[i] - values[i]), tol) << dtype_name(dtype) << " value " << values[i];
    }
  }
}

TEST(Safetensors, HalfConversionIsExactOnKnownBitPatterns) {
  // 0x3C00 = 1, 0xC000 = -2, 0x7BFF = 65504, 0x0001 = 2^-24 (smallest subnormal), 0x7C00 = inf.
  const std::uint16_t half[] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x7C00};
  float out[5];
  to_float32(DType::kF16, std::string_view(reinterpret_cast<const char*>(half), sizeof half), out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -2.0f);
  EXPECT_EQ(out[2], 65504.0f);
  EXPECT_EQ(out[3], std::ldexp(1.0f, -24));
  EXPECT_TRUE(std::isinf(out[4]));
  const std::string back = from_float32(DType::kF16, out, 5);
  EXPECT_EQ(std::memcmp(back.data(), half, sizeof half), 0);
  // BF16 is the top half of the float: 1.0f = 0x3F80.
  const float one = 1.0f;
  const std::string bf = from_float32(DType::kBF16, &one, 1);
  EXPECT_EQ(static_cast<unsigned char>(bf[0]), 0x80);
  EXPECT_EQ(static_cast<unsigned char>(bf[1]), 0x3F);
}

TEST(Safetensors, HeaderLongerThanTheFile) {
  std::string bytes = with_header("{}", "");
  bytes[0] = 100;
  const std::string message = error_message<std::runtime_error>([&] { parse_safetensors(bytes, "m.safetensors"); });
  EXPECT_NE(message.find("m.safetensors"), std::string::npos) << message;
  EXPECT_NE(message.find("header length 100"), std::string::npos) << message;
  EXPECT_THROW(parse_safetensors("abc", "m"), std::runtime_error);
}

TEST(Safetensors, UnknownDtypeNamesTheTensor) {
  const std::string bytes = with_header(R"({"x":{"dtype":"I8","shape":[2],"data_offsets":[0,2]}})", "ab");
  const std::string message = error_message<std::runtime_error>([&] { parse_safetensors(bytes, "m.safetensors"); });
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
  EXPECT_NE(message.find("I8"), std::string::npos) << message;
}

TEST(Safetensors, ShapeAndBytesMismatch) {
  const std::string bytes = with_header(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", "12345678");
  const std::string message = error_message<std::runtime_error>([&] { parse_safetensors(bytes, "m.safetensors"); });
  EXPECT_NE(message.find("'w'"), std::string::npos) << message;
  EXPECT_NE(message.find("12 bytes"), std::string::npos) << message;
  EXPECT_NE(message.find("8 bytes"), std::string::npos) << message;
}

TEST(Safetensors, OffsetsOutOfRangeOverlappingOrLeavingGaps) {
  const std::string out_of_range =
      error_message<std::runtime_error>([] {
        parse_safetensors(with_header(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "1234"), "f");
      });
  EXPECT_NE(out_of_range.find("beyond the data section of 4 bytes"), std::string::npos) << out_of_range;
  const std::string overlap = error_message<std::runtime_error>([] {
    parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                  R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})",
                                  "12345678"),
                      "f");
  });
  EXPECT_NE(overlap.find("overlaps"), std::string::npos) << overlap;
  const std::string gap = error_message<std::runtime_error>([] {
    parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", "12345678"), "f");
  });
  EXPECT_NE(gap.find("gap of 4 bytes before tensor 'a'"), std::string::npos) << gap;
  const std::string trailing = error_message<std::runtime_error>([] {
    parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", "12345678"), "f");
  });
  EXPECT_NE(trailing.find("4 bytes after the last tensor"), std::string::npos) << trailing;
  const std::string reversed = error_message<std::runtime_error>([] {
    parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}})", "1234"), "f");
  });
  EXPECT_NE(reversed.find("begin after end"), std::string::npos) << reversed;
}

TEST(Safetensors, MalformedJsonAndFieldTypes) {
  EXPECT_THROW(parse_safetensors(with_header("{not json", ""), "f"), std::runtime_error);
  EXPECT_THROW(parse_safetensors(with_header("[]", ""), "f"), std::runtime_error);
  EXPECT_THROW(parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}})", ""), "f"),
               std::runtime_error);
  EXPECT_THROW(parse_safetensors(with_header(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", "1234"), "f"),
               std::runtime_error);
  EXPECT_THROW(parse_safetensors(with_header(R"({"__metadata__":{"k":1}})", ""), "f"), std::runtime_error);
  // Huge shapes do not overflow into a small byte count.
  EXPECT_THROW(parse_safetensors(with_header(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296,16],)"
                                             R"("data_offsets":[0,0]}})",
                                             ""),
                                 "f"),
               std::runtime_error);
}

TEST(Safetensors, WriterRejectsBadInput) {
  EXPECT_THROW(format_safetensors({{"a", DType::kF32, {2}, "1234"}}), std::invalid_argument);
  EXPECT_THROW(format_safetensors({{"a", DType::kF32, {1}, "1234"}, {"a", DType::kF32, {1}, "1234"}}),
               std::invalid_argument);
  EXPECT_THROW(format_safetensors({{"__metadata__", DType::kF32, {1}, "1234"}}), std::invalid_argument);
}

TEST(Safetensors, FileRoundTripAndMissingTensor) {
  const std::filesystem::path dir = neuroscore::testing::scratch_dir("safetensors_file");
  const float v[2] = {1.0f, 2.0f};
  write_safetensors((dir / "m.safetensors").string(), {{"x", DType::kF32, {2}, from_float32(DType::kF32, v, 2)}});
  const SafetensorsFile f = read_safetensors((dir / "m.safetensors").string());
  EXPECT_TRUE(f.contains("x"));
  float back[2];
  to_float32(DType::kF32, f.data(f.entry("x")), back);
  EXPECT_EQ(back[1], 2.0f);
  const std::string message = error_message<std::runtime_error>([&] { f.entry("y"); });
  EXPECT_NE(message.find("'y'"), std::string::npos) << message;
  EXPECT_NE(message.find("m.safetensors"), std::string::npos) << message;
  EXPECT_THROW(read_safetensors((dir / "none.safetensors").string()), std::runtime_error);
}

TEST(SafetensorsIndex, ParsesWeightMapAndRejectsPaths) {
  const auto map = parse_safetensors_index(
      R"({"metadata":{"total_size":8},"weight_map":{"a":"model-00001-of-00002.safetensors","b":"model-00002-of-00002.safetensors"}})",
      "index.json");
  EXPECT_EQ(map.at("b"), "model-00002-of-00002.safetensors");
  EXPECT_THROW(parse_safetensors_index(R"({"weight_map":{"a":"../x.safetensors"}})", "i"), std::runtime_error);
  EXPECT_THROW(parse_safetensors_index(R"({"weight_map":{"a":1}})", "i"), std::runtime_error);
  EXPECT_THROW(parse_safetensors_index(R"({})", "i"), std::runtime_error);
  EXPECT_THROW(parse_safetensors_index("nope", "i"), std::runtime_error);
}

}  // namespace
}  // namespace neuroscore::extract
