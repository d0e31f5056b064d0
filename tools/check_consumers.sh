#!/usr/bin/env bash
# Installs the header-only library into an empty temporary prefix and builds and runs the three
# example consumers (examples/README.md), each printing the line of examples/analysis.cc, which
# must equal examples/expected.txt to the last character:
#   CMake       examples/cmake: find_package(neuroscore COMPONENTS io) on the prefix; also runs
#               examples/io_roundtrip.cc (neuroscore::io), checked against examples/expected_io.txt
#   pkg-config  g++ -std=c++17 $(pkg-config --cflags neuroscore) examples/analysis.cc, and
#               io_roundtrip.cc with neuroscore-io's --cflags --libs
#   Bazel       examples/bazel: local_repository to this checkout, its own output base under /tmp
#               (NEUROSCORE_CONSUMER_OUTPUT_BASE), the project's disk cache
#               (NEUROSCORE_CONSUMER_DISK_CACHE, default ~/.cache/neuroscore/bazel-disk)
# The CMake and pkg-config builds run side by side with the Bazel one. Exit status 1 when any
# consumer fails to build or prints something else; its log is printed.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

work="$(mktemp -d "${TMPDIR:-/tmp}/neuroscore-consumers.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
mkdir "$prefix"  # empty: everything the consumers find of neuroscore comes from the install below
expected="$(cat examples/expected.txt)"
expected_io="$(cat examples/expected_io.txt)"
failed=0

fail() {  # fail NAME LOG MESSAGE
  echo "check_consumers: $1: $3 (log follows)" >&2
  cat "$2" >&2
  failed=1
}

# Compares what a consumer printed with the expected line.
check_output() {  # check_output NAME ACTUAL EXPECTED LOG
  if [[ "$2" == "$3" ]]; then
    echo "check_consumers: $1: $2"
  else
    fail "$1" "$4" "printed '$2', expected '$3'"
  fi
}

# 1. The install: headers only, the CMake package and the pkg-config files.
if ! { cmake -S . -B "$work/install-build" -DCMAKE_INSTALL_PREFIX="$prefix" &&
       cmake --install "$work/install-build"; } >"$work/install.log" 2>&1; then
  fail install "$work/install.log" "cmake install failed"
  exit 1
fi
installed="$(cd "$prefix/include" && find . -type f | sed 's|^\./||' | sort)"
library="$(find neuroscore -name '*.hpp' | sort)"
if [[ "$installed" != "$library" ]]; then
  diff <(echo "$library") <(echo "$installed") >"$work/install.diff" || true
  fail install "$work/install.diff" "the installed files under include/ are not the library's headers (neuroscore/**/*.hpp)"
fi

# 2. CMake and pkg-config consumers, in the background.
(
  build="$work/cmake-build"
  cmake -S examples/cmake -B "$build" -DCMAKE_PREFIX_PATH="$prefix" &&
    grep -qx "neuroscore_DIR:PATH=$prefix/share/neuroscore/cmake" "$build/CMakeCache.txt" &&
    cmake --build "$build" &&
    "$build/analysis" >"$work/cmake.out" &&
    mkdir "$work/cmake-io" && "$build/io_roundtrip" "$work/cmake-io" >"$work/cmake_io.out"
) >"$work/cmake.log" 2>&1 &
cmake_pid=$!
(
  export PKG_CONFIG_PATH="$prefix/share/pkgconfig"
  set -x
  g++ -std=c++17 $(pkg-config --cflags neuroscore) examples/analysis.cc -o "$work/analysis_pc" &&
    g++ -std=c++17 $(pkg-config --cflags neuroscore-io) examples/io_roundtrip.cc \
      $(pkg-config --libs neuroscore-io) -o "$work/io_roundtrip_pc" &&
    "$work/analysis_pc" >"$work/pkgconfig.out" &&
    mkdir "$work/pkgconfig-io" && "$work/io_roundtrip_pc" "$work/pkgconfig-io" >"$work/pkgconfig_io.out"
) >"$work/pkgconfig.log" 2>&1 &
pkgconfig_pid=$!

# 3. The Bazel consumer, in the foreground. Its output base is per checkout (a Bazel output
# base belongs to one workspace); the server exits after 5 idle minutes.
output_base="${NEUROSCORE_CONSUMER_OUTPUT_BASE:-/tmp/neuroscore-consumer-bazel-$(id -u)/$(echo "$repo_root" | md5sum | cut -c1-12)}"
disk_cache="${NEUROSCORE_CONSUMER_DISK_CACHE:-$HOME/.cache/neuroscore/bazel-disk}"
if (cd examples/bazel &&
    bazel --output_base="$output_base" --max_idle_secs=300 run --symlink_prefix=/ \
      --disk_cache="$disk_cache" //:analysis) >"$work/bazel.out" 2>"$work/bazel.log"; then
  check_output bazel "$(cat "$work/bazel.out")" "$expected" "$work/bazel.log"
else
  fail bazel "$work/bazel.log" "build or run failed"
fi

if wait "$cmake_pid"; then
  check_output cmake "$(cat "$work/cmake.out")" "$expected" "$work/cmake.log"
  check_output cmake-io "$(cat "$work/cmake_io.out")" "$expected_io" "$work/cmake.log"
else
  fail cmake "$work/cmake.log" "configure, build or run failed"
fi
if wait "$pkgconfig_pid"; then
  check_output pkg-config "$(cat "$work/pkgconfig.out")" "$expected" "$work/pkgconfig.log"
  check_output pkg-config-io "$(cat "$work/pkgconfig_io.out")" "$expected_io" "$work/pkgconfig.log"
else
  fail pkg-config "$work/pkgconfig.log" "build or run failed"
fi
exit "$failed"
