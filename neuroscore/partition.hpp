// neuroscore/partition.hpp: variance partitioning between feature sets (unique and shared
// R^2 from joint fits, Feghhi's omega) and split-R^2 per band. Entry points:
// partition_variance(A, B, Y, folds), feghhi_omega(simple, llm, Y, folds),
// split_r2(observed, band_predictions). Banded ridge is in banded.hpp.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/check.hpp"
#include "neuroscore/detail/partition.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore {

// ---------------------------------------------------------------------------------------
// Unique and shared variance from joint fits.

struct PartitionOptions {
  RidgeCvOptions ridge{};  // the same options (alphas, inner folds) for all three fits
  // An r^2-unit metric: r2 (about each test block's mean) or r2_oos (against the training
  // mean). Pearson r is rejected: differences of r are not variance.
  Metric metric = Metric::r2;
  FoldAggregation aggregation = FoldAggregation::per_fold_mean;
};

// Cross-validated R^2 of each model and the partition (all r^2 units, per target):
//   unique A = R^2(A+B) - R^2(B),  unique B = R^2(A+B) - R^2(A),
//   shared   = R^2(A) + R^2(B) - R^2(A+B)
// (the set-theoretic partition of Lescroart, Stansbury & Gallant 2015, Front. Comput.
// Neurosci. 9:135; de Heer et al. 2017). Values can be negative on finite data (noise, or a
// joint fit whose single alpha suits one set worse): they are reported, never clipped.
struct VariancePartition {
  Eigen::VectorXd r2_a;
  Eigen::VectorXd r2_b;
  Eigen::VectorXd r2_joint;
  Eigen::VectorXd unique_a;
  Eigen::VectorXd unique_b;
  Eigen::VectorXd shared;
  Metric metric = Metric::r2;
  FoldAggregation aggregation = FoldAggregation::per_fold_mean;
};

// Cross-validated ridge score of one feature set in r^2 units (cross_validated_ridge, then
// cross_validated_score of its out-of-fold predictions).
inline CrossValidatedScore ridge_score(const Eigen::Ref<const Eigen::MatrixXd>& x,
                                       const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                                       const PartitionOptions& options) {
  const RidgeCvResult fit = cross_validated_ridge(x, y, folds, options.ridge);
  return cross_validated_score(y, folds, detail::partitioning::fold_blocks(fit.predictions, folds), options.metric,
                               options.aggregation);
}

// Fits A, B and [A B] (columns stacked) with the same folds and options, so the three R^2
// share every split.
// Errors: a Pearson-r metric, sample counts that differ, plus cross_validated_ridge's.
inline VariancePartition partition_variance(const Eigen::Ref<const Eigen::MatrixXd>& a,
                                            const Eigen::Ref<const Eigen::MatrixXd>& b,
                                            const Eigen::Ref<const Eigen::MatrixXd>& y, const std::vector<Fold>& folds,
                                            const PartitionOptions& options = {}) {
  if (options.metric == Metric::pearson_r) {
    throw std::invalid_argument("partition_variance: needs an r^2 metric (r2 or r2_oos), not Pearson r");
  }
  if (a.rows() != y.rows() || b.rows() != y.rows()) {
    throw std::invalid_argument("partition_variance: A has " + std::to_string(a.rows()) + " samples, B " +
                                std::to_string(b.rows()) + ", Y " + std::to_string(y.rows()));
  }
  VariancePartition out;
  out.metric = options.metric;
  out.aggregation = options.aggregation;
  out.r2_a = ridge_score(a, y, folds, options).value;
  out.r2_b = ridge_score(b, y, folds, options).value;
  out.r2_joint = ridge_score(detail::partitioning::hstack(a, b), y, folds, options).value;
  out.unique_a = out.r2_joint - out.r2_b;
  out.unique_b = out.r2_joint - out.r2_a;
  out.shared = out.r2_a + out.r2_b - out.r2_joint;
  return out;
}

