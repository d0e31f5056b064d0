#include "neuroscore/datasets/alice_predictors.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/testing/data.hpp"

namespace ns = neuroscore;
namespace nd = neuroscore::datasets;
namespace fs = std::filesystem;

// Row 10 (file line 11, the first kept volume) and row 371 (the last line), read by hand.
TEST(LoadAlicePredictors, RealDataDropsTheTenDiscardedVolumes) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const nd::AlicePredictors p = nd::load_alice_predictors(root);
  ASSERT_EQ(p.values.rows(), 362);
  ASSERT_EQ(p.values.cols(), 12);
  ASSERT_EQ(p.names.size(), 12u);
  EXPECT_EQ(p.names.front(), "rate_conv");
  EXPECT_EQ(p.names[7], "cfgsurp_conv_orth");
  EXPECT_EQ(p.names.back(), "trigrampos_conv_orth");
  EXPECT_DOUBLE_EQ(p.values(0, 0), 5.6689e-08);
  EXPECT_DOUBLE_EQ(p.values(0, 1), 5.6971e-05);
  EXPECT_DOUBLE_EQ(p.values(0, 11), -1.5439e-05);
  EXPECT_DOUBLE_EQ(p.values(361, 0), 8.5615e-05);
  EXPECT_DOUBLE_EQ(p.values(361, 11), -3.7872e-05);
}

TEST(LoadAlicePredictors, WrongShapeNamesTheFile) {
  const fs::path root = ns::testing::scratch_dir("alice_predictors_short");
  fs::create_directories(root / "alice_brennan2016");
  const fs::path file = root / "alice_brennan2016" / "linguistic_predictors_hrf.txt";
  {
    std::ofstream out(file);
    for (int r = 0; r < 371; ++r) {
      for (int c = 0; c < 12; ++c) out << (c ? "\t" : "") << r;
      out << "\n";
    }
  }
  std::string e;
  try {
    nd::load_alice_predictors(root);
  } catch (const std::exception& ex) {
    e = ex.what();
  }
  EXPECT_NE(e.find(file.string()), std::string::npos) << e;
  EXPECT_NE(e.find("372"), std::string::npos) << e;
  {
    std::ofstream out(file);
    for (int r = 0; r < 372; ++r) {
      for (int c = 0; c < 12; ++c) out << (c ? "\t" : "") << (r == 5 && c == 3 ? "x" : std::to_string(r));
      out << "\n";
    }
  }
  e.clear();
  try {
    nd::load_alice_predictors(root);
  } catch (const std::exception& ex) {
    e = ex.what();
  }
  EXPECT_NE(e.find(file.string() + ":6"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(LoadAlicePredictors, SyntheticValuesKeepRows10To371) {
  const fs::path root = ns::testing::scratch_dir("alice_predictors_ok");
  fs::create_directories(root / "alice_brennan2016");
  {
    std::ofstream out(root / "alice_brennan2016" / "linguistic_predictors_hrf.txt");
    for (int r = 0; r < 372; ++r) {
      for (int c = 0; c < 12; ++c) out << (c ? " " : "") << r * 100 + c;
      out << "\n";
    }
  }
  const nd::AlicePredictors p = nd::load_alice_predictors(root);
  EXPECT_DOUBLE_EQ(p.values(0, 0), 1000);
  EXPECT_DOUBLE_EQ(p.values(361, 11), 37111);
}
