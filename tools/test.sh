#!/usr/bin/env bash
# Every test: installs what is missing, then `bazel test //...`. Extra arguments go to
# bazel test (e.g. --config=asan, or a narrower pattern after --).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
bash tools/setup.sh
if [[ -z "$NEUROSCORE_DATA" ]]; then
  echo "test.sh: no data root (NEUROSCORE_DATA unset, no ../shared/data): tests that need real data will skip" >&2
fi
bazel test "${NEUROSCORE_BAZEL_FLAGS[@]}" "$@" //...
