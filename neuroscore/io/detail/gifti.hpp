// neuroscore/io/detail/gifti.hpp (private): XML attributes, base64 and data types of gifti.hpp.
// Entry points: neuroscore::io::detail::gifti::attribute, base64_decode, base64_encode, type_bytes.
#pragma once

#include <cctype>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/parse_number.hpp"
#include "neuroscore/io/detail/zlib.hpp"

namespace neuroscore::io {

namespace detail::gifti {

// The value of attribute `name` in the tag text `tag` ("" and false when absent).
inline bool attribute(std::string_view tag, std::string_view name, std::string& value) {
  std::size_t pos = 0;
  while ((pos = tag.find(name, pos)) != std::string_view::npos) {
    const bool starts = pos > 0 && std::isspace(static_cast<unsigned char>(tag[pos - 1]));
    std::size_t p = pos + name.size();
    while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p]))) ++p;
    if (starts && p < tag.size() && tag[p] == '=') {
      ++p;
      while (p < tag.size() && std::isspace(static_cast<unsigned char>(tag[p]))) ++p;
      if (p < tag.size() && (tag[p] == '"' || tag[p] == '\'')) {
        const char quote = tag[p];
        const std::size_t end = tag.find(quote, p + 1);
        if (end == std::string_view::npos) return false;
        value = std::string(tag.substr(p + 1, end - p - 1));
        return true;
      }
    }
    pos += name.size();
  }
  return false;
}

inline std::string base64_decode(std::string_view text, const std::string& where) {
  static const auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '=') break;
    const int v = value(c);
    if (v < 0) throw std::runtime_error(where + ": character '" + std::string(1, c) + "' is not base64");
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

inline std::string base64_encode(std::string_view bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(table[(v >> (6 * k)) & 63]);
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(table[(v >> 18) & 63]);
    out.push_back(table[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? table[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

inline int type_bytes(const std::string& type) {
  if (type == "NIFTI_TYPE_UINT8") return 1;
  if (type == "NIFTI_TYPE_INT32" || type == "NIFTI_TYPE_FLOAT32") return 4;
  if (type == "NIFTI_TYPE_FLOAT64") return 8;
  return 0;
}

}  // namespace detail::gifti

}  // namespace neuroscore::io
