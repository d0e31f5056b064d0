// neuroscore/ridge_decomposition.hpp: the one ridge factorization of the library (primal or dual
// eigendecomposition serving every alpha and target). Entry point: RidgeDecomposition<Scalar>(X).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <utility>
#include <vector>

#include "neuroscore/detail/eigen_instances.hpp"
#include "neuroscore/detail/ridge_columns.hpp"

namespace neuroscore {

// Alpha convention: W(alpha) = argmin ||Y - X W||^2 + alpha ||W||^2 = (X'X + alpha I)^-1 X'Y,
// as scikit-learn and himalaya (not the Huth lab's alpha^2). X and Y are centred with the
// training means, so the intercept is not penalized.
//
// One factorization serves every ridge fit of the library (cross_validated_ridge, fit_ridge,
// refit_null_test, banded ridge and variance partitioning): RidgeDecomposition below, with one
// rule for columns without spread.
//
// Which system of equations to factor. primal: the p x p Gram matrix Xc'Xc; dual: the
// n x n kernel Xc Xc'. automatic picks dual when p > n (the smaller matrix).
enum class RidgeSolver { automatic, primal, dual };

// Ridge from one symmetric eigendecomposition, serving every alpha and every target.
//
// Primal (n >= p), Xc'Xc = V diag(l) V' (Hastie, Tibshirani & Friedman, ESL 2nd ed., eq. 3.47
// in eigen form):
//   W(alpha) = V diag(1/(l + alpha)) (Xc V)' Yc.
// Dual (p > n), K = Xc Xc' = Q diag(l) Q' (Saunders, Gammerman & Vovk 1998, kernel ridge):
//   W(alpha) = Xc' (K + alpha I)^-1 Yc = (Xc' Q) diag(1/(l + alpha)) Q' Yc.
// Both read W(alpha) = F diag(1/(l + alpha)) B' Yc with a feature map F (p x r) and a sample
// basis B (n x r): primal F = V, B = Xc V; dual F = Xc' Q, B = Q. Predictions for test rows are
// (X_test - mean) F diag(1/(l + alpha)) B' Yc.
//
// Rank: eigenvalues at or below max(n, p) * eps(double) * l_max are dropped (the Gram matrix
// carries absolute errors of about eps * l_max, so smaller eigenvalues are noise); alpha = 0
// then gives the minimum-norm least-squares solution.
//
// Why eigen and not BDCSVD for the primal: measured on 1920 x 768 (W1's inner training
// set), the Gram matrix (one GEMM) plus SelfAdjointEigenSolver and the basis Xc V take
// 273 ms against 526 ms for BDCSVD with thin U and V (benchmarks/perf/ridge_benchmark.cc,
// BM_Decomposition, -O3 -march=native, one core); the gap grows with n / p because the Gram
// matrix is GEMM-bound. The price is the squared condition number, which the rank rule above
// accounts for; the normal equations still hold to 1e-10 (tests/neuroscore/ridge_test.cc).
//
// Precision: the decomposition always runs in double (it is O(n p min(n, p)), small next to
// the per-target products); F and B are then stored in Scalar, so float runs the GEMMs over
// targets in single precision.
//
// Standardization (optional): features are divided by their training standard deviation
// (population, 1/n, as scikit-learn's StandardScaler). The scale is folded into F, so W is in
// the units of the original features.
//
// Columns without spread on the training rows are dropped (their row of F is 0, so their
// coefficient is 0 and their test values are ignored), with or without standardization:
//   - constant: sd_j <= 64 eps * max_i |x_ij| (rounding is all that varies), or
//   - near-constant: sd_j <= kNearConstantColumn * max_k sd_k, sqrt(eps(double)) ~ 1.5e-8 of
//     the largest column's spread. Such a column's training variance n sd_j^2 is below the
//     rounding error eps n max_k sd_k^2 of the Gram matrix, so without standardization its
//     eigen-direction is cut by the rank rule anyway; with it, dividing by sd_j would multiply
//     the column's test values by up to 1/sd_j (an OASM column whose test block sits 36 volumes
//     from the nearest training row is 1e-281 there and 1 on its own test row: 1e281 out).
// dropped_columns() lists them, ascending.
inline constexpr double kNearConstantColumn = 1.4901161193847656e-08;  // sqrt(2^-52)

template <class Scalar>
class RidgeDecomposition {
 public:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RowVector = Eigen::Matrix<Scalar, 1, Eigen::Dynamic>;

  RidgeDecomposition() = default;
  explicit RidgeDecomposition(const Eigen::Ref<const Matrix>& x_train,
                              RidgeSolver solver = RidgeSolver::automatic, bool standardize = false) {
    compute(x_train, solver, standardize);
  }

