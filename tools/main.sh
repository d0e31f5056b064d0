#!/usr/bin/env bash
# The main job: installs what is missing, then runs the first real analysis on the shipped
# data (word rate -> Alice fMRI ROIs) and writes results/*.csv. Extra arguments go to it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash tools/setup.sh
bazel run --config=opt //benchmarks:neuroscore -- alice-word-rate "$@"
