#include "neuroscore/datasets/alice.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tests/io/expect_error.hpp"
#include "tests/testing/data.hpp"

namespace ns = neuroscore;
namespace fs = std::filesystem;

namespace {

// A copy of the Alice folder (time courses and words.TextGrid only) that a test may damage.
fs::path copy_alice(const fs::path& root, const std::string& name) {
  const fs::path dst = ns::testing::scratch_dir(name);
  const fs::path src = root / "alice_brennan2016";
  fs::create_directories(dst / "alice_brennan2016");
  fs::copy(src / "timecourses_6mm", dst / "alice_brennan2016" / "timecourses_6mm");
  fs::copy(src / "words.TextGrid", dst / "alice_brennan2016" / "words.TextGrid");
  return dst;
}

// The loader's error for a damaged data root (a test failure when it throws none).
std::string error_of(const fs::path& root) {
  return ns::testing::error_message<std::exception>([&] { ns::datasets::load_alice(root); });
}

}  // namespace

TEST(LoadAlice, TwentySevenListenersAndTheAllZeroOneExcludedWithAWarning) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  std::ostringstream warnings;
  ns::datasets::AliceOptions options;
  options.warnings = &warnings;
  const ns::datasets::AliceData data = ns::datasets::load_alice(root, options);
  EXPECT_EQ(data.subjects.size(), 27u);
  ASSERT_EQ(data.excluded.size(), 1u);
  EXPECT_EQ(data.excluded[0].id, "s33");
  EXPECT_NE(warnings.str().find("excluding Alice listener s33"), std::string::npos) << warnings.str();
  for (const auto& s : data.subjects) {
    EXPECT_NE(s.id, "s33");
    EXPECT_EQ(s.timecourses.rows(), 362);
    EXPECT_EQ(s.timecourses.cols(), 6);
  }
  // README: the first word "Alice" starts at 20.06 s; the run is 372 volumes of 2 s.
  ASSERT_FALSE(data.words.empty());
  EXPECT_EQ(data.words.front().text, "Alice");
  EXPECT_NEAR(data.words.front().start_seconds, 20.05891632653599, 1e-12);
  EXPECT_LT(data.words.back().end_seconds, 372 * 2.0);
  for (const auto& w : data.words) EXPECT_NE(w.text, "sp");
}

TEST(LoadAlice, TenMillimetreRoisLoadToo) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  ns::datasets::AliceOptions options;
  options.roi_radius_mm = 10;
  EXPECT_EQ(ns::datasets::load_alice(root, options).subjects.size(), 27u);
  options.roi_radius_mm = 8;
  EXPECT_THROW(ns::datasets::load_alice(root, options), std::invalid_argument);
}

TEST(LoadAlice, MissingDataDirectoryNamesIt) {
  const std::string e = error_of("/nonexistent/data");
  EXPECT_NE(e.find("/nonexistent/data/alice_brennan2016: dataset directory not found"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line";
}

TEST(LoadAlice, TruncatedTimeCourseFileNamesTheFileAndTheRowCount) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const fs::path copy = copy_alice(root, "alice_truncated");
  const fs::path victim = copy / "alice_brennan2016" / "timecourses_6mm" / "s40-timecourses.txt";
  std::ifstream in(victim);
  std::stringstream all;
  all << in.rdbuf();
  in.close();
  const std::string text = all.str();
  std::ofstream(victim, std::ios::trunc) << text.substr(0, text.size() / 2);  // cut mid-row
  const std::string e = error_of(copy);
  EXPECT_NE(e.find(victim.string()), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;

  // Cut at a row boundary instead: the row count is what is wrong.
  const std::size_t cut = text.find('\n', text.size() / 3) + 1;
  std::ofstream(victim, std::ios::trunc) << text.substr(0, cut);
  const std::string e2 = error_of(copy);
  EXPECT_NE(e2.find(victim.string()), std::string::npos) << e2;
  EXPECT_NE(e2.find("362"), std::string::npos) << e2;
}

TEST(LoadAlice, MalformedTextGridIntervalNamesTheFileAndLine) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const fs::path copy = copy_alice(root, "alice_bad_textgrid");
  const fs::path grid = copy / "alice_brennan2016" / "words.TextGrid";
  std::ifstream in(grid);
  std::stringstream all;
  all << in.rdbuf();
  in.close();
  std::string text = all.str();
  // Interval 3 ("was") gets a start time that is not a number.
  const std::string needle = "intervals [3]:\n            xmin = ";
  const std::size_t at = text.find(needle);
  ASSERT_NE(at, std::string::npos);
  text.insert(at + needle.size(), "x");
  std::ofstream(grid, std::ios::trunc) << text;
  const std::string e = error_of(copy);
  EXPECT_NE(e.find(grid.string()), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << "one line: " << e;
}
