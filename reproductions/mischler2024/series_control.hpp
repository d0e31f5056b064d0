// reproductions/mischler2024/series_control.hpp: the claim's statistic and decision rule run on a
// simulated model series (the positive and negative controls of M1-M3). Entry point:
// simulated_series_claim.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "neuroscore/hierarchy.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"
#include "reproductions/mischler2024/model_series.hpp"
#include "reproductions/mischler2024/simulated_series.hpp"

namespace neuroscore::reproductions::mischler {

// Which per-model quantity the claim ranks.
enum class SeriesQuantity { score, depth };

// Simulates `spec` (seed), scores every model exactly as the real series is scored (outer
// contiguous 5-fold with a 4-volume gap, layer chosen on 3 inner folds, the Alice ridge
// options), takes model index 0, 1, ... as the quality order, and applies rank_claim.
inline RankClaim simulated_series_claim(const SeriesSpec& spec, SeriesQuantity quantity, Direction direction,
                                        std::uint64_t seed) {
  const SimulatedSeries sim = simulate_model_series(spec, Seed{seed});
  const std::vector<Fold> folds = contiguous_kfold(static_cast<std::size_t>(spec.samples), 5, Gap{4});
  PeakLayerOptions options;  // as alice_series_setup
  options.ridge = benchmarks::AliceEncodingOptions{}.ridge;
  options.ridge.inner_folds = 3;
  options.inner_folds = 3;
  options.inner_gap = Gap{4};
  const auto m = static_cast<Eigen::Index>(spec.models.size());
  Eigen::MatrixXd table(m, spec.listeners);
  Eigen::VectorXd quality(m);
  for (Eigen::Index i = 0; i < m; ++i) {
    const ModelAlignment a =
        model_alignment(sim.layers[static_cast<std::size_t>(i)], sim.responses, spec.listeners, spec.rois, folds, options);
    table.row(i) = (quantity == SeriesQuantity::score ? a.score : a.depth).transpose();
    quality(i) = static_cast<double>(i);
  }
  return rank_claim(quality, table, direction, RankClaimOptions{2000, 0.05, Seed{seed + 1}});
}

// A positive or negative control: detected when the rule says replicated.
inline ControlResult as_control(const std::string& name, const RankClaim& c) {
  return ControlResult{name, c.rho, c.p, c.verdict == Verdict::replicated};
}

// A confound control (harness.hpp): detected when the rule gives any verdict but not_replicated,
// in either direction, since either would be read as a finding on real data.
inline ControlResult as_confound(const std::string& name, const RankClaim& c) {
  return ControlResult{name + " (rule says " + to_string(c.verdict) + ")", c.rho, c.p, c.verdict != Verdict::not_replicated};
}

}  // namespace neuroscore::reproductions::mischler
