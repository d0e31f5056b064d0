// NIfTI-1 and NIfTI-2 images (.nii, and .nii.gz through zlib): a checked reader, a 4D run as a
// time x voxels matrix under a brain mask, and a writer of 3D maps with the input's geometry.
// Entry points: read_nifti, parse_nifti, NiftiVolumeReader, nifti_timeseries, mask_voxels, VaryingVoxels, write_nifti_volumes,
// write_nifti_map, gunzip.
#pragma once

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/nifti.hpp"
#include "neuroscore/io/detail/zlib.hpp"
#include "neuroscore/io/nifti_image.hpp"

#include <zlib.h>

namespace neuroscore::io {

// The time between volumes that a header states: pixdim[4] in the time unit of xyzt_units (bits
// 0x38: 8 seconds, 16 milliseconds, 24 microseconds). `seconds` is empty when the header gives no
// information: pixdim[4] 0 (or negative, or not finite), or a time unit that is unknown (0) or not
// a time (Hz, ppm, rad/s). `stated` says what the header holds ("pixdim[4] 2500 ms").
struct RepetitionTime {
  std::optional<double> seconds;
  std::string stated;
};

inline RepetitionTime repetition_time(const NiftiImage& image) {
  const double value = image.pixdim[4];
  const int unit = image.xyzt_units & 0x38;
  std::ostringstream v;
  v << value;
  RepetitionTime out;
  const char* name = unit == 8 ? "s" : unit == 16 ? "ms" : unit == 24 ? "us" : nullptr;
  out.stated = "pixdim[4] " + v.str() + (name ? std::string(" ") + name : " with time unit code " + std::to_string(unit) + " (unknown)");
  if (name != nullptr && std::isfinite(value) && value > 0.0) out.seconds = value * (unit == 8 ? 1.0 : unit == 16 ? 1e-3 : 1e-6);
  return out;
}

// A 4D run under a mask: one row per volume, one column per kept voxel.
struct NiftiTimeseries {
  Eigen::MatrixXd data;                 // volumes x kept voxels
  std::vector<std::int64_t> voxels;     // linear index (x + nx * (y + ny * z)) of each column
  NiftiImage geometry;                  // the image's header fields (data empty)
};

// The bytes of a gzip stream, inflated. Throws std::runtime_error "SOURCE: gzip stream corrupt
// (zlib: MESSAGE)" or "... ends early" for a damaged or truncated stream.
inline std::string gunzip(std::string_view compressed, std::string_view source) {
  return detail::inflate_stream(compressed, detail::ZlibWrapper::gzip, std::string(source), "gzip stream");
}

// Parses the bytes of a single-file NIfTI image (.nii, already inflated). Errors name the source
// and the header field: a file shorter than its header, a bad sizeof_hdr or magic (a .hdr/.img
// pair is not supported), dim[0] outside 1..7 or a dimension < 1, an unsupported datatype or a
// bitpix that disagrees with it, vox_offset inside the header, data shorter than the dimensions
// need ("header says 64 x 64 x 30 x 200 int16 = 49152000 bytes after vox_offset 352, file has
// 1000"), a non-finite scl_slope or scl_inter.
inline NiftiImage parse_nifti(std::string_view bytes, std::string_view source_name) {
  detail::nifti::Layout layout = detail::nifti::parse_layout(bytes, bytes.size(), source_name);
  if (bytes.size() - layout.offset < layout.data_bytes) throw std::runtime_error(layout.short_data(std::string(source_name), bytes.size() - layout.offset));
  NiftiImage img = std::move(layout.image);
  img.data.resize(static_cast<std::size_t>(layout.data_bytes / static_cast<std::uint64_t>(layout.width)));
  for (std::size_t i = 0; i < img.data.size(); ++i) img.data[i] = layout.value(bytes, layout.offset + i * static_cast<std::size_t>(layout.width));
  return img;
}

// Reads a .nii or .nii.gz file (gzip is recognized by its magic bytes, not the name).
inline NiftiImage read_nifti(const std::filesystem::path& path) {
  const std::string bytes = detail::read_file_bytes(path);
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b) {
    return parse_nifti(gunzip(bytes, path.string()), path.string());
  }
  return parse_nifti(bytes, path.string());
}

// A .nii or .nii.gz image read one volume at a time, for runs too large to hold: opening reads the
// header only; every pass (for_each_volume) goes through the file once from the start (a .nii
// seeks to each volume's span; zlib inflates a .nii.gz as it goes), keeping one volume's span of
// voxels in memory.
// Errors: as parse_nifti; a file that ends before the dimensions say, a damaged gzip stream.
class NiftiVolumeReader {
 public:
  explicit NiftiVolumeReader(const std::filesystem::path& path);
  // The header fields (data empty).
  const NiftiImage& geometry() const { return layout_.image; }
  // Calls visit(t, values) for every volume t in order, `values` holding the scaled values of
  // voxels [first, first + count) of volume t.
  template <class Visit>
  void for_each_volume(std::int64_t first, std::int64_t count, Visit&& visit) const;

