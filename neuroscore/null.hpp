// neuroscore/null.hpp: permutation nulls of fixed predictions, and the family-wise p-values of
// their maxima. Entry points: block_permutation_test(observed, predicted, Seed, options),
// circular_shift_test(...), permutation_p_value(observed, null, Tail), fwe_p_values(observed,
// null_max, Tail). The refit null is in refit_null.hpp, FDR in fdr.hpp.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Which side of the null counts as "at least as extreme" as the observed statistic s:
//   greater:   #{null >= s}        (a score larger than chance: the brain-score default)
//   less:      #{null <= s}
//   two_sided: #{|null| >= |s|}    (for statistics centred on 0 under the null, as r is)
enum class Tail { greater, less, two_sided };

// Which null produced a PermutationTest.
enum class NullMethod { block_permutation, circular_shift, refit_block_permutation, sign_flip };

// How block_permutation_test computes the permuted correlations (both give the same values
// to rounding; automatic picks by a cost model, see detail::use_block_gemm).
enum class NullKernel { automatic, block_gemm, direct };

// A permutation test of one statistic per target.
struct PermutationTest {
  Eigen::VectorXd observed;  // per target (Pearson r, or mean over folds of per-fold r for the refit null)
  Eigen::VectorXd p_value;   // (1 + #{null at least as extreme}) / (1 + N), per target
  // Family-wise error corrected p per target by the max statistic over targets (Westfall &
  // Young 1993, single-step maxT; Nichols & Holmes 2002, eq. 4):
  //   p_fwe_j = (1 + #{b : max_k t(null_bk) >= t(observed_j)}) / (1 + N),
  // with t = identity (greater), negation (less) or absolute value (two_sided).
  Eigen::VectorXd p_fwe;
  Eigen::MatrixXd null;      // N x targets; empty (0 x targets) unless options.keep_null
  Eigen::VectorXd null_max;  // per null draw: max over targets of t(null_bk)
  Seed seed;                 // the seed every null draw came from
  std::size_t permutations = 0;  // N, the number of null draws
  Tail tail = Tail::greater;
  NullMethod method = NullMethod::block_permutation;
  BlockLength block{};           // block length (block nulls); min shift (circular shift)
  bool exhaustive = false;       // every admissible null draw was enumerated once (circular shift)
  std::vector<bool> degenerate;  // constant observed or predicted column: observed 0, p 1
};

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

// p-value of one observed statistic against its null draws (Phipson & Smyth 2010: the +1 in
// numerator and denominator counts the observed arrangement, so p is never 0 and the test
// is exact for random permutations drawn with replacement):
//   p = (1 + #{null at least as extreme as observed, see Tail}) / (1 + N).
inline double permutation_p_value(double observed, const Eigen::Ref<const Eigen::VectorXd>& null,
                                  Tail tail) {
  if (null.size() == 0) throw std::invalid_argument("permutation_p_value: empty null");
  const double s = detail::tail_transform(observed, tail);
  Eigen::Index count = 0;
  for (Eigen::Index b = 0; b < null.size(); ++b) count += detail::tail_transform(null(b), tail) >= s;
  return (1.0 + static_cast<double>(count)) / (1.0 + static_cast<double>(null.size()));
}

// Family-wise error corrected p per target from the per-draw maxima of a null (Westfall & Young
// 1993, single-step maxT; Nichols & Holmes 2002, eq. 4):
//   p_fwe_j = (1 + #{b : null_max_b >= t(observed_j)}) / (1 + N),   N = null_max.size(),
// with t the Tail's transform (identity, negation, absolute value) applied to observed, and
// null_max_b = max over targets of t(null_bk), as PermutationTest::null_max holds it. Maxima
// computed in parts (blocks of targets, MPI ranks) are combined by an element-wise maximum
// first; this is then the p_fwe of one pass. Every null of null.hpp and compare.hpp and
// `neuroscore score` compute p_fwe here. Errors: empty null_max.
inline Eigen::VectorXd fwe_p_values(const Eigen::Ref<const Eigen::VectorXd>& observed,
                                    const Eigen::Ref<const Eigen::VectorXd>& null_max, Tail tail) {
  if (null_max.size() == 0) throw std::invalid_argument("fwe_p_values: empty null_max (0 null draws)");
  const auto n = static_cast<double>(null_max.size());
  std::vector<double> sorted(null_max.data(), null_max.data() + null_max.size());
  std::sort(sorted.begin(), sorted.end());
  Eigen::VectorXd p_fwe(observed.size());
  for (Eigen::Index j = 0; j < observed.size(); ++j) {
    const double s = detail::tail_transform(observed(j), tail);
    const auto below = std::lower_bound(sorted.begin(), sorted.end(), s) - sorted.begin();
    p_fwe(j) = (1.0 + static_cast<double>(sorted.size() - static_cast<std::size_t>(below))) / (n + 1.0);
  }
  return p_fwe;
}

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

