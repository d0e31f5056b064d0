// benchmarks/brain/leaderboard_data.cc: the real-data benchmarks of the leaderboard and their
// control features (see leaderboard_data.hpp).
#include "benchmarks/brain/leaderboard_data.hpp"

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/alice_encoding.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/datasets/alice_predictors.hpp"
#include "neuroscore/datasets/naturalstories.hpp"
#include "neuroscore/datasets/pereira.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

namespace detail::lbdata {
Eigen::MatrixXd hcat(const std::vector<Eigen::MatrixXd>& parts) {
  Eigen::Index cols = 0;
  for (const auto& p : parts) cols += p.cols();
  Eigen::MatrixXd out(parts.front().rows(), cols);
  Eigen::Index c = 0;
  for (const auto& p : parts) {
    out.middleCols(c, p.cols()) = p;
    c += p.cols();
  }
  return out;
}
}  // namespace detail::lbdata

const Eigen::MatrixXd& control_features(const std::vector<Method>& controls, const std::string& name) {
  for (const Method& m : controls) {
    if (m.name == name) return m.x;
  }
  throw std::logic_error("leaderboard: no control named " + name);
}

PereiraRows pereira_rows(const datasets::PereiraData& d) {
  PereiraRows out;
  for (int i = 0; i < static_cast<int>(d.sentences.size()); ++i) {
    if (d.experiment[static_cast<std::size_t>(i)] == 384 && std::isfinite(d.response(i))) out.rows.push_back(i);
  }
  return out;
}

Eigen::MatrixXd take(const Eigen::Ref<const Eigen::MatrixXd>& m, const std::vector<int>& rows) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(rows[i]);
  return out;
}

Benchmark pereira_benchmark(const datasets::PereiraData& d) {
  const PereiraRows pr = pereira_rows(d);
  Benchmark b;
  b.name = "pereira2018-langnet";
  b.responses = take(d.response, pr.rows);
  b.target_subject = {0};
  b.target_region = {"langnet"};
  b.regions = {"langnet"};
  std::vector<int> passage;
  for (int i : pr.rows) passage.push_back(d.passage[static_cast<std::size_t>(i)]);
  b.folds = group_kfold(passage, 5);
  b.bootstrap_groups = passage;
  b.ridge.inner_groups = passage;  // alpha chosen on held-out passages too
  b.block = BlockLength{8};
  b.ridge.alphas = kTableAlphas;  // alphas.hpp
  b.ridge.standardize = true;
  b.ceiling_note = "none: only the participant-averaged response is released (no split-half or inter-subject data)";
  b.description = "Pereira et al. 2018 exp. 2: " + std::to_string(pr.rows.size()) +
                  " sentences with a matched averaged language-network response; sentence-level; passage-grouped "
                  "5-fold CV, alpha by passage-grouped inner CV; Pearson r per fold, mean over folds; bootstrap over passages; no ceiling";
  return b;
}

std::vector<Method> pereira_controls(const datasets::PereiraData& d) {
  const PereiraRows pr = pereira_rows(d);
  std::vector<int> pos, passage;
  for (int i : pr.rows) {
    pos.push_back(d.position[static_cast<std::size_t>(i)]);
    passage.push_back(d.passage[static_cast<std::size_t>(i)]);
  }
  std::vector<Method> out;
  out.push_back({"control/sentence_length", "control", "control", -1, take(d.length_words, pr.rows)});
  out.push_back({"control/sentence_position", "control", "control", -1, one_hot(pos)});
  out.push_back({"control/glove", "control", "control", -1, take(d.glove, pr.rows)});
  out.push_back({"control/oasm", "control", "control", -1, oasm_features(passage, 1.0)});
  out.push_back({"control/length+position", "control", "control", -1, detail::lbdata::hcat({out[0].x, out[1].x})});
  return out;
}

}  // namespace neuroscore::benchmarks
