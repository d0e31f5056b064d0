#!/usr/bin/env bash
# Installs exactly the Debian 12 packages neuroscore needs. Idempotent: when everything is
# present it only checks (well under a second) and installs nothing.
#   tools/setup.sh           build, test and run
#   tools/setup.sh --golden  also python3-statsmodels/torch, for the scripts that regenerate
#                            golden test values (numpy, scipy and sklearn are always installed: the
#                            Python bindings' tests use them)
#   tools/setup.sh --fuzz    also clang and its libFuzzer runtime, for tools/fuzz.sh
set -euo pipefail

packages=(
  bazel-bootstrap       # Bazel 4.2.3
  bazel-rules-java      # rules_java for Bazel 4 offline
  g++                   # the C++ toolchain Bazel auto-configures
  libeigen3-dev         # Eigen 3.4
  libboost-math-dev     # Boost.Math 1.74
  librange-v3-dev       # range-v3 0.12
  libtorch-dev          # libtorch 1.13.1, CPU
  libgtest-dev          # GoogleTest 1.12
  libgmock-dev          # GoogleMock 1.12
  libbenchmark-dev      # Google Benchmark 1.7
  nlohmann-json3-dev    # nlohmann-json 3.11
  libsentencepiece-dev  # SentencePiece
  libpcre2-dev          # PCRE2 (GPT-2 byte-level BPE pre-tokenization)
  libopenblas-dev       # OpenBLAS (CBLAS)
  ca-certificates       # HTTPS for third_party/data/fetch_data.sh
  curl                  # third_party/data/fetch_data.sh
  gnuplot-nox           # SVG figures of the leaderboard report (benchmarks/brain/report.hpp)
  zlib1g-dev            # gzip of .nii.gz images (neuroscore/io/nifti.hpp)
  python3-nibabel       # tests: the NIfTI maps neuroscore writes open in nibabel
  libhdf5-dev           # HDF5 datasets (neuroscore/io/hdf5.hpp)
  libicu-dev            # ICU 72: word length in graphemes, case-folded frequency keys (neuroscore/datasets/unicode.hpp)
  python3-h5py          # tests: the HDF5 files neuroscore writes open in h5py
  libopenmpi-dev        # Open MPI: the optional neuroscore_mpi build (targets over ranks)
  openmpi-bin           # mpirun, for the MPI test (tests/benchmarks:score_mpi_test)
  python3-dev           # the Python bindings (//python:neuroscore): Python's C API headers
  pybind11-dev          # pybind11 2.10, header-only
  python3-numpy         # the bindings' arrays
  python3-pytest        # bazel test //python/...
  python3-sklearn       # tests: neuroscore's estimators and splitters inside scikit-learn
  python3-scipy         # tests: independent reference values for the bindings
  cmake                 # tools/check_consumers.sh: installs the headers (CMakeLists.txt), builds examples/cmake
  pkgconf               # pkg-config: the consumer built from neuroscore.pc (tools/check_consumers.sh)
)
for arg in "$@"; do
  case "$arg" in
    --golden) packages+=(python3 python3-statsmodels python3-torch) ;;
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "setup.sh: unknown option '$arg' (use --golden or --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "setup.sh: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "setup.sh: installing packages needs root (run as root, or: sudo $0 $*)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
