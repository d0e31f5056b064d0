// Quoting of untrusted file content for one-line error messages (control bytes escaped, long text cut).
// Main entry point: neuroscore::io::detail::quote_for_message(text).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace neuroscore::io::detail {

// Returns `text` in double quotes with `"`, `\` and control bytes escaped (\n, \t, \r, \xNN),
// so the result never breaks an error message across lines. Text longer than `max_bytes` is cut
// (never inside a UTF-8 sequence) and marked with "..." after the closing quote.
inline std::string quote_for_message(std::string_view text, std::size_t max_bytes = 40) {
  bool cut = false;
  if (text.size() > max_bytes) {
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    text = text.substr(0, end);
    cut = true;
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (byte < 0x20 || byte == 0x7F) {
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xF];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  if (cut) out += "...";
  return out;
}

}  // namespace neuroscore::io::detail
