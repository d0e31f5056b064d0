// neuroscore/null.hpp: permutation nulls of fixed predictions, and the family-wise p-values of
// their maxima. Entry points: block_permutation_test(observed, predicted, Seed, options),
// circular_shift_test(...), permutation_p_value(observed, null, Tail), fwe_p_values(observed,
// null_max, Tail). The refit null is in refit_null.hpp, FDR in fdr.hpp.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstddef>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/null.hpp"
#include "neuroscore/detail/tail.hpp"
#include "neuroscore/permutation_test.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"
#include "neuroscore/tail.hpp"

namespace neuroscore {

// One block permutation of n samples: entry i is the sample whose target goes to position i.
// The n samples are cut into m = n / L consecutive blocks of L; the m full blocks are shuffled
// (Fisher-Yates on std::mt19937_64, raw draws) and keep their inner order. Remainder rule: the
// last partial block (n % L samples) STAYS IN PLACE in every permutation: moving a shorter
// block would shift every block behind it off the block grid. The permutations are then a
// group (all orders of the full blocks), so the test stays exact under block exchangeability;
// the fixed tail contributes the same term to the observed and every null value.
inline std::vector<std::size_t> block_permutation(std::size_t n, BlockLength block,
                                                  std::mt19937_64& rng) {
  if (block.samples == 0) throw std::invalid_argument("block_permutation: block length 0");
  const std::size_t m = n / block.samples;
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), std::size_t{0});
  shuffle_indices(order, rng);
  std::vector<std::size_t> out(n);
  for (std::size_t a = 0; a < m; ++a) {
    for (std::size_t t = 0; t < block.samples; ++t) out[a * block.samples + t] = order[a] * block.samples + t;
  }
  for (std::size_t i = m * block.samples; i < n; ++i) out[i] = i;
  return out;
}

struct BlockPermutationOptions {
  BlockLength block{20};
  std::size_t permutations = 1000;
  Tail tail = Tail::greater;
  bool keep_null = true;  // store the N x targets null (W4: 1,000 x 20,000 doubles = 160 MB)
  NullKernel kernel = NullKernel::automatic;
  // Byte budget of the per-target-batch buffers (standardized columns, block cross-products,
  // permuted correlations). Default 256 MiB.
  std::size_t max_batch_bytes = std::size_t{256} << 20;
};

struct CircularShiftOptions {
  // Shifts s are drawn uniformly from [min_shift, n - min_shift]: a shift near 0 or n keeps the
  // series nearly aligned (autocorrelation). Default: 20 samples.
  BlockLength min_shift{20};
  // When permutations >= the number of admissible shifts, every shift is used once
  // (exhaustive = true) and N is that number.
  std::size_t permutations = 1000;
  Tail tail = Tail::greater;
  bool keep_null = true;
  std::size_t max_batch_bytes = std::size_t{256} << 20;
};

