// neuroscore/io/detail/textgrid.hpp (private): the token scanner and parser of textgrid.hpp (long and
// short text formats). Entry points: neuroscore::io::detail::TextGridScanner, TextGridParser.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/quote.hpp"
#include "neuroscore/io/detail/text_encoding.hpp"
#include "neuroscore/io/textgrid_types.hpp"

namespace neuroscore::io {

namespace detail {

enum class TextGridTokenKind { number, string, flag, end };

struct TextGridToken {
  TextGridTokenKind kind;
  std::string_view text;  // number: as written; string: between the quotes ("" still doubled);
                          // flag: between < and >
  std::size_t line;
};

// Splits TextGrid text into value tokens, skipping whitespace and labels. A label is one or more
// words, an optional [index] and one of '=', ':' or '?'; a word without that ending is an error.
class TextGridScanner {
 public:
  TextGridScanner(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  TextGridToken next() {
    skip_space_and_labels();
    if (pos_ >= text_.size()) return {TextGridTokenKind::end, {}, line_};
    const char c = text_[pos_];
    if (c == '"') return scan_string();
    if (c == '<') return scan_flag();
    if (is_number_start(c) || is_word_start(c)) return scan_number();  // words: nan, inf
    fail(line_, "unexpected character " + quote_for_message(text_.substr(pos_, 1)));
  }

  [[noreturn]] void fail(std::size_t line, const std::string& what) const {
    throw std::runtime_error(source_ + ":" + std::to_string(line) + ": " + what);
  }

  const std::string& source() const { return source_; }
  std::size_t remaining_bytes() const { return text_.size() - pos_; }

 private:
  static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }
  static bool is_word_start(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }
  static bool is_word_char(char c) { return is_word_start(c) || (c >= '0' && c <= '9'); }
  static bool is_number_start(char c) {
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  }

  void skip_blanks_on_line() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }

  void skip_space_and_labels() {
    for (;;) {
      while (pos_ < text_.size() && (is_blank(text_[pos_]) || text_[pos_] == '\n')) {
        if (text_[pos_] == '\n') ++line_;
        ++pos_;
      }
      if (pos_ >= text_.size() || !is_word_start(text_[pos_]) || at_nonfinite_word()) return;
      skip_label();
    }
  }

