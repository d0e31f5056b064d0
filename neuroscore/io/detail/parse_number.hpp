// Strict text-to-number conversion for the readers: the whole token must be a number (std::from_chars).
// Main entry points: neuroscore::io::detail::parse_double and parse_count.
#pragma once

#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

namespace neuroscore::io::detail {

enum class NumberStatus { ok, malformed, out_of_range };

struct ParsedNumber {
  NumberStatus status;
  double value;  // meaningful when status == ok; may be NaN or +-inf (callers decide)
};

// Parses a decimal floating-point token in C locale (std::from_chars, general format). One leading
// '+' is allowed; "nan", "inf" and "infinity" (any case) parse to NaN/inf. Anything left over after
// the number ("1.5x", "1e", "0x10") makes the token malformed. Values beyond the double range,
// including underflow such as "1e-400", are out_of_range: no reader silently turns them into 0/inf.
inline ParsedNumber parse_double(std::string_view token) {
  if (token.size() >= 2 && token[0] == '+' && token[1] != '-' && token[1] != '+') {
    token.remove_prefix(1);
  }
  double value = 0.0;
  const char* const end = token.data() + token.size();
  const std::from_chars_result result = std::from_chars(token.data(), end, value);
  if (result.ec == std::errc::result_out_of_range && result.ptr == end) {
    return {NumberStatus::out_of_range, 0.0};
  }
  if (result.ec != std::errc() || result.ptr != end || token.empty()) {
    return {NumberStatus::malformed, 0.0};
  }
  return {NumberStatus::ok, value};
}

// Names a non-finite value the way error messages spell it: "nan", "inf" or "-inf".
inline const char* nonfinite_name(double value) {
  if (std::isnan(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

// Parses a non-negative whole number written in decimal digits only (no sign, point or exponent);
// std::nullopt when the token is anything else or does not fit in int64.
inline std::optional<std::int64_t> parse_count(std::string_view token) {
  if (token.empty() || token[0] < '0' || token[0] > '9') return std::nullopt;
  std::int64_t value = 0;
  const char* const end = token.data() + token.size();
  const std::from_chars_result result = std::from_chars(token.data(), end, value);
  if (result.ec != std::errc() || result.ptr != end) return std::nullopt;
  return value;
}

}  // namespace neuroscore::io::detail
