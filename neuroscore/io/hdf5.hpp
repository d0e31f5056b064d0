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
#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore::io {

namespace detail::hdf5 {

// Closes an HDF5 handle on scope exit.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }
  void reset(hid_t id) {
    if (id_ >= 0) close_(id_);
    id_ = id;
  }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

// HDF5 prints its error stack to stderr by default; the messages here say what went wrong.
inline void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

// The dataset paths under `group` ("/a/b"), for messages; at most `limit`.
inline void list(hid_t file, const std::string& group, std::vector<std::string>& out, std::size_t limit) {
  H5G_info_t info;
  if (H5Gget_info_by_name(file, group.c_str(), &info, H5P_DEFAULT) < 0) return;
  for (hsize_t i = 0; i < info.nlinks && out.size() < limit; ++i) {
    char name[1024];
    if (H5Lget_name_by_idx(file, group.c_str(), H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT) < 0) continue;
    const std::string path = (group == "/" ? "/" : group + "/") + name;
    H5O_info_t oi;
    if (H5Oget_info_by_name(file, path.c_str(), &oi, H5P_DEFAULT) < 0) continue;
    if (oi.type == H5O_TYPE_DATASET) out.push_back(path);
    if (oi.type == H5O_TYPE_GROUP) list(file, path, out, limit);
  }
}

}  // namespace detail::hdf5

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

namespace detail::hdf5 {

[[noreturn]] inline void fail(const std::filesystem::path& path, const std::string& dataset, const std::string& m) {
  throw std::runtime_error(path.string() + (dataset.empty() ? "" : ": dataset " + dataset) + ": " + m);
}

struct Dataset {
  Handle file{-1, H5Fclose}, data{-1, H5Dclose}, space{-1, H5Sclose};
  std::vector<hsize_t> dims;
};

inline void open_dataset(const std::filesystem::path& path, const std::string& dataset, Dataset& d) {
  quiet();
  if (!std::filesystem::is_regular_file(path)) fail(path, "", "file not found");
  if (H5Fis_hdf5(path.c_str()) <= 0) fail(path, "", "not an HDF5 file (no HDF5 signature)");
  d.file.reset(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!d.file.ok()) fail(path, "", "cannot open as HDF5 (truncated or damaged)");
  if (dataset.empty() || dataset[0] != '/') fail(path, dataset, "a dataset path starts with '/'");
  // Every link on the way must exist, or H5Dopen fails with no useful message.
  bool exists = true;
  for (std::size_t slash = 1; exists && slash != std::string::npos;) {
    slash = dataset.find('/', slash + 1);
    const std::string prefix = dataset.substr(0, slash);
    exists = H5Lexists(d.file.get(), prefix.c_str(), H5P_DEFAULT) > 0;
  }
  if (!exists) {
    std::vector<std::string> found;
    list(d.file.get(), "/", found, 20);
    std::string names;
    for (const std::string& f : found) names += (names.empty() ? "" : ", ") + f;
    fail(path, dataset, "no such dataset (datasets: " + (names.empty() ? std::string("none") : names) + ")");
  }
  d.data.reset(H5Dopen2(d.file.get(), dataset.c_str(), H5P_DEFAULT));
  if (!d.data.ok()) fail(path, dataset, "not a dataset (a group?)");
  const Handle type(H5Dget_type(d.data.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) fail(path, dataset, "is not numeric (strings, compounds and references are not read)");
  d.space.reset(H5Dget_space(d.data.get()));
  const int rank = H5Sget_simple_extent_ndims(d.space.get());
  if (rank < 1 || rank > 2) {
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank > 0 ? rank : 0));
    if (rank > 0) H5Sget_simple_extent_dims(d.space.get(), dims.data(), nullptr);
    std::string shape;
    for (hsize_t x : dims) shape += (shape.empty() ? "" : " x ") + std::to_string(x);
    fail(path, dataset, "has " + std::to_string(rank) + " dimensions (" + shape + "); a matrix has 1 or 2");
  }
  d.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(d.space.get(), d.dims.data(), nullptr);
  if (rank == 1) d.dims.push_back(1);
}

}  // namespace detail::hdf5

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
