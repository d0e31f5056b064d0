// The one word-to-token alignment: hand-written token streams whose alignment is known (GPT-2's
// leading-space tokens, a standalone space, SentencePiece's dummy prefix, byte fallback, BOS), the
// errors (merge across words, a normalizer that changed the text, tokens short of the text), and
// real tokenizers: a hand-made GPT-2 BPE and stories260K's tok512.bin, where the whole-text
// tokens of each word must be the tokens of the word encoded alone.
#include "extract/word_alignment.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "extract/gpt2_tokenizer.hpp"
#include "extract/llama2c_tokenizer.hpp"
#include "extract/word_tokenizer.hpp"
#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;
using Ids = std::vector<std::int64_t>;

TEST(JoinWords, OneSpaceBetweenWordsAndTheirSpans) {
  const TextOfWords t = join_words({"Once", "caf\xC3\xA9", "end."});
  EXPECT_EQ(t.text, "Once caf\xC3\xA9 end.");
  ASSERT_EQ(t.words.size(), 3U);
  EXPECT_EQ(t.words[1].begin, 5U);
  EXPECT_EQ(t.words[1].end, 10U);  // bytes, not characters: "café" is 5 bytes
  EXPECT_EQ(t.words[2].begin, 11U);
  EXPECT_TRUE(join_words({}).text.empty());
}

TEST(JoinWords, RefusesEmptyWordsAndWordsWithSpaces) {
  EXPECT_EQ(error_message<std::invalid_argument>([] { join_words({"a", ""}); }),
            "join_words: word 1 (0-based) is empty");
  const std::string m = error_message<std::invalid_argument>([] { join_words({"a", "b c"}); });
  EXPECT_NE(m.find("word 1 (0-based) 'b c' contains whitespace"), std::string::npos) << m;
}

TEST(Align, LeadingSpaceTokensBelongToTheirWord) {
  // GPT-2: "Hello world's end." -> Hello | Ġworld | 's | Ġend | .
  const TextOfWords t = join_words({"Hello", "world's", "end."});
  const WordAlignment a = align_tokens_to_words(t, {"Hello", " world", "'s", " end", "."});
  EXPECT_EQ(a.word_of_token, (Ids{0, 1, 1, 2, 2}));
  EXPECT_EQ(a.first_token, (Ids{0, 1, 3}));
  EXPECT_EQ(a.end_token, (Ids{1, 3, 5}));
  EXPECT_EQ(a.tokens_of(1), 2);
}

TEST(Align, AStandaloneSpaceBelongsToTheFollowingWord) {
  const TextOfWords t = join_words({"a", "b"});
  const WordAlignment a = align_tokens_to_words(t, {"a", " ", "b"});
  EXPECT_EQ(a.word_of_token, (Ids{0, 1, 1}));
  EXPECT_EQ(a.first_token, (Ids{0, 1}));  // entropy before "b" is read where " " is predicted
}

TEST(Align, DummyPrefixAndBosSpecialTokens) {
  const TextOfWords t = join_words({"Once", "upon"});
  // BOS, then the dummy-prefix space merged into the first word.
  const WordAlignment merged = align_tokens_to_words(t, {"", " Once", " up", "on", ""}, " ");
  EXPECT_EQ(merged.word_of_token, (Ids{-1, 0, 1, 1, -1}));
  EXPECT_EQ(merged.first_token, (Ids{1, 2}));
  EXPECT_EQ(merged.end_token, (Ids{2, 4}));
  // The dummy prefix alone (a standalone "▁"): it belongs to the first word.
  const WordAlignment alone = align_tokens_to_words(t, {"", " ", "O", "nce", " upon"}, " ");
  EXPECT_EQ(alone.word_of_token, (Ids{-1, 0, 0, 0, 1}));
  EXPECT_EQ(alone.first_token, (Ids{1, 4}));
}

TEST(Align, ByteFallbackTokensOfOneCharacterStayInItsWord) {
  const TextOfWords t = join_words({"caf\xC3\xA9", "ok"});
  const WordAlignment a = align_tokens_to_words(t, {"caf", "\xC3", "\xA9", " ok"});
  EXPECT_EQ(a.word_of_token, (Ids{0, 0, 0, 1}));
}

TEST(Align, AMergeAcrossTheSpaceIsAnErrorNamingTheWord) {
  const TextOfWords t = join_words({"can", "t", "go"});
  const std::string m = error_message<std::invalid_argument>([&] { align_tokens_to_words(t, {"can t", " go"}); });
  EXPECT_EQ(m,
            "align_tokens_to_words: word 1 (0-based) 't' starts inside token 0 'can t', which belongs to word 0: "
            "the tokenizer merged across the space between words");
  // Also when the second word keeps tokens of its own after the straddling one.
  const TextOfWords u = join_words({"ab", "cd"});
  EXPECT_THROW(align_tokens_to_words(u, {"ab c", "d"}), std::invalid_argument);
}

