// Responses (samples x targets) read a block of targets at a time, so that a whole brain need not
// fit in memory: the columns of an .npy matrix, of an HDF5 dataset, or the voxels of a 4D NIfTI run
// under a mask. Formats that cannot be read in part (text, CSV, GIfTI) are held whole.
// Entry points: ResponseColumns, streams_targets, split_hdf5_spec.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/nifti.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::io {

// "FILE.h5:/group/dataset" (or .hdf5, or any FILE that is_hdf5_file, e.g. an .nwb) -> {FILE,
// /group/dataset}; anything else -> nullopt.
inline std::optional<std::pair<std::filesystem::path, std::string>> split_hdf5_spec(const std::string& spec) {
  for (const std::string ext : {".h5:", ".hdf5:"}) {
    const std::size_t at = spec.find(ext);
    if (at != std::string::npos) return std::make_pair(std::filesystem::path(spec.substr(0, at + ext.size() - 1)), spec.substr(at + ext.size()));
  }
  for (std::size_t at = spec.find(":/"); at != std::string::npos; at = spec.find(":/", at + 1)) {
    const std::filesystem::path file = spec.substr(0, at);
    if (std::filesystem::is_regular_file(file) && is_hdf5_file(file)) return std::make_pair(file, spec.substr(at + 1));
  }
  return std::nullopt;
}

// Throws std::invalid_argument when `spec` is an HDF5 file named without its dataset.
inline void require_hdf5_dataset_named(const std::string& spec, const std::string& what) {
  if (!split_hdf5_spec(spec) && std::filesystem::is_regular_file(spec) && is_hdf5_file(spec)) {
    throw std::invalid_argument(what + " " + spec + " is an HDF5 file: name the dataset (" + spec + ":/path)");
  }
}

// Whether ResponseColumns reads `spec` a block at a time: .npy, FILE.h5:/dataset, .nii, .nii.gz.
inline bool streams_targets(const std::string& spec) {
  const std::string ext = std::filesystem::path(spec).extension().string();
  return split_hdf5_spec(spec) || ext == ".npy" || is_nifti_path(spec);
}

class ResponseColumns {
 public:
  // Opens `spec` (see streams_targets) reading only what says its shape: the NPY header, the HDF5
  // dataspace, the NIfTI header and `mask` (a 3D NIfTI on the run's grid; without one, one pass over
  // the run finds the voxels not constant over time, holding one volume). Errors: as the readers.
  explicit ResponseColumns(const std::string& spec, const std::filesystem::path& mask = {});
  // A matrix already in memory (formats that are not streamed), with where its columns lie. A read
  // of every column hands the matrix over (no copy); the object reads nothing after that.
  ResponseColumns(Eigen::MatrixXd all, BrainTargets targets);

  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  // NIfTI runs: the kept voxels and the grid; empty otherwise.
  const BrainTargets& targets() const { return targets_; }
  // Targets [first, first + count) for every sample. Errors: a range outside the targets, a file that
  // changed or ends early, non-finite values in a NIfTI voxel.
  Eigen::MatrixXd read(Eigen::Index first, Eigen::Index count) const {
    if (first < 0 || count < 1 || first + count > cols_) {
      throw std::invalid_argument("responses: targets " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                                  " are outside its " + std::to_string(cols_) + " targets");
    }
    return read_(first, count);
  }

 private:
  Eigen::Index rows_ = 0, cols_ = 0;
  BrainTargets targets_;
  std::function<Eigen::MatrixXd(Eigen::Index, Eigen::Index)> read_;
};

inline ResponseColumns::ResponseColumns(Eigen::MatrixXd all, BrainTargets targets)
    : rows_(all.rows()), cols_(all.cols()), targets_(std::move(targets)) {
  // Reading every column at once hands the matrix over instead of copying it (a run read whole
  // reads it once); after that, reads of it fail.
  auto held = std::make_shared<Eigen::MatrixXd>(std::move(all));
  read_ = [held, cols = cols_](Eigen::Index first, Eigen::Index count) -> Eigen::MatrixXd {
    if (held->cols() != cols) throw std::logic_error("ResponseColumns: the matrix was already handed over by a read of every column");
    if (first == 0 && count == cols) return std::move(*held);
    return held->middleCols(first, count);
  };
}

inline ResponseColumns::ResponseColumns(const std::string& spec, const std::filesystem::path& mask) {
  if (const auto h5 = split_hdf5_spec(spec)) {
    const std::vector<std::int64_t> shape = hdf5_dataset_shape(h5->first, h5->second);
    rows_ = shape[0];
    cols_ = shape[1];
    read_ = [h5 = *h5](Eigen::Index first, Eigen::Index count) { return read_hdf5_columns(h5.first, h5.second, first, count); };
  } else if (std::filesystem::path(spec).extension() == ".npy") {
    auto reader = std::make_shared<NpyColumnReader>(spec);
    rows_ = reader->rows();
    cols_ = reader->cols();
    read_ = [reader](Eigen::Index first, Eigen::Index count) { return reader->read(first, count); };
  } else if (is_nifti_path(spec)) {
    auto reader = std::make_shared<NiftiVolumeReader>(spec);
    const NiftiImage& grid = reader->geometry();
    require_run_dims(grid, spec);
    if (!mask.empty()) {
      targets_.voxels = mask_voxels(grid, read_nifti(mask), spec, mask.string());
    } else {
      VaryingVoxels varying(grid.voxels_per_volume());
      reader->for_each_volume(0, grid.voxels_per_volume(), [&](std::int64_t t, const double* v) { varying.add(t, v); });
      targets_.voxels = varying.voxels(spec);
    }
    targets_.geometry = grid;
    rows_ = grid.volumes();
    cols_ = static_cast<Eigen::Index>(targets_.voxels.size());
    read_ = [reader, voxels = targets_.voxels, spec](Eigen::Index first, Eigen::Index count) {
      const std::int64_t lo = voxels[static_cast<std::size_t>(first)], hi = voxels[static_cast<std::size_t>(first + count - 1)];
      Eigen::MatrixXd out(reader->geometry().volumes(), count);
      reader->for_each_volume(lo, hi - lo + 1, [&](std::int64_t t, const double* v) {
        for (Eigen::Index k = 0; k < count; ++k) {
          const std::int64_t voxel = voxels[static_cast<std::size_t>(first + k)];
          const double x = v[voxel - lo];
          if (!std::isfinite(x)) throw std::runtime_error(spec + ": voxel " + std::to_string(voxel) + " is not finite at volume " + std::to_string(t));
          out(t, k) = x;
        }
      });
      return out;
    };
  } else {
    throw std::invalid_argument(spec + ": not read a block at a time (.npy, FILE.h5:/dataset, .nii and .nii.gz are)");
  }
}

}  // namespace neuroscore::io