namespace detail {

// Accumulates one batch of null values into the result: counts for p, max for p_fwe.
struct NullAccumulator {
  Tail tail;
  Eigen::VectorXd observed_t;                // t(observed), per target
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> exceed;  // per target
  Eigen::VectorXd null_max;                  // per draw

  NullAccumulator(const Eigen::VectorXd& observed, std::size_t draws, Tail t)
      : tail(t), observed_t(observed.size()), exceed(observed.size()),
        null_max(Eigen::VectorXd::Constant(static_cast<Eigen::Index>(draws),
                                           -std::numeric_limits<double>::infinity())) {
    for (Eigen::Index j = 0; j < observed.size(); ++j) observed_t(j) = tail_transform(observed(j), tail);
    exceed.setZero();
  }

  // values: draws [b0, b0 + rows) x targets [col0, col0 + cols)
  void add(const Eigen::Ref<const Eigen::MatrixXd>& values, Eigen::Index b0, Eigen::Index col0) {
    for (Eigen::Index j = 0; j < values.cols(); ++j) {
      const double s = observed_t(col0 + j);
      std::int64_t count = 0;
      for (Eigen::Index b = 0; b < values.rows(); ++b) {
        const double v = tail_transform(values(b, j), tail);
        count += v >= s;
        if (v > null_max(b0 + b)) null_max(b0 + b) = v;
      }
      exceed(col0 + j) += count;
    }
  }

