// Mischler et al. 2024, Fig. 3 (peak layer vs. model performance), claim M2: better models reach
// their peak alignment in earlier layers. Same series and layer choice as M1 (untrained model,
// then stories260K with weight noise 0.8 ... 0; quality = -log perplexity on the Alice text).
// Peak depth per model: per (listener, ROI, outer fold) the layer chosen on inner folds only
// (select_peak_layer), as normalized depth 0 (embedding) .. 1 (last block), averaged over folds
// and ROIs per listener, then over listeners. Statistic: Spearman rho(quality, peak depth),
// predicted negative; p exact over all 7! orderings; 95% CI over listener resamples.
#include <gtest/gtest.h>

#include <algorithm>
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

// Deterministic numbers (fixed seeds and folds, exact permutation p): the tolerance absorbs the
// 4-decimal rounding of claims.tsv and floating-point reassociation only.
constexpr double kTolerance = 5e-4;

const std::vector<std::string> kSeries = {"alice_untrained", "alice_noise_0p8", "alice_noise_0p4", "alice_noise_0p2",
                                          "alice_noise_0p1",  "alice_noise_0p05", "alice_noise_0"};

// 7 simulated models of rising fidelity (so brain scores rise along the series in both
// controls, as in the real one); only the position of the best layer differs.
SeriesSpec control_spec(const std::vector<double>& peak_layer) {
  const std::vector<double> fidelity = {0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8};
  SeriesSpec spec;
  for (std::size_t i = 0; i < peak_layer.size(); ++i) spec.models.push_back({fidelity[i], peak_layer[i]});
  return spec;
}

// The claim's controls at calibration offset `offset` (harness.hpp control_seed).
std::vector<ControlResult> m2_controls(std::uint64_t offset) {
  // Positive: the planted peak moves from layer 5 to layer 0 as quality rises.
  // Negative: the planted peak stays at layer 2.5 (halfway between 2 and 3, where a noise argmax
  // lands on average) for every model.
  // Confounds (issue 13.8): the planted peak stays at an edge layer (0 or 5) for every model.
  // Noise can only pull an edge peak inwards, and more so for the weaker (lower-fidelity) models,
  // so the measured depth moves with quality although the true peak does not. Measured: the rule
  // says replicated for the first layer (rho -0.82, p 0.017) and reversed for the last.
  const auto constant = [](double layer) { return control_spec(std::vector<double>(7, layer)); };
  return {
      as_control("positive: planted peak layer falls with quality",
                 simulated_series_claim(control_spec({5.0, 4.2, 3.3, 2.5, 1.7, 0.8, 0.0}), SeriesQuantity::depth,
                                        Direction::negative, control_seed(303, offset))),
      as_control("negative: planted peak layer constant across the series",
                 simulated_series_claim(constant(2.5), SeriesQuantity::depth, Direction::negative, control_seed(404, offset))),
      as_confound("confound: planted peak constant at the first layer, fidelity rising",
                  simulated_series_claim(constant(0.0), SeriesQuantity::depth, Direction::negative, control_seed(405, offset))),
      as_confound("confound: planted peak constant at the last layer, fidelity rising",
                  simulated_series_claim(constant(5.0), SeriesQuantity::depth, Direction::negative, control_seed(406, offset))),
  };
}

TEST(Mischler2024, M2BetterModelsPeakEarlier) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<ControlResult> controls = m2_controls(0);
  std::printf("controls: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  for (const ControlResult& c : controls) std::printf("%s: rho %.4f p %.4f\n", c.name.c_str(), c.value, c.p);

  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root);
  const AliceSeriesSetup setup = alice_series_setup(data);
  const SeriesAlignment series = align_series(data, setup, kSeries);
  const auto m = static_cast<Eigen::Index>(kSeries.size());
  const RankClaim c = rank_claim(series.quality, series.depth, Direction::negative, RankClaimOptions{2000, 0.05, Seed{7}});
  ClaimResult result{"M2", "Spearman rho(-log perplexity, normalized peak depth) over models", c.rho, c.ci_low,
                     c.ci_high, c.p, c.verdict, {}};
  result.verdict = unless_confounded(c.verdict, controls, result.details);
  result.details.push_back("models: " + std::to_string(m) + " (exact p over " + std::to_string(c.permutations) +
                           " orderings; smallest possible p " +
                           format_number(1.0 / static_cast<double>(c.permutations)) + "); opposite-direction p " +
                           format_number(c.p_opposite));
  for (Eigen::Index i = 0; i < m; ++i) {
    result.details.push_back("- " + kSeries[static_cast<std::size_t>(i)] + ": perplexity " +
                             format_number(series.perplexity(i)) + ", peak depth " +
                             format_number(c.model_mean(i)) + ", brain score (mean r) " +
                             format_number(series.score.row(i).mean()));
  }
  std::printf("total: %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  report_and_check(result, registered_claim("reproductions/mischler2024/claims.tsv", "M2"), controls, kTolerance);
}

TEST(Mischler2024, M2ControlCalibration) { NEUROSCORE_CALIBRATE_CONTROLS("M2", m2_controls); }

// Each model's chance-level peak depth (issue 13.8), next to its observed depth: the responses
// rotated in time by 20%, 40%, 60% and 80% of the run (72, 145, 217, 290 volumes; the seam is the
// only break, so every series keeps its autocorrelation) and the series aligned again, the layer
// chosen exactly as in the claim. A depth the model reaches by chance says nothing about where its
// alignment peaks. Part of the calibration run (tools/calibrate_controls.sh): 4 x 7 series fits,
// about 4 minutes on one core, too long for the suite. A measurement, written into
// results/control_calibration.tsv and CLAIMS.md, not a check.
TEST(Mischler2024, M2ChanceDepthControlCalibration) {
  if (control_calibration_seeds() == 0) GTEST_SKIP() << "set NEUROSCORE_CONTROL_SEEDS=N (tools/calibrate_controls.sh)";
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root);
  const AliceSeriesSetup setup = alice_series_setup(data);
  const SeriesAlignment observed = align_series(data, setup, kSeries);
  const Eigen::Index n = setup.responses.rows();
  std::vector<Eigen::VectorXd> chance;  // per shift: per model, listener-mean depth
  for (const double fraction : {0.2, 0.4, 0.6, 0.8}) {
    const auto k = static_cast<Eigen::Index>(fraction * static_cast<double>(n));
    AliceSeriesSetup shifted = setup;
    shifted.responses.topRows(n - k) = setup.responses.bottomRows(n - k);
    shifted.responses.bottomRows(k) = setup.responses.topRows(k);
    chance.push_back(align_series(data, shifted, kSeries).depth.rowwise().mean());
  }
  for (std::size_t i = 0; i < kSeries.size(); ++i) {
    const auto m = static_cast<Eigen::Index>(i);
    double lo = 1.0, hi = 0.0, mean = 0.0;
    for (const Eigen::VectorXd& c : chance) {
      lo = std::min(lo, c(m));
      hi = std::max(hi, c(m));
      mean += c(m) / static_cast<double>(chance.size());
    }
    std::printf("calibration\tM2\tchance depth: %s\tobserved %.3f\tchance mean %.3f\t[%.3f, %.3f] over %zu shifts\n",
                kSeries[i].c_str(), observed.depth.row(m).mean(), mean, lo, hi, chance.size());
  }
}

}  // namespace
}  // namespace neuroscore::reproductions::mischler
