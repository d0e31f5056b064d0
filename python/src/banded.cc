// python/src/banded.cc: fit_banded_ridge (BandedRidgeCV.fit) and the nested banded_ridge.
#include <pybind11/stl.h>

#include "neuroscore/banded.hpp"
#include "neuroscore/partition.hpp"
#include "python/src/bindings.hpp"
#include "python/src/convert.hpp"

namespace neuroscore::python {
namespace {

// The bands as the columns of X that carry each label (labels ascending, columns in order).
// A band is a copy: the C++ search scales each band by its candidate weight anyway.
std::vector<Eigen::MatrixXd> bands_of(const MatrixArg<double>& x, const std::vector<int>& labels,
                                      std::vector<int>& band_labels) {
  if (static_cast<Eigen::Index>(labels.size()) != x.cols()) {
    throw std::invalid_argument("groups has " + std::to_string(labels.size()) + " labels for " +
                                std::to_string(x.cols()) + " feature columns of X");
  }
  band_labels = labels;
  std::sort(band_labels.begin(), band_labels.end());
  band_labels.erase(std::unique(band_labels.begin(), band_labels.end()), band_labels.end());
  std::vector<Eigen::MatrixXd> bands;
  for (int label : band_labels) {
    std::vector<Eigen::Index> cols;
    for (std::size_t j = 0; j < labels.size(); ++j) {
      if (labels[j] == label) cols.push_back(static_cast<Eigen::Index>(j));
    }
    Eigen::MatrixXd band(x.rows(), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t k = 0; k < cols.size(); ++k) band.col(static_cast<Eigen::Index>(k)) = x.view().col(cols[k]);
    bands.push_back(std::move(band));
  }
  return bands;
}

BandedRidgeOptions banded_options(const std::vector<double>& alphas, std::size_t candidates,
                                  const std::vector<double>& concentrations, std::uint64_t seed, bool standardize) {
  BandedRidgeOptions o;
  o.alphas = alphas;
  o.candidates = candidates;
  o.concentrations = concentrations;
  o.seed = Seed{seed};
  o.standardize = standardize;
  return o;
}

}  // namespace

void bind_banded(py::module_& m) {
  m.def(
      "fit_banded_ridge",
      [](const py::handle& x_obj, const py::handle& y_obj, const py::handle& groups, const py::handle& cv,
         const std::vector<double>& alphas, std::size_t candidates, const std::vector<double>& concentrations,
         std::uint64_t seed, bool standardize) {
        const MatrixArg<double> x(x_obj, "X");
        const MatrixArg<double> y(y_obj, "Y", true);
        std::vector<int> labels = labels_from(groups, "groups"), band_labels;
        const std::vector<Fold> folds = folds_from(cv, "cv");
        const BandedRidgeOptions o = banded_options(alphas, candidates, concentrations, seed, standardize);
        BandedRidgeFit fit;
        {
          py::gil_scoped_release release;
          const std::vector<Eigen::MatrixXd> bands = bands_of(x, labels, band_labels);
          fit = fit_banded_ridge(bands, y.view(), folds, o);
          // coef rows are band after band: back to X's column order.
          Eigen::MatrixXd coef(fit.coef.rows(), fit.coef.cols());
          Eigen::Index at = 0;
          for (int label : band_labels) {
            for (std::size_t j = 0; j < labels.size(); ++j) {
              if (labels[j] == label) coef.row(static_cast<Eigen::Index>(j)) = fit.coef.row(at++);
            }
          }
          fit.coef = std::move(coef);
        }
        py::dict d;
        d["coef"] = to_numpy(std::move(fit.coef));
        d["intercept"] = to_numpy(std::move(fit.intercept));
        d["band_weights"] = to_numpy(std::move(fit.band_weights));
        d["best_alpha"] = to_numpy(std::move(fit.best_alpha));
        d["cv_r2"] = to_numpy(std::move(fit.cv_r2));
        d["candidate_weights"] = to_numpy(std::move(fit.candidate_weights));
        d["alphas"] = to_numpy(std::move(fit.alphas));
        d["band_labels"] = py::cast(band_labels);
        return d;
      },
      py::arg("X"), py::arg("Y"), py::arg("groups"), py::arg("cv"), py::arg("alphas"), py::arg("candidates"),
      py::arg("concentrations"), py::arg("seed"), py::arg("standardize"));
}

}  // namespace neuroscore::python
