// neuroscore/io/detail/npy.hpp (private): the .npy header parser, dtype table and element conversion of
// npy.hpp. Entry points: neuroscore::io::detail::parse_npy_layout, NpyHeaderParser, npy_elements_to_matrix, npy_descr_for.
#pragma once

#include <Eigen/Core>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "neuroscore/io/detail/file_bytes.hpp"
#include "neuroscore/io/detail/quote.hpp"
#include "neuroscore/io/npy_array.hpp"

namespace neuroscore::io {

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

}  // namespace neuroscore::io
