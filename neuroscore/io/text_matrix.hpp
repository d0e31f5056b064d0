// Strict reader for whitespace-separated numeric text matrices (one row per line, '#' comments).
// Main entry point: neuroscore::io::read_text_matrix(path, options) -> Eigen::MatrixXd.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/quote.hpp"

namespace neuroscore::io {

// Shape the caller expects; a file of any other shape is an error (a truncated download shows
// up as "expected 362 rows, found 200" instead of a silently shorter matrix).
struct TextMatrixOptions {
  std::optional<Eigen::Index> expected_rows;
  std::optional<Eigen::Index> expected_cols;
};

// Parses `text` as a matrix: one row per line, numbers separated by spaces or tabs (CRLF line
// ends accepted). A line whose first token starts with '#' is a comment, and a token starting
// with '#' comments out the rest of its line. Blank lines are allowed only after the last row.
// Every row must have the first row's column count, and every value must be a finite decimal
// number (std::from_chars syntax, optional leading '+').
// Throws std::runtime_error with one line "SOURCE:LINE: problem" on the first problem found.
// Throws std::invalid_argument for negative expected_rows/expected_cols.
inline Eigen::MatrixXd parse_text_matrix(std::string_view text, std::string_view source_name,
                                         const TextMatrixOptions& options = {}) {
  const std::string source(source_name);
  if ((options.expected_rows && *options.expected_rows < 0) ||
      (options.expected_cols && *options.expected_cols < 0)) {
    throw std::invalid_argument(source + ": expected_rows and expected_cols must be >= 0");
  }
  if (text.empty()) throw std::runtime_error(source + ": empty file");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark

  std::vector<double> values;  // row-major
  Eigen::Index rows = 0;
  Eigen::Index cols = 0;
  std::size_t first_row_line = 0;
  std::size_t blank_line_after_rows = 0;  // first blank line seen after a row, 0 = none
  std::size_t line_number = 0;
  std::size_t pos = 0;
  auto at = [&](std::size_t line) { return source + ":" + std::to_string(line) + ": "; };
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };

  while (pos < text.size()) {
    ++line_number;
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    const std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;

    Eigen::Index columns_in_line = 0;
    bool comment = false;
    std::size_t i = 0;
    while (i < line.size()) {
      if (is_space(line[i])) {
        ++i;
        continue;
      }
      if (line[i] == '#') {
        comment = true;
        break;
      }
      const std::size_t start = i;
      while (i < line.size() && !is_space(line[i])) ++i;
      const std::string_view token = line.substr(start, i - start);
      ++columns_in_line;
      if (columns_in_line == 1 && blank_line_after_rows != 0) {
        throw std::runtime_error(at(blank_line_after_rows) +
                                 "blank line between rows (rows continue on line " +
                                 std::to_string(line_number) + "; only trailing blank lines are allowed)");
      }
      const detail::ParsedNumber number = detail::parse_double(token);
      if (number.status == detail::NumberStatus::malformed) {
        throw std::runtime_error(at(line_number) + "column " + std::to_string(columns_in_line) +
                                 ": " + detail::quote_for_message(token) + " is not a number");
      }
      if (number.status == detail::NumberStatus::out_of_range) {
        throw std::runtime_error(at(line_number) + "column " + std::to_string(columns_in_line) +
                                 ": " + detail::quote_for_message(token) +
                                 " is out of the range of a double");
      }
      if (!std::isfinite(number.value)) {
        throw std::runtime_error(at(line_number) + "column " + std::to_string(columns_in_line) +
                                 " is " + detail::nonfinite_name(number.value));
      }
      values.push_back(number.value);
    }
    if (columns_in_line == 0) {
      if (!comment && rows > 0 && blank_line_after_rows == 0) blank_line_after_rows = line_number;
      continue;
    }
    if (rows == 0) {
      cols = columns_in_line;
      first_row_line = line_number;
      values.reserve(values.size() * (text.size() / (line.size() + 1) + 1));
    } else if (columns_in_line != cols) {
      std::string message = at(line_number) + "expected " + std::to_string(cols) +
                            " columns, found " + std::to_string(columns_in_line);
      const bool last_row = text.find_first_not_of(" \t\r\v\f\n", pos) == std::string_view::npos;
      if (columns_in_line < cols && last_row) {
        message += " (truncated file?)";
      } else {
        message += " (line " + std::to_string(first_row_line) + " has " + std::to_string(cols) + ")";
      }
      throw std::runtime_error(message);
    }
    ++rows;
  }
  if (rows == 0) throw std::runtime_error(source + ": no rows of numbers (only blank or comment lines)");
  if (options.expected_cols && *options.expected_cols != cols) {
    throw std::runtime_error(source + ": expected " + std::to_string(*options.expected_cols) +
                             " columns, found " + std::to_string(cols));
  }
  if (options.expected_rows && *options.expected_rows != rows) {
    throw std::runtime_error(source + ": expected " + std::to_string(*options.expected_rows) +
                             " rows, found " + std::to_string(rows) +
                             (rows < *options.expected_rows ? " (truncated file?)" : ""));
  }
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  return Eigen::Map<const RowMajor>(values.data(), rows, cols);
}

// Reads the file at `path` with parse_text_matrix; errors name the path (and line).
// Throws std::runtime_error for a missing, unreadable or empty file.
inline Eigen::MatrixXd read_text_matrix(const std::filesystem::path& path,
                                        const TextMatrixOptions& options = {}) {
  const std::string bytes = detail::read_file_bytes(path);
  return parse_text_matrix(bytes, path.string(), options);
}

}  // namespace neuroscore::io
