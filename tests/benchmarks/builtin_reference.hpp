// tests/benchmarks/builtin_reference.hpp: the C++ definitions of the built-ins alice2016-roi and
// naturalstories-rt as they were at b0b5990, before those built-ins became benchmark files
// (benchmarks/brain/builtin/*.json). Kept only as the reference benchmark_file_test compares the
// file built-ins against, to the last bit; no production code calls them.
#pragma once

#include <Eigen/Core>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/datasets/alice_predictors.hpp"
#include "neuroscore/datasets/naturalstories.hpp"

namespace neuroscore::benchmarks {

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

// Controls: word rate (FIR), word frequency (the released HRF-convolved frq_conv_orth; no FIR),
// OASM over the single run (Gaussian width 1 volume, fixed a priori: the run is one sequence; its
// tails, down to 1e-281 on a test block's own columns, are left to ridge.hpp's near-constant
// column guard).
// No GloVe for Alice: no word-vector file ships with the data.
std::vector<Method> alice_controls(const datasets::AliceData& data, const datasets::AlicePredictors& pred);

// ---- naturalstories-rt ----
// Mean self-paced reading time per word (log ms) over readers, 10 stories; one target. Story-
// grouped 5-fold CV (2 stories per fold); bootstrap blocks of 50 words. No ceiling: a split-half
// ceiling needs per-reader times, which are not in the release.
Benchmark naturalstories_benchmark(const datasets::NaturalStoriesData& d);

// Controls: word length, log frequency, position in story; baseline = all three. No OASM here (a
// 10,256 x 10,256 dense matrix), no GloVe (no word vectors ship with the data).
std::vector<Method> naturalstories_controls(const datasets::NaturalStoriesData& d);

}  // namespace neuroscore::benchmarks
