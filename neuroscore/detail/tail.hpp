// neuroscore/detail/tail.hpp (private): a statistic transformed by its Tail, and the argument
// checks of the permutation nulls (null.hpp, permutation_test.hpp). Entry points: detail::tail_transform,
// check_permutation_args.
#pragma once

#include <Eigen/Core>

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "neuroscore/tail.hpp"

namespace neuroscore {

namespace detail {

inline double tail_transform(double v, Tail tail) {
  return tail == Tail::greater ? v : tail == Tail::less ? -v : std::abs(v);
}

inline void check_permutation_args(const char* who, Eigen::Index n, std::size_t block,
                                   std::size_t permutations) {
  if (permutations == 0) throw std::invalid_argument(std::string(who) + ": 0 permutations");
  if (block == 0) throw std::invalid_argument(std::string(who) + ": block length 0");
  if (static_cast<std::size_t>(n) < 2 * block) {
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(n) +
                                " samples hold fewer than 2 blocks of " + std::to_string(block));
  }
}

}  // namespace detail

}  // namespace neuroscore
