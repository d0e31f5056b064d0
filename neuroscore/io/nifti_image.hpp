// neuroscore/io/nifti_image.hpp: one NIfTI image, header fields and scaled voxel values (NiftiImage).
// nifti.hpp includes it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace neuroscore::io {

// One image. Voxel values are stored x fastest (NIfTI order): index x + nx * (y + ny * (z + nz * t)),
// already scaled by scl_slope and scl_inter when the file sets a slope (scl_slope != 0).
struct NiftiImage {
  int version = 1;                      // 1 or 2
  std::vector<std::int64_t> dims;       // dim[1..dim[0]]: nx, ny, nz, nt, ...
  std::array<double, 8> pixdim{};       // pixdim[0] is qfac
  int datatype = 16;                    // NIfTI code of the stored type (2, 4, 8, 16, 64, 256, 512, 768, 1024, 1280)
  int xyzt_units = 0;
  int qform_code = 0, sform_code = 0;
  std::array<double, 3> quatern{};      // quatern_b, c, d
  std::array<double, 3> qoffset{};      // qoffset_x, y, z
  std::array<std::array<double, 4>, 3> srow{};  // srow_x, srow_y, srow_z
  std::vector<double> data;             // every voxel of every volume

  std::int64_t dim(std::size_t i) const { return i < dims.size() ? dims[i] : 1; }
  std::int64_t voxels_per_volume() const { return dim(0) * dim(1) * dim(2); }
  std::int64_t volumes() const {
    std::int64_t v = 1;
    for (std::size_t i = 3; i < dims.size(); ++i) v *= dims[i];
    return v;
  }
};

}  // namespace neuroscore::io
