// Mischler et al. 2024, Fig. 2 (brain score vs. model performance across LLMs), claim M1:
// better language models predict neural responses better. Our series: stories260K with
// increasing seeded Gaussian weight noise (alice_noise_<k>) plus the untrained model; quality =
// -log perplexity of each on the Alice text (manifest). Brain score per model: per listener,
// the mean over ROIs of the outer-fold r of the layer chosen by inner CV (no test peeking),
// then the mean over listeners. Statistic: Spearman rho(quality, brain score) across models;
// p exact over all orderings of the models; 95% CI over listener resamples.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "reproductions/calibration.hpp"
#include "reproductions/harness.hpp"
#include "reproductions/mischler2024/alice_series.hpp"
#include "reproductions/mischler2024/model_series.hpp"
#include "reproductions/mischler2024/series_control.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::reproductions::mischler {
namespace {

// The numbers are deterministic (fixed seeds, fixed folds, exact permutation p): the
// tolerance only absorbs the 4-decimal rounding of claims.tsv plus floating-point
// reassociation across compilers.
constexpr double kTolerance = 5e-4;

// The model series on the real data, from worst to best intended quality. Untrained first.
// alice_noise_0 is the trained model (context 20 words, like every member).
const std::vector<std::string> kSeries = {"alice_untrained", "alice_noise_0p8", "alice_noise_0p4", "alice_noise_0p2",
                                          "alice_noise_0p1",  "alice_noise_0p05", "alice_noise_0"};

// 7 simulated models (as many as the real series), peak layer 3 of 6, 12 listeners x 2 ROIs.
SeriesSpec control_spec(const std::vector<double>& fidelity) {
  SeriesSpec spec;
  for (double f : fidelity) spec.models.push_back({f, 3.0});
  return spec;
}

// The claim's controls at calibration offset `offset` (harness.hpp control_seed).
std::vector<ControlResult> m1_controls(std::uint64_t offset) {
  // Positive: fidelity to the brain-driving features rises along the series.
  // Negative: every model equally faithful; the series order means nothing for the brain.
  return {
      as_control("positive: brain score planted to rise with quality",
                 simulated_series_claim(control_spec({0.0, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9}), SeriesQuantity::score,
                                        Direction::positive, control_seed(101, offset))),
      as_control("negative: equal planted fidelity across the series",
                 simulated_series_claim(control_spec({0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6}), SeriesQuantity::score,
                                        Direction::positive, control_seed(202, offset))),
  };
}

TEST(Mischler2024, M1BetterModelsPredictBetter) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<ControlResult> controls = m1_controls(0);
  std::printf("controls: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (const ControlResult& c : controls) std::printf("%s: rho %.4f p %.4f\n", c.name.c_str(), c.value, c.p);

  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root);
  const AliceSeriesSetup setup = alice_series_setup(data);
  const SeriesAlignment series = align_series(data, setup, kSeries);
  const auto m = static_cast<Eigen::Index>(kSeries.size());
  const RankClaim c = rank_claim(series.quality, series.score, Direction::positive, RankClaimOptions{2000, 0.05, Seed{6}});
  ClaimResult result{"M1", "Spearman rho(-log perplexity, brain score) over models", c.rho, c.ci_low, c.ci_high, c.p,
                     c.verdict, {}};
  result.details.push_back("models: " + std::to_string(m) + " (exact p over " + std::to_string(c.permutations) +
                           " orderings; smallest possible p " + format_number(1.0 / static_cast<double>(c.permutations)) + ")");
  for (Eigen::Index i = 0; i < m; ++i) {
    result.details.push_back("- " + kSeries[static_cast<std::size_t>(i)] + ": perplexity " +
                             format_number(series.perplexity(i)) + ", brain score (mean r) " +
                             format_number(c.model_mean(i)));
  }
  std::printf("total: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  report_and_check(result, registered_claim("reproductions/mischler2024/claims.tsv", "M1"), controls, kTolerance);
}

TEST(Mischler2024, M1ControlCalibration) { NEUROSCORE_CALIBRATE_CONTROLS("M1", m1_controls); }

}  // namespace
}  // namespace neuroscore::reproductions::mischler
