// neuroscore/ridge.hpp: ridge regression with the regularization chosen by inner
// cross-validation, primal or dual, float or double. Entry point:
// cross_validated_ridge(X, Y, folds, options).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/detail/eigen_instances.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

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

namespace detail {

// The column rule above, shared by RidgeDecomposition and banded_ridge (partition.hpp) so both
// drop and scale the same columns: `centred` is the training X minus its column means, `raw` the
// training X itself. scale(j) is the training sd of kept columns when standardizing, else 1.
struct TrainingColumns {
  Eigen::RowVectorXd scale;
  std::vector<Eigen::Index> dropped;  // ascending
};

template <class Raw>
TrainingColumns training_columns(const Eigen::MatrixXd& centred, const Eigen::MatrixBase<Raw>& raw, bool standardize) {
  const Eigen::Index n = centred.rows();
  const Eigen::Index p = centred.cols();
  Eigen::RowVectorXd sd(p);
  for (Eigen::Index j = 0; j < p; ++j) sd(j) = std::sqrt(centred.col(j).squaredNorm() / static_cast<double>(n));
  const double sd_max = p == 0 ? 0.0 : sd.maxCoeff();
  TrainingColumns out;
  out.scale = Eigen::RowVectorXd::Ones(p);
  for (Eigen::Index j = 0; j < p; ++j) {
    const double max_abs = raw.col(j).template cast<double>().cwiseAbs().maxCoeff();
    if (!(sd(j) > 64.0 * std::numeric_limits<double>::epsilon() * max_abs) || !(sd(j) > kNearConstantColumn * sd_max)) {
      out.dropped.push_back(j);
    } else if (standardize) {
      out.scale(j) = sd(j);
    }
  }
  return out;
}

}  // namespace detail

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
    detail::TrainingColumns columns = detail::training_columns(xc, x_train, standardize);
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

struct RidgeCvOptions {
  // Candidate alphas (any order; each >= 0 and finite).
  std::vector<double> alphas = kDefaultAlphas;  // alphas.hpp
  // Inner k-fold over each outer training set, with its own purge gap: contiguous blocks of
  // the training rows, or, when inner_groups is set, whole groups.
  std::size_t inner_folds = 5;
  Gap inner_gap{};
  // true: each target gets the alpha with the best mean inner-fold R^2 (ties go to the
  // larger alpha). false: one alpha for all targets, by the mean over targets.
  bool per_target_alpha = true;
  // Primal, dual, or chosen by the shape of each training set (dual when p > n).
  RidgeSolver solver = RidgeSolver::automatic;
  // Byte budget of the per-target working buffers (gathered training and test targets,
  // projections, predictions, scores). Targets are processed in batches of
  // max(1, max_batch_bytes / bytes_per_target). Not counted: the caller's X and Y, the result,
  // the per-fold decompositions (about (inner_folds + 1) * (n + p + n_test) * rank
  // scalars) and the inner-CV score table (8 * alphas bytes per target). Default 1 GiB.
  std::size_t max_batch_bytes = std::size_t{1} << 30;
  // Divide features by their training standard deviation (training statistics only).
  bool standardize = false;
  // (Last, so positional initializers of the fields above keep working.)
  // One label per sample (stories, passages, runs), empty for contiguous inner folds. Set:
  // the inner folds are inner_group_kfold_up_to(outer training, inner_groups, inner_folds,
  // inner_gap), so alpha is never chosen on a test block that shares a group with its training
  // rows (k = min(inner_folds, groups in the outer training set); at least 2 groups needed).
  std::vector<int> inner_groups;
};

// Result of cross_validated_ridge. Scores and alphas are double whatever the Scalar.
template <class Scalar>
struct RidgeCvResultOf {
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> predictions;  // samples x targets; each sample predicted by the fold testing it
  Eigen::MatrixXd fold_r;        // outer folds x targets: Pearson r on each test block
  Eigen::MatrixXd chosen_alpha;  // outer folds x targets
  Eigen::Index alphas_at_grid_edge = 0;  // (fold, target) pairs whose alpha is min or max of the grid
  Eigen::Index degenerate_scores = 0;    // (fold, target) pairs with a constant test block or prediction

  // Mean over outer folds of the per-fold Pearson r (the default brain score).
  Eigen::VectorXd mean_r() const { return fold_r.colwise().mean().transpose(); }

  Eigen::Index target_batch_size = 0;  // targets per batch under options.max_batch_bytes
  // Outer folds x targets: -1 where the chosen alpha is the grid's smallest, +1 its largest,
  // 0 inside (always 0 for a one-alpha grid). A target at an edge wants a wider grid.
  Eigen::MatrixXi grid_edge;
  // Per outer fold: the feature columns without spread on that fold's training rows (constant or
  // near-constant, RidgeDecomposition), which the refit gave coefficient 0. Inner folds apply the
  // same rule to their own training rows.
  std::vector<std::vector<Eigen::Index>> dropped_columns;
};

