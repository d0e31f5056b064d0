// neuroscore/bootstrap.hpp: block bootstrap confidence intervals for any score.
// Entry points: bootstrap_ci(units, score, Seed, options), with resampling units from
// contiguous_blocks(n, BlockLength), group_units(groups) or subject_units(n_subjects);
// crossed_bootstrap_ci(sample units, subjects, score, Seed, options) for subject x block;
// bca_interval(...) is the BCa formula on a given bootstrap distribution; draw_resample(units,
// rng, idx) is the one resample draw they all use.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/bootstrap_options.hpp"
#include "neuroscore/detail/bootstrap.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// Non-overlapping blocks of consecutive samples 0..n-1 (Carlstein 1986). Remainder rule: the
// last block holds the n % L leftover samples when there are any (a shorter unit of its own,
// resampled like the others), so every sample belongs to exactly one unit.
// Errors: block length 0, n < 2 L (fewer than 2 blocks).
inline ResamplingUnits contiguous_blocks(std::size_t n, BlockLength block) {
  if (block.samples == 0) throw std::invalid_argument("contiguous_blocks: block length 0");
  if (n < 2 * block.samples) {
    throw std::invalid_argument("contiguous_blocks: " + std::to_string(n) + " samples hold fewer than 2 blocks of " +
                                std::to_string(block.samples));
  }
  ResamplingUnits out;
  out.kind = UnitKind::contiguous_block;
  for (std::size_t b = 0; b < n; b += block.samples) {
    std::vector<std::size_t> unit;
    for (std::size_t i = b; i < std::min(n, b + block.samples); ++i) unit.push_back(i);
    out.members.push_back(std::move(unit));
  }
  return out;
}

// One unit per distinct label (sentences, passages, stories), in order of first appearance;
// groups[i] is the label of sample i. Errors: fewer than 2 groups.
inline ResamplingUnits group_units(const std::vector<int>& groups) {
  detail::GroupMembers g = detail::members_by_group(groups, detail::iota(groups.size()));
  if (g.labels.size() < 2) {
    throw std::invalid_argument("group_units: needs at least 2 groups, got " + std::to_string(g.labels.size()));
  }
  return ResamplingUnits{std::move(g.members), UnitKind::group};
}

// One unit per subject: index s stands for subject s (the score callable maps it to data).
// Errors: fewer than 2 subjects.
inline ResamplingUnits subject_units(std::size_t n_subjects) {
  if (n_subjects < 2) {
    throw std::invalid_argument("subject_units: needs at least 2 subjects, got " + std::to_string(n_subjects));
  }
  ResamplingUnits out;
  out.kind = UnitKind::subject;
  for (std::size_t s = 0; s < n_subjects; ++s) out.members.push_back({s});
  return out;
}

// The sample indices of one bootstrap resample, into idx (cleared first): as many units as
// `units` holds (K), drawn with replacement, each draw unit uniform_below(rng, K) on the raw
// std::mt19937_64 stream (not std::uniform_int_distribution, whose mapping differs between
// standard libraries: a seed gives the same resample everywhere), the drawn units' members
// concatenated in draw order. Every bootstrap of the library and of `neuroscore score` draws its
// resamples with this function; B resamples are B calls on one rng.
inline void draw_resample(const ResamplingUnits& units, std::mt19937_64& rng, std::vector<std::size_t>& idx) {
  const std::size_t k = units.members.size();
  idx.clear();
  for (std::size_t u = 0; u < k; ++u) {
    const auto& m = units.members[static_cast<std::size_t>(detail::uniform_below(rng, k))];
    idx.insert(idx.end(), m.begin(), m.end());
  }
}

// The q-quantile (0 <= q <= 1) of x sorted ascending, by linear interpolation between order
// statistics (Hyndman & Fan 1996 type 7, numpy.percentile's default): the rule of every percentile
// interval here. x must be non-empty and sorted (not checked).
inline double quantile_sorted(const std::vector<double>& x, double q) {
  const double h = (static_cast<double>(x.size()) - 1.0) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, x.size() - 1);
  return x[lo] + (h - static_cast<double>(lo)) * (x[hi] - x[lo]);
}

// Percentile interval: the (1 - c)/2 and (1 + c)/2 quantiles (type 7) of the bootstrap scores.
struct Interval {
  double lower = 0.0;
  double upper = 0.0;
};

inline Interval percentile_interval(const Eigen::Ref<const Eigen::VectorXd>& distribution, double confidence) {
  detail::check_confidence(confidence);
  if (distribution.size() == 0) throw std::invalid_argument("percentile_interval: empty distribution");
  const std::vector<double> s = detail::sorted_copy(distribution);
  const double alpha = (1.0 - confidence) / 2.0;
  return {quantile_sorted(s, alpha), quantile_sorted(s, 1.0 - alpha)};
}