// Block permutation null of Pearson r between fixed predictions and test targets (the
// targets' rows are block-permuted, see block_permutation for the blocks and the remainder
// rule). Both matrices are samples x targets; column j of `predicted` predicts column j.
//
// Kernel (NullKernel::block_gemm). With z-scored columns (population sd), r = z_y . z_p / n and
// permuting rows changes neither mean nor sd. Cut each column into m blocks of L; the block
// cross-products C_j(a, c) = sum_t z_p(aL + t, j) z_y(cL + t, j) (one m x L by L x m product per
// target) turn every block permutation sigma into a sum of m entries:
//   r_j(sigma) = (sum_a C_j(a, sigma(a)) + tail_j) / n,
// and a batch of permutations into one GEMM: R (N x T) = S (N x m^2) C (m^2 x T) / n, where row b
// of S is the flattened permutation matrix of sigma_b, and tail_j is the fixed partial block.
// NullKernel::direct sums z_p(i) z_y(perm(i)) over samples (any permutation; used for L small).
//
// Errors: shape mismatch, non-finite values, 0 permutations, block length 0, fewer than 2 blocks.
inline PermutationTest block_permutation_test(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                                              const Eigen::Ref<const Eigen::MatrixXd>& predicted,
                                              Seed seed, const BlockPermutationOptions& options = {}) {
  detail::check_pair("block_permutation_test", observed, predicted);
  const Eigen::Index n = observed.rows();
  const Eigen::Index t = observed.cols();
  const std::size_t big_n = options.permutations;
  const std::size_t l = options.block.samples;
  detail::check_permutation_args("block_permutation_test", n, l, big_n);
  const auto m = static_cast<Eigen::Index>(static_cast<std::size_t>(n) / l);
  const auto li = static_cast<Eigen::Index>(l);
  const Eigen::Index tail0 = m * li;
  const bool gemm = detail::use_block_gemm(n, l, options.kernel);

  // Every block order first (the same draws for both kernels), so results do not depend on
  // the batching.
  std::mt19937_64 rng(seed.value);
  std::vector<std::vector<std::size_t>> orders(big_n);
  for (auto& o : orders) {
    o.resize(static_cast<std::size_t>(m));
    std::iota(o.begin(), o.end(), std::size_t{0});
    shuffle_indices(o, rng);
  }

  PermutationTest out;
  out.seed = seed;
  out.permutations = big_n;
  out.tail = options.tail;
  out.method = NullMethod::block_permutation;
  out.block = options.block;
  out.degenerate.assign(static_cast<std::size_t>(t), false);
  out.observed = Eigen::VectorXd::Zero(t);
  if (options.keep_null) out.null.resize(static_cast<Eigen::Index>(big_n), t);
  else out.null.resize(0, t);

  // Observed r first (needed by the accumulator); standardized per batch again below.
  std::vector<bool> flag_y(static_cast<std::size_t>(t), false), flag_p(static_cast<std::size_t>(t), false);
  const std::size_t bytes_per_target =
      sizeof(double) * static_cast<std::size_t>(4 * n + (gemm ? m * m : 0) +
                                                std::min<Eigen::Index>(static_cast<Eigen::Index>(big_n),
                                                                       detail::kPermutationBatch));
  const Eigen::Index width = detail::batch_width(bytes_per_target, options.max_batch_bytes, t);
  Eigen::MatrixXd zy, zp;
  detail::observed_r(observed, predicted, width, zy, zp, flag_y, flag_p, out);

  detail::NullAccumulator acc(out.observed, big_n, options.tail);
  const Eigen::Index pb = std::min<Eigen::Index>(static_cast<Eigen::Index>(big_n), detail::kPermutationBatch);
  Eigen::MatrixXd cross, s(pb, m * m), r(pb, width);
  Eigen::RowVectorXd tail_term;
  std::vector<std::vector<std::size_t>> perms;
  for (Eigen::Index c0 = 0; c0 < t; c0 += width) {
    const Eigen::Index w = std::min(width, t - c0);
    detail::standardize_columns(observed, c0, w, zy, flag_y);
    detail::standardize_columns(predicted, c0, w, zp, flag_p);
    if (gemm) {
      cross.resize(m * m, w);
      for (Eigen::Index j = 0; j < w; ++j) {
        const Eigen::Map<const Eigen::MatrixXd> a(zp.col(j).data(), li, m);
        const Eigen::Map<const Eigen::MatrixXd> y(zy.col(j).data(), li, m);
        Eigen::Map<Eigen::MatrixXd> cj(cross.col(j).data(), m, m);
        cj.noalias() = a.transpose() * y;
      }
      tail_term = (zy.bottomRows(n - tail0).cwiseProduct(zp.bottomRows(n - tail0))).colwise().sum();
    }
    for (Eigen::Index b0 = 0; b0 < static_cast<Eigen::Index>(big_n); b0 += pb) {
      const Eigen::Index nb = std::min(pb, static_cast<Eigen::Index>(big_n) - b0);
      auto rb = r.topLeftCorner(nb, w);
      if (gemm) {
        s.setZero();
        for (Eigen::Index b = 0; b < nb; ++b) {
          const auto& o = orders[static_cast<std::size_t>(b0 + b)];
          for (Eigen::Index a = 0; a < m; ++a) s(b, a + m * static_cast<Eigen::Index>(o[static_cast<std::size_t>(a)])) = 1.0;
        }
        rb.noalias() = s.topRows(nb) * cross;
        rb.rowwise() += tail_term;
        rb /= static_cast<double>(n);
      } else {
        perms.resize(static_cast<std::size_t>(nb));
        for (Eigen::Index b = 0; b < nb; ++b) {
          auto& p = perms[static_cast<std::size_t>(b)];
          p.resize(static_cast<std::size_t>(n));
          const auto& o = orders[static_cast<std::size_t>(b0 + b)];
          for (Eigen::Index a = 0; a < m; ++a) {
            for (Eigen::Index u = 0; u < li; ++u) {
              p[static_cast<std::size_t>(a * li + u)] = o[static_cast<std::size_t>(a)] * l + static_cast<std::size_t>(u);
            }
          }
          for (Eigen::Index i = tail0; i < n; ++i) p[static_cast<std::size_t>(i)] = static_cast<std::size_t>(i);
        }
        detail::permuted_r_direct(zy, zp, perms, rb);
      }
      acc.add(rb, b0, c0);
      if (options.keep_null) out.null.block(b0, c0, nb, w) = rb;
    }
  }
  acc.finish(out);
  return out;
}

