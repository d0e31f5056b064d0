// Tests of neuroscore/io/gifti.hpp against golden files from make_gifti_golden.py (nibabel 5.0.0):
// every encoding and layout reads back the documented run; a written map reads back here and in
// nibabel; named bad inputs fail with one line naming the file, the array and the attribute.
#include "neuroscore/io/gifti.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::io {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = "tests/io/testdata/gifti";  // relative to the runfiles root

// make_gifti_golden.py's run: v(vertex, t) = vertex + 100 t (+ 0.5 for float types).
void expect_run(const Eigen::MatrixXd& run, bool fraction) {
  ASSERT_EQ(run.rows(), 4);
  ASSERT_EQ(run.cols(), 7);
  for (Eigen::Index t = 0; t < 4; ++t)
    for (Eigen::Index v = 0; v < 7; ++v) EXPECT_EQ(run(t, v), static_cast<double>(v + 100 * t) + (fraction ? 0.5 : 0.0)) << t << "," << v;
}

TEST(Gifti, ReadsEveryGoldenEncodingAndLayout) {
  for (const std::string name : {"func_ascii", "func_base64", "func_gzip"}) {
    SCOPED_TRACE(name);
    const GiftiImage img = read_gifti(kGolden / (name + ".func.gii"));
    ASSERT_EQ(img.arrays.size(), 4u);
    EXPECT_EQ(img.arrays[0].intent, "NIFTI_INTENT_TIME_SERIES");
    expect_run(gifti_timeseries(img), true);
  }
  expect_run(gifti_timeseries(read_gifti(kGolden / "int32_2d.func.gii")), false);
  expect_run(gifti_timeseries(read_gifti(kGolden / "colmajor_2d.func.gii")), true);
}


TEST(Gifti, WrittenMapReadsBackHereAndInNibabel) {
  Eigen::VectorXd map(5);
  map << 0.25, -0.5, std::nan(""), 1.0, 0.125;
  const fs::path file = testing::scratch_dir("gifti_map") / "score.func.gii";
  write_gifti_map(file, map);
  const GiftiImage back = read_gifti(file);
  ASSERT_EQ(back.arrays.size(), 1u);
  ASSERT_EQ(back.arrays[0].data.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    if (std::isnan(map(i))) EXPECT_TRUE(std::isnan(back.arrays[0].data[static_cast<std::size_t>(i)]));
    else EXPECT_EQ(back.arrays[0].data[static_cast<std::size_t>(i)], map(i));
  }
  const fs::path out = file.parent_path() / "nibabel.txt";
  const std::string cmd = "/usr/bin/python3 -c \"import nibabel; d = nibabel.load('" + file.string() +
                          "').darrays[0].data; print(d.shape, ' '.join('%g' % v for v in d))\" > " + out.string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "python3 with nibabel is not installed (tools/setup.sh installs it): " << testing::file_text(out);
  EXPECT_EQ(testing::file_text(out), "(5,) 0.25 -0.5 nan 1 0.125\n");
}

TEST(Gifti, BadInputsNameTheFileTheArrayAndTheAttribute) {
  const std::string good = testing::file_text(kGolden / "func_gzip.func.gii");
  const auto message = [](const std::string& text) {
    return testing::error_message<std::runtime_error>([&] { parse_gifti(text, "bad.gii"); });
  };
  const auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return s;
  };
  EXPECT_NE(message("<xml/>").find("bad.gii: not a GIfTI file"), std::string::npos);
  EXPECT_NE(message(replaced("NIFTI_TYPE_FLOAT32", "NIFTI_TYPE_INT16")).find("bad.gii: DataArray 0: DataType NIFTI_TYPE_INT16 is not supported"),
            std::string::npos);
  EXPECT_NE(message(replaced("Encoding=\"GZipBase64Binary\"", "Encoding=\"ExternalFileBinary\"")).find("DataArray 0: Encoding ExternalFileBinary"),
            std::string::npos);
  EXPECT_NE(message(replaced("Dim0=\"7\"", "Dim0=\"8\"")).find("DataArray 0: 28 bytes of data, the Dims and NIFTI_TYPE_FLOAT32 say 32"),
            std::string::npos);
  EXPECT_NE(message(replaced("Dim0=\"7\"", "Dim0=\"6\"")).find("DataArray 0: compressed data longer than the array (more than 24 bytes)"),
            std::string::npos);
  // A huge declared size backed by 28 bytes: an error, not a 64 GB allocation (found by libFuzzer).
  EXPECT_NE(message(replaced("Dim0=\"7\"", "Dim0=\"2147483648\"")).find("28 bytes of data, the Dims and NIFTI_TYPE_FLOAT32 say 8589934592"),
            std::string::npos);
  EXPECT_NE(message(replaced("Dimensionality=\"1\"", "Dimensionality=\"3\"")).find("Dimensionality 3 is not 1 or 2"), std::string::npos);
  EXPECT_NE(message(replaced("Dim0=\"7\"", "Dim0=\"-7\"")).find("Dim0 '-7' is not a size"), std::string::npos);
  const std::size_t data = good.find("<Data>") + 6;
  std::string corrupt = good;
  corrupt[data + 8] = '*';
  EXPECT_NE(message(corrupt).find("DataArray 0: character '*' is not base64"), std::string::npos);
  std::string flipped = good;
  flipped[data + 10] = flipped[data + 10] == 'A' ? 'B' : 'A';
  EXPECT_NE(message(flipped).find("bad.gii: DataArray 0: "), std::string::npos);
  EXPECT_NE(message(good.substr(0, good.find("</DataArray>"))).find("DataArray 0: no closing </DataArray>"), std::string::npos);
  // Arrays of different lengths are not a run.
  GiftiImage mixed = read_gifti(kGolden / "func_ascii.func.gii");
  mixed.arrays[2].dims = {6};
  mixed.arrays[2].data.resize(6);
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { gifti_timeseries(mixed, "lh.func.gii"); })
                .find("lh.func.gii: DataArray 2 has 6 values in 1 dimension(s), DataArray 0 7"),
            std::string::npos);
}

}  // namespace
}  // namespace neuroscore::io
