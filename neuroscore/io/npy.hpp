// NumPy .npy files (format versions 1.0, 2.0, 3.0): a checked reader and a C-order writer.
// Main entry points: neuroscore::io::read_npy_matrix(path) -> Eigen::MatrixXd and write_npy(path, x).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/npy.hpp"
#include "neuroscore/io/detail/quote.hpp"
#include "neuroscore/io/npy_array.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "neuroscore/io/npy.hpp copies little-endian NPY data with memcpy: little-endian hosts only");

namespace neuroscore::io {

// Parses the bytes of an .npy file. Supported dtypes: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1,
// any number of dimensions, C or Fortran order. Throws std::runtime_error "SOURCE: problem" for a
// bad magic string, an unsupported version, a header that is not a valid dict (keys 'descr',
// 'fortran_order', 'shape'), a big-endian, structured or unknown dtype, or data whose size differs
// from what the shape needs ("header says shape (100, 3) <f8 = 2400 bytes, file has 1000").
inline NpyArray parse_npy(std::string_view bytes, std::string_view source_name);

// Reads and parses the file at `path`; errors name the path.
inline NpyArray read_npy(const std::filesystem::path& path);

// Converts a 0-d, 1-d or 2-d array of any supported dtype to doubles: a 1-d array becomes one
// column, a 0-d array a 1x1 matrix, booleans 0/1. Integers beyond 2^53 are rounded, and NaN or inf
// stored in float data is kept as stored. Throws std::runtime_error "SOURCE: ..." naming the shape
// for more than 2 dimensions, std::invalid_argument for an inconsistent hand-built NpyArray.
inline Eigen::MatrixXd npy_to_matrix(const NpyArray& array, std::string_view source_name);

// read_npy followed by npy_to_matrix.
inline Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& path);

// A 2-d (or 1-d: one column) .npy matrix read a block of columns at a time: only the header is read
// when opened, and read(first, count) reads just those columns' bytes (one range per row in C
// order, one range in Fortran order), for responses too large to hold. Errors: as parse_npy
// (checked against the file's size), more than 2 dimensions, a column range outside the matrix.
class NpyColumnReader {
 public:
  explicit NpyColumnReader(const std::filesystem::path& path);
  Eigen::Index rows() const { return rows_; }
  Eigen::Index cols() const { return cols_; }
  // Columns [first, first + count) as doubles, as read_npy_matrix would give them.
  Eigen::MatrixXd read(Eigen::Index first, Eigen::Index count) const;

 private:
  std::filesystem::path path_;
  NpyLayout layout_;
  Eigen::Index rows_ = 0, cols_ = 0;
};

// The bytes of a version 1.0 .npy file holding `array` in C order, exactly as numpy.save writes
// them (same header text and padding). The dtype follows the scalar type: double <f8, float <f4,
// 64-bit signed integers <i8, 32-bit signed integers <i4 (other scalars do not compile). A
// compile-time column vector (VectorXd and the like) is written 1-d with shape (n,), everything
// else 2-d with shape (rows, cols).
template <class Derived>
std::string format_npy(const Eigen::DenseBase<Derived>& array);

// Writes format_npy(array) to `path` (replacing the file).
template <class Derived>
void write_npy(const std::filesystem::path& path, const Eigen::DenseBase<Derived>& array);

// ---------------------------------------------------------------------------------------------
// Implementation.

inline NpyArray parse_npy(std::string_view bytes, std::string_view source_name) {
  NpyLayout layout = detail::parse_npy_layout(bytes, bytes.size(), std::string(source_name));
  NpyArray array{std::move(layout.shape), layout.fortran_order, std::move(layout.dtype), {}};
  const auto* first = reinterpret_cast<const std::byte*>(bytes.data() + layout.data_offset);
  array.data.assign(first, first + (bytes.size() - layout.data_offset));
  return array;
}

inline NpyArray read_npy(const std::filesystem::path& path) {
  const std::string bytes = detail::read_file_bytes(path);
  return parse_npy(bytes, path.string());
}

inline Eigen::MatrixXd npy_to_matrix(const NpyArray& array, std::string_view source_name) {
  const std::string source(source_name);
  if (array.shape.size() > 2) {
    throw std::runtime_error(source + ": shape " + detail::format_npy_shape(array.shape) + " has " +
                             std::to_string(array.shape.size()) +
                             " dimensions; a matrix needs 0, 1 or 2 (use read_npy for N-d arrays)");
  }
  const detail::NpyDtype* dtype = detail::find_npy_dtype(array.dtype);
  if (dtype == nullptr) {
    throw std::invalid_argument(source + ": unsupported dtype " + detail::quote_for_message(array.dtype));
  }
  for (const std::int64_t dim : array.shape) {
    if (dim < 0) throw std::invalid_argument(source + ": negative dimension in shape " + detail::format_npy_shape(array.shape));
  }
  const std::optional<std::int64_t> needed = detail::npy_byte_count(array.shape, dtype->item_bytes);
  if (!needed || static_cast<std::uint64_t>(*needed) != array.data.size()) {
    throw std::invalid_argument(source + ": shape " + detail::format_npy_shape(array.shape) + " " +
                                array.dtype + " does not match the " +
                                std::to_string(array.data.size()) + " data bytes");
  }
  const Eigen::Index rows = array.shape.empty() ? 1 : array.shape[0];
  const Eigen::Index cols = array.shape.size() < 2 ? 1 : array.shape[1];
  Eigen::MatrixXd out(rows, cols);
  switch (dtype->kind) {
    case 'f':
      if (dtype->item_bytes == 4) detail::npy_elements_to_matrix<float>(array, out);
      else detail::npy_elements_to_matrix<double>(array, out);
      break;
    case 'i':
      switch (dtype->item_bytes) {
        case 1: detail::npy_elements_to_matrix<std::int8_t>(array, out); break;
        case 2: detail::npy_elements_to_matrix<std::int16_t>(array, out); break;
        case 4: detail::npy_elements_to_matrix<std::int32_t>(array, out); break;
        default: detail::npy_elements_to_matrix<std::int64_t>(array, out); break;
      }
      break;
    case 'u':
      switch (dtype->item_bytes) {
        case 1: detail::npy_elements_to_matrix<std::uint8_t>(array, out); break;
        case 2: detail::npy_elements_to_matrix<std::uint16_t>(array, out); break;
        case 4: detail::npy_elements_to_matrix<std::uint32_t>(array, out); break;
        default: detail::npy_elements_to_matrix<std::uint64_t>(array, out); break;
      }
      break;
    default:
      detail::npy_elements_to_matrix<bool>(array, out);
      break;
  }
  return out;
}

