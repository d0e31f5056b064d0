// Words as Unicode text (ICU 72): NFC normalization, extended grapheme clusters, full case folding.
// Main entry points: neuroscore::unicode::word_length(word) and word_key(word). The only ICU user.
#pragma once

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "neuroscore/datasets/detail/unicode.hpp"

namespace neuroscore::unicode {

// UTF-8 text in NFC (canonical composition: "e" + U+0301 becomes U+00E9). Throws
// std::invalid_argument for text that is not well-formed UTF-8.
inline std::string nfc(std::string_view utf8);

// The number of extended grapheme clusters (Unicode UAX #29, ICU's character break iterator) of
// the text in NFC: what a reader counts as characters ("café" 4, "e" + U+0301 1, an emoji with a
// skin-tone modifier 1). Throws std::invalid_argument for ill-formed UTF-8.
inline std::size_t grapheme_count(std::string_view utf8);

// Full case folding (Unicode CaseFolding.txt, statuses C and F; ICU U_FOLD_CASE_DEFAULT), of the
// text in NFC, the result in NFC again: "Über" -> "über", "Straße" and "STRASSE" -> "strasse".
inline std::string full_case_fold(std::string_view utf8);

// The text in NFC without its leading and trailing grapheme clusters whose first code point is
// not a letter or a decimal digit (ICU u_isalnum: general category L* or Nd): "«Über»," -> "Über",
// "'Admiral" -> "Admiral"; inner punctuation stays ("Tourette's", "twenty-five"). May be empty.
inline std::string trim_to_letters_and_digits(std::string_view utf8);

// A word's length: grapheme_count(trim_to_letters_and_digits(word)).
inline std::size_t word_length(std::string_view word);

// A word's frequency key: full_case_fold(trim_to_letters_and_digits(word)). Empty for a word of
// punctuation only.
inline std::string word_key(std::string_view word);

// Whether the text holds a punctuation character: a code point of general category P* (ICU
// u_ispunct: "world." and "«Über»" do, "Tourette's" does (U+0027 is Po), "twenty-five" does,
// "café" and "$5" do not: "$" is a symbol, Sc). Throws std::invalid_argument for ill-formed UTF-8.
inline bool has_punctuation(std::string_view utf8);

// ---------------------------------------------------------------------------------------------
// Implementation.

inline bool has_punctuation(std::string_view utf8) {
  const icu::UnicodeString s = detail::from_utf8(utf8);
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    if (u_ispunct(s.char32At(i))) return true;
  }
  return false;
}

inline std::string nfc(std::string_view utf8) { return detail::to_utf8(detail::nfc_of(detail::from_utf8(utf8))); }

inline std::size_t grapheme_count(std::string_view utf8) {
  const icu::UnicodeString s = detail::nfc_of(detail::from_utf8(utf8));
  const std::unique_ptr<icu::BreakIterator> it = detail::clusters_of(s);
  std::size_t count = 0;
  for (it->first(); it->next() != icu::BreakIterator::DONE;) ++count;
  return count;
}

inline std::string full_case_fold(std::string_view utf8) {
  icu::UnicodeString s = detail::nfc_of(detail::from_utf8(utf8));
  s.foldCase(U_FOLD_CASE_DEFAULT);
  return detail::to_utf8(detail::nfc_of(s));
}

inline std::string trim_to_letters_and_digits(std::string_view utf8) {
  return detail::to_utf8(detail::trimmed(detail::nfc_of(detail::from_utf8(utf8))));
}

inline std::size_t word_length(std::string_view word) { return grapheme_count(trim_to_letters_and_digits(word)); }

inline std::string word_key(std::string_view word) { return full_case_fold(trim_to_letters_and_digits(word)); }

}  // namespace neuroscore::unicode