 private:
  struct Stream;
  std::filesystem::path path_;
  detail::nifti::Layout layout_;
};

// One sequential pass over the file through zlib's gz reader, which reads a file without a gzip
// header as it is.
struct NiftiVolumeReader::Stream {
  std::unique_ptr<gzFile_s, detail::nifti::CloseGz> file;
  std::string source;
  std::uint64_t at = 0;  // inflated bytes consumed

  explicit Stream(const std::filesystem::path& path) : file(gzopen(path.c_str(), "rb")), source(path.string()) {
    if (!file) throw std::runtime_error(source + ": cannot open");
    gzbuffer(file.get(), 1 << 18);
  }
  // The `n` inflated bytes at `offset` (forward only: offset >= the bytes consumed); fewer when the
  // file ends first.
  std::string take(std::uint64_t offset, std::size_t n) {
    if (offset > at) {
      // A .nii seeks; a .nii.gz inflates up to `offset` (zlib's gzseek).
      const z_off_t reached = gzseek(file.get(), static_cast<z_off_t>(offset), SEEK_SET);
      check(reached < 0);
      if (reached < 0 || static_cast<std::uint64_t>(reached) != offset) return {};
      at = offset;
    }
    std::string out(n, '\0');
    out.resize(read(out.data(), n));
    at += out.size();
    return out;
  }
  // Throws when zlib reports an error (a gzip stream cut short reads to its end and then reports
  // Z_BUF_ERROR), or when `failed` and zlib says nothing.
  void check(bool failed) {
    int code = Z_OK;
    const char* message = gzerror(file.get(), &code);
    if (code == Z_BUF_ERROR) throw std::runtime_error(source + ": gzip stream ends early (truncated file?)");
    if (failed || (code != Z_OK && code != Z_STREAM_END)) {
      throw std::runtime_error(source + ": gzip stream corrupt (zlib: " + (message ? message : "unknown") + ")");
    }
  }
  // Up to `n` bytes; fewer only at the end of the file.
  std::size_t read(char* into, std::size_t n) {
    std::size_t got = 0;
    while (got < n) {
      const int chunk = gzread(file.get(), into + got, static_cast<unsigned>(std::min<std::size_t>(n - got, 1u << 30)));
      check(chunk < 0);
      if (chunk == 0) break;
      got += static_cast<std::size_t>(chunk);
    }
    return got;
  }
};

inline NiftiVolumeReader::NiftiVolumeReader(const std::filesystem::path& path) : path_(path) {
  if (std::filesystem::is_directory(path)) throw std::runtime_error(path.string() + ": cannot open: is a directory, not a file");
  Stream stream(path);
  std::string head(540, '\0');
  head.resize(stream.read(head.data(), head.size()));
  // A .nii's size is known (its data are checked now); a .nii.gz's is not (checked as it streams).
  const std::optional<std::uint64_t> size =
      gzdirect(stream.file.get()) == 0 ? std::nullopt : std::optional<std::uint64_t>(detail::file_size_of(path));
  layout_ = detail::nifti::parse_layout(head, size, path.string());
  if (size && *size - layout_.offset < layout_.data_bytes) throw std::runtime_error(layout_.short_data(path.string(), *size - layout_.offset));
}

template <class Visit>
void NiftiVolumeReader::for_each_volume(std::int64_t first, std::int64_t count, Visit&& visit) const {
  const std::int64_t nv = layout_.image.voxels_per_volume(), nt = layout_.image.volumes();
  if (first < 0 || count < 1 || first + count > nv) {
    throw std::invalid_argument(path_.string() + ": voxels " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                                " are outside its " + std::to_string(nv) + " voxels per volume");
  }
  Stream stream(path_);
  const auto width = static_cast<std::uint64_t>(layout_.width);
  std::vector<double> values(static_cast<std::size_t>(count));
  for (std::int64_t t = 0; t < nt; ++t) {
    const std::uint64_t offset = layout_.offset + (static_cast<std::uint64_t>(t * nv + first)) * width;
    const std::string bytes = stream.take(offset, static_cast<std::size_t>(count) * layout_.width);
    if (bytes.size() < static_cast<std::size_t>(count) * layout_.width) {
      const std::uint64_t have = stream.at > layout_.offset ? stream.at - layout_.offset : 0;
      throw std::runtime_error(layout_.short_data(path_.string(), have) + " (it ends in volume " + std::to_string(t) + ")");
    }
    for (std::int64_t v = 0; v < count; ++v) values[static_cast<std::size_t>(v)] = layout_.value(bytes, static_cast<std::size_t>(v) * layout_.width);
    visit(t, static_cast<const double*>(values.data()));
  }
}

