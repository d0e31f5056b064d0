// CSV/TSV tables with a header row (CSV with RFC 4180 quoting, TSV without): a reader, a writer and numeric columns.
// Main entry points: neuroscore::io::read_delimited(path) -> Table and write_delimited(path, table).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <limits>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/delimited.hpp"
#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/quote.hpp"
#include "neuroscore/io/detail/text_encoding.hpp"

namespace neuroscore::io {

// A table of text fields: the header row's names and the data rows, each with one field per
// column (the reader guarantees that; tables built by hand are checked where it matters).
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // The 1-based line of the text where each row starts (empty lines are skipped and quoted fields
  // may span lines, so data row r is not always line r + 1). Filled by the reader.
  std::vector<std::size_t> row_lines;

  // Index of the column called `name`. Throws std::invalid_argument naming the available
  // columns when there is none, or both indices when the name appears more than once.
  std::size_t column_index(std::string_view name) const;

  // The column called `name` as numbers (surrounding spaces and tabs allowed). Throws
  // std::runtime_error naming the column, the row index (0-based, into `rows`) and the value
  // when a value is empty, not a number, nan, inf or out of range.
  Eigen::VectorXd numeric_column(std::string_view name) const;
  // The same, but a value equal to one of `missing` (after trimming spaces and tabs; e.g. "",
  // "NA", "n/a", "nan") is a missing value: NaN. Every other value must be a finite number.
  Eigen::VectorXd numeric_column(std::string_view name, const std::vector<std::string>& missing) const;
};

// How a table is read beyond its delimiter.
struct DelimitedOptions {
  // Columns (by header name) whose quoted fields may hold line breaks: free text such as a
  // sentence or a comment. Applies to quoted (not tab-delimited) files; every name must be a
  // column of the header (std::invalid_argument otherwise).
  std::vector<std::string> free_text_columns;
};

// Parses `text`: the first record is the header, every later record a row. Records end at "\n"
// or "\r\n". Empty lines are skipped, and a UTF-8 byte-order mark at the start is dropped. Text
// is UTF-8: UTF-16 with a byte-order mark is decoded first, text starting with a zero byte (UTF-16
// without a mark) is an error, and so is a byte that is not UTF-8 (Latin-1, say), naming its line.
// Tab-delimited text (BIDS events.tsv and other TSV) has no quoting: every byte up to the next tab
// or line end is the field, quotes included. Any other delimiter (CSV) has RFC 4180 quoting: a
// field that starts with '"' is quoted, may hold the delimiter and doubled quotes (""), and must be
// followed by the delimiter or the end of the record; a quote inside an unquoted field is kept as
// written. A quoted field that runs over a line end is an error naming the lines where it opens and
// closes (1-based lines of the text), unless its column is one of options.free_text_columns: a
// stray quote would otherwise silently merge rows. Throws std::runtime_error "SOURCE:LINE: problem"
// for a ragged row (field count unlike the header's), an unclosed quote, text after a closing
// quote, a quoted field spanning lines, or input without a header; std::invalid_argument for a
// delimiter of '"', '\n' or '\r', or a free-text column the header does not have.
inline Table parse_delimited(std::string_view text, char delimiter, std::string_view source_name,
                             const DelimitedOptions& options = {});

// Reads the file at `path`. The delimiter defaults from the extension (case-insensitive): ".csv"
// is ',', ".tsv" and ".tab" are tab; any other extension needs an explicit delimiter
// (std::invalid_argument otherwise). Errors name the path and line.
inline Table read_delimited(const std::filesystem::path& path,
                            std::optional<char> delimiter = std::nullopt,
                            const DelimitedOptions& options = {});

// The lines of the text file at `path` (one sentence or one item per line, say): read as
// read_delimited reads text (UTF-16 with a byte-order mark decoded, a UTF-8 byte-order mark
// dropped, a byte that is not UTF-8 an error naming the line), each line without its "\n" or
// "\r\n"; empty lines are kept (the caller decides what one means). Throws std::runtime_error
// "PATH:LINE: problem", or "PATH: ..." when it cannot be read.
inline std::vector<std::string> read_text_lines(const std::filesystem::path& path);

