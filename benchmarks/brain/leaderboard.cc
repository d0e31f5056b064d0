// benchmarks/brain/leaderboard.cc: the method leaderboard's scoring, ranking, aggregation and the
// synthetic benchmark (see leaderboard.hpp).
#include "benchmarks/brain/leaderboard.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/compare.hpp"
#include "neuroscore/partition.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/simulate.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

namespace detail::leaderboard {

double median(std::vector<double> v) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

int subject_count(const Benchmark& b) {
  int s = 0;
  for (int v : b.target_subject) s = std::max(s, v + 1);
  return s;
}

Eigen::VectorXd subject_medians(const Benchmark& b, const Eigen::Ref<const Eigen::VectorXd>& per_target) {
  const int s = subject_count(b);
  std::vector<std::vector<double>> by(static_cast<std::size_t>(s));
  for (Eigen::Index j = 0; j < per_target.size(); ++j) {
    by[static_cast<std::size_t>(b.target_subject[static_cast<std::size_t>(j)])].push_back(per_target(j));
  }
  Eigen::VectorXd out(s);
  for (int i = 0; i < s; ++i) out(i) = median(by[static_cast<std::size_t>(i)]);
  return out;
}

double pearson(const Eigen::Ref<const Eigen::VectorXd>& a, const Eigen::Ref<const Eigen::VectorXd>& b) {
  const Eigen::VectorXd ac = a.array() - a.mean();
  const Eigen::VectorXd bc = b.array() - b.mean();
  const double d = std::sqrt(ac.squaredNorm() * bc.squaredNorm());
  return d > 0.0 ? ac.dot(bc) / d : 0.0;
}

}  // namespace detail::leaderboard

void validate_benchmark(const Benchmark& b) {
  const auto t = static_cast<std::size_t>(b.responses.cols());
  if (b.responses.rows() < 4 || t == 0) {
    throw std::invalid_argument("benchmark " + b.name + ": responses are " + std::to_string(b.responses.rows()) +
                                " x " + std::to_string(t) + " (rows x targets; scoring needs at least 4 rows and 1 target)");
  }
  if (b.target_subject.size() != t || b.target_region.size() != t) {
    throw std::invalid_argument("benchmark " + b.name + ": " + std::to_string(t) + " targets but " +
                                std::to_string(b.target_subject.size()) + " subject labels and " +
                                std::to_string(b.target_region.size()) + " region labels");
  }
  if (b.folds.size() < 2) throw std::invalid_argument("benchmark " + b.name + ": fewer than 2 folds");
  if (!b.bootstrap_groups.empty() && b.bootstrap_groups.size() != static_cast<std::size_t>(b.responses.rows())) {
    throw std::invalid_argument("benchmark " + b.name + ": " + std::to_string(b.bootstrap_groups.size()) +
                                " bootstrap groups for " + std::to_string(b.responses.rows()) + " samples");
  }
  if (b.baseline.size() > 0 && b.baseline.rows() != b.responses.rows()) {
    throw std::invalid_argument("benchmark " + b.name + ": baseline has " + std::to_string(b.baseline.rows()) +
                                " rows, responses " + std::to_string(b.responses.rows()));
  }
}

std::vector<int> test_fold_of(const Benchmark& b) {
  std::vector<int> out(static_cast<std::size_t>(b.responses.rows()), -1);
  for (std::size_t f = 0; f < b.folds.size(); ++f) {
    for (std::size_t i : b.folds[f].test) out[i] = static_cast<int>(f);
  }
  return out;
}

Eigen::VectorXd subject_scores_on(const Benchmark& b, const std::vector<int>& fold_of,
                                  const Eigen::Ref<const Eigen::MatrixXd>& predictions,
                                  const std::vector<std::size_t>& idx) {
  const std::size_t k = b.folds.size();
  std::vector<std::vector<std::size_t>> per_fold(k);
  for (std::size_t i : idx) {
    if (fold_of[i] >= 0) per_fold[static_cast<std::size_t>(fold_of[i])].push_back(i);
  }
  const Eigen::Index t = b.responses.cols();
  Eigen::VectorXd sum = Eigen::VectorXd::Zero(t);
  int used = 0;
  for (const auto& rows : per_fold) {
    if (rows.size() < 3) continue;
    ++used;
    Eigen::MatrixXd y(static_cast<Eigen::Index>(rows.size()), t), p(static_cast<Eigen::Index>(rows.size()), t);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      y.row(static_cast<Eigen::Index>(i)) = b.responses.row(static_cast<Eigen::Index>(rows[i]));
      p.row(static_cast<Eigen::Index>(i)) = predictions.row(static_cast<Eigen::Index>(rows[i]));
    }
    for (Eigen::Index j = 0; j < t; ++j) sum(j) += detail::leaderboard::pearson(y.col(j), p.col(j));
  }
  if (used == 0) return Eigen::VectorXd::Constant(detail::leaderboard::subject_count(b), 0.0);
  return detail::leaderboard::subject_medians(b, sum / static_cast<double>(used));
}