// The voxels (x + nx * (y + ny * z)) where `mask` is non-zero, in order. Errors: a mask that is not
// one volume on the grid of `image`, named with both shapes; a mask of zeros ("SOURCE: no voxel
// kept").
inline std::vector<std::int64_t> mask_voxels(const NiftiImage& image, const NiftiImage& mask, const std::string& source,
                                             const std::string& mask_source) {
  if (mask.dim(0) != image.dim(0) || mask.dim(1) != image.dim(1) || mask.dim(2) != image.dim(2) || mask.volumes() != 1) {
    throw std::runtime_error(mask_source + ": mask is " + detail::nifti::shape_text(mask) + ", the image " + source + " is " +
                             detail::nifti::shape_text(image) + " (the mask must be one volume on the image's grid)");
  }
  std::vector<std::int64_t> keep;
  for (std::int64_t v = 0; v < image.voxels_per_volume(); ++v) {
    if (mask.data[static_cast<std::size_t>(v)] != 0.0) keep.push_back(v);
  }
  if (keep.empty()) throw std::runtime_error(source + ": no voxel kept (the mask is all zeros)");
  return keep;
}

// The voxels of a run that are not constant over time (outside the brain the scanner writes
// constants), from its volumes fed in order: a voxel is kept when a later volume differs from
// volume 0 (a NaN in a later volume differs, and is refused as non-finite when read).
class VaryingVoxels {
 public:
  explicit VaryingVoxels(std::int64_t voxels_per_volume) : varies_(static_cast<std::size_t>(voxels_per_volume), 0) {}
  void add(std::int64_t t, const double* volume) {
    if (t == 0) {
      first_.assign(volume, volume + varies_.size());
      return;
    }
    for (std::size_t i = 0; i < varies_.size(); ++i) varies_[i] |= volume[i] != first_[i];
  }
  // The kept voxels in order. Error: none ("SOURCE: no voxel kept").
  std::vector<std::int64_t> voxels(const std::string& source) const {
    std::vector<std::int64_t> keep;
    for (std::size_t i = 0; i < varies_.size(); ++i) {
      if (varies_[i]) keep.push_back(static_cast<std::int64_t>(i));
    }
    if (keep.empty()) throw std::runtime_error(source + ": no voxel kept (every voxel is constant over time)");
    return keep;
  }

 private:
  std::vector<char> varies_;
  std::vector<double> first_;
};

// A run has at most 4 dimensions (x, y, z, time); error naming the count.
inline void require_run_dims(const NiftiImage& image, const std::string& source) {
  if (image.dims.size() > 4) throw std::runtime_error(source + ": " + std::to_string(image.dims.size()) + " dimensions; a run has at most 4 (x, y, z, time)");
}

// A 4D run (nx x ny x nz x nt; a 3D image is one volume) as volumes x voxels. With a mask (a
// 3D image on the same grid), the voxels where the mask is non-zero; without, every voxel whose
// values are not constant over time (outside the brain the scanner writes constants). Columns are
// in voxel order. Errors: a mask on another grid, no voxel kept, an image of more than 4 dimensions
// (named with its shape), non-finite voxel values in a kept voxel.
inline NiftiTimeseries nifti_timeseries(const NiftiImage& image, const NiftiImage* mask, std::string_view source = "image",
                                        std::string_view mask_source = "mask") {
  const std::string src(source);
  require_run_dims(image, src);
  const std::int64_t nv = image.voxels_per_volume(), nt = image.volumes();
  std::vector<std::int64_t> keep;
  if (mask != nullptr) {
    keep = mask_voxels(image, *mask, src, std::string(mask_source));
  } else {
    VaryingVoxels varying(nv);
    for (std::int64_t t = 0; t < nt; ++t) varying.add(t, image.data.data() + t * nv);
    keep = varying.voxels(src);
  }
  NiftiTimeseries out;
  out.data.resize(nt, static_cast<Eigen::Index>(keep.size()));
  for (std::size_t k = 0; k < keep.size(); ++k) {
    for (std::int64_t t = 0; t < nt; ++t) {
      const double x = image.data[static_cast<std::size_t>(t * nv + keep[k])];
      if (!std::isfinite(x)) {
        throw std::runtime_error(src + ": voxel " + std::to_string(keep[k]) + " is not finite at volume " + std::to_string(t));
      }
      out.data(t, static_cast<Eigen::Index>(k)) = x;
    }
  }
  out.voxels = std::move(keep);
  out.geometry = image;
  out.geometry.data.clear();
  return out;
}

