// Text encoding checks for the readers: UTF-8 validation and UTF-16 (with byte-order mark) to UTF-8.
// Main entry points: neuroscore::io::detail::text_without_bom, require_utf8, find_invalid_utf8 and utf16_to_utf8.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "neuroscore/io/detail/quote.hpp"

namespace neuroscore::io::detail {

// Offset of the first byte that does not start a well-formed UTF-8 sequence (overlong forms,
// surrogates and code points above U+10FFFF are ill-formed), or std::string_view::npos.
inline std::size_t find_invalid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = bytes[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80;  // allowed range of the second byte (Unicode Table 3-7)
    unsigned char high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      length = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
      length = 3;
      if (b == 0xE0) low = 0xA0;
      if (b == 0xED) high = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      length = 4;
      if (b == 0xF0) low = 0x90;
      if (b == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > n || bytes[i + 1] < low || bytes[i + 1] > high) return i;
    for (std::size_t k = 2; k < length; ++k) {
      if ((bytes[i + k] & 0xC0) != 0x80) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

// True when `bytes` starts with a UTF-16 byte-order mark (FF FE little-endian, FE FF big-endian).
inline bool has_utf16_bom(std::string_view bytes) {
  return bytes.size() >= 2 &&
         ((bytes[0] == '\xFF' && bytes[1] == '\xFE') || (bytes[0] == '\xFE' && bytes[1] == '\xFF'));
}

// Decodes UTF-16 text that starts with a byte-order mark into UTF-8 (without the mark). Throws
// std::runtime_error "SOURCE: ..." for an odd byte count or an unpaired surrogate.
inline std::string utf16_to_utf8(std::string_view bytes, std::string_view source_name) {
  const bool little_endian = bytes[0] == '\xFF';
  if (bytes.size() % 2 != 0) {
    throw std::runtime_error(std::string(source_name) + ": UTF-16 text has an odd number of bytes (" +
                             std::to_string(bytes.size()) + ")");
  }
  auto unit_at = [&](std::size_t offset) -> std::uint32_t {
    const auto first = static_cast<unsigned char>(bytes[offset]);
    const auto second = static_cast<unsigned char>(bytes[offset + 1]);
    return little_endian ? (first | (second << 8)) : ((first << 8) | second);
  };
  auto bad = [&](std::size_t offset) {
    return std::runtime_error(std::string(source_name) +
                              ": invalid UTF-16 text (unpaired surrogate at byte offset " +
                              std::to_string(offset) + ")");
  };
  std::string out;
  out.reserve(bytes.size() / 2);
  for (std::size_t offset = 2; offset < bytes.size(); offset += 2) {
    std::uint32_t code = unit_at(offset);
    if (code >= 0xDC00 && code <= 0xDFFF) throw bad(offset);
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (offset + 4 > bytes.size()) throw bad(offset);
      const std::uint32_t low = unit_at(offset + 2);
      if (low < 0xDC00 || low > 0xDFFF) throw bad(offset);
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
      offset += 2;
    }
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  }
  return out;
}

// The text of a file's bytes, without a byte-order mark: UTF-16 with a byte-order mark decoded
// into `storage` (the result then views it), a UTF-8 byte-order mark dropped. Throws
// std::runtime_error "SOURCE: ..." for text that starts with a zero byte (UTF-16 without a mark).
inline std::string_view text_without_bom(std::string_view bytes, std::string_view source_name, std::string& storage) {
  if (has_utf16_bom(bytes)) {
    storage = utf16_to_utf8(bytes, source_name);
    return storage;
  }
  if (bytes.size() >= 2 && (bytes[0] == '\0' || bytes[1] == '\0')) {
    throw std::runtime_error(std::string(source_name) +
                             ": starts with a zero byte: UTF-16 without a byte-order mark? "
                             "(save it as UTF-8, or as UTF-16 with a byte-order mark)");
  }
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  return bytes;
}

// Throws std::runtime_error "SOURCE:LINE: not valid UTF-8 (byte ...)" naming the 1-based line of
// the first byte of `text` that is not well-formed UTF-8 (a Latin-1 file, say).
inline void require_utf8(std::string_view text, std::string_view source_name) {
  const std::size_t bad = find_invalid_utf8(text);
  if (bad == std::string_view::npos) return;
  const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
  throw std::runtime_error(std::string(source_name) + ":" + std::to_string(line) + ": not valid UTF-8 (byte " +
                           quote_for_message(text.substr(bad, 1)) + "; Latin-1 file? re-save it as UTF-8)");
}

}  // namespace neuroscore::io::detail
