// Tests of neuroscore/io/textgrid.hpp: long and short formats, encodings, every error, real files.
#include "neuroscore/io/textgrid.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/testing/data.hpp"
#include "tests/io/expect_error.hpp"

namespace {

using neuroscore::io::parse_textgrid;
using neuroscore::io::read_textgrid;
using neuroscore::io::TextGrid;
using neuroscore::io::TextGridOptions;
using neuroscore::io::TierKind;
using neuroscore::io::TimeOrder;
using neuroscore::testing::error_message;
using ::testing::HasSubstr;

// A two-tier TextGrid as Praat writes it ("Save as text file"); the word text holds a doubled
// quote and a newline.
constexpr char kLong[] = R"(File type = "ooTextFile"
Object class = "TextGrid"

xmin = 0 
xmax = 2.3 
tiers? <exists> 
size = 2 
item []: 
    item [1]:
        class = "IntervalTier" 
        name = "word" 
        xmin = 0 
        xmax = 2.3 
        intervals: size = 3 
        intervals [1]:
            xmin = 0 
            xmax = 0.5 
            text = "" 
        intervals [2]:
            xmin = 0.5 
            xmax = 1.75 
            text = "say ""hi""
twice" 
        intervals [3]:
            xmin = 1.75 
            xmax = 2.3 
            text = "sp" 
    item [2]:
        class = "TextTier" 
        name = "bell" 
        xmin = 0 
        xmax = 2.3 
        points: size = 2 
        points [1]:
            number = 0.9 
            mark = "ding" 
        points [2]:
            number = 1.3 
            mark = "dong" 
)";

// The same TextGrid in Praat's short text format ("Save as short text file").
constexpr char kShort[] = R"(File type = "ooTextFile"
Object class = "TextGrid"

0
2.3
<exists>
2
"IntervalTier"
"word"
0
2.3
3
0
0.5
""
0.5
1.75
"say ""hi""
twice"
1.75
2.3
"sp"
"TextTier"
"bell"
0
2.3
2
0.9
"ding"
1.3
"dong"
)";

void expect_sample(const TextGrid& grid) {
  EXPECT_EQ(grid.start_seconds, 0.0);
  EXPECT_EQ(grid.end_seconds, 2.3);
  ASSERT_EQ(grid.tiers.size(), 2u);
  const auto& word = grid.tier("word");
  EXPECT_EQ(word.kind, TierKind::interval);
  EXPECT_EQ(word.start_seconds, 0.0);
  EXPECT_EQ(word.end_seconds, 2.3);
  ASSERT_EQ(word.intervals.size(), 3u);
  EXPECT_TRUE(word.points.empty());
  EXPECT_EQ(word.intervals[0].text, "");
  EXPECT_EQ(word.intervals[1].start_seconds, 0.5);
  EXPECT_EQ(word.intervals[1].end_seconds, 1.75);
  EXPECT_EQ(word.intervals[1].text, "say \"hi\"\ntwice");
  EXPECT_EQ(word.intervals[2].text, "sp");
  const auto& bell = grid.tier("bell");
  EXPECT_EQ(bell.kind, TierKind::point);
  ASSERT_EQ(bell.points.size(), 2u);
  EXPECT_TRUE(bell.intervals.empty());
  EXPECT_EQ(bell.points[0].time_seconds, 0.9);
  EXPECT_EQ(bell.points[0].mark, "ding");
  EXPECT_EQ(bell.points[1].time_seconds, 1.3);
  EXPECT_EQ(bell.points[1].mark, "dong");
}

std::string parse_error(const std::string& text, const TextGridOptions& options = {}) {
  return error_message<std::runtime_error>([&] { parse_textgrid(text, "g.TextGrid", options); });
}

// Replaces the first occurrence of `from` in `text` (which must be there).
std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string utf16(const std::string& ascii_prefix, const std::u16string& rest, bool little_endian) {
  std::u16string units(ascii_prefix.begin(), ascii_prefix.end());
  units += rest;
  std::string bytes = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (const char16_t unit : units) {
    const char low = static_cast<char>(unit & 0xFF);
    const char high = static_cast<char>(unit >> 8);
    bytes += little_endian ? low : high;
    bytes += little_endian ? high : low;
  }
  return bytes;
}