// Feghhi et al. 2024 ("What are large language models mapping to in the brain?"), the
// percentage of the LLM's brain score accounted for by simple features (sentence length,
// position, static embeddings):
//   omega = 100 (R^2(simple) + R^2(LLM) - R^2(simple + LLM)) / R^2(LLM)
//         = 100 (1 - (R^2(simple + LLM) - R^2(simple)) / R^2(LLM)),
// the shared variance as a percent of the LLM's R^2 (the second form reads "100 minus the
// LLM's unique variance in percent"). Not clipped: omega > 100 when the joint model is worse
// than the simple one, < 0 when the sets are complementary beyond additivity. Undefined
// (NaN, flagged) when R^2(LLM) <= 0. (Checked against the formula as this project's issue
// states it; the paper text was not reachable offline.)
struct FeghhiOmega {
  Eigen::VectorXd percent;        // per target
  std::vector<bool> undefined;    // R^2(LLM) <= 0
  VariancePartition partition;    // A = simple, B = LLM
};

inline FeghhiOmega omega_from_partition(const VariancePartition& p) {
  FeghhiOmega out;
  out.partition = p;
  out.percent.resize(p.r2_b.size());
  out.undefined.assign(static_cast<std::size_t>(p.r2_b.size()), false);
  for (Eigen::Index j = 0; j < p.r2_b.size(); ++j) {
    if (!(p.r2_b(j) > 0.0)) {
      out.undefined[static_cast<std::size_t>(j)] = true;
      out.percent(j) = std::numeric_limits<double>::quiet_NaN();
    } else {
      out.percent(j) = 100.0 * p.shared(j) / p.r2_b(j);
    }
  }
  return out;
}

inline FeghhiOmega feghhi_omega(const Eigen::Ref<const Eigen::MatrixXd>& simple,
                                const Eigen::Ref<const Eigen::MatrixXd>& llm, const Eigen::Ref<const Eigen::MatrixXd>& y,
                                const std::vector<Fold>& folds, const PartitionOptions& options = {}) {
  return omega_from_partition(partition_variance(simple, llm, y, folds, options));
}

// ---------------------------------------------------------------------------------------
// Split-R^2 (product measure), himalaya's r2_score_split with include_correlation=True
// (Dupre la Tour et al. 2022, "Feature-space selection with banded ridge regression",
// NeuroImage 264): with y centred over samples and band predictions yhat_b summing to the
// joint prediction yhat,
//   R^2_b = sum_i (2 y_i yhat_bi - yhat_bi yhat_i) / sum_i y_i^2,
// so sum_b R^2_b = 1 - |y - yhat|^2 / |y|^2 exactly. Here `observed` is centred by its own
// (test-block) mean; the band predictions are used as given.
struct SplitR2 {
  Eigen::MatrixXd per_band;  // bands x targets (r^2 units)
  Eigen::VectorXd total;     // per target: the column sums, = 1 - |y_c - sum_b yhat_b|^2 / |y_c|^2
};

inline SplitR2 split_r2(const Eigen::Ref<const Eigen::MatrixXd>& observed,
                        const std::vector<Eigen::MatrixXd>& band_predictions) {
  if (band_predictions.empty()) throw std::invalid_argument("split_r2: no band predictions");
  Eigen::MatrixXd joint = Eigen::MatrixXd::Zero(observed.rows(), observed.cols());
  for (std::size_t b = 0; b < band_predictions.size(); ++b) {
    require_same_shape(band_predictions[b], "band prediction " + std::to_string(b), observed, "observed");
    joint += band_predictions[b];
  }
  const Eigen::MatrixXd yc = observed.rowwise() - observed.colwise().mean();
  const Eigen::RowVectorXd sst = yc.colwise().squaredNorm();
  SplitR2 out;
  out.per_band.resize(static_cast<Eigen::Index>(band_predictions.size()), observed.cols());
  for (std::size_t b = 0; b < band_predictions.size(); ++b) {
    const Eigen::MatrixXd& p = band_predictions[b];
    const Eigen::RowVectorXd num = (2.0 * yc.cwiseProduct(p) - p.cwiseProduct(joint)).colwise().sum();
    for (Eigen::Index j = 0; j < observed.cols(); ++j) {
      out.per_band(static_cast<Eigen::Index>(b), j) = sst(j) > 0.0 ? num(j) / sst(j) : 0.0;
    }
  }
  out.total = out.per_band.colwise().sum().transpose();
  return out;
}

}  // namespace neuroscore
