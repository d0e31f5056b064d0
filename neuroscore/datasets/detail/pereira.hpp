// neuroscore/datasets/detail/pereira.hpp (private): the sentence-file reader of pereira.hpp.
// Entry point: neuroscore::datasets::detail::read_sentence_lines.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore::datasets {

namespace detail {

// Non-empty lines of a one-sentence-per-line file, trimmed; exactly `expected` of them.
inline std::vector<std::string> read_sentence_lines(const std::filesystem::path& path, int expected) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  int line_number = 0;
  int blank_line = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos) {
      if (blank_line == 0) blank_line = line_number;
      continue;
    }
    if (blank_line != 0) {
      throw std::runtime_error(path.string() + ":" + std::to_string(blank_line) +
                               ": blank line between sentences (sentences continue on line " +
                               std::to_string(line_number) + ")");
    }
    const std::size_t last = line.find_last_not_of(" \t");
    lines.push_back(line.substr(first, last - first + 1));
  }
  if (static_cast<int>(lines.size()) != expected) {
    throw std::runtime_error(path.string() + ": expected " + std::to_string(expected) +
                             " sentences (one per line), found " + std::to_string(lines.size()));
  }
  return lines;
}

}  // namespace detail

}  // namespace neuroscore::datasets
