// A run of brain responses read from a NIfTI image (volumes x voxels under a mask, or every voxel
// not constant over time) or a GIfTI surface (volumes x its vertices not constant over time), and
// score maps written back on the run's grid. Entry points: is_brain_run_path, read_brain_run,
// write_brain_map.
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/io/gifti.hpp"
#include "neuroscore/io/nifti.hpp"

namespace neuroscore::io {

// Where each column of a run lies in the brain.
struct BrainTargets {
  std::vector<std::int64_t> voxels;   // per column: the voxel (x + nx * (y + ny * z)) or the vertex
  NiftiImage geometry;                // NIfTI: the run's grid (data empty)
  std::int64_t surface_vertices = 0;  // GIfTI: the surface's vertices; 0 for a NIfTI grid

  bool surface() const { return surface_vertices > 0; }
  // The same columns at the same places (every subject of a study must agree).
  bool same_as(const BrainTargets& o) const {
    return voxels == o.voxels && surface_vertices == o.surface_vertices && geometry.dim(0) == o.geometry.dim(0) &&
           geometry.dim(1) == o.geometry.dim(1) && geometry.dim(2) == o.geometry.dim(2);
  }
};

struct BrainRun {
  Eigen::MatrixXd data;  // volumes x targets
  BrainTargets targets;
  RepetitionTime tr;     // NIfTI: the header's (repetition_time); GIfTI: none ("not read from GIfTI")
};

inline bool is_nifti_path(const std::filesystem::path& p) {
  const std::string s = p.filename().string();
  const auto ends = [&](const std::string& e) { return s.size() > e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0; };
  return ends(".nii") || ends(".nii.gz");
}
inline bool is_gifti_path(const std::filesystem::path& p) {
  const std::string s = p.filename().string();
  return s.size() > 4 && s.compare(s.size() - 4, 4, ".gii") == 0;
}
inline bool is_brain_run_path(const std::filesystem::path& p) { return is_nifti_path(p) || is_gifti_path(p); }

// The run at `path` (.nii, .nii.gz or .gii) under `mask` (a 3D NIfTI on the run's grid; empty:
// none). Errors: as read_nifti / nifti_timeseries / read_gifti / gifti_timeseries, a mask given
// for a GIfTI run (std::invalid_argument), a surface whose vertices are all constant.
inline BrainRun read_brain_run(const std::filesystem::path& path, const std::filesystem::path& mask = {}) {
  BrainRun out;
  if (is_gifti_path(path)) {
    // A surface run: every vertex not constant over time (the medial wall is constant).
    if (!mask.empty()) {
      throw std::invalid_argument(mask.string() + ": a mask applies to NIfTI runs; the GIfTI run " + path.string() +
                                  " keeps its non-constant vertices");
    }
    const Eigen::MatrixXd all = gifti_timeseries(read_gifti(path), path.string());
    for (Eigen::Index v = 0; v < all.cols(); ++v) {
      if ((all.col(v).array() != all(0, v)).any()) out.targets.voxels.push_back(v);
    }
    if (out.targets.voxels.empty()) throw std::runtime_error(path.string() + ": every vertex is constant over time");
    out.targets.surface_vertices = all.cols();
    out.tr.stated = "not read from GIfTI";
    out.data.resize(all.rows(), static_cast<Eigen::Index>(out.targets.voxels.size()));
    for (std::size_t k = 0; k < out.targets.voxels.size(); ++k) out.data.col(static_cast<Eigen::Index>(k)) = all.col(out.targets.voxels[k]);
    return out;
  }
  const NiftiImage run = read_nifti(path);
  NiftiImage mask_image;
  if (!mask.empty()) mask_image = read_nifti(mask);
  NiftiTimeseries ts = nifti_timeseries(run, mask.empty() ? nullptr : &mask_image, path.string(), mask.string());
  out.data = std::move(ts.data);
  out.targets.voxels = std::move(ts.voxels);
  out.targets.geometry = std::move(ts.geometry);
  out.tr = repetition_time(run);
  return out;
}

// One value per target written as a map on the run's grid, NaN where nothing was scored:
// `stem` + ".nii.gz" (the grid and affine of the run) or + ".func.gii" (one value per vertex).
// Returns the path written.
inline std::filesystem::path write_brain_map(const std::filesystem::path& stem, const BrainTargets& targets,
                                             const Eigen::Ref<const Eigen::VectorXd>& values) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (targets.surface()) {
    if (static_cast<Eigen::Index>(targets.voxels.size()) != values.size()) {
      throw std::invalid_argument("write_brain_map: " + std::to_string(targets.voxels.size()) + " vertices, " + std::to_string(values.size()) + " values");
    }
    Eigen::VectorXd all = Eigen::VectorXd::Constant(targets.surface_vertices, nan);
    for (std::size_t k = 0; k < targets.voxels.size(); ++k) all(targets.voxels[k]) = values(static_cast<Eigen::Index>(k));
    const std::filesystem::path file = stem.string() + ".func.gii";
    write_gifti_map(file, all);
    return file;
  }
  const std::filesystem::path file = stem.string() + ".nii.gz";
  write_nifti_map(file, targets.geometry, targets.voxels, values, nan);
  return file;
}

}  // namespace neuroscore::io
