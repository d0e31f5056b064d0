// Tests of neuroscore/io/npy.hpp against golden files from make_npy_golden.py (numpy 1.24.2).
#include "neuroscore/io/npy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>

#include "tests/io/expect_error.hpp"

namespace {

using neuroscore::io::format_npy;
using neuroscore::io::NpyArray;
using neuroscore::io::NpyColumnReader;
using neuroscore::io::parse_npy;
using neuroscore::io::read_npy;
using neuroscore::io::read_npy_matrix;
using neuroscore::io::write_npy;
using neuroscore::testing::error_message;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::filesystem::path kGolden = "tests/io/testdata";  // relative to the runfiles root

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The values make_npy_golden.py documents for each dtype family (shape (2, 3)).
Eigen::MatrixXd expected_values(const std::string& dtype) {
  Eigen::MatrixXd m(2, 3);
  const char kind = dtype[0];
  for (int r = 0; r < 2; ++r) {
    for (int c = 0; c < 3; ++c) {
      if (kind == 'f') m(r, c) = 10 * r + c + 0.25;
      if (kind == 'i') m(r, c) = 10 * r + c - 3;
    }
  }
  if (kind == 'u') m << 0, 1, 2, 253, 254, 255;
  if (kind == 'b') m << 1, 0, 1, 0, 0, 1;
  return m;
}

std::string golden_bytes_with(const std::string& file, std::size_t offset, const std::string& bytes) {
  std::string data = read_all(kGolden / file);
  data.replace(offset, bytes.size(), bytes);
  return data;
}

std::string parse_error(const std::string& bytes) {
  return error_message<std::runtime_error>([&] { parse_npy(bytes, "x.npy"); });
}

// A v1.0 file with header text `dict` (padded like numpy) followed by `data_bytes` zero bytes.
std::string npy_with_header(const std::string& dict, std::size_t data_bytes) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xFF);
  out += static_cast<char>(header.size() >> 8);
  return out + header + std::string(data_bytes, '\0');
}

