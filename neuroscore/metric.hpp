// neuroscore/metric.hpp: which score a cross-validated summary is made of (Metric) and how fold
// test blocks become one score (FoldAggregation). score.hpp includes it.
#pragma once

namespace neuroscore {

// Which score a cross-validated summary is made of.
enum class Metric { pearson_r, r2, r2_oos };

// How fold-level test blocks become one score per target.
//   per_fold_mean (THE DEFAULT): score each fold's test block with its own model, then
//     average over folds. Each model is judged only on the block it never saw, with its own
//     intercept; pooling instead mixes between-fold offsets (each fold's training mean and
//     slow drifts of the run) into Pearson r, which can inflate or deflate it without any
//     within-block prediction. It is also the unit of the outer CV (per-fold values show the
//     spread) and the brain score the benchmarks report (mean of per-block r).
//   pooled: concatenate every fold's test rows and predictions and score once. For r2_oos
//     the pooled value is 1 - (sum over folds of SSE) / (sum over folds of sum (y - mean_train_f)^2),
//     each fold against its own training mean. Needed when test blocks are too short for a
//     per-block r (e.g. leave-one-sample-out).
enum class FoldAggregation { per_fold_mean, pooled };

}  // namespace neuroscore
