// reproductions/feghhi2024/feghhi.hpp: the analyses behind the Feghhi et al. 2024 claim tests,
// shared by each claim's simulated controls and its real-data run so both go through the same
// statistic and decision rule. Entry points: oasm_scores (F1), decide_f1 (F1), omega_analysis and
// decide_omega (F2, F3).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <iostream>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/compare.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/banded.hpp"
#include "neuroscore/partition.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"
#include "reproductions/harness.hpp"

namespace neuroscore::reproductions::feghhi {

// ---------------------------------------------------------------------------------------------
// F1: OASM (identity smoothed within the run) scored with width chosen by inner CV.

// How the inner CV that picks the OASM width splits the outer training samples: like the outer
// split (a researcher using shuffled splits uses them throughout), so the shuffled analysis is
// the leaky one end to end and the contiguous one is clean end to end.
enum class InnerSplit { contiguous, shuffled };

struct OasmOptions {
  // Gaussian widths (standard deviation, in volumes) searched by inner CV. The BOLD response
  // and its noise are autocorrelated over a few 2 s volumes; 8 volumes (16 s) covers an HRF.
  std::vector<double> widths_samples = {1.0, 2.0, 4.0, 8.0};
  std::size_t inner_folds = 5;
  Gap inner_gap{4};     // contiguous inner folds only (the purge of the outer contiguous split)
  Seed inner_seed{17};  // shuffled inner folds only
  // The ridge of benchmarks/brain/alice_encoding.hpp: per-target alpha by inner contiguous CV over a
  // wide grid, standardized features.
  RidgeCvOptions ridge{kWideAlphas, 5, Gap{4}, true,
                       RidgeSolver::automatic, std::size_t{1} << 30, true};
};

struct OasmScores {
  Eigen::MatrixXd fold_r;             // outer folds x targets, Pearson r per test block
  std::vector<double> chosen_width;   // per outer fold (one width for all targets)
  Eigen::VectorXd mean_r() const { return fold_r.colwise().mean().transpose(); }
};

// OASM brain scores of every column of `y` (samples x targets; one run, so one OASM group) under
// the given outer folds. In each outer fold the width is the grid value with the best mean inner
// r over all targets (ties: the smaller width), inner folds split as `inner`; ridge is then refit
// on the whole outer training set with that width and scored on the test block.
inline OasmScores oasm_scores(const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                              InnerSplit inner, const OasmOptions& options = {}) {
  if (options.widths_samples.empty()) throw std::invalid_argument("oasm_scores: empty width grid");
  const std::vector<int> one_run(static_cast<std::size_t>(y.rows()), 0);
  std::vector<Eigen::MatrixXd> designs;
  for (double w : options.widths_samples) designs.push_back(oasm_features(one_run, w));
  OasmScores out;
  out.fold_r.resize(static_cast<Eigen::Index>(folds.size()), y.cols());
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const std::vector<std::size_t>& train = folds[f].train;
    std::vector<Fold> inner_folds;
    if (inner == InnerSplit::shuffled) {
      inner_folds = shuffled_kfold(train.size(), options.inner_folds, Seed{options.inner_seed.value + f}).folds;
    } else {
      for (const Fold& k : inner_contiguous_kfold(train, options.inner_folds, options.inner_gap)) {
        inner_folds.push_back(positions_in(train, k));
      }
    }
    const Eigen::MatrixXd y_train = rows_of(y, train);
    std::size_t best = 0;
    double best_score = -std::numeric_limits<double>::infinity();
    for (std::size_t w = 0; w < designs.size(); ++w) {
      const Eigen::MatrixXd x_train = rows_of(designs[w], train);
      const double s = cross_validated_ridge(x_train, y_train, inner_folds, options.ridge).mean_r().mean();
      if (s > best_score) {
        best_score = s;
        best = w;
      }
    }
    out.chosen_width.push_back(options.widths_samples[best]);
    const RidgeCvResult fit = cross_validated_ridge(designs[best], y, {folds[f]}, options.ridge);
    out.fold_r.row(static_cast<Eigen::Index>(f)) = fit.fold_r.row(0);
  }
  return out;
}

