// tests/testing/gaussian.hpp: the tests' reproducible Gaussian matrix (std::mt19937 with `seed`,
// standard normal, filled column by column), shared so that tests comparing two paths on the
// same data draw it the same way.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <random>

namespace neuroscore::testing {

inline Eigen::MatrixXd gaussian(Eigen::Index rows, Eigen::Index cols, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Eigen::MatrixXd m(rows, cols);
  for (Eigen::Index j = 0; j < cols; ++j)
    for (Eigen::Index i = 0; i < rows; ++i) m(i, j) = normal(rng);
  return m;
}

}  // namespace neuroscore::testing
