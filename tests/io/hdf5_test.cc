// Tests of neuroscore/io/hdf5.hpp against tests/io/testdata/hdf5/data.h5 from make_hdf5_golden.py
// (h5py 3.7.0, HDF5 1.10.8): numeric datasets of several types and byte orders read back the
// documented values, column ranges read only those columns, a written matrix reads back here and
// in h5py, and named bad inputs fail with one line naming the file and the dataset.
#include "neuroscore/io/hdf5.hpp"

#include <gtest/gtest.h>

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
const fs::path kGolden = "tests/io/testdata/hdf5/data.h5";  // relative to the runfiles root

// make_hdf5_golden.py's values: v(i, j) = i + 1000 j (+ 0.5 for float types).
double documented(Eigen::Index i, Eigen::Index j, bool fraction) { return static_cast<double>(i + 1000 * j) + (fraction ? 0.5 : 0.0); }

TEST(Hdf5, ReadsNumericDatasetsOfEveryTypeAndByteOrder) {
  const Eigen::MatrixXd hg = read_hdf5_matrix(kGolden, "/ecog/high_gamma");
  ASSERT_EQ(hg.rows(), 30);
  ASSERT_EQ(hg.cols(), 8);
  for (Eigen::Index i = 0; i < 30; ++i)
    for (Eigen::Index j = 0; j < 8; ++j) EXPECT_EQ(hg(i, j), documented(i, j, true));
  const Eigen::MatrixXd deep = read_hdf5_matrix(kGolden, "/nested/deep/values");  // big-endian float64
  ASSERT_EQ(deep.rows(), 5);
  for (Eigen::Index i = 0; i < 5; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) EXPECT_EQ(deep(i, j), documented(i, j, true));
  const Eigen::MatrixXd trial = read_hdf5_matrix(kGolden, "/meta/trial");  // int16, 1-D: a column
  ASSERT_EQ(trial.rows(), 30);
  ASSERT_EQ(trial.cols(), 1);
  for (Eigen::Index i = 0; i < 30; ++i) EXPECT_EQ(trial(i, 0), static_cast<double>(i));
  EXPECT_EQ(hdf5_dataset_shape(kGolden, "/ecog/sfreq"), (std::vector<std::int64_t>{1, 1}));
}

TEST(Hdf5, AColumnRangeReadsOnlyThoseColumns) {
  const Eigen::MatrixXd part = read_hdf5_columns(kGolden, "/ecog/high_gamma", 3, 4);
  ASSERT_EQ(part.rows(), 30);
  ASSERT_EQ(part.cols(), 4);
  for (Eigen::Index i = 0; i < 30; ++i)
    for (Eigen::Index j = 0; j < 4; ++j) EXPECT_EQ(part(i, j), documented(i, j + 3, true));
}


TEST(Hdf5, WrittenMatrixReadsBackHereAndInH5py) {
  Eigen::MatrixXd m(3, 2);
  m << 1.5, -2.0, 0.25, 1e-300, 7.0, 8.125;
  const fs::path file = testing::scratch_dir("hdf5_write") / "out.h5";
  write_hdf5_matrix(file, "/scores/r", m);
  EXPECT_TRUE(read_hdf5_matrix(file, "/scores/r") == m);
  const fs::path out = file.parent_path() / "h5py.txt";
  const std::string cmd = "/usr/bin/python3 -c \"import h5py; d = h5py.File('" + file.string() +
                          "', 'r')['scores/r'][()]; print(d.shape, ' '.join(repr(float(x)) for x in d.ravel()))\" > " + out.string() + " 2>&1";
  if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "python3 with h5py is not installed (tools/setup.sh installs python3-h5py): " << testing::file_text(out);
  EXPECT_EQ(testing::file_text(out), "(3, 2) 1.5 -2.0 0.25 1e-300 7.0 8.125\n");
}

TEST(Hdf5, BadInputsNameTheFileAndTheDataset) {
  const auto message = [](const fs::path& p, const std::string& d) {
    return testing::error_message<std::runtime_error>([&] { read_hdf5_matrix(p, d); });
  };
  const std::string file = kGolden.string();
  EXPECT_NE(message(kGolden, "/ecog/lfp").find(file + ": dataset /ecog/lfp: no such dataset (datasets: /cube, /ecog/high_gamma, /ecog/sfreq"),
            std::string::npos);
  EXPECT_NE(message(kGolden, "/missing/deeper").find("no such dataset"), std::string::npos);
  EXPECT_NE(message(kGolden, "/labels").find(file + ": dataset /labels: is not numeric"), std::string::npos);
  EXPECT_NE(message(kGolden, "/cube").find("dataset /cube: has 3 dimensions (2 x 3 x 4); a matrix has 1 or 2"), std::string::npos);
  EXPECT_NE(message(kGolden, "/ecog").find("dataset /ecog: not a dataset (a group?)"), std::string::npos);
  EXPECT_NE(message(kGolden, "ecog/high_gamma").find("a dataset path starts with '/'"), std::string::npos);
  EXPECT_NE(testing::error_message<std::runtime_error>([&] { read_hdf5_columns(kGolden, "/ecog/high_gamma", 6, 3); })
                .find("columns 6..8 are outside its 8 columns"),
            std::string::npos);
  const fs::path dir = testing::scratch_dir("hdf5_bad");
  std::ofstream(dir / "text.h5") << "not hdf5 at all\n";
  EXPECT_NE(message(dir / "text.h5", "/x").find("text.h5: not an HDF5 file"), std::string::npos);
  const std::string bytes = testing::file_text(kGolden);
  std::ofstream(dir / "truncated.h5", std::ios::binary) << bytes.substr(0, 2000);
  const std::string truncated = message(dir / "truncated.h5", "/ecog/high_gamma");
  EXPECT_NE(truncated.find("truncated.h5"), std::string::npos) << truncated;
  EXPECT_NE(message(dir / "absent.h5", "/x").find("absent.h5: file not found"), std::string::npos);
}

}  // namespace
}  // namespace neuroscore::io