// Per-listener mean over ROIs of per-target scores laid out listener-major (listener s owns
// targets s * rois .. s * rois + rois - 1, as alice_encoding_scores' responses).
inline Eigen::VectorXd listener_means(const Eigen::Ref<const Eigen::VectorXd>& per_target, Eigen::Index rois) {
  if (rois < 1 || per_target.size() % rois != 0) {
    throw std::invalid_argument("listener_means: " + std::to_string(per_target.size()) + " targets are not a multiple of " +
                                std::to_string(rois) + " ROIs");
  }
  Eigen::VectorXd out(per_target.size() / rois);
  for (Eigen::Index s = 0; s < out.size(); ++s) out(s) = per_target.segment(s * rois, rois).mean();
  return out;
}

// The four per-listener scores of F1's 2x2 table.
struct F1Cells {
  Eigen::VectorXd oasm_shuffled, oasm_contiguous, llm_shuffled, llm_contiguous;
};

// F1's decision rule, fixed before looking at the real data:
//   D1 = mean over listeners of r_OASM(shuffled) - r_OASM(contiguous): 95% BCa CI by bootstrap over
//        listeners, one-sided sign-flip p1 (greater);
//   D2 = mean over listeners of r_OASM(shuffled) - r_LLM(shuffled): one-sided sign-flip p2;
//   C  = mean over listeners of r_OASM(contiguous).
//   replicated     iff CI(D1) > 0, p1 < 0.05, p2 < 0.05 and |C| < 0.05 ("about zero": under half
//                  of word rate's ~0.1 on these ROIs);
//   reversed       iff CI(D1) < 0 (shuffled splits significantly deflate OASM);
//   not_replicated otherwise.
// The reported p is max(p1, p2): the intersection-union test of the two one-sided hypotheses
// (the conjunction is significant at level a iff both are).
struct F1Decision {
  double d1 = 0.0, d1_low = 0.0, d1_high = 0.0, p1 = 1.0;
  double d2 = 0.0, p2 = 1.0;
  double oasm_contiguous = 0.0;
  double p = 1.0;
  Verdict verdict = Verdict::not_replicated;
  bool detected() const { return verdict == Verdict::replicated; }
};

inline constexpr double kAboutZero = 0.05;
inline constexpr double kAlpha = 0.05;

