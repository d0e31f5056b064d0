// benchmarks/brain/leaderboard_data.hpp: the real-data benchmarks of the leaderboard and their control
// features. Entry points: pereira_benchmark, pereira_controls, control_features. (alice2016-roi and
// naturalstories-rt are benchmark files: benchmarks/brain/builtin/.)
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

// The features of the control called `name` (e.g. "control/rate+frequency"): the benchmarks'
// baselines are picked by name, so reordering or adding controls cannot swap a baseline.
const Eigen::MatrixXd& control_features(const std::vector<Method>& controls, const std::string& name);

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

}  // namespace neuroscore::benchmarks
