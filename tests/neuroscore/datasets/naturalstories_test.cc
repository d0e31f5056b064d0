#include "neuroscore/datasets/naturalstories.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace ns = neuroscore;
namespace nd = neuroscore::datasets;
namespace fs = std::filesystem;

namespace {

// The loader's error for a damaged data root (a test failure when it throws none).
std::string error_of(const fs::path& root) {
  return ns::testing::error_message<std::exception>([&] { nd::load_naturalstories(root); });
}

// A data root with a tiny Gutenberg text and a processed_wordinfo.tsv of `rows` (each
// "word\tzone\titem\tnItem\tmeanItemRT").
fs::path write_fake(const std::string& name, const std::vector<std::string>& rows,
                    const std::string& gutenberg = "licence the the\n*** START OF X ***\n"
                                                   "The cat--the DOG. The end!\n*** END OF X ***\nthe the\n") {
  const fs::path root = ns::testing::scratch_dir(name);
  fs::create_directories(root / "naturalstories_futrell2018");
  fs::create_directories(root / "alice_brennan2016");
  std::ofstream(root / "alice_brennan2016" / "alice_gutenberg_full_text.txt") << gutenberg;
  std::ofstream tsv(root / "naturalstories_futrell2018" / "processed_wordinfo.tsv");
  tsv << "word\tzone\titem\tnItem\tmeanItemRT\n";
  for (const std::string& r : rows) tsv << r << "\n";
  return root;
}

// One word per story so that all ten stories exist; story 1 gets `story1` instead.
std::vector<std::string> ten_stories(const std::vector<std::string>& story1) {
  std::vector<std::string> rows = story1;
  for (int s = 2; s <= 10; ++s) rows.push_back("w\t1\t" + std::to_string(s) + "\t50\t300");
  return rows;
}

}  // namespace

TEST(FrequencyKey, StripsSurroundingPunctuationAndLowercases) {
  EXPECT_EQ(nd::frequency_key("'Admiral"), "admiral");
  EXPECT_EQ(nd::frequency_key("Tourette's."), "tourette's");
  EXPECT_EQ(nd::frequency_key("(twenty-five),"), "twenty-five");
  EXPECT_EQ(nd::frequency_key("--"), "");
}

// Keys are ICU full case folding (Unicode's CaseFolding.txt, status C + F): non-ASCII capitals
// fold too, and full folding maps "ß" to "ss".
TEST(FrequencyKey, FoldsEveryCaseNotOnlyAscii) {
  EXPECT_EQ(nd::frequency_key("\u00dcber"), nd::frequency_key("\u00fcber"));        // "Über", "über"
  EXPECT_EQ(nd::frequency_key("STRASSE"), nd::frequency_key("stra\u00dfe"));        // "straße"
  EXPECT_EQ(nd::frequency_key("caf\u00e9"), nd::frequency_key("cafe\u0301"));      // NFC: composed = decomposed
  EXPECT_EQ(nd::frequency_key("\u00ab\u00dcber\u00bb"), nd::frequency_key("\u00fcber"));  // guillemets are punctuation
}

TEST(CountUnigrams, SplitsOnWhitespaceAndDoubleDashes) {
  const nd::UnigramCounts c = nd::count_unigrams("The cat--the DOG. -- The end!");
  EXPECT_EQ(c.tokens, 6);
  EXPECT_EQ(c.counts.size(), 4u);
  EXPECT_EQ(c.counts.at("the"), 3);
  // Closed form: log10((3 + 1) / (6 + 4 + 1) * 1e6); an unseen word gets log10(1 / 11 * 1e6).
  EXPECT_DOUBLE_EQ(nd::log10_per_million(c, "the"), std::log10(4.0 / 11.0 * 1e6));
  EXPECT_DOUBLE_EQ(nd::log10_per_million(c, "zebra"), std::log10(1.0 / 11.0 * 1e6));
}

