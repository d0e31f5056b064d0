// Tests of neuroscore/io/delimited.hpp: RFC 4180 parsing, errors, numeric columns, writing, real files.
#include "neuroscore/io/delimited.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/testing/data.hpp"
#include "tests/io/expect_error.hpp"

namespace {

using neuroscore::io::format_delimited;
using neuroscore::io::parse_delimited;
using neuroscore::io::read_delimited;
using neuroscore::io::read_text_lines;
using neuroscore::io::Table;
using neuroscore::io::write_delimited;
using neuroscore::testing::error_message;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::filesystem::path temp_path(const std::string& name) {
  return std::filesystem::path(::testing::TempDir()) / name;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string parse_error(const std::string& text, char delimiter = ',') {
  return error_message<std::runtime_error>([&] { parse_delimited(text, delimiter, "t.csv"); });
}

TEST(Delimited, HeaderAndRows) {
  const Table t = parse_delimited("a,b,c\n1,2,3\n4,5,6\n", ',', "t.csv");
  EXPECT_THAT(t.columns, ElementsAre("a", "b", "c"));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_THAT(t.rows[1], ElementsAre("4", "5", "6"));
}

TEST(Delimited, QuotedFieldsWithDelimitersQuotesAndNewlines) {
  const Table t = parse_delimited(
      ",Sentence,EffectSize\r\n0,\"A banana, long.\",0.45\r\n1,\"He said \"\"hi\"\"\nthen left\",1.5\r\n"
      "2,\"\",-0.5",
      ',', "t.csv", {{"Sentence"}});  // a free-text column: its quoted fields may span lines
  EXPECT_THAT(t.columns, ElementsAre("", "Sentence", "EffectSize"));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0][1], "A banana, long.");
  EXPECT_EQ(t.rows[1][1], "He said \"hi\"\nthen left");
  EXPECT_EQ(t.rows[2][1], "");
  EXPECT_EQ(t.rows[2][2], "-0.5");
}

TEST(DelimitedErrors, FreeTextColumnsMustBeInTheHeader) {
  EXPECT_THAT(error_message<std::invalid_argument>([] { parse_delimited("a,b\n1,2\n", ',', "t.csv", {{"c"}}); }),
              HasSubstr("t.csv: free-text column \"c\" is not in the header"));
}

TEST(Delimited, QuoteInsideAnUnquotedFieldIsKept) {
  const Table t = parse_delimited("w\tn\n'admiral',\t3\n5\" tall\t4\n", '\t', "t.tsv");
  EXPECT_EQ(t.rows[0][0], "'admiral',");
  EXPECT_EQ(t.rows[1][0], "5\" tall");
}

TEST(Delimited, EmptyFieldsBlankLinesAndBom) {
  const Table t = parse_delimited("\xEF\xBB\xBFx,y\n\n,\n\r\n1,\n\n", ',', "t.csv");
  EXPECT_THAT(t.columns, ElementsAre("x", "y"));
  ASSERT_EQ(t.rows.size(), 2u);
  EXPECT_THAT(t.rows[0], ElementsAre("", ""));
  EXPECT_THAT(t.rows[1], ElementsAre("1", ""));
}

TEST(Delimited, HeaderOnly) {
  const Table t = parse_delimited("a,b", ',', "t.csv");
  EXPECT_THAT(t.columns, ElementsAre("a", "b"));
  EXPECT_TRUE(t.rows.empty());
}

// Tab-delimited files (BIDS events.tsv) have no quoting: a quote is text. A quote opened in one
// row and closed in a later one must not merge those rows.
TEST(Delimited, TsvQuotesAreText) {
  const Table t = parse_delimited("onset\tword\n1.0\t\"Oh\n1.5\tno\n2.0\tstop\"\n2.5\tthe\n3.0\t\"quoted\"\n", '\t', "t.tsv");
  ASSERT_EQ(t.rows.size(), 5u);
  EXPECT_THAT(t.rows[0], ElementsAre("1.0", "\"Oh"));
  EXPECT_THAT(t.rows[2], ElementsAre("2.0", "stop\""));
  EXPECT_THAT(t.rows[4], ElementsAre("3.0", "\"quoted\""));
}

// CSV keeps RFC 4180 quoting, but a quoted field that runs over a line end is an error naming the
// line where it opens and the line where it closes (1-based lines of the file).
TEST(DelimitedErrors, CsvQuotedFieldSpanningLinesNamesBothLines) {
  EXPECT_EQ(parse_error("onset,word\n1.0,\"Oh\n1.5,no\n2.0,stop\"\n2.5,the\n"),
            "t.csv: a quoted field (field 2, column \"word\") opens on line 2 and closes on line 4 (1-based lines "
            "of the file): a stray quote, or a field with line breaks in a column not declared as free text");
}