  void finish(PermutationTest& out) const {
    const auto n = static_cast<double>(null_max.size());
    out.p_value = ((exceed.cast<double>().array() + 1.0) / (n + 1.0)).matrix();
    // observed_t is t(observed) already: Tail::greater's identity transform leaves it as it is.
    out.p_fwe = fwe_p_values(observed_t, null_max, Tail::greater);
    out.null_max = null_max;
  }
};

// z-scores of columns [col0, col0 + w) of m with population standard deviation (1/n), so
// that Pearson r = z_y . z_p / n exactly; a constant column becomes 0 and is flagged.
inline void standardize_columns(const Eigen::Ref<const Eigen::MatrixXd>& m, Eigen::Index col0,
                                Eigen::Index w, Eigen::MatrixXd& z, std::vector<bool>& constant) {
  const Eigen::Index n = m.rows();
  z.resize(n, w);
  for (Eigen::Index c = 0; c < w; ++c) {
    const auto col = m.col(col0 + c);
    const double mean = col.mean();
    z.col(c) = col.array() - mean;
    const double ss = z.col(c).squaredNorm();
    if (is_constant_column(ss, col.cwiseAbs().maxCoeff(), n)) {
      z.col(c).setZero();
      constant[static_cast<std::size_t>(col0 + c)] = true;
    } else {
      z.col(c) *= std::sqrt(static_cast<double>(n) / ss);
    }
  }
}

// Cost model: the block GEMM does 2 N m^2 flops per target at GEMM speed plus 2 n m to form
// the cross-products; the direct kernel 2 N n flops per target at about a third of it
// (one load per multiply-add). Block GEMM wins when m^2 < 3 n, i.e. blocks of L > sqrt(n / 3).
inline bool use_block_gemm(Eigen::Index n, std::size_t block, NullKernel kernel) {
  if (kernel != NullKernel::automatic) return kernel == NullKernel::block_gemm;
  const auto m = static_cast<double>(static_cast<std::size_t>(n) / block);
  return m * m < 3.0 * static_cast<double>(n);
}

// Permuted correlations by the direct kernel, for any list of index permutations:
//   r(b, j) = (1/n) sum_i zp(i, j) zy(perm_b(i), j).
// Row-major copies of a target batch make each term a contiguous, vectorized run over targets.
inline void permuted_r_direct(const Eigen::MatrixXd& zy, const Eigen::MatrixXd& zp,
                              const std::vector<std::vector<std::size_t>>& perms,
                              Eigen::Ref<Eigen::MatrixXd> out) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::Index n = zy.rows();
  const Eigen::Index w = zy.cols();
  const double inv_n = 1.0 / static_cast<double>(n);
  // Chunks of 32 targets: both row-major panels (2 x n x 32 doubles, 300 KB at n = 600) stay
  // in cache while every permutation streams over them.
  constexpr Eigen::Index kChunk = 32;
  RowMajor y, p;
  double acc[kChunk];
  for (Eigen::Index c0 = 0; c0 < w; c0 += kChunk) {
    const Eigen::Index cw = std::min(kChunk, w - c0);
    y = zy.middleCols(c0, cw);
    p = zp.middleCols(c0, cw);
    for (std::size_t b = 0; b < perms.size(); ++b) {
      std::fill(acc, acc + kChunk, 0.0);
      const std::size_t* perm = perms[b].data();
      for (Eigen::Index i = 0; i < n; ++i) {
        const double* pr = p.data() + i * cw;
        const double* yr = y.data() + static_cast<Eigen::Index>(perm[i]) * cw;
        for (Eigen::Index c = 0; c < cw; ++c) acc[c] += pr[c] * yr[c];
      }
      for (Eigen::Index c = 0; c < cw; ++c) out(static_cast<Eigen::Index>(b), c0 + c) = acc[c] * inv_n;
    }
  }
}

// Observed Pearson r of every target, in column batches of `width`, into out.observed, and
// out.degenerate where the observed or predicted column is constant (r = 0 there).
inline void observed_r(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                       const Eigen::Ref<const Eigen::MatrixXd>& predicted, Eigen::Index width,
                       Eigen::MatrixXd& zy, Eigen::MatrixXd& zp, std::vector<bool>& flag_y,
                       std::vector<bool>& flag_p, PermutationTest& out) {
  const Eigen::Index n = observed.rows();
  const Eigen::Index t = observed.cols();
  for (Eigen::Index c0 = 0; c0 < t; c0 += width) {
    const Eigen::Index w = std::min(width, t - c0);
    standardize_columns(observed, c0, w, zy, flag_y);
    standardize_columns(predicted, c0, w, zp, flag_p);
    out.observed.segment(c0, w) = (zy.cwiseProduct(zp).colwise().sum() / static_cast<double>(n)).transpose();
  }
  for (Eigen::Index j = 0; j < t; ++j) {
    out.degenerate[static_cast<std::size_t>(j)] = flag_y[static_cast<std::size_t>(j)] || flag_p[static_cast<std::size_t>(j)];
  }
}

inline Eigen::Index batch_width(std::size_t bytes_per_target, std::size_t budget, Eigen::Index t) {
  const auto w = static_cast<Eigen::Index>(budget / std::max<std::size_t>(bytes_per_target, 1));
  return std::max<Eigen::Index>(1, std::min(w, std::max<Eigen::Index>(t, 1)));
}

inline void check_pair(const char* who, const Eigen::Ref<const Eigen::MatrixXd>& observed,
                       const Eigen::Ref<const Eigen::MatrixXd>& predicted) {
  require_same_shape(observed, std::string(who) + ": observed", predicted, "predicted");
  require_finite(observed, std::string(who) + ": observed");
  require_finite(predicted, std::string(who) + ": predicted");
}

// Permutations per GEMM batch of the block kernel.
constexpr Eigen::Index kPermutationBatch = 256;

}  // namespace detail

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