TEST(TextGrid, LongFormat) { expect_sample(parse_textgrid(kLong, "g.TextGrid")); }

TEST(TextGrid, ShortFormat) { expect_sample(parse_textgrid(kShort, "g.TextGrid")); }

TEST(TextGrid, OldShortFileTypeAndCrlf) {
  std::string text = replace(kShort, "\"ooTextFile\"", "\"ooTextFile short\"");
  std::string crlf;
  for (const char c : text) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  const TextGrid grid = parse_textgrid(crlf, "g.TextGrid");
  EXPECT_EQ(grid.tier("word").intervals[1].text, "say \"hi\"\r\ntwice");  // newline kept as written
  EXPECT_EQ(grid.tier("bell").points[1].mark, "dong");
}

TEST(TextGrid, Utf8ByteOrderMarkAndNonAsciiText) {
  const TextGrid grid = parse_textgrid("\xEF\xBB\xBF" + replace(kLong, "\"sp\"", "\"caf\xC3\xA9\""), "g");
  EXPECT_EQ(grid.tier("word").intervals[2].text, "caf\xC3\xA9");
}

TEST(TextGrid, Utf16WithByteOrderMarkIsDecoded) {
  const std::string head = R"(File type = "ooTextFile"
Object class = "TextGrid"
0 1 <exists> 1 "IntervalTier" "w" 0 1 1 0 1 ")";
  const std::u16string tail = u"caf\u00E9 \U0001F600\"\n";  // U+1F600 needs a surrogate pair
  for (const bool little_endian : {true, false}) {
    const TextGrid grid = parse_textgrid(utf16(head, tail, little_endian), "g16");
    EXPECT_EQ(grid.tier("w").intervals[0].text, "caf\xC3\xA9 \xF0\x9F\x98\x80") << little_endian;
  }
}

TEST(TextGrid, TiersAbsent) {
  const TextGrid grid = parse_textgrid(
      "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\nxmin = 0\nxmax = 1\ntiers? <absent>\n", "g");
  EXPECT_TRUE(grid.tiers.empty());
  EXPECT_EQ(grid.end_seconds, 1.0);
}

TEST(TextGrid, TierLookupNamesTheAvailableTiers) {
  const TextGrid grid = parse_textgrid(kLong, "g.TextGrid");
  EXPECT_EQ(error_message<std::invalid_argument>([&] { grid.tier("phones"); }),
            "no tier named \"phones\"; available tiers: \"word\", \"bell\"");
  const TextGrid empty{0.0, 1.0, {}};
  EXPECT_EQ(error_message<std::invalid_argument>([&] { empty.tier("word"); }),
            "no tier named \"word\"; the TextGrid has no tiers");
}

TEST(TextGrid, AsWrittenKeepsOverlappingAndBackwardIntervals) {
  const std::string text = replace(replace(kLong, "xmin = 1.75", "xmin = 1.5"), "xmax = 0.5 ", "xmax = -0.25 ");
  const TextGrid grid = parse_textgrid(text, "g", TextGridOptions{TimeOrder::as_written});
  const auto& word = grid.tier("word");
  EXPECT_EQ(word.intervals[0].end_seconds, -0.25);
  EXPECT_EQ(word.intervals[2].start_seconds, 1.5);
}

TEST(TextGridErrors, MissingAndEmptyFile) {
  EXPECT_EQ(error_message<std::runtime_error>([] { read_textgrid("/nonexistent/a.TextGrid"); }),
            "/nonexistent/a.TextGrid: cannot open: No such file or directory");
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "empty.TextGrid";
  std::ofstream{path};
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_textgrid(path); }), path.string() + ": empty file");
}

TEST(TextGridErrors, MalformedNumberInAnInterval) {
  EXPECT_EQ(parse_error(replace(kLong, "xmax = 1.75", "xmax = 1.7.5")),
            "g.TextGrid:21: malformed number \"1.7.5\" for xmax of interval 2 of tier 1 (\"word\")");
  EXPECT_EQ(parse_error(replace(kShort, "1.75", "1,75")),
            "g.TextGrid:17: malformed number \"1,75\" for xmax of interval 2 of tier 1 (\"word\")");
}

