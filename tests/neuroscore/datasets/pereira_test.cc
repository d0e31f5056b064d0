#include "neuroscore/datasets/pereira.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace ns = neuroscore;
namespace nd = neuroscore::datasets;
namespace fs = std::filesystem;

namespace {

// The loader's error for a damaged data root (a test failure when it throws none).
std::string error_of(const fs::path& root) {
  return ns::testing::error_message<std::exception>([&] { nd::load_pereira(root); });
}

// Sentence k of a synthetic stimulus set: distinct words so no two are alike.
std::string fake_sentence(int k) {
  std::ostringstream s;
  s << "Sentence w" << k << " has words a" << k << " b" << k << " c" << k << ", d" << k << " and e" << k << ".";
  return s.str();
}

struct Fake {
  std::vector<std::string> stimuli;   // 627, file order
  std::vector<std::string> csv_text;  // what goes into the CSV for each stimulus ("" = left out)
  std::vector<std::string> csv_extra; // CSV rows with no stimulus
  std::string header = ",Sentence,EffectSize";
  int glove_rows_384 = 384;
};

// Writes ROOT/pereira2018 from `f`; EffectSize of stimulus k is k / 1000. CSV rows are written
// in reverse order (the release sorts alphabetically, never in stimulus order).
fs::path write_fake(const Fake& f, const std::string& name) {
  const fs::path root = ns::testing::scratch_dir(name);
  const fs::path dir = root / "pereira2018";
  fs::create_directories(dir);
  std::ofstream s384(dir / "stimuli_384sentences.txt"), s243(dir / "stimuli_243sentences.txt");
  std::ofstream g384(dir / "pereira_384_glove.txt"), g243(dir / "pereira_243_glove.txt");
  for (int k = 0; k < 627; ++k) {
    (k < 384 ? s384 : s243) << f.stimuli[static_cast<std::size_t>(k)] << "\n";
    if (k < 384 && k >= f.glove_rows_384) continue;
    std::ofstream& g = k < 384 ? g384 : g243;
    for (int c = 0; c < 300; ++c) g << (c ? " " : "") << k + c / 1000.0;
    g << "\n";
  }
  std::ofstream csv(dir / "pereira_averaged.csv");
  csv << f.header << "\n";
  int row = 0;
  for (int k = 626; k >= 0; --k) {
    const std::string& t = f.csv_text[static_cast<std::size_t>(k)];
    if (!t.empty()) csv << row++ << ",\"" << t << "\"," << k / 1000.0 << "\n";
  }
  for (const std::string& t : f.csv_extra) csv << row++ << ",\"" << t << "\",9\n";
  return root;
}

Fake clean_fake() {
  Fake f;
  for (int k = 0; k < 627; ++k) f.stimuli.push_back(fake_sentence(k));
  f.csv_text = f.stimuli;
  return f;
}

}  // namespace

TEST(NormalizeSentence, CaseSpacingAndPunctuationOtherThanApostrophes) {
  EXPECT_EQ(nd::normalize_sentence("  A banana,  grows in BUNCHS. "), "a banana grows in bunchs");
  EXPECT_EQ(nd::normalize_sentence("today's grooms"), "today's grooms");
  EXPECT_EQ(nd::normalize_sentence("well-known $5 (50%)"), "well known 5 50");
  EXPECT_NE(nd::normalize_sentence("its"), nd::normalize_sentence("it's"));
}

TEST(SentenceWordSimilarity, ClosedForms) {
  EXPECT_DOUBLE_EQ(nd::sentence_word_similarity("a b c", "a b c"), 1.0);
  EXPECT_DOUBLE_EQ(nd::sentence_word_similarity("a b c", "x y z"), 0.0);
  // LCS("it has x y", "a desk has x y") = 3 words: 2 * 3 / (4 + 5).
  EXPECT_DOUBLE_EQ(nd::sentence_word_similarity("it has x y", "a desk has x y"), 6.0 / 9.0);
  EXPECT_DOUBLE_EQ(nd::sentence_word_similarity("", ""), 1.0);
}

