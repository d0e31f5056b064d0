// llama2.c tokenizer.bin: run.c's encode (dummy prefix, merge by score, byte fallback) and decode,
// on a hand-made vocabulary and on stories260K's tok512.bin; truncated files.
#include "extract/llama2c_tokenizer.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

void put_u32(std::string& out, std::uint32_t v) {
  for (int b = 0; b < 4; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xFF));
}

struct Token {
  std::string piece;
  float score;
};

std::string tokenizer_bytes(const std::vector<Token>& tokens, std::uint32_t max_len = 16) {
  std::string out;
  put_u32(out, max_len);
  for (const Token& t : tokens) {
    std::uint32_t bits;
    std::memcpy(&bits, &t.score, 4);
    put_u32(out, bits);
    put_u32(out, static_cast<std::uint32_t>(t.piece.size()));
    out += t.piece;
  }
  return out;
}

// The llama2.c layout: <unk>, BOS, EOS, 256 byte tokens, then merges with scores.
std::vector<Token> small_vocab() {
  std::vector<Token> v = {{"<unk>", 0}, {"\n<s>\n", 0}, {"\n</s>\n", 0}};
  for (int b = 0; b < 256; ++b) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    v.push_back({buf, 0});
  }
  // ids 259.. : single characters, then merges; higher score merges first.
  for (const Token& t : std::vector<Token>{{" ", -1}, {"a", -2}, {"b", -3}, {"c", -4}, {" a", -5}, {"ab", -6},
                                           {" ab", -7}, {"bc", -0.5f}, {"\xC3\xA9", -8}}) {
    v.push_back(t);
  }
  return v;
}

class SmallVocab : public ::testing::Test {
 protected:
  Llama2cTokenizer tok_ = parse_llama2c_tokenizer(tokenizer_bytes(small_vocab()), std::nullopt, "small");
  std::int32_t id(const std::string& piece) const { return *tok_.find(piece); }
};

TEST_F(SmallVocab, ReadsEveryToken) {
  EXPECT_EQ(tok_.vocab_size(), 268);
  EXPECT_EQ(tok_.max_token_length, 16);
  EXPECT_EQ(tok_.pieces[1], "\n<s>\n");
  EXPECT_EQ(id(" "), 259);
  EXPECT_FLOAT_EQ(tok_.scores[static_cast<std::size_t>(id("bc"))], -0.5f);
}

TEST_F(SmallVocab, EncodeAddsBosAndDummyPrefixThenMergesByScore) {
  // [BOS, " ", a, b] -> best pair " a" (-5) beats "ab" (-6) -> [BOS, " a", b] -> " ab".
  EXPECT_EQ(encode(tok_, "ab"), (std::vector<std::int32_t>{1, id(" ab")}));
  // [BOS, " ", a, b, c]: "bc" (-0.5) first, then " a" (-5); " abc" is not in the vocabulary.
  EXPECT_EQ(encode(tok_, "abc"), (std::vector<std::int32_t>{1, id(" a"), id("bc")}));
  EXPECT_EQ(encode(tok_, "ab", {/*bos=*/false, /*eos=*/true}), (std::vector<std::int32_t>{id(" ab"), 2}));
}

TEST_F(SmallVocab, EmptyTextHasNoDummyPrefix) {
  EXPECT_EQ(encode(tok_, ""), (std::vector<std::int32_t>{1}));
  EXPECT_EQ(encode(tok_, "", {false, false}), (std::vector<std::int32_t>{}));
}

TEST_F(SmallVocab, UnknownCodePointsFallBackToBytesPlusThree) {
  // "é" is in the vocabulary as one code point; "ü" (C3 BC) is not: its bytes + 3.
  EXPECT_EQ(encode(tok_, "\xC3\xA9"), (std::vector<std::int32_t>{1, id(" "), id("\xC3\xA9")}));
  EXPECT_EQ(encode(tok_, "\xC3\xBC"), (std::vector<std::int32_t>{1, id(" "), 0xC3 + 3, 0xBC + 3}));
  EXPECT_EQ(encode(tok_, "z"), (std::vector<std::int32_t>{1, id(" "), 'z' + 3}));
}

