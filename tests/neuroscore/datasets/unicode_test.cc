// Tests of neuroscore/datasets/unicode.hpp: NFC, grapheme clusters, full case folding, trimming.
#include "neuroscore/datasets/unicode.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace nu = neuroscore::unicode;

TEST(Unicode, GraphemesAreCountedAfterNfc) {
  EXPECT_EQ(nu::grapheme_count("caf\u00e9"), 4u);
  EXPECT_EQ(nu::grapheme_count("cafe\u0301"), 4u);  // decomposed é
  EXPECT_EQ(nu::grapheme_count("e\u0301"), 1u);
  EXPECT_EQ(nu::grapheme_count("Stra\u00dfe"), 6u);
  EXPECT_EQ(nu::grapheme_count("\U0001F44D\U0001F3FD"), 1u);  // thumbs up + skin tone modifier
  EXPECT_EQ(nu::grapheme_count("\U0001F468\u200D\U0001F469\u200D\U0001F467"), 1u);  // ZWJ family
  EXPECT_EQ(nu::grapheme_count(""), 0u);
  EXPECT_EQ(nu::nfc("cafe\u0301"), "caf\u00e9");
}

TEST(Unicode, FullCaseFoldingMakesOneKey) {
  EXPECT_EQ(nu::full_case_fold("\u00dcber"), "\u00fcber");
  EXPECT_EQ(nu::full_case_fold("Stra\u00dfe"), "strasse");
  EXPECT_EQ(nu::full_case_fold("STRASSE"), "strasse");
  EXPECT_EQ(nu::full_case_fold("\u03a3\u03af\u03c3\u03c5\u03c6\u03bf\u03c2"), nu::full_case_fold("\u03c3\u03af\u03c3\u03c5\u03c6\u03bf\u03c3"));  // final sigma
  EXPECT_EQ(nu::full_case_fold("CAFE\u0301"), "caf\u00e9");
}

TEST(Unicode, TrimmingDropsSurroundingPunctuationClusters) {
  EXPECT_EQ(nu::trim_to_letters_and_digits("\u00ab\u00dcber\u00bb,"), "\u00dcber");
  EXPECT_EQ(nu::trim_to_letters_and_digits("\u201cAlice\u201d"), "Alice");
  EXPECT_EQ(nu::trim_to_letters_and_digits("(twenty-five),"), "twenty-five");
  EXPECT_EQ(nu::trim_to_letters_and_digits("e\u0301."), "\u00e9");
  EXPECT_EQ(nu::trim_to_letters_and_digits("--"), "");
  EXPECT_EQ(nu::word_length("'Stra\u00dfe.'"), 6u);
  EXPECT_EQ(nu::word_key("\u00ab\u00dcBER\u00bb"), "\u00fcber");
}

TEST(Unicode, PunctuationIsGeneralCategoryP) {
  EXPECT_TRUE(nu::has_punctuation("world."));
  EXPECT_TRUE(nu::has_punctuation("\u00ab\u00dcber\u00bb"));
  EXPECT_TRUE(nu::has_punctuation("Tourette's"));
  EXPECT_TRUE(nu::has_punctuation("twenty-five"));
  EXPECT_TRUE(nu::has_punctuation("\u201cAlice\u201d"));
  EXPECT_TRUE(nu::has_punctuation("\u00bfQu\u00e9"));  // inverted question mark
  EXPECT_FALSE(nu::has_punctuation("caf\u00e9"));
  EXPECT_FALSE(nu::has_punctuation("$5"));   // a currency symbol (Sc), not punctuation
  EXPECT_FALSE(nu::has_punctuation("e\u0301"));
  EXPECT_FALSE(nu::has_punctuation(""));
}

TEST(Unicode, IllFormedUtf8IsAnError) {
  EXPECT_THROW(nu::grapheme_count("caf\xe9"), std::invalid_argument);  // Latin-1 é
  EXPECT_THROW(nu::word_key("\xff"), std::invalid_argument);
  EXPECT_THROW(nu::has_punctuation("\xff"), std::invalid_argument);
}
