// neuroscore/io/npy_array.hpp: an .npy array as stored (NpyArray) and where a file's elements lie
// (NpyLayout). npy.hpp includes it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace neuroscore::io {

// One array as stored in an .npy file: shape (empty for a 0-d scalar), storage order, the dtype
// string as written (for example "<f8") and the raw little-endian element bytes.
struct NpyArray {
  std::vector<std::int64_t> shape;
  bool fortran_order;
  std::string dtype;
  std::vector<std::byte> data;
};

// Where an .npy file's elements lie: its header's shape, order and dtype, the offset of the first
// element and the bytes per element.
struct NpyLayout {
  std::vector<std::int64_t> shape;
  bool fortran_order = false;
  std::string dtype;
  std::size_t data_offset = 0;
  std::size_t item_bytes = 0;
};

}  // namespace neuroscore::io
