// neuroscore/detail/null.hpp (private): the kernels of null.hpp's permutation nulls, also used by
// compare.hpp and refit_null.hpp. Entry points: detail::NullAccumulator, standardize_columns, permuted_r_direct,
// observed_r, kPermutationBatch.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/tail.hpp"
#include "neuroscore/permutation_test.hpp"
#include "neuroscore/score.hpp"

namespace neuroscore {

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

}  // namespace neuroscore
