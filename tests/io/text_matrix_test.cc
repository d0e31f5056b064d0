// Tests of neuroscore/io/text_matrix.hpp: parsing, each error message, and the Alice time courses.
#include "neuroscore/io/text_matrix.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/testing/data.hpp"
#include "tests/io/expect_error.hpp"

namespace {

using neuroscore::io::parse_text_matrix;
using neuroscore::io::read_text_matrix;
using neuroscore::io::TextMatrixOptions;
using neuroscore::testing::error_message;
using ::testing::HasSubstr;

std::filesystem::path write_temp(const std::string& name, const std::string& contents) {
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

std::string parse_error(const std::string& text, const TextMatrixOptions& options = {}) {
  return error_message<std::runtime_error>([&] { parse_text_matrix(text, "m.txt", options); });
}

TEST(TextMatrix, ParsesRowsAndColumns) {
  const Eigen::MatrixXd m = parse_text_matrix("1 2 3\n4 5 6\n", "m.txt");
  Eigen::MatrixXd expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(m, expected);
}

TEST(TextMatrix, AcceptsTabsCrlfCommentsAndTrailingBlankLines) {
  const Eigen::MatrixXd m =
      parse_text_matrix("# two columns\n  1\t2\r\n# between rows\n3   4 # trailing note\r\n\n \t\n\n", "m.txt");
  Eigen::MatrixXd expected(2, 2);
  expected << 1, 2, 3, 4;
  EXPECT_EQ(m, expected);
}

TEST(TextMatrix, ParsesScientificNotationSignsAndBom) {
  const Eigen::MatrixXd m = parse_text_matrix("\xEF\xBB\xBF" "8.0890972e+01 -1.5E-3 +2 .5 -0 1e-310\n", "m.txt");
  ASSERT_EQ(m.rows(), 1);
  ASSERT_EQ(m.cols(), 6);
  EXPECT_EQ(m(0, 0), 80.890972);
  EXPECT_EQ(m(0, 1), -0.0015);
  EXPECT_EQ(m(0, 2), 2.0);
  EXPECT_EQ(m(0, 3), 0.5);
  EXPECT_EQ(m(0, 4), 0.0);
  EXPECT_EQ(m(0, 5), 1e-310);  // subnormal, still exact
}

TEST(TextMatrix, SingleValueWithoutFinalNewline) {
  const Eigen::MatrixXd m = parse_text_matrix("42", "m.txt");
  ASSERT_EQ(m.size(), 1);
  EXPECT_EQ(m(0, 0), 42.0);
}

TEST(TextMatrix, ExpectedShapeThatMatchesIsAccepted) {
  const Eigen::MatrixXd m = parse_text_matrix("1 2\n3 4\n5 6\n", "m.txt", {3, 2});
  EXPECT_EQ(m.rows(), 3);
  EXPECT_EQ(m.cols(), 2);
}

TEST(TextMatrixErrors, MissingFile) {
  const std::string message = error_message<std::runtime_error>(
      [] { read_text_matrix("/nonexistent/dir/s99-timecourses.txt"); });
  EXPECT_EQ(message, "/nonexistent/dir/s99-timecourses.txt: cannot open: No such file or directory");
}

TEST(TextMatrixErrors, Directory) {
  const std::string message =
      error_message<std::runtime_error>([] { read_text_matrix(::testing::TempDir()); });
  EXPECT_THAT(message, HasSubstr("is a directory"));
}

TEST(TextMatrixErrors, EmptyFile) {
  const std::filesystem::path path = write_temp("empty.txt", "");
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_text_matrix(path); }),
            path.string() + ": empty file");
}

TEST(TextMatrixErrors, OnlyCommentsAndBlankLines) {
  EXPECT_EQ(parse_error("# nothing\n\n"), "m.txt: no rows of numbers (only blank or comment lines)");
}

TEST(TextMatrixErrors, ShortLastRowLooksTruncated) {
  EXPECT_EQ(parse_error("1 2 3 4 5 6\n1 2 3 4 5 6\n1 2 3\n"),
            "m.txt:3: expected 6 columns, found 3 (truncated file?)");
}

TEST(TextMatrixErrors, RaggedRowInTheMiddle) {
  EXPECT_EQ(parse_error("# c\n1 2\n3 4 5\n6 7\n"), "m.txt:3: expected 2 columns, found 3 (line 2 has 2)");
  EXPECT_EQ(parse_error("1 2\n3\n6 7\n"), "m.txt:2: expected 2 columns, found 1 (line 1 has 2)");
}

TEST(TextMatrixErrors, NonNumericTokenNamesLineAndColumn) {
  EXPECT_EQ(parse_error("1 2\n3 abc\n"), "m.txt:2: column 2: \"abc\" is not a number");
  EXPECT_EQ(parse_error("1,5 2\n"), "m.txt:1: column 1: \"1,5\" is not a number");
  EXPECT_EQ(parse_error("0x10\n"), "m.txt:1: column 1: \"0x10\" is not a number");
  EXPECT_EQ(parse_error("1e\n"), "m.txt:1: column 1: \"1e\" is not a number");
  EXPECT_EQ(parse_error("1#2\n"), "m.txt:1: column 1: \"1#2\" is not a number");
}