// The text write_delimited writes: header and rows, "\n" line ends, and (any delimiter but tab) a
// field quoted (with doubled quotes) only when it holds the delimiter, '"', '\n' or '\r', when it
// is the empty field of a one-column table (an empty line would be skipped on reading), or when the
// very first field starts with a UTF-8 byte-order mark. Tab-delimited text has no quoting, so such
// fields (a tab, '\n' or '\r'; the empty or byte-order-mark cases) cannot be written: quotes are
// written as they are. parse_delimited(format_delimited(t, d), d, ..., options) == t, with every
// column holding a line break declared free text. Throws std::invalid_argument for a table without
// columns, with a row of the wrong length, or with a field tab-delimited text cannot hold.
inline std::string format_delimited(const Table& table, char delimiter = ',');

// Writes `table` to `path` as format_delimited does (replacing the file).
inline void write_delimited(const std::filesystem::path& path, const Table& table,
                            char delimiter = ',');

// `text` in double quotes for a one-line error message: `"`, `\` and control bytes escaped (\n,
// \t, \r, \xNN), text over max_bytes cut (never inside a UTF-8 sequence) and marked with "..."
// after the closing quote. How every reader of neuroscore/io quotes file content in its errors.
inline std::string quote_for_message(std::string_view text, std::size_t max_bytes = 40);

// The first 20 column names, each quoted as quote_for_message does, comma-separated, then
// ", ... (N in all)" when there are more: how a "no column named" error lists the columns there are.
inline std::string list_column_names(const std::vector<std::string>& columns);

// ---------------------------------------------------------------------------------------------
// Implementation.

inline std::string quote_for_message(std::string_view text, std::size_t max_bytes) {
  return detail::quote_for_message(text, max_bytes);
}

inline std::string list_column_names(const std::vector<std::string>& columns) {
  constexpr std::size_t kShown = 20;
  std::string out;
  for (std::size_t i = 0; i < columns.size() && i < kShown; ++i) {
    out += (i == 0 ? "" : ", ") + detail::quote_for_message(columns[i]);
  }
  if (columns.size() > kShown) out += ", ... (" + std::to_string(columns.size()) + " in all)";
  return out;
}

inline std::size_t Table::column_index(std::string_view name) const {
  const auto found = std::find(columns.begin(), columns.end(), name);
  if (found == columns.end()) {
    throw std::invalid_argument("no column named " + detail::quote_for_message(name) +
                                "; available columns: " + list_column_names(columns));
  }
  const auto index = static_cast<std::size_t>(found - columns.begin());
  const auto again = std::find(found + 1, columns.end(), name);
  if (again != columns.end()) {
    throw std::invalid_argument("column name " + detail::quote_for_message(name) +
                                " is ambiguous: columns " + std::to_string(index) + " and " +
                                std::to_string(again - columns.begin()) + " have it");
  }
  return index;
}

inline Eigen::VectorXd Table::numeric_column(std::string_view name) const { return numeric_column(name, {}); }

inline Eigen::VectorXd Table::numeric_column(std::string_view name, const std::vector<std::string>& missing) const {
  const std::size_t column = column_index(name);
  Eigen::VectorXd values(static_cast<Eigen::Index>(rows.size()));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto where = [&] {
      return "column " + detail::quote_for_message(name) + ", row index " + std::to_string(r) + ": ";
    };
    if (rows[r].size() != columns.size()) {
      throw std::invalid_argument(where() + "the row has " + std::to_string(rows[r].size()) +
                                  " fields but the table has " + std::to_string(columns.size()) +
                                  " columns");
    }
    std::string_view field = rows[r][column];
    while (!field.empty() && (field.front() == ' ' || field.front() == '\t')) field.remove_prefix(1);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
    if (std::find(missing.begin(), missing.end(), field) != missing.end()) {
      values(static_cast<Eigen::Index>(r)) = std::numeric_limits<double>::quiet_NaN();
      continue;
    }
    if (field.empty()) throw std::runtime_error(where() + "empty value, not a number");
    const detail::ParsedNumber number = detail::parse_double(field);
    if (number.status == detail::NumberStatus::malformed) {
      throw std::runtime_error(where() + detail::quote_for_message(rows[r][column]) +
                               " is not a number");
    }
    if (number.status == detail::NumberStatus::out_of_range) {
      throw std::runtime_error(where() + detail::quote_for_message(rows[r][column]) +
                               " is out of the range of a double");
    }
    if (!std::isfinite(number.value)) {
      throw std::runtime_error(where() + detail::quote_for_message(rows[r][column]) + " is " +
                               detail::nonfinite_name(number.value));
    }
    values(static_cast<Eigen::Index>(r)) = number.value;
  }
  return values;
}

