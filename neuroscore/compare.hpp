// neuroscore/compare.hpp: paired comparisons of two feature sets, and leaderboard aggregation.
// Entry points: paired_squared_error_test(observed, predicted_a, predicted_b, Seed, options),
// blocked_t_test(...), score_difference_ci(units, score_a, score_b, Seed, options),
// sign_flip_test(differences, Seed, options), comparison_with_the_best(scores, Seed, options),
// aggregate_benchmark_scores(scores, ceilings).
#pragma once

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/detail/compare.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// ---- Blocked paired test on squared errors (Feghhi et al. 2024) ----
//
// Per sample i and target j, d_ij = (y_ij - a_ij)^2 - (y_ij - b_ij)^2: the squared error of
// feature set A minus that of B on the same test sample (Feghhi et al. 2024, "What are large
// language models mapping to in the brain?", methods: comparisons on per-sample squared
// errors rather than on two correlations). The statistic is the mean of d over samples;
// positive means B predicts better. Tail::greater tests "B better than A".
//
// THE TEST WE USE: block sign flips. Under the null that A and B are equally good, the
// difference of their errors is symmetric about 0; consecutive samples share noise, so the
// sign is flipped per block of L consecutive samples, not per sample. The n samples are cut
// into blocks of L; the last block holds the n % L leftover samples and gets its own sign.
// With block sums D (blocks x targets) and a batch of sign vectors S (N x blocks, entries +-1),
// the null is one GEMM: null = S D / n. When 2^blocks <= permutations every sign vector is
// enumerated (exhaustive = true, N = 2^blocks, the identity included, p = #{null >= obs} / N);
// otherwise N random sign vectors and p = (1 + #) / (1 + N).
// blocked_t_test below is the parametric alternative on the same block means.
struct PairedTestOptions {
  BlockLength block{20};
  std::size_t permutations = 10000;
  Tail tail = Tail::greater;
  bool keep_null = false;
};

// Sign-flip test over subjects (or any exchangeable units): `differences` is units x targets
// (e.g. per-subject score of B minus score of A); the statistic is the mean over units. The
// null flips each unit's sign; exact enumeration when 2^units <= permutations (as above).
struct SignFlipOptions {
  std::size_t permutations = 10000;
  Tail tail = Tail::greater;
  bool keep_null = false;
};

// The sums of d's rows over consecutive blocks of `block` samples: blocks x targets, the last block
// holding the remainder (n % block samples, when n is not a multiple). The units of the blocked
// tests below; `who` names the caller in the errors (block length 0, fewer than 2 blocks).
inline Eigen::MatrixXd block_sums(const Eigen::MatrixXd& d, BlockLength block, const char* who = "block_sums") {
  const std::size_t l = block.samples;
  if (l == 0) throw std::invalid_argument(std::string(who) + ": block length 0");
  const auto n = static_cast<std::size_t>(d.rows());
  if (n < 2 * l) {
    throw std::invalid_argument(std::string(who) + ": " + std::to_string(n) + " samples hold fewer than 2 blocks of " +
                                std::to_string(l));
  }
  const std::size_t k = (n + l - 1) / l;
  Eigen::MatrixXd sums(static_cast<Eigen::Index>(k), d.cols());
  for (std::size_t b = 0; b < k; ++b) {
    const std::size_t len = std::min(l, n - b * l);
    sums.row(static_cast<Eigen::Index>(b)) =
        d.middleRows(static_cast<Eigen::Index>(b * l), static_cast<Eigen::Index>(len)).colwise().sum();
  }
  return sums;
}

// One random sign vector of `units` entries, +1 or -1 with probability 1/2 each: the draw of every
// sign-flip test here (one raw 64-bit word of rng per 64 units, the same with every standard
// library). For callers that run a sign-flip null of their own statistic.
inline Eigen::RowVectorXd random_signs(Eigen::Index units, std::mt19937_64& rng) {
  Eigen::MatrixXd signs(1, units);
  detail::fill_signs(signs, 0, 1, false, rng);
  return signs.row(0);
}

// Blocked sign-flip test of the squared-error difference (see the comment above).
// Errors: shape mismatch, non-finite values, block length 0, fewer than 2 blocks, 0 permutations.
inline PermutationTest paired_squared_error_test(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                                                 const Eigen::Ref<const Eigen::MatrixXd>& predicted_a,
                                                 const Eigen::Ref<const Eigen::MatrixXd>& predicted_b, Seed seed,
                                                 const PairedTestOptions& options = {}) {
  const char* who = "paired_squared_error_test";
  const Eigen::MatrixXd d = detail::squared_error_difference(observed, predicted_a, predicted_b, who);
  const Eigen::MatrixXd sums = block_sums(d, options.block, who);
  PermutationTest out = detail::sign_flip_core(sums, static_cast<double>(d.rows()), seed, options.permutations,
                                               options.tail, options.keep_null);
  out.block = options.block;
  return out;
}

