// neuroscore/io/detail/nifti.hpp (private): the NIfTI-1/NIfTI-2 header layout and voxel decoding of
// nifti.hpp. Entry points: neuroscore::io::detail::nifti::parse_layout, Layout, voxel, CloseGz.
#pragma once

#include <zlib.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/zlib.hpp"
#include "neuroscore/io/nifti_image.hpp"

namespace neuroscore::io {

namespace detail::nifti {

// Reads a T at `offset` of `bytes`, byte-swapped when `swap` (the file's byte order is not the
// host's: sizeof_hdr read as is was not 348 or 540).
template <class T>
T get(std::string_view bytes, std::size_t offset, bool swap) {
  T v;
  unsigned char b[sizeof(T)];
  std::memcpy(b, bytes.data() + offset, sizeof(T));
  if (swap) {
    for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  std::memcpy(&v, b, sizeof(T));
  return v;
}

// Writes a T in the host's byte order (the map's sizeof_hdr tells readers which that is).
template <class T>
void put(std::string& bytes, std::size_t offset, T v) {
  std::memcpy(&bytes[offset], &v, sizeof(T));
}

// Bytes per voxel of a datatype code, 0 when unsupported.
inline int bytes_of(int datatype) {
  switch (datatype) {
    case 2: case 256: return 1;     // uint8, int8
    case 4: case 512: return 2;     // int16, uint16
    case 8: case 16: case 768: return 4;  // int32, float32, uint32
    case 64: case 1024: case 1280: return 8;  // float64, int64, uint64
    default: return 0;
  }
}

inline double voxel(std::string_view bytes, std::size_t offset, int datatype, bool swap) {
  switch (datatype) {
    case 2: return get<std::uint8_t>(bytes, offset, false);
    case 256: return get<std::int8_t>(bytes, offset, false);
    case 4: return get<std::int16_t>(bytes, offset, swap);
    case 512: return get<std::uint16_t>(bytes, offset, swap);
    case 8: return get<std::int32_t>(bytes, offset, swap);
    case 768: return get<std::uint32_t>(bytes, offset, swap);
    case 16: return get<float>(bytes, offset, swap);
    case 64: return get<double>(bytes, offset, swap);
    case 1024: return static_cast<double>(get<std::int64_t>(bytes, offset, swap));
    default: return static_cast<double>(get<std::uint64_t>(bytes, offset, swap));
  }
}

}  // namespace detail::nifti

namespace detail::nifti {

// "64 x 64 x 30 x 200": an image's dimensions for messages.
inline std::string shape_text(const NiftiImage& image) {
  std::string s;
  for (std::int64_t d : image.dims) s += (s.empty() ? "" : " x ") + std::to_string(d);
  return s;
}

// The header of an image and where its voxels lie: `head` holds at least the header (348 or 540
// bytes) and `file_size` is the size of the whole (inflated) image when known; errors as
// parse_nifti, except a data section shorter than the dimensions need, which the caller checks
// (`Layout::data_bytes`) when it knows the size.
struct Layout {
  NiftiImage image;  // header fields; data empty
  std::size_t offset = 0;
  int width = 0;
  double slope = 1.0, inter = 0.0;
  bool swap = false;
  std::uint64_t data_bytes = 0;  // what the dimensions need after `offset`