TEST(LoadPereira, SyntheticExactJoinIsOneToOneAndCarriesTheValues) {
  const nd::PereiraData d = nd::load_pereira(write_fake(clean_fake(), "pereira_clean"));
  ASSERT_EQ(d.sentences.size(), 627u);
  EXPECT_EQ(d.matched_count(), 627u);
  EXPECT_TRUE(d.unmatched.empty());
  for (int k = 0; k < 627; ++k) {
    EXPECT_EQ(d.match[k], nd::PereiraMatch::exact);
    EXPECT_DOUBLE_EQ(d.response(k), k / 1000.0);
    EXPECT_EQ(d.response_row[k], 626 - k);
    EXPECT_DOUBLE_EQ(d.glove(k, 0), k);
    EXPECT_DOUBLE_EQ(d.glove(k, 299), k + 0.299);
    EXPECT_EQ(d.length_words(k), 10);
  }
  EXPECT_EQ(d.passage[0], 0);
  EXPECT_EQ(d.passage[383], 95);
  EXPECT_EQ(d.position[383], 3);
  EXPECT_EQ(d.position[6], 2);
  EXPECT_EQ(d.passage[384], -1);
  EXPECT_EQ(d.position[626], -1);
  EXPECT_EQ(d.experiment[383], 384);
  EXPECT_EQ(d.experiment[384], 243);
}

TEST(LoadPereira, SyntheticEditsJoinByWordSimilarityAndTheRestIsReportedFromBothSides) {
  Fake f = clean_fake();
  // Case/punctuation/space differences: still exact after normalization.
  f.csv_text[3] = "  SENTENCE w3 has words a3 b3 c3 d3 and e3 ";
  // A pronoun edit like the release's: fuzzy pair (similarity 2 * 9 / (10 + 10) = 0.9).
  f.csv_text[10] = "It w10 has words a10 b10 c10, d10 and e10.";
  // Unrelated texts on both sides: unmatched and reported.
  f.csv_text[20] = "";
  f.csv_extra.push_back("Nothing like any stimulus at all.");
  const nd::PereiraData d = nd::load_pereira(write_fake(f, "pereira_edits"));
  EXPECT_EQ(d.matched_count(), 626u);
  EXPECT_EQ(d.match[3], nd::PereiraMatch::exact);
  EXPECT_EQ(d.match[10], nd::PereiraMatch::edited);
  EXPECT_DOUBLE_EQ(d.response(10), 0.010);
  ASSERT_EQ(d.edited_pairs.size(), 1u);
  EXPECT_NE(d.edited_pairs[0].find("It w10"), std::string::npos) << d.edited_pairs[0];
  EXPECT_EQ(d.match[20], nd::PereiraMatch::unmatched);
  EXPECT_TRUE(std::isnan(d.response(20)));
  EXPECT_EQ(d.response_row[20], -1);
  ASSERT_EQ(d.unmatched.size(), 2u);
  EXPECT_NE(d.unmatched[0].find("stimulus 20"), std::string::npos) << d.unmatched[0];
  EXPECT_NE(d.unmatched[1].find("Nothing like any stimulus"), std::string::npos) << d.unmatched[1];

  // The fuzzy stage off: the pronoun edit is unmatched too.
  nd::PereiraOptions strict;
  strict.min_word_similarity = 1.01;
  const nd::PereiraData s = nd::load_pereira(write_fake(f, "pereira_edits_strict"), strict);
  EXPECT_EQ(s.matched_count(), 625u);
  EXPECT_EQ(s.match[10], nd::PereiraMatch::unmatched);
}