TEST(LoadNaturalStories, SyntheticRowsAreSortedByStoryThenZone) {
  const fs::path root = write_fake(
      "ns_sorted", ten_stories({"dog.\t3\t1\t40\t330.5", "The\t1\t1\t42\t310", "'cat,\t2\t1\t41\t320"}));
  const nd::NaturalStoriesData d = nd::load_naturalstories(root);
  ASSERT_EQ(d.words.size(), 12u);
  EXPECT_EQ(d.words[0], "The");
  EXPECT_EQ(d.words[1], "'cat,");
  EXPECT_EQ(d.words[2], "dog.");
  EXPECT_EQ(d.zone[2], 3);
  EXPECT_EQ(d.story[3], 2);
  EXPECT_DOUBLE_EQ(d.mean_rt(2), 330.5);
  EXPECT_DOUBLE_EQ(d.readers(1), 41);
  EXPECT_DOUBLE_EQ(d.word_length(1), 3);  // "cat"
  EXPECT_EQ(d.story_lengths[0], 3);
  EXPECT_EQ(d.story_lengths[9], 1);
  // Corpus body only (markers exclude the licence lines): the cat the dog the end -> 6 tokens,
  // 4 types; "the" 3 times.
  EXPECT_DOUBLE_EQ(d.log_frequency(0), std::log10(4.0 / 11.0 * 1e6));
  EXPECT_DOUBLE_EQ(d.log_frequency(1), std::log10(2.0 / 11.0 * 1e6));
  EXPECT_DOUBLE_EQ(d.log_frequency(3), std::log10(1.0 / 11.0 * 1e6));  // "w": unseen
  EXPECT_NE(d.frequency_source.find("6 tokens, 4 types"), std::string::npos) << d.frequency_source;
}

// Word length is the number of user-perceived characters: extended grapheme clusters (UAX #29)
// after NFC normalization, surrounding punctuation stripped, never UTF-8 bytes. Frequencies of
// non-ASCII words are looked up under the same folded key as the corpus's.
TEST(LoadNaturalStories, NonAsciiWordsHaveTheirCharacterLengthAndTheirCorpusCount) {
  const fs::path root = write_fake(
      "ns_unicode",
      ten_stories({"caf\u00e9\t1\t1\t1\t300", "Stra\u00dfe,\t2\t1\t1\t300", "e\u0301\t3\t1\t1\t300",
                   "thumbs\U0001F44D\U0001F3FDup\t4\t1\t1\t300", "\u00dcber\t5\t1\t1\t300", "STRASSE\t6\t1\t1\t300"}),
      "*** START OF X ***\n\u00fcber \u00fcber stra\u00dfe cat\n*** END OF X ***\n");
  const nd::NaturalStoriesData d = nd::load_naturalstories(root);
  ASSERT_EQ(d.words.size(), 15u);
  EXPECT_DOUBLE_EQ(d.word_length(0), 4);  // café: 5 UTF-8 bytes
  EXPECT_DOUBLE_EQ(d.word_length(1), 6);  // Straße (the comma stripped): 7 bytes
  EXPECT_DOUBLE_EQ(d.word_length(2), 1);  // e + combining acute: one grapheme
  EXPECT_DOUBLE_EQ(d.word_length(3), 9);  // thumbs, thumbs-up with a skin-tone modifier (one grapheme), up
  EXPECT_DOUBLE_EQ(d.word_length(4), 4);  // Über
  EXPECT_DOUBLE_EQ(d.word_length(5), 7);  // STRASSE
  // Corpus: 4 tokens, 3 types (über 2, strasse 1, cat 1): log10((count + 1) / 8 * 1e6).
  EXPECT_DOUBLE_EQ(d.log_frequency(4), std::log10(3.0 / 8.0 * 1e6));  // Über counts as über
  EXPECT_DOUBLE_EQ(d.log_frequency(5), std::log10(2.0 / 8.0 * 1e6));  // STRASSE counts as straße
  EXPECT_DOUBLE_EQ(d.log_frequency(0), std::log10(1.0 / 8.0 * 1e6));  // café: unseen
}

