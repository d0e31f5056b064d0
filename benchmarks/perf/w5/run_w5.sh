#!/bin/bash
# W5 (issue 15): whole-brain scale. `neuroscore score` on simulated responses of 3000 samples x
# 768 features (benchmarks/perf/w5/make_w5_data.py), 5 contiguous folds, 17 alphas logspace(-2, 6),
# the ridge in float (--float), no null and no bootstrap (the ridge fit is the part that grows
# with targets; the null multiplies it, see docs/whole_brain_cost.md), targets streamed from a
# float32 .npy under a memory budget, in one process and under `mpirun -np 2`.
# Prints one line per run: targets, processes, wall seconds, targets/s, peak RSS per process, and
# the largest difference from the one-process r.
#
#   bash benchmarks/perf/w5/run_w5.sh [TARGETS...]     (default: 20000 100000; 300000 takes about 3.6 GB of disk)
# Environment: W5_DIR (data and results, default /tmp/neuroscore-w5), W5_BUDGET (per process,
# default 2G), OPENBLAS_NUM_THREADS (default 1: one core per process, so that one process and two
# ranks use the cores alike; set 2 to let one process use both cores).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${W5_DIR:-/tmp/neuroscore-w5}
budget=${W5_BUDGET:-2G}
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(20000 100000)
mkdir -p "$dir"
(cd "$root" && bazel build --config=opt //benchmarks/cli:neuroscore //benchmarks/cli:neuroscore_mpi >&2)
# Copies: a later `bazel build` in another configuration re-points bazel-bin under a running W5.
bin="$dir/bin"
mkdir -p "$bin"
cp -f "$root/bazel-bin/benchmarks/cli/neuroscore" "$root/bazel-bin/benchmarks/cli/neuroscore_mpi" "$bin/"
alphas=$(/usr/bin/python3 -c 'print(",".join("%g" % 10 ** (-2 + 0.5 * i) for i in range(17)))')
common=(--features "$dir/x.npy" --null 0 --bootstrap 0 --float --alphas "$alphas" --memory-budget "$budget")
mpi=(mpirun -np 2 --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)
echo "W5: 3000 x 768, 5 folds, 17 alphas, float, budget $budget per process, OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS ($(nproc) cores)"
printf "%8s %9s %9s %10s %24s %14s\n" targets processes seconds targets/s "peak RSS MiB (per proc)" "max |dr| vs 1"
for t in "${targets[@]}"; do
  [ -f "$dir/y_$t.npy" ] || /usr/bin/python3 "$root/benchmarks/perf/w5/make_w5_data.py" "$dir" "$t"
  for np in 1 2; do
    log="$dir/w5_${t}_np$np.log"
    start=$(date +%s.%N)
    if [ "$np" -eq 1 ]; then
      "$bin/neuroscore" score "${common[@]}" --responses "$dir/y_$t.npy" --out "$dir/w5_${t}_np1.csv" > /dev/null 2> "$log"
    else
      "${mpi[@]}" "$bin/neuroscore_mpi" score "${common[@]}" --responses "$dir/y_$t.npy" --out "$dir/w5_${t}_np2.csv" > /dev/null 2> "$log"
    fi
    end=$(date +%s.%N)
    rss=$(grep -o "peak RSS [0-9.]* MiB" "$log" | awk '{printf "%s%s", sep, $3; sep="/"}' || true)
    diff=$(/usr/bin/python3 - "$dir/w5_${t}_np1.csv" "$dir/w5_${t}_np$np.csv" <<'PY'
import sys
a = [l.split(",")[1] for l in open(sys.argv[1]).read().split("\n")[1:] if l]
b = [l.split(",")[1] for l in open(sys.argv[2]).read().split("\n")[1:] if l]
print("%.1e" % max(abs(float(x) - float(y)) for x, y in zip(a, b)) if len(a) == len(b) else "rows differ")
PY
)
    awk -v t="$t" -v np="$np" -v s="$start" -v e="$end" -v rss="$rss" -v d="$diff" \
      'BEGIN { printf "%8d %9d %9.1f %10.1f %24s %14s\n", t, np, e - s, t / (e - s), rss, d }'
  done
done