struct BcaInterval {
  double lower = 0.0;
  double upper = 0.0;
  double bias_correction = 0.0;  // z0
  double acceleration = 0.0;     // a
};

// Bias-corrected and accelerated interval (Efron 1987, "Better bootstrap confidence
// intervals", JASA 82:171-185, eqs. 2.3 and 6.6; Efron & Tibshirani 1993, eqs. 14.9-14.15),
// from the observed score theta, the bootstrap scores theta*_b and the leave-one-unit-out
// jackknife scores theta_(i):
//   z0 = Phi^-1( (#{theta* < theta} + #{theta* <= theta}) / (2B) )   (ties split, as scipy)
//   a  = sum_i (mean_j theta_(j) - theta_(i))^3 / (6 [sum_i (mean_j theta_(j) - theta_(i))^2]^(3/2))
//   alpha_1,2 = Phi( z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)) ), z_alpha = Phi^-1((1 -+ c)/2)
// and the interval is the alpha_1 and alpha_2 quantiles (type 7) of theta*. This is the
// formula of scipy.stats.bootstrap(method='BCa') (scipy 1.10, _bca_interval).
// A bootstrap distribution on one side of theta (z0 infinite) or a zero jackknife spread has
// no BCa interval: the percentile interval is returned with z0 = +-inf or a = 0 recorded.
inline BcaInterval bca_interval(double theta, const Eigen::Ref<const Eigen::VectorXd>& distribution,
                                const Eigen::Ref<const Eigen::VectorXd>& jackknife, double confidence) {
  detail::check_confidence(confidence);
  if (distribution.size() == 0) throw std::invalid_argument("bca_interval: empty distribution");
  if (jackknife.size() < 2) throw std::invalid_argument("bca_interval: fewer than 2 jackknife values");
  const boost::math::normal_distribution<double> normal;
  const auto b = static_cast<double>(distribution.size());
  const double below = static_cast<double>((distribution.array() < theta).count());
  const double at_or_below = static_cast<double>((distribution.array() <= theta).count());
  const double share = (below + at_or_below) / (2.0 * b);
  BcaInterval out;
  const double mean = jackknife.mean();
  const Eigen::ArrayXd d = mean - jackknife.array();
  const double den = d.square().sum();
  out.acceleration = den > 0.0 ? d.cube().sum() / (6.0 * std::pow(den, 1.5)) : 0.0;
  const double alpha = (1.0 - confidence) / 2.0;
  if (share <= 0.0 || share >= 1.0) {
    const Interval p = percentile_interval(distribution, confidence);
    out.lower = p.lower;
    out.upper = p.upper;
    out.bias_correction = (share <= 0.0 ? -1.0 : 1.0) * std::numeric_limits<double>::infinity();
    return out;
  }
  const double z0 = boost::math::quantile(normal, share);
  out.bias_correction = z0;
  const double a = out.acceleration;
  auto adjusted = [&](double z_alpha) {
    const double num = z0 + z_alpha;
    return boost::math::cdf(normal, z0 + num / (1.0 - a * num));
  };
  const double z_lo = boost::math::quantile(normal, alpha);
  const double z_hi = boost::math::quantile(boost::math::complement(normal, alpha));
  const std::vector<double> s = detail::sorted_copy(distribution);
  out.lower = quantile_sorted(s, adjusted(z_lo));
  out.upper = quantile_sorted(s, adjusted(z_hi));
  return out;
}

