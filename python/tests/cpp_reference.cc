// python/tests/cpp_reference.cc: the C++ side of test_ridge.py's equality check. Reads X.npy and
// Y.npy from DIR, runs fit_ridge, cross_validated_ridge and fit_banded_ridge with the options the
// test passes to Python, and writes every result array to DIR as .npy.
//   cpp_reference DIR
#include <exception>
#include <filesystem>
#include <iostream>

#include "neuroscore/io/npy.hpp"
#include "neuroscore/banded.hpp"
#include "neuroscore/partition.hpp"
#include "neuroscore/ridge.hpp"

namespace ns = neuroscore;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: cpp_reference DIR (with X.npy and Y.npy)\n";
    return 2;
  }
  try {
    const std::filesystem::path dir = argv[1];
    const Eigen::MatrixXd x = ns::io::read_npy_matrix(dir / "X.npy");
    const Eigen::MatrixXd y = ns::io::read_npy_matrix(dir / "Y.npy");
    const auto n = static_cast<std::size_t>(x.rows());
    ns::RidgeCvOptions options;
    options.alphas = {0.1, 1.0, 10.0, 100.0, 1000.0};
    const ns::RidgeFit fit = ns::fit_ridge(x, y, ns::contiguous_kfold(n, 5, ns::Gap{2}), options);
    ns::io::write_npy(dir / "fit_coef.npy", fit.coef);
    ns::io::write_npy(dir / "fit_intercept.npy", fit.intercept);
    ns::io::write_npy(dir / "fit_best_alpha.npy", fit.best_alpha);
    ns::io::write_npy(dir / "fit_cv_r2.npy", fit.cv_r2);
    options.inner_folds = 4;
    options.inner_gap = ns::Gap{1};
    const ns::RidgeCvResult nested = ns::cross_validated_ridge(x, y, ns::contiguous_kfold(n, 3), options);
    ns::io::write_npy(dir / "nested_fold_r.npy", nested.fold_r);
    ns::io::write_npy(dir / "nested_chosen_alpha.npy", nested.chosen_alpha);
    ns::io::write_npy(dir / "nested_predictions.npy", nested.predictions);
    ns::BandedRidgeOptions banded;
    banded.alphas = {0.1, 10.0, 1000.0};
    banded.candidates = 4;
    banded.seed = ns::Seed{7};
    const ns::BandedRidgeFit b = ns::fit_banded_ridge({x.leftCols(4), x.rightCols(x.cols() - 4)}, y,
                                                      ns::contiguous_kfold(n, 5), banded);
    ns::io::write_npy(dir / "banded_coef.npy", b.coef);
    ns::io::write_npy(dir / "banded_band_weights.npy", b.band_weights);
    ns::io::write_npy(dir / "banded_best_alpha.npy", b.best_alpha);
  } catch (const std::exception& e) {
    std::cerr << "cpp_reference: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
