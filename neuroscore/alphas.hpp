// neuroscore/alphas.hpp: the ridge alpha grids the library, the command line, the leaderboard and
// the reproductions use, each defined once. Entry point: kDefaultAlphas (RidgeCvOptions' default).
//
// A grid is a list of candidate ridge penalties; the inner CV picks one per target (ridge.hpp).
// Each grid keeps the order and the exact values its users had when it was a literal (results
// are bit-identical); the fit reports how often a grid's edge is chosen
// (RidgeCvResult::alphas_at_grid_edge).
//
// Initialization: these are inline variables with dynamic initialization; a global in another
// translation unit that copies one of them at start-up is initialized after it, as long as that
// translation unit includes this header before defining the global ([basic.start.dynamic]/3).
#pragma once

#include <cmath>
#include <vector>

namespace neuroscore {

// RidgeCvOptions' default (ridge.hpp) and the Python package's DEFAULT_ALPHAS (RidgeCV,
// cross_validated_ridge, partition_variance, feghhi_omega; bound from this constant in
// python/src/ridge.cc): 0.1 to 1e4 (6 values), the library's general-purpose default, narrow
// enough to stay cheap; callers with unusual scales pass their own.
inline const std::vector<double> kDefaultAlphas = {0.1, 1.0, 10.0, 100.0, 1000.0, 10000.0};

// BandedRidgeOptions' default (partition.hpp) and the Python BandedRidgeCV default (bound as
// BANDED_ALPHAS): 1e-2 to 1e5 (8 values), a decade wider at each end than kDefaultAlphas, because
// the searched band weights (summing to 1) rescale every band's columns.
inline const std::vector<double> kBandedAlphas = {1e-2, 1e-1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5};

// The wide grid, 0.1 to 1e8 (10 values): `neuroscore score` (ScoreRequest's default, printed by
// score --help), benchmark files without a "ridge.alphas" key (benchmark_file_parse.cc), the Alice
// encoding pipeline (alice_encoding.hpp, hence the alice2016-roi leaderboard benchmark) and the
// Feghhi OASM reproduction (feghhi.hpp). Standardized features of very different widths meet
// here: a language model's hundreds of columns on 362 volumes want little shrinkage, word rate
// alone wants a lot.
inline const std::vector<double> kWideAlphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};

// The built-in table benchmarks of the leaderboard, 0.1 to 1e6 (8 values): pereira2018-langnet
// (384 sentences) and naturalstories-rt (10,256 words), both leaderboard_data.hpp: one
// averaged target each, grouped (passage, story) folds.
inline const std::vector<double> kTableAlphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6};

// The synthetic leaderboard benchmark (leaderboard.hpp, simulate.hpp's planted signal), 0.1 to
// 1e5 (7 values).
inline const std::vector<double> kSyntheticAlphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5};

// The Feghhi et al. 2024 omega analysis (reproductions/feghhi2024/feghhi.hpp OmegaOptions),
// 1e-2 to 1e6 (9 values): sentence-level features (length, position, GloVe, a model's layer)
// want anything from no to heavy shrinkage.
inline const std::vector<double> kOmegaAlphas = {1e-2, 0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6};

// The speed benchmarks' grid, logspace(-2, 6, 17): 10^(-2 + 0.5 i), i = 0..16, computed with
// std::pow as ridge_benchmark.cc and null_benchmark.cc computed it (W1-W5 of the README and
// benchmarks/perf/w5/run_w5.sh, which prints the same powers). Half-decade steps: a realistic grid
// size for the cost of a fit, which grows with the number of alphas.
inline const std::vector<double> kBenchmarkAlphas = [] {
  std::vector<double> a;
  for (int i = 0; i < 17; ++i) a.push_back(std::pow(10.0, -2.0 + 0.5 * i));
  return a;
}();

}  // namespace neuroscore
