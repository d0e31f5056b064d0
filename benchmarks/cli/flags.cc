// benchmarks/cli/flags.cc: the command line's number and list parser (flags.hpp).
#include "benchmarks/cli/flags.hpp"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace neuroscore::cli {
namespace {

std::invalid_argument bad(const std::string& flag, const std::string& item, const std::string& value, const char* what) {
  const std::string where = item == value ? "'" + value + "'" : "'" + item + "' in '" + value + "'";
  return std::invalid_argument(flag + ": " + where + " is not " + what);
}

// The items of a comma-separated value, empty ones kept: "1,,2," is {"1", "", "2", ""}.
std::vector<std::string> items_of(const std::string& value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = value.find(',', start);
    out.push_back(value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

}  // namespace

std::optional<std::uint64_t> whole_number(const std::string& value) {
  std::size_t i = 0;
  while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
  if (i < value.size() && value[i] == '+') ++i;
  if (i == value.size()) return std::nullopt;
  std::uint64_t x = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  for (; i < value.size(); ++i) {
    const char c = value[i];
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (x > (kMax - d) / 10) return std::nullopt;
    x = 10 * x + d;
  }
  return x;
}

std::optional<double> finite_number(const std::string& value) {
  if (value.empty()) return std::nullopt;
  const char* begin = value.c_str();
  char* end = nullptr;
  errno = 0;
  const double x = std::strtod(begin, &end);  // what std::stod calls; it refuses ERANGE too
  if (errno == ERANGE || end == begin || static_cast<std::size_t>(end - begin) != value.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

std::uint64_t parse_count(const std::string& flag, const std::string& value, std::uint64_t max) {
  const std::optional<std::uint64_t> x = whole_number(value);
  if (!x) throw bad(flag, value, value, "a whole number");
  if (*x > max) throw bad(flag, value, value, ("a whole number up to " + std::to_string(max)).c_str());
  return *x;
}

std::uint64_t parse_positive_count(const std::string& flag, const std::string& value, std::uint64_t max) {
  const std::optional<std::uint64_t> x = whole_number(value);
  if (!x || *x == 0) throw bad(flag, value, value, "a positive whole number");
  if (*x > max) throw bad(flag, value, value, ("a whole number up to " + std::to_string(max)).c_str());
  return *x;
}

std::vector<std::uint64_t> parse_count_list(const std::string& flag, const std::string& value, std::uint64_t max) {
  std::vector<std::uint64_t> out;
  for (const std::string& item : items_of(value)) {
    const std::optional<std::uint64_t> x = whole_number(item);
    if (!x) throw bad(flag, item, value, "a whole number");
    if (*x > max) throw bad(flag, item, value, ("a whole number up to " + std::to_string(max)).c_str());
    out.push_back(*x);
  }
  return out;
}

std::size_t parse_bytes(const std::string& flag, const std::string& value) {
  std::string digits = value;
  std::uint64_t unit = 1;
  const char u = value.empty() ? '\0' : static_cast<char>(std::toupper(static_cast<unsigned char>(value.back())));
  if (u == 'K' || u == 'M' || u == 'G') {
    unit = u == 'K' ? 1024 : u == 'M' ? 1024 * 1024 : std::uint64_t{1} << 30;
    digits.pop_back();
  }
  const std::optional<std::uint64_t> x = whole_number(digits);
  if (!x) throw bad(flag, value, value, "a number of bytes (e.g. 2G, 512M, 100000K, 4096)");
  return static_cast<std::size_t>(*x * unit);
}

std::vector<double> parse_positive_list(const std::string& flag, const std::string& value) {
  std::vector<double> out;
  for (const std::string& item : items_of(value)) {
    const std::optional<double> x = finite_number(item);
    if (!x || *x <= 0) throw bad(flag, item, value, "a positive number");
    out.push_back(*x);
  }
  return out;
}

std::vector<std::string> split_names(const std::string& value) {
  std::vector<std::string> out;
  for (std::string& item : items_of(value))
    if (!item.empty()) out.push_back(std::move(item));
  return out;
}

}  // namespace neuroscore::cli
