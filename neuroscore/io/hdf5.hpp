// HDF5 datasets (Debian's libhdf5, serial): a numeric dataset by path as a matrix, a range of its
// columns only (what one process of a sharded run reads), and a writer. Entry points:
// read_hdf5_matrix, read_hdf5_columns, hdf5_dataset_shape, write_hdf5_matrix.
#pragma once

#include <hdf5.h>

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <fstream>
#include <filesystem>
#include <string>
#include <vector>

#include "neuroscore/io/detail/hdf5.hpp"

namespace neuroscore::io {

// Rows and columns of a dataset (a 1-D dataset of n values is n x 1). Errors: as read_hdf5_matrix.
// Whether the file at `path` is HDF5, whatever its extension (.h5, .hdf5, .nwb, .mat v7.3): its
// 8-byte signature \x89HDF\r\n\x1a\n at offset 0, 512, 1024, 2048, ... (after a user block). False
// for a file that cannot be opened.
inline bool is_hdf5_file(const std::filesystem::path& path) {
  static constexpr char kSignature[] = "\x89HDF\r\n\x1a\n";
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char head[8];
  for (std::streamoff offset = 0; offset < (std::streamoff{1} << 30); offset = offset == 0 ? 512 : offset * 2) {
    in.seekg(offset);
    if (!in.read(head, 8)) return false;
    if (std::equal(head, head + 8, kSignature)) return true;
  }
  return false;
}

inline std::vector<std::int64_t> hdf5_dataset_shape(const std::filesystem::path& path, const std::string& dataset);

// The numeric dataset `dataset` ("/ecog/high_gamma") of the HDF5 file `path` as doubles: a 2-D
// dataset of shape (rows, cols) as stored (row-major, as h5py and numpy write it), a 1-D one as a
// column. Integer and float types are converted by HDF5. Errors name the file and the dataset: not
// an HDF5 file (or truncated), no such dataset (the message lists the file's datasets), a
// non-numeric type (strings, compounds), more than 2 dimensions.
inline Eigen::MatrixXd read_hdf5_matrix(const std::filesystem::path& path, const std::string& dataset);

// Columns [first, first + count) of a 2-D dataset (a hyperslab: only those bytes are read).
// Errors: as read_hdf5_matrix, and a column range outside the dataset.
inline Eigen::MatrixXd read_hdf5_columns(const std::filesystem::path& path, const std::string& dataset, std::int64_t first,
                                         std::int64_t count);

// Writes `m` as a 2-D float64 dataset (row-major, groups created as needed) into `path`, created
// or truncated. Errors name the path.
inline void write_hdf5_matrix(const std::filesystem::path& path, const std::string& dataset, const Eigen::Ref<const Eigen::MatrixXd>& m);

// ---- implementation ----

inline std::vector<std::int64_t> hdf5_dataset_shape(const std::filesystem::path& path, const std::string& dataset) {
  detail::hdf5::Dataset d;
  detail::hdf5::open_dataset(path, dataset, d);
  return {static_cast<std::int64_t>(d.dims[0]), static_cast<std::int64_t>(d.dims[1])};
}

inline Eigen::MatrixXd read_hdf5_matrix(const std::filesystem::path& path, const std::string& dataset) {
  const std::vector<std::int64_t> shape = hdf5_dataset_shape(path, dataset);
  return read_hdf5_columns(path, dataset, 0, shape[1]);
}

inline Eigen::MatrixXd read_hdf5_columns(const std::filesystem::path& path, const std::string& dataset, std::int64_t first,
                                         std::int64_t count) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  detail::hdf5::Dataset d;
  detail::hdf5::open_dataset(path, dataset, d);
  const auto rows = static_cast<std::int64_t>(d.dims[0]), cols = static_cast<std::int64_t>(d.dims[1]);
  if (first < 0 || count < 1 || first + count > cols) {
    detail::hdf5::fail(path, dataset, "columns " + std::to_string(first) + ".." + std::to_string(first + count - 1) + " are outside its " +
                                          std::to_string(cols) + " columns");
  }
  RowMajor out(rows, count);
  const bool one_d = H5Sget_simple_extent_ndims(d.space.get()) == 1;
  const hsize_t start[2] = {0, static_cast<hsize_t>(first)}, size[2] = {static_cast<hsize_t>(rows), static_cast<hsize_t>(count)};
  if (!one_d && H5Sselect_hyperslab(d.space.get(), H5S_SELECT_SET, start, nullptr, size, nullptr) < 0) {
    detail::hdf5::fail(path, dataset, "cannot select columns");
  }
  const detail::hdf5::Handle memory(H5Screate_simple(one_d ? 1 : 2, size, nullptr), H5Sclose);
  if (H5Dread(d.data.get(), H5T_NATIVE_DOUBLE, memory.get(), one_d ? H5S_ALL : d.space.get(), H5P_DEFAULT, out.data()) < 0) {
    detail::hdf5::fail(path, dataset, "read failed (truncated or damaged data)");
  }
  return out;
}

inline void write_hdf5_matrix(const std::filesystem::path& path, const std::string& dataset, const Eigen::Ref<const Eigen::MatrixXd>& m) {
  using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  detail::hdf5::quiet();
  const detail::hdf5::Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) detail::hdf5::fail(path, "", "cannot create");
  const detail::hdf5::Handle links(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(links.get(), 1);
  const hsize_t dims[2] = {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  const detail::hdf5::Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose);
  const detail::hdf5::Handle data(H5Dcreate2(file.get(), dataset.c_str(), H5T_IEEE_F64LE, space.get(), links.get(), H5P_DEFAULT, H5P_DEFAULT),
                                  H5Dclose);
  if (!data.ok()) detail::hdf5::fail(path, dataset, "cannot create the dataset");
  const RowMajor rm = m;
  if (H5Dwrite(data.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, rm.data()) < 0) detail::hdf5::fail(path, dataset, "write failed");
}

}  // namespace neuroscore::io