// Blocked paired t-test: one-sample t on the K block means of d (blocks as above, the last
// holding the remainder), t = mean / (sd / sqrt(K)) with K - 1 degrees of freedom (Student's t
// via Boost.Math; tails by cdf(complement(...))). Block means are treated as independent,
// which needs blocks longer than the noise's correlation length.
struct BlockedTTest {
  Eigen::VectorXd mean_difference;  // mean over samples of d, per target (positive: B better)
  Eigen::VectorXd t_statistic;      // per target; 0 when all block means are 0, +-inf when equal and non-zero
  Eigen::VectorXd p_value;
  double degrees_of_freedom = 0.0;
  BlockLength block{};
  Tail tail = Tail::greater;
};

inline BlockedTTest blocked_t_test(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                                   const Eigen::Ref<const Eigen::MatrixXd>& predicted_a,
                                   const Eigen::Ref<const Eigen::MatrixXd>& predicted_b, BlockLength block,
                                   Tail tail = Tail::greater) {
  const char* who = "blocked_t_test";
  const Eigen::MatrixXd d = detail::squared_error_difference(observed, predicted_a, predicted_b, who);
  const Eigen::MatrixXd sums = block_sums(d, block, who);
  const Eigen::Index k = sums.rows();
  const auto n = static_cast<std::size_t>(d.rows());
  Eigen::MatrixXd means = sums;
  for (Eigen::Index b = 0; b < k; ++b) {
    means.row(b) /= static_cast<double>(std::min(block.samples, n - static_cast<std::size_t>(b) * block.samples));
  }
  BlockedTTest out;
  out.block = block;
  out.tail = tail;
  out.degrees_of_freedom = static_cast<double>(k - 1);
  out.mean_difference = d.colwise().mean().transpose();
  out.t_statistic.resize(d.cols());
  out.p_value.resize(d.cols());
  const boost::math::students_t_distribution<double> dist(out.degrees_of_freedom);
  for (Eigen::Index j = 0; j < d.cols(); ++j) {
    const double m = means.col(j).mean();
    const double sd = std::sqrt((means.col(j).array() - m).square().sum() / static_cast<double>(k - 1));
    // Equal block means: t is 0 when they are all 0, and +-infinity when every block shows the
    // same non-zero difference (the limit of m / (sd / sqrt(k)) as sd -> 0; p 0 or 1, not 0.5).
    const double inf = std::numeric_limits<double>::infinity();
    const double t = sd > 0.0 ? m / (sd / std::sqrt(static_cast<double>(k))) : m > 0.0 ? inf : m < 0.0 ? -inf : 0.0;
    out.t_statistic(j) = t;  // Boost's t cdf is exactly 0 and 1 at -inf and +inf
    out.p_value(j) = tail == Tail::greater ? boost::math::cdf(boost::math::complement(dist, t))
                     : tail == Tail::less  ? boost::math::cdf(dist, t)
                                           : 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t)));
  }
  return out;
}

// Bootstrap CI of score_b - score_a: both callables see the SAME resampled indices in every
// draw (a paired bootstrap), so what the two feature sets share cancels. See bootstrap_ci for
// units, seeding and methods; `observed` and the distribution are differences B - A.
template <class ScoreA, class ScoreB>
BootstrapCi score_difference_ci(const ResamplingUnits& units, ScoreA&& score_a, ScoreB&& score_b, Seed seed,
                                const BootstrapOptions& options = {}) {
  return bootstrap_ci(
      units, [&](const std::vector<std::size_t>& idx) { return static_cast<double>(score_b(idx)) - static_cast<double>(score_a(idx)); },
      seed, options);
}

// Sign-flip permutation test across subjects (see SignFlipOptions). `differences` is
// subjects x targets. Errors: fewer than 2 subjects, non-finite values, 0 permutations.
inline PermutationTest sign_flip_test(const Eigen::Ref<const Eigen::MatrixXd>& differences, Seed seed,
                                      const SignFlipOptions& options = {}) {
  require_finite(differences, "sign_flip_test: differences");
  PermutationTest out = detail::sign_flip_core(differences, static_cast<double>(differences.rows()), seed,
                                               options.permutations, options.tail, options.keep_null);
  out.block = BlockLength{1};
  return out;
}