ResamplingUnits bootstrap_units(const Benchmark& b) {
  return b.bootstrap_groups.empty() ? contiguous_blocks(static_cast<std::size_t>(b.responses.rows()), b.block)
                                    : group_units(b.bootstrap_groups);
}

Eigen::VectorXd baseline_r2(const Benchmark& b) {
  PartitionOptions po;
  po.ridge = b.ridge;
  return ridge_score(b.baseline, b.responses, b.folds, po).value;
}

MethodFit fit_method(const Benchmark& b, const Method& m, bool with_baseline) {
  validate_benchmark(b);
  if (!m.layer_candidates.empty()) return fit_selected_layer(b, m);
  if (m.x.rows() != b.responses.rows()) {
    throw std::invalid_argument("method " + m.name + " on " + b.name + ": " + std::to_string(m.x.rows()) +
                                " feature rows, " + std::to_string(b.responses.rows()) + " samples");
  }
  MethodFit out;
  const RidgeCvResult fit = cross_validated_ridge(m.x, b.responses, b.folds, b.ridge);
  out.predictions = fit.predictions;
  out.fold_r = fit.fold_r;
  if (with_baseline && b.baseline.size() > 0) {
    PartitionOptions po;
    po.ridge = b.ridge;
    Eigen::MatrixXd joint(m.x.rows(), m.x.cols() + b.baseline.cols());
    joint << b.baseline, m.x;
    out.r2_joint = ridge_score(joint, b.responses, b.folds, po).value;
  }
  return out;
}

std::vector<Fold> selection_folds(const Benchmark& b, const Fold& outer) {
  if (b.ridge.inner_groups.empty()) return inner_contiguous_kfold(outer.train, b.ridge.inner_folds, b.ridge.inner_gap);
  return inner_group_kfold_up_to(outer.train, b.ridge.inner_groups, b.ridge.inner_folds, b.ridge.inner_gap);
}

MethodFit fit_selected_layer(const Benchmark& b, const Method& m) {
  const Eigen::Index n = b.responses.rows(), t = b.responses.cols();
  const auto k = static_cast<Eigen::Index>(b.folds.size());
  for (std::size_t l = 0; l < m.layer_candidates.size(); ++l) {
    if (m.layer_candidates[l].rows() != n) {
      throw std::invalid_argument("method " + m.name + " on " + b.name + ": candidate " + std::to_string(l) + " has " +
                                  std::to_string(m.layer_candidates[l].rows()) + " rows, " + std::to_string(n) + " samples");
    }
  }
  MethodFit out;
  out.predictions = Eigen::MatrixXd::Constant(n, t, std::numeric_limits<double>::quiet_NaN());
  out.fold_r.resize(k, t);
  out.chosen_layer = Eigen::MatrixXd::Zero(k, t);  // every score below is finite; 0 if none beat -inf
  for (Eigen::Index f = 0; f < k; ++f) {
    const Fold& outer = b.folds[static_cast<std::size_t>(f)];
    const std::vector<Fold> inner = selection_folds(b, outer);
    Eigen::VectorXd best = Eigen::VectorXd::Constant(t, -std::numeric_limits<double>::infinity());
    for (std::size_t l = 0; l < m.layer_candidates.size(); ++l) {
      const Eigen::VectorXd s = cross_validated_ridge(m.layer_candidates[l], b.responses, inner, b.ridge).fold_r.colwise().mean().transpose();
      for (Eigen::Index j = 0; j < t; ++j) {
        if (s(j) > best(j)) {
          best(j) = s(j);
          out.chosen_layer(f, j) = static_cast<double>(l);
        }
      }
    }
    for (std::size_t l = 0; l < m.layer_candidates.size(); ++l) {
      if (!(out.chosen_layer.row(f).array() == static_cast<double>(l)).any()) continue;
      const RidgeCvResult refit = cross_validated_ridge(m.layer_candidates[l], b.responses, {outer}, b.ridge);
      for (Eigen::Index j = 0; j < t; ++j) {
        if (out.chosen_layer(f, j) != static_cast<double>(l)) continue;
        for (std::size_t i : outer.test) out.predictions(static_cast<Eigen::Index>(i), j) = refit.predictions(static_cast<Eigen::Index>(i), j);
        out.fold_r(f, j) = refit.fold_r(0, j);
      }
    }
  }
  return out;
}

