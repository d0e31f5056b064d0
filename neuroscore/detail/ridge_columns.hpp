// neuroscore/detail/ridge_columns.hpp (private): which training columns a ridge fit drops and how it
// scales the rest. Entry point: detail::training_columns(centred, raw, standardize, near_constant).
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <limits>
#include <vector>

namespace neuroscore::detail {

// The column rule of RidgeDecomposition (ridge_decomposition.hpp says why), shared with banded_ridge
// (banded.hpp) so both drop and scale the same columns: `centred` is the training X minus its column means, `raw` the
// training X itself. scale(j) is the training sd of kept columns when standardizing, else 1.
struct TrainingColumns {
  Eigen::RowVectorXd scale;
  std::vector<Eigen::Index> dropped;  // ascending
};

template <class Raw>
TrainingColumns training_columns(const Eigen::MatrixXd& centred, const Eigen::MatrixBase<Raw>& raw, bool standardize,
                                 double near_constant) {
  const Eigen::Index n = centred.rows();
  const Eigen::Index p = centred.cols();
  Eigen::RowVectorXd sd(p);
  for (Eigen::Index j = 0; j < p; ++j) sd(j) = std::sqrt(centred.col(j).squaredNorm() / static_cast<double>(n));
  const double sd_max = p == 0 ? 0.0 : sd.maxCoeff();
  TrainingColumns out;
  out.scale = Eigen::RowVectorXd::Ones(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double max_abs = raw.col(j).template cast<double>().cwiseAbs().maxCoeff();
    if (!(sd(j) > 64.0 * std::numeric_limits<double>::epsilon() * max_abs) || !(sd(j) > near_constant * sd_max)) {
      out.dropped.push_back(j);
    } else if (standardize) {
      out.scale(j) = sd(j);
    }
  }
  return out;
}

// (`near_constant` is kNearConstantColumn of ridge_decomposition.hpp, passed in so that this private
// header needs no public one.)

}  // namespace neuroscore::detail
