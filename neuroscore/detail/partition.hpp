// neuroscore/detail/partition.hpp (private): joined feature sets and per-fold prediction blocks
// for partition.hpp. Entry points: detail::partitioning::hstack, fold_blocks.
#pragma once

#include <Eigen/Core>

#include <vector>

#include "neuroscore/score.hpp"
#include "neuroscore/split_types.hpp"

namespace neuroscore {

namespace detail::partitioning {

inline Eigen::MatrixXd hstack(const Eigen::Ref<const Eigen::MatrixXd>& a, const Eigen::Ref<const Eigen::MatrixXd>& b) {
  Eigen::MatrixXd out(a.rows(), a.cols() + b.cols());
  out << a, b;
  return out;
}

inline std::vector<Eigen::MatrixXd> fold_blocks(const Eigen::Ref<const Eigen::MatrixXd>& predictions,
                                                const std::vector<Fold>& folds) {
  std::vector<Eigen::MatrixXd> blocks;
  blocks.reserve(folds.size());
  for (const Fold& f : folds) blocks.push_back(rows_of(predictions, f.test));
  return blocks;
}

}  // namespace detail::partitioning

}  // namespace neuroscore
