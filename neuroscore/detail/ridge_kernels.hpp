// neuroscore/detail/ridge_kernels.hpp (private): the inner loops of cross-validated ridge, shared by
// cross_validated_ridge, fit_ridge, RidgeAlphaScan and refit_null_test. Entry points:
// detail::factor_fold, detail::score_alphas (every alpha on every inner fold), detail::refit_test_scores.
#pragma once

#include <Eigen/Core>
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

#include "neuroscore/detail/ridge_folds.hpp"
#include "neuroscore/ridge_options.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::detail {

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

template <class Scalar>
FactoredFold<Scalar> factor_fold(const Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>& x,
                                 std::vector<std::size_t> train_rows, std::vector<std::size_t> test_rows,
                                 const RidgeCvOptions& options) {
  FactoredFold<Scalar> out;
  out.factor.compute(rows_of(x, train_rows), options.solver, options.standardize);
  out.test_inputs = out.factor.project_inputs(rows_of(x, test_rows));
  out.train_rows = std::move(train_rows);
  out.test_rows = std::move(test_rows);
  return out;
}

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
      ws.constant[static_cast<std::size_t>(c)] = is_constant_column<Scalar>(sst, max_abs, n_test);
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
  const Eigen::MatrixXd observed = rows_of(y.middleCols(col0, count), test_rows).template cast<double>();
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

}  // namespace neuroscore::detail