// ---- Multiple comparisons with the best ----
//
// Which methods are worse than the best, when "the best" is itself picked on the same data.
// Testing each method against the observed leader, one-sided, ignores that the leader is the
// maximum of many noisy scores (its lead over the others is biased upward) and that there are
// many tests. Instead, for each method i (Hsu 1996, "Multiple Comparisons", ch. 4: comparisons
// with the best), with per-unit scores S (units x methods, higher is better; units are
// subjects, or blocks of samples) and column means m:
//   D_i = max_{j != i} m_j - m_i        (how far the best OTHER method is above i)
// H0_i: method i is (tied for) the best. Under H0_i, D_i <= max_j (d_j - d_i) with
// d = m - mu the sampling errors of the means, so the null is the distribution of those
// errors, estimated by sign flips of each unit's RESIDUALS e_uj = S_uj - (row mean) - m_j
// (Romano & Wolf 2005: a max statistic over centred resampled statistics). Flipping raw
// differences instead is exact only when all methods are equal, and with one far-worse method
// in the set every flipped draw inherits its gap, so no other comparison can reach
// significance (measured: the partial planted design vs the full one, p 0.19-0.28 on 6
// subjects). The p-values must hold for all methods at once (a reader scans the column), so
// each D_i is compared with the null of the largest of them over i, the range of the flipped
// residual means v* = (eps' e) / units:
//   p_i = (1 + #{range(v*) >= D_i}) / (1 + N)     (exhaustive when 2^units <= permutations:
//                                                   p = # / N over every sign vector)
// a single-step max-statistic version of Hsu's comparisons with the best. Resampling-based,
// so calibrated asymptotically in the units (the residuals are scaled by sqrt(k / (k - 1)) so
// the flipped mean has the unbiased variance). Measured in compare_test (12 subjects x 8 equal
// methods, 1,000 data sets): any p <= 0.05 in 6.2% of data sets (the binomial 99.9% bound of a
// 5% test is 7.3%; small-sample: the flip distribution has normal, not t, tails), against 23.6%
// for the worst method by a marginal test (each D_i against its own null) and 63.2% for the
// old uncorrected test of the observed leader against the worst method; one method 1 noise
// sd below the rest is found in 67.4%. The observed leader has D <= 0 and p = 1.
struct BestComparison {
  Eigen::VectorXd mean;         // per method, mean over units
  Eigen::VectorXd gap_to_best;  // D_i
  Eigen::VectorXd p_value;      // per method: p of H0 "i is the best"
  std::size_t permutations = 0; // N (2^units when exhaustive)
  bool exhaustive = false;
  Seed seed;
};