TEST(NpyGolden, EveryDtypeAndOrderInVersion1) {
  for (const std::string dtype : {"f8", "f4", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"}) {
    for (const std::string order : {"c", "f"}) {
      const std::filesystem::path path = kGolden / (dtype + "_" + order + "_v1.npy");
      const NpyArray array = read_npy(path);
      EXPECT_THAT(array.shape, ElementsAre(2, 3)) << path;
      EXPECT_EQ(array.fortran_order, order == "f") << path;
      EXPECT_EQ(array.dtype.substr(1), dtype) << path;
      EXPECT_EQ(array.data.size(), 6 * static_cast<std::size_t>(dtype[1] - '0')) << path;
      EXPECT_EQ(read_npy_matrix(path), expected_values(dtype)) << path;
    }
  }
}

TEST(NpyGolden, Versions2And3) {
  for (const std::string name : {"f8", "i4"}) {
    for (const std::string order : {"c", "f"}) {
      for (const std::string version : {"v2", "v3"}) {
        const std::filesystem::path path = kGolden / (name + "_" + order + "_" + version + ".npy");
        EXPECT_EQ(read_npy_matrix(path), expected_values(name)) << path;
        EXPECT_EQ(read_npy(path).fortran_order, order == "f") << path;
      }
    }
  }
}

TEST(NpyGolden, OneDimensionalIsAColumn) {
  const Eigen::MatrixXd m = read_npy_matrix(kGolden / "f8_1d.npy");
  ASSERT_EQ(m.rows(), 5);
  ASSERT_EQ(m.cols(), 1);
  EXPECT_EQ(m(0, 0), 0.5);
  EXPECT_EQ(m(1, 0), -1.5);
  EXPECT_EQ(m(2, 0), 2.5);
  EXPECT_EQ(m(3, 0), 1e-300);
  EXPECT_EQ(m(4, 0), 1e300);
}

TEST(NpyGolden, ZeroDimensionalIsOneByOne) {
  EXPECT_TRUE(read_npy(kGolden / "f8_0d.npy").shape.empty());
  const Eigen::MatrixXd m = read_npy_matrix(kGolden / "f8_0d.npy");
  ASSERT_EQ(m.size(), 1);
  EXPECT_EQ(m(0, 0), 42.0);
}

TEST(NpyGolden, ThreeDimensionalReadsButIsNotAMatrix) {
  const NpyArray array = read_npy(kGolden / "f8_3d.npy");
  EXPECT_THAT(array.shape, ElementsAre(2, 3, 4));
  double last = 0;
  std::memcpy(&last, array.data.data() + 23 * 8, 8);
  EXPECT_EQ(last, 23.5);
  const std::string path = (kGolden / "f8_3d.npy").string();
  EXPECT_EQ(error_message<std::runtime_error>([&] { read_npy_matrix(path); }),
            path + ": shape (2, 3, 4) has 3 dimensions; a matrix needs 0, 1 or 2 (use read_npy for N-d arrays)");
}

TEST(NpyGolden, EmptyLargeIntegersAndNonFinite) {
  const Eigen::MatrixXd empty = read_npy_matrix(kGolden / "f8_empty.npy");
  EXPECT_EQ(empty.rows(), 0);
  EXPECT_EQ(empty.cols(), 3);
  const Eigen::MatrixXd large = read_npy_matrix(kGolden / "i8_large.npy");
  EXPECT_EQ(large(0, 0), 9007199254740992.0);  // 2^53 + 1 rounds to 2^53 (documented)
  EXPECT_EQ(large(1, 0), -4611686018427387904.0);
  const Eigen::MatrixXd nonfinite = read_npy_matrix(kGolden / "f8_nan.npy");
  EXPECT_TRUE(std::isnan(nonfinite(0, 0)));
  EXPECT_EQ(nonfinite(1, 0), INFINITY);
  EXPECT_EQ(nonfinite(2, 0), -INFINITY);
}

// NpyColumnReader reads any block of columns of every golden layout (every dtype, C and Fortran
// order, versions 1-3, 1-d) as read_npy_matrix's columns.
TEST(NpyColumns, EveryBlockOfEveryLayoutEqualsTheWholeRead) {
  std::vector<std::filesystem::path> files;
  for (const std::string dtype : {"f8", "f4", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"})
    for (const std::string order : {"c", "f"}) files.push_back(kGolden / (dtype + "_" + order + "_v1.npy"));
  for (const std::string name : {"f8", "i4"})
    for (const std::string order : {"c", "f"})
      for (const std::string version : {"v2", "v3"}) files.push_back(kGolden / (name + "_" + order + "_" + version + ".npy"));
  for (const auto& path : files) {
    const Eigen::MatrixXd whole = read_npy_matrix(path);
    const NpyColumnReader reader(path);
    ASSERT_EQ(reader.rows(), whole.rows()) << path;
    ASSERT_EQ(reader.cols(), whole.cols()) << path;
    for (Eigen::Index first = 0; first < whole.cols(); ++first)
      for (Eigen::Index count = 1; first + count <= whole.cols(); ++count)
        EXPECT_EQ(reader.read(first, count), whole.middleCols(first, count)) << path << " " << first << "+" << count;
  }
  // A larger C-order matrix, written here: blocks at the edges and in the middle.
  Eigen::MatrixXd big(37, 101);
  for (Eigen::Index i = 0; i < big.size(); ++i) big.data()[i] = 0.5 * static_cast<double>(i) - 7.0;
  const std::filesystem::path path = std::filesystem::path(std::getenv("TEST_TMPDIR")) / "big.npy";
  write_npy(path, big);
  const NpyColumnReader reader(path);
  for (const auto& [first, count] : {std::pair<Eigen::Index, Eigen::Index>{0, 1}, {0, 101}, {100, 1}, {13, 40}, {60, 41}}) {
    EXPECT_EQ(reader.read(first, count), big.middleCols(first, count)) << first << "+" << count;
  }
}

// The column reader checks what parse_npy checks, against the file's size, and its ranges.
TEST(NpyColumns, BadFilesAndRanges) {
  const std::filesystem::path dir = std::getenv("TEST_TMPDIR");
  const auto message = [](const std::filesystem::path& p) {
    return error_message<std::runtime_error>([&] { NpyColumnReader{p}; });
  };
  std::ofstream(dir / "short.npy", std::ios::binary) << npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (10, 3), }", 100);
  EXPECT_NE(message(dir / "short.npy").find("short.npy: header says shape (10, 3) <f8 = 240 bytes, file has 100 (truncated file?)"),
            std::string::npos)
      << message(dir / "short.npy");
  std::ofstream(dir / "cube.npy", std::ios::binary) << npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2, 2), }", 64);
  EXPECT_NE(message(dir / "cube.npy").find("cube.npy: shape (2, 2, 2) is not a matrix"), std::string::npos);
  std::ofstream(dir / "junk.npy", std::ios::binary) << "NUMPY";
  EXPECT_NE(message(dir / "junk.npy").find("junk.npy: not an NPY file (bad magic"), std::string::npos) << message(dir / "junk.npy");
  EXPECT_NE(message(dir / "absent.npy").find("absent.npy: cannot open"), std::string::npos);
  const NpyColumnReader reader(kGolden / "f8_c_v1.npy");
  EXPECT_NE(error_message<std::invalid_argument>([&] { reader.read(2, 2); }).find("columns 2..3 are outside its 3 columns"),
            std::string::npos);
  EXPECT_THROW(reader.read(0, 0), std::invalid_argument);
}

