// python/src/stats.cc: Pearson r per target, the permutation nulls (block, circular shift,
// refit), FDR q-values and block bootstrap intervals. Entry point: bind_stats().
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/check.hpp"
#include "neuroscore/fdr.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null.hpp"
#include "neuroscore/score.hpp"
#include "python/src/bindings.hpp"
#include "python/src/convert.hpp"

namespace neuroscore::python {
namespace {

using ConstRef = Eigen::Ref<const Eigen::MatrixXd>;

// ---- Names of the enums as the Python side spells them ----

Tail tail_from(const std::string& s) {
  if (s == "greater") return Tail::greater;
  if (s == "less") return Tail::less;
  if (s == "two_sided") return Tail::two_sided;
  throw std::invalid_argument("tail '" + s + "' is not one of 'greater', 'less', 'two_sided'");
}

const char* tail_name(Tail t) {
  return t == Tail::greater ? "greater" : t == Tail::less ? "less" : "two_sided";
}

const char* null_method_name(NullMethod m) {
  switch (m) {
    case NullMethod::block_permutation: return "block_permutation";
    case NullMethod::circular_shift: return "circular_shift";
    case NullMethod::refit_block_permutation: return "refit_block_permutation";
    case NullMethod::sign_flip: return "sign_flip";
  }
  return "unknown";
}

NullKernel kernel_from(const std::string& s) {
  if (s == "auto") return NullKernel::automatic;
  if (s == "block_gemm") return NullKernel::block_gemm;
  if (s == "direct") return NullKernel::direct;
  throw std::invalid_argument("kernel '" + s + "' is not one of 'auto', 'block_gemm', 'direct'");
}

FdrMethod fdr_method_from(const std::string& s) {
  if (s == "bh") return FdrMethod::benjamini_hochberg;
  if (s == "by") return FdrMethod::benjamini_yekutieli;
  throw std::invalid_argument("fdr method '" + s + "' is not one of 'bh', 'by'");
}

BootstrapMethod bootstrap_method_from(const std::string& s) {
  if (s == "bca") return BootstrapMethod::bca;
  if (s == "percentile") return BootstrapMethod::percentile;
  throw std::invalid_argument("bootstrap method '" + s + "' is not one of 'bca', 'percentile'");
}

const char* bootstrap_method_name(BootstrapMethod m) { return m == BootstrapMethod::bca ? "bca" : "percentile"; }

const char* unit_name(UnitKind k) {
  return k == UnitKind::contiguous_block ? "contiguous_block" : k == UnitKind::group ? "group" : "subject";
}

// The options every permutation null shares (null.hpp's three option structs).
template <class Options>
Options null_options(std::size_t permutations, const std::string& tail, bool keep_null, std::size_t max_batch_bytes) {
  Options o;
  o.permutations = permutations;
  o.tail = tail_from(tail);
  o.keep_null = keep_null;
  o.max_batch_bytes = max_batch_bytes;
  return o;
}

py::dict permutation_dict(PermutationTest&& t) {
  py::dict d;
  d["observed"] = to_numpy(std::move(t.observed));
  d["p_value"] = to_numpy(std::move(t.p_value));
  d["p_fwe"] = to_numpy(std::move(t.p_fwe));
  d["null"] = to_numpy(std::move(t.null));
  d["null_max"] = to_numpy(std::move(t.null_max));
  d["seed"] = t.seed.value;
  d["permutations"] = t.permutations;
  d["tail"] = tail_name(t.tail);
  d["method"] = null_method_name(t.method);
  d["block"] = t.block.samples;
  d["exhaustive"] = t.exhaustive;
  d["degenerate"] = to_numpy(t.degenerate);
  return d;
}

// ---- Resampling units of a bootstrap ----

// Contiguous blocks of `block` samples when `groups` is None, else one unit per group label
// (the labels must cover the n samples).
ResamplingUnits units_from(std::size_t n, std::size_t block, const py::handle& groups, const char* who) {
  if (groups.is_none()) return contiguous_blocks(n, BlockLength{block});
  const std::vector<int> labels = labels_from(groups, "groups");
  if (labels.size() != n) {
    throw std::invalid_argument(std::string(who) + ": groups has " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(n) + " samples");
  }
  return group_units(labels);
}

BootstrapOptions bootstrap_options(std::size_t resamples, double confidence, const std::string& method) {
  BootstrapOptions o;
  o.resamples = resamples;
  o.confidence = confidence;
  o.method = bootstrap_method_from(method);
  return o;
}

// Pearson r of the column pair (y, p) over the rows `idx` (repeats allowed), by pearson_r's
// formula and degeneracy rule (score.hpp):
//   r = sum_i (y_i - mean y)(p_i - mean p) / sqrt(sum_i (y_i - mean y)^2 sum_i (p_i - mean p)^2),
// 0 when either resampled column is constant. Two passes over idx, no allocation.
double pearson_r_on(const double* y, const double* p, const std::vector<std::size_t>& idx) {
  const auto n = static_cast<Eigen::Index>(idx.size());
  double mean_y = 0.0, mean_p = 0.0, max_y = 0.0, max_p = 0.0;
  for (std::size_t i : idx) {
    mean_y += y[i];
    mean_p += p[i];
    max_y = std::max(max_y, std::abs(y[i]));
    max_p = std::max(max_p, std::abs(p[i]));
  }
  mean_y /= static_cast<double>(n);
  mean_p /= static_cast<double>(n);
  double syy = 0.0, spp = 0.0, syp = 0.0;
  for (std::size_t i : idx) {
    const double dy = y[i] - mean_y;
    const double dp = p[i] - mean_p;
    syy += dy * dy;
    spp += dp * dp;
    syp += dy * dp;
  }
  if (is_constant_column(syy, max_y, n) || is_constant_column(spp, max_p, n)) return 0.0;
  return syp / std::sqrt(syy * spp);
}

// A score returned by the Python callable, as a double (float, int, numpy scalar, 0-d array).
double score_value(const py::handle& v) {
  try {
    return py::cast<double>(v);
  } catch (const py::cast_error&) {
    throw std::invalid_argument("bootstrap_ci: score returned a " + std::string(Py_TYPE(v.ptr())->tp_name) +
                                ", not a number");
  }
}

py::dict bootstrap_dict(BootstrapCi&& ci) {
  py::dict d;
  d["observed"] = ci.observed;
  d["lower"] = ci.lower;
  d["upper"] = ci.upper;
  d["confidence"] = ci.confidence;
  d["method"] = bootstrap_method_name(ci.method);
  d["unit"] = unit_name(ci.unit);
  d["resamples"] = ci.resamples;
  d["seed"] = ci.seed.value;
  d["distribution"] = to_numpy(std::move(ci.distribution));
  d["jackknife"] = to_numpy(std::move(ci.jackknife));
  d["bias_correction"] = ci.bias_correction;
  d["acceleration"] = ci.acceleration;
  return d;
}

// ---- The bound functions ----

py::dict pearson_r_py(const py::handle& observed_obj, const py::handle& predicted_obj) {
  const MatrixArg<double> observed(observed_obj, "observed", true);
  const MatrixArg<double> predicted(predicted_obj, "predicted", true);
  TargetScores s;
  {
    py::gil_scoped_release release;
    const ConstRef y(observed.view()), p(predicted.view());
    require_same_shape(y, "pearson_r: observed", p, "predicted");
    require_finite(y, "pearson_r: observed");
    require_finite(p, "pearson_r: predicted");
    s = pearson_r(y, p);
  }
  py::dict d;
  d["value"] = to_numpy(std::move(s.value));
  d["degenerate"] = to_numpy(s.degenerate);
  return d;
}

py::dict block_permutation_py(const py::handle& observed_obj, const py::handle& predicted_obj, std::size_t block,
                              std::size_t permutations, std::uint64_t seed, const std::string& tail, bool keep_null,
                              const std::string& kernel, std::size_t max_batch_bytes) {
  const MatrixArg<double> observed(observed_obj, "observed", true);
  const MatrixArg<double> predicted(predicted_obj, "predicted", true);
  auto o = null_options<BlockPermutationOptions>(permutations, tail, keep_null, max_batch_bytes);
  o.block = BlockLength{block};
  o.kernel = kernel_from(kernel);
  PermutationTest t;
  {
    py::gil_scoped_release release;
    t = block_permutation_test(observed.view(), predicted.view(), Seed{seed}, o);
  }
  return permutation_dict(std::move(t));
}

py::dict circular_shift_py(const py::handle& observed_obj, const py::handle& predicted_obj, std::size_t min_shift,
                           std::size_t permutations, std::uint64_t seed, const std::string& tail, bool keep_null,
                           std::size_t max_batch_bytes) {
  const MatrixArg<double> observed(observed_obj, "observed", true);
  const MatrixArg<double> predicted(predicted_obj, "predicted", true);
  auto o = null_options<CircularShiftOptions>(permutations, tail, keep_null, max_batch_bytes);
  o.min_shift = BlockLength{min_shift};
  PermutationTest t;
  {
    py::gil_scoped_release release;
    t = circular_shift_test(observed.view(), predicted.view(), Seed{seed}, o);
  }
  return permutation_dict(std::move(t));
}

// refit_null_test reads three things of the real fit: fit.chosen_alpha (outer folds x targets),
// ridge_options.standardize and .solver; all come from Python, the alphas checked here because the
// C++ kernel takes them as given. float32 X and Y run the float path, as cross_validated_ridge does
// for them (so the observed statistic is that fit's mean_r).
template <class Scalar>
PermutationTest refit_null_as(const py::handle& x_obj, const py::handle& y_obj, const std::vector<Fold>& folds,
                              const Eigen::MatrixXd& chosen_alpha, const RidgeCvOptions& ridge, std::uint64_t seed,
                              const RefitNullOptions& o) {
  const MatrixArg<Scalar> x(x_obj, "X");
  const MatrixArg<Scalar> y(y_obj, "Y", true);
  RidgeCvResultOf<Scalar> fit;
  fit.chosen_alpha = chosen_alpha;
  py::gil_scoped_release release;
  return refit_null_test(Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(x.view()),
                         Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(y.view()), folds, fit,
                         ridge, Seed{seed}, o);
}

py::dict refit_null_py(const py::handle& x_obj, const py::handle& y_obj, const py::handle& folds_obj,
                       const py::handle& alpha_obj, bool standardize, const std::string& solver, std::size_t block,
                       std::size_t permutations, std::uint64_t seed, const std::string& tail, bool keep_null,
                       std::size_t max_batch_bytes) {
  const MatrixArg<double> chosen_alpha(alpha_obj, "chosen_alpha", true);
  const std::vector<Fold> folds = folds_from(folds_obj, "cv");
  const Eigen::MatrixXd alphas = chosen_alpha.view();
  for (Eigen::Index j = 0; j < alphas.cols(); ++j) {
    for (Eigen::Index f = 0; f < alphas.rows(); ++f) {
      const double a = alphas(f, j);
      if (!(a >= 0.0) || !std::isfinite(a)) {
        throw std::invalid_argument("refit_null_test: chosen_alpha " + std::to_string(a) + " at fold " +
                                    std::to_string(f) + ", target " + std::to_string(j) +
                                    " is not a finite non-negative number");
      }
    }
  }
  RidgeCvOptions ridge;
  ridge.standardize = standardize;
  ridge.solver = solver_from(solver);
  auto o = null_options<RefitNullOptions>(permutations, tail, keep_null, max_batch_bytes);
  o.block = BlockLength{block};
  return permutation_dict(is_float32(x_obj) ? refit_null_as<float>(x_obj, y_obj, folds, alphas, ridge, seed, o)
                                            : refit_null_as<double>(x_obj, y_obj, folds, alphas, ridge, seed, o));
}

py::dict fdr_py(const py::handle& p_obj, const std::string& method) {
  const VectorArg p(p_obj, "p");
  const FdrMethod m = fdr_method_from(method);
  FdrResult r;
  {
    py::gil_scoped_release release;
    r = fdr_q_values(p.view(), m);
  }
  py::dict d;
  d["q_value"] = to_numpy(std::move(r.q_value));
  d["method"] = method;
  return d;
}

// Block bootstrap of Pearson r, one interval per target. Every target is resampled with the
// same seed, hence the same B draws of units (paired across targets).
py::dict block_bootstrap_r_py(const py::handle& observed_obj, const py::handle& predicted_obj, std::size_t block,
                              const py::handle& groups, std::size_t resamples, double confidence,
                              const std::string& method, std::uint64_t seed) {
  const char* who = "block_bootstrap_ci";
  const MatrixArg<double> observed(observed_obj, "observed", true);
  const MatrixArg<double> predicted(predicted_obj, "predicted", true);
  const ConstRef y(observed.view()), p(predicted.view());
  require_same_shape(y, std::string(who) + ": observed", p, "predicted");
  const ResamplingUnits units = units_from(static_cast<std::size_t>(y.rows()), block, groups, who);
  const BootstrapOptions options = bootstrap_options(resamples, confidence, method);
  const Eigen::Index t = y.cols();
  const auto k = static_cast<Eigen::Index>(units.members.size());
  const auto b = static_cast<Eigen::Index>(resamples);
  const bool bca = options.method == BootstrapMethod::bca;
  Eigen::VectorXd observed_r(t), lower(t), upper(t), bias(t), acceleration(t);
  Eigen::MatrixXd distribution(b, t), jackknife(bca ? k : 0, t);
  TargetScores original;
  {
    py::gil_scoped_release release;
    require_finite(y, std::string(who) + ": observed");
    require_finite(p, std::string(who) + ": predicted");
    original = pearson_r(y, p);
    for (Eigen::Index j = 0; j < t; ++j) {
      const double* yj = y.col(j).data();
      const double* pj = p.col(j).data();
      BootstrapCi ci = bootstrap_ci(
          units, [&](const std::vector<std::size_t>& idx) { return pearson_r_on(yj, pj, idx); }, Seed{seed}, options);
      observed_r(j) = ci.observed;
      lower(j) = ci.lower;
      upper(j) = ci.upper;
      bias(j) = ci.bias_correction;
      acceleration(j) = ci.acceleration;
      distribution.col(j) = ci.distribution;
      if (bca) jackknife.col(j) = ci.jackknife;
    }
  }
  py::dict d;
  d["observed"] = to_numpy(std::move(observed_r));
  d["lower"] = to_numpy(std::move(lower));
  d["upper"] = to_numpy(std::move(upper));
  d["confidence"] = confidence;
  d["method"] = bootstrap_method_name(options.method);
  d["unit"] = unit_name(units.kind);
  d["n_units"] = units.members.size();
  d["resamples"] = resamples;
  d["seed"] = seed;
  d["distribution"] = to_numpy(std::move(distribution));
  d["jackknife"] = to_numpy(std::move(jackknife));
  d["bias_correction"] = to_numpy(std::move(bias));
  d["acceleration"] = to_numpy(std::move(acceleration));
  d["degenerate"] = to_numpy(original.degenerate);
  return d;
}

// Bootstrap of a Python score: holds the GIL throughout, since every resample calls back.
py::dict bootstrap_callable_py(const py::function& score, std::size_t n_samples, std::size_t block,
                               const py::handle& groups, std::size_t resamples, double confidence,
                               const std::string& method, std::uint64_t seed) {
  const ResamplingUnits units = units_from(n_samples, block, groups, "bootstrap_ci");
  const BootstrapOptions options = bootstrap_options(resamples, confidence, method);
  BootstrapCi ci = bootstrap_ci(
      units, [&](const std::vector<std::size_t>& idx) { return score_value(score(to_numpy_indices(idx))); },
      Seed{seed}, options);
  py::dict d = bootstrap_dict(std::move(ci));
  d["n_units"] = units.members.size();
  return d;
}

}  // namespace

void bind_stats(py::module_& m) {
  m.def("pearson_r", &pearson_r_py, py::arg("observed"), py::arg("predicted"));
  m.def("block_permutation_test", &block_permutation_py, py::arg("observed"), py::arg("predicted"), py::arg("block"),
        py::arg("permutations"), py::arg("seed"), py::arg("tail"), py::arg("keep_null"), py::arg("kernel"),
        py::arg("max_batch_bytes"));
  m.def("circular_shift_test", &circular_shift_py, py::arg("observed"), py::arg("predicted"), py::arg("min_shift"),
        py::arg("permutations"), py::arg("seed"), py::arg("tail"), py::arg("keep_null"), py::arg("max_batch_bytes"));
  m.def("refit_null_test", &refit_null_py, py::arg("X"), py::arg("Y"), py::arg("cv"), py::arg("chosen_alpha"),
        py::arg("standardize"), py::arg("solver"), py::arg("block"), py::arg("permutations"), py::arg("seed"),
        py::arg("tail"), py::arg("keep_null"), py::arg("max_batch_bytes"));
  m.def("fdr_q_values", &fdr_py, py::arg("p"), py::arg("method"));
  m.def("block_bootstrap_r", &block_bootstrap_r_py, py::arg("observed"), py::arg("predicted"), py::arg("block"),
        py::arg("groups"), py::arg("resamples"), py::arg("confidence"), py::arg("method"), py::arg("seed"));
  m.def("bootstrap_ci", &bootstrap_callable_py, py::arg("score"), py::arg("n_samples"), py::arg("block"),
        py::arg("groups"), py::arg("resamples"), py::arg("confidence"), py::arg("method"), py::arg("seed"));
}

}  // namespace neuroscore::python
