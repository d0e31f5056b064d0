#!/bin/bash
# Runs score_mpi_test (gtest, every test collective) under `mpirun -np 2`, then the real
# neuroscore_mpi binary: two ranks print the one-process table, and a bad input on every rank ends
# the run with one error per rank and a non-zero status instead of a hang.
set -euo pipefail
test_binary=$1
cli=$2
# Root in containers and CI; Open MPI keeps its session files under TMPDIR.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export TMPDIR="${TEST_TMPDIR:-/tmp}"
# gtest on each rank would try to remove the one premature-exit marker.
unset TEST_PREMATURE_EXIT_FILE
# Two ranks on however many cores the machine has, shared memory between them, no network probing.
mpi=("$MPIRUN" --oversubscribe --mca btl self,vader --mca btl_vader_single_copy_mechanism none)

"${mpi[@]}" -np 2 "$test_binary"

work="$TEST_TMPDIR/cli"
mkdir -p "$work"
cp "$TEST_TMPDIR/score_mpi/x.npy" "$TEST_TMPDIR/score_mpi/y.npy" "$work/"
cd "$work"
"${mpi[@]}" -np 1 "$OLDPWD/$cli" score --features x.npy --responses y.npy --null 50 --bootstrap 20 --out one.csv > one.txt 2> one.err
"${mpi[@]}" -np 2 "$OLDPWD/$cli" score --features x.npy --responses y.npy --null 50 --bootstrap 20 --out two.csv > two.txt 2> two.err
cmp one.csv two.csv
cmp one.txt two.txt
grep -q "score rank 1/2: 18/18 targets (19..36 of 37)" two.err || { echo "no progress line of rank 1:"; cat two.err; exit 1; }
if grep -q "score rank" one.err; then echo "the one-process run ran on several ranks:"; cat one.err; exit 1; fi

status=0
timeout 120 "${mpi[@]}" -np 2 "$OLDPWD/$cli" score --features x.npy --responses missing.npy > bad.txt 2> bad.err || status=$?
if [ "$status" -eq 0 ] || [ "$status" -eq 124 ]; then
  echo "a missing --responses file gave status $status (0: no error; 124: hung)"; cat bad.err; exit 1
fi
grep -q "error: --responses missing.npy: file not found" bad.err || { echo "no clear error:"; cat bad.err; exit 1; }
echo "PASS: mpirun -np 2 equals one process; a bad input stops every rank"
