// NumPy .npy files (format versions 1.0, 2.0, 3.0): a checked reader and a C-order writer.
// Main entry points: neuroscore::io::read_npy_matrix(path) -> Eigen::MatrixXd and write_npy(path, x).
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/quote.hpp"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "neuroscore/io/npy.hpp copies little-endian NPY data with memcpy: little-endian hosts only");

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

namespace detail {

inline constexpr std::string_view kNpyMagic = "\x93NUMPY";

struct NpyDtype {
  std::string_view name;
  char kind;  // 'f' float, 'i' signed, 'u' unsigned, 'b' bool
  std::size_t item_bytes;
};

inline constexpr NpyDtype kNpyDtypes[] = {
    {"<f4", 'f', 4}, {"<f8", 'f', 8}, {"|i1", 'i', 1}, {"<i2", 'i', 2},
    {"<i4", 'i', 4}, {"<i8", 'i', 8}, {"|u1", 'u', 1}, {"<u2", 'u', 2},
    {"<u4", 'u', 4}, {"<u8", 'u', 8}, {"|b1", 'b', 1},
};

inline const NpyDtype* find_npy_dtype(std::string_view name) {
  for (const NpyDtype& dtype : kNpyDtypes) {
    if (dtype.name == name) return &dtype;
  }
  return nullptr;
}

// Python spelling of a shape: "()", "(5,)", "(100, 3)".
inline std::string format_npy_shape(const std::vector<std::int64_t>& shape) {
  std::string out = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(shape[i]);
  }
  if (shape.size() == 1) out += ',';
  return out + ")";
}

// Product of the dimensions times `item_bytes`, or std::nullopt on overflow of int64.
inline std::optional<std::int64_t> npy_byte_count(const std::vector<std::int64_t>& shape,
                                                  std::size_t item_bytes) {
  std::int64_t total = static_cast<std::int64_t>(item_bytes);
  for (const std::int64_t dim : shape) {
    if (dim != 0 && total > std::numeric_limits<std::int64_t>::max() / dim) return std::nullopt;
    total *= dim;
  }
  return total;
}

// Reads the header dict {'descr': ..., 'fortran_order': ..., 'shape': (...), } as numpy writes
// it (a Python literal; any key order, optional trailing comma and padding).
class NpyHeaderParser {
 public:
  NpyHeaderParser(std::string_view header, const std::string& source) : text_(header), source_(source) {}

  void parse(NpyArray& array) {
    bool have_descr = false;
    bool have_order = false;
    bool have_shape = false;
    skip_space();
    expect('{', "'{' at the start");
    for (;;) {
      skip_space();
      if (peek() == '}') break;
      const std::string key = python_string("a key");
      skip_space();
      expect(':', "':' after key '" + key + "'");
      skip_space();
      if (key == "descr") {
        if (have_descr) fail("duplicate key 'descr'");
        if (peek() == '[') {
          fail("structured dtype (a list of fields) is not supported");
        }
        array.dtype = python_string("a dtype string for 'descr'");
        have_descr = true;
      } else if (key == "fortran_order") {
        if (have_order) fail("duplicate key 'fortran_order'");
        array.fortran_order = python_bool();
        have_order = true;
      } else if (key == "shape") {
        if (have_shape) fail("duplicate key 'shape'");
        array.shape = python_int_tuple();
        have_shape = true;
      } else {
        fail("unexpected key " + quote_for_message(key));
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != '}') fail("expected ',' or '}' after the value of '" + key + "'");
    }
    ++pos_;  // '}'
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after '}'");
    if (!have_descr) fail("key 'descr' is missing");
    if (!have_order) fail("key 'fortran_order' is missing");
    if (!have_shape) fail("key 'shape' is missing");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(source_ + ": header is not a valid dict: " + what + " at offset " +
                             std::to_string(pos_) + " (header: " + quote_for_message(text_, 80) + ")");
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }
  void expect(char c, const std::string& what) {
    if (peek() != c || pos_ >= text_.size()) fail("expected " + what);
    ++pos_;
  }
  std::string python_string(const std::string& what) {
    const char quote = peek();
    if (pos_ >= text_.size() || (quote != '\'' && quote != '"')) fail("expected " + what);
    const std::size_t close = text_.find(quote, pos_ + 1);
    if (close == std::string_view::npos) fail("unterminated string");
    const std::string_view value = text_.substr(pos_ + 1, close - pos_ - 1);
    if (value.find('\\') != std::string_view::npos) fail("escapes in strings are not supported");
    pos_ = close + 1;
    return std::string(value);
  }
  bool python_bool() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    fail("expected True or False for 'fortran_order'");
  }
  std::vector<std::int64_t> python_int_tuple() {
    expect('(', "a tuple '(...)' for 'shape'");
    std::vector<std::int64_t> shape;
    bool trailing_comma = false;
    for (;;) {
      skip_space();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("expected a non-negative integer in 'shape'");
      std::int64_t value = 0;
      while (peek() >= '0' && peek() <= '9') {
        const int digit = peek() - '0';
        if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) {
          fail("dimension too large in 'shape'");
        }
        value = value * 10 + digit;
        ++pos_;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long literal, as old numpy wrote it
      shape.push_back(value);
      skip_space();
      trailing_comma = peek() == ',';
      if (trailing_comma) {
        ++pos_;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in 'shape'");
    }
    ++pos_;  // ')'
    if (shape.size() == 1 && !trailing_comma) fail("'shape' (n) is not a tuple (write (n,))");
    return shape;
  }

  std::string_view text_;
  const std::string& source_;
  std::size_t pos_ = 0;
};

