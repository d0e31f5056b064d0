// benchmarks/cli/flags.hpp: the one parser of the command line's number and list values (`neuroscore
// score`, `leaderboard`, `alice-word-rate`, `extract`). Entry points: parse_count,
// parse_positive_count, parse_count_list, parse_bytes, parse_positive_list, split_names.
//
// Errors are one line naming the flag and the value, std::invalid_argument:
//   --folds: 'x' is not a whole number
//   --alphas: '' in '1,,2' is not a positive number
// Whole numbers are what std::stoull read before this module (leading blanks, an optional '+',
// decimal digits only): "1e3", "0x10", "-1", "1.5" and "" are refused, as is a value above the
// caller's maximum. Numbers are what std::stod reads whole (so "1e3", and hexadecimal floats),
// finite only: "inf" and "nan" are refused.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace neuroscore::cli {

// The value as a whole number >= 0, or nothing (not a whole number, or above 2^64 - 1).
std::optional<std::uint64_t> whole_number(const std::string& value);

// The value as a finite number, or nothing (not a number, trailing characters, inf, nan).
std::optional<double> finite_number(const std::string& value);

// A whole number in [0, max]: "--flag: 'value' is not a whole number" (or "... is above MAX").
std::uint64_t parse_count(const std::string& flag, const std::string& value,
                          std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// A whole number in [1, max]: "--flag: 'value' is not a positive whole number".
std::uint64_t parse_positive_count(const std::string& flag, const std::string& value,
                                   std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// Comma-separated whole numbers in [0, max], e.g. "1,2,3,4"; an empty item (",", "1,,2", a
// trailing comma, "") is refused: "--flag: '' in '1,,2' is not a whole number".
std::vector<std::uint64_t> parse_count_list(const std::string& flag, const std::string& value,
                                            std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

// Bytes: a whole number with an optional K, M or G suffix (any case; powers of 1024), e.g. "2G".
std::size_t parse_bytes(const std::string& flag, const std::string& value);

// Comma-separated positive finite numbers, e.g. "0.01,0.1,1"; empty items refused.
std::vector<double> parse_positive_list(const std::string& flag, const std::string& value);

// Comma-separated names (benchmarks, methods, models, feature kinds); empty items are skipped,
// so "a,,b," is {"a", "b"}.
std::vector<std::string> split_names(const std::string& value);

}  // namespace neuroscore::cli
