#include "neuroscore/data_root.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

#include "tests/testing/data.hpp"

namespace ns = neuroscore;

TEST(DataRoot, EnvironmentVariableWins) {
  const auto dir = ns::testing::scratch_dir("data_root_env");
  ::setenv("NEUROSCORE_DATA", dir.c_str(), 1);
  EXPECT_EQ(ns::data_root(), dir);
}

TEST(DataRoot, AMissingDirectoryIsAOneLineErrorNamingIt) {
  ::setenv("NEUROSCORE_DATA", "/nonexistent/neuroscore-data", 1);
  try {
    ns::data_root();
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "NEUROSCORE_DATA=/nonexistent/neuroscore-data is not a directory (see "
                 "third_party/data/fetch_data.sh)");
  }
}

TEST(DataRoot, MissingDatasetNamesThePath) {
  const auto dir = ns::testing::scratch_dir("data_root_dataset");
  try {
    ns::dataset_dir(dir, "alice_brennan2016");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir / "alice_brennan2016").string() + ": dataset directory not found"),
              std::string::npos)
        << e.what();
  }
}