TEST(NpyErrors, UnsupportedDtypes) {
  auto error_for = [](const std::string& file) {
    const std::string path = (kGolden / file).string();
    return error_message<std::runtime_error>([&] { read_npy(path); }).substr(path.size());
  };
  EXPECT_EQ(error_for("f8_bigendian.npy"),
            ": big-endian dtype \">f8\" is not supported (save with arr.astype(arr.dtype.newbyteorder('<')))");
  EXPECT_EQ(error_for("c16.npy"),
            ": unsupported dtype \"<c16\" (supported: <f4 <f8 |i1 <i2 <i4 <i8 |u1 <u2 <u4 <u8 |b1)");
  EXPECT_THAT(error_for("f2.npy"), HasSubstr("unsupported dtype \"<f2\""));
  EXPECT_THAT(error_for("object.npy"), HasSubstr("unsupported dtype \"|O\""));
  EXPECT_THAT(error_for("structured.npy"),
              HasSubstr(": header is not a valid dict: structured dtype (a list of fields) is not supported"));
}

TEST(NpyErrors, BadMagicAndVersion) {
  EXPECT_EQ(parse_error("PK\x03\x04 a zip file, maybe an npz"),
            "x.npy: not an NPY file (bad magic; expected \\x93NUMPY, found \"PK\\x03\\x04 a\")");
  EXPECT_THAT(parse_error("\x93NUM"), HasSubstr("not an NPY file (bad magic"));
  EXPECT_EQ(parse_error(golden_bytes_with("f8_c_v1.npy", 6, "\x04")),
            "x.npy: unsupported NPY format version 4.0 (supported: 1.0, 2.0, 3.0)");
  EXPECT_EQ(parse_error(golden_bytes_with("f8_c_v1.npy", 7, "\x01")),
            "x.npy: unsupported NPY format version 1.1 (supported: 1.0, 2.0, 3.0)");
}

TEST(NpyErrors, DataShorterOrLongerThanTheShape) {
  const std::string full = npy_with_header("{'descr': '<f8', 'fortran_order': False, 'shape': (100, 3), }", 2400);
  EXPECT_EQ(parse_npy(full, "x.npy").data.size(), 2400u);
  EXPECT_EQ(parse_error(full.substr(0, full.size() - 1400)),
            "x.npy: header says shape (100, 3) <f8 = 2400 bytes, file has 1000 (truncated file?)");
  EXPECT_EQ(parse_error(full + "junk"),
            "x.npy: header says shape (100, 3) <f8 = 2400 bytes, file has 2404 (extra data after the array)");
  EXPECT_EQ(parse_error(full.substr(0, 40)), "x.npy: header length 118 runs past the end of the file (40 bytes)");
}

