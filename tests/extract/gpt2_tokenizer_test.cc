// GPT-2 byte-level BPE on a hand-made vocabulary: the pre-tokenization pattern (PCRE2, Unicode
// classes), byte stand-ins, merge order, vocab.json + merges.txt vs tokenizer.json, errors.
#include "extract/gpt2_tokenizer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/io/expect_error.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

const char* kMerges[] = {"\xC4\xA0 t", "h e", "\xC4\xA0t he", "l l", "ll ll", "o w"};  // Ġ is U+0120

// ids 0..255: the byte stand-ins in byte order; then one id per merge result.
nlohmann::json vocab() {
  nlohmann::json v = nlohmann::json::object();
  const std::vector<std::string>& bytes = gpt2_byte_symbols();
  for (int b = 0; b < 256; ++b) v[bytes[static_cast<std::size_t>(b)]] = b;
  int next = 256;
  for (const char* m : kMerges) {
    std::string s = m;
    s.erase(s.find(' '), 1);
    v[s] = next++;
  }
  return v;
}

std::string merges_txt() {
  std::string out = "#version: 0.2\n";
  for (const char* m : kMerges) out += std::string(m) + "\n";
  return out;
}

class HandMade : public ::testing::Test {
 protected:
  Gpt2Tokenizer tok_ = parse_gpt2_tokenizer(vocab().dump(), merges_txt(), "hand-made");
  std::int32_t id(const std::string& symbols) const { return tok_.encoder.at(symbols); }
};

TEST(Gpt2Pretokenize, FollowsTheGpt2Pattern) {
  EXPECT_EQ(pretokenize("Hello world's  test 123!!"),
            (std::vector<std::string>{"Hello", " world", "'s", " ", " test", " 123", "!!"}));
  // \s+(?!\S) backs off one whitespace before a word, so "\n\nend" gives "\n", "\n", "end" (GPT-2's
  // familiar 198, 198 between paragraphs), while trailing whitespace stays in one piece.
  EXPECT_EQ(pretokenize("caf\xC3\xA9 na\xC3\xAFve\n\nend \n "),
            (std::vector<std::string>{"caf\xC3\xA9", " na\xC3\xAFve", "\n", "\n", "end", " \n "}));
  // \p{N} is Unicode-aware: Arabic-Indic digits form one number token; "I'll" splits at 'll.
  EXPECT_EQ(pretokenize("x \xD9\xA3\xD9\xA4 I'll"), (std::vector<std::string>{"x", " \xD9\xA3\xD9\xA4", " I", "'ll"}));
  EXPECT_TRUE(pretokenize("").empty());
}

TEST(Gpt2Pretokenize, RejectsInvalidUtf8) {
  const std::string message = error_message<std::invalid_argument>([] { pretokenize("ok \xC3("); });
  EXPECT_NE(message.find("UTF-8"), std::string::npos) << message;
}

TEST_F(HandMade, ByteSymbolsFollowBytesToUnicode) {
  const std::vector<std::string>& b = gpt2_byte_symbols();
  EXPECT_EQ(b['A'], "A");
  EXPECT_EQ(b[' '], "\xC4\xA0");   // U+0120 'Ġ': 32 is the 33rd non-printable byte -> 256 + 32
  EXPECT_EQ(b['\n'], "\xC4\x8A");  // U+010A 'Ċ'
  EXPECT_EQ(b[0xE9], "\xC3\xA9");  // printable Latin-1 bytes map to themselves
}

TEST_F(HandMade, MergesInRankOrder) {
  // " the": Ġ t -> Ġt (rank 0), h e -> he (1), Ġt he -> Ġthe (2).
  EXPECT_EQ(encode(tok_, " the"), (std::vector<std::int32_t>{id("\xC4\xA0the")}));
  EXPECT_EQ(encode(tok_, "the"), (std::vector<std::int32_t>{'t', id("he")}));
  // Every occurrence of the best pair merges: l l l l -> ll ll -> llll.
  EXPECT_EQ(encode(tok_, "llll"), (std::vector<std::int32_t>{id("llll")}));
  EXPECT_EQ(encode(tok_, "lll"), (std::vector<std::int32_t>{id("ll"), 'l'}));
}

TEST_F(HandMade, DecodeInvertsEncodeOnAnyUtf8) {
  for (const std::string text : {"the hello low", "  two  spaces\tand\ttabs\n", "caf\xC3\xA9 \xF0\x9F\x98\x80!",
                                 "I'm 42's", ""}) {
    EXPECT_EQ(decode(tok_, encode(tok_, text)), text) << text;
  }
  EXPECT_THROW(decode(tok_, {999}), std::out_of_range);
}

TEST_F(HandMade, TokenizerJsonGivesTheSameTokenizer) {
  nlohmann::json j;
  j["model"]["type"] = "BPE";
  j["model"]["vocab"] = vocab();
  j["model"]["merges"] = nlohmann::json::array();
  for (std::size_t i = 0; i < std::size(kMerges); ++i) {
    std::string m = kMerges[i];
    const std::size_t space = m.find(' ');
    if (i % 2 == 0) {
      j["model"]["merges"].push_back(m);  // "a b" (tokenizers < 0.20)
    } else {
      j["model"]["merges"].push_back({m.substr(0, space), m.substr(space + 1)});  // ["a", "b"]
    }
  }
  const Gpt2Tokenizer from_json = parse_gpt2_tokenizer_json(j.dump(), "tokenizer.json");
  for (const std::string text : {" the hello", "llll low"}) {
    EXPECT_EQ(encode(from_json, text), encode(tok_, text)) << text;
  }
}

TEST(Gpt2TokenizerErrors, MalformedFilesNameTheSource) {
  const std::string bad_vocab = error_message<std::runtime_error>([] { parse_gpt2_tokenizer("[1]", "", "v.json"); });
  EXPECT_NE(bad_vocab.find("v.json"), std::string::npos) << bad_vocab;
  const std::string bad_merge =
      error_message<std::runtime_error>([] { parse_gpt2_tokenizer("{}", "#version: 0.2\na b c\n", "m.txt"); });
  EXPECT_NE(bad_merge.find("line 2"), std::string::npos) << bad_merge;
  EXPECT_THROW(parse_gpt2_tokenizer("{\"a\": -1}", "", "v"), std::runtime_error);
  EXPECT_THROW(parse_gpt2_tokenizer_json("{\"model\": {\"type\": \"WordPiece\"}}", "t"), std::runtime_error);
  EXPECT_THROW(load_gpt2_tokenizer("/no/vocab.json", "/no/merges.txt"), std::runtime_error);
  // A vocabulary without the byte stand-ins cannot encode everything.
  const Gpt2Tokenizer tiny = parse_gpt2_tokenizer("{\"a\": 0}", "", "tiny");
  EXPECT_EQ(encode(tiny, "aa"), (std::vector<std::int32_t>{0, 0}));
  EXPECT_THROW(encode(tiny, "b"), std::runtime_error);
}

}  // namespace
}  // namespace neuroscore::extract
