// neuroscore/io/detail/hdf5.hpp (private): libhdf5 handles, error messages and dataset opening of
// hdf5.hpp. Entry points: neuroscore::io::detail::hdf5::Handle, open_dataset, Dataset.
#pragma once

#include <hdf5.h>

#include <cstddef>
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

}  // namespace neuroscore::io