inline Table parse_delimited(std::string_view text, char delimiter, std::string_view source_name,
                             const DelimitedOptions& options) {
  detail::check_delimiter(delimiter);
  const std::string source(source_name);
  const bool quoting = delimiter != '\t';
  std::string decoded;
  text = detail::text_without_bom(text, source_name, decoded);
  detail::require_utf8(text, source_name);
  std::size_t pos = 0;
  std::size_t line = 1;
  auto fail = [&](std::size_t at_line, const std::string& what) {
    return std::runtime_error(source + ":" + std::to_string(at_line) + ": " + what);
  };

  Table table;
  bool have_header = false;
  std::vector<std::string> record;
  while (pos < text.size()) {
    // An empty line (outside quotes) is skipped.
    if (text[pos] == '\n') {
      ++pos;
      ++line;
      continue;
    }
    if (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n') {
      pos += 2;
      ++line;
      continue;
    }
    const std::size_t record_line = line;
    record.clear();
    if (have_header) record.reserve(table.columns.size());
    for (;;) {  // one field per pass
      std::string field;
      if (quoting && pos < text.size() && text[pos] == '"') {
        const std::size_t open_line = line;
        ++pos;
        for (;;) {
          const std::size_t quote = text.find('"', pos);
          if (quote == std::string_view::npos) {
            throw fail(open_line, "quoted field " + std::to_string(record.size() + 1) +
                                      " opened here is never closed");
          }
          const std::string_view chunk = text.substr(pos, quote - pos);
          line += static_cast<std::size_t>(std::count(chunk.begin(), chunk.end(), '\n'));
          field.append(chunk);
          pos = quote + 1;
          if (pos < text.size() && text[pos] == '"') {
            field += '"';
            ++pos;
            continue;
          }
          break;
        }
        const bool at_end = pos >= text.size() || text[pos] == delimiter || text[pos] == '\n' ||
                            (text[pos] == '\r' && pos + 1 < text.size() && text[pos + 1] == '\n');
        if (!at_end) {
          throw fail(line, "unexpected " + detail::quote_for_message(text.substr(pos, 1)) +
                               " after the closing quote of field " +
                               std::to_string(record.size() + 1) +
                               " (a quote inside a quoted field is written \"\")");
        }
        if (line != open_line) {
          const std::size_t index = record.size();
          const bool named = have_header && index < table.columns.size();
          const auto& free = options.free_text_columns;
          if (!named || std::find(free.begin(), free.end(), table.columns[index]) == free.end()) {
            throw std::runtime_error(
                source + ": a quoted field (field " + std::to_string(index + 1) +
                (named ? ", column " + detail::quote_for_message(table.columns[index]) : std::string(have_header ? "" : " of the header")) +
                ") opens on line " + std::to_string(open_line) + " and closes on line " + std::to_string(line) +
                " (1-based lines of the file): a stray quote, or a field with line breaks in a column not declared as free text");
          }
        }
      } else {
        std::size_t end = pos;
        while (end < text.size() && text[end] != delimiter && text[end] != '\n') ++end;
        std::size_t value_end = end;
        if (end < text.size() && text[end] == '\n' && value_end > pos && text[value_end - 1] == '\r') {
          --value_end;  // CRLF
        }
        field.assign(text.substr(pos, value_end - pos));
        pos = (end < text.size() && text[end] == '\n' && value_end != end) ? value_end : end;
      }
      record.push_back(std::move(field));
      if (pos < text.size() && text[pos] == delimiter) {
        ++pos;
        continue;
      }
      // End of record: "\n", "\r\n" or the end of the text.
      if (pos < text.size() && text[pos] == '\r') ++pos;
      if (pos < text.size() && text[pos] == '\n') {
        ++pos;
        ++line;
      }
      break;
    }
    if (!have_header) {
      table.columns = std::move(record);
      record = {};
      have_header = true;
      for (const std::string& name : options.free_text_columns) {
        if (std::find(table.columns.begin(), table.columns.end(), name) == table.columns.end()) {
          throw std::invalid_argument(source + ": free-text column " + detail::quote_for_message(name) +
                                      " is not in the header (columns: " + list_column_names(table.columns) + ")");
        }
      }
    } else if (record.size() != table.columns.size()) {
      throw fail(record_line, "expected " + std::to_string(table.columns.size()) +
                                  " fields (as in the header), found " +
                                  std::to_string(record.size()));
    } else {
      table.rows.push_back(std::move(record));
      table.row_lines.push_back(record_line);
      record = {};
    }
  }
  if (!have_header) throw std::runtime_error(source + ": empty file (no header row)");
  return table;
}