  void skip_label() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_word_start(text_[pos_])) {
      while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
      skip_blanks_on_line();
    }
    if (pos_ < text_.size() && text_[pos_] == '[') {
      ++pos_;
      while (pos_ < text_.size() &&
             ((text_[pos_] >= '0' && text_[pos_] <= '9') || is_blank(text_[pos_]))) {
        ++pos_;
      }
      if (pos_ >= text_.size() || text_[pos_] != ']') {
        fail(line_, "malformed label " + quote_for_message(text_.substr(start, pos_ + 1 - start)) +
                        " (an index in brackets holds digits only)");
      }
      ++pos_;
      skip_blanks_on_line();
    }
    if (pos_ < text_.size() && (text_[pos_] == '=' || text_[pos_] == ':' || text_[pos_] == '?')) {
      ++pos_;
      return;
    }
    std::size_t word_end = start;
    while (word_end < text_.size() && is_word_char(text_[word_end])) ++word_end;
    std::string hint;
    if (last_string_end_line_ == line_ && last_string_start_line_ < line_) {
      hint = "; the string that ends just before it opened on line " +
             std::to_string(last_string_start_line_) + ": is a '\"' inside it not doubled?";
    }
    fail(line_, "unexpected word " + quote_for_message(text_.substr(start, word_end - start)) +
                    " where a value was expected (a label ends in '=', ':' or '?')" + hint);
  }

  // "nan", "inf" and "infinity" (any case) where a label could start: read as numbers, so the
  // parser reports them as non-finite values rather than as stray words.
  bool at_nonfinite_word() const {
    std::size_t end = pos_;
    while (end < text_.size() && is_word_char(text_[end])) ++end;
    const std::string_view word = text_.substr(pos_, end - pos_);
    auto equals_lowercase = [&](std::string_view lower) {
      if (word.size() != lower.size()) return false;
      for (std::size_t i = 0; i < word.size(); ++i) {
        const char c = word[i];
        if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != lower[i]) return false;
      }
      return true;
    };
    return equals_lowercase("nan") || equals_lowercase("inf") || equals_lowercase("infinity");
  }

  TextGridToken scan_number() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && !is_blank(text_[pos_]) && text_[pos_] != '\n') ++pos_;
    return {TextGridTokenKind::number, text_.substr(start, pos_ - start), line_};
  }

  TextGridToken scan_string() {
    const std::size_t start_line = line_;
    const std::size_t start = ++pos_;
    for (;;) {
      const std::size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        fail(start_line, "string starting here is never closed (missing '\"')");
      }
      line_ += static_cast<std::size_t>(
          std::count(text_.begin() + static_cast<std::ptrdiff_t>(pos_),
                     text_.begin() + static_cast<std::ptrdiff_t>(quote), '\n'));
      pos_ = quote + 1;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        ++pos_;  // "" stands for one quote character
        continue;
      }
      const std::string_view contents = text_.substr(start, quote - start);
      const std::size_t bad = find_invalid_utf8(contents);
      if (bad != std::string_view::npos) {
        const std::size_t bad_line =
            start_line + static_cast<std::size_t>(std::count(contents.begin(),
                                                             contents.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
        fail(bad_line, "string is not valid UTF-8 (byte " + quote_for_message(contents.substr(bad, 1)) +
                           "; Latin-1 file? re-save it as UTF-8)");
      }
      last_string_start_line_ = start_line;
      last_string_end_line_ = line_;
      return {TextGridTokenKind::string, contents, start_line};
    }
  }

  TextGridToken scan_flag() {
    const std::size_t start = pos_;
    const std::size_t close = text_.find_first_of(">\n", pos_);
    if (close == std::string_view::npos || text_[close] != '>') {
      fail(line_, "flag " + quote_for_message(text_.substr(start, 12)) + " is missing its '>'");
    }
    pos_ = close + 1;
    return {TextGridTokenKind::flag, text_.substr(start + 1, close - start - 1), line_};
  }

  std::string_view text_;
  std::string source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  std::size_t last_string_start_line_ = 0;
  std::size_t last_string_end_line_ = 0;
};

// Where in the TextGrid a value belongs, for error messages (built only when one is thrown).
struct TextGridPlace {
  const char* field = "";         // "xmin", "text", "size", ...
  const char* element = nullptr;  // "tier", "interval", "point", or nullptr for the grid itself
  std::int64_t element_number = 0;  // 1-based
  std::int64_t element_count = 0;
  std::size_t tier_number = 0;  // 1-based; 0 when not inside a tier's elements
  std::string_view tier_name;

  static TextGridPlace grid(const char* field) {
    TextGridPlace place;
    place.field = field;
    return place;
  }
  static TextGridPlace tier(const char* field, std::int64_t number, std::int64_t count) {
    TextGridPlace place = grid(field);
    place.element = "tier";
    place.element_number = number;
    place.element_count = count;
    return place;
  }

  std::string tier_label() const {
    return "tier " + std::to_string(tier_number) + " (" + quote_for_message(tier_name) + ")";
  }
  std::string describe() const {
    if (element == nullptr) return std::string(field) + " of the TextGrid";
    std::string out = std::string(field) + " of " + element + " " + std::to_string(element_number);
    if (tier_number != 0) out += " of " + tier_label();
    return out;
  }
  std::string ended() const {
    if (element == nullptr) return "file ended where " + describe() + " was expected";
    std::string out = "file ended after " + std::to_string(element_number - 1) + " of " +
                      std::to_string(element_count) + " " + element + "s";
    if (tier_number != 0) out += " of " + tier_label();
    return out;
  }
};

inline std::string unescape_textgrid_string(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    out += raw[i];
    if (raw[i] == '"') ++i;  // the scanner guarantees quotes come in pairs inside a string
  }
  return out;
}

class TextGridParser {
 public:
  TextGridParser(std::string_view text, const std::string& source, const TextGridOptions& options)
      : scanner_(text, source), options_(options) {}

