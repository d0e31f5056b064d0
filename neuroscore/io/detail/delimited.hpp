// neuroscore/io/detail/delimited.hpp (private): the delimiter check of delimited.hpp's reader and writer.
// Entry point: neuroscore::io::detail::check_delimiter.
#pragma once

#include <stdexcept>

namespace neuroscore::io {

namespace detail {

inline void check_delimiter(char delimiter) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    throw std::invalid_argument("the delimiter cannot be '\"', '\\n' or '\\r'");
  }
}

}  // namespace detail

}  // namespace neuroscore::io