inline Table read_delimited(const std::filesystem::path& path, std::optional<char> delimiter,
                            const DelimitedOptions& options) {
  if (!delimiter) {
    std::string extension = path.extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (extension == ".csv") {
      delimiter = ',';
    } else if (extension == ".tsv" || extension == ".tab") {
      delimiter = '\t';
    } else {
      throw std::invalid_argument(path.string() + ": cannot tell the delimiter from the extension " +
                                  detail::quote_for_message(path.extension().string()) +
                                  " (.csv is ',', .tsv is tab); pass it explicitly");
    }
  }
  const std::string bytes = detail::read_file_bytes(path);
  return parse_delimited(bytes, *delimiter, path.string(), options);
}

inline std::vector<std::string> read_text_lines(const std::filesystem::path& path) {
  const std::string bytes = detail::read_file_bytes(path);
  std::string decoded;
  const std::string_view text = detail::text_without_bom(bytes, path.string(), decoded);
  detail::require_utf8(text, path.string());
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.emplace_back(line);
    start = end + 1;
  }
  return lines;
}

inline std::string format_delimited(const Table& table, char delimiter) {
  detail::check_delimiter(delimiter);
  if (table.columns.empty()) throw std::invalid_argument("cannot write a table without columns");
  std::string out;
  const bool one_column = table.columns.size() == 1;
  const bool quoting = delimiter != '\t';
  const char specials[] = {delimiter, '"', '\n', '\r', '\0'};
  const std::string_view needs_quotes(specials, 4);
  auto append_record = [&](const std::vector<std::string>& fields, bool first_record) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      const std::string& field = fields[i];
      if (i > 0) out += delimiter;
      const bool would_vanish = (one_column && field.empty()) ||
                                (first_record && i == 0 && field.compare(0, 3, "\xEF\xBB\xBF") == 0);
      const bool quote = std::string_view(field).find_first_of(needs_quotes) != std::string_view::npos || would_vanish;
      if (!quoting && (would_vanish || field.find_first_of("\t\n\r") != std::string::npos)) {
        throw std::invalid_argument("field " + std::to_string(i) + " " + detail::quote_for_message(field) +
                                    (first_record ? " of the header" : "") +
                                    " cannot be written tab-delimited (no quoting: a tab, line break, empty one-column field or "
                                    "leading byte-order mark would not read back)");
      }
      if (!quote || !quoting) {
        out += field;
        continue;
      }
      out += '"';
      for (const char c : field) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += '\n';
  };
  append_record(table.columns, true);
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    if (table.rows[r].size() != table.columns.size()) {
      throw std::invalid_argument("row index " + std::to_string(r) + " has " +
                                  std::to_string(table.rows[r].size()) + " fields but the table has " +
                                  std::to_string(table.columns.size()) + " columns");
    }
    append_record(table.rows[r], false);
  }
  return out;
}

inline void write_delimited(const std::filesystem::path& path, const Table& table, char delimiter) {
  detail::write_file_bytes(path, format_delimited(table, delimiter));
}

}  // namespace neuroscore::io
