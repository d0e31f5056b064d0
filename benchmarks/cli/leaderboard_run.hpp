// benchmarks/cli/leaderboard_run.hpp: `neuroscore leaderboard`: builds the registered benchmarks the
// request names (leaderboard_registry.hpp; the built-ins are under benchmarks/brain/builtin/) with
// their methods (language-model features through the cached extract pipeline), fits with a
// result cache, ranks, aggregates and writes the report. Declarations; the arguments are parsed in
// leaderboard_args.cc, the run is leaderboard_run.cc.
// Entry points: parse_leaderboard_args, run_leaderboard, leaderboard_usage.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/report.hpp"

namespace neuroscore::benchmarks {

// The help text, with the registered benchmarks as "name: summary" lines.
std::string leaderboard_usage();

struct LeaderboardRun {
  std::vector<MethodScore> scores, shuffled;
  std::vector<MethodScore> gap_sensitivity;  // Alice with purge gaps 10 and 20 (the benchmark itself: 4)
  std::vector<MethodScore> position_checks;  // word rows: position-only controls (BuiltBenchmark::position_checks)
  ReportFiles files;
  int fits_cached = 0, fits_computed = 0, extracts_cached = 0, extracts_computed = 0;
  double seconds = 0.0;
};

// `neuroscore leaderboard ARGS` as a request; sets *help on -h/--help. Errors:
// std::invalid_argument naming the flag or the unknown benchmark, method family or model.
LeaderboardRequest parse_leaderboard_args(const std::vector<std::string>& args, bool* help);

// Builds, fits (with the fit cache under OUT/.cache), ranks and reports the request's benchmarks;
// progress goes to `log`.
LeaderboardRun run_leaderboard(const LeaderboardRequest& req, std::ostream& log);

}  // namespace neuroscore::benchmarks
