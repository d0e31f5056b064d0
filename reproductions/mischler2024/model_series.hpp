// reproductions/mischler2024/model_series.hpp: Mischler et al. 2024's across-model analysis: the
// honest brain score and peak depth of each model in a series (layer chosen by inner CV), and the
// rank correlation of a per-model quantity with model quality (exact permutation p over models,
// listener-bootstrap CI). Entry points: model_alignment, rank_claim.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/hierarchy.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"

namespace neuroscore::reproductions::mischler {

// One model's alignment with every listener. The layer is chosen per (listener, ROI, outer
// fold) by select_peak_layer: inner contiguous folds of the outer training set only, so
// `score` is not inflated by picking the best layer on the test data (Mischler et al. pick the
// layer on the test correlations; we do not).
struct ModelAlignment {
  Eigen::VectorXd score;  // per listener: mean over ROIs of the chosen layer's outer-fold Pearson r
  Eigen::VectorXd depth;  // per listener: mean over ROIs of the chosen layer's normalized depth (0 first, 1 last)
  Eigen::Index layers = 0;
};

// `layers`: one volumes x features design per layer (already resampled and FIR-delayed);
// `responses`: volumes x (listeners * rois), listener-major (as alice_encoding_scores builds it).
// Errors: a response width that is not listeners * rois, plus select_peak_layer's errors.
inline ModelAlignment model_alignment(const std::vector<Eigen::MatrixXd>& layers,
                                      const Eigen::Ref<const Eigen::MatrixXd>& responses, Eigen::Index listeners,
                                      Eigen::Index rois, const std::vector<Fold>& outer_folds,
                                      const PeakLayerOptions& options) {
  if (listeners < 1 || rois < 1 || responses.cols() != listeners * rois) {
    throw std::invalid_argument("model_alignment: responses have " + std::to_string(responses.cols()) +
                                " columns, not listeners (" + std::to_string(listeners) + ") x ROIs (" +
                                std::to_string(rois) + ")");
  }
  const PeakLayerResult peak = select_peak_layer(layers, responses, outer_folds, options);
  ModelAlignment out;
  out.layers = peak.layers;
  out.score.resize(listeners);
  out.depth.resize(listeners);
  for (Eigen::Index s = 0; s < listeners; ++s) {
    out.score(s) = peak.mean_outer_score.segment(s * rois, rois).mean();
    out.depth(s) = peak.normalized_depth.segment(s * rois, rois).mean();
  }
  return out;
}

// The sign the paper predicts for rho(quality, quantity).
enum class Direction { positive, negative };

struct RankClaimOptions {
  std::size_t resamples = 2000;  // listener bootstrap draws
  double alpha = 0.05;           // one-sided level of the exact permutation test
  Seed seed{0};
};

// Spearman rho between model quality and the listener-mean of a per-model quantity.
struct RankClaim {
  double rho = 0.0;          // spearman(quality, mean over listeners), 0 if the means are all equal
  double ci_low = 0.0;       // 95% percentile CI over listener resamples (means re-ranked in each)
  double ci_high = 0.0;
  double p = 1.0;            // exact one-sided permutation p in the predicted direction
  double p_opposite = 1.0;   // exact one-sided p in the opposite direction
  std::size_t permutations = 0;  // models! (every ordering enumerated)
  Eigen::VectorXd model_mean;    // per model, mean over listeners
  Verdict verdict = Verdict::not_replicated;
};

namespace detail {

// Spearman rho with the convention rho = 0 when either vector is constant (no ranking, no
// association), so a resample where every model ties is counted, not dropped.
inline double rho_or_zero(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
  const double r = spearman_rho(a, b);
  return std::isnan(r) ? 0.0 : r;
}

}  // namespace detail

// quality(m): model m's quality (higher = better: -log perplexity, context length);
// per_listener: models x listeners. Statistic: rho = spearman(quality, per-model listener mean).
// p: every ordering of the models is enumerated (models! <= 9! orderings) and
//   p = #{orderings with rho_perm >= rho} / models!   (predicted positive; <= for negative),
// which is exact under exchangeability of models and can be no smaller than 1 / models!.
// CI: listeners resampled with replacement (bootstrap_ci, subject units, percentile), each
// resample's model means re-ranked. Verdict: replicated when the signed rho is > 0, p < alpha
// and the CI excludes 0 on the predicted side; reversed when the same holds for the opposite
// direction; otherwise not_replicated.
// Errors: fewer than 3 or more than 9 models, mismatched sizes, fewer than 2 listeners.
inline RankClaim rank_claim(const Eigen::Ref<const Eigen::VectorXd>& quality,
                            const Eigen::Ref<const Eigen::MatrixXd>& per_listener, Direction direction,
                            const RankClaimOptions& options = {}) {
  const Eigen::Index m = quality.size();
  if (m < 3 || m > 9 || per_listener.rows() != m || per_listener.cols() < 2) {
    throw std::invalid_argument("rank_claim: needs 3..9 models with a quality each and >= 2 listeners; got " +
                                std::to_string(m) + " qualities, a " + std::to_string(per_listener.rows()) + " x " +
                                std::to_string(per_listener.cols()) + " score table");
  }
  RankClaim out;
  out.model_mean = per_listener.rowwise().mean();
  out.rho = detail::rho_or_zero(quality, out.model_mean);
  // Exact permutation null over the models.
  std::vector<Eigen::Index> order(static_cast<std::size_t>(m));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  Eigen::VectorXd permuted(m);
  std::size_t at_least = 0, at_most = 0, total = 0;
  constexpr double kTies = 1e-12;  // rho of tied orderings are equal up to rounding
  do {
    for (Eigen::Index i = 0; i < m; ++i) permuted(i) = out.model_mean(order[static_cast<std::size_t>(i)]);
    const double r = detail::rho_or_zero(quality, permuted);
    if (r >= out.rho - kTies) ++at_least;
    if (r <= out.rho + kTies) ++at_most;
    ++total;
  } while (std::next_permutation(order.begin(), order.end()));
  out.permutations = total;
  const double p_greater = static_cast<double>(at_least) / static_cast<double>(total);
  const double p_less = static_cast<double>(at_most) / static_cast<double>(total);
  out.p = direction == Direction::positive ? p_greater : p_less;
  out.p_opposite = direction == Direction::positive ? p_less : p_greater;
  // Listener bootstrap.
  const Eigen::MatrixXd table = per_listener;
  const auto statistic = [&](const std::vector<std::size_t>& idx) {
    Eigen::VectorXd mean = Eigen::VectorXd::Zero(m);
    for (std::size_t s : idx) mean += table.col(static_cast<Eigen::Index>(s));
    return detail::rho_or_zero(quality, mean / static_cast<double>(idx.size()));
  };
  const BootstrapCi ci = bootstrap_ci(subject_units(static_cast<std::size_t>(table.cols())), statistic, options.seed,
                                      BootstrapOptions{options.resamples, 0.95, BootstrapMethod::percentile});
  out.ci_low = ci.lower;
  out.ci_high = ci.upper;
  const double sign = direction == Direction::positive ? 1.0 : -1.0;
  if (sign * out.rho > 0.0 && out.p < options.alpha && sign * (sign > 0 ? out.ci_low : out.ci_high) > 0.0) {
    out.verdict = Verdict::replicated;
  } else if (sign * out.rho < 0.0 && out.p_opposite < options.alpha &&
             sign * (sign > 0 ? out.ci_high : out.ci_low) < 0.0) {
    out.verdict = Verdict::reversed;
  }
  return out;
}

}  // namespace neuroscore::reproductions::mischler