// Writes float32 NIfTI-1 volumes on the grid of `geometry` (dims, pixdim, qform, sform and units
// copied, so viewers overlay them on the input): row k of `values` (one column per volume) at
// voxel `voxels[k]`, `fill` elsewhere; one column gives a 3D map. A path ending in ".gz" is
// gzip-compressed. Errors: sizes that disagree, a voxel off the grid, a grid too large for NIfTI-1
// (a dimension over 32767), an unwritable path.
inline void write_nifti_volumes(const std::filesystem::path& path, const NiftiImage& geometry, const std::vector<std::int64_t>& voxels,
                                const Eigen::Ref<const Eigen::MatrixXd>& values, double fill = 0.0) {
  using detail::nifti::put;
  if (static_cast<Eigen::Index>(voxels.size()) != values.rows() || values.cols() < 1) {
    throw std::invalid_argument("write_nifti_volumes: " + std::to_string(voxels.size()) + " voxels, values " + std::to_string(values.rows()) +
                                " x " + std::to_string(values.cols()));
  }
  const std::int64_t nx = geometry.dim(0), ny = geometry.dim(1), nz = geometry.dim(2), nv = nx * ny * nz, nt = values.cols();
  for (std::int64_t d : {nx, ny, nz, nt}) {
    if (d > 32767) throw std::invalid_argument("write_nifti_volumes: dimension " + std::to_string(d) + " does not fit NIfTI-1");
  }
  std::string bytes(352 + static_cast<std::size_t>(nv * nt) * 4, '\0');
  put<std::int32_t>(bytes, 0, 348);
  const std::int16_t dim[8] = {static_cast<std::int16_t>(nt > 1 ? 4 : 3), static_cast<std::int16_t>(nx), static_cast<std::int16_t>(ny),
                               static_cast<std::int16_t>(nz), static_cast<std::int16_t>(nt), 1, 1, 1};
  for (std::size_t i = 0; i < 8; ++i) put<std::int16_t>(bytes, 40 + 2 * i, dim[i]);
  put<std::int16_t>(bytes, 70, 16);
  put<std::int16_t>(bytes, 72, 32);
  put<float>(bytes, 76, geometry.pixdim[0] == -1.0 ? -1.0f : 1.0f);  // qfac
  for (std::size_t i = 1; i <= (nt > 1 ? 4u : 3u); ++i) put<float>(bytes, 76 + 4 * i, static_cast<float>(geometry.pixdim[i]));
  put<float>(bytes, 108, 352.0f);
  put<float>(bytes, 112, 1.0f);
  bytes[123] = static_cast<char>(nt > 1 ? geometry.xyzt_units : (geometry.xyzt_units & 0x07));  // a map has no time axis
  put<std::int16_t>(bytes, 252, static_cast<std::int16_t>(geometry.qform_code));
  put<std::int16_t>(bytes, 254, static_cast<std::int16_t>(geometry.sform_code));
  for (std::size_t i = 0; i < 3; ++i) {
    put<float>(bytes, 256 + 4 * i, static_cast<float>(geometry.quatern[i]));
    put<float>(bytes, 268 + 4 * i, static_cast<float>(geometry.qoffset[i]));
    for (std::size_t j = 0; j < 4; ++j) put<float>(bytes, 280 + 16 * i + 4 * j, static_cast<float>(geometry.srow[i][j]));
  }
  std::memcpy(&bytes[344], "n+1\0", 4);
  std::vector<float> out(static_cast<std::size_t>(nv * nt), static_cast<float>(fill));
  for (std::size_t k = 0; k < voxels.size(); ++k) {
    if (voxels[k] < 0 || voxels[k] >= nv) throw std::invalid_argument("write_nifti_volumes: voxel " + std::to_string(voxels[k]) + " is off the grid");
    for (std::int64_t t = 0; t < nt; ++t) {
      out[static_cast<std::size_t>(t * nv + voxels[k])] = static_cast<float>(values(static_cast<Eigen::Index>(k), t));
    }
  }
  std::memcpy(&bytes[352], out.data(), out.size() * 4);
  const std::string name = path.string();
  if (name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0) {
    bytes = detail::deflate_stream(bytes, detail::ZlibWrapper::gzip, name);
  }
  detail::write_file_bytes(path, bytes);
}

// A 3D map: write_nifti_volumes with one value per voxel.
inline void write_nifti_map(const std::filesystem::path& path, const NiftiImage& geometry, const std::vector<std::int64_t>& voxels,
                            const Eigen::Ref<const Eigen::VectorXd>& values, double fill = 0.0) {
  write_nifti_volumes(path, geometry, voxels, Eigen::MatrixXd(values), fill);
}

}  // namespace neuroscore::io
