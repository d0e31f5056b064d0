// benchmarks/brain/leaderboard_data.hpp: the real-data benchmarks of the leaderboard and their control
// features. Entry points: alice_benchmark, pereira_benchmark, naturalstories_benchmark,
// alice_controls, pereira_controls, naturalstories_controls.
#pragma once

#include <Eigen/Core>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/datasets/alice_predictors.hpp"
#include "neuroscore/datasets/naturalstories.hpp"
#include "neuroscore/datasets/pereira.hpp"

namespace neuroscore::benchmarks {

namespace detail::lbdata {
// The parts side by side (same rows), in order.
Eigen::MatrixXd hcat(const std::vector<Eigen::MatrixXd>& parts);
}  // namespace detail::lbdata

// ---- alice2016-roi ----
// 27 listeners x 6 ROIs (z-scored per listener), 362 volumes; contiguous 5-fold CV with a
// 4-volume purge gap (alice_encoding.hpp's options: FIR delays 1-4, per-target alpha by inner
// contiguous CV over 0.1..1e8, standardized features); bootstrap: blocks of 20 volumes.
// Ceiling: leave-one-subject-out inter-subject correlation of each ROI on every test fold, mean over
// folds as the score is (ceiling.hpp), corrected to
// a single-subject ceiling sqrt(rho_1) (r units); the benchmark's ceiling is the median over
// ROIs, matching the score's median over a listener's ROIs. `shuffled` swaps the outer split for
// shuffled 5-fold: the leaky CONTROL of Feghhi et al. (never a leaderboard score).
Benchmark alice_benchmark(const datasets::AliceData& data, bool shuffled = false);

// Word-level matrix (one row per data.words entry) -> Alice design (FIR 1-4 on kept volumes).
Eigen::MatrixXd alice_design(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& words,
                             WordToVolume how);

// The features of the control called `name` (e.g. "control/rate+frequency"): the benchmarks'
// baselines are picked by name, so reordering or adding controls cannot swap a baseline.
const Eigen::MatrixXd& control_features(const std::vector<Method>& controls, const std::string& name);

// Controls: word rate (FIR), word frequency (the released HRF-convolved frq_conv_orth; no FIR),
// OASM over the single run (Gaussian width 1 volume, fixed a priori: the run is one sequence; its
// tails, down to 1e-281 on a test block's own columns, are left to ridge.hpp's near-constant
// column guard).
// No GloVe for Alice: no word-vector file ships with the data.
std::vector<Method> alice_controls(const datasets::AliceData& data, const datasets::AlicePredictors& pred);

// ---- pereira2018-langnet ----
// The 384-sentence set (96 passages x 4) with a matched averaged language-network response; one
// target, one "subject" (the response is averaged over participants). Passage-grouped 5-fold CV;
// bootstrap over passages. No ceiling: the release has only the participant average, so no
// split-half or inter-subject reliability can be computed; normalized scores are left empty.
struct PereiraRows {
  std::vector<int> rows;  // indices into PereiraData (384 set, finite response)
};

// The rows of the 384-sentence set with a finite response.
PereiraRows pereira_rows(const datasets::PereiraData& d);

// The rows of `m` listed in `rows`, in that order.
Eigen::MatrixXd take(const Eigen::Ref<const Eigen::MatrixXd>& m, const std::vector<int>& rows);

Benchmark pereira_benchmark(const datasets::PereiraData& d);

// Controls on the same rows: sentence length, position in passage (one-hot), GloVe (300),
// OASM within passage (width 1 sentence). Baseline = length + position (Feghhi et al. F2).
std::vector<Method> pereira_controls(const datasets::PereiraData& d);

// ---- naturalstories-rt ----
// Mean self-paced reading time per word (log ms) over readers, 10 stories; one target. Story-
// grouped 5-fold CV (2 stories per fold); bootstrap blocks of 50 words. No ceiling: a split-half
// ceiling needs per-reader times, which are not in the release.
Benchmark naturalstories_benchmark(const datasets::NaturalStoriesData& d);

// Controls: word length, log frequency, position in story; baseline = all three. No OASM here (a
// 10,256 x 10,256 dense matrix), no GloVe (no word vectors ship with the data).
std::vector<Method> naturalstories_controls(const datasets::NaturalStoriesData& d);

}  // namespace neuroscore::benchmarks
