// Rows left out of scoring (issue 28 items 5 and 7): the benchmark file's "filter" rules
// (sentence_final, first_word, punctuation, a column's values) and missing responses under
// responses.missing "drop". Every feature is computed on all rows first (so lags, positions and a
// language model's context still see the rows left out), then only the scored rows are the
// benchmark's; benchmark check and the report say how many rows each rule removed.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <utility>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/cli/leaderboard_run.hpp"
#include "tests/benchmarks/word_level_testing.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;

using word_testing::find_method;

BuiltBenchmark build_controls(const fs::path& file, const fs::path& dir) {
  return word_testing::build_benchmark_file(file, dir, dir / "out", {MethodFamily::kControls});
}

std::string error_of(const fs::path& file) {
  try {
    check_benchmark_file(file, file.parent_path());
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

// Three items; the table is stored in reverse order (sort_by puts it back).
const char* const kItems[3][5] = {{"The", "cat,", "sat", "down.", nullptr},
                                  {"A", "dog", "barked", "loudly", "again."},
                                  {"Birds", "sing", "at", "dawn", "today"}};

std::string items_table() {
  std::vector<std::string> rows;
  int k = 0;
  for (int i = 0; i < 3; ++i) {
    for (int p = 0; p < 5 && kItems[i][p] != nullptr; ++p, ++k) {
      const bool rejected = i == 1 && p == 2;
      rows.push_back(std::to_string(i + 1) + "\t" + std::to_string(p + 1) + "\t" + kItems[i][p] + "\t" + std::to_string(200 + 7 * k) + "\t" +
                     (rejected ? "1" : "0") + "\n");
    }
  }
  std::string table = "item\tpos\tword\trt\trejected\n";
  for (auto r = rows.rbegin(); r != rows.rend(); ++r) table += *r;
  return table;
}

TEST(RowSelection, FiltersLeaveRowsOutAfterFeaturesAreComputedOnAllRows) {
  const fs::path dir = testing::scratch_dir("row_filters");
  std::ofstream(dir / "t.tsv") << items_table();
  std::ofstream(dir / "t.json") << R"({"name": "filters", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word"},
    "responses": {"columns": ["rt"]}, "groups": {"column": "item"}, "split": {"kind": "grouped", "folds": 3},
    "filter": [{"rule": "first_word"}, {"rule": "sentence_final"}, {"rule": "punctuation"}, {"rule": "column", "column": "rejected", "values": ["1"]}],
    "controls": [{"name": "length", "kind": "word_length", "lag_words": [0, 1]}, {"name": "position", "kind": "position"}]})";
  const std::string note =
      "6 of 14 rows scored, 8 left out (a row may match several rules): 3 by filter[0] (first_word); 3 by filter[1] (sentence_final); "
      "3 by filter[2] (punctuation); 1 by filter[3] (column rejected in (\"1\"))";
  const std::string check = check_benchmark_file(dir / "t.json", dir);
  EXPECT_NE(check.find("  rows        6 (table)\n  scored      " + note + "\n"), std::string::npos) << check;

  const BuiltBenchmark built = build_controls(dir / "t.json", dir);
  EXPECT_NE(built.benchmark.description.find(note), std::string::npos) << built.benchmark.description;
  // Kept: sat (rt of sorted row 2), dog (5), loudly (7), sing (10), at (11), dawn (12); rt = 200 + 7 k.
  const std::vector<int> kept = {2, 5, 7, 10, 11, 12};
  ASSERT_EQ(built.benchmark.responses.rows(), 6);
  for (std::size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(built.benchmark.responses(static_cast<Eigen::Index>(i), 0), 200 + 7 * kept[i]);
  // Features of all rows at the kept rows: the previous word of a lag is there even when left out,
  // and a position counts every word of the item.
  const Method* length = find_method(built.methods, "control/length");
  const Method* position = find_method(built.methods, "control/position");
  ASSERT_NE(length, nullptr);
  ASSERT_NE(position, nullptr);
  ASSERT_EQ(length->x.rows(), 6);
  const std::vector<double> now = {3, 3, 6, 4, 2, 4}, before = {3, 1, 6, 5, 4, 2}, pos = {3, 2, 4, 2, 3, 4};
  for (Eigen::Index i = 0; i < 6; ++i) {
    EXPECT_EQ(length->x(i, 0), now[static_cast<std::size_t>(i)]) << i;
    EXPECT_EQ(length->x(i, 1), before[static_cast<std::size_t>(i)]) << i;
    EXPECT_EQ(position->x(i, 0), pos[static_cast<std::size_t>(i)]) << i;
  }
  // The split and the resampling units are of the scored rows.
  std::size_t tested = 0;
  for (const Fold& f : built.benchmark.folds) tested += f.test.size();
  EXPECT_EQ(tested, 6u);
}