using RidgeCvResult = RidgeCvResultOf<double>;

namespace detail {

template <class Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> take_rows(
    const Eigen::DenseBase<Derived>& m, const std::vector<std::size_t>& rows) {
  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> out(
      static_cast<Eigen::Index>(rows.size()), m.cols());
  for (std::size_t i = 0; i < rows.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = m.row(static_cast<Eigen::Index>(rows[i]));
  return out;
}

inline Eigen::MatrixXd take_rows(const Eigen::Ref<const Eigen::MatrixXd>& m,
                                 const std::vector<std::size_t>& rows) {
  return take_rows<Eigen::Ref<const Eigen::MatrixXd>>(m, rows);
}

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

// out(i, c) = y(rows[i], col0 + c) - shift(c): rows of one target batch, centred.
template <class Scalar>
void gather_centred(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                    const std::vector<std::size_t>& rows, Eigen::Index col0,
                    const Eigen::Matrix<Scalar, 1, Eigen::Dynamic>& shift,
                    Eigen::Block<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>> out) {
  for (Eigen::Index c = 0; c < out.cols(); ++c) {
    const Scalar* src = y.col(col0 + c).data();
    Scalar* dst = out.col(c).data();
    const Scalar s = shift(c);
    for (std::size_t i = 0; i < rows.size(); ++i) dst[i] = src[rows[i]] - s;
  }
}

// Column means of y(rows, col0 : col0 + count).
template <class Scalar>
void gathered_means(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                    const std::vector<std::size_t>& rows, Eigen::Index col0, Eigen::Index count,
                    Eigen::Matrix<Scalar, 1, Eigen::Dynamic>& out) {
  out.resize(count);
  for (Eigen::Index c = 0; c < count; ++c) {
    const Scalar* src = y.col(col0 + c).data();
    double sum = 0.0;
    for (std::size_t i : rows) sum += static_cast<double>(src[i]);
    out(c) = static_cast<Scalar>(sum / static_cast<double>(rows.size()));
  }
}

// A constant column: centred sum of squares below what rounding leaves of a constant,
// n * (64 eps * max|y|)^2, with eps of the Scalar (as is_constant_column in score.hpp).
template <class Scalar>
bool is_constant_of(double centred_sum_squares, double max_abs, Eigen::Index n) {
  const double tol = 64.0 * static_cast<double>(std::numeric_limits<Scalar>::epsilon()) * max_abs;
  return !(centred_sum_squares > static_cast<double>(n) * tol * tol);
}

// One inner (or outer) fold, factored once for every alpha and every target batch.
template <class Scalar>
struct FactoredFold {
  RidgeDecomposition<Scalar> factor;
  std::vector<std::size_t> train_rows;  // rows of the caller's Y
  std::vector<std::size_t> test_rows;
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> test_inputs;  // (X_test - mean) F
};

template <class Scalar>
FactoredFold<Scalar> factor_fold(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                                 std::vector<std::size_t> train_rows, std::vector<std::size_t> test_rows,
                                 const RidgeCvOptions& options) {
  FactoredFold<Scalar> out;
  out.factor.compute(take_rows(x, train_rows), options.solver, options.standardize);
  out.test_inputs = out.factor.project_inputs(take_rows(x, test_rows));
  out.train_rows = std::move(train_rows);
  out.test_rows = std::move(test_rows);
  return out;
}

}  // namespace detail

// The factorizations of X that cross_validated_ridge needs (per outer fold: its inner folds and the
// refit on all training rows), kept between calls on the same X, folds and options: a run that feeds
// its targets in blocks (score --memory-budget, MPI ranks) factors X once instead of once per block.
// It holds about folds x (inner_folds + 1) x (n + p) x p numbers at once (one outer fold's worth
// without it). The results are the same bit for bit as without it. A cache filled for one X, folds
// or options is refilled for another (a fingerprint of all three, X's every byte included).
template <class Scalar>
struct RidgeFoldCache {
  std::vector<std::vector<detail::FactoredFold<Scalar>>> inner;
  std::vector<detail::FactoredFold<Scalar>> refit;
  std::uint64_t key = 0;  // fingerprint at fill; 0: empty
};

namespace detail {

// 64-bit fingerprint of X's bytes, the folds and the options that change a factorization: every
// 64-bit word goes through splitmix64's finalizer (a bijection with full avalanche) before it is
// folded in, so that no pattern of changes cancels out except by a 2^-64 chance.
template <class Scalar>
std::uint64_t fold_cache_key(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                             const std::vector<Fold>& folds, const RidgeCvOptions& options, bool inner_cv) {
  std::uint64_t h = 0x9e3779b97f4a7c15ull;
  const auto mix = [&h](std::uint64_t v) {
    std::uint64_t z = h + v + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    h = z ^ (z >> 31);
  };
  mix(static_cast<std::uint64_t>(x.rows()));
  mix(static_cast<std::uint64_t>(x.cols()));
  for (Eigen::Index j = 0; j < x.cols(); ++j) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      std::uint64_t bits = 0;
      const Scalar v = x(i, j);
      std::memcpy(&bits, &v, sizeof(Scalar));
      mix(bits);
    }
  }
  for (const Fold& f : folds) {
    mix(f.train.size());
    for (std::size_t i : f.train) mix(i);
    mix(f.test.size());
    for (std::size_t i : f.test) mix(i);
  }
  mix(static_cast<std::uint64_t>(options.solver));
  mix(options.standardize ? 1 : 0);
  mix(inner_cv ? options.inner_folds : 0);
  mix(options.inner_gap.samples);
  mix(options.inner_groups.size());
  for (int g : options.inner_groups) mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(g)));
  return h == 0 ? 1 : h;
}

