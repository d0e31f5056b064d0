#!/usr/bin/env bash
# Every test: installs what is missing, then `bazel test //...`, then the library's three
# example consumers against an empty install prefix (tools/check_consumers.sh). Extra arguments
# go to bazel test (e.g. --config=asan, or a narrower pattern after --); with them, the
# consumers are left out (run tools/check_consumers.sh alone).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash tools/setup.sh
if [[ -z "$NEUROSCORE_DATA" ]]; then
  echo "test.sh: no data root (NEUROSCORE_DATA unset, no ../shared/data): tests that need real data will skip" >&2
fi
bazel test "${NEUROSCORE_BAZEL_FLAGS[@]}" "$@" //...
if (($# == 0)); then
  bash tools/check_consumers.sh
fi