  TextGrid parse() {
    TextGrid grid;
    const TextGridToken file_type = scanner_.next();
    if (file_type.kind != TextGridTokenKind::string) {
      scanner_.fail(file_type.line,
                    "not a Praat text file (it must start with File type = \"ooTextFile\")");
    }
    const std::string type = unescape_textgrid_string(file_type.text);
    if (type.rfind("Praat chronological", 0) == 0) {
      scanner_.fail(file_type.line,
                    "the chronological TextGrid format is not supported (save it from Praat as "
                    "a text file)");
    }
    if (type != "ooTextFile" && type != "ooTextFile short") {
      scanner_.fail(file_type.line, "file type " + quote_for_message(type) +
                                        " is not \"ooTextFile\" (not a Praat text file)");
    }
    const TextGridToken object_class = scanner_.next();
    if (object_class.kind != TextGridTokenKind::string ||
        unescape_textgrid_string(object_class.text) != "TextGrid") {
      scanner_.fail(object_class.line,
                    "object class " + describe_token(object_class) + " is not \"TextGrid\"");
    }
    const Number start = read_number(TextGridPlace::grid("xmin"));
    const Number end = read_number(TextGridPlace::grid("xmax"));
    check_extent(start, end, "the TextGrid");
    grid.start_seconds = start.value;
    grid.end_seconds = end.value;
    if (!read_flag(TextGridPlace::grid("tiers? flag"))) {
      expect_end(0);
      return grid;
    }
    const std::int64_t tier_count = read_count(TextGridPlace::grid("size (number of tiers)"));
    grid.tiers.reserve(bounded_reserve(tier_count, 32));
    for (std::int64_t t = 1; t <= tier_count; ++t) grid.tiers.push_back(read_tier(t, tier_count));
    expect_end(tier_count);
    return grid;
  }

 private:
  struct Number {
    double value;
    std::string_view text;
    std::size_t line;
  };

  static std::string describe_token(const TextGridToken& token) {
    switch (token.kind) {
      case TextGridTokenKind::number: return "the number " + std::string(token.text);
      case TextGridTokenKind::string: return "the string " + quote_for_message(token.text);
      case TextGridTokenKind::flag: return "the flag <" + std::string(token.text) + ">";
      case TextGridTokenKind::end: return "the end of the file";
    }
    return "?";
  }

  TextGridToken expect(TextGridTokenKind kind, const char* kind_name, const TextGridPlace& place) {
    const TextGridToken token = scanner_.next();
    if (token.kind == TextGridTokenKind::end) scanner_.fail(token.line, place.ended());
    if (token.kind != kind) {
      scanner_.fail(token.line, "expected " + std::string(kind_name) + " for " + place.describe() +
                                    ", found " + describe_token(token));
    }
    return token;
  }

  Number read_number(const TextGridPlace& place) {
    const TextGridToken token = expect(TextGridTokenKind::number, "a number", place);
    const ParsedNumber parsed = parse_double(token.text);
    if (parsed.status != NumberStatus::ok) {
      scanner_.fail(token.line, "malformed number " + quote_for_message(token.text) + " for " +
                                    place.describe());
    }
    if (!std::isfinite(parsed.value)) {
      scanner_.fail(token.line, place.describe() + " is " + nonfinite_name(parsed.value));
    }
    return {parsed.value, token.text, token.line};
  }

  std::string read_string(const TextGridPlace& place) {
    return unescape_textgrid_string(expect(TextGridTokenKind::string, "a \"string\"", place).text);
  }

  bool read_flag(const TextGridPlace& place) {
    const TextGridToken token = expect(TextGridTokenKind::flag, "<exists> or <absent>", place);
    if (token.text == "exists") return true;
    if (token.text == "absent") return false;
    scanner_.fail(token.line, "unknown flag <" + std::string(token.text) +
                                  "> (expected <exists> or <absent>)");
  }

  std::int64_t read_count(const TextGridPlace& place) {
    const TextGridToken token = expect(TextGridTokenKind::number, "a count", place);
    const std::optional<std::int64_t> value = parse_count(token.text);
    if (!value) {
      scanner_.fail(token.line, place.describe() + " must be a whole number >= 0, found " +
                                    quote_for_message(token.text));
    }
    return *value;
  }

  // Capacity to reserve for `count` elements of at least `min_bytes` each: never more than the rest
  // of the file could hold, so a corrupt count cannot trigger a huge allocation.
  std::size_t bounded_reserve(std::int64_t count, std::size_t min_bytes) const {
    return std::min(static_cast<std::size_t>(count), scanner_.remaining_bytes() / min_bytes + 1);
  }

