// python/src/convert.hpp: numpy <-> Eigen for the extension module, and the one place that
// decides when an argument is copied. Entry points: MatrixArg<Scalar>, VectorArg, to_numpy(),
// folds_from().
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <Eigen/Core>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::python {

namespace py = pybind11;

// How many array arguments were copied on their way into C++ since the module was loaded
// (neuroscore.input_copies() in Python): the tests hold the zero-copy promise to it.
inline std::atomic<std::uint64_t>& input_copies() {
  static std::atomic<std::uint64_t> count{0};
  return count;
}

// obj itself as a numpy array of Scalar's dtype, else the caller's error naming it.
template <class Scalar>
py::array array_of(const py::handle& obj, const std::string& name) {
  if (!py::isinstance<py::array>(obj)) throw std::invalid_argument(name + " is not a numpy array");
  auto given = py::reinterpret_borrow<py::array>(obj);
  if (!given.dtype().is(py::dtype::of<Scalar>())) {
    throw std::invalid_argument(name + " has dtype " + std::string(py::str(given.dtype())) + ", expected " +
                                std::string(py::str(py::dtype::of<Scalar>())));
  }
  return given;
}

// The dtype checks (real numbers only, float32 and float64 kept, integers and bools widened to
// float64) are made in Python before the call (neuroscore/_arrays.py); here an array arrives as
// float32 or float64 and only its layout decides:
//   - Fortran-contiguous (column-major, as Eigen stores a matrix): a view, no copy;
//   - anything else (C order, strided slices): one column-major copy, counted.
// A 1-D array is a column (n x 1) when `vector_is_column`.
template <class Scalar>
class MatrixArg {
 public:
  using Map = Eigen::Map<const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>;

  MatrixArg(const py::handle& obj, const std::string& name, bool vector_is_column = false) {
    const py::array given = array_of<Scalar>(obj, name);
    if (given.ndim() == 1 && vector_is_column) {
      rows_ = given.shape(0);
      cols_ = 1;
    } else if (given.ndim() == 2) {
      rows_ = given.shape(0);
      cols_ = given.shape(1);
    } else {
      throw std::invalid_argument(name + " must be a 2-D array" + std::string(vector_is_column ? " (or 1-D)" : "") +
                                  ", got " + std::to_string(given.ndim()) + "-D");
    }
    array_ = py::array_t<Scalar, py::array::f_style | py::array::forcecast>::ensure(given);
    if (!array_) throw py::error_already_set();
    if (array_.ptr() != given.ptr()) ++input_copies();
  }

  Map view() const { return Map(array_.data(), rows_, cols_); }
  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }

 private:
  py::array_t<Scalar, py::array::f_style | py::array::forcecast> array_;
  Eigen::Index rows_ = 0, cols_ = 0;
};

// A 1-D float64 argument (p-values, times): a view when contiguous, else a counted copy.
class VectorArg {
 public:
  using Map = Eigen::Map<const Eigen::VectorXd>;

  VectorArg(const py::handle& obj, const std::string& name) {
    const py::array given = array_of<double>(obj, name);
    if (given.ndim() != 1) {
      throw std::invalid_argument(name + " must be a 1-D array, got " + std::to_string(given.ndim()) + "-D");
    }
    array_ = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(given);
    if (!array_) throw py::error_already_set();
    if (array_.ptr() != given.ptr()) ++input_copies();
  }

  Map view() const { return Map(array_.data(), array_.shape(0)); }
  std::vector<double> to_vector() const { return {array_.data(), array_.data() + array_.shape(0)}; }

 private:
  py::array_t<double, py::array::c_style | py::array::forcecast> array_;
};

// An Eigen result handed to numpy without a copy: the matrix moves to the heap and a capsule
// owned by the array deletes it. Column-major results are Fortran-ordered arrays.
template <class Scalar, int Rows, int Cols, int Options>
py::array to_numpy(Eigen::Matrix<Scalar, Rows, Cols, Options>&& m) {
  using M = Eigen::Matrix<Scalar, Rows, Cols, Options>;
  auto* owned = new M(std::move(m));
  py::capsule owner(owned, [](void* p) { delete static_cast<M*>(p); });
  const auto s = static_cast<py::ssize_t>(sizeof(Scalar));
  if (Rows == 1 || Cols == 1) {
    return py::array_t<Scalar>({static_cast<py::ssize_t>(owned->size())}, {s}, owned->data(), owner);
  }
  const auto r = static_cast<py::ssize_t>(owned->rows());
  const auto c = static_cast<py::ssize_t>(owned->cols());
  const bool row_major = (Options & Eigen::RowMajor) != 0;
  return py::array_t<Scalar>({r, c}, row_major ? std::vector<py::ssize_t>{s * c, s} : std::vector<py::ssize_t>{s, s * r},
                             owned->data(), owner);
}