// Text is UTF-8: a Latin-1 byte is an error naming its line; UTF-16 with a byte-order mark is read
// as the text it holds.
TEST(DelimitedErrors, TextThatIsNotUtf8NamesItsLine) {
  EXPECT_THAT(parse_error("w,n\nthe,1\ncaf\xe9,2\n"), HasSubstr("t.csv:3: not valid UTF-8"));
  std::string utf16 = "\xff\xfe";
  for (const char c : std::string("w,n\nthe,2\n")) utf16 += std::string{c, '\0'};
  const Table t = parse_delimited(utf16, ',', "t.csv");
  EXPECT_THAT(t.columns, ElementsAre("w", "n"));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_THAT(t.rows[0], ElementsAre("the", "2"));
}

TEST(DelimitedErrors, RaggedRowNamesItsLine) {
  EXPECT_EQ(parse_error("a,b,c\n1,2,3\n4,5\n"), "t.csv:3: expected 3 fields (as in the header), found 2");
  // The line count includes the newline inside the quoted field.
  EXPECT_EQ(error_message<std::runtime_error>([] { parse_delimited("a,b\n\"x\ny\",1\n1,2,3\n", ',', "t.csv", {{"a"}}); }),
            "t.csv:4: expected 2 fields (as in the header), found 3");
}

TEST(DelimitedErrors, UnclosedQuote) {
  EXPECT_EQ(parse_error("a,b\n1,\"open\n2,3\n"), "t.csv:2: quoted field 2 opened here is never closed");
}

TEST(DelimitedErrors, TextAfterClosingQuote) {
  EXPECT_EQ(parse_error("a,b\n1,\"x\"y\n"),
            "t.csv:2: unexpected \"y\" after the closing quote of field 2 (a quote inside a quoted field "
            "is written \"\")");
}

TEST(DelimitedErrors, EmptyInput) {
  EXPECT_EQ(parse_error(""), "t.csv: empty file (no header row)");
  EXPECT_EQ(parse_error("\n\r\n"), "t.csv: empty file (no header row)");
}

TEST(DelimitedErrors, DelimiterThatCannotWork) {
  EXPECT_THAT(error_message<std::invalid_argument>([] { parse_delimited("a", '"', "t"); }),
              HasSubstr("delimiter"));
  EXPECT_THAT(error_message<std::invalid_argument>([] { parse_delimited("a", '\n', "t"); }),
              HasSubstr("delimiter"));
}

TEST(DelimitedColumns, ColumnIndex) {
  const Table t = parse_delimited(",Sentence,EffectSize\n0,x,1\n", ',', "t.csv");
  EXPECT_EQ(t.column_index("EffectSize"), 2u);
  EXPECT_EQ(t.column_index(""), 0u);
  EXPECT_EQ(error_message<std::invalid_argument>([&] { t.column_index("effect"); }),
            "no column named \"effect\"; available columns: \"\", \"Sentence\", \"EffectSize\"");
  const Table twice = parse_delimited("a,b,a\n", ',', "t.csv");
  EXPECT_EQ(error_message<std::invalid_argument>([&] { twice.column_index("a"); }),
            "column name \"a\" is ambiguous: columns 0 and 2 have it");
}

TEST(DelimitedColumns, NumericColumn) {
  const Table t = parse_delimited("w,rt\nthe, 312.5\nof,2e2\t\nand,-1\n", ',', "t.csv");
  const Eigen::VectorXd rt = t.numeric_column("rt");
  ASSERT_EQ(rt.size(), 3);
  EXPECT_EQ(rt(0), 312.5);
  EXPECT_EQ(rt(1), 200.0);
  EXPECT_EQ(rt(2), -1.0);
}

TEST(DelimitedColumns, NumericColumnErrorsNameRowAndValue) {
  const Table t = parse_delimited("w,rt\nthe,312\nof,fast\nand,\nto,NaN\nin,1e999\n", ',', "t.csv");
  auto error_for_row = [&](std::size_t keep) {
    Table one{t.columns, {t.rows[0], t.rows[keep]}};
    return error_message<std::runtime_error>([&] { one.numeric_column("rt"); });
  };
  EXPECT_EQ(error_for_row(1), "column \"rt\", row index 1: \"fast\" is not a number");
  EXPECT_EQ(error_for_row(2), "column \"rt\", row index 1: empty value, not a number");
  EXPECT_EQ(error_for_row(3), "column \"rt\", row index 1: \"NaN\" is nan");
  EXPECT_EQ(error_for_row(4), "column \"rt\", row index 1: \"1e999\" is out of the range of a double");
  const Table ragged{{"a", "b"}, {{"1", "2"}, {"3"}}};
  EXPECT_EQ(error_message<std::invalid_argument>([&] { ragged.numeric_column("a"); }),
            "column \"a\", row index 1: the row has 1 fields but the table has 2 columns");
}

