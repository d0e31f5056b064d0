// Rahimi et al. 2025, R2 (Fig. 3: attributions surpass internal representations in early language
// areas; activations are better in higher areas): a crossover of (attribution - activation) between
// early (temporal: LATL RATL LPTL) and higher (LIPL LPreM LIFG) ROIs.
//
// Statistic: the best attribution method (of 4) and the best activation layer (of 6: embedding,
// block_0..4) are each chosen by their mean r over all listeners and all 6 ROIs (a choice that is
// symmetric in the two ROI groups, so it cannot manufacture the crossover); per listener i,
// d_early_i = mean r over early ROIs (attribution - activation), d_higher_i likewise; the value is
// the interaction mean_i (d_early_i - d_higher_i). CI: percentile bootstrap over listeners with the
// selection redone in every resample. p: one-sided sign-flip test across listeners (10,000 random
// flips), the selection redone under every flip too: flipping listener i swaps i's early and
// higher ROI scores in every candidate before the pair is chosen again. Decision: replicated iff
// p < 0.05, CI > 0, and the crossover holds (mean d_early > 0 > mean d_higher); reversed iff the
// mirror image holds (p_less < 0.05, CI < 0, mean d_early < 0 < mean d_higher); else
// not_replicated. (Until issue 13.8 the code's reversed branch lacked the mirrored crossover that
// this comment already asked for; the SNR-gradient control below exposed it.)
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/compare.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "reproductions/calibration.hpp"
#include "reproductions/harness.hpp"
#include "reproductions/rahimi2025/rahimi.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::reproductions::rahimi {
namespace {

const std::vector<std::string> kMethods = {"grad_norm", "grad_x_input", "integrated_gradients", "erasure"};

struct Contrast {
  std::size_t attribution = 0;  // chosen candidate indices
  std::size_t activation = 0;
  double early = 0.0;           // mean over listeners of d_early
  double higher = 0.0;
  double interaction = 0.0;
};

std::size_t best_candidate(const std::vector<Eigen::MatrixXd>& scores, const std::vector<std::size_t>& listeners) {
  std::size_t best = 0;
  double best_score = -1e300;
  for (std::size_t c = 0; c < scores.size(); ++c) {
    const double s = mean_over(scores[c].rowwise().mean(), listeners);
    if (s > best_score) {
      best_score = s;
      best = c;
    }
  }
  return best;
}

Contrast contrast(const std::vector<Eigen::MatrixXd>& attribution, const std::vector<Eigen::MatrixXd>& activation,
                  const std::vector<std::size_t>& listeners) {
  Contrast c;
  c.attribution = best_candidate(attribution, listeners);
  c.activation = best_candidate(activation, listeners);
  const Eigen::MatrixXd& a = attribution[c.attribution];
  const Eigen::MatrixXd& b = activation[c.activation];
  c.early = mean_over(roi_mean(a, early_rois()) - roi_mean(b, early_rois()), listeners);
  c.higher = mean_over(roi_mean(a, higher_rois()) - roi_mean(b, higher_rois()), listeners);
  c.interaction = c.early - c.higher;
  return c;
}

// One-sided sign-flip p values of the interaction, both tails from one pass over the flips, with
// the pair chosen again under every flip, as the CI
// chooses it again in every resample. Flipping listener i's sign swaps i's early and higher ROI
// columns in every candidate (which negates i's d_early - d_higher for any fixed pair); contrast()
// then chooses and recomputes. Sign draws are sign_flip_test's (compare.hpp fill_signs, 10,000
// random vectors from `seed`); greater = (1 + #{null >= observed}) / (1 + N), less likewise with
// <=. The choice ranks candidates by their mean over all six ROIs, which a swap
// leaves unchanged, so this p equals the fixed-pair sign-flip p up to rounding ties; the claim
// test checks that, so the symmetry argument behind the fixed-pair p is tested, not assumed.
struct OneSidedP {
  double greater = 1.0, less = 1.0;
};

OneSidedP selection_redone_p(const std::vector<Eigen::MatrixXd>& attribution,
                             const std::vector<Eigen::MatrixXd>& activation, Seed seed) {
  const Eigen::Index listeners = attribution.front().rows();
  const SignFlipOptions defaults;
  if (listeners < 63 && (std::uint64_t{1} << listeners) <= defaults.permutations) {
    throw std::invalid_argument("selection_redone_p: " + std::to_string(listeners) +
                                " listeners allow every sign vector; random flips only");
  }
  std::vector<std::size_t> all(static_cast<std::size_t>(listeners));
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  const double observed = contrast(attribution, activation, all).interaction;
  std::vector<Eigen::MatrixXd> a = attribution, b = activation;
  const auto flip = [&](const std::vector<Eigen::MatrixXd>& from, std::vector<Eigen::MatrixXd>& to, Eigen::Index i,
                        bool swap) {
    for (std::size_t c = 0; c < from.size(); ++c) {
      to[c].row(i) = from[c].row(i);
      if (!swap) continue;
      for (std::size_t k = 0; k < early_rois().size(); ++k) {
        to[c](i, early_rois()[k]) = from[c](i, higher_rois()[k]);
        to[c](i, higher_rois()[k]) = from[c](i, early_rois()[k]);
      }
    }
  };
  std::mt19937_64 rng(seed.value);
  Eigen::MatrixXd signs(1, listeners);
  std::size_t at_least = 0, at_most = 0;
  for (std::size_t d = 0; d < defaults.permutations; ++d) {
    signs = neuroscore::random_signs(listeners, rng);
    for (Eigen::Index i = 0; i < listeners; ++i) {
      flip(attribution, a, i, signs(0, i) < 0.0);
      flip(activation, b, i, signs(0, i) < 0.0);
    }
    const double v = contrast(a, b, all).interaction;
    at_least += v >= observed;
    at_most += v <= observed;
  }
  const double n = 1.0 + static_cast<double>(defaults.permutations);
  return {(1.0 + static_cast<double>(at_least)) / n, (1.0 + static_cast<double>(at_most)) / n};
}

struct R2Statistic {
  Contrast observed;
  double p = 1.0;         // interaction > 0, selection redone under every flip
  double p_less = 1.0;    // interaction < 0, likewise
  double p_fixed_pair = 1.0;  // interaction > 0, the observed pair held fixed (sign_flip_test)
  double p_early = 1.0;   // two-sided, d_early != 0 (chosen pair)
  double p_higher = 1.0;  // two-sided, d_higher != 0
  BootstrapCi ci;
};

R2Statistic r2_statistic(const std::vector<Eigen::MatrixXd>& attribution, const std::vector<Eigen::MatrixXd>& activation,
                         Seed seed) {
  const auto listeners = static_cast<std::size_t>(attribution.front().rows());
  std::vector<std::size_t> all(listeners);
  for (std::size_t i = 0; i < listeners; ++i) all[i] = i;
  R2Statistic out;
  out.observed = contrast(attribution, activation, all);
  const Eigen::MatrixXd& a = attribution[out.observed.attribution];
  const Eigen::MatrixXd& b = activation[out.observed.activation];
  const Eigen::VectorXd d_early = roi_mean(a, early_rois()) - roi_mean(b, early_rois());
  const Eigen::VectorXd d_higher = roi_mean(a, higher_rois()) - roi_mean(b, higher_rois());
  const Eigen::VectorXd d = d_early - d_higher;
  SignFlipOptions greater, two;
  two.tail = Tail::two_sided;
  const OneSidedP redone = selection_redone_p(attribution, activation, seed);
  out.p = redone.greater;
  out.p_less = redone.less;
  out.p_fixed_pair = sign_flip_test(d, seed, greater).p_value(0);
  out.p_early = sign_flip_test(d_early, Seed{seed.value + 1}, two).p_value(0);
  out.p_higher = sign_flip_test(d_higher, Seed{seed.value + 2}, two).p_value(0);
  out.ci = listener_bootstrap(
      listeners, [&](const std::vector<std::size_t>& idx) { return contrast(attribution, activation, idx).interaction; },
      Seed{seed.value + 100});
  return out;
}

// The pair is chosen by a statistic that a flip leaves unchanged, so redoing the choice under
// every flip gives the fixed-pair p; a tie (a null value equal to the observed one up to
// rounding) may fall either way, so two of 10,001 counts are allowed.
void expect_selection_free(const R2Statistic& s) {
  EXPECT_NEAR(s.p, s.p_fixed_pair, 2.0 / 10001.0) << "selection redone " << s.p << ", fixed pair " << s.p_fixed_pair;
}

Verdict r2_verdict(const R2Statistic& s) {
  if (s.p < 0.05 && s.ci.lower > 0.0 && s.observed.early > 0.0 && s.observed.higher < 0.0) return Verdict::replicated;
  if (s.p_less < 0.05 && s.ci.upper < 0.0 && s.observed.early < 0.0 && s.observed.higher > 0.0) return Verdict::reversed;
  return Verdict::not_replicated;
}

// Two planted feature sets, "attribution-like" A (10 columns) and "activation-like" B (32
// columns), plus one uninformative candidate of each kind (so the selection is exercised), with
// signal variance variance(set, ROI). `any_verdict`: detected when the rule says replicated or
// reversed (confound and SNR controls), else when it says replicated.
ControlResult r2_control(const std::string& name, const Eigen::MatrixXd& variance, bool any_verdict, Seed seed) {
  std::mt19937_64 rng(seed.value);
  const Eigen::MatrixXd fa = simulated_features(362, 10, rng);
  const Eigen::MatrixXd fb = simulated_features(362, 32, rng);
  const Eigen::MatrixXd fa_null = simulated_features(362, 10, rng);
  const Eigen::MatrixXd fb_null = simulated_features(362, 32, rng);
  const datasets::AliceData sim =
      simulated_alice(simulate_listeners({fa, fb}, variance, 27, 0.0, Ar1{0.5, 1.0}, Seed{seed.value + 1}));
  const std::vector<Eigen::MatrixXd> attribution = {listener_scores(sim, simulated_design(fa_null)),
                                                    listener_scores(sim, simulated_design(fa))};
  const std::vector<Eigen::MatrixXd> activation = {listener_scores(sim, simulated_design(fb)),
                                                   listener_scores(sim, simulated_design(fb_null))};
  const R2Statistic s = r2_statistic(attribution, activation, Seed{seed.value + 2});
  expect_selection_free(s);
  const Verdict v = r2_verdict(s);
  return ControlResult{name + " (rule says " + to_string(v) + ")", s.observed.interaction, s.p,
                       any_verdict ? v != Verdict::not_replicated : v == Verdict::replicated};
}

// Positive: A drives the early ROIs (variance 0.15) and B the higher ones (0.15), each 0.02 in the
// other group. Negative: A and B both 0.08 in every ROI (no crossover).
// ROI-dependent SNR (issue 13.8): one set better than the other in every ROI, both 5 times
// stronger in the early ROIs than in the higher ones, so (A - B) shrinks from early to higher
// ROIs with no crossover. With A better, the interaction is positive but the rule's crossover
// condition (early diff > 0 > higher diff) holds it back: a negative. With B better the
// interaction is negative; the reversed branch once had no crossover condition, and over 100
// seeds this world was then called reversed in 33 draws (Clopper-Pearson [0.24, 0.43]; not at the
// registered seed, interaction -0.024). The branch now requires the mirrored crossover; the
// world is still called reversed in 20 of 100 draws [0.13, 0.29]. Likely cause (not yet
// checked): where SNR is low, the 10-column set A out-predicts the 32-column set B that carries
// more signal (estimation variance grows with width), a real crossover in prediction accuracy
// but not in the planted signal. Both stay negatives, detected when the rule gives any verdict;
// the calibration case fails on the second, on purpose, until this is resolved (open).
std::vector<ControlResult> r2_controls(std::uint64_t offset) {
  Eigen::MatrixXd crossover(2, 6), equal = Eigen::MatrixXd::Constant(2, 6, 0.08), a_better(2, 6), b_better(2, 6);
  crossover << 0.15, 0.15, 0.15, 0.02, 0.02, 0.02,  //
      0.02, 0.02, 0.02, 0.15, 0.15, 0.15;
  a_better << 0.20, 0.20, 0.20, 0.04, 0.04, 0.04,  //
      0.10, 0.10, 0.10, 0.02, 0.02, 0.02;
  b_better = a_better.colwise().reverse();
  return {r2_control("positive: set A drives early ROIs, set B higher ROIs", crossover, false, Seed{control_seed(21, offset)}),
          r2_control("negative: sets A and B drive every ROI equally", equal, false, Seed{control_seed(22, offset)}),
          r2_control("negative: A better in every ROI, SNR falling from early to higher ROIs", a_better, true,
                     Seed{control_seed(23, offset)}),
          r2_control("negative: B better in every ROI, SNR falling from early to higher ROIs", b_better, true,
                     Seed{control_seed(24, offset)})};
}

// Mean r per ROI (column) over listeners.
std::string per_roi(const Eigen::MatrixXd& r) { return joined(r.colwise().mean().transpose(), "%.3f"); }

TEST(RahimiR2, AttributionsWinEarlyActivationsWinHigher) {
  const std::vector<ControlResult> controls = r2_controls(0);
  print_controls(controls);

  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const datasets::AliceData data = datasets::load_alice(root);
  const FeatureDir trained = feature_dir("alice_trained");
  const FeatureDir untrained = feature_dir("alice_untrained");
  std::vector<Eigen::MatrixXd> attribution, activation, untrained_activation;
  for (const std::string& m : kMethods) attribution.push_back(listener_scores(data, attribution_design(data, trained.array(m))));
  const std::vector<std::string> layers = trained.layer_names();
  for (const std::string& l : layers) {
    activation.push_back(listener_scores(data, activation_design(data, trained.array("activations_" + l))));
  }
  const std::string middle = "activations_" + layers[layers.size() / 2];
  const Eigen::MatrixXd floor = listener_scores(data, activation_design(data, untrained.array(middle)));
  const R2Statistic s = r2_statistic(attribution, activation, Seed{2025});
  expect_selection_free(s);

  ClaimResult r;
  r.claim = "R2";
  r.statistic = "(attr - act) early ROIs - (attr - act) higher ROIs, mean r";
  r.value = s.observed.interaction;
  r.ci_low = s.ci.lower;
  r.ci_high = s.ci.upper;
  r.p = s.p;
  r.verdict = unless_confounded(r2_verdict(s), controls, r.details);
  char line[400];
  std::snprintf(line, sizeof line,
                "- chosen: attribution %s, activation %s; early diff %.4f (two-sided p %.4g), higher diff %.4f "
                "(two-sided p %.4g); p with the pair held fixed %.4g",
                kMethods[s.observed.attribution].c_str(), layers[s.observed.activation].c_str(), s.observed.early,
                s.p_early, s.observed.higher, s.p_higher, s.p_fixed_pair);
  r.details.push_back(line);
  for (std::size_t m = 0; m < kMethods.size(); ++m) {
    r.details.push_back("- attribution " + kMethods[m] + " per ROI (LATL RATL LPTL LIPL LPreM LIFG): " + per_roi(attribution[m]));
  }
  for (std::size_t l = 0; l < layers.size(); ++l) {
    r.details.push_back("- activation " + layers[l] + " per ROI: " + per_roi(activation[l]));
  }
  r.details.push_back("- floor: untrained " + middle + " per ROI: " + per_roi(floor));
  // Tolerance: deterministic numbers (fixed seeds and folds); 5e-4 covers the registry's 4-decimal
  // rounding and BLAS summation order.
  report_and_check(r, registered_claim("reproductions/rahimi2025/claims.tsv", "R2"), controls, 5e-4);
}

TEST(RahimiR2, R2ControlCalibration) { NEUROSCORE_CALIBRATE_CONTROLS("R2", r2_controls); }

}  // namespace
}  // namespace neuroscore::reproductions::rahimi
