// Tests of neuroscore/io/nifti.hpp against golden files from make_nifti_golden.py (nibabel 5.0.0):
// every supported layout reads back the documented values and affine; a 4D run becomes a
// volumes x voxels matrix under a mask; a written map reads back equal here and in nibabel; and
// named bad inputs fail with one line naming the file and the header field.
#include "neuroscore/io/nifti.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::io {
namespace {

namespace fs = std::filesystem;
const fs::path kGolden = "tests/io/testdata/nifti";  // relative to the runfiles root

// make_nifti_golden.py's values: v = x + 10 y + 100 z + 1000 t (+ 0.25 for float types).
double documented(std::int64_t x, std::int64_t y, std::int64_t z, std::int64_t t, bool fraction) {
  return static_cast<double>(x + 10 * y + 100 * z + 1000 * t) + (fraction ? 0.25 : 0.0);
}

// make_nifti_golden.py's AFFINE (sform rows).
const double kAffine[3][4] = {{0.0, -2.0, 0.0, 10.0}, {2.0, 0.0, 0.0, -20.0}, {0.0, 0.0, 2.5, 30.0}};

void expect_golden(const NiftiImage& img, int version, bool fraction, double slope, double inter, std::int64_t volumes) {
  EXPECT_EQ(img.version, version);
  ASSERT_EQ(img.dim(0), 4);
  ASSERT_EQ(img.dim(1), 3);
  ASSERT_EQ(img.dim(2), 2);
  ASSERT_EQ(img.volumes(), volumes);
  for (std::int64_t t = 0; t < volumes; ++t)
    for (std::int64_t z = 0; z < 2; ++z)
      for (std::int64_t y = 0; y < 3; ++y)
        for (std::int64_t x = 0; x < 4; ++x) {
          const double got = img.data[static_cast<std::size_t>(x + 4 * (y + 3 * (z + 2 * t)))];
          ASSERT_EQ(got, slope * documented(x, y, z, t, fraction) + inter) << x << "," << y << "," << z << "," << t;
        }
  EXPECT_EQ(img.sform_code, 1);
  EXPECT_EQ(img.qform_code, 1);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) EXPECT_EQ(img.srow[i][j], kAffine[i][j]) << i << "," << j;  // exact in float32
  EXPECT_EQ(img.pixdim[1], 2.0);
  EXPECT_EQ(img.pixdim[3], 2.5);
}

TEST(Nifti, ReadsEveryGoldenLayout) {
  expect_golden(read_nifti(kGolden / "n1_float32.nii"), 1, true, 1.0, 0.0, 5);
  expect_golden(read_nifti(kGolden / "n1_float32.nii.gz"), 1, true, 1.0, 0.0, 5);
  expect_golden(read_nifti(kGolden / "n1_float32_bigendian.nii"), 1, true, 1.0, 0.0, 5);
  expect_golden(read_nifti(kGolden / "n2_float64.nii"), 2, true, 1.0, 0.0, 5);
  expect_golden(read_nifti(kGolden / "n1_int16_scaled.nii"), 1, false, 0.5, 10.0, 5);
  expect_golden(read_nifti(kGolden / "n1_uint8_3d.nii"), 1, false, 1.0, 0.0, 1);
}

TEST(Nifti, TimeseriesUnderAMaskAndWithout) {
  const NiftiImage run = read_nifti(kGolden / "n1_float32.nii.gz");
  const NiftiImage mask = read_nifti(kGolden / "mask.nii");
  const NiftiTimeseries ts = nifti_timeseries(run, &mask);
  ASSERT_EQ(ts.data.rows(), 5);
  ASSERT_EQ(ts.voxels.size(), 12u);  // half of 4 x 3 x 2: (x + y + z) even
  for (std::size_t k = 0; k < ts.voxels.size(); ++k) {
    const std::int64_t v = ts.voxels[k], x = v % 4, y = (v / 4) % 3, z = v / 12;
    EXPECT_EQ((x + y + z) % 2, 0);
    for (Eigen::Index t = 0; t < 5; ++t) EXPECT_EQ(ts.data(t, static_cast<Eigen::Index>(k)), documented(x, y, z, t, true));
  }
  // Without a mask: every voxel varies over time here, so all 24 are kept, in voxel order.
  const NiftiTimeseries all = nifti_timeseries(run, nullptr);
  ASSERT_EQ(all.voxels.size(), 24u);
  EXPECT_EQ(all.voxels.front(), 0);
  EXPECT_EQ(all.voxels.back(), 23);
}