// Circular-shift null of Pearson r: the targets are rotated by s samples,
//   r_j(s) = (1/n) sum_i z_p(i, j) z_y((i + s) mod n, j),
// which keeps all autocorrelation of both series except at the one seam. Shifts are drawn
// uniformly (with replacement) from [min_shift, n - min_shift], or all enumerated once when
// options.permutations is at least their number (then exhaustive = true and N = that number).
// Errors: shape mismatch, non-finite values, 0 permutations, no admissible shift.
inline PermutationTest circular_shift_test(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                                           const Eigen::Ref<const Eigen::MatrixXd>& predicted,
                                           Seed seed, const CircularShiftOptions& options = {}) {
  detail::check_pair("circular_shift_test", observed, predicted);
  const Eigen::Index n = observed.rows();
  const Eigen::Index t = observed.cols();
  if (options.permutations == 0) throw std::invalid_argument("circular_shift_test: 0 permutations");
  const std::size_t lo = std::max<std::size_t>(1, options.min_shift.samples);
  const auto nn = static_cast<std::size_t>(n);
  if (nn < 2 || lo > nn - lo) {
    throw std::invalid_argument("circular_shift_test: no shift in [" + std::to_string(lo) + ", " +
                                std::to_string(nn >= lo ? nn - lo : 0) + "] for " + std::to_string(n) +
                                " samples");
  }
  const std::size_t admissible = nn - 2 * lo + 1;
  std::vector<std::size_t> shifts;
  PermutationTest out;
  if (options.permutations >= admissible) {
    for (std::size_t s = lo; s <= nn - lo; ++s) shifts.push_back(s);
    out.exhaustive = true;
  } else {
    std::mt19937_64 rng(seed.value);
    for (std::size_t b = 0; b < options.permutations; ++b) {
      shifts.push_back(lo + static_cast<std::size_t>(detail::uniform_below(rng, admissible)));
    }
  }
  const std::size_t big_n = shifts.size();
  out.seed = seed;
  out.permutations = big_n;
  out.tail = options.tail;
  out.method = NullMethod::circular_shift;
  out.block = options.min_shift;
  out.degenerate.assign(static_cast<std::size_t>(t), false);
  out.observed = Eigen::VectorXd::Zero(t);
  if (options.keep_null) out.null.resize(static_cast<Eigen::Index>(big_n), t);
  else out.null.resize(0, t);

  std::vector<bool> flag_y(static_cast<std::size_t>(t), false), flag_p(static_cast<std::size_t>(t), false);
  const std::size_t bytes_per_target = sizeof(double) * static_cast<std::size_t>(4 * n + 2 * detail::kPermutationBatch);
  const Eigen::Index width = detail::batch_width(bytes_per_target, options.max_batch_bytes, t);
  Eigen::MatrixXd zy, zp;
  detail::observed_r(observed, predicted, width, zy, zp, flag_y, flag_p, out);
  detail::NullAccumulator acc(out.observed, big_n, options.tail);
  const Eigen::Index pb = std::min<Eigen::Index>(static_cast<Eigen::Index>(big_n), detail::kPermutationBatch);
  Eigen::MatrixXd r(pb, width);
  std::vector<std::vector<std::size_t>> perms;
  for (Eigen::Index c0 = 0; c0 < t; c0 += width) {
    const Eigen::Index w = std::min(width, t - c0);
    detail::standardize_columns(observed, c0, w, zy, flag_y);
    detail::standardize_columns(predicted, c0, w, zp, flag_p);
    for (Eigen::Index b0 = 0; b0 < static_cast<Eigen::Index>(big_n); b0 += pb) {
      const Eigen::Index nb = std::min(pb, static_cast<Eigen::Index>(big_n) - b0);
      perms.resize(static_cast<std::size_t>(nb));
      for (Eigen::Index b = 0; b < nb; ++b) {
        auto& p = perms[static_cast<std::size_t>(b)];
        p.resize(nn);
        const std::size_t s = shifts[static_cast<std::size_t>(b0 + b)];
        for (std::size_t i = 0; i < nn; ++i) p[i] = (i + s) % nn;
      }
      auto rb = r.topLeftCorner(nb, w);
      detail::permuted_r_direct(zy, zp, perms, rb);
      acc.add(rb, b0, c0);
      if (options.keep_null) out.null.block(b0, c0, nb, w) = rb;
    }
  }
  acc.finish(out);
  return out;
}

}  // namespace neuroscore