TEST(TextGridErrors, NonFiniteNumber) {
  EXPECT_EQ(parse_error(replace(kLong, "number = 1.3", "number = nan")),
            "g.TextGrid:38: time of point 2 of tier 2 (\"bell\") is nan");
  EXPECT_EQ(parse_error(replace(kLong, "xmax = 2.3", "xmax = --undefined--")),
            "g.TextGrid:5: malformed number \"--undefined--\" for xmax of the TextGrid");
}

TEST(TextGridErrors, IntervalEndsBeforeItStarts) {
  EXPECT_EQ(parse_error(replace(kLong, "xmax = 0.5 ", "xmax = -0.25 ")),
            "g.TextGrid:17: interval 1 of tier 1 (\"word\") ends (-0.25) before it starts (0); read "
            "with TextGridOptions{TimeOrder::as_written} to keep the times as written");
}

TEST(TextGridErrors, IntervalsOutOfOrder) {
  EXPECT_THAT(parse_error(replace(kLong, "xmin = 1.75", "xmin = 1.5")),
              HasSubstr("g.TextGrid:25: interval 3 of tier 1 (\"word\") starts (1.5) before interval "
                        "2 ends (1.75): intervals overlap or are out of order"));
}

TEST(TextGridErrors, PointsOutOfOrder) {
  EXPECT_THAT(parse_error(replace(kLong, "number = 1.3", "number = 0.5")),
              HasSubstr("g.TextGrid:38: point 2 of tier 2 (\"bell\") (0.5) comes before point 1 (0.9)"));
}

TEST(TextGridErrors, TierAndGridExtents) {
  EXPECT_EQ(parse_error(replace(kLong, "xmax = 2.3 \ntiers", "xmax = -1 \ntiers")),
            "g.TextGrid:5: the TextGrid ends (-1) before it starts (0)");
  EXPECT_EQ(parse_error(replace(kShort, "\"bell\"\n0\n2.3", "\"bell\"\n3\n2.3")),
            "g.TextGrid:26: tier 2 (\"bell\") ends (2.3) before it starts (3)");
}

TEST(TextGridErrors, FileEndsEarly) {
  const std::string long_text = kLong;
  EXPECT_EQ(parse_error(long_text.substr(0, long_text.find("intervals [2]"))),
            "g.TextGrid:19: file ended after 1 of 3 intervals of tier 1 (\"word\")");
  EXPECT_EQ(parse_error(long_text.substr(0, long_text.find("mark = \"dong\""))),
            "g.TextGrid:39: file ended after 1 of 2 points of tier 2 (\"bell\")");
  EXPECT_EQ(parse_error(long_text.substr(0, long_text.find("    item [2]"))),
            "g.TextGrid:28: file ended after 1 of 2 tiers");
  EXPECT_EQ(parse_error(long_text.substr(0, long_text.find("tiers?"))),
            "g.TextGrid:6: file ended where tiers? flag of the TextGrid was expected");
}

TEST(TextGridErrors, UnknownTierClass) {
  EXPECT_EQ(parse_error(replace(kLong, "\"TextTier\"", "\"PitchTier\"")),
            "g.TextGrid:29: tier 2 has unknown class \"PitchTier\" (expected \"IntervalTier\" or "
            "\"TextTier\")");
}

TEST(TextGridErrors, BareWordWhereAValueBelongs) {
  EXPECT_EQ(parse_error(replace(kLong, "text = \"sp\"", "text = sp")),
            "g.TextGrid:27: unexpected word \"sp\" where a value was expected (a label ends in '=', "
            "':' or '?')");
  EXPECT_EQ(parse_error(replace(kLong, "item [1]:", "item [x]:")),
            "g.TextGrid:9: malformed label \"item [x\" (an index in brackets holds digits only)");
}