inline Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& path) {
  return npy_to_matrix(read_npy(path), path.string());
}

inline NpyColumnReader::NpyColumnReader(const std::filesystem::path& path) : path_(path) {
  const std::uint64_t size = detail::file_size_of(path);
  // The header length sits in bytes 8-9 (version 1) or 8-11 (versions 2 and 3); the header follows.
  std::string head = detail::read_file_range(path, 0, std::min<std::uint64_t>(size, 12));
  const auto byte_at = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(head[i])); };
  std::uint64_t header_end = size;  // a damaged prefix: parse_npy_layout names what is wrong
  if (head.size() >= 10 && byte_at(6) == 1) header_end = 10 + (byte_at(8) | byte_at(9) << 8);
  if (head.size() >= 12 && byte_at(6) != 1) header_end = 12 + (byte_at(8) | byte_at(9) << 8 | byte_at(10) << 16 | byte_at(11) << 24);
  head = detail::read_file_range(path, 0, std::min(size, header_end));
  layout_ = detail::parse_npy_layout(head, size, path.string());
  if (layout_.shape.size() > 2 || layout_.shape.empty()) {
    throw std::runtime_error(path.string() + ": shape " + detail::format_npy_shape(layout_.shape) +
                             " is not a matrix (responses are samples x targets)");
  }
  rows_ = layout_.shape[0];
  cols_ = layout_.shape.size() == 2 ? layout_.shape[1] : 1;
}

inline Eigen::MatrixXd NpyColumnReader::read(Eigen::Index first, Eigen::Index count) const {
  if (first < 0 || count < 1 || first + count > cols_) {
    throw std::invalid_argument(path_.string() + ": columns " + std::to_string(first) + ".." + std::to_string(first + count - 1) +
                                " are outside its " + std::to_string(cols_) + " columns");
  }
  // The block as an array of its own, (rows, count) in the file's order, converted as read_npy_matrix does.
  NpyArray block{{rows_, count}, layout_.fortran_order, layout_.dtype, {}};
  const std::size_t item = layout_.item_bytes;
  std::string bytes;
  if (layout_.fortran_order || cols_ == 1) {
    bytes = detail::read_file_range(path_, layout_.data_offset + static_cast<std::uint64_t>(first * rows_) * item,
                                    static_cast<std::uint64_t>(count * rows_) * item);
  } else {
    bytes.reserve(static_cast<std::size_t>(rows_ * count) * item);
    detail::FileRanges file(path_);
    for (Eigen::Index r = 0; r < rows_; ++r) {
      file.append(layout_.data_offset + static_cast<std::uint64_t>(r * cols_ + first) * item, static_cast<std::uint64_t>(count) * item, bytes);
    }
  }
  const auto* begin = reinterpret_cast<const std::byte*>(bytes.data());
  block.data.assign(begin, begin + bytes.size());
  return npy_to_matrix(block, path_.string());
}

template <class Derived>
std::string format_npy(const Eigen::DenseBase<Derived>& array) {
  using Scalar = typename Derived::Scalar;
  constexpr std::string_view descr = detail::npy_descr_for<Scalar>();
  const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c_order = array.derived();
  std::vector<std::int64_t> shape;
  if constexpr (Derived::ColsAtCompileTime == 1) {
    shape = {static_cast<std::int64_t>(c_order.rows())};
  } else {
    shape = {static_cast<std::int64_t>(c_order.rows()), static_cast<std::int64_t>(c_order.cols())};
  }
  // numpy.lib.format (numpy 1.24): keys sorted, then spare room for the first axis to grow to 21
  // digits, then spaces to align the data to 64 bytes, then '\n'.
  std::string header = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': " +
                       detail::format_npy_shape(shape) + ", }";
  constexpr std::size_t kGrowthAxisMaxDigits = 21;
  header.append(kGrowthAxisMaxDigits - std::to_string(shape[0]).size(), ' ');
  constexpr std::size_t kPrefixBytes = 10;  // magic, version, uint16 header length
  const std::size_t unpadded = kPrefixBytes + header.size() + 1;
  header.append(64 - unpadded % 64, ' ');
  header += '\n';
  if (header.size() > 0xFFFF) throw std::invalid_argument("NPY v1.0 header too long");

  const std::size_t data_bytes = static_cast<std::size_t>(c_order.size()) * sizeof(Scalar);
  std::string out;
  out.reserve(kPrefixBytes + header.size() + data_bytes);
  out.append(detail::kNpyMagic);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  if (data_bytes > 0) out.append(reinterpret_cast<const char*>(c_order.data()), data_bytes);
  return out;
}

template <class Derived>
void write_npy(const std::filesystem::path& path, const Eigen::DenseBase<Derived>& array) {
  detail::write_file_bytes(path, format_npy(array));
}

}  // namespace neuroscore::io
