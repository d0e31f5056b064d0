// SentencePiece wrapper: a tiny BPE model trained in the test with Debian's libsentencepiece_train,
// encode/decode round trips, BOS/EOS, and load errors.
#include "extract/sentencepiece_tokenizer.hpp"
#include "extract/sentencepiece_model.hpp"

#include <gtest/gtest.h>
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::extract {
namespace {

using neuroscore::testing::error_message;

class TinySentencePiece : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const std::filesystem::path dir = neuroscore::testing::scratch_dir("spm");
    {
      std::ofstream text(dir / "corpus.txt");
      for (int i = 0; i < 50; ++i) {
        text << "Once upon a time there was a little girl named Lily.\n"
                "She loved to play outside in the park with her red ball.\n"
                "One day the girl saw a big dog in the park and she was happy.\n";
      }
    }
    model_path_ = (dir / "tiny").string() + ".model";
    const auto status = sentencepiece::SentencePieceTrainer::Train(
        "--input=" + (dir / "corpus.txt").string() + " --model_prefix=" + (dir / "tiny").string() +
        " --vocab_size=60 --model_type=bpe --character_coverage=1.0 --hard_vocab_limit=false"
        " --unk_id=0 --bos_id=1 --eos_id=2 --pad_id=-1 --minloglevel=2");
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  static std::string model_path_;
};

std::string TinySentencePiece::model_path_;

TEST_F(TinySentencePiece, EncodesWithBosAndDecodesBack) {
  const SentencePieceTokenizer tok = SentencePieceTokenizer::load(model_path_);
  EXPECT_GT(tok.vocab_size(), 20);
  EXPECT_EQ(tok.bos_id(), 1);
  EXPECT_EQ(tok.eos_id(), 2);
  const std::string text = "Once upon a time the girl played in the park.";
  const std::vector<std::int32_t> ids = tok.encode(text);
  ASSERT_GE(ids.size(), 3U);
  EXPECT_EQ(ids.front(), 1);
  EXPECT_EQ(tok.decode(ids), text);
  const std::vector<std::int32_t> with_eos = tok.encode(text, /*bos=*/false, /*eos=*/true);
  EXPECT_EQ(with_eos.back(), 2);
  EXPECT_EQ(with_eos.size(), ids.size());
  // The dummy prefix: the first piece starts with U+2581 "▁".
  EXPECT_EQ(tok.pieces(text).front().substr(0, 3), "\xE2\x96\x81");
  EXPECT_THROW(tok.decode({-1}), std::out_of_range);
  EXPECT_THROW(tok.piece(tok.vocab_size()), std::out_of_range);
}

TEST_F(TinySentencePiece, LoadsFromSerializedProto) {
  std::ifstream in(model_path_, std::ios::binary);
  const std::string proto((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const SentencePieceTokenizer tok = SentencePieceTokenizer::from_serialized(proto, "memory");
  EXPECT_EQ(tok.encode("the park"), SentencePieceTokenizer::load(model_path_).encode("the park"));
}

// The libsentencepiece-free reader (used by `neuroscore extract`, which links libtorch) encodes
// every word as libsentencepiece encodes it alone: "▁word" with BPE merges by score.
TEST_F(TinySentencePiece, ProtobufFreeReaderMatchesTheLibraryWordByWord) {
  const SentencePieceTokenizer lib = SentencePieceTokenizer::load(model_path_);
  const SentencePieceModel own = load_sentencepiece_model(model_path_);
  EXPECT_EQ(own.model_type, 2);
  EXPECT_EQ(own.unk_id, 0);
  EXPECT_EQ(own.bos_id, 1);
  EXPECT_EQ(own.eos_id, 2);
  EXPECT_EQ(own.pad_id, -1);
  EXPECT_TRUE(own.add_dummy_prefix);
  ASSERT_EQ(static_cast<std::int32_t>(own.vocabulary.pieces.size()), lib.vocab_size());
  for (std::int32_t id = 3; id < lib.vocab_size(); ++id) {
    std::string expected = lib.piece(id);
    for (std::size_t at; (at = expected.find("\xE2\x96\x81")) != std::string::npos;) expected.replace(at, 3, " ");
    ASSERT_EQ(own.vocabulary.pieces[static_cast<std::size_t>(id)], expected) << "id " << id;
  }
  int words = 0;
  for (const std::string w : {"Once", "upon", "a", "time", "there", "was", "little", "girl", "named", "Lily.", "She",
                              "loved", "play", "outside", "park", "with", "her", "red", "ball.", "dog", "happy.",
                              "Lilypark", "playday", "the"}) {
    EXPECT_EQ(encode_word(own, w), lib.encode(w, false, false)) << w;
    ++words;
  }
  EXPECT_EQ(words, 24);
  // 'Z' never occurs in the training text and the model has no byte fallback.
  EXPECT_THROW(encode_word(own, "Zebra"), std::runtime_error);
  EXPECT_THROW(parse_sentencepiece_model("\x0a\x05" "ab", "cut"), std::runtime_error);
}

TEST(SentencePieceErrors, MissingOrCorruptModelNamesThePath) {
  const std::string missing =
      error_message<std::runtime_error>([] { SentencePieceTokenizer::load("/no/such/tokenizer.model"); });
  EXPECT_NE(missing.find("/no/such/tokenizer.model"), std::string::npos) << missing;
  const std::filesystem::path dir = neuroscore::testing::scratch_dir("spm_bad");
  std::ofstream(dir / "bad.model") << "this is not a protobuf";
  EXPECT_THROW(SentencePieceTokenizer::load((dir / "bad.model").string()), std::runtime_error);
}

}  // namespace
}  // namespace neuroscore::extract