template <class T>
T load_npy_element(const std::byte* data, std::size_t index) {
  T value;
  std::memcpy(&value, data + index * sizeof(T), sizeof(T));
  return value;
}

template <class T>
void npy_elements_to_matrix(const NpyArray& array, Eigen::MatrixXd& out) {
  const std::byte* data = array.data.data();
  const Eigen::Index rows = out.rows();
  const Eigen::Index cols = out.cols();
  auto load = [&](std::size_t index) -> double {
    if constexpr (std::is_same_v<T, bool>) {
      return std::to_integer<unsigned>(data[index]) != 0 ? 1.0 : 0.0;
    } else {
      return static_cast<double>(load_npy_element<T>(data, index));
    }
  };
  if (array.fortran_order) {  // column-major, as Eigen stores it
    for (Eigen::Index k = 0; k < rows * cols; ++k) out.data()[k] = load(static_cast<std::size_t>(k));
  } else {
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index c = 0; c < cols; ++c) out(r, c) = load(static_cast<std::size_t>(r * cols + c));
    }
  }
}

template <class T>
struct always_false : std::false_type {};

template <class Scalar>
constexpr std::string_view npy_descr_for() {
  if constexpr (std::is_same_v<Scalar, double>) {
    return "<f8";
  } else if constexpr (std::is_same_v<Scalar, float>) {
    return "<f4";
  } else if constexpr (std::is_integral_v<Scalar> && std::is_signed_v<Scalar> && sizeof(Scalar) == 8) {
    return "<i8";
  } else if constexpr (std::is_integral_v<Scalar> && std::is_signed_v<Scalar> && sizeof(Scalar) == 4) {
    return "<i4";
  } else {
    static_assert(always_false<Scalar>::value,
                  "write_npy supports double, float, int64 and int32 scalars only");
    return "";
  }
}

}  // namespace detail

namespace detail {

// What the header of an .npy file says, checked against the file's size: shape, order, dtype and
// where the data start. `head` holds at least the magic, the header length and the header;
// `file_size` is the size of the whole file.
inline NpyLayout parse_npy_layout(std::string_view head, std::uint64_t file_size, const std::string& source) {
  if (head.size() < 10 || head.substr(0, 6) != kNpyMagic) {
    throw std::runtime_error(source + ": not an NPY file (bad magic; expected \\x93NUMPY, found " +
                             quote_for_message(head.substr(0, 6)) + ")");
  }
  const auto major = static_cast<unsigned char>(head[6]);
  const auto minor = static_cast<unsigned char>(head[7]);
  if ((major != 1 && major != 2 && major != 3) || minor != 0) {
    throw std::runtime_error(source + ": unsupported NPY format version " + std::to_string(major) +
                             "." + std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  }
  auto byte_at = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(head[i])); };
  std::size_t prefix = 10;
  std::size_t header_bytes = byte_at(8) | (byte_at(9) << 8);
  if (major >= 2) {
    if (head.size() < 12) {
      throw std::runtime_error(source + ": file ends inside the NPY header length");
    }
    prefix = 12;
    header_bytes |= (byte_at(10) << 16) | (byte_at(11) << 24);
  }
  if (header_bytes > head.size() - prefix) {
    throw std::runtime_error(source + ": header length " + std::to_string(header_bytes) +
                             " runs past the end of the file (" + std::to_string(file_size) +
                             " bytes)");
  }
  NpyArray array;
  NpyHeaderParser(head.substr(prefix, header_bytes), source).parse(array);

  const NpyDtype* dtype = find_npy_dtype(array.dtype);
  if (dtype == nullptr) {
    if (!array.dtype.empty() && array.dtype[0] == '>') {
      throw std::runtime_error(source + ": big-endian dtype " + quote_for_message(array.dtype) +
                               " is not supported (save with arr.astype(arr.dtype.newbyteorder('<')))");
    }
    throw std::runtime_error(source + ": unsupported dtype " + quote_for_message(array.dtype) +
                             " (supported: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)");
  }
  const std::optional<std::int64_t> needed = npy_byte_count(array.shape, dtype->item_bytes);
  if (!needed) {
    throw std::runtime_error(source + ": shape " + format_npy_shape(array.shape) +
                             " is too large to address");
  }
  const std::uint64_t available = file_size - prefix - header_bytes;
  if (static_cast<std::uint64_t>(*needed) != available) {
    throw std::runtime_error(source + ": header says shape " + format_npy_shape(array.shape) +
                             " " + array.dtype + " = " + std::to_string(*needed) +
                             " bytes, file has " + std::to_string(available) +
                             (static_cast<std::uint64_t>(*needed) < available ? " (extra data after the array)"
                                                                             : " (truncated file?)"));
  }
  return {std::move(array.shape), array.fortran_order, std::move(array.dtype), prefix + header_bytes, dtype->item_bytes};
}

}  // namespace detail

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