TEST(RowSelection, MissingResponsesDropTheirRowsAndAreCountedPerTarget) {
  const fs::path dir = testing::scratch_dir("row_missing");
  std::ofstream(dir / "t.tsv") << "item\tpos\tword\tfirst_fix\tgaze\n"
                                  "1\t1\tThe\t201\t250\n1\t2\tcat\tNA\tNA\n1\t3\tsat\t190\t\n1\t4\ton\t205\t260\n"
                                  "2\t1\tA\t210\t270\n2\t2\tdog\tn/a\tnan\n2\t3\tran\t220\t280\n2\t4\thome\t230\t290\n2\t5\tfast\t240\t300\n";
  const auto write = [&](const std::string& missing) {
    std::ofstream(dir / "t.json") << R"({"name": "missing", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word"},
      "responses": {"columns": ["first_fix", "gaze"])" + missing + R"(}, "groups": {"column": "item"}, "split": {"kind": "grouped", "folds": 2},
      "controls": [{"name": "length", "kind": "word_length"}]})";
  };
  write("");
  EXPECT_NE(error_of(dir / "t.json").find("responses.columns: "), std::string::npos);
  EXPECT_NE(error_of(dir / "t.json").find("column \"first_fix\", row index 1: \"NA\" is not a number"), std::string::npos);
  EXPECT_NE(error_of(dir / "t.json").find("responses.missing \"drop\" leaves its row out"), std::string::npos) << error_of(dir / "t.json");
  write(R"(, "missing": "drop")");
  const std::string note = "6 of 9 rows scored, 3 left out (a row may match several rules): 3 with a missing response (responses.missing \"drop\"; "
                           "missing cells per target: first_fix 2, gaze 3)";
  const std::string check = check_benchmark_file(dir / "t.json", dir);
  EXPECT_NE(check.find("  scored      " + note + "\n"), std::string::npos) << check;
  const BuiltBenchmark built = build_controls(dir / "t.json", dir);
  ASSERT_EQ(built.benchmark.responses.rows(), 6);
  Eigen::MatrixXd expected(6, 2);
  expected << 201, 250, 205, 260, 210, 270, 220, 280, 230, 290, 240, 300;
  EXPECT_EQ(built.benchmark.responses, expected);
  const Method* length = find_method(built.methods, "control/length");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length->x.col(0).transpose(), Eigen::RowVectorXd((Eigen::RowVectorXd(6) << 3, 2, 1, 3, 4, 4).finished()));
  // A value that is not a number and not a missing cell is still an error.
  std::ofstream(dir / "t.tsv", std::ios::app) << "3\t1\tx\tfast\t1\n";
  EXPECT_NE(error_of(dir / "t.json").find("\"fast\" is not a number"), std::string::npos);
}