TEST(Align, TokensThatDoNotSpellTheTextAreAnError) {
  const TextOfWords t = join_words({"Hello", "there"});
  const std::string lowered = error_message<std::invalid_argument>([&] { align_tokens_to_words(t, {"hello", " there"}); });
  EXPECT_NE(lowered.find("token 0 (0-based) 'hello' does not match the text at byte 0"), std::string::npos) << lowered;
  const std::string short_of = error_message<std::invalid_argument>([&] { align_tokens_to_words(t, {"Hello"}); });
  EXPECT_NE(short_of.find("the tokens spell 5 bytes of the 11-byte text; the rest, ' there', has no token"),
            std::string::npos)
      << short_of;
  const std::string no_prefix = error_message<std::invalid_argument>([&] { align_tokens_to_words(t, {"Hello", " there"}, " "); });
  EXPECT_NE(no_prefix.find("does not match the text at byte 0"), std::string::npos) << no_prefix;
}

// A hand-made GPT-2 BPE: the 256 byte symbols, and merges that make "Ġthe" and "ll".
Gpt2Tokenizer hand_made_gpt2() {
  const char* merges[] = {"\xC4\xA0 t", "h e", "\xC4\xA0t he", "l l"};
  nlohmann::json vocab = nlohmann::json::object();
  const std::vector<std::string>& bytes = gpt2_byte_symbols();
  for (int b = 0; b < 256; ++b) vocab[bytes[static_cast<std::size_t>(b)]] = b;
  std::string merges_txt;
  int next = 256;
  for (const char* m : merges) {
    std::string s = m;
    merges_txt += s + "\n";
    s.erase(s.find(' '), 1);
    vocab[s] = next++;
  }
  return parse_gpt2_tokenizer(vocab.dump(), merges_txt, "hand-made");
}

TEST(AlignGpt2, WholeTextTokensOfAWordAreTheWordEncodedWithItsSpace) {
  const Gpt2Tokenizer tok = hand_made_gpt2();
  const std::vector<std::string> words = {"the", "hello", "the", "caf\xC3\xA9!", "tell"};
  const TextOfWords t = join_words(words);
  const std::vector<std::int32_t> ids = encode(tok, t.text);
  const WordAlignment a = align_tokens_to_words(t, gpt2_token_bytes(tok, ids));
  ASSERT_EQ(a.first_token.size(), words.size());
  for (std::size_t w = 0; w < words.size(); ++w) {
    const std::vector<std::int32_t> alone = encode(tok, w == 0 ? words[w] : " " + words[w]);
    const std::vector<std::int32_t> in_text(ids.begin() + a.first_token[w], ids.begin() + a.end_token[w]);
    EXPECT_EQ(in_text, alone) << "word " << w;
  }
  EXPECT_EQ(a.tokens_of(2), 1);  // " the" is one token (Ġthe)
}

TEST(AlignTok512, WholeTextTokensOfAWordAreTheWordEncodedAlone) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Llama2cTokenizer tok = load_llama2c_tokenizer((root / "models" / "stories260K" / "tok512.bin").string(), 512);
  const std::vector<std::string> words = {"Once", "upon", "a", "time,", "there", "was", "a", "little",
                                          "girl", "named", "Lily.", "She", "saw", "a", "caf\xC3\xA9", "\xE2\x80\x94",
                                          "42", "dragons!"};
  const TextOfWords t = join_words(words);
  const std::vector<std::int32_t> ids = encode(tok, t.text, EncodeOptions{true, false});
  const WordAlignment a = align_tokens_to_words(t, llama2c_token_bytes(tok, ids), " ");
  EXPECT_EQ(a.word_of_token.front(), -1);  // BOS
  for (std::size_t w = 0; w < words.size(); ++w) {
    // run.c's encode of the word alone adds the dummy-prefix space, as the space before it in the text.
    const std::vector<std::int32_t> alone = encode(tok, words[w], EncodeOptions{false, false});
    const std::vector<std::int32_t> in_text(ids.begin() + a.first_token[w], ids.begin() + a.end_token[w]);
    EXPECT_EQ(in_text, alone) << "word " << w << " '" << words[w] << "'";
  }
}