TEST(Nifti, WrittenMapsReadBackHereAndInNibabel) {
  const NiftiImage run = read_nifti(kGolden / "n1_float32.nii.gz");
  const NiftiImage mask = read_nifti(kGolden / "mask.nii");
  const NiftiTimeseries ts = nifti_timeseries(run, &mask);
  Eigen::VectorXd score(static_cast<Eigen::Index>(ts.voxels.size()));
  for (Eigen::Index k = 0; k < score.size(); ++k) score(k) = 0.125 * static_cast<double>(k) - 0.5;  // exact in float32
  const fs::path dir = testing::scratch_dir("nifti_maps");
  for (const std::string name : {"score.nii", "score.nii.gz"}) {
    SCOPED_TRACE(name);
    write_nifti_map(dir / name, ts.geometry, ts.voxels, score, std::nan(""));
    const NiftiImage back = read_nifti(dir / name);
    ASSERT_EQ(back.dims.size(), 3u);
    EXPECT_EQ(back.datatype, 16);
    for (std::size_t k = 0; k < ts.voxels.size(); ++k) EXPECT_EQ(back.data[static_cast<std::size_t>(ts.voxels[k])], score(static_cast<Eigen::Index>(k)));
    EXPECT_EQ(std::count_if(back.data.begin(), back.data.end(), [](double v) { return std::isnan(v); }), 12);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) EXPECT_EQ(back.srow[i][j], kAffine[i][j]);
  }
  // nibabel (Debian's python3-nibabel) opens the map with the input's affine and the values.
  const fs::path out = dir / "nibabel.txt";
  const std::string cmd = "/usr/bin/python3 -c \"import nibabel, numpy; i = nibabel.load('" + (dir / "score.nii.gz").string() +
                          "'); d = numpy.asarray(i.dataobj, dtype=float); print(i.shape, numpy.nansum(d), int(numpy.isnan(d).sum())); "
                          "print(' '.join('%g' % (v + 0.0) for v in i.affine[:3].ravel()))\" > " + out.string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    GTEST_SKIP() << "python3 with nibabel is not installed (tools/setup.sh installs python3-nibabel): " << testing::file_text(out);
  }
  std::ostringstream want;
  want << "(4, 3, 2) " << score.sum() << " 12\n0 -2 0 10 2 0 0 -20 0 0 2.5 30\n";  // sum 2.25
  EXPECT_EQ(testing::file_text(out), want.str());
}

TEST(Nifti, A4dRunRoundTripsUnderItsMask) {
  const NiftiImage run = read_nifti(kGolden / "n2_float64.nii");
  const NiftiImage mask = read_nifti(kGolden / "mask.nii");
  const NiftiTimeseries ts = nifti_timeseries(run, &mask);
  const fs::path file = testing::scratch_dir("nifti_4d") / "run.nii.gz";
  write_nifti_volumes(file, ts.geometry, ts.voxels, ts.data.transpose());
  const NiftiImage back = read_nifti(file);
  ASSERT_EQ(back.dims, (std::vector<std::int64_t>{4, 3, 2, 5}));
  const NiftiTimeseries again = nifti_timeseries(back, &mask);
  EXPECT_EQ(again.voxels, ts.voxels);
  EXPECT_TRUE(again.data == ts.data);  // the values (whole numbers + 0.25) are exact in float32
  EXPECT_EQ(back.pixdim[4], run.pixdim[4]);
}

// A copy of a golden file with `count` bytes at `offset` replaced.
std::string patched(const std::string& bytes, std::size_t offset, const std::string& with) {
  std::string out = bytes;
  out.replace(offset, with.size(), with);
  return out;
}

std::string int16_bytes(std::int16_t v) { return std::string(reinterpret_cast<const char*>(&v), 2); }

