// python/src/ridge.cc: the splitters, fit_ridge (RidgeCV.fit) and cross_validated_ridge.
#include <pybind11/stl.h>

#include "neuroscore/alphas.hpp"
#include "neuroscore/ridge.hpp"
#include "python/src/bindings.hpp"
#include "python/src/convert.hpp"

namespace neuroscore::python {
namespace {

RidgeCvOptions ridge_options(const std::vector<double>& alphas, bool per_target_alpha, const std::string& solver,
                             bool standardize, std::size_t max_batch_bytes) {
  RidgeCvOptions o;
  o.alphas = alphas;
  o.per_target_alpha = per_target_alpha;
  o.solver = solver_from(solver);
  o.standardize = standardize;
  o.max_batch_bytes = max_batch_bytes;
  return o;
}

py::list columns_to_python(const std::vector<std::vector<Eigen::Index>>& per_fold) {
  py::list out;
  for (const auto& cols : per_fold) out.append(py::cast(cols));
  return out;
}

template <class Scalar>
py::dict fit_ridge_as(const py::handle& x_obj, const py::handle& y_obj, const std::vector<Fold>& cv,
                      const RidgeCvOptions& options) {
  const MatrixArg<Scalar> x(x_obj, "X");
  const MatrixArg<Scalar> y(y_obj, "Y", true);
  RidgeFitOf<Scalar> fit;
  {
    py::gil_scoped_release release;
    fit = fit_ridge(Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(x.view()),
                    Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(y.view()), cv, options);
  }
  py::dict d;
  d["coef"] = to_numpy(std::move(fit.coef));
  d["intercept"] = to_numpy(std::move(fit.intercept));
  d["alphas"] = to_numpy(std::move(fit.alphas));
  d["best_alpha"] = to_numpy(std::move(fit.best_alpha));
  d["cv_r2"] = to_numpy(std::move(fit.cv_r2));
  d["grid_edge"] = to_numpy(std::move(fit.grid_edge));
  d["dropped_columns"] = py::cast(fit.dropped_columns);
  return d;
}

template <class Scalar>
py::dict cross_validated_ridge_as(const py::handle& x_obj, const py::handle& y_obj, const std::vector<Fold>& folds,
                                  const RidgeCvOptions& options) {
  const MatrixArg<Scalar> x(x_obj, "X");
  const MatrixArg<Scalar> y(y_obj, "Y", true);
  RidgeCvResultOf<Scalar> fit;
  {
    py::gil_scoped_release release;
    fit = cross_validated_ridge(Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(x.view()),
                                Eigen::Ref<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(y.view()), folds,
                                options);
  }
  py::dict d;
  d["mean_r"] = to_numpy(fit.mean_r());
  d["predictions"] = to_numpy(std::move(fit.predictions));
  d["fold_r"] = to_numpy(std::move(fit.fold_r));
  d["chosen_alpha"] = to_numpy(std::move(fit.chosen_alpha));
  d["grid_edge"] = to_numpy(std::move(fit.grid_edge));
  d["alphas_at_grid_edge"] = fit.alphas_at_grid_edge;
  d["degenerate_scores"] = fit.degenerate_scores;
  d["dropped_columns"] = columns_to_python(fit.dropped_columns);
  return d;
}

}  // namespace

void bind_ridge(py::module_& m) {
  // The default alpha grids, from neuroscore/alphas.hpp: the package's DEFAULT_ALPHAS and
  // BandedRidgeCV's default are these tuples, not copies of their values.
  m.attr("DEFAULT_ALPHAS") = py::tuple(py::cast(kDefaultAlphas));
  m.attr("BANDED_ALPHAS") = py::tuple(py::cast(kBandedAlphas));
  m.def(
      "contiguous_kfold",
      [](std::size_t n, std::size_t k, std::size_t gap) { return folds_to_python(contiguous_kfold(n, k, Gap{gap})); },
      py::arg("n_samples"), py::arg("k"), py::arg("gap"));
  m.def(
      "group_kfold",
      [](const py::handle& groups, std::size_t k, std::size_t gap) {
        return folds_to_python(group_kfold(labels_from(groups, "groups"), k, Gap{gap}));
      },
      py::arg("groups"), py::arg("k"), py::arg("gap"));
  m.def(
      "leave_one_group_out",
      [](const py::handle& groups, std::size_t gap) {
        return folds_to_python(leave_one_group_out(labels_from(groups, "groups"), Gap{gap}));
      },
      py::arg("groups"), py::arg("gap"));
  m.def(
      "fit_ridge",
      [](const py::handle& x, const py::handle& y, const py::handle& cv, const std::vector<double>& alphas,
         bool per_target_alpha, const std::string& solver, bool standardize, std::size_t max_batch_bytes) {
        const std::vector<Fold> folds = folds_from(cv, "cv");
        const RidgeCvOptions o = ridge_options(alphas, per_target_alpha, solver, standardize, max_batch_bytes);
        return is_float32(x) ? fit_ridge_as<float>(x, y, folds, o) : fit_ridge_as<double>(x, y, folds, o);
      },
      py::arg("X"), py::arg("Y"), py::arg("cv"), py::arg("alphas"), py::arg("per_target_alpha"), py::arg("solver"),
      py::arg("standardize"), py::arg("max_batch_bytes"));
  m.def(
      "cross_validated_ridge",
      [](const py::handle& x, const py::handle& y, const py::handle& folds_obj, const std::vector<double>& alphas,
         std::size_t inner_folds, std::size_t inner_gap, const py::handle& inner_groups, bool per_target_alpha,
         const std::string& solver, bool standardize, std::size_t max_batch_bytes) {
        const std::vector<Fold> folds = folds_from(folds_obj, "folds");
        RidgeCvOptions o = ridge_options(alphas, per_target_alpha, solver, standardize, max_batch_bytes);
        o.inner_folds = inner_folds;
        o.inner_gap = Gap{inner_gap};
        if (!inner_groups.is_none()) o.inner_groups = labels_from(inner_groups, "inner_groups");
        return is_float32(x) ? cross_validated_ridge_as<float>(x, y, folds, o)
                             : cross_validated_ridge_as<double>(x, y, folds, o);
      },
      py::arg("X"), py::arg("Y"), py::arg("folds"), py::arg("alphas"), py::arg("inner_folds"), py::arg("inner_gap"),
      py::arg("inner_groups"), py::arg("per_target_alpha"), py::arg("solver"), py::arg("standardize"),
      py::arg("max_batch_bytes"));
}

}  // namespace neuroscore::python