template <class Scalar, int Rows, int Cols, int Options>
py::array to_numpy(const Eigen::Matrix<Scalar, Rows, Cols, Options>& m) {
  return to_numpy(Eigen::Matrix<Scalar, Rows, Cols, Options>(m));
}

inline py::array to_numpy(std::vector<double> v) {
  return to_numpy(Eigen::VectorXd(Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()))));
}

// Flags (std::vector<bool> has no data()): a new bool array.
inline py::array to_numpy(const std::vector<bool>& v) {
  py::array_t<bool> out(static_cast<py::ssize_t>(v.size()));
  auto w = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i) w(static_cast<py::ssize_t>(i)) = v[i];
  return out;
}

inline py::array to_numpy_indices(const std::vector<std::size_t>& v) {
  py::array_t<std::int64_t> out(static_cast<py::ssize_t>(v.size()));
  auto w = out.mutable_unchecked<1>();
  for (std::size_t i = 0; i < v.size(); ++i) w(static_cast<py::ssize_t>(i)) = static_cast<std::int64_t>(v[i]);
  return out;
}

// Index arrays (any integer dtype, 1-D) as sample indices; a negative index is the caller's error.
inline std::vector<std::size_t> indices_from(const py::handle& obj, const std::string& name) {
  const auto given = py::array::ensure(obj);
  if (!given || given.ndim() != 1 || (given.size() > 0 && given.dtype().kind() != 'i' && given.dtype().kind() != 'u')) {
    throw std::invalid_argument(name + " must be a 1-D array of integer sample indices");
  }
  const auto ints = py::array_t<std::int64_t, py::array::forcecast>::ensure(given);
  const auto r = ints.unchecked<1>();
  std::vector<std::size_t> out(static_cast<std::size_t>(r.shape(0)));
  for (py::ssize_t i = 0; i < r.shape(0); ++i) {
    if (r(i) < 0) throw std::invalid_argument(name + " has a negative index " + std::to_string(r(i)) + " at position " + std::to_string(i));
    out[static_cast<std::size_t>(i)] = static_cast<std::size_t>(r(i));
  }
  return out;
}

// Folds from an iterable of (train, test) index-array pairs: what a scikit-learn splitter's
// split() yields and what neuroscore's splitters yield.
inline std::vector<Fold> folds_from(const py::handle& obj, const std::string& name = "folds") {
  std::vector<Fold> folds;
  for (const py::handle item : py::reinterpret_borrow<py::iterable>(obj)) {
    const auto pair = py::reinterpret_borrow<py::sequence>(item);
    const std::string which = name + "[" + std::to_string(folds.size()) + "]";
    if (py::len(pair) != 2) throw std::invalid_argument(which + " is not a (train, test) pair");
    folds.push_back(Fold{indices_from(pair[0], which + " train"), indices_from(pair[1], which + " test")});
  }
  return folds;
}

inline py::list folds_to_python(const std::vector<Fold>& folds) {
  py::list out;
  for (const Fold& f : folds) out.append(py::make_tuple(to_numpy_indices(f.train), to_numpy_indices(f.test)));
  return out;
}

inline std::vector<int> labels_from(const py::handle& obj, const std::string& name) {
  const auto given = py::array::ensure(obj);
  if (!given || given.ndim() != 1 || (given.size() > 0 && given.dtype().kind() != 'i' && given.dtype().kind() != 'u')) {
    throw std::invalid_argument(name + " must be a 1-D array of integer labels");
  }
  const auto ints = py::array_t<std::int64_t, py::array::forcecast>::ensure(given);
  const auto r = ints.unchecked<1>();
  std::vector<int> out(static_cast<std::size_t>(r.shape(0)));
  for (py::ssize_t i = 0; i < r.shape(0); ++i) out[static_cast<std::size_t>(i)] = static_cast<int>(r(i));
  return out;
}

// The ridge solver named by Python ('auto', 'primal', 'dual').
inline RidgeSolver solver_from(const std::string& s) {
  if (s == "auto") return RidgeSolver::automatic;
  if (s == "primal") return RidgeSolver::primal;
  if (s == "dual") return RidgeSolver::dual;
  throw std::invalid_argument("solver '" + s + "' is not one of 'auto', 'primal', 'dual'");
}

// The ridge calls run in single precision when X is float32 (Python's common_float made Y match).
inline bool is_float32(const py::handle& a) {
  return py::isinstance<py::array>(a) && py::reinterpret_borrow<py::array>(a).dtype().is(py::dtype::of<float>());
}

}  // namespace neuroscore::python