// Targets per GEMM chunk in the alpha loop: the predictions of one chunk stay in cache
// while they are scored.
constexpr Eigen::Index kScoreChunk = 512;

// Working buffers of the inner loop, allocated once per call and reused by every fold, alpha
// and batch.
template <class Scalar>
struct RidgeWorkspace {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  Matrix y_train;     // centred training targets: n_train x batch
  Matrix projected;   // B' Yc: rank x batch
  Matrix y_test;      // test targets minus the training mean: n_test x batch
  Matrix scaled_inputs;  // (X_test - mean) F diag(1/(l + alpha)): n_test x rank
  Matrix predicted;   // n_test x chunk
  Eigen::Matrix<Scalar, 1, Eigen::Dynamic> mean;
  Eigen::RowVectorXd sst;  // test sum of squares about the test mean, per target
  std::vector<bool> constant;

  static std::size_t bytes_per_target(Eigen::Index n_train, Eigen::Index rank, Eigen::Index n_test,
                                      Eigen::Index n_alphas) {
    return sizeof(Scalar) * static_cast<std::size_t>(n_train + rank + n_test + 1) +
           sizeof(double) * static_cast<std::size_t>(n_alphas + 2 * n_test + 2);
  }

  // Sizes the buffers for folds of at most these shapes and returns the targets per batch under
  // the byte budget (at least 1, at most all t).
  Eigen::Index size_for(Eigen::Index n_train_max, Eigen::Index rank_max, Eigen::Index n_test_max, Eigen::Index n_alphas,
                        Eigen::Index t, std::size_t max_batch_bytes) {
    const std::size_t per_target = bytes_per_target(n_train_max, rank_max, n_test_max, n_alphas);
    const Eigen::Index batch = std::max<Eigen::Index>(
        1, std::min<Eigen::Index>(std::max<Eigen::Index>(t, 1), static_cast<Eigen::Index>(max_batch_bytes / per_target)));
    y_train.resize(n_train_max, batch);
    projected.resize(rank_max, batch);
    y_test.resize(n_test_max, batch);
    scaled_inputs.resize(n_test_max, rank_max);
    predicted.resize(n_test_max, std::min(batch, kScoreChunk));
    sst.resize(batch);
    constant.assign(static_cast<std::size_t>(batch), false);
    return batch;
  }
};

// The grid of options.alphas, ascending without duplicates. Errors: no alphas, an alpha that is
// negative or not finite, a zero byte budget.
inline std::vector<double> alpha_grid(const RidgeCvOptions& options, const char* who) {
  if (options.alphas.empty()) throw std::invalid_argument(std::string(who) + ": no alphas");
  for (double a : options.alphas) {
    if (!(a >= 0.0) || !std::isfinite(a)) {
      throw std::invalid_argument(std::string(who) + ": alpha " + std::to_string(a) +
                                  " is not a finite non-negative number");
    }
  }
  if (options.max_batch_bytes == 0) throw std::invalid_argument(std::string(who) + ": max_batch_bytes is 0");
  std::vector<double> alphas = options.alphas;
  std::sort(alphas.begin(), alphas.end());
  alphas.erase(std::unique(alphas.begin(), alphas.end()), alphas.end());
  return alphas;
}

// -1 where alpha is the grid's smallest, +1 its largest, 0 inside or for a one-alpha grid.
inline int grid_edge_of(double alpha, const std::vector<double>& alphas) {
  if (alphas.size() < 2) return 0;
  return alpha == alphas.front() ? -1 : alpha == alphas.back() ? 1 : 0;
}

