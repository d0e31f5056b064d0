// benchmarks/brain/leaderboard.hpp: the method leaderboard without libtorch: benchmarks (responses +
// split + metric + ceiling), methods (design matrices), scoring, ranking and aggregation.
// Entry points: fit_method(benchmark, method, with_baseline), score_fit(...), rank_methods(...), aggregate_rows(...).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

// A benchmark: responses, the split, the metric and (when one exists) a ceiling.
// Metric: Pearson r of out-of-fold ridge predictions per test fold, averaged over folds per
// target; the benchmark's score is the MEDIAN over a subject's targets, then the MEAN over
// subjects (Brain-Score's convention). Ceiling-normalized score = score / ceiling, both in r.
struct Benchmark {
  std::string name;
  std::string description;                // split, metric, ceiling, in words
  Eigen::MatrixXd responses;              // samples x targets
  std::vector<int> target_subject;        // per target: subject index 0..S-1
  std::vector<std::string> target_region; // per target: ROI / measure name
  std::vector<std::string> regions;       // distinct regions in report order
  std::vector<Fold> folds;                // outer folds (contiguous with gap, or grouped)
  std::vector<int> bootstrap_groups;      // resampling unit per sample; empty: contiguous blocks
  BlockLength block{20};                  // bootstrap block and paired-test block (samples)
  // Ceiling per region in r units (single-subject encoding scale); empty when none exists.
  std::map<std::string, double> region_ceiling;
  double ceiling = std::numeric_limits<double>::quiet_NaN();  // of the benchmark score, r units
  std::string ceiling_note;               // how it was obtained, or why there is none
  RidgeCvOptions ridge;
  Eigen::MatrixXd baseline;               // the simple-feature baseline design (samples x p)
  std::string baseline_name;
  bool harness_check = false;             // simulated data that checks the harness: not in the aggregate
  bool signed_effects = false;            // word-level: report the signed effects of low-dimensional methods (signed_effects.hpp)
};

// A feature method: one design matrix on the benchmark's samples.
struct Method {
  std::string name;    // "trained/activations_block_2"
  std::string model;   // "trained", "untrained", "control", "synthetic"
  std::string family;  // activations | attention | attribution | control | model+controls | synthetic
  int layer = -1;      // 0 = embedding, l + 1 = block l; -1: not layer-wise
  Eigen::MatrixXd x;   // samples x features (unused when layer_candidates is set)
  // Non-empty: the method is "the model through its inner-CV-chosen layer": per outer fold and
  // target, the candidate with the best mean inner-fold r on the training rows only
  // (fit_selected_layer). x is then empty.
  std::vector<Eigen::MatrixXd> layer_candidates;
  // false: a diagnostic row (one layer of a layer curve, whose best is picked on test folds):
  // reported, but not ranked, not tested and not in the aggregate.
  bool ranked = true;
  // What each column of x is ("lag 1", "word_frequency"), for reports of single columns (signed
  // effects); empty: the columns are numbered.
  std::vector<std::string> column_labels;
};

struct ScoringOptions {
  BootstrapOptions bootstrap{1000, 0.95, BootstrapMethod::percentile};
  Seed seed{7};
  std::size_t permutations = 2000;  // sign flips of the comparison with the best
  bool gain_over_baseline = true;
};

// The cross-validated fit of one method on one benchmark (what the cache stores).
struct MethodFit {
  Eigen::MatrixXd predictions;  // samples x targets, out of fold
  Eigen::MatrixXd fold_r;       // folds x targets
  Eigen::VectorXd r2_joint;     // per target: R^2 of [baseline, method] (empty if not computed)
  Eigen::MatrixXd chosen_layer; // folds x targets, candidate index (layer_candidates methods only)
};

struct MethodScore {
  std::string benchmark, method, model, family;
  int layer = -1;
  double raw = 0.0;                  // median over targets within subject, mean over subjects (r)
  double ci_low = 0.0, ci_high = 0.0;  // percentile interval of `raw`: subjects x units with >= 2 subjects, else units
  double normalized = std::numeric_limits<double>::quiet_NaN();  // raw / ceiling (r / r)
  double gain_unique_r2 = std::numeric_limits<double>::quiet_NaN();  // R^2(base+method) - R^2(base)
  // p of "this method is (tied for) the best" by comparison with the best over the benchmark's
  // ranked methods (compare.hpp); NaN for diagnostic rows.
  double p_vs_best = std::numeric_limits<double>::quiet_NaN();
  int rank = 0;  // 1.. among ranked methods; 0 for diagnostic rows
  bool ranked = true;
  std::map<std::string, double> region_raw;   // per region: mean over subjects of the region's r
  std::map<std::string, double> region_normalized;
  Eigen::VectorXd subject_scores;    // per subject (for the paired test)
  MethodFit fit;
};

namespace detail::leaderboard {

// The median of `v` (the mean of the middle two for an even count); NaN when empty.
double median(std::vector<double> v);

// Subjects in the benchmark: one more than the largest target_subject.
int subject_count(const Benchmark& b);

// Per-subject scores: median over the subject's targets of `per_target`.
Eigen::VectorXd subject_medians(const Benchmark& b, const Eigen::Ref<const Eigen::VectorXd>& per_target);

// Pearson r of a and b; 0 when either is constant.
double pearson(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b);

}  // namespace detail::leaderboard

