// neuroscore/detail/ols.hpp: the standardized design and the rank-checked least-squares solve of
// neuroscore/ols.hpp (not a public interface).
#pragma once

#include <Eigen/Core>
#include <Eigen/QR>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "neuroscore/check.hpp"

namespace neuroscore::detail {

// [1, z(x), z(c)] of all rows; throws naming a constant column.
inline Eigen::MatrixXd standardized_design(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& c,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y) {
  const Eigen::Index n = y.rows();
  if (x.rows() != n || (c.cols() > 0 && c.rows() != n)) {
    throw std::invalid_argument("standardized_ols: predictors have " + std::to_string(x.rows()) + " rows, covariates " +
                                std::to_string(c.rows()) + ", responses " + std::to_string(n));
  }
  if (x.cols() == 0 || y.cols() == 0) throw std::invalid_argument("standardized_ols: no predictor or no response column");
  const Eigen::Index p = 1 + x.cols() + c.cols();
  if (n < p + 2) {
    throw std::invalid_argument("standardized_ols: " + std::to_string(n) + " rows for " + std::to_string(p) +
                                " coefficients (intercept included): at least 2 more rows are needed");
  }
  require_finite(x, "standardized_ols: predictors");
  if (c.cols() > 0) require_finite(c, "standardized_ols: covariates");
  require_finite(y, "standardized_ols: responses");
  Eigen::MatrixXd d(n, p);
  d.col(0).setOnes();
  const auto put = [&](const Eigen::Ref<const Eigen::MatrixXd>& m, Eigen::Index at, const char* what) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      const double mean = m.col(j).mean();
      const double sd = std::sqrt((m.col(j).array() - mean).square().mean());
      if (!(sd > 0.0) || sd <= 1e-12 * std::max(1.0, std::abs(mean))) {
        throw std::invalid_argument(std::string("standardized_ols: ") + what + " column " + std::to_string(j) + " is constant");
      }
      d.col(at + j) = (m.col(j).array() - mean) / sd;
    }
  };
  put(x, 1, "predictor");
  if (c.cols() > 0) put(c, 1 + x.cols(), "covariate");
  return d;
}

// The predictors' rows of the least-squares solution, or nothing when the design is rank deficient.
inline bool ols_solve(const Eigen::MatrixXd& d, const Eigen::MatrixXd& y, Eigen::Index predictors, Eigen::MatrixXd& out) {
  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(d);
  qr.setThreshold(1e-10);
  if (qr.rank() < d.cols()) return false;
  out = qr.solve(y).middleRows(1, predictors);
  return true;
}

}  // namespace neuroscore::detail