  double value(std::string_view bytes, std::size_t at) const { return slope * voxel(bytes, at, image.datatype, swap) + inter; }
  std::string short_data(const std::string& source, std::uint64_t have) const {
    return source + ": header says " + shape_text(image) + " x " + std::to_string(width) + " bytes = " + std::to_string(data_bytes) +
           " bytes after vox_offset " + std::to_string(offset) + ", file has " + std::to_string(have);
  }
};

inline Layout parse_layout(std::string_view bytes, std::optional<std::uint64_t> file_size, std::string_view source_name) {
  const std::string source(source_name);
  const auto fail = [&](const std::string& m) -> void { throw std::runtime_error(source + ": " + m); };
  if (bytes.size() < 4) fail("not a NIfTI file (" + std::to_string(bytes.size()) + " bytes)");
  const std::int32_t raw = get<std::int32_t>(bytes, 0, false);
  const std::int32_t swapped = get<std::int32_t>(bytes, 0, true);
  Layout layout;
  NiftiImage& img = layout.image;
  bool& swap = layout.swap;
  if (raw == 348 || raw == 540) {
    img.version = raw == 348 ? 1 : 2;
  } else if (swapped == 348 || swapped == 540) {
    img.version = swapped == 348 ? 1 : 2;
    swap = true;
  } else {
    fail("sizeof_hdr is " + std::to_string(raw) + ", neither 348 (NIfTI-1) nor 540 (NIfTI-2)");
  }
  const std::size_t header = img.version == 1 ? 348 : 540;
  if (bytes.size() < header) {
    fail("file ended after " + std::to_string(bytes.size()) + " bytes, inside the " + std::to_string(header) +
         "-byte NIfTI-" + std::to_string(img.version) + " header");
  }
  const std::string_view magic = img.version == 1 ? bytes.substr(344, 4) : bytes.substr(4, 4);
  if (magic != std::string_view(img.version == 1 ? "n+1\0" : "n+2\0", 4)) {
    std::string shown;
    for (char c : magic) shown += (c >= 32 && c < 127) ? std::string(1, c) : "\\x" + std::to_string(static_cast<unsigned char>(c));
    fail("magic is '" + shown + "', not '" + (img.version == 1 ? "n+1" : "n+2") +
         "' (only single-file .nii images are supported; convert a .hdr/.img pair first)");
  }
  const bool v1 = img.version == 1;
  const std::int64_t ndim = v1 ? get<std::int16_t>(bytes, 40, swap) : get<std::int64_t>(bytes, 16, swap);
  if (ndim < 1 || ndim > 7) fail("dim[0] is " + std::to_string(ndim) + ", not 1..7");
  std::int64_t total = 1;
  for (std::int64_t i = 1; i <= ndim; ++i) {
    const std::int64_t d = v1 ? get<std::int16_t>(bytes, 40 + 2 * static_cast<std::size_t>(i), swap)
                              : get<std::int64_t>(bytes, 16 + 8 * static_cast<std::size_t>(i), swap);
    if (d < 1) fail("dim[" + std::to_string(i) + "] is " + std::to_string(d) + ", not >= 1");
    if (total > std::numeric_limits<std::int64_t>::max() / 8 / d) fail("dimensions overflow (dim[" + std::to_string(i) + "] = " + std::to_string(d) + ")");
    total *= d;
    img.dims.push_back(d);
  }
  img.datatype = v1 ? get<std::int16_t>(bytes, 70, swap) : get<std::int16_t>(bytes, 12, swap);
  const int bitpix = v1 ? get<std::int16_t>(bytes, 72, swap) : get<std::int16_t>(bytes, 14, swap);
  const int width = detail::nifti::bytes_of(img.datatype);
  if (width == 0) {
    fail("datatype " + std::to_string(img.datatype) +
         " is not supported (uint8 2, int16 4, int32 8, float32 16, float64 64, int8 256, uint16 512, uint32 768, int64 1024, uint64 1280)");
  }
  if (bitpix != 8 * width) fail("bitpix is " + std::to_string(bitpix) + " but datatype " + std::to_string(img.datatype) + " has " + std::to_string(8 * width) + " bits");
  for (std::size_t i = 0; i < 8; ++i) img.pixdim[i] = v1 ? get<float>(bytes, 76 + 4 * i, swap) : get<double>(bytes, 104 + 8 * i, swap);
  const double vox = v1 ? static_cast<double>(get<float>(bytes, 108, swap)) : static_cast<double>(get<std::int64_t>(bytes, 168, swap));
  if (!(vox >= static_cast<double>(header)) || vox != std::floor(vox) || vox > static_cast<double>(file_size.value_or(std::numeric_limits<std::uint64_t>::max()))) {
    fail("vox_offset is " + std::to_string(vox) + ", not a whole number of bytes from " + std::to_string(header) + " to the file size " + (file_size ? std::to_string(*file_size) : std::string("?")));
  }
  const auto offset = static_cast<std::size_t>(vox);
  double slope = v1 ? get<float>(bytes, 112, swap) : get<double>(bytes, 176, swap);
  double inter = v1 ? get<float>(bytes, 116, swap) : get<double>(bytes, 184, swap);
  if (!std::isfinite(slope) || !std::isfinite(inter)) fail("scl_slope " + std::to_string(slope) + " or scl_inter " + std::to_string(inter) + " is not finite");
  if (slope == 0.0) {  // NIfTI: a zero slope means "no scaling"
    slope = 1.0;
    inter = 0.0;
  }
  img.xyzt_units = v1 ? static_cast<int>(static_cast<unsigned char>(bytes[123])) : get<std::int32_t>(bytes, 500, swap);
  img.qform_code = v1 ? get<std::int16_t>(bytes, 252, swap) : get<std::int32_t>(bytes, 344, swap);
  img.sform_code = v1 ? get<std::int16_t>(bytes, 254, swap) : get<std::int32_t>(bytes, 348, swap);
  for (std::size_t i = 0; i < 3; ++i) {
    img.quatern[i] = v1 ? get<float>(bytes, 256 + 4 * i, swap) : get<double>(bytes, 352 + 8 * i, swap);
    img.qoffset[i] = v1 ? get<float>(bytes, 268 + 4 * i, swap) : get<double>(bytes, 376 + 8 * i, swap);
    for (std::size_t j = 0; j < 4; ++j) {
      img.srow[i][j] = v1 ? get<float>(bytes, 280 + 16 * i + 4 * j, swap) : get<double>(bytes, 400 + 32 * i + 8 * j, swap);
    }
  }
  layout.offset = offset;
  layout.width = width;
  layout.slope = slope;
  layout.inter = inter;
  layout.data_bytes = static_cast<std::uint64_t>(total) * static_cast<std::uint64_t>(width);
  if (layout.offset > std::numeric_limits<std::uint64_t>::max() - layout.data_bytes) {
    fail("vox_offset " + std::to_string(layout.offset) + " plus " + std::to_string(layout.data_bytes) + " data bytes overflows");
  }
  return layout;
}

}  // namespace detail::nifti

namespace detail::nifti {

struct CloseGz {
  void operator()(gzFile f) const { gzclose(f); }
};

}  // namespace detail::nifti

}  // namespace neuroscore::io