// Checks that a benchmark is self-consistent. Errors name the benchmark and the sizes.
void validate_benchmark(const Benchmark& b);

// Fold of each sample (-1: never tested).
std::vector<int> test_fold_of(const Benchmark& b);

// The benchmark score of out-of-fold predictions restricted to sample indices `idx` (with
// repeats, as a bootstrap draws them): per fold, Pearson r of the fold's samples in idx; mean
// over folds holding >= 3 of them; then median over a subject's targets, mean over subjects.
// On the original indices this is exactly the per-fold mean r of the fit.
Eigen::VectorXd subject_scores_on(const Benchmark& b, const std::vector<int>& fold_of,
                                  const Eigen::Ref<const Eigen::MatrixXd>& predictions,
                                  const std::vector<std::size_t>& idx);

ResamplingUnits bootstrap_units(const Benchmark& b);

// R^2 (per-fold mean, r^2 units) of the baseline alone: computed once per benchmark.
Eigen::VectorXd baseline_r2(const Benchmark& b);

// The expensive part (ridge fits), separate so a cache can store it.
MethodFit fit_method(const Benchmark& b, const Method& m, bool with_baseline);

// The inner folds over one outer fold's training rows: grouped when the benchmark's ridge
// selects alpha on groups (whole passages/stories), else contiguous with the inner gap.
std::vector<Fold> selection_folds(const Benchmark& b, const Fold& outer);

// A model through its inner-CV-chosen layer. For each outer fold: every candidate is fitted
// (cross_validated_ridge with the benchmark's options, alpha chosen inside) on inner folds of
// the outer training rows and scored by the mean over inner folds of the per-fold Pearson r;
// each target takes the best candidate (ties: the earlier); that candidate's model refit on the
// whole outer training set predicts the outer test rows. The test rows never influence the
// choice, unlike the maximum over per-layer rows. No joint fit with the baseline (gain NaN).
MethodFit fit_selected_layer(const Benchmark& b, const Method& m);

// Scores of one fitted method: raw, per region, CI, normalized, gain. Rank and p come from
// rank_methods. `base_r2` is baseline_r2(b) (may be empty: no gain).
MethodScore score_fit(const Benchmark& b, const Method& m, MethodFit fit,
                      const Eigen::Ref<const Eigen::VectorXd>& base_r2, const ScoringOptions& options);

// Sorts `scores` (one benchmark) by raw score (ranked rows first), assigns ranks 1.. to the
// ranked rows, and gives every ranked method p_vs_best, the p of "this method is (tied for) the
// best" from comparison_with_the_best over all ranked methods at once (compare.hpp), which
// accounts for the leader being picked on the same data and for the number of methods:
//  - two or more subjects: units = subjects, unit scores = per-subject scores (sign flips over
//    subjects; exact when 2^subjects <= permutations);
//  - one subject: units = blocks of the benchmark's block length, scores = minus each block's
//    sum of squared errors, targets stacked one after another (each block stays within a target
//    when the sample count is a multiple of the block; otherwise one block per target straddles).
// Diagnostic rows (ranked = false) keep rank 0 and no p.
void rank_methods(const Benchmark& b, std::vector<MethodScore>& scores, const ScoringOptions& options);

// Leaderboard aggregate of one method over benchmarks: the unweighted mean of ceiling-normalized
// scores over the benchmarks that HAVE a ceiling (compare.hpp aggregate_benchmark_scores), and the
// mean raw r over all benchmarks it was scored on.
struct MethodAggregate {
  std::string method;
  double mean_normalized = std::numeric_limits<double>::quiet_NaN();
  int benchmarks_with_ceiling = 0;
  double mean_raw = std::numeric_limits<double>::quiet_NaN();
  int benchmarks = 0;
};

std::vector<MethodAggregate> aggregate_rows(const std::vector<MethodScore>& all);

// ---- The synthetic benchmark: a planted brain with a known ceiling (simulate.hpp) ----
//
// `subjects` listeners x `targets` regions x `samples` volumes; every subject's response is the
// same feature-driven signal (variance `signal_variance`) plus independent AR(1) noise (variance
// 1). The ceiling is the planted one, sqrt(EV_1) = sqrt(s / (s + 1)) in r units: what a perfect
// model of the signal reaches against one subject. Methods: `synthetic/planted` (the design the
// signal is linear in), `synthetic/partial` (its first quarter of columns), `synthetic/null`
// (independent noise of the same shape). Baseline: the simulation's confound design.
struct SyntheticBenchmark {
  Benchmark benchmark;
  std::vector<Method> methods;
  double planted_ceiling = 0.0;
};

SyntheticBenchmark synthetic_benchmark(Seed seed, Eigen::Index subjects = 6, Eigen::Index targets = 4,
                                       Eigen::Index samples = 400, double signal_variance = 0.5);

}  // namespace neuroscore::benchmarks