// The pipeline's encoder (encode_words_in_context): each segment encoded whole and aligned. On
// tok512 it gives every word the ids of the word encoded alone, as the pipeline did before it used
// the alignment (so every extract keeps its bits), in each segment.
TEST(EncodeWordsInContext, Tok512GivesEachWordItsOwnIdsInEverySegment) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const WordTokenizer tok = load_word_tokenizer((root / "models" / "stories260K" / "tok512.bin").string(), 512);
  const std::vector<std::string> words = {"Once", "upon", "a", "time,", "Lily", "saw", "a", "caf\xC3\xA9", "\xE2\x80\x94", "42", "dragons!"};
  const std::vector<std::int64_t> segment_of = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
  const std::vector<std::vector<std::int32_t>> ids = encode_words_in_context(tok, words, segment_of);
  ASSERT_EQ(ids.size(), words.size());
  for (std::size_t w = 0; w < words.size(); ++w) EXPECT_EQ(ids[w], tok.encode_word(words[w], false)) << words[w];
  EXPECT_NE(tok.kind.find("no piece spans a space, so word by word"), std::string::npos) << tok.kind;
}

// A llama2.c vocabulary with a piece across a space ("a b"): the whole text merges the two words,
// which encoding each word alone would have hidden; the pipeline's encoder names the segment and
// the word.
TEST(EncodeWordsInContext, AMergeAcrossWordsInRunningTextIsNamed) {
  std::string bin;
  const auto put_i32 = [&](std::int32_t v) { bin.append(reinterpret_cast<const char*>(&v), 4); };
  const auto put_piece = [&](const std::string& p, float score) {
    bin.append(reinterpret_cast<const char*>(&score), 4);
    put_i32(static_cast<std::int32_t>(p.size()));
    bin += p;
  };
  put_i32(16);
  put_piece("<unk>", 0.0f);
  put_piece("\n<s>\n", 0.0f);
  put_piece("\n</s>\n", 0.0f);
  for (int b = 0; b < 256; ++b) {
    char hex[8];
    std::snprintf(hex, sizeof hex, "<0x%02X>", b);
    put_piece(hex, 0.0f);
  }
  put_piece(" ", 0.0f);
  put_piece("a", 0.0f);
  put_piece("b", 0.0f);
  put_piece("a ", 9.0f);
  put_piece("a b", 10.0f);
  const std::filesystem::path path = std::filesystem::path(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") / "merge_across.bin";
  std::ofstream(path, std::ios::binary) << bin;
  const WordTokenizer tok = load_word_tokenizer(path.string(), 264);
  EXPECT_EQ(tok.kind.find("word by word"), std::string::npos);
  const std::string m = error_message<std::invalid_argument>([&] { encode_words_in_context(tok, {"a", "a", "b"}, {0, 1, 1}); });
  EXPECT_NE(m.find("the words of segment 1 (words 1..2, 0-based; word indices below count from the segment's first): "
                   "align_tokens_to_words: word 1 (0-based) 'b' starts inside token 1 'a b'"),
            std::string::npos)
      << m;
  // Segment 0 alone is fine: one word, " a" as " " and "a".
  EXPECT_EQ(encode_words_in_context(tok, {"a"}, {0}).front(), (std::vector<std::int32_t>{259, 260}));
}

// GPT-2 (a directory with vocab.json and merges.txt): the ids of each word in the whole text.
TEST(EncodeWordsInContext, Gpt2WordsKeepTheirLeadingSpace) {
  const Gpt2Tokenizer g = hand_made_gpt2();
  const std::filesystem::path dir = std::filesystem::path(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR") : "/tmp") / "gpt2_dir";
  std::filesystem::create_directories(dir);
  nlohmann::json vocab = nlohmann::json::object();
  for (const auto& [symbol, id] : g.encoder) vocab[symbol] = id;
  std::ofstream(dir / "vocab.json") << vocab.dump();
  std::ofstream(dir / "merges.txt") << "\xC4\xA0 t\nh e\n\xC4\xA0t he\nl l\n";
  const WordTokenizer tok = load_word_tokenizer(dir.string(), 0);
  const std::vector<std::string> words = {"the", "hello", "the", "tell"};
  const std::vector<std::vector<std::int32_t>> ids = encode_words_in_context(tok, words, {0, 0, 0, 0});
  for (std::size_t w = 0; w < words.size(); ++w) EXPECT_EQ(ids[w], encode(g, w == 0 ? words[w] : " " + words[w])) << words[w];
  EXPECT_EQ(ids[2].size(), 1U);  // " the" is one token (Ġthe)
}

}  // namespace
}  // namespace neuroscore::extract