TEST_F(SmallVocab, DecodeStripsTheSpaceAfterBosAndMapsRawBytes) {
  EXPECT_EQ(decode_piece(tok_, 1, id(" ab")), "ab");
  EXPECT_EQ(decode_piece(tok_, 5, id(" ab")), " ab");
  EXPECT_EQ(decode_piece(tok_, 1, 'z' + 3), "z");
  EXPECT_EQ(decode(tok_, encode(tok_, "abc z\xC3\xBC")), "abc z\xC3\xBC");
  // run.c's safe_printf drops lone non-printable bytes, UTF-8 fallback bytes included.
  EXPECT_EQ(decode(tok_, {1, 0x07 + 3, id("a")}, LoneBytes::kDropAsRunCPrints), "a");
  EXPECT_EQ(decode(tok_, encode(tok_, "z\xC3\xBC"), LoneBytes::kDropAsRunCPrints), "z");
  EXPECT_EQ(decode(tok_, {1, 0x07 + 3, id("a")}), "\x07" "a");
  EXPECT_THROW(decode_piece(tok_, 1, 268), std::out_of_range);
}

TEST_F(SmallVocab, RoundTripsAsciiText) {
  for (const std::string text : {"a", "abc abc", "cab  bac", "hello, world!"}) {
    EXPECT_EQ(decode(tok_, encode(tok_, text)), text) << text;
  }
}

TEST(Llama2cTokenizerFile, CutShortAnywhereIsAClearError) {
  const std::string bytes = tokenizer_bytes(small_vocab());
  for (const std::size_t keep : {std::size_t{0}, std::size_t{3}, std::size_t{6}, std::size_t{15}, bytes.size() - 1}) {
    const std::string message = error_message<std::runtime_error>(
        [&] { parse_llama2c_tokenizer(bytes.substr(0, keep), std::nullopt, "tok.bin"); });
    EXPECT_NE(message.find("tok.bin"), std::string::npos) << message;
    EXPECT_NE(message.find("cut short"), std::string::npos) << message;
  }
  // With the model's vocab_size, missing tokens and extra bytes are errors too.
  const std::string missing = error_message<std::runtime_error>(
      [&] { parse_llama2c_tokenizer(bytes, 300, "tok.bin"); });
  EXPECT_NE(missing.find("token 268"), std::string::npos) << missing;
  const std::string extra = error_message<std::runtime_error>(
      [&] { parse_llama2c_tokenizer(bytes, 200, "tok.bin"); });
  EXPECT_NE(extra.find("trailing bytes"), std::string::npos) << extra;
}

TEST(Llama2cTokenizerFile, MissingFileNamesThePath) {
  const std::string message = error_message<std::runtime_error>([] { load_llama2c_tokenizer("/no/such/tok.bin"); });
  EXPECT_NE(message.find("/no/such/tok.bin"), std::string::npos) << message;
}

TEST(Tok512, DummyPrefixIsToken410AndOnceGetsItsSpace) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Llama2cTokenizer tok =
      load_llama2c_tokenizer((root / "models" / "stories260K" / "tok512.bin").string(), 512);
  EXPECT_EQ(tok.vocab_size(), 512);
  EXPECT_EQ(tok.find(" "), 410);
  const std::vector<std::int32_t> ids = encode(tok, "Once upon a time");
  ASSERT_GE(ids.size(), 2U);
  EXPECT_EQ(ids[0], 1);
  EXPECT_EQ(tok.pieces[static_cast<std::size_t>(ids[1])].substr(0, 2), " O");  // " Once" starts with the space
  EXPECT_EQ(decode(tok, ids), "Once upon a time");
  const std::string text = "Lily's mom said, \"Lily, let's go!\"\nThe end.";
  EXPECT_EQ(decode(tok, encode(tok, text)), text);
  // Without vocab_size the whole file is read: the same 512 tokens.
  EXPECT_EQ(load_llama2c_tokenizer((root / "models" / "stories260K" / "tok512.bin").string()).vocab_size(), 512);
}

}  // namespace
}  // namespace neuroscore::extract
