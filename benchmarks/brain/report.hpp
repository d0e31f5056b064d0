// benchmarks/brain/report.hpp: leaderboard outputs: tidy leaderboard.csv, leaderboard.md, and
// report.html with SVG figures drawn by gnuplot. Entry point: write_report(inputs, out_dir).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/signed_effects.hpp"

namespace neuroscore::benchmarks {

struct ReportInputs {
  std::vector<MethodScore> scores;         // every (benchmark, method), ranked within benchmark
  std::vector<MethodScore> shuffled;       // the shuffled-split control on Alice (may be empty)
  std::vector<MethodScore> gap_sensitivity;  // Alice with purge gaps 10 and 20 (may be empty)
  std::vector<const Benchmark*> benchmarks;
  std::string run_note;                    // models, options, cache, timing
  std::vector<SignedEffect> effects;       // word-level benchmarks' signed effects (may be empty)
  std::vector<MethodScore> position_checks;  // word rows: position-only controls (may be empty)
};

struct ReportFiles {
  std::filesystem::path csv, md, html;
  std::filesystem::path effects_csv;  // signed_effects.csv, or empty
  std::vector<std::filesystem::path> figures;  // SVGs written by gnuplot
  bool gnuplot_ran = false;
};

// For each benchmark of `checks` (position-only controls), a one-line warning per check whose raw r
// reaches at least half of the best ranked method's raw r of that benchmark in `scores` (when that
// r is positive): its rows are partly predictable from their position alone.
std::vector<std::string> position_check_warnings(const std::vector<MethodScore>& scores, const std::vector<MethodScore>& checks);

// Tidy CSV: one row per method x benchmark x region x metric.
void write_leaderboard_csv(const std::filesystem::path& path, const std::vector<MethodScore>& scores,
                           const std::string& split);

// leaderboard.md: the run note, the aggregate, one table per benchmark (and per region), the
// shuffled-split control and the purge-gap check.
std::string leaderboard_markdown(const ReportInputs& in);

// Figures (gnuplot, SVG): leaderboard bars with CIs per benchmark, layer-wise curves per ROI per
// model, attribution vs activation per ROI, shuffled vs contiguous. Data and scripts are kept
// next to the SVGs (figures/*.dat, *.gp) so every figure can be redrawn.
std::vector<std::filesystem::path> draw_figures(const ReportInputs& in, const std::filesystem::path& dir,
                                                bool* ran);

// A minimal Markdown-table-to-HTML rendering of leaderboard_markdown plus the figures.
std::string report_html(const std::string& markdown, const std::vector<std::filesystem::path>& figures,
                        const std::filesystem::path& out_dir);

// Writes out_dir/leaderboard.csv (the shuffled control, the gap check and the position-only checks
// under their own split labels), leaderboard.md, figures/ and report.html; signed_effects.csv when there are effects.
ReportFiles write_report(const ReportInputs& in, const std::filesystem::path& out_dir);

}  // namespace neuroscore::benchmarks