// Inner CV for targets [col0, col0 + count): adds each alpha's R^2 on each inner fold to
// r2_sum(alpha, col0 + c).
template <class Scalar>
void score_alphas(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                  const std::vector<FactoredFold<Scalar>>& inner, const std::vector<double>& alphas,
                  Eigen::Index col0, Eigen::Index count, RidgeWorkspace<Scalar>& ws,
                  Eigen::MatrixXd& r2_sum) {
  for (const FactoredFold<Scalar>& fold : inner) {
    const auto n_train = static_cast<Eigen::Index>(fold.train_rows.size());
    const auto n_test = static_cast<Eigen::Index>(fold.test_rows.size());
    const Eigen::Index rank = fold.factor.rank();
    gathered_means<Scalar>(y, fold.train_rows, col0, count, ws.mean);
    gather_centred<Scalar>(y, fold.train_rows, col0, ws.mean, ws.y_train.topLeftCorner(n_train, count));
    ws.projected.topLeftCorner(rank, count).noalias() =
        fold.factor.sample_basis().transpose() * ws.y_train.topLeftCorner(n_train, count);
    gather_centred<Scalar>(y, fold.test_rows, col0, ws.mean, ws.y_test.topLeftCorner(n_test, count));
    for (Eigen::Index c = 0; c < count; ++c) {
      const auto col = ws.y_test.col(c).head(n_test);
      const double m = static_cast<double>(col.template cast<double>().mean());
      const double sst = (col.template cast<double>().array() - m).square().sum();
      const double max_abs = (col.template cast<double>().array() + static_cast<double>(ws.mean(c))).abs().maxCoeff();
      ws.sst(c) = sst;
      ws.constant[static_cast<std::size_t>(c)] = is_constant_of<Scalar>(sst, max_abs, n_test);
    }
    for (std::size_t a = 0; a < alphas.size(); ++a) {
      const Eigen::Matrix<Scalar, 1, Eigen::Dynamic> filter =
          (1.0 / (fold.factor.eigenvalues().array() + alphas[a])).transpose().template cast<Scalar>();
      ws.scaled_inputs.topLeftCorner(n_test, rank) = fold.test_inputs.array().rowwise() * filter.array();
      for (Eigen::Index c0 = 0; c0 < count; c0 += kScoreChunk) {
        const Eigen::Index width = std::min(kScoreChunk, count - c0);
        ws.predicted.topLeftCorner(n_test, width).noalias() =
            ws.scaled_inputs.topLeftCorner(n_test, rank) * ws.projected.block(0, c0, rank, width);
        for (Eigen::Index c = 0; c < width; ++c) {
          if (ws.constant[static_cast<std::size_t>(c0 + c)]) continue;  // R^2 = 0 for every alpha
          const double sse = static_cast<double>(
              (ws.y_test.col(c0 + c).head(n_test) - ws.predicted.col(c).head(n_test)).squaredNorm());
          r2_sum(static_cast<Eigen::Index>(a), col0 + c0 + c) += 1.0 - sse / ws.sst(c0 + c);
        }
      }
    }
  }
}

// The refit of targets [col0, col0 + count) on `train_rows` of y with `fold`'s factorization, up to the
// feature map: ws.mean holds their training means and ws.projected(0:rank, 0:count) =
// diag(1/(l + alpha_j)) B' Yc, each target j filtered by its own alpha(col0 + j). `train_rows` are the
// fold's own training rows (fold.train_rows), or, for a null draw, the rows of Y that a permuted series
// puts there (refit_null_test). Coefficients are then F times that; predictions of the fold's test
// rows, its test_inputs times that, plus ws.mean (refit_test_scores).
template <class Scalar>
void filtered_projection(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                         const FactoredFold<Scalar>& fold, const std::vector<std::size_t>& train_rows,
                         const Eigen::VectorXd& alpha, Eigen::Index col0, Eigen::Index count, RidgeWorkspace<Scalar>& ws) {
  const auto n_train = static_cast<Eigen::Index>(train_rows.size());
  const Eigen::Index rank = fold.factor.rank();
  const Eigen::ArrayXd eigenvalues = fold.factor.eigenvalues().array();
  gathered_means<Scalar>(y, train_rows, col0, count, ws.mean);
  gather_centred<Scalar>(y, train_rows, col0, ws.mean, ws.y_train.topLeftCorner(n_train, count));
  ws.projected.topLeftCorner(rank, count).noalias() =
      fold.factor.sample_basis().transpose() * ws.y_train.topLeftCorner(n_train, count);
  for (Eigen::Index c = 0; c < count; ++c) {
    ws.projected.col(c).head(rank).array() /= (eigenvalues + alpha(col0 + c)).template cast<Scalar>();
  }
}