TEST(TextMatrixErrors, ControlBytesAreEscapedSoTheMessageStaysOneLine) {
  EXPECT_EQ(parse_error("1 a\x01" "b\n"), "m.txt:1: column 2: \"a\\x01b\" is not a number");
}

TEST(TextMatrixErrors, NanAndInfinityAreRejected) {
  EXPECT_EQ(parse_error("1 2 3 nan\n"), "m.txt:1: column 4 is nan");
  EXPECT_EQ(parse_error("1 2\n3 NaN\n"), "m.txt:2: column 2 is nan");
  EXPECT_EQ(parse_error("inf 2\n"), "m.txt:1: column 1 is inf");
  EXPECT_EQ(parse_error("1 -Infinity\n"), "m.txt:1: column 2 is -inf");
}

TEST(TextMatrixErrors, OutOfRangeIsRejectedNotRounded) {
  EXPECT_EQ(parse_error("1e400\n"), "m.txt:1: column 1: \"1e400\" is out of the range of a double");
  EXPECT_EQ(parse_error("1e-400\n"), "m.txt:1: column 1: \"1e-400\" is out of the range of a double");
}

TEST(TextMatrixErrors, BlankLineBetweenRows) {
  EXPECT_EQ(parse_error("1 2\n\n3 4\n"),
            "m.txt:2: blank line between rows (rows continue on line 3; only trailing blank lines "
            "are allowed)");
}

TEST(TextMatrixErrors, ExpectedRows) {
  EXPECT_EQ(parse_error("1\n2\n", {TextMatrixOptions{362, std::nullopt}}),
            "m.txt: expected 362 rows, found 2 (truncated file?)");
  EXPECT_EQ(parse_error("1\n2\n3\n", {TextMatrixOptions{2, std::nullopt}}),
            "m.txt: expected 2 rows, found 3");
}

TEST(TextMatrixErrors, ExpectedColumns) {
  EXPECT_EQ(parse_error("1 2\n3 4\n", {TextMatrixOptions{std::nullopt, 6}}),
            "m.txt: expected 6 columns, found 2");
}

TEST(TextMatrixErrors, NegativeExpectedShapeIsACallerMistake) {
  EXPECT_THAT(error_message<std::invalid_argument>(
                  [] { parse_text_matrix("1\n", "m.txt", {TextMatrixOptions{-1, std::nullopt}}); }),
              HasSubstr("must be >= 0"));
}

TEST(TextMatrixErrors, FileErrorsNameThePathAndLine) {
  const std::filesystem::path path = write_temp("ragged.txt", "1 2\n3\n");
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_text_matrix(path); }),
            path.string() + ":2: expected 2 columns, found 1 (truncated file?)");
}

TEST(TextMatrixRealData, AliceTimeCoursesAre362By6) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const std::filesystem::path path = root / "alice_brennan2016/timecourses_6mm/s18-timecourses.txt";
  const Eigen::MatrixXd m = read_text_matrix(path, {362, 6});
  EXPECT_EQ(m(0, 0), 80.890972);   // first value in the file: 8.0890972e+01
  EXPECT_EQ(m(0, 5), 165.43314);   // 1.6543314e+02
  EXPECT_EQ(m(1, 0), 81.824108);   // 8.1824108e+01
  EXPECT_TRUE(m.allFinite());
}

TEST(TextMatrixRealData, EveryAliceTimeCourseReads) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  int files = 0;
  for (const char* folder : {"timecourses_6mm", "timecourses_10mm"}) {
    for (const auto& entry : std::filesystem::directory_iterator(root / "alice_brennan2016" / folder)) {
      const Eigen::MatrixXd m = read_text_matrix(entry.path(), {362, 6});
      EXPECT_TRUE(m.allFinite()) << entry.path();
      ++files;
    }
  }
  EXPECT_EQ(files, 56);  // 28 subjects x 2 smoothing kernels
}

TEST(TextMatrixRealData, SubjectS33IsAllZeros) {
  // The reader reads it faithfully; excluding it is the dataset loader's job (see data README).
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Eigen::MatrixXd m =
      read_text_matrix(root / "alice_brennan2016/timecourses_6mm/s33-timecourses.txt", {362, 6});
  EXPECT_TRUE((m.array() == 0.0).all());
}

TEST(TextMatrixRealData, PredictorsWithCrlfLineEnds) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const Eigen::MatrixXd m =
      read_text_matrix(root / "alice_brennan2016/linguistic_predictors_hrf.txt", {372, 12});
  EXPECT_EQ(m(0, 1), 5.6733e-05);
}

TEST(TextMatrixRealData, PereiraGloveVectors) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  EXPECT_EQ(read_text_matrix(root / "pereira2018/pereira_384_glove.txt", {384, 300})(0, 0), 0.366856);
  EXPECT_EQ(read_text_matrix(root / "pereira2018/pereira_243_glove.txt", {243, 300})(0, 0), 0.331807);
}

}  // namespace
