// The io component's check (examples/README.md): writes a matrix to HDF5 and a gzipped NIfTI map,
// reads both back, and prints what it read, so a consumer that links neuroscore::io (CMake) or
// neuroscore-io (pkg-config) is known to find zlib and the HDF5 C library.
#include <cstdio>
#include <filesystem>

#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/nifti.hpp"

int main(int argc, char** argv) {
  namespace io = neuroscore::io;
  const std::filesystem::path dir = argc > 1 ? argv[1] : ".";
  const Eigen::MatrixXd m = (Eigen::MatrixXd(2, 3) << 1, 2, 3, 4, 5, 6).finished();
  io::write_hdf5_matrix(dir / "m.h5", "/scores/r", m);
  io::NiftiImage grid;
  grid.dims = {2, 2, 1};
  io::write_nifti_map(dir / "map.nii.gz", grid, {0, 3}, Eigen::Vector2d(0.25, 0.5));
  const io::NiftiImage map = io::read_nifti(dir / "map.nii.gz");
  std::printf("io: hdf5 sum %g, nifti.gz voxels %g %g %g %g\n", io::read_hdf5_matrix(dir / "m.h5", "/scores/r").sum(),
              map.data[0], map.data[1], map.data[2], map.data[3]);
  return 0;
}