// The outer-fold step of cross_validated_ridge, and of every draw of refit_null_test: refit targets
// [col0, col0 + count) on `train_rows` (filtered_projection), predict the fold's test rows into
// ws.y_test(0:n_test, 0:count), and score them (Pearson r) against y's `test_rows` (the fold's own, or
// a permuted series' rows there). One code path, so the refit null's observed statistic is the
// cross-validated score.
template <class Scalar>
TargetScores refit_test_scores(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                               const FactoredFold<Scalar>& fold, const std::vector<std::size_t>& train_rows,
                               const std::vector<std::size_t>& test_rows, const Eigen::VectorXd& alpha, Eigen::Index col0,
                               Eigen::Index count, RidgeWorkspace<Scalar>& ws) {
  const auto n_test = static_cast<Eigen::Index>(test_rows.size());
  const Eigen::Index rank = fold.factor.rank();
  filtered_projection<Scalar>(y, fold, train_rows, alpha, col0, count, ws);
  auto predicted = ws.y_test.topLeftCorner(n_test, count);
  predicted.noalias() = fold.test_inputs * ws.projected.topLeftCorner(rank, count);
  predicted.rowwise() += ws.mean;
  const Eigen::MatrixXd observed = take_rows(y.middleCols(col0, count), test_rows).template cast<double>();
  return pearson_r(observed, predicted.template cast<double>());
}

// Mean over `inner` of each alpha's R^2 on the fold's test rows: alphas x targets, the targets in
// batches of `batch` (ws sized for them by RidgeWorkspace::size_for).
template <class Scalar>
Eigen::MatrixXd mean_inner_r2(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                              const std::vector<FactoredFold<Scalar>>& inner, const std::vector<double>& alphas,
                              Eigen::Index batch, RidgeWorkspace<Scalar>& ws) {
  const Eigen::Index t = y.cols();
  Eigen::MatrixXd r2 = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(alphas.size()), t);
  for (Eigen::Index col0 = 0; col0 < t; col0 += batch) {
    score_alphas<Scalar>(y, inner, alphas, col0, std::min(batch, t - col0), ws, r2);
  }
  r2 /= static_cast<double>(inner.size());
  return r2;
}

// The alpha of best mean R^2 (r2: alphas x targets, the grid ascending), per target or one for
// all targets by the mean over targets. Ties go to the larger alpha.
inline Eigen::VectorXd choose_alphas(const Eigen::MatrixXd& r2, const std::vector<double>& alphas, bool per_target) {
  const Eigen::Index n_alphas = r2.rows();
  const Eigen::Index t = r2.cols();
  Eigen::VectorXd chosen(t);
  if (per_target) {
    for (Eigen::Index j = 0; j < t; ++j) {
      Eigen::Index best = 0;
      for (Eigen::Index a = 1; a < n_alphas; ++a) {
        if (r2(a, j) >= r2(best, j)) best = a;
      }
      chosen(j) = alphas[static_cast<std::size_t>(best)];
    }
  } else {
    const Eigen::VectorXd mean = r2.rowwise().mean();
    Eigen::Index best = 0;
    for (Eigen::Index a = 1; a < n_alphas; ++a) {
      if (mean(a) >= mean(best)) best = a;
    }
    chosen.setConstant(alphas[static_cast<std::size_t>(best)]);
  }
  return chosen;
}

