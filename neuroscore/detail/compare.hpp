// neuroscore/detail/compare.hpp (private): the sign-flip null and squared-error differences of
// compare.hpp. Entry points: detail::fill_signs, sign_flip_core, squared_error_difference.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/null.hpp"
#include "neuroscore/permutation_test.hpp"
#include "neuroscore/split_types.hpp"
#include "neuroscore/tail.hpp"

namespace neuroscore {

namespace detail {

// Rows [0, nb) of `signs` (draws x units, entries +-1) for draws b0 .. b0 + nb - 1: draw b's
// bits when every sign vector is enumerated, else one raw 64-bit word per 64 units.
inline void fill_signs(Eigen::MatrixXd& signs, Eigen::Index b0, Eigen::Index nb, bool exhaustive, std::mt19937_64& rng) {
  const Eigen::Index k = signs.cols();
  for (Eigen::Index b = 0; b < nb; ++b) {
    const std::uint64_t bits = exhaustive ? static_cast<std::uint64_t>(b0 + b) : 0;
    std::uint64_t word = 0;
    for (Eigen::Index u = 0; u < k; ++u) {
      bool flip;
      if (exhaustive) {
        flip = (bits >> u) & 1u;
      } else {
        if (u % 64 == 0) word = rng();
        flip = (word >> (u % 64)) & 1u;
      }
      signs(b, u) = flip ? -1.0 : 1.0;
    }
  }
}

// Sign-flip null of the mean over rows of `sums` (units x targets; each row a unit's sum),
// divided by `divisor`. Fills observed, null, p, p_fwe.
inline PermutationTest sign_flip_core(const Eigen::MatrixXd& sums, double divisor, Seed seed,
                                      std::size_t permutations, Tail tail, bool keep_null) {
  const Eigen::Index k = sums.rows();
  const Eigen::Index t = sums.cols();
  if (permutations == 0) throw std::invalid_argument("sign-flip test: 0 permutations");
  if (k < 2) throw std::invalid_argument("sign-flip test: fewer than 2 units");
  const bool exhaustive = k < 63 && (std::uint64_t{1} << k) <= permutations;
  const std::size_t big_n = exhaustive ? static_cast<std::size_t>(std::uint64_t{1} << k) : permutations;
  PermutationTest out;
  out.seed = seed;
  out.permutations = big_n;
  out.tail = tail;
  out.method = NullMethod::sign_flip;
  out.exhaustive = exhaustive;
  out.degenerate.assign(static_cast<std::size_t>(t), false);
  out.observed = (sums.colwise().sum() / divisor).transpose();
  if (keep_null) out.null.resize(static_cast<Eigen::Index>(big_n), t);
  else out.null.resize(0, t);
  NullAccumulator acc(out.observed, big_n, tail);
  std::mt19937_64 rng(seed.value);
  const Eigen::Index pb = std::min<Eigen::Index>(static_cast<Eigen::Index>(big_n), kPermutationBatch);
  Eigen::MatrixXd signs(pb, k), r(pb, t);
  for (Eigen::Index b0 = 0; b0 < static_cast<Eigen::Index>(big_n); b0 += pb) {
    const Eigen::Index nb = std::min(pb, static_cast<Eigen::Index>(big_n) - b0);
    fill_signs(signs, b0, nb, exhaustive, rng);
    auto rb = r.topRows(nb);
    rb.noalias() = signs.topRows(nb) * sums;
    rb /= divisor;
    acc.add(rb, b0, 0);
    if (keep_null) out.null.middleRows(b0, nb) = rb;
  }
  acc.finish(out);
  if (exhaustive) {  // the identity is among the enumerated draws: p = # / N, not (1 + #) / (1 + N)
    const double n = static_cast<double>(big_n);
    out.p_value = ((out.p_value.array() * (n + 1.0) - 1.0) / n).matrix();
    out.p_fwe = ((out.p_fwe.array() * (n + 1.0) - 1.0) / n).matrix();
  }
  return out;
}

inline Eigen::MatrixXd squared_error_difference(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                                                const Eigen::Ref<const Eigen::MatrixXd>& a,
                                                const Eigen::Ref<const Eigen::MatrixXd>& b, const char* who) {
  require_same_shape(observed, std::string(who) + ": observed", a, "predicted_a");
  require_same_shape(observed, std::string(who) + ": observed", b, "predicted_b");
  require_finite(observed, std::string(who) + ": observed");
  require_finite(a, std::string(who) + ": predicted_a");
  require_finite(b, std::string(who) + ": predicted_b");
  return ((observed - a).array().square() - (observed - b).array().square()).matrix();
}


}  // namespace detail

}  // namespace neuroscore
