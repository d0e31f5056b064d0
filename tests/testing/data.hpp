// tests/testing/data.hpp: tests that need the real datasets find them here.
// Entry point: NEUROSCORE_DATA_ROOT_OR_SKIP(root) inside a TEST body.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "neuroscore/data_root.hpp"

namespace neuroscore::testing {

// True in CI: a test whose data is missing must fail, not skip.
inline bool data_required() {
  const char* v = std::getenv("NEUROSCORE_REQUIRE_DATA");
  return v != nullptr && std::string(v) == "1";
}

inline constexpr const char* kNoDataMessage =
    "real data not found: set NEUROSCORE_DATA to the data root (the README's test command "
    "does), or fetch it with third_party/data/fetch_data.sh";

// Under `bazel test` the working directory is the runfiles tree, so only NEUROSCORE_DATA
// (passed by .bazelrc's --test_env) can name the data. Unset or empty: std::nullopt.
inline std::optional<std::filesystem::path> test_data_root() {
  const char* env = std::getenv("NEUROSCORE_DATA");
  if (env == nullptr || *env == '\0') return std::nullopt;
  return std::filesystem::path(env);
}

// Every byte of the file at `path` ("" when it cannot be read).
inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh, empty directory under the test's private temporary directory.
inline std::filesystem::path scratch_dir(const std::string& name) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::filesystem::path dir =
      std::filesystem::path(tmp != nullptr ? tmp : std::filesystem::temp_directory_path().string()) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace neuroscore::testing

// Declares `std::filesystem::path var`. NEUROSCORE_DATA unset: the test skips (fails when
// NEUROSCORE_REQUIRE_DATA=1); set to something that is not a directory: the test fails.
#define NEUROSCORE_DATA_ROOT_OR_SKIP(var)                                   \
  std::filesystem::path var;                                                \
  if (auto found_root = ::neuroscore::testing::test_data_root()) {          \
    if (!std::filesystem::is_directory(*found_root)) {                      \
      FAIL() << "NEUROSCORE_DATA=" << found_root->string()                  \
             << " is not a directory";                                      \
    }                                                                       \
    var = *found_root;                                                      \
  } else if (::neuroscore::testing::data_required()) {                      \
    FAIL() << ::neuroscore::testing::kNoDataMessage                         \
           << " (NEUROSCORE_REQUIRE_DATA=1, so this is a failure)";         \
  } else {                                                                  \
    GTEST_SKIP() << ::neuroscore::testing::kNoDataMessage;                  \
  }