template <class Scalar>
RidgeCvResultOf<Scalar> cross_validated_ridge_impl(
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
    const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
    const std::vector<Fold>& folds, const RidgeCvOptions& options, RidgeFoldCache<Scalar>* cache) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("cross_validated_ridge: X has " + std::to_string(x.rows()) +
                                " samples but Y has " + std::to_string(y.rows()));
  }
  require_finite(x, "X");
  require_finite(y, "Y");
  std::vector<double> alphas = alpha_grid(options, "cross_validated_ridge");
  const auto n = static_cast<std::size_t>(x.rows());
  validate_folds(folds, n);
  if (!options.inner_groups.empty() && options.inner_groups.size() != static_cast<std::size_t>(n)) {
    throw std::invalid_argument("cross_validated_ridge: inner_groups has " + std::to_string(options.inner_groups.size()) +
                                " labels for " + std::to_string(n) + " samples");
  }

  const auto n_alphas = static_cast<Eigen::Index>(alphas.size());

  const Eigen::Index t = y.cols();
  RidgeCvResultOf<Scalar> out;
  out.predictions = Matrix::Constant(x.rows(), t, std::numeric_limits<Scalar>::quiet_NaN());
  out.fold_r.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.chosen_alpha.resize(static_cast<Eigen::Index>(folds.size()), t);
  out.grid_edge = Eigen::MatrixXi::Zero(static_cast<Eigen::Index>(folds.size()), t);
  RidgeWorkspace<Scalar> ws;
  const std::uint64_t key = cache != nullptr ? fold_cache_key<Scalar>(x, folds, options, n_alphas > 1) : 0;
  const bool cached = cache != nullptr && cache->key == key;
  if (cache != nullptr && !cached) *cache = RidgeFoldCache<Scalar>{};

  for (std::size_t f = 0; f < folds.size(); ++f) {
    const Fold& fold = folds[f];
    if (fold.train.size() < options.inner_folds) {
      throw std::invalid_argument("fold " + std::to_string(f) + " has " +
                                  std::to_string(fold.train.size()) +
                                  " training samples, fewer than inner_folds = " +
                                  std::to_string(options.inner_folds));
    }
    // Factor once per fold: every inner fold, and the refit on all training samples (or take
    // them from the cache, filled by an earlier call on the same X, folds and options).
    std::vector<FactoredFold<Scalar>> inner_here;
    FactoredFold<Scalar> refit_here;
    if (!cached) {
      if (n_alphas > 1 && options.inner_groups.empty()) {
        for (const Fold& in : contiguous_kfold(fold.train.size(), options.inner_folds, options.inner_gap)) {
          std::vector<std::size_t> train_rows, test_rows;
          for (std::size_t i : in.train) train_rows.push_back(fold.train[i]);
          for (std::size_t i : in.test) test_rows.push_back(fold.train[i]);
          inner_here.push_back(factor_fold<Scalar>(x, std::move(train_rows), std::move(test_rows), options));
        }
      } else if (n_alphas > 1) {
        std::vector<Fold> grouped;
        try {
          grouped = inner_group_kfold_up_to(fold.train, options.inner_groups, options.inner_folds, options.inner_gap);
        } catch (const std::invalid_argument& e) {
          throw std::invalid_argument("cross_validated_ridge: outer fold " + std::to_string(f) + ": " + e.what());
        }
        for (Fold& in : grouped) inner_here.push_back(factor_fold<Scalar>(x, std::move(in.train), std::move(in.test), options));
      }
      refit_here = factor_fold<Scalar>(x, fold.train, fold.test, options);
      if (cache != nullptr) {
        cache->inner.push_back(std::move(inner_here));
        cache->refit.push_back(std::move(refit_here));
      }
    }
    const std::vector<FactoredFold<Scalar>>& inner = cache != nullptr ? cache->inner[f] : inner_here;
    const FactoredFold<Scalar>& refit = cache != nullptr ? cache->refit[f] : refit_here;

    // Batch size from the byte budget, for the largest fold of this outer fold.
    Eigen::Index n_train_max = static_cast<Eigen::Index>(refit.train_rows.size());
    Eigen::Index n_test_max = static_cast<Eigen::Index>(refit.test_rows.size());
    Eigen::Index rank_max = refit.factor.rank();
    for (const auto& in : inner) {
      n_test_max = std::max(n_test_max, static_cast<Eigen::Index>(in.test_rows.size()));
      rank_max = std::max(rank_max, in.factor.rank());
    }
    const Eigen::Index batch = ws.size_for(n_train_max, rank_max, n_test_max, n_alphas, t, options.max_batch_bytes);
    out.target_batch_size = std::max(out.target_batch_size, batch);

    // Alpha selection on the training samples only: mean inner-fold R^2, alphas x targets.
    Eigen::VectorXd chosen(t);
    if (n_alphas == 1) {
      chosen.setConstant(alphas[0]);
    } else {
      chosen = choose_alphas(mean_inner_r2<Scalar>(y, inner, alphas, batch, ws), alphas, options.per_target_alpha);
      for (Eigen::Index j = 0; j < t; ++j) {
        const int edge = grid_edge_of(chosen(j), alphas);
        out.grid_edge(static_cast<Eigen::Index>(f), j) = edge;
        if (edge != 0) ++out.alphas_at_grid_edge;
      }
    }

    // Refit on all training samples with one decomposition: each target's B'Yc is scaled by
    // its own filter 1/(l + alpha_j), then one product predicts every target of the batch
    // (no grouping by alpha is needed: the per-target scaling is O(rank) per target).
    const auto n_test = static_cast<Eigen::Index>(refit.test_rows.size());
    for (Eigen::Index col0 = 0; col0 < t; col0 += batch) {
      const Eigen::Index count = std::min(batch, t - col0);
      const TargetScores r = refit_test_scores<Scalar>(y, refit, refit.train_rows, refit.test_rows, chosen, col0, count, ws);
      const auto predicted = ws.y_test.topLeftCorner(n_test, count);
      out.degenerate_scores += r.degenerate_count();
      out.fold_r.block(static_cast<Eigen::Index>(f), col0, 1, count) = r.value.transpose();
      for (std::size_t i = 0; i < refit.test_rows.size(); ++i) {
        out.predictions.row(static_cast<Eigen::Index>(refit.test_rows[i])).segment(col0, count) =
            predicted.row(static_cast<Eigen::Index>(i));
      }
    }
    out.chosen_alpha.row(static_cast<Eigen::Index>(f)) = chosen.transpose();
    out.dropped_columns.push_back(refit.factor.dropped_columns());
  }
  if (cache != nullptr) cache->key = key;
  return out;
}

}  // namespace detail