TEST(Nifti, BadInputsNameTheFileAndTheField) {
  const std::string good = testing::file_text(kGolden / "n1_float32.nii");
  const auto message = [](const std::string& bytes) {
    return testing::error_message<std::runtime_error>([&] { parse_nifti(bytes, "bad.nii"); });
  };
  EXPECT_NE(message(good.substr(0, 200)).find("bad.nii: file ended after 200 bytes, inside the 348-byte NIfTI-1 header"), std::string::npos);
  EXPECT_NE(message(patched(good, 0, "abcd")).find("bad.nii: sizeof_hdr is"), std::string::npos);
  EXPECT_NE(message(patched(good, 344, std::string("ni1\0", 4))).find("magic is 'ni1\\x0'"), std::string::npos);
  EXPECT_NE(message(patched(good, 40, int16_bytes(9))).find("dim[0] is 9, not 1..7"), std::string::npos);
  EXPECT_NE(message(patched(good, 44, int16_bytes(-3))).find("dim[2] is -3"), std::string::npos);
  EXPECT_NE(message(patched(good, 70, int16_bytes(32))).find("datatype 32 is not supported"), std::string::npos);
  EXPECT_NE(message(patched(good, 72, int16_bytes(16))).find("bitpix is 16 but datatype 16 has 32 bits"), std::string::npos);
  EXPECT_NE(message(good.substr(0, good.size() - 40)).find("header says 4 x 3 x 2 x 5 x 4 bytes = 480 bytes after vox_offset 352, file has 440"),
            std::string::npos);
  const float inside = 100.0f;
  EXPECT_NE(message(patched(good, 108, std::string(reinterpret_cast<const char*>(&inside), 4))).find("vox_offset is 100"), std::string::npos);

  const std::string gz = testing::file_text(kGolden / "n1_float32.nii.gz");
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { gunzip(gz.substr(0, gz.size() / 2), "bad.nii.gz"); })
                .find("bad.nii.gz: gzip stream ends early"),
            std::string::npos);
  std::string corrupt = gz;
  for (std::size_t i = 20; i < 40; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { gunzip(corrupt, "bad.nii.gz"); }).find("bad.nii.gz: gzip stream"),
            std::string::npos);

  const NiftiImage run = read_nifti(kGolden / "n1_float32.nii");
  const NiftiImage other = read_nifti(kGolden / "n1_float32.nii");  // 4D: not a mask
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { nifti_timeseries(run, &other, "run.nii", "m.nii"); })
                .find("m.nii: mask is 4 x 3 x 2 x 5, the image run.nii is 4 x 3 x 2 x 5 (the mask must be one volume on the image's grid)"),
            std::string::npos);
  NiftiImage zeros = read_nifti(kGolden / "mask.nii");
  std::fill(zeros.data.begin(), zeros.data.end(), 0.0);
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { nifti_timeseries(run, &zeros, "run.nii"); }).find("the mask is all zeros"),
            std::string::npos);
}

// NiftiVolumeReader streams every golden layout (NIfTI-1/2, .nii and .nii.gz, every datatype,
// scaled or not) volume by volume with the values read_nifti gives, for any span of voxels.
TEST(NiftiStream, EveryGoldenLayoutVolumeByVolume) {
  for (const auto& entry : fs::directory_iterator(kGolden)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("n1_", 0) != 0 && name.rfind("n2_", 0) != 0) continue;
    SCOPED_TRACE(name);
    const NiftiImage whole = read_nifti(entry.path());
    const NiftiVolumeReader reader(entry.path());
    EXPECT_EQ(reader.geometry().dims, whole.dims);
    EXPECT_EQ(reader.geometry().srow, whole.srow);
    EXPECT_TRUE(reader.geometry().data.empty());
    const std::int64_t nv = whole.voxels_per_volume();
    for (const auto& [first, count] : {std::pair<std::int64_t, std::int64_t>{0, nv}, {5, 7}, {nv - 1, 1}}) {
      std::int64_t volumes = 0;
      reader.for_each_volume(first, count, [&](std::int64_t t, const double* v) {
        EXPECT_EQ(t, volumes++);
        for (std::int64_t i = 0; i < count; ++i) ASSERT_EQ(v[i], whole.data[static_cast<std::size_t>(t * nv + first + i)]) << t << " " << i;
      });
      EXPECT_EQ(volumes, whole.volumes());
    }
  }
}

