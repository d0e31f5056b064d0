#include "benchmarks/brain/report.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace nb = neuroscore::benchmarks;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A leaderboard on the synthetic benchmark, written as CSV, Markdown and HTML with gnuplot SVGs:
// every figure the HTML references exists and is a complete SVG document, and the CSV is tidy
// (one row per method x region x metric, every row with the header's field count).
TEST(Report, WritesTidyCsvMarkdownAndHtmlWithWellFormedSvgFigures) {
  const nb::SyntheticBenchmark syn = nb::synthetic_benchmark(neuroscore::Seed{11}, 4, 3, 300, 0.5);
  nb::ScoringOptions options;
  options.bootstrap.resamples = 100;
  const Eigen::VectorXd base = nb::baseline_r2(syn.benchmark);
  nb::ReportInputs in;
  for (const auto& m : syn.methods) {
    in.scores.push_back(nb::score_fit(syn.benchmark, m, nb::fit_method(syn.benchmark, m, true), base, options));
  }
  nb::rank_methods(syn.benchmark, in.scores, options);
  in.benchmarks.push_back(&syn.benchmark);
  in.run_note = "test run";
  const char* tmp = std::getenv("TEST_TMPDIR");
  const fs::path out = fs::path(tmp ? tmp : "/tmp") / "report_test";
  fs::remove_all(out);
  const nb::ReportFiles files = nb::write_report(in, out);

  // CSV: header + per method (3 aggregate metrics + 3 regions x (raw, normalized)) = 9 rows.
  std::ifstream csv(files.csv);
  std::string line;
  std::getline(csv, line);
  const auto fields = [](const std::string& l) { return std::count(l.begin(), l.end(), ',') + 1; };
  const long header_fields = fields(line);
  EXPECT_EQ(header_fields, 14);
  int rows = 0;
  while (std::getline(csv, line)) {
    ++rows;
    EXPECT_EQ(fields(line), header_fields) << line;
  }
  EXPECT_EQ(rows, 3 * 9);

  const std::string md = slurp(files.md);
  EXPECT_NE(md.find("| 1 | synthetic/planted |"), std::string::npos) << md;
  EXPECT_NE(md.find("## synthetic"), std::string::npos);

  ASSERT_TRUE(files.gnuplot_ran) << "gnuplot missing or failed (tools/setup.sh installs gnuplot-nox); see "
                                 << (out / "figures").string() << "/*.gp.log";
  ASSERT_EQ(files.figures.size(), 1u);  // bars for the one benchmark (no Alice layers here)
  const std::string html = slurp(files.html);
  for (const fs::path& svg : files.figures) {
    const std::string rel = fs::relative(svg, out).string();
    EXPECT_NE(html.find("src=\"" + rel + "\""), std::string::npos) << rel;
    const std::string text = slurp(svg);
    EXPECT_NE(text.find("<svg"), std::string::npos);
    EXPECT_NE(text.find("</svg>"), std::string::npos) << "truncated SVG " << svg;
    EXPECT_NE(text.find("synthetic/planted"), std::string::npos) << "tick labels missing";
  }
  EXPECT_NE(html.find("<table>"), std::string::npos);
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

}  // namespace
