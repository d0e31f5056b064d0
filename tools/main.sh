#!/usr/bin/env bash
# The main job: installs what is missing, then runs the default leaderboard on the shipped data
# (stories260K trained + untrained: layers, attention, attributions; controls; on alice2016-roi,
# pereira2018-langnet, naturalstories-rt and a synthetic benchmark) and writes
# results/leaderboard.csv, results/leaderboard.md and results/report.html (SVG figures by gnuplot).
# Features and fits are cached in results/.cache: a second run is fast. Extra arguments go to
# `neuroscore leaderboard` (see --help).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash tools/setup.sh
bazel run --config=opt //benchmarks/cli:neuroscore -- leaderboard "$@"
