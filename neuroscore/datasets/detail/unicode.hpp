// neuroscore/datasets/detail/unicode.hpp (private): the ICU conversions, NFC and grapheme iterator
// of unicode.hpp. Entry points: neuroscore::unicode::detail::from_utf8, to_utf8, nfc_of, clusters_of, trimmed.
#pragma once

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/ustring.h>
#include <unicode/utypes.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace neuroscore::unicode {

namespace detail {

inline icu::UnicodeString from_utf8(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = 0;
  u_strFromUTF8(nullptr, 0, &length, utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
  icu::UnicodeString out;
  if (U_SUCCESS(status)) {
    UChar* buffer = out.getBuffer(length);
    u_strFromUTF8(buffer, length, nullptr, utf8.data(), static_cast<int32_t>(utf8.size()), &status);
    out.releaseBuffer(U_SUCCESS(status) ? length : 0);
  }
  if (U_FAILURE(status)) {
    throw std::invalid_argument("not well-formed UTF-8 text (" + std::string(u_errorName(status)) + ")");
  }
  return out;
}

inline std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

inline icu::UnicodeString nfc_of(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString out = U_SUCCESS(status) ? normalizer->normalize(s, status) : icu::UnicodeString();
  if (U_FAILURE(status)) throw std::runtime_error(std::string("ICU NFC normalization failed: ") + u_errorName(status));
  return out;
}

// A character (grapheme cluster) break iterator over `s` (which must outlive it).
inline std::unique_ptr<icu::BreakIterator> clusters_of(const icu::UnicodeString& s) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
  if (U_FAILURE(status) || !it) throw std::runtime_error(std::string("ICU character break iterator: ") + u_errorName(status));
  it->setText(s);
  return it;
}

inline icu::UnicodeString trimmed(const icu::UnicodeString& s) {
  const std::unique_ptr<icu::BreakIterator> it = clusters_of(s);
  int32_t first = -1, last = -1;  // [first, last): from the first word cluster to the end of the last
  for (int32_t start = it->first(), end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    if (!u_isalnum(s.char32At(start))) continue;
    if (first < 0) first = start;
    last = end;
  }
  return first < 0 ? icu::UnicodeString() : icu::UnicodeString(s, first, last - first);
}

}  // namespace detail

}  // namespace neuroscore::unicode