TEST(NpyErrors, HeaderNotAValidDict) {
  auto dict_error = [](const std::string& dict) { return parse_error(npy_with_header(dict, 8)); };
  EXPECT_THAT(dict_error("['descr', '<f8']"), HasSubstr("x.npy: header is not a valid dict: expected '{' at the start at offset 0"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'shape': (1,), }"), HasSubstr("key 'fortran_order' is missing"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, }"), HasSubstr("key 'shape' is missing"));
  EXPECT_THAT(dict_error("{'fortran_order': False, 'shape': (1,), }"), HasSubstr("key 'descr' is missing"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': 0, 'shape': (1,), }"),
              HasSubstr("expected True or False for 'fortran_order'"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (1), }"),
              HasSubstr("'shape' (n) is not a tuple (write (n,))"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }"),
              HasSubstr("expected a non-negative integer in 'shape'"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'x': 1}"),
              HasSubstr("unexpected key \"x\""));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}"),
              HasSubstr("duplicate key 'descr'"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} extra"),
              HasSubstr("unexpected text after '}'"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}"),
              HasSubstr("dimension too large in 'shape'"));
  EXPECT_THAT(dict_error("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296)}"),
              HasSubstr("x.npy: shape (4294967296, 4294967296) is too large to address"));
}

TEST(NpyHeader, AcceptsPython2LongsAnyKeyOrderAndNoTrailingComma) {
  const NpyArray a = parse_npy(
      npy_with_header("{\"shape\": (2L, 1L), \"fortran_order\": True, \"descr\": \"<i4\"}", 8), "x.npy");
  EXPECT_THAT(a.shape, ElementsAre(2, 1));
  EXPECT_TRUE(a.fortran_order);
  EXPECT_EQ(a.dtype, "<i4");
}

TEST(NpyErrors, MissingFile) {
  EXPECT_EQ(error_message<std::runtime_error>([] { read_npy("/nonexistent/x.npy"); }),
            "/nonexistent/x.npy: cannot open: No such file or directory");
}

TEST(NpyErrors, InconsistentHandBuiltArray) {
  const NpyArray bad{{2, 2}, false, "<f8", std::vector<std::byte>(8)};
  EXPECT_EQ(error_message<std::invalid_argument>([&] { neuroscore::io::npy_to_matrix(bad, "mine"); }),
            "mine: shape (2, 2) <f8 does not match the 8 data bytes");
}

TEST(NpyWrite, BytesMatchNumpySave) {
  // numpy wrote these files from the same values; format_npy must reproduce them byte for byte.
  const Eigen::MatrixXd f8 = expected_values("f8");
  EXPECT_EQ(format_npy(f8), read_all(kGolden / "f8_c_v1.npy"));
  EXPECT_EQ(format_npy(Eigen::MatrixXf(f8.cast<float>())), read_all(kGolden / "f4_c_v1.npy"));
  const Eigen::MatrixXd ints = expected_values("i8");
  using MatrixI64 = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic>;
  EXPECT_EQ(format_npy(MatrixI64(ints.cast<std::int64_t>())), read_all(kGolden / "i8_c_v1.npy"));
  EXPECT_EQ(format_npy(Eigen::MatrixXi(ints.cast<int>())), read_all(kGolden / "i4_c_v1.npy"));
  Eigen::VectorXd v(5);
  v << 0.5, -1.5, 2.5, 1e-300, 1e300;
  EXPECT_EQ(format_npy(v), read_all(kGolden / "f8_1d.npy"));
  EXPECT_EQ(format_npy(Eigen::MatrixXd(0, 3)), read_all(kGolden / "f8_empty.npy"));
}

TEST(NpyWrite, RoundTripsThroughAFile) {
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> m(4, 7);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = std::sin(static_cast<double>(i)) * 1e3;
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "m.npy";
  write_npy(path, m.transpose());  // an expression, written in C order of its own shape
  const Eigen::MatrixXd back = read_npy_matrix(path);
  EXPECT_EQ(back, Eigen::MatrixXd(m.transpose()));
  EXPECT_EQ(read_npy(path).dtype, "<f8");
  EXPECT_FALSE(read_npy(path).fortran_order);
  write_npy(path, Eigen::VectorXf::LinSpaced(300, -1.0F, 1.0F));
  EXPECT_THAT(read_npy(path).shape, ElementsAre(300));
  EXPECT_EQ(read_npy(path).dtype, "<f4");
}

TEST(NpyWrite, UnwritablePath) {
  EXPECT_EQ(error_message<std::runtime_error>([] { write_npy("/nonexistent/dir/m.npy", Eigen::MatrixXd(1, 1)); }),
            "/nonexistent/dir/m.npy: cannot open for writing: No such file or directory");
}

}  // namespace