  void compute(const Eigen::Ref<const Matrix>& x_train, RidgeSolver solver = RidgeSolver::automatic,
               bool standardize = false) {
    const Eigen::Index n = x_train.rows();
    const Eigen::Index p = x_train.cols();
    if (n < 1) throw std::invalid_argument("RidgeDecomposition: no training samples");
    Eigen::MatrixXd xc = x_train.template cast<double>();
    const Eigen::RowVectorXd mean = xc.colwise().mean();
    xc.rowwise() -= mean;
    detail::TrainingColumns columns = detail::training_columns(xc, x_train, standardize, kNearConstantColumn);
    dropped_ = std::move(columns.dropped);
    const Eigen::RowVectorXd& scale = columns.scale;
    for (Eigen::Index j : dropped_) xc.col(j).setZero();
    if (standardize) xc.array().rowwise() /= scale.array();
    solver_ = solver == RidgeSolver::automatic ? (p > n ? RidgeSolver::dual : RidgeSolver::primal)
                                               : solver;
    Eigen::MatrixXd gram(solver_ == RidgeSolver::dual ? n : p, solver_ == RidgeSolver::dual ? n : p);
    if (solver_ == RidgeSolver::dual) {
      gram.noalias() = xc * xc.transpose();
    } else {
      gram.noalias() = xc.transpose() * xc;
    }
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(gram);
    if (eig.info() != Eigen::Success) {
      throw std::runtime_error("RidgeDecomposition: eigendecomposition did not converge");
    }
    const Eigen::VectorXd& l = eig.eigenvalues();  // ascending
    const double l_max = l.size() == 0 ? 0.0 : l(l.size() - 1);
    const double cutoff =
        static_cast<double>(std::max(n, p)) * std::numeric_limits<double>::epsilon() * l_max;
    Eigen::Index rank = 0;
    while (rank < l.size() && l(l.size() - 1 - rank) > cutoff) ++rank;
    eigenvalues_ = l.tail(rank).reverse();  // descending
    const Eigen::MatrixXd vectors = eig.eigenvectors().rightCols(rank).rowwise().reverse();
    Eigen::MatrixXd feature_map(p, rank);
    if (solver_ == RidgeSolver::dual) {
      basis_ = vectors.cast<Scalar>();
      feature_map.noalias() = xc.transpose() * vectors;
    } else {
      Eigen::MatrixXd basis(n, rank);
      basis.noalias() = xc * vectors;
      basis_ = basis.cast<Scalar>();
      feature_map = vectors;
    }
    feature_map.array().colwise() /= scale.transpose().array();
    for (Eigen::Index j : dropped_) feature_map.row(j).setZero();  // rounding-sized otherwise
    feature_map_ = feature_map.cast<Scalar>();
    x_mean_ = mean.cast<Scalar>();
  }

  RidgeSolver solver() const { return solver_; }
  Eigen::Index rank() const { return eigenvalues_.size(); }
  // Nonzero eigenvalues of Xc'Xc (primal) or Xc Xc' (dual), descending: the squared singular
  // values of the centred (and standardized) training X.
  const Eigen::VectorXd& eigenvalues() const { return eigenvalues_; }
  const Matrix& sample_basis() const { return basis_; }  // B: n x rank
  const Matrix& feature_map() const { return feature_map_; }  // F: p x rank
  const RowVector& x_mean() const { return x_mean_; }
  // Columns without spread on the training rows (see above): coefficient 0, test values ignored.
  const std::vector<Eigen::Index>& dropped_columns() const { return dropped_; }

  // B' Yc (rank x targets) for training targets already centred with their training means.
  void project_centred_targets(const Eigen::Ref<const Matrix>& y_centred, Eigen::Ref<Matrix> out) const {
    out.noalias() = basis_.transpose() * y_centred;
  }

  // (X - mean) F: samples x rank.
  Matrix project_inputs(const Eigen::Ref<const Matrix>& x) const {
    const Matrix centred = x.rowwise() - x_mean_;
    Matrix out(x.rows(), rank());
    out.noalias() = centred * feature_map_;
    return out;
  }

  // Coefficients in the units of the original features, p x targets; the intercept is
  // mean(y_train) - x_mean * W.
  Matrix coefficients(const Eigen::Ref<const Matrix>& y_train, double alpha) const {
    const Matrix yc = y_train.rowwise() - y_train.colwise().mean();
    Matrix z(rank(), y_train.cols());
    project_centred_targets(yc, z);
    z.array().colwise() /= (eigenvalues_.array() + alpha).template cast<Scalar>();
    Matrix w(feature_map_.rows(), y_train.cols());
    w.noalias() = feature_map_ * z;
    return w;
  }

 private:
  RidgeSolver solver_ = RidgeSolver::primal;
  Eigen::VectorXd eigenvalues_;
  Matrix basis_;
  Matrix feature_map_;
  RowVector x_mean_;
  std::vector<Eigen::Index> dropped_;
};

}  // namespace neuroscore
