// neuroscore/check.hpp: the argument checks every function of the library applies, public so that
// bindings and applications validate their inputs with the same messages. Entry point:
// require_finite(matrix, "name") throws naming the first bad row and column.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <stdexcept>
#include <string>

namespace neuroscore {

// "rows x cols", as the messages below print a shape.
inline std::string shape_string(Eigen::Index rows, Eigen::Index cols) {
  return std::to_string(rows) + " x " + std::to_string(cols);
}

// Throws std::invalid_argument naming `what`, the first non-finite value and its row and column
// (column-major order), if m has a NaN or an infinity.
template <class Derived>
void require_finite(const Eigen::DenseBase<Derived>& m, const std::string& what) {
  if (m.allFinite()) return;
  for (Eigen::Index j = 0; j < m.cols(); ++j) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
      if (!std::isfinite(static_cast<double>(m(i, j)))) {
        throw std::invalid_argument(what + " has a non-finite value (" +
                                    std::to_string(static_cast<double>(m(i, j))) + ") at row " +
                                    std::to_string(i) + ", column " + std::to_string(j));
      }
    }
  }
}

// Throws std::invalid_argument naming both shapes if a and b differ in rows or columns.
template <class A, class B>
void require_same_shape(const Eigen::DenseBase<A>& a, const std::string& a_name,
                        const Eigen::DenseBase<B>& b, const std::string& b_name) {
  if (a.rows() != b.rows() || a.cols() != b.cols()) {
    throw std::invalid_argument(a_name + " is " + shape_string(a.rows(), a.cols()) + " but " +
                                b_name + " is " + shape_string(b.rows(), b.cols()));
  }
}

}  // namespace neuroscore