TEST(TextGridErrors, WrongValueKind) {
  EXPECT_EQ(parse_error(replace(kShort, "\"word\"", "7")),
            "g.TextGrid:9: expected a \"string\" for name of tier 1, found the number 7");
  EXPECT_EQ(parse_error(replace(kShort, "<exists>", "<maybe>")),
            "g.TextGrid:6: unknown flag <maybe> (expected <exists> or <absent>)");
  EXPECT_EQ(parse_error(replace(kShort, "\n3\n0\n", "\n3.0\n0\n")),
            "g.TextGrid:12: size (number of intervals) of tier 1 must be a whole number >= 0, found \"3.0\"");
  EXPECT_EQ(parse_error(replace(kShort, "\n2\n\"IntervalTier\"", "\n-2\n\"IntervalTier\"")),
            "g.TextGrid:7: size (number of tiers) of the TextGrid must be a whole number >= 0, found \"-2\"");
}

TEST(TextGridErrors, UnclosedString) {
  EXPECT_EQ(parse_error(std::string(kShort) + "\"oops\n"),
            "g.TextGrid:32: string starting here is never closed (missing '\"')");
}

TEST(TextGridErrors, TrailingData) {
  EXPECT_EQ(parse_error(std::string(kShort) + "\"extra\"\n"),
            "g.TextGrid:32: unexpected the string \"extra\" after the last tier (the file says it has 2 "
            "tiers)");
}

TEST(TextGridErrors, NotATextGrid) {
  EXPECT_EQ(parse_error("ooBinaryFile\x08TextGrid"),
            "g.TextGrid:1: unexpected word \"ooBinaryFile\" where a value was expected (a label ends in "
            "'=', ':' or '?')");
  EXPECT_EQ(parse_error(replace(kLong, "\"TextGrid\"", "\"Sound\"")),
            "g.TextGrid:2: object class the string \"Sound\" is not \"TextGrid\"");
  EXPECT_EQ(parse_error(replace(kLong, "\"ooTextFile\"", "\"ooTextFileX\"")),
            "g.TextGrid:1: file type \"ooTextFileX\" is not \"ooTextFile\" (not a Praat text file)");
  EXPECT_EQ(parse_error("\"Praat chronological TextGrid text file\"\n0 1\n"),
            "g.TextGrid:1: the chronological TextGrid format is not supported (save it from Praat as a "
            "text file)");
  EXPECT_EQ(parse_error("1 2 3"),
            "g.TextGrid:1: not a Praat text file (it must start with File type = \"ooTextFile\")");
}

TEST(TextGridErrors, InvalidUtf8) {
  EXPECT_EQ(parse_error(replace(kLong, "\"sp\"", "\"caf\xE9\"")),
            "g.TextGrid:27: string is not valid UTF-8 (byte \"\xE9\"; Latin-1 file? re-save it as UTF-8)");
}

TEST(TextGridErrors, BrokenUtf16) {
  EXPECT_EQ(parse_error(std::string("\xFF\xFE" "F\0i", 5)), "g.TextGrid: UTF-16 text has an odd number of bytes (5)");
  EXPECT_EQ(parse_error(utf16("F", u"\xD800x", true)),
            "g.TextGrid: invalid UTF-16 text (unpaired surrogate at byte offset 4)");
  EXPECT_EQ(parse_error(std::string("F\0i\0l\0e\0", 8)),
            "g.TextGrid: starts with a zero byte: UTF-16 without a byte-order mark? (save it as UTF-8, "
            "or as UTF-16 with a byte-order mark)");
}

TEST(TextGridRealData, AliceWords) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const TextGrid grid = read_textgrid(root / "alice_brennan2016/words.TextGrid");
  EXPECT_EQ(grid.start_seconds, 12.073065986394568);
  EXPECT_EQ(grid.end_seconds, 743.6344265311994);
  ASSERT_EQ(grid.tiers.size(), 1u);
  const auto& word = grid.tier("word");
  ASSERT_EQ(word.intervals.size(), 2423u);
  EXPECT_EQ(word.intervals[0].text, "sp");  // the silence before the story
  EXPECT_EQ(word.intervals[1].text, "Alice");
  EXPECT_EQ(word.intervals[1].start_seconds, 20.05891632653599);
  EXPECT_EQ(word.intervals.back().end_seconds, 743.6344265311994);
  for (std::size_t i = 1; i < word.intervals.size(); ++i) {  // the tier tiles time exactly
    ASSERT_EQ(word.intervals[i].start_seconds, word.intervals[i - 1].end_seconds) << i;
  }
}