TEST(DelimitedColumns, MissingValuesAreNanOnlyWhenListed) {
  const Table t = parse_delimited("w,rt\nthe,312\nof, NA \nand,\nto,n/a\nin,7\n", ',', "t.csv");
  const Eigen::VectorXd rt = t.numeric_column("rt", {"", "NA", "n/a"});
  EXPECT_EQ(rt(0), 312.0);
  EXPECT_TRUE(std::isnan(rt(1)));
  EXPECT_TRUE(std::isnan(rt(2)));
  EXPECT_TRUE(std::isnan(rt(3)));
  EXPECT_EQ(rt(4), 7.0);
  EXPECT_EQ(error_message<std::runtime_error>([&] { t.numeric_column("rt", {"NA"}); }),
            "column \"rt\", row index 2: empty value, not a number");
  const Table bad = parse_delimited("rt\nfast\n", ',', "b.csv");
  EXPECT_EQ(error_message<std::runtime_error>([&] { bad.numeric_column("rt", {"NA"}); }), "column \"rt\", row index 0: \"fast\" is not a number");
}

TEST(DelimitedFiles, DelimiterFromExtension) {
  const std::filesystem::path tsv = temp_path("words.TSV");
  std::ofstream(tsv, std::ios::binary) << "a\tb,c\n1\t2,3\n";
  EXPECT_THAT(read_delimited(tsv).columns, ElementsAre("a", "b,c"));
  EXPECT_THAT(read_delimited(tsv, ',').columns, ElementsAre("a\tb", "c"));
  const std::filesystem::path txt = temp_path("words.txt");
  std::ofstream(txt, std::ios::binary) << "a\n";
  EXPECT_EQ(error_message<std::invalid_argument>([&] { read_delimited(txt); }),
            txt.string() + ": cannot tell the delimiter from the extension \".txt\" (.csv is ',', .tsv is "
                           "tab); pass it explicitly");
  EXPECT_EQ(error_message<std::runtime_error>([] { read_delimited("/nonexistent/x.csv"); }),
            "/nonexistent/x.csv: cannot open: No such file or directory");
}

TEST(DelimitedFiles, ErrorsNameThePath) {
  const std::filesystem::path csv = temp_path("ragged.csv");
  std::ofstream(csv, std::ios::binary) << "a,b\n1\n";
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_delimited(csv); }),
            csv.string() + ":2: expected 2 fields (as in the header), found 1");
}

TEST(TextLines, LinesOfUtf8AndUtf16TextWithEmptyLinesKept) {
  const std::filesystem::path crlf = temp_path("items.txt");
  std::ofstream(crlf, std::ios::binary) << "\xEF\xBB\xBF" "caf\xC3\xA9 au lait\r\n\r\nlast line";
  EXPECT_THAT(read_text_lines(crlf), ElementsAre("caf\xC3\xA9 au lait", "", "last line"));
  const std::filesystem::path utf16 = temp_path("items16.txt");
  std::ofstream(utf16, std::ios::binary) << std::string("\xFF\xFE" "a\0\n\0\xE9\0\n\0", 10);  // UTF-16LE "a\né\n"
  EXPECT_THAT(read_text_lines(utf16), ElementsAre("a", "\xC3\xA9"));
  const std::filesystem::path latin1 = temp_path("latin1.txt");
  std::ofstream(latin1, std::ios::binary) << "ok\ncaf\xE9\n";
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_text_lines(latin1); }),
            latin1.string() + ":2: not valid UTF-8 (byte \"\xE9\"; Latin-1 file? re-save it as UTF-8)");
  EXPECT_EQ(error_message<std::runtime_error>([] { read_text_lines("/nonexistent/x.txt"); }),
            "/nonexistent/x.txt: cannot open: No such file or directory");
}