// Errors: fewer than 2 units or 2 methods, non-finite scores, 0 permutations.
inline BestComparison comparison_with_the_best(const Eigen::Ref<const Eigen::MatrixXd>& scores, Seed seed,
                                               const SignFlipOptions& options = {}) {
  require_finite(scores, "comparison_with_the_best: scores");
  const Eigen::Index k = scores.rows(), m = scores.cols();
  if (k < 2) throw std::invalid_argument("comparison_with_the_best: fewer than 2 units");
  if (m < 2) throw std::invalid_argument("comparison_with_the_best: fewer than 2 methods");
  if (options.permutations == 0) throw std::invalid_argument("comparison_with_the_best: 0 permutations");
  const bool exhaustive = k < 63 && (std::uint64_t{1} << k) <= options.permutations;
  const std::size_t big_n = exhaustive ? static_cast<std::size_t>(std::uint64_t{1} << k) : options.permutations;
  // Scores centred per unit (the row mean of every method removed) change no difference
  // S_uj - S_ui; the residuals further remove each method's mean (what is flipped).
  const Eigen::MatrixXd centred = scores.colwise() - scores.rowwise().mean();
  // Scaled by sqrt(k / (k - 1)): the flipped mean's variance is then the unbiased s^2 / k.
  const Eigen::MatrixXd residual =
      (centred.rowwise() - centred.colwise().mean()) * std::sqrt(static_cast<double>(k) / static_cast<double>(k - 1));
  const auto gaps = [m](const Eigen::Ref<const Eigen::RowVectorXd>& v, Eigen::Ref<Eigen::RowVectorXd> d) {
    // max over j != i of v_j: the largest value, or the second largest at the argmax.
    Eigen::Index top = 0;
    for (Eigen::Index j = 1; j < m; ++j) if (v(j) > v(top)) top = j;
    double second = -std::numeric_limits<double>::infinity();
    for (Eigen::Index j = 0; j < m; ++j) if (j != top) second = std::max(second, v(j));
    for (Eigen::Index i = 0; i < m; ++i) d(i) = (i == top ? second : v(top)) - v(i);
  };
  BestComparison out;
  out.seed = seed;
  out.permutations = big_n;
  out.exhaustive = exhaustive;
  out.mean = scores.colwise().mean().transpose();
  Eigen::RowVectorXd observed(m);
  gaps(centred.colwise().mean(), observed);
  out.gap_to_best = observed.transpose();
  // A tolerance for ties (a gap equal to a null range counts as at least as extreme).
  const double tol = 1e-12 * (1.0 + centred.cwiseAbs().maxCoeff());
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> exceed = Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1>::Zero(m);
  std::mt19937_64 rng(seed.value);
  const Eigen::Index pb = std::min<Eigen::Index>(static_cast<Eigen::Index>(big_n), detail::kPermutationBatch);
  Eigen::MatrixXd signs(pb, k), v(pb, m);
  for (Eigen::Index b0 = 0; b0 < static_cast<Eigen::Index>(big_n); b0 += pb) {
    const Eigen::Index nb = std::min(pb, static_cast<Eigen::Index>(big_n) - b0);
    detail::fill_signs(signs, b0, nb, exhaustive, rng);
    v.topRows(nb).noalias() = signs.topRows(nb) * residual / static_cast<double>(k);
    for (Eigen::Index b = 0; b < nb; ++b) {
      const double range = v.row(b).maxCoeff() - v.row(b).minCoeff();
      for (Eigen::Index i = 0; i < m; ++i) exceed(i) += range >= observed(i) - tol;
    }
  }
  const double n = static_cast<double>(big_n);
  // The observed configuration is not one of the flipped residual draws: (1 + #) / (1 + N) always.
  out.p_value = ((exceed.cast<double>().array() + 1.0) / (n + 1.0)).matrix();
  return out;
}

// ---- Leaderboard aggregation (Brain-Score) ----
//
// Brain-Score's overall score of a model (Schrimpf et al. 2018/2020, brain-score.org: each
// benchmark's raw score is divided by that benchmark's noise ceiling, and the model's score is
// the unweighted mean over benchmarks of these ceiling-normalized scores). We keep both
// conventions visible: `normalized` is score / ceiling unclipped (it may exceed 1 when the
// ceiling is underestimated, or be negative), `normalized_clipped` is clipped to [0, 1];
// `mean` averages the unclipped values, `mean_clipped` the clipped ones. Every benchmark
// counts once whatever its number of targets.
struct AggregateScore {
  Eigen::VectorXd normalized;          // score / ceiling, per benchmark
  Eigen::VectorXd normalized_clipped;  // clipped to [0, 1]
  double mean = 0.0;                   // unweighted mean of `normalized`
  double mean_clipped = 0.0;           // unweighted mean of `normalized_clipped`
};

// Errors: no benchmarks, different lengths, a non-finite score or ceiling, a ceiling <= 0.
inline AggregateScore aggregate_benchmark_scores(const Eigen::Ref<const Eigen::VectorXd>& scores,
                                                 const Eigen::Ref<const Eigen::VectorXd>& ceilings) {
  if (scores.size() == 0) throw std::invalid_argument("aggregate_benchmark_scores: no benchmarks");
  if (scores.size() != ceilings.size()) {
    throw std::invalid_argument("aggregate_benchmark_scores: " + std::to_string(scores.size()) + " scores but " +
                                std::to_string(ceilings.size()) + " ceilings");
  }
  require_finite(scores, "aggregate_benchmark_scores: scores");
  require_finite(ceilings, "aggregate_benchmark_scores: ceilings");
  for (Eigen::Index i = 0; i < ceilings.size(); ++i) {
    if (!(ceilings(i) > 0.0)) {
      throw std::invalid_argument("aggregate_benchmark_scores: ceiling " + std::to_string(ceilings(i)) +
                                  " of benchmark " + std::to_string(i) + " is not positive");
    }
  }
  AggregateScore out;
  out.normalized = scores.cwiseQuotient(ceilings);
  out.normalized_clipped = out.normalized.cwiseMax(0.0).cwiseMin(1.0);
  out.mean = out.normalized.mean();
  out.mean_clipped = out.normalized_clipped.mean();
  return out;
}

}  // namespace neuroscore