TEST(LoadNaturalStories, ZoneGapsBadNumbersAndMissingStoriesNameTheFileAndLine) {
  std::string e = error_of(write_fake("ns_gap", ten_stories({"a\t1\t1\t1\t300", "b\t3\t1\t1\t300"})));
  EXPECT_NE(e.find("processed_wordinfo.tsv:3 (data row 1): story 1 has zone 3 where zone 2 was expected"),
            std::string::npos) << e;
  e = error_of(write_fake("ns_rt", ten_stories({"a\t1\t1\t1\tfast"})));
  EXPECT_NE(e.find("processed_wordinfo.tsv:2 (data row 0): meanItemRT 'fast' is not a finite number"),
            std::string::npos) << e;
  e = error_of(write_fake("ns_item", ten_stories({"a\t1\t11\t1\t300"})));
  EXPECT_NE(e.find("processed_wordinfo.tsv:2 (data row 0): item 11 is not a story 1..10"), std::string::npos) << e;
  e = error_of(write_fake("ns_missing", {"a\t1\t1\t1\t300"}));
  EXPECT_NE(e.find("processed_wordinfo.tsv: story 2 has no words"), std::string::npos) << e;
  e = error_of(write_fake("ns_ragged", ten_stories({"a\t1\t1\t300"})));
  EXPECT_NE(e.find("processed_wordinfo.tsv:2: expected 5 fields"), std::string::npos) << e;
  e = error_of(write_fake("ns_no_markers", ten_stories({"a\t1\t1\t1\t300"}), "no markers here\n"));
  EXPECT_NE(e.find("alice_gutenberg_full_text.txt: not a Project Gutenberg text"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
}

// The shipped file: 10,256 words (the README's count), 10 stories; first and last rows read
// by hand from processed_wordinfo.tsv (which is sorted by word, not by story).
TEST(LoadNaturalStories, RealData) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const nd::NaturalStoriesData d = nd::load_naturalstories(root);
  ASSERT_EQ(d.words.size(), 10256u);
  const std::vector<Eigen::Index> lengths = {1073, 990, 1040, 1085, 1013, 1099, 999, 980, 1038, 939};
  EXPECT_EQ(d.story_lengths, lengths);
  EXPECT_EQ(d.words[0], "If");
  EXPECT_EQ(d.story[0], 1);
  EXPECT_EQ(d.zone[0], 1);
  EXPECT_DOUBLE_EQ(d.mean_rt(0), 369.01190476190476);
  EXPECT_DOUBLE_EQ(d.word_length(0), 2);
  EXPECT_EQ(d.words[1], "you");
  EXPECT_DOUBLE_EQ(d.mean_rt(1), 368.18390804597703);
  EXPECT_EQ(d.words.back(), "Tourette's.");
  EXPECT_EQ(d.story.back(), 10);
  EXPECT_EQ(d.zone.back(), 939);
  EXPECT_DOUBLE_EQ(d.mean_rt(10255), 991.1290322580645);
  EXPECT_DOUBLE_EQ(d.word_length(10255), 10);  // "Tourette's"
  // Story 3 starts at index 1073 + 990.
  EXPECT_EQ(d.words[2063], "It");
  EXPECT_EQ(d.story[2063], 3);
  EXPECT_DOUBLE_EQ(d.mean_rt(2063), 386.3152173913044);
  EXPECT_TRUE(d.log_frequency.allFinite());
  EXPECT_TRUE(d.mean_rt.allFinite());
  // Golden values from Python 3 (Debian /usr/bin/python3) on the same Gutenberg body:
  //   body = text[text.index('\n', text.index('*** START OF')):text.index('*** END OF')]
  //   keys = [re.sub(r'^[^A-Za-z0-9]+|[^A-Za-z0-9]+$', '', q).lower()
  //           for p in body.split() for q in p.split('--')], empty keys dropped
  //   -> N = 26564 tokens, V = 2668 types, count('if') = 96;
  //   log10((96 + 1) / (26564 + 2668 + 1) * 1e6) = 3.5208983476946436. Tolerance: 1e-12 (double
  //   rounding of one log10).
  EXPECT_NEAR(d.log_frequency(0), 3.5208983476946436, 1e-12);
  EXPECT_NE(d.frequency_source.find("26564 tokens, 2668 types"), std::string::npos) << d.frequency_source;
}