MethodScore score_fit(const Benchmark& b, const Method& m, MethodFit fit,
                      const Eigen::Ref<const Eigen::VectorXd>& base_r2, const ScoringOptions& options) {
  MethodScore s;
  s.benchmark = b.name;
  s.method = m.name;
  s.model = m.model;
  s.family = m.family;
  s.layer = m.layer;
  s.ranked = m.ranked;
  const Eigen::VectorXd per_target = fit.fold_r.colwise().mean().transpose();
  s.subject_scores = detail::leaderboard::subject_medians(b, per_target);
  s.raw = s.subject_scores.mean();
  for (const std::string& region : b.regions) {
    double sum = 0.0;
    int n = 0;
    for (Eigen::Index j = 0; j < per_target.size(); ++j) {
      if (b.target_region[static_cast<std::size_t>(j)] == region) {
        sum += per_target(j);
        ++n;
      }
    }
    s.region_raw[region] = n ? sum / n : std::numeric_limits<double>::quiet_NaN();
    const auto c = b.region_ceiling.find(region);
    if (c != b.region_ceiling.end() && c->second > 0.0) s.region_normalized[region] = s.region_raw[region] / c->second;
  }
  if (std::isfinite(b.ceiling) && b.ceiling > 0.0) s.normalized = s.raw / b.ceiling;
  const std::vector<int> fold_of = test_fold_of(b);
  // The score is a mean over subjects who heard the same stimulus: with two or more subjects
  // the CI resamples subjects and time blocks (or passages) together, so it is an interval for
  // the population of listeners, not only for these; one subject: the units alone.
  const int subjects = detail::leaderboard::subject_count(b);
  BootstrapCi ci;
  if (subjects >= 2) {
    ci = crossed_bootstrap_ci(
        bootstrap_units(b), static_cast<std::size_t>(subjects),
        [&](const std::vector<std::size_t>& idx, const std::vector<std::size_t>& drawn) {
          const Eigen::VectorXd per_subject = subject_scores_on(b, fold_of, fit.predictions, idx);
          double sum = 0.0;
          for (std::size_t s : drawn) sum += per_subject(static_cast<Eigen::Index>(s));
          return sum / static_cast<double>(drawn.size());
        },
        options.seed, options.bootstrap);
  } else {
    ci = bootstrap_ci(
        bootstrap_units(b),
        [&](const std::vector<std::size_t>& idx) { return subject_scores_on(b, fold_of, fit.predictions, idx).mean(); },
        options.seed, options.bootstrap);
  }
  s.ci_low = ci.lower;
  s.ci_high = ci.upper;
  if (fit.r2_joint.size() > 0 && base_r2.size() == fit.r2_joint.size()) {
    s.gain_unique_r2 = detail::leaderboard::subject_medians(b, fit.r2_joint - base_r2).mean();
  }
  s.fit = std::move(fit);
  return s;
}

void rank_methods(const Benchmark& b, std::vector<MethodScore>& scores, const ScoringOptions& options) {
  if (scores.empty()) return;
  std::stable_sort(scores.begin(), scores.end(), [](const MethodScore& a, const MethodScore& c) {
    return a.ranked != c.ranked ? a.ranked : a.raw > c.raw;
  });
  std::vector<std::size_t> ranked;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    scores[i].rank = 0;
    scores[i].p_vs_best = std::numeric_limits<double>::quiet_NaN();
    if (scores[i].ranked) {
      ranked.push_back(i);
      scores[i].rank = static_cast<int>(ranked.size());
    }
  }
  if (ranked.size() < 2) return;
  const int subjects = detail::leaderboard::subject_count(b);
  Eigen::MatrixXd unit_scores;
  const auto m = static_cast<Eigen::Index>(ranked.size());
  if (subjects >= 2) {
    unit_scores.resize(subjects, m);
    for (Eigen::Index c = 0; c < m; ++c) unit_scores.col(c) = scores[ranked[static_cast<std::size_t>(c)]].subject_scores;
  } else {
    const Eigen::Index n = b.responses.rows(), t = b.responses.cols();
    const Eigen::Map<const Eigen::MatrixXd> y(b.responses.data(), n * t, 1);
    for (Eigen::Index c = 0; c < m; ++c) {
      const MethodScore& s = scores[ranked[static_cast<std::size_t>(c)]];
      const Eigen::Map<const Eigen::MatrixXd> p(s.fit.predictions.data(), n * t, 1);
      const Eigen::MatrixXd sums = neuroscore::block_sums((y - p).array().square().matrix(), b.block, "rank_methods");
      if (c == 0) unit_scores.resize(sums.rows(), m);
      unit_scores.col(c) = -sums.col(0);
    }
  }
  SignFlipOptions so;
  so.permutations = options.permutations;
  const BestComparison best = comparison_with_the_best(unit_scores, options.seed, so);
  for (Eigen::Index c = 0; c < m; ++c) scores[ranked[static_cast<std::size_t>(c)]].p_vs_best = best.p_value(c);
}