// Outer cross-validation with inner selection of alpha. For each outer fold: inner
// contiguous k-fold on the training samples picks alpha per target (or one shared alpha),
// then ridge is refit on all training samples and predicts the test block. Every inner fold
// and the refit are factored once (RidgeDecomposition); targets then stream through in
// batches bounded by options.max_batch_bytes, each batch scored for every alpha.
// Errors: shape mismatch, non-finite X or Y (naming row and column), empty or negative
// alphas, bad fold indices, fewer training samples than inner folds, a zero byte budget.
// With `cache` (RidgeFoldCache), the factorizations are kept for the next call on the same X.
inline RidgeCvResult cross_validated_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                           const Eigen::Ref<const Eigen::MatrixXd>& y,
                                           const std::vector<Fold>& folds,
                                           const RidgeCvOptions& options = {},
                                           RidgeFoldCache<double>* cache = nullptr) {
  return detail::cross_validated_ridge_impl<double>(x, y, folds, options, cache);
}

// The same in single precision: the decompositions run in double, the products over targets
// in float (half the memory and about twice the GEMM rate); scores are computed in double.
inline RidgeCvResultOf<float> cross_validated_ridge(const Eigen::Ref<const Eigen::MatrixXf>& x,
                                                    const Eigen::Ref<const Eigen::MatrixXf>& y,
                                                    const std::vector<Fold>& folds,
                                                    const RidgeCvOptions& options = {},
                                                    RidgeFoldCache<float>* cache = nullptr) {
  return detail::cross_validated_ridge_impl<float>(x, y, folds, options, cache);
}

// One model on all rows: the result of fit_ridge. Scores and alphas are double whatever the Scalar.
template <class Scalar>
struct RidgeFitOf {
  // Features x targets, in the units of the original features (standardization folded in);
  // predictions are intercept + X coef.
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> coef;
  Eigen::Matrix<Scalar, 1, Eigen::Dynamic> intercept;  // per target: mean(y) - mean(X) coef
  std::vector<double> alphas;                           // the grid: ascending, duplicates removed
  Eigen::VectorXd best_alpha;                           // per target
  // Alphas x targets: the mean over the cv folds of each alpha's R^2 on the fold's test rows
  // (empty, 0 x targets, for a one-alpha grid, which needs no cv).
  Eigen::MatrixXd cv_r2;
  Eigen::VectorXi grid_edge;                 // per target, as RidgeCvResultOf::grid_edge
  std::vector<Eigen::Index> dropped_columns;  // columns without spread on all rows: coefficient 0
};

using RidgeFit = RidgeFitOf<double>;

namespace detail {

template <class Scalar>
RidgeFitOf<Scalar> fit_ridge_impl(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                                  const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& y,
                                  const std::vector<Fold>& cv, const RidgeCvOptions& options) {
  if (x.rows() != y.rows()) {
    throw std::invalid_argument("fit_ridge: X has " + std::to_string(x.rows()) + " samples but Y has " +
                                std::to_string(y.rows()));
  }
  require_finite(x, "X");
  require_finite(y, "Y");
  RidgeFitOf<Scalar> out;
  out.alphas = alpha_grid(options, "fit_ridge");
  const auto n_alphas = static_cast<Eigen::Index>(out.alphas.size());
  const Eigen::Index t = y.cols();
  const auto n = static_cast<std::size_t>(x.rows());
  if (n < 2) throw std::invalid_argument("fit_ridge: needs at least 2 samples, got " + std::to_string(n));
  if (n_alphas > 1) {
    if (cv.empty()) {
      throw std::invalid_argument("fit_ridge: no cv folds to choose among " + std::to_string(n_alphas) + " alphas");
    }
    try {
      validate_folds(cv, n);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("fit_ridge: cv ") + e.what());
    }
    for (std::size_t f = 0; f < cv.size(); ++f) {
      if (cv[f].train.empty()) throw std::invalid_argument("fit_ridge: cv fold " + std::to_string(f) + " has no training samples");
    }
  }
  RidgeWorkspace<Scalar> ws;
  std::vector<FactoredFold<Scalar>> folds;
  FactoredFold<Scalar> all = factor_fold<Scalar>(x, iota(n), {}, options);
  Eigen::Index n_train_max = static_cast<Eigen::Index>(n), n_test_max = 0, rank_max = all.factor.rank();
  if (n_alphas > 1) {
    for (const Fold& f : cv) {
      folds.push_back(factor_fold<Scalar>(x, f.train, f.test, options));
      n_test_max = std::max(n_test_max, static_cast<Eigen::Index>(f.test.size()));
      rank_max = std::max(rank_max, folds.back().factor.rank());
    }
  }
  const Eigen::Index batch = ws.size_for(n_train_max, rank_max, n_test_max, n_alphas, t, options.max_batch_bytes);
  if (n_alphas == 1) {
    out.best_alpha = Eigen::VectorXd::Constant(t, out.alphas[0]);
    out.cv_r2.resize(0, t);
  } else {
    out.cv_r2 = mean_inner_r2<Scalar>(y, folds, out.alphas, batch, ws);
    out.best_alpha = choose_alphas(out.cv_r2, out.alphas, options.per_target_alpha);
  }
  out.grid_edge.resize(t);
  for (Eigen::Index j = 0; j < t; ++j) out.grid_edge(j) = grid_edge_of(out.best_alpha(j), out.alphas);