TEST(TextGridRealData, NaturalStoriesNeedAsWritten) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  // {story, words, phones}: interval counts of the two tiers (checked with a Python scan).
  const int counts[9][3] = {{1, 1188, 3779}, {2, 1086, 3425}, {3, 1236, 3630},
                            {4, 1251, 3613}, {5, 1109, 3346}, {6, 1296, 3863},
                            {7, 1170, 3560}, {8, 1112, 4492}, {9, 1159, 4479}};
  for (const auto& [story, words, phones] : counts) {
    const std::filesystem::path path = root / "naturalstories_futrell2018/textgrids" /
                                       (std::to_string(story) + "_aligned.TextGrid");
    // The forced alignment has overlapping and backward intervals ("<s>", "</s>" and silences
    // around sentence boundaries), so the strict reader refuses every story.
    EXPECT_THAT(error_message<std::runtime_error>([&] { read_textgrid(path); }),
                HasSubstr("TimeOrder::as_written"))
        << path;
    const TextGrid grid = read_textgrid(path, TextGridOptions{TimeOrder::as_written});
    ASSERT_EQ(grid.tiers.size(), 2u);
    EXPECT_EQ(grid.tier("words").intervals.size(), static_cast<std::size_t>(words)) << path;
    EXPECT_EQ(grid.tier("phones").intervals.size(), static_cast<std::size_t>(phones)) << path;
  }
}

TEST(TextGridRealData, NaturalStoriesStory10HasAnUndoubledQuote) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  // Line 2242 reads   text = "CLEAR / 10.459.3""   : the word's closing quote is not doubled, so
  // the string runs on to line 2250 and "MAY" is left outside any string. Praat's format cannot
  // read this; a loader must repair the one line before parsing, as below.
  const std::filesystem::path path = root / "naturalstories_futrell2018/textgrids/10_aligned.TextGrid";
  EXPECT_EQ(error_message<std::runtime_error>(
                [&] { read_textgrid(path, TextGridOptions{TimeOrder::as_written}); }),
            path.string() +
                ":2250: unexpected word \"MAY\" where a value was expected (a label ends in '=', ':' "
                "or '?'); the string that ends just before it opened on line 2242: is a '\"' inside "
                "it not doubled?");
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string broken = "text = \"CLEAR / 10.459.3\"\"\n";
  ASSERT_EQ(text.find(broken), text.rfind(broken));
  text = replace(text, broken, "text = \"CLEAR / 10.459.3\"\"\"\n");
  const TextGrid grid = parse_textgrid(text, path.string(), TextGridOptions{TimeOrder::as_written});
  const auto& words = grid.tier("words").intervals;
  ASSERT_EQ(words.size(), 1121u);
  EXPECT_EQ(words[556].text, "CLEAR / 10.459.3\"");  // interval 557
  EXPECT_EQ(words[558].text, "MAY / 10.460");
  EXPECT_EQ(grid.tier("phones").intervals.size(), 4488u);
}

TEST(TextGridRealData, NaturalStoriesFirstProblemIsNamed) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const std::filesystem::path path = root / "naturalstories_futrell2018/textgrids/1_aligned.TextGrid";
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_textgrid(path); }),
            path.string() +
                ":900: interval 222 of tier 1 (\"words\") starts (57.69) before interval 221 ends "
                "(57.769997): intervals overlap or are out of order; read with "
                "TextGridOptions{TimeOrder::as_written} to keep the times as written");
  const TextGrid grid = read_textgrid(path, TextGridOptions{TimeOrder::as_written});
  const auto& words = grid.tier("words");
  EXPECT_EQ(words.intervals[1].text, " IF / 1.1");  // leading space as in the file
  EXPECT_EQ(words.intervals[1].start_seconds, 0.494609985754);
}

}  // namespace
