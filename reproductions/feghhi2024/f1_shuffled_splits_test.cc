// Feghhi et al. 2024, "What are large language models mapping to in the brain?", claim F1 (their
// figure 1 and section "shuffled train-test splits"): shuffled train/test splits inflate brain
// scores; OASM, a feature that carries only temporal autocorrelation, beats the LLM under
// shuffled splits and falls to about zero under contiguous splits.
// Data: Alice (Brennan et al. 2016), 27 listeners x 6 ROIs x 362 volumes. Model: stories260K
// (trained), the registered layer kLayer. Statistic and decision rule: feghhi.hpp, decide_f1.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/feghhi2024/feghhi.hpp"
#include "reproductions/calibration.hpp"
#include "reproductions/harness.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::reproductions::feghhi {
namespace {

// Registered before running: the middle block of the 5-block model (no layer search, so no
// selection bias in the LLM's scores).
constexpr const char* kLayer = "activations_block_2";
constexpr std::size_t kFolds = 5;
constexpr Seed kShuffleSeed{0};     // the outer shuffled split (AliceEncodingOptions' default)
constexpr Seed kDecisionSeed{2024};  // bootstrap and sign flips

// The same 2x2 (split x feature set) on a simulated experiment: `design` stands for the LLM
// (it drives the planted stimulus signal), the trials are the listeners.
F1Cells simulated_cells(const SimulatedBrain& sim) {
  const Eigen::Index rois = sim.spec.targets;
  Eigen::MatrixXd y(sim.spec.samples, static_cast<Eigen::Index>(sim.trials.size()) * rois);
  for (std::size_t s = 0; s < sim.trials.size(); ++s) y.middleCols(static_cast<Eigen::Index>(s) * rois, rois) = sim.trials[s];
  const auto n = static_cast<std::size_t>(y.rows());
  const std::vector<Fold> contiguous = contiguous_kfold(n, kFolds, Gap{4});
  const std::vector<Fold> shuffled = shuffled_kfold(n, kFolds, kShuffleSeed).folds;
  const OasmOptions oasm;
  const auto llm = [&](const std::vector<Fold>& folds) {
    return listener_means(cross_validated_ridge(sim.design, y, folds, oasm.ridge).mean_r(), rois);
  };
  F1Cells c;
  c.oasm_shuffled = listener_means(oasm_scores(y, shuffled, InnerSplit::shuffled).mean_r(), rois);
  c.oasm_contiguous = listener_means(oasm_scores(y, contiguous, InnerSplit::contiguous).mean_r(), rois);
  c.llm_shuffled = llm(shuffled);
  c.llm_contiguous = llm(contiguous);
  return c;
}

F1Decision simulated_decision(const std::string& name, const BrainSpec& spec, Seed seed) {
  const F1Decision d = decide_f1(simulated_cells(simulate_brain(spec, seed)), kDecisionSeed);
  std::cout << name << ": D1 " << d.d1 << " [" << d.d1_low << ", " << d.d1_high << "] p1 " << d.p1 << ", D2 " << d.d2
            << " p2 " << d.p2 << ", OASM contiguous " << d.oasm_contiguous << "\n";
  return d;
}

ControlResult control(const std::string& name, const BrainSpec& spec, Seed seed) {
  const F1Decision d = simulated_decision(name, spec, seed);
  return {name, d.d1, d.p, d.detected()};
}

// The controls at calibration offset `offset` (harness.hpp control_seed).
std::vector<ControlResult> f1_controls(std::uint64_t offset) {
  BrainSpec base;
  base.samples = 362;  // as Alice
  base.features = 16;
  base.targets = 3;
  base.subjects = 10;
  // Positive: a weak stimulus-locked signal under autocorrelated noise that dies within the
  // analysis's 4-volume purge gap (AR(1) 0.5 per 2 s volume: 0.5^5 = 0.03 across it): the world
  // the claim describes, where OASM under shuffled splits predicts the noise from its neighbours
  // and contiguous splits take that away. (Until the ridge guard of issue 12 this control used
  // AR(1) 0.9 and passed only because blown-up OASM predictions hid its real contiguous score:
  // 0.102 once guarded; that world is now the leaky negative below. Revised after seeing that
  // simulated result; the decision rule is unchanged.)
  BrainSpec positive = base;
  positive.feature_variance = 0.05;
  positive.ar1 = Ar1{0.5, 1.0};
  // Negative, leaky: the same with AR(1) 0.9, whose noise still correlates 0.9^5 = 0.59 across
  // the purge gap: contiguous splits leak too (OASM contiguous 0.10), so "falls to about zero"
  // is false there and the rule must not call it replicated.
  BrainSpec leaky = positive;
  leaky.ar1 = Ar1{0.9, 1.0};
  // Negative: no autocorrelation anywhere (white features, no HRF, white noise) and a strong
  // stimulus signal: OASM has nothing to borrow from neighbours under either split.
  BrainSpec negative = base;
  negative.convolve_hrf = false;
  negative.feature_variance = 0.5;
  negative.ar1 = Ar1{0.0, 1.0};
  // The white world fails the whole rule through D2 as well (OASM cannot beat a strong LLM), so
  // it is also checked on D1's part alone (issue 13.8: a negative that isolates D1): without
  // autocorrelation shuffled splits must not inflate OASM, CI(D1) > 0 with p1 < 0.05 must fail.
  // Over 100 seeds it fires in 11 (Clopper-Pearson [0.056, 0.188]), above 5%: F1's calibration
  // case fails on it, on purpose, until D1's inference is fixed (CLAIMS.md, F1's history).
  const std::string white_name = "negative: white noise and features, strong stimulus signal";
  const F1Decision white = simulated_decision(white_name, negative, Seed{control_seed(12, offset)});
  return std::vector<ControlResult>{
      control("positive: autocorrelated noise, weak stimulus signal", positive, Seed{control_seed(11, offset)}),
      {white_name, white.d1, white.p, white.detected()},
      {"negative: D1's criterion alone (CI(D1) > 0, p1 < 0.05) in the white world", white.d1, white.p1,
       white.d1_low > 0.0 && white.p1 < kAlpha},
      control("negative: AR(1) 0.9 noise leaks across the purge gap", leaky, Seed{control_seed(11, offset)}),
  };
}

// Computed once, shared by both tests.
const std::vector<ControlResult>& controls() {
  static const std::vector<ControlResult> out = f1_controls(0);
  return out;
}

TEST(FeghhiF1, SimulatedControls) {
  for (const ControlResult& c : controls()) {
    EXPECT_EQ(c.detected, expected_detected(c)) << c.name << ": D1 " << c.value << ", p " << c.p;
  }
}

TEST(FeghhiF1, ShuffledSplitsInflateOasmOnAlice) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root, {6, &std::cerr});
  const FeatureDir features = feature_dir("alice_trained");
  const Eigen::MatrixXd x =
      benchmarks::alice_volume_features(data, features.array(kLayer), benchmarks::WordToVolume::lanczos, {1, 2, 3, 4});
  const Eigen::Index rois = data.subjects.front().timecourses.cols();

  benchmarks::AliceEncodingOptions contiguous_options;
  contiguous_options.outer_folds = kFolds;
  benchmarks::AliceEncodingOptions shuffled_options = contiguous_options;
  shuffled_options.shuffled_control = true;
  shuffled_options.shuffle_seed = kShuffleSeed;
  const benchmarks::AliceEncodingScores llm_contiguous = benchmarks::alice_encoding_scores(data, x, contiguous_options);
  const benchmarks::AliceEncodingScores llm_shuffled = benchmarks::alice_encoding_scores(data, x, shuffled_options);

  // OASM on the same z-scored responses and the very same outer folds.
  const OasmScores oasm_contiguous = oasm_scores(llm_contiguous.responses, llm_contiguous.folds, InnerSplit::contiguous);
  const OasmScores oasm_shuffled = oasm_scores(llm_shuffled.responses, llm_shuffled.folds, InnerSplit::shuffled);

  F1Cells c;
  c.oasm_shuffled = listener_means(oasm_shuffled.mean_r(), rois);
  c.oasm_contiguous = listener_means(oasm_contiguous.mean_r(), rois);
  c.llm_shuffled = llm_shuffled.r.rowwise().mean();
  c.llm_contiguous = llm_contiguous.r.rowwise().mean();
  const F1Decision d = decide_f1(c, kDecisionSeed);

  ClaimResult r;
  r.claim = "F1";
  r.statistic = "mean over listeners of r_OASM(shuffled) - r_OASM(contiguous)";
  r.value = d.d1;
  r.ci_low = d.d1_low;
  r.ci_high = d.d1_high;
  r.p = d.p;
  r.verdict = d.verdict;
  const auto cell = [](const Eigen::VectorXd& v) {
    const double sem = std::sqrt((v.array() - v.mean()).square().sum() / static_cast<double>(v.size() * (v.size() - 1)));
    return format_number(v.mean()) + " +- " + format_number(sem);
  };
  const auto widths = [](const OasmScores& o) {
    std::string s;
    for (double w : o.chosen_width) s += (s.empty() ? "" : ",") + format_number(w);
    return s;
  };
  r.details = {
      "",
      "Mean Pearson r over 27 listeners x 6 ROIs (+- s.e.m. over listeners), 5 outer folds:",
      "",
      "| features | shuffled 5-fold | contiguous 5-fold, purge gap 4 |",
      "|---|---|---|",
      "| OASM (width by inner CV) | " + cell(c.oasm_shuffled) + " | " + cell(c.oasm_contiguous) + " |",
      std::string("| stories260K ") + kLayer + " | " + cell(c.llm_shuffled) + " | " + cell(c.llm_contiguous) + " |",
      "",
      "D1 p (sign flip, greater) " + format_number(d.p1) + "; D2 = r_OASM(shuffled) - r_LLM(shuffled) = " +
          format_number(d.d2) + ", p " + format_number(d.p2) + "; OASM widths per fold (volumes): shuffled " +
          widths(oasm_shuffled) + ", contiguous " + widths(oasm_contiguous),
  };
  // Deterministic (fixed seeds, fixed data): 5e-4 absorbs only printing precision (the registry
  // keeps 4 decimals) and BLAS summation order.
  report_and_check(r, registered_claim("reproductions/feghhi2024/claims.tsv", "F1"), controls(), 5e-4);
}

TEST(FeghhiF1, ControlCalibration) { NEUROSCORE_CALIBRATE_CONTROLS("F1", f1_controls); }

}  // namespace
}  // namespace neuroscore::reproductions::feghhi