std::vector<MethodAggregate> aggregate_rows(const std::vector<MethodScore>& all) {
  std::map<std::string, std::vector<const MethodScore*>> by;
  std::vector<std::string> order;
  for (const MethodScore& s : all) {
    if (!s.ranked) continue;  // diagnostic rows (single layers) are not leaderboard entries
    if (!by.count(s.method)) order.push_back(s.method);
    by[s.method].push_back(&s);
  }
  std::vector<MethodAggregate> out;
  for (const std::string& m : order) {
    MethodAggregate a;
    a.method = m;
    std::vector<double> sc, ce, raw;
    for (const MethodScore* s : by[m]) {
      raw.push_back(s->raw);
      if (std::isfinite(s->normalized)) {
        sc.push_back(s->raw);
        ce.push_back(s->raw / s->normalized);
      }
    }
    a.benchmarks = static_cast<int>(raw.size());
    double sum = 0.0;
    for (double v : raw) sum += v;
    a.mean_raw = raw.empty() ? a.mean_raw : sum / static_cast<double>(raw.size());
    if (!sc.empty()) {
      const AggregateScore agg = aggregate_benchmark_scores(Eigen::Map<const Eigen::VectorXd>(sc.data(), static_cast<Eigen::Index>(sc.size())),
                                                            Eigen::Map<const Eigen::VectorXd>(ce.data(), static_cast<Eigen::Index>(ce.size())));
      a.mean_normalized = agg.mean;
      a.benchmarks_with_ceiling = static_cast<int>(sc.size());
    }
    out.push_back(a);
  }
  std::stable_sort(out.begin(), out.end(), [](const MethodAggregate& x, const MethodAggregate& y) {
    const double a = std::isfinite(x.mean_normalized) ? x.mean_normalized : -1e300;
    const double c = std::isfinite(y.mean_normalized) ? y.mean_normalized : -1e300;
    return a != c ? a > c : x.mean_raw > y.mean_raw;
  });
  return out;
}

SyntheticBenchmark synthetic_benchmark(Seed seed, Eigen::Index subjects, Eigen::Index targets,
                                       Eigen::Index samples, double signal_variance) {
  BrainSpec spec;
  spec.samples = samples;
  spec.features = 8;
  spec.targets = targets;
  spec.subjects = subjects;
  spec.feature_variance = signal_variance;
  spec.ar1 = Ar1{0.3, 1.0};
  const SimulatedBrain sim = simulate_brain(spec, seed);
  SyntheticBenchmark out;
  Benchmark& b = out.benchmark;
  b.name = "synthetic";
  b.harness_check = true;
  b.description = "simulate_brain: " + std::to_string(subjects) + " subjects x " + std::to_string(targets) +
                  " targets x " + std::to_string(samples) + " samples, planted signal variance " +
                  std::to_string(signal_variance) + " vs noise 1 (AR(1) 0.3); contiguous 5-fold CV, gap 4; "
                  "ceiling = planted sqrt(EV_1)";
  b.responses.resize(samples, subjects * targets);
  for (Eigen::Index s = 0; s < subjects; ++s) {
    b.responses.middleCols(s * targets, targets) = sim.trial(s, 0);
    for (Eigen::Index j = 0; j < targets; ++j) {
      b.target_subject.push_back(static_cast<int>(s));
      b.target_region.push_back("target" + std::to_string(j));
    }
  }
  for (Eigen::Index j = 0; j < targets; ++j) b.regions.push_back("target" + std::to_string(j));
  b.folds = contiguous_kfold(static_cast<std::size_t>(samples), 5, Gap{4});
  b.block = BlockLength{20};
  out.planted_ceiling = sim.correlation_ceiling(1.0);
  b.ceiling = out.planted_ceiling;
  for (const std::string& r : b.regions) b.region_ceiling[r] = out.planted_ceiling;
  b.ceiling_note = "planted: sqrt(signal / (signal + noise))";
  b.ridge.alphas = kSyntheticAlphas;  // alphas.hpp
  b.ridge.inner_gap = Gap{4};
  b.baseline = sim.confound_design;
  b.baseline_name = "confounds (sentence length, word position)";
  std::mt19937_64 rng(seed.value + 1);
  out.methods.push_back({"synthetic/planted", "synthetic", "synthetic", -1, sim.design});
  out.methods.push_back({"synthetic/partial", "synthetic", "synthetic", -1, sim.design.leftCols(2)});
  out.methods.push_back({"synthetic/null", "synthetic", "synthetic", -1,
                         neuroscore::standard_normal_matrix(samples, 8, rng)});
  return out;
}

}  // namespace neuroscore::benchmarks
