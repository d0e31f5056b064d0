// neuroscore/detail/ridge_folds.hpp (private): a fold of cross-validated ridge factored once, and the
// fold checks around it (rows are gathered by score.hpp's rows_of). Entry point: detail::FactoredFold<Scalar>.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/ridge_decomposition.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::detail {

inline void validate_folds(const std::vector<Fold>& folds, std::size_t n) {
  if (folds.empty()) throw std::invalid_argument("cross_validated_ridge: no folds");
  for (std::size_t f = 0; f < folds.size(); ++f) {
    for (const auto* part : {&folds[f].train, &folds[f].test}) {
      for (std::size_t i : *part) {
        if (i >= n) {
          throw std::invalid_argument("fold " + std::to_string(f) + " names sample " +
                                      std::to_string(i) + " but there are " + std::to_string(n));
        }
      }
    }
    if (folds[f].test.empty()) {
      throw std::invalid_argument("fold " + std::to_string(f) + " has no test samples");
    }
  }
}

// One inner (or outer) fold, factored once for every alpha and every target batch.
template <class Scalar>
struct FactoredFold {
  RidgeDecomposition<Scalar> factor;
  std::vector<std::size_t> train_rows;  // rows of the caller's Y
  std::vector<std::size_t> test_rows;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> test_inputs;  // (X_test - mean) F
};

}  // namespace neuroscore::detail
