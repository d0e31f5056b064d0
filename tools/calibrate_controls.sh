#!/usr/bin/env bash
# Size and power of every claim's simulated controls over N seeds (issue 13.8): runs each claim
# test's ControlCalibration case (reproductions/calibration.hpp) with NEUROSCORE_CONTROL_SEEDS=N
# and collects the rate lines into results/control_calibration.tsv.
#   bash tools/calibrate_controls.sh [N=100] [bazel target patterns...]
# NEUROSCORE_CONTROL_FIRST_SEED=K (default 1) starts at seed offset K, to split a long
# calibration over processes or machines and add the counts.
# Not part of the suite (the suite runs the fixed-seed controls only). Cost on 2 cores, N = 100:
# see reproductions/CLAIMS.md (control_calibration) for the measured rates and times.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
seeds="${1:-100}"
shift || true
if ! [[ "$seeds" =~ ^[1-9][0-9]*$ ]]; then
  echo "calibrate_controls.sh: N must be a positive integer, got '$seeds'" >&2
  exit 2
fi
targets=("$@")
((${#targets[@]})) || targets=(//reproductions/...)
bash tools/setup.sh
mkdir -p results
stamp=results/.calibration_started
touch "$stamp"
bazel test "${NEUROSCORE_BAZEL_FLAGS[@]}" --test_env=NEUROSCORE_CONTROL_SEEDS="$seeds" \
  --test_env=NEUROSCORE_CONTROL_FIRST_SEED="${NEUROSCORE_CONTROL_FIRST_SEED:-1}" \
  --test_filter='*ControlCalibration*' --test_timeout=14400 --nocache_test_results --test_output=errors \
  "${targets[@]}" || status=$?
out=results/control_calibration.tsv
printf 'claim\tcontrol\tdetected/runs\trate\tci95\n' > "$out"
# Only the logs this run wrote (older ones belong to tests it did not run).
for log in bazel-testlogs/reproductions/*/*_test/test.log; do
  [[ "$log" -nt "$stamp" ]] || continue
  grep -h $'^calibration\t' "$log" | cut -f2- >> "$out" || true
done
echo "calibrate_controls.sh: $(($(wc -l < "$out") - 1)) control rates over $seeds seeds -> $out" >&2
exit "${status:-0}"