TEST(DelimitedWrite, QuotesOnlyWhenNeeded) {
  Table t{{"id", "text"}, {{"1", "plain"}, {"2", "a, b"}, {"3", "say \"x\""}, {"4", "two\nlines"}, {"5", ""}}};
  EXPECT_EQ(format_delimited(t),
            "id,text\n1,plain\n2,\"a, b\"\n3,\"say \"\"x\"\"\"\n4,\"two\nlines\"\n5,\n");
  // Tab-delimited: no quoting; a line break cannot be written.
  EXPECT_THAT(error_message<std::invalid_argument>([&] { format_delimited(t, '\t'); }), HasSubstr("cannot be written tab-delimited"));
  t.rows.erase(t.rows.begin() + 3);
  EXPECT_EQ(format_delimited(t, '\t'), "id\ttext\n1\tplain\n2\ta, b\n3\tsay \"x\"\n5\t\n");
}

TEST(DelimitedWrite, RoundTripsTrickyFields) {
  const Table t{{"\xEF\xBB\xBF" "bom", "", " spaced "},
                {{"a,b", "\"", "\r"}, {"", "", ""}, {"x\r\ny", "tab\there", "'q'"}}};
  for (const char delimiter : {',', ';'}) {  // quoted formats; tab-delimited text has no quoting
    const std::filesystem::path path = temp_path("roundtrip.csv");
    write_delimited(path, t, delimiter);
    const Table back = read_delimited(path, delimiter, {{"\xEF\xBB\xBF" "bom"}});  // "x\r\ny" spans lines
    EXPECT_EQ(back.columns, t.columns) << delimiter;
    EXPECT_EQ(back.rows, t.rows) << delimiter;
  }
}

TEST(DelimitedWrite, OneColumnEmptyValuesSurvive) {
  const Table t{{"only"}, {{""}, {"x"}, {""}}};
  EXPECT_EQ(format_delimited(t), "only\n\"\"\nx\n\"\"\n");
  EXPECT_EQ(parse_delimited(format_delimited(t), ',', "t").rows, t.rows);
}

TEST(DelimitedWrite, RejectsTablesItCannotWrite) {
  EXPECT_EQ(error_message<std::invalid_argument>([] { format_delimited(Table{}); }),
            "cannot write a table without columns");
  EXPECT_EQ(error_message<std::invalid_argument>([] { format_delimited(Table{{"a", "b"}, {{"1"}}}); }),
            "row index 0 has 1 fields but the table has 2 columns");
  EXPECT_THAT(error_message<std::runtime_error>(
                  [] { write_delimited("/nonexistent/dir/out.csv", Table{{"a"}, {}}); }),
              HasSubstr("/nonexistent/dir/out.csv: cannot open for writing: No such file or directory"));
}

TEST(DelimitedRealData, PereiraAveraged) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Table t = read_delimited(root / "pereira2018/pereira_averaged.csv");
  EXPECT_THAT(t.columns, ElementsAre("", "Sentence", "EffectSize"));
  ASSERT_EQ(t.rows.size(), 627u);
  EXPECT_EQ(t.rows[0][1], "A banana is a long fruit that grows in bunchs, with a soft edible inside.");
  EXPECT_EQ(t.rows[626][1], "Women's shoes often have high heels and come in many styles and colors.");
  const Eigen::VectorXd index = t.numeric_column("");
  for (Eigen::Index i = 0; i < index.size(); ++i) ASSERT_EQ(index(i), static_cast<double>(i));
  const Eigen::VectorXd effect = t.numeric_column("EffectSize");
  EXPECT_EQ(effect(0), 0.45079163);
  EXPECT_EQ(effect.minCoeff(), -0.16771625);
  EXPECT_EQ(effect.maxCoeff(), 1.5023614);
  // Writing it back gives the same bytes: the file quotes exactly the fields that need it.
  const std::filesystem::path copy = temp_path("pereira_copy.csv");
  write_delimited(copy, t);
  EXPECT_EQ(read_all(copy), read_all(root / "pereira2018/pereira_averaged.csv"));
}

TEST(DelimitedRealData, NaturalStoriesWordInfo) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Table t = read_delimited(root / "naturalstories_futrell2018/processed_wordinfo.tsv");
  EXPECT_THAT(t.columns, ElementsAre("word", "zone", "item", "nItem", "meanItemRT", "sdItemRT",
                                     "gmeanItemRT", "gsdItemRT"));
  ASSERT_EQ(t.rows.size(), 10256u);
  EXPECT_EQ(t.rows[0][0], "'Admiral");
  const Eigen::VectorXd rt = t.numeric_column("meanItemRT");
  EXPECT_EQ(rt(0), 426.0921052631579);
  EXPECT_TRUE(rt.allFinite());
  const Eigen::VectorXd item = t.numeric_column("item");
  EXPECT_EQ(item.minCoeff(), 1.0);
  EXPECT_EQ(item.maxCoeff(), 10.0);
}

}  // namespace