inline F1Decision decide_f1(const F1Cells& c, Seed seed) {
  const Eigen::VectorXd d1 = c.oasm_shuffled - c.oasm_contiguous;
  const Eigen::VectorXd d2 = c.oasm_shuffled - c.llm_shuffled;
  const auto mean_of = [](const Eigen::VectorXd& v) {
    return [&v](const std::vector<std::size_t>& idx) {
      double s = 0.0;
      for (std::size_t i : idx) s += v(static_cast<Eigen::Index>(i));
      return s / static_cast<double>(idx.size());
    };
  };
  const BootstrapCi ci = bootstrap_ci(subject_units(static_cast<std::size_t>(d1.size())), mean_of(d1), seed);
  SignFlipOptions flips;
  flips.permutations = 10000;
  flips.tail = Tail::greater;
  F1Decision out;
  out.d1 = ci.observed;
  out.d1_low = ci.lower;
  out.d1_high = ci.upper;
  out.p1 = sign_flip_test(d1, Seed{seed.value + 1}, flips).p_value(0);
  out.d2 = d2.mean();
  out.p2 = sign_flip_test(d2, Seed{seed.value + 2}, flips).p_value(0);
  out.oasm_contiguous = c.oasm_contiguous.mean();
  out.p = std::max(out.p1, out.p2);
  if (out.d1_low > 0.0 && out.p1 < kAlpha && out.p2 < kAlpha && std::abs(out.oasm_contiguous) < kAboutZero) {
    out.verdict = Verdict::replicated;
  } else if (out.d1_high < 0.0) {
    out.verdict = Verdict::reversed;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// F2, F3: Feghhi's omega with a passage bootstrap.

// Pooled R^2 of out-of-fold predictions on the rows `idx` (repeats allowed):
// 1 - sum (y - yhat)^2 / sum (y - mean y)^2, the mean taken over the same rows (as score.hpp's
// Metric::r2 with FoldAggregation::pooled on the full set).
inline double pooled_r2(const Eigen::Ref<const Eigen::VectorXd>& y, const Eigen::Ref<const Eigen::VectorXd>& yhat,
                        const std::vector<std::size_t>& idx) {
  double mean = 0.0;
  for (std::size_t i : idx) mean += y(static_cast<Eigen::Index>(i));
  mean /= static_cast<double>(idx.size());
  double sse = 0.0, sst = 0.0;
  for (std::size_t i : idx) {
    const auto k = static_cast<Eigen::Index>(i);
    sse += (y(k) - yhat(k)) * (y(k) - yhat(k));
    sst += (y(k) - mean) * (y(k) - mean);
  }
  return sst > 0.0 ? 1.0 - sse / sst : 0.0;
}

inline constexpr double kOmegaBound = 1000.0;  // percent

struct OmegaOptions {
  // Sentence-level features want anything from no to heavy shrinkage.
  std::vector<double> alphas = kOmegaAlphas;  // alphas.hpp
  // Inner folds choose alpha (and band weights) on whole passages of the outer training set
  // (the `groups` given to omega_analysis), as the outer folds test whole passages.
  std::size_t inner_folds = 5;
  BootstrapOptions bootstrap{2000, 0.95, BootstrapMethod::percentile};
  std::size_t band_candidates = 20;  // band-weight candidates (multi-band sets)
  Seed band_seed{7};
  double threshold_percent = 50.0;  // "explained by": more than half of the LLM's R^2
};

// The omega analysis of one (simple, LLM) pair on one response vector.
struct OmegaAnalysis {
  double r2_simple = 0.0, r2_llm = 0.0, r2_joint = 0.0;  // pooled out-of-fold R^2
  double omega = 0.0;                                    // percent, 100 shared / R^2(LLM)
  double omega_low = 0.0, omega_high = 0.0;              // 95% percentile CI, bootstrap over groups
  double p = 1.0;                                        // one-sided bootstrap p of omega <= threshold
  double r2_llm_low = 0.0, r2_llm_high = 0.0;            // 95% percentile CI of R^2(LLM)
  std::size_t undefined_draws = 0;                       // resamples with R^2(LLM) <= 0
  std::size_t resamples = 0;
  double single_alpha_omega = 0.0;  // partition.hpp's feghhi_omega (joint with ONE alpha), pooled r2
  Verdict verdict = Verdict::not_replicated;
  bool detected() const { return verdict == Verdict::replicated; }
};

// Feghhi et al. 2024's omega, omega = 100 (R^2(S) + R^2(L) - R^2(S+L)) / R^2(L), from out-of-fold
// predictions under `folds` (grouped by passage), pooled R^2. All three sets are fitted by ONE
// estimator with one preprocessing: banded ridge (one penalty per band; with one band it is
// cross_validated_ridge, partition_test checks it), columns standardized on each training set's
// own rows, alpha and band weights chosen on inner folds of whole passages. S+L is S's bands
// plus L as one more band.
// Confidence: the fitted out-of-fold predictions are held fixed and passages are resampled with
// replacement (percentile interval; seed recorded by the caller). A resample whose R^2(L) <= 0
// has no omega (nothing of the LLM's to explain); it counts as omega = -kOmegaBound (the claim
// fails there), so undefined draws push the CI down rather than being dropped. Omega is clipped
// to [-kOmegaBound, kOmegaBound] percent so that every number is finite and can be registered
// (a ratio whose denominator is near 0 otherwise runs to +-1e5%).
// p = (1 + #{omega* <= threshold}) / (1 + B): the one-sided bootstrap p of "omega > threshold".
// Decision: replicated iff the CI's lower end > threshold and R^2(L)'s CI lower end > 0;
// reversed iff the CI's upper end < threshold and R^2(L)'s CI lower end > 0 (the LLM predicts,
// mostly with what the simple features lack); not_replicated otherwise.
inline OmegaAnalysis omega_analysis(const std::vector<Eigen::MatrixXd>& simple_bands,
                                    const Eigen::Ref<const Eigen::MatrixXd>& llm,
                                    const Eigen::Ref<const Eigen::VectorXd>& y, const std::vector<int>& groups,
                                    const std::vector<Fold>& folds, Seed seed, const OmegaOptions& options = {}) {
  if (simple_bands.empty()) throw std::invalid_argument("omega_analysis: no simple feature band");
  for (const Eigen::MatrixXd& b : simple_bands) {
    if (b.rows() != y.size()) {
      throw std::invalid_argument("omega_analysis: a simple band has " + std::to_string(b.rows()) + " rows, y " +
                                  std::to_string(y.size()));
    }
  }
  if (llm.rows() != y.size() || static_cast<Eigen::Index>(groups.size()) != y.size()) {
    throw std::invalid_argument("omega_analysis: llm has " + std::to_string(llm.rows()) + " rows, y " +
                                std::to_string(y.size()) + ", groups " + std::to_string(groups.size()));
  }
  const Eigen::MatrixXd y_mat = y;
  // Multi-band sets are banded: one penalty per band, so a wide, weak band (300 GloVe columns,
  // 64 LLM columns) cannot drag a fit below what its other bands reach alone. With one shared
  // alpha it does: measured on the simulated controls, R^2 0.11 joint against 0.24 simple
  // (omega 261%), and on Pereira SL+SP+GloVe scored 0.02 against 0.10 for SL+SP alone.
  BandedRidgeOptions banded;
  banded.alphas = options.alphas;
  banded.inner_folds = options.inner_folds;
  banded.candidates = options.band_candidates;
  banded.seed = options.band_seed;
  banded.standardize = true;
  banded.inner_groups = groups;
  const auto fit = [&](const std::vector<Eigen::MatrixXd>& bands) -> Eigen::VectorXd {
    BandedRidgeOptions o = banded;
    if (bands.size() == 1) o.candidates = 1;  // one band: every candidate weight is 1
    return banded_ridge(bands, y_mat, folds, o).predictions.col(0);
  };
  std::vector<Eigen::MatrixXd> joint_bands = simple_bands;
  joint_bands.push_back(llm);
  const Eigen::VectorXd p_simple = fit(simple_bands);
  const Eigen::VectorXd p_llm = fit({llm});
  const Eigen::VectorXd p_joint = fit(joint_bands);
  Eigen::Index simple_cols = 0;
  for (const Eigen::MatrixXd& b : simple_bands) simple_cols += b.cols();
  Eigen::MatrixXd simple(y.size(), simple_cols);
  Eigen::Index at = 0;
  for (const Eigen::MatrixXd& b : simple_bands) {
    simple.middleCols(at, b.cols()) = b;
    at += b.cols();
  }

  struct Parts {
    double s, l, j, omega;
  };
  const auto parts = [&](const std::vector<std::size_t>& idx) {
    Parts p{pooled_r2(y, p_simple, idx), pooled_r2(y, p_llm, idx), pooled_r2(y, p_joint, idx), 0.0};
    p.omega = p.l > 0.0 ? std::clamp(100.0 * (p.s + p.l - p.j) / p.l, -kOmegaBound, kOmegaBound) : -kOmegaBound;
    return p;
  };
  OmegaAnalysis out;
  const ResamplingUnits units = group_units(groups);
  std::vector<std::size_t> idx;
  for (const auto& u : units.members) idx.insert(idx.end(), u.begin(), u.end());
  const Parts observed = parts(idx);
  out.r2_simple = observed.s;
  out.r2_llm = observed.l;
  out.r2_joint = observed.j;
  out.omega = observed.omega;

  // Passage bootstrap with bootstrap.hpp's resampler (uniform unit draws, percentile interval):
  // one pass for R^2(L), and omega from the same resamples via the callable's side channel.
  std::vector<double> omegas;
  omegas.reserve(options.bootstrap.resamples + 1);
  bool first_call = true;
  const BootstrapCi r2_ci = bootstrap_ci(
      units,
      [&](const std::vector<std::size_t>& draw) {
        const Parts p = parts(draw);
        if (!first_call) omegas.push_back(p.omega);  // the first call scores the original indices
        first_call = false;
        return p.l;
      },
      seed, options.bootstrap);
  out.r2_llm_low = r2_ci.lower;
  out.r2_llm_high = r2_ci.upper;
  out.resamples = omegas.size();
  std::size_t at_or_below = 0;
  for (double o : omegas) {
    if (o <= -kOmegaBound) ++out.undefined_draws;
    if (o <= options.threshold_percent) ++at_or_below;
  }
  std::sort(omegas.begin(), omegas.end());
  out.omega_low = quantile_sorted(omegas, (1.0 - options.bootstrap.confidence) / 2.0);
  out.omega_high = quantile_sorted(omegas, (1.0 + options.bootstrap.confidence) / 2.0);
  out.p = (1.0 + static_cast<double>(at_or_below)) / (1.0 + static_cast<double>(omegas.size()));

  PartitionOptions po;
  po.ridge.alphas = options.alphas;
  po.ridge.inner_folds = options.inner_folds;
  po.ridge.standardize = true;
  po.ridge.inner_groups = groups;
  po.metric = Metric::r2;
  po.aggregation = FoldAggregation::pooled;
  out.single_alpha_omega = feghhi_omega(simple, llm, y_mat, folds, po).percent(0);

  const bool llm_predicts = out.r2_llm_low > 0.0;
  if (llm_predicts && out.omega_low > options.threshold_percent) {
    out.verdict = Verdict::replicated;
  } else if (llm_predicts && out.omega_high < options.threshold_percent) {
    out.verdict = Verdict::reversed;
  }
  return out;
}

inline std::string omega_details(const OmegaAnalysis& a) {
  std::ostringstream s;
  s << "R^2 (pooled out-of-fold): simple " << format_number(a.r2_simple) << ", LLM " << format_number(a.r2_llm)
    << " [" << format_number(a.r2_llm_low) << ", " << format_number(a.r2_llm_high) << "], joint "
    << format_number(a.r2_joint) << "; omega " << format_number(a.omega) << "% (joint fit with one shared alpha instead of banded: "
    << (std::isfinite(a.single_alpha_omega) ? format_number(a.single_alpha_omega) + "%" : std::string("undefined, R^2(LLM) <= 0"))
    << "); resamples with R^2(LLM) <= 0: " << a.undefined_draws << " of "
    << a.resamples;
  return s.str();
}

// ---------------------------------------------------------------------------------------------
// F2, F3 on Pereira: the 384-sentence set (96 passages x 4), rows with a response.

struct PereiraRows {
  std::vector<std::size_t> rows;  // indices into the 627 sentences
  Eigen::VectorXd y;              // averaged language-network response
  std::vector<int> passage;       // groups for group_kfold and the bootstrap
  Eigen::MatrixXd sl_sp;          // sentence length (words) + one-hot sentence position (4)
  Eigen::MatrixXd glove;          // 300-d GloVe sentence vectors
};

// `sentence_length`, `position`, `passage`, `response`, `glove` as in datasets::PereiraData.
inline PereiraRows pereira_384_rows(const std::vector<int>& experiment, const std::vector<int>& passage,
                                    const std::vector<int>& position, const Eigen::Ref<const Eigen::VectorXd>& length_words,
                                    const Eigen::Ref<const Eigen::VectorXd>& response,
                                    const Eigen::Ref<const Eigen::MatrixXd>& glove) {
  PereiraRows out;
  std::vector<int> pos;
  for (std::size_t i = 0; i < experiment.size(); ++i) {
    if (experiment[i] != 384 || !std::isfinite(response(static_cast<Eigen::Index>(i)))) continue;
    out.rows.push_back(i);
    out.passage.push_back(passage[i]);
    pos.push_back(position[i]);
  }
  const auto n = static_cast<Eigen::Index>(out.rows.size());
  const Eigen::MatrixXd sp = one_hot(pos);
  out.y.resize(n);
  out.sl_sp.resize(n, 1 + sp.cols());
  out.glove.resize(n, glove.cols());
  for (Eigen::Index k = 0; k < n; ++k) {
    const auto i = static_cast<Eigen::Index>(out.rows[static_cast<std::size_t>(k)]);
    out.y(k) = response(i);
    out.sl_sp(k, 0) = length_words(i);
    out.glove.row(k) = glove.row(i);
  }
  out.sl_sp.rightCols(sp.cols()) = sp;
  return out;
}

inline Eigen::MatrixXd take_rows(const Eigen::Ref<const Eigen::MatrixXd>& m, const std::vector<std::size_t>& rows) {
  return rows_of(m, rows);
}

inline constexpr std::size_t kPereiraFolds = 10;  // group k-fold over the 96 passages

// The omega controls shared by F2 and F3: one response vector over 96 simulated passages of 4
// sentences, a small "simple" set and a 64-column "LLM" set (as stories260K's width).
// Positive: everything the LLM predicts is shared with the simple set (planted omega 100%).
// Negative: the LLM predicts mostly what the simple set lacks (planted omega 0.1 / 0.7 = 14%).
// With `power_matched` (the calibration set, issue 13.8), a third control at the real data's
// scale: simple-only variance 0.10 and shared 0.02 over unit noise, so R^2(simple) ~ 0.107 (SL+SP
// reach 0.105 on Pereira) and R^2(LLM) ~ 0.018, all of it shared (planted omega 100%). Its rate
// over seeds is the rule's power where a real brain score would be.
// Seeds at calibration offset `offset` (harness.hpp control_seed).
inline std::vector<ControlResult> omega_controls(std::uint64_t offset = 0, bool power_matched = false) {
  PartitionSpec base;
  base.samples = 384;
  base.targets = 1;
  base.a_only_features = 3;
  base.shared_features = 3;
  base.b_only_features = 61;
  base.noise_stddev = 1.0;
  std::vector<int> groups(static_cast<std::size_t>(base.samples));
  for (std::size_t i = 0; i < groups.size(); ++i) groups[i] = static_cast<int>(i / 4);
  const std::vector<Fold> folds = group_kfold(groups, kPereiraFolds);
  const auto run = [&](const std::string& name, PartitionSpec spec, Seed seed) {
    const SimulatedPartition sim = simulate_partition(spec, seed);
    const OmegaAnalysis a = omega_analysis({sim.a}, sim.b, sim.y.col(0), groups, folds, Seed{seed.value + 100});
    std::cout << name << ": " << omega_details(a) << ", CI [" << a.omega_low << ", " << a.omega_high << "]\n";
    return ControlResult{name, a.omega, a.p, a.detected()};
  };
  PartitionSpec positive = base;
  positive.unique_a_variance = 0.2;
  positive.shared_variance = 0.6;
  positive.unique_b_variance = 0.0;
  PartitionSpec negative = base;
  negative.unique_a_variance = 0.2;
  negative.shared_variance = 0.1;
  negative.unique_b_variance = 0.6;
  std::vector<ControlResult> out = {
      run("positive: LLM variance all shared with simple features", positive, Seed{control_seed(21, offset)}),
      run("negative: LLM variance mostly unique", negative, Seed{control_seed(22, offset)})};
  if (power_matched) {
    PartitionSpec matched = base;
    matched.unique_a_variance = 0.10;
    matched.shared_variance = 0.02;
    matched.unique_b_variance = 0.0;
    out.push_back(run("positive: power-matched, R^2(LLM) ~ 0.02 all shared, R^2(simple) ~ 0.1", matched,
                      Seed{control_seed(23, offset)}));
  }
  return out;
}

// F2 and F3: omega of one Pereira feature artifact (its middle block, registered before running,
// as in F1: no layer search) against the simple-feature bands, 10-fold group CV by passage,
// bootstrap seed 2024, as the ClaimResult to report and check. `claim` and `statistic` name it.
inline ClaimResult omega_claim(const std::string& claim, const std::string& statistic, const PereiraRows& p,
                               const std::string& artifact, const std::vector<Eigen::MatrixXd>& simple_bands) {
  const Eigen::MatrixXd llm = take_rows(feature_dir(artifact).array("segment_activations_block_2"), p.rows);
  const std::vector<Fold> folds = group_kfold(p.passage, kPereiraFolds);
  const OmegaAnalysis a = omega_analysis(simple_bands, llm, p.y, p.passage, folds, Seed{2024});
  ClaimResult r;
  r.claim = claim;
  r.statistic = statistic;
  r.value = a.omega;
  r.ci_low = a.omega_low;
  r.ci_high = a.omega_high;
  r.p = a.p;
  r.verdict = a.verdict;
  r.details = {"", std::to_string(p.rows.size()) + " sentences with a response, " + std::to_string(folds.size()) +
                       "-fold group CV by passage. " + omega_details(a)};
  return r;
}

}  // namespace neuroscore::reproductions::feghhi