  void check_extent(const Number& start, const Number& end, const std::string& what) {
    if (end.value < start.value) {
      scanner_.fail(end.line, what + " ends (" + std::string(end.text) + ") before it starts (" +
                                  std::string(start.text) + ")");
    }
  }

  void expect_end(std::int64_t tier_count) {
    const TextGridToken token = scanner_.next();
    if (token.kind != TextGridTokenKind::end) {
      scanner_.fail(token.line, "unexpected " + describe_token(token) +
                                    " after the last tier (the file says it has " +
                                    std::to_string(tier_count) + " tiers)");
    }
  }

  std::string time_order_hint() const {
    return "; read with TextGridOptions{TimeOrder::as_written} to keep the times as written";
  }

  Tier read_tier(std::int64_t number, std::int64_t tier_count) {
    TextGridPlace place = TextGridPlace::tier("class", number, tier_count);
    const TextGridToken class_token = expect(TextGridTokenKind::string, "a \"string\"", place);
    const std::string tier_class = unescape_textgrid_string(class_token.text);
    Tier tier;
    if (tier_class == "IntervalTier") {
      tier.kind = TierKind::interval;
    } else if (tier_class == "TextTier") {
      tier.kind = TierKind::point;
    } else {
      scanner_.fail(class_token.line, "tier " + std::to_string(number) + " has unknown class " +
                                          quote_for_message(tier_class) +
                                          " (expected \"IntervalTier\" or \"TextTier\")");
    }
    place.field = "name";
    tier.name = read_string(place);
    place.field = "xmin";
    const Number start = read_number(place);
    place.field = "xmax";
    const Number end = read_number(place);
    const std::string label = "tier " + std::to_string(number) + " (" + quote_for_message(tier.name) + ")";
    check_extent(start, end, label);
    tier.start_seconds = start.value;
    tier.end_seconds = end.value;
    const bool intervals = tier.kind == TierKind::interval;
    place.field = intervals ? "size (number of intervals)" : "size (number of points)";
    const std::int64_t element_count = read_count(place);

    TextGridPlace element;
    element.element = intervals ? "interval" : "point";
    element.element_count = element_count;
    element.tier_number = static_cast<std::size_t>(number);
    element.tier_name = tier.name;
    const bool strict = options_.time_order == TimeOrder::strict;
    if (intervals) {
      tier.intervals.reserve(bounded_reserve(element_count, 8));
      Number previous_end{0.0, {}, 0};
      for (std::int64_t k = 1; k <= element_count; ++k) {
        element.element_number = k;
        element.field = "xmin";
        const Number a = read_number(element);
        element.field = "xmax";
        const Number b = read_number(element);
        element.field = "text";
        std::string text = read_string(element);
        if (strict && b.value < a.value) {
          scanner_.fail(b.line, "interval " + std::to_string(k) + " of " + label + " ends (" +
                                    std::string(b.text) + ") before it starts (" +
                                    std::string(a.text) + ")" + time_order_hint());
        }
        if (strict && k > 1 && a.value < previous_end.value) {
          scanner_.fail(a.line, "interval " + std::to_string(k) + " of " + label + " starts (" +
                                    std::string(a.text) + ") before interval " +
                                    std::to_string(k - 1) + " ends (" +
                                    std::string(previous_end.text) +
                                    "): intervals overlap or are out of order" + time_order_hint());
        }
        previous_end = b;
        tier.intervals.push_back({a.value, b.value, std::move(text)});
      }
    } else {
      tier.points.reserve(bounded_reserve(element_count, 4));
      Number previous{0.0, {}, 0};
      for (std::int64_t k = 1; k <= element_count; ++k) {
        element.element_number = k;
        element.field = "time";
        const Number t = read_number(element);
        element.field = "mark";
        std::string mark = read_string(element);
        if (strict && k > 1 && t.value < previous.value) {
          scanner_.fail(t.line, "point " + std::to_string(k) + " of " + label + " (" +
                                    std::string(t.text) + ") comes before point " +
                                    std::to_string(k - 1) + " (" + std::string(previous.text) +
                                    "): points out of order" + time_order_hint());
        }
        previous = t;
        tier.points.push_back({t.value, std::move(mark)});
      }
    }
    return tier;
  }

  TextGridScanner scanner_;
  TextGridOptions options_;
};

}  // namespace detail

}  // namespace neuroscore::io
