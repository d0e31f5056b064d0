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
  // The resampling sentence comes from the benchmark (4 subjects x blocks here), and the
  // '+controls' rows are defined where they appear.
  EXPECT_NE(md.find("CI: 95% percentile bootstrap over 4 subjects x blocks of " + std::to_string(syn.benchmark.block.samples) +
                    " consecutive rows (drawn with replacement), both drawn."),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("'–' in mean normalized: none of the method's benchmarks has a ceiling."), std::string::npos);
  nb::Benchmark grouped = syn.benchmark;
  grouped.name = "grouped";
  grouped.target_subject.assign(grouped.target_subject.size(), 0);
  grouped.bootstrap_groups.assign(static_cast<std::size_t>(grouped.responses.rows()), 0);
  for (std::size_t i = 0; i < grouped.bootstrap_groups.size(); ++i) grouped.bootstrap_groups[i] = static_cast<int>(i / 30);
  nb::ReportInputs g;
  g.benchmarks.push_back(&grouped);
  nb::MethodScore plus = in.scores.front();
  plus.benchmark = "grouped";
  plus.method = "trained/activations_block_2+controls";
  plus.family = "model+controls";
  g.scores.push_back(plus);
  const std::string gmd = nb::leaderboard_markdown(g);
  EXPECT_NE(gmd.find("CI: 95% percentile bootstrap over its 10 groups (whole groups of rows drawn with replacement)."), std::string::npos) << gmd;
  EXPECT_NE(gmd.find("A row ending in '+controls' is the model's middle layer"), std::string::npos);
  EXPECT_EQ(md.find("A row ending in '+controls'"), std::string::npos);  // none in the synthetic benchmark

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