// Bootstrap confidence interval of score(indices), where `score` is any callable
// double(const std::vector<std::size_t>&) evaluated on sample (or subject) indices. Each
// resample draws as many units as there are, uniformly with replacement (raw
// std::mt19937_64 draws by rejection: the same resamples with every standard library), and
// passes the concatenation of their member indices, in draw order; the observed score gets
// the units in their given order. BCa's acceleration uses the leave-one-unit-out jackknife
// (K more calls of `score`, each without one unit).
// Errors: 0 resamples, a confidence outside (0, 1), fewer than 2 units, a non-finite score.
template <class Score>
BootstrapCi bootstrap_ci(const ResamplingUnits& units, Score&& score, Seed seed,
                         const BootstrapOptions& options = {}) {
  detail::check_confidence(options.confidence);
  if (options.resamples == 0) throw std::invalid_argument("bootstrap_ci: 0 resamples");
  const std::size_t k = units.members.size();
  if (k < 2) throw std::invalid_argument("bootstrap_ci: fewer than 2 resampling units");
  auto checked = [&](const std::vector<std::size_t>& idx, const char* what) {
    const double v = static_cast<double>(score(idx));
    if (!std::isfinite(v)) throw std::invalid_argument(std::string("bootstrap_ci: score is not finite on ") + what);
    return v;
  };
  std::vector<std::size_t> idx;
  for (const auto& u : units.members) idx.insert(idx.end(), u.begin(), u.end());
  BootstrapCi out = detail::start_ci(checked(idx, "the original indices"), units, seed, options);
  std::mt19937_64 rng(seed.value);
  for (std::size_t b = 0; b < options.resamples; ++b) {
    draw_resample(units, rng, idx);
    out.distribution(static_cast<Eigen::Index>(b)) = checked(idx, "a bootstrap resample");
  }
  if (options.method == BootstrapMethod::percentile) {
    const Interval p = percentile_interval(out.distribution, options.confidence);
    out.lower = p.lower;
    out.upper = p.upper;
    return out;
  }
  out.jackknife.resize(static_cast<Eigen::Index>(k));
  for (std::size_t left = 0; left < k; ++left) {
    idx.clear();
    for (std::size_t u = 0; u < k; ++u) {
      if (u != left) idx.insert(idx.end(), units.members[u].begin(), units.members[u].end());
    }
    out.jackknife(static_cast<Eigen::Index>(left)) = checked(idx, "a jackknife subset");
  }
  const BcaInterval bca = bca_interval(out.observed, out.distribution, out.jackknife, options.confidence);
  out.lower = bca.lower;
  out.upper = bca.upper;
  out.bias_correction = bca.bias_correction;
  out.acceleration = bca.acceleration;
  return out;
}

// Subject x block ("crossed") bootstrap for a score that averages over subjects who all heard
// the same stimulus: each resample draws the sample units (blocks, passages) AND the subjects
// with replacement, independently, and calls score(sample_indices, subjects), where `subjects`
// lists the drawn subject indices (repeats allowed). Resampling only blocks treats the subjects
// as fixed and gives an interval for these subjects; resampling only subjects ignores the
// stimulus sample. The crossed draw covers both sources (Owen 2007, "The pigeonhole bootstrap";
// it is conservative by about the interaction variance). Percentile interval only.
// Errors: as bootstrap_ci, fewer than 2 subjects, options.method == bca.
template <class Score>
BootstrapCi crossed_bootstrap_ci(const ResamplingUnits& units, std::size_t n_subjects, Score&& score, Seed seed,
                                 const BootstrapOptions& options = {}) {
  detail::check_confidence(options.confidence);
  if (options.resamples == 0) throw std::invalid_argument("crossed_bootstrap_ci: 0 resamples");
  if (options.method != BootstrapMethod::percentile) {
    throw std::invalid_argument("crossed_bootstrap_ci: only the percentile interval is implemented (BCa's jackknife over two crossed factors is not)");
  }
  const std::size_t k = units.members.size();
  if (k < 2) throw std::invalid_argument("crossed_bootstrap_ci: fewer than 2 resampling units");
  if (n_subjects < 2) {
    throw std::invalid_argument("crossed_bootstrap_ci: needs at least 2 subjects, got " + std::to_string(n_subjects));
  }
  auto checked = [&](const std::vector<std::size_t>& idx, const std::vector<std::size_t>& subjects, const char* what) {
    const double v = static_cast<double>(score(idx, subjects));
    if (!std::isfinite(v)) throw std::invalid_argument(std::string("crossed_bootstrap_ci: score is not finite on ") + what);
    return v;
  };
  std::vector<std::size_t> idx, subjects(n_subjects);
  for (const auto& u : units.members) idx.insert(idx.end(), u.begin(), u.end());
  for (std::size_t s = 0; s < n_subjects; ++s) subjects[s] = s;
  BootstrapCi out = detail::start_ci(checked(idx, subjects, "the original indices"), units, seed, options);
  std::mt19937_64 rng(seed.value);
  for (std::size_t b = 0; b < options.resamples; ++b) {
    draw_resample(units, rng, idx);
    for (std::size_t s = 0; s < n_subjects; ++s) subjects[s] = static_cast<std::size_t>(detail::uniform_below(rng, n_subjects));
    out.distribution(static_cast<Eigen::Index>(b)) = checked(idx, subjects, "a bootstrap resample");
  }
  const Interval p = percentile_interval(out.distribution, options.confidence);
  out.lower = p.lower;
  out.upper = p.upper;
  return out;
}

}  // namespace neuroscore