TEST(LoadPereira, WrongCsvHeaderNamesTheFileAndWhatItFound) {
  Fake f = clean_fake();
  f.header = "idx,Sentence,EffectSize";
  const std::string e = error_of(write_fake(f, "pereira_header"));
  EXPECT_NE(e.find("pereira_averaged.csv:1: expected the header ',Sentence,EffectSize', found 'idx,Sentence,EffectSize'"),
            std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(LoadPereira, DuplicateSentencesBreakOneToOneAndAreAnError) {
  Fake f = clean_fake();
  f.csv_extra.push_back("sentence W5 has words a5 b5 c5 d5 and e5");
  const std::string e = error_of(write_fake(f, "pereira_duplicate"));
  EXPECT_NE(e.find("pereira_averaged.csv: data rows (0-based)"), std::string::npos) << e;
  EXPECT_NE(e.find("same sentence after normalization"), std::string::npos) << e;
}

TEST(LoadPereira, ShortGloveFileAndWrongSentenceCountNameTheFile) {
  Fake f = clean_fake();
  f.glove_rows_384 = 380;
  const std::string e = error_of(write_fake(f, "pereira_glove"));
  EXPECT_NE(e.find("pereira_384_glove.txt"), std::string::npos) << e;
  EXPECT_NE(e.find("384"), std::string::npos) << e;

  Fake g = clean_fake();
  g.stimuli[100] = "";  // a blank line inside the 384 file
  const std::string e2 = error_of(write_fake(g, "pereira_blank"));
  EXPECT_NE(e2.find("stimuli_384sentences.txt:101: blank line between sentences"), std::string::npos) << e2;
}

TEST(LoadPereira, MissingDirectoryNamesIt) {
  const std::string e = error_of("/nonexistent/data");
  EXPECT_NE(e.find("/nonexistent/data/pereira2018"), std::string::npos) << e;
}

// The shipped release: 576 sentences join exactly (after normalization) and the 51 left on
// each side are the beyond-brainscore edits (pronoun -> referent in 46 experiment-2 sentences,
// a few word fixes), each paired by word similarity; nothing is left unmatched.
TEST(LoadPereira, RealDataJoinsAll627OneToOne) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const nd::PereiraData d = nd::load_pereira(root);
  ASSERT_EQ(d.sentences.size(), 627u);
  ASSERT_EQ(d.glove.rows(), 627);
  ASSERT_EQ(d.glove.cols(), 300);
  EXPECT_EQ(d.matched_count(), 627u);
  EXPECT_TRUE(d.unmatched.empty()) << d.unmatched.front();
  EXPECT_EQ(std::count(d.match.begin(), d.match.end(), nd::PereiraMatch::exact), 576);
  EXPECT_EQ(std::count(d.match.begin(), d.match.end(), nd::PereiraMatch::edited), 51);
  EXPECT_EQ(d.edited_pairs.size(), 51u);
  const std::set<int> rows(d.response_row.begin(), d.response_row.end());
  EXPECT_EQ(rows.size(), 627u) << "one-to-one";
  EXPECT_FALSE(rows.count(-1));
  EXPECT_TRUE(d.response.allFinite());

  // First and last sentences, read by hand from the files (csv lines 107 and 596).
  EXPECT_EQ(d.sentences.front(), "An accordion is a portable musical instrument with two keyboards.");
  EXPECT_DOUBLE_EQ(d.response(0), 0.3848778);
  EXPECT_EQ(d.response_row[0], 105);
  EXPECT_DOUBLE_EQ(d.glove(0, 0), 0.366856);
  EXPECT_DOUBLE_EQ(d.glove(0, 299), 0.199575);
  EXPECT_EQ(d.length_words(0), 10);
  EXPECT_EQ(d.sentences.back(), "This has led to more injuries, particularly to ligaments in the skier's knee.");
  EXPECT_DOUBLE_EQ(d.response(626), 0.7307059);
  EXPECT_DOUBLE_EQ(d.glove(626, 0), 0.085717);
  EXPECT_DOUBLE_EQ(d.glove(626, 299), -0.011671);
  // Line 384 of the 384 file (trailing spaces in 5 lines of that file are trimmed).
  EXPECT_EQ(d.sentences[383], "A woman has different reproductive organs than a man.");
  EXPECT_EQ(d.passage[383], 95);
  EXPECT_EQ(d.position[383], 3);
  EXPECT_DOUBLE_EQ(d.response(383), 0.715898);
  EXPECT_EQ(d.sentences[140], "A foot is a body part on the end of a leg.");
  // A pronoun edit: stimulus 187 "... body heat warms igloos." <- csv "... body heat warms it."
  EXPECT_EQ(d.match[187], nd::PereiraMatch::edited);
  EXPECT_DOUBLE_EQ(d.response(187), 0.9182591);
}
