// Praat TextGrid reader (long and short text formats; UTF-8, or UTF-16 with a byte-order mark).
// Main entry point: neuroscore::io::read_textgrid(path) -> TextGrid.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/quote.hpp"
#include "neuroscore/io/detail/text_encoding.hpp"
#include "neuroscore/io/detail/textgrid.hpp"
#include "neuroscore/io/textgrid_types.hpp"

namespace neuroscore::io {

// Parses a TextGrid in Praat's long ("xmin = 0") or short (bare values) text format; both are read
// by one scanner that skips labels ("xmin =", "item [1]:", "tiers?") and reads the value tokens in
// order: numbers, "strings" (with "" for a quote, newlines allowed) and <exists>/<absent>. `text`
// may start with a UTF-8 byte-order mark or be UTF-16 with a byte-order mark; strings must be valid
// UTF-8. Throws std::runtime_error with one line "SOURCE:LINE: problem" on the first problem:
// malformed or non-finite numbers, a bare word where a value belongs, an unknown tier class, a
// file that ends early ("file ended after 100 of 2423 intervals of tier 1 ("word")"), and (with
// TimeOrder::strict) intervals that run backwards or out of order.
inline TextGrid parse_textgrid(std::string_view text, std::string_view source_name);
inline TextGrid parse_textgrid(std::string_view text, std::string_view source_name,
                        const TextGridOptions& options);

// Reads and parses the file at `path`; errors name the path. A missing, unreadable or empty file
// is a std::runtime_error too.
inline TextGrid read_textgrid(const std::filesystem::path& path);
inline TextGrid read_textgrid(const std::filesystem::path& path, const TextGridOptions& options);

// The tier of words of a transcript: the interval tier called "words" or "word" (the last such),
// else the first interval tier; nullptr when the TextGrid has no interval tier.
inline const Tier* default_word_tier(const TextGrid& grid);

// The labels forced aligners write for silence: "", "sp", "sil", "<sil>".
inline const std::vector<std::string>& silence_labels();
inline bool is_silence_label(std::string_view label);

// ---------------------------------------------------------------------------------------------
// Implementation.

inline const Tier* default_word_tier(const TextGrid& grid) {
  const Tier* chosen = nullptr;
  for (const Tier& t : grid.tiers) {
    if (t.kind == TierKind::interval && (t.name == "words" || t.name == "word")) chosen = &t;
  }
  for (const Tier& t : grid.tiers) {
    if (chosen == nullptr && t.kind == TierKind::interval) chosen = &t;
  }
  return chosen;
}

inline const std::vector<std::string>& silence_labels() {
  static const std::vector<std::string> labels = {"", "sp", "sil", "<sil>"};
  return labels;
}

inline bool is_silence_label(std::string_view label) {
  for (const std::string& s : silence_labels()) {
    if (label == s) return true;
  }
  return false;
}

inline TextGrid parse_textgrid(std::string_view text, std::string_view source_name,
                               const TextGridOptions& options) {
  const std::string source(source_name);
  if (text.empty()) throw std::runtime_error(source + ": empty file");
  std::string decoded;  // UTF-16 with a byte-order mark, as UTF-8
  return detail::TextGridParser(detail::text_without_bom(text, source_name, decoded), source, options).parse();
}

inline TextGrid parse_textgrid(std::string_view text, std::string_view source_name) {
  return parse_textgrid(text, source_name, TextGridOptions{});
}

inline TextGrid read_textgrid(const std::filesystem::path& path, const TextGridOptions& options) {
  const std::string bytes = detail::read_file_bytes(path);
  return parse_textgrid(bytes, path.string(), options);
}

inline TextGrid read_textgrid(const std::filesystem::path& path) {
  return read_textgrid(path, TextGridOptions{});
}

}  // namespace neuroscore::io