// Position-only checks (issue 28 item 9): responses that are mostly a sentence-final offset make
// check/sentence_final reach more than half of the best method's r; the run warns (log and report),
// the checks go to leaderboard.csv under their own split label, and --filter sentence_final (one
// flag) scores without those rows, after which the warning is gone.
TEST(RowSelection, PositionOnlyChecksWarnAndTheFilterIsOneFlagAway) {
  const fs::path dir = testing::scratch_dir("position_checks");
  std::mt19937_64 rng(9);
  std::normal_distribution<double> noise(0.0, 1.0);
  const std::vector<std::string> words = {"a", "dog", "ran", "far", "away", "from", "the", "big", "house", "today"};
  std::string table = "item\tpos\tword\tamp\n";
  for (int i = 1; i <= 30; ++i) {
    for (int p = 1; p <= 8; ++p) {
      const std::string& w = words[static_cast<std::size_t>((i * 3 + p * 7) % 10)];
      const double amp = (p == 8 ? 4.0 : 0.0) + 0.3 * static_cast<double>(w.size()) + noise(rng);
      table += std::to_string(i) + "\t" + std::to_string(p) + "\t" + w + "\t" + std::to_string(amp) + "\n";
    }
  }
  std::ofstream(dir / "t.tsv") << table;
  std::ofstream(dir / "t.json") << R"({"name": "edges", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word"},
    "responses": {"columns": ["amp"]}, "groups": {"column": "item"}, "split": {"kind": "grouped", "folds": 5}, "bootstrap": {"unit": "groups"},
    "controls": [{"name": "length", "kind": "word_length"}]})";
  const auto run = [&](const std::vector<std::string>& filters, const std::string& out) {
    LeaderboardRequest req;
    req.data_root = dir;
    req.out_dir = dir / out;
    req.benchmark_files = {dir / "t.json"};
    req.methods = {MethodFamily::kControls};
    req.models = {};
    req.bootstrap = 200;
    req.filters = filters;
    std::ostringstream log;
    const LeaderboardRun r = run_leaderboard(req, log);
    return std::make_pair(r, log.str());
  };
  const auto [plain, plain_log] = run({}, "plain");
  ASSERT_EQ(plain.position_checks.size(), 3u);
  EXPECT_NE(plain_log.find("leaderboard: warning: edges: check/sentence_final alone reaches r "), std::string::npos) << plain_log;
  std::ifstream md(dir / "plain" / "leaderboard.md");
  const std::string report((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(report.find("## Position-only checks"), std::string::npos);
  EXPECT_NE(report.find("**Warning:** edges: check/sentence_final alone"), std::string::npos);
  EXPECT_NE(report.find("rerun with --filter sentence_final"), std::string::npos);
  std::ifstream csv(dir / "plain" / "leaderboard.csv");
  const std::string rows((std::istreambuf_iterator<char>(csv)), std::istreambuf_iterator<char>());
  EXPECT_NE(rows.find("check/sentence_final"), std::string::npos);
  EXPECT_NE(rows.find("position_check"), std::string::npos);
  // The signed effects (here: word length, no baseline) are drawn as a forest plot.
  ASSERT_TRUE(plain.files.gnuplot_ran);
  std::ifstream svg(dir / "plain" / "figures" / "effects_edges.svg");
  const std::string figure((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_NE(figure.find("</svg>"), std::string::npos);
  EXPECT_NE(figure.find("control/length"), std::string::npos);

  const auto [filtered, filtered_log] = run({"sentence_final"}, "filtered");
  EXPECT_EQ(filtered_log.find("check/sentence_final alone"), std::string::npos) << filtered_log;
  std::ifstream md2(dir / "filtered" / "leaderboard.md");
  const std::string report2((std::istreambuf_iterator<char>(md2)), std::istreambuf_iterator<char>());
  EXPECT_NE(report2.find("210 of 240 rows scored, 30 left out (a row may match several rules): 30 by --filter sentence_final (sentence_final)"),
            std::string::npos)
      << report2;
  // An unknown rule is a one-line error of the flag.
  bool help = false;
  try {
    parse_leaderboard_args({"--filter", "final"}, &help);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--filter: unknown rule 'final' (known: sentence_final, first_word, punctuation)");
  }
}

TEST(RowSelection, BadFiltersAreNamed) {
  const fs::path dir = testing::scratch_dir("row_filters_bad");
  std::ofstream(dir / "t.tsv") << items_table();
  const auto with = [&](const std::string& filter, const std::string& groups = R"(, "groups": {"column": "item"})") {
    std::ofstream(dir / "t.json") << R"({"name": "bad", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word"},
      "responses": {"columns": ["rt"]})" + groups + R"(, "filter": )" + filter + R"(, "controls": [{"name": "length", "kind": "word_length"}]})";
    return error_of(dir / "t.json");
  };
  EXPECT_NE(with(R"([{"rule": "final"}])").find("t.json: filter[0].rule: unknown value 'final' (known: sentence_final, first_word, punctuation, column)"),
            std::string::npos);
  EXPECT_NE(with(R"([{"rule": "sentence_final"}])", "").find("filter[0].rule: 'sentence_final' needs \"groups\""), std::string::npos);
  const std::string no_column = with(R"([{"rule": "column", "column": "reject", "values": ["1"]}])");
  EXPECT_NE(no_column.find("t.json: filter[0].column: "), std::string::npos) << no_column;
  EXPECT_NE(no_column.find("t.tsv has no column 'reject'"), std::string::npos) << no_column;
  EXPECT_NE(with(R"([{"rule": "column", "column": "rejected"}])").find("filter[0]: \"column\" needs \"values\""), std::string::npos);
  EXPECT_NE(with(R"([{"rule": "punctuation"}, {"rule": "punctuation"}])").find("filter[1]: the same rule as filter[0]"), std::string::npos);
  EXPECT_NE(with(R"({"rule": "punctuation"})").find("filter: a list of rules"), std::string::npos);
  EXPECT_NE(with(R"([{"rule": "column", "column": "pos", "values": ["1", "2", "3", "4", "5"]}])").find("filter: every row is left out"),
            std::string::npos);
}

}  // namespace
}  // namespace neuroscore::benchmarks
