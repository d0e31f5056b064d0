// neuroscore/permutation_test.hpp: the result of every permutation null (PermutationTest) and its
// p-values: permutation_p_value(observed, null, Tail), fwe_p_values(observed, null_max, Tail). null.hpp includes it.
#pragma once

#include <Eigen/Dense>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <vector>

#include "neuroscore/detail/tail.hpp"
#include "neuroscore/split_types.hpp"
#include "neuroscore/tail.hpp"

namespace neuroscore {

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

}  // namespace neuroscore