  // W = F diag(1/(l + alpha_j)) B' Yc per target j, in batches of targets.
  const RidgeDecomposition<Scalar>& factor = all.factor;
  const Eigen::Index rank = factor.rank();
  out.coef.resize(x.cols(), t);
  out.intercept.resize(t);
  for (Eigen::Index col0 = 0; col0 < t; col0 += batch) {
    const Eigen::Index count = std::min(batch, t - col0);
    filtered_projection<Scalar>(y, all, all.train_rows, out.best_alpha, col0, count, ws);
    out.coef.middleCols(col0, count).noalias() = factor.feature_map() * ws.projected.topLeftCorner(rank, count);
    out.intercept.segment(col0, count).noalias() = ws.mean - factor.x_mean() * out.coef.middleCols(col0, count);
  }
  out.dropped_columns = factor.dropped_columns();
  return out;
}

}  // namespace detail

// Ridge on all rows of X and Y, the alpha chosen from options.alphas by the mean R^2 over the
// folds `cv` (per target, or one for all with options.per_target_alpha = false; ties go to the
// larger alpha), exactly as cross_validated_ridge chooses it on an outer training set: the
// scikit-learn/himalaya RidgeCV.fit. `cv` is not read for a one-alpha grid. options.inner_folds,
// inner_gap and inner_groups belong to the nested cross_validated_ridge and are not read here: the
// folds are `cv`.
// Errors: shape mismatch, non-finite X or Y, bad alphas, fewer than 2 samples, cv folds naming
// rows outside X or without training or test rows.
inline RidgeFit fit_ridge(const Eigen::Ref<const Eigen::MatrixXd>& x, const Eigen::Ref<const Eigen::MatrixXd>& y,
                          const std::vector<Fold>& cv, const RidgeCvOptions& options = {}) {
  return detail::fit_ridge_impl<double>(x, y, cv, options);
}

// The same in single precision (decompositions in double, products over targets in float).
inline RidgeFitOf<float> fit_ridge(const Eigen::Ref<const Eigen::MatrixXf>& x, const Eigen::Ref<const Eigen::MatrixXf>& y,
                                   const std::vector<Fold>& cv, const RidgeCvOptions& options = {}) {
  return detail::fit_ridge_impl<float>(x, y, cv, options);
}

#ifdef NEUROSCORE_EIGEN_INSTANCES
// Compiled once, in ridge_instances.cc, instead of in every translation unit that includes this
// header (detail/eigen_instances.hpp says why; the numbers are the same either way). The two
// instantiations are most of this header's front-end time: clang -ftime-trace on a TU that only
// includes benchmarks/brain/leaderboard_data.hpp, 2.2 of 10.5 s.
namespace detail {
extern template RidgeCvResultOf<double> cross_validated_ridge_impl<double>(
    const Eigen::Ref<const Eigen::MatrixXd>&, const Eigen::Ref<const Eigen::MatrixXd>&, const std::vector<Fold>&,
    const RidgeCvOptions&, RidgeFoldCache<double>*);
extern template RidgeCvResultOf<float> cross_validated_ridge_impl<float>(
    const Eigen::Ref<const Eigen::MatrixXf>&, const Eigen::Ref<const Eigen::MatrixXf>&, const std::vector<Fold>&,
    const RidgeCvOptions&, RidgeFoldCache<float>*);
extern template RidgeFitOf<double> fit_ridge_impl<double>(const Eigen::Ref<const Eigen::MatrixXd>&,
                                                          const Eigen::Ref<const Eigen::MatrixXd>&,
                                                          const std::vector<Fold>&, const RidgeCvOptions&);
extern template RidgeFitOf<float> fit_ridge_impl<float>(const Eigen::Ref<const Eigen::MatrixXf>&,
                                                        const Eigen::Ref<const Eigen::MatrixXf>&,
                                                        const std::vector<Fold>&, const RidgeCvOptions&);
}  // namespace detail
#endif

}  // namespace neuroscore