// The streaming reader's bad inputs: a .nii or .nii.gz that ends inside the data (found when the
// volume is reached, naming it), a corrupt gzip stream, a bad header, a span off the grid.
TEST(NiftiStream, BadFilesNameTheFileAndWhere) {
  const fs::path dir = std::getenv("TEST_TMPDIR");
  const std::string good = testing::file_text(kGolden / "n1_float32.nii");
  const auto write = [&](const std::string& name, const std::string& bytes) {
    std::ofstream(dir / name, std::ios::binary) << bytes;
    return dir / name;
  };
  const auto pass = [](const fs::path& p) {
    return testing::error_message<std::runtime_error>([&] { NiftiVolumeReader(p).for_each_volume(0, 24, [](std::int64_t, const double*) {}); });
  };
  // A .nii shorter than its data: refused when opened (its size is known).
  EXPECT_NE(pass(write("short.nii", good.substr(0, good.size() - 40))).find("short.nii: header says 4 x 3 x 2 x 5 x 4 bytes = 480 bytes after vox_offset 352, file has 440"),
            std::string::npos);
  // A .nii.gz whose inflated data end inside volume 3: refused when the pass reaches it.
  write("short_data.nii.gz", detail::deflate_stream(good.substr(0, 352 + 4 * 24 * 3 + 10), detail::ZlibWrapper::gzip, "test"));
  EXPECT_NE(pass(dir / "short_data.nii.gz").find("file has 298 (it ends in volume 3)"), std::string::npos) << pass(dir / "short_data.nii.gz");
  // A gzip stream cut in half, and one with damaged bytes.
  const std::string gz = testing::file_text(kGolden / "n1_float32.nii.gz");
  EXPECT_NE(pass(write("cut.nii.gz", gz.substr(0, gz.size() / 2))).find("cut.nii.gz: gzip stream ends early"), std::string::npos)
      << pass(dir / "cut.nii.gz");
  std::string corrupt = gz;
  for (std::size_t i = 20; i < 40; ++i) corrupt[i] = static_cast<char>(corrupt[i] ^ 0x5a);
  EXPECT_NE(pass(write("corrupt.nii.gz", corrupt)).find("corrupt.nii.gz: gzip stream corrupt (zlib: "), std::string::npos)
      << pass(dir / "corrupt.nii.gz");
  EXPECT_NE(pass(write("magic.nii", patched(good, 344, std::string("ni1\0", 4)))).find("magic.nii: magic is 'ni1\\x0'"), std::string::npos);
  EXPECT_NE(pass(dir / "absent.nii").find("absent.nii: cannot open"), std::string::npos);
  const NiftiVolumeReader reader(kGolden / "n1_float32.nii");
  EXPECT_NE(testing::error_message<std::invalid_argument>([&] { reader.for_each_volume(20, 5, [](std::int64_t, const double*) {}); })
                .find("voxels 20..24 are outside its 24 voxels per volume"),
            std::string::npos);
}

}  // namespace
}  // namespace neuroscore::io

// The header's TR: pixdim[4] in the time unit of xyzt_units; 0 or no time unit is no information.
TEST(NiftiRepetitionTime, PixdimFourInItsTimeUnit) {
  neuroscore::io::NiftiImage image;
  image.pixdim[4] = 2500.0;
  image.xyzt_units = 2 | 16;  // mm, ms
  EXPECT_DOUBLE_EQ(*neuroscore::io::repetition_time(image).seconds, 2.5);
  EXPECT_EQ(neuroscore::io::repetition_time(image).stated, "pixdim[4] 2500 ms");
  image.xyzt_units = 2 | 24;  // us
  EXPECT_DOUBLE_EQ(*neuroscore::io::repetition_time(image).seconds, 0.0025);
  image.xyzt_units = 2 | 8;  // s
  EXPECT_DOUBLE_EQ(*neuroscore::io::repetition_time(image).seconds, 2500.0);
  image.xyzt_units = 2;  // no time unit
  EXPECT_FALSE(neuroscore::io::repetition_time(image).seconds);
  EXPECT_EQ(neuroscore::io::repetition_time(image).stated, "pixdim[4] 2500 with time unit code 0 (unknown)");
  image.xyzt_units = 2 | 8;
  image.pixdim[4] = 0.0;
  EXPECT_FALSE(neuroscore::io::repetition_time(image).seconds);
}
