#!/usr/bin/env bash
# Fuzzes every file parser (neuroscore::io and extract/) with libFuzzer (Debian clang, ASan + UBSan),
# outside Bazel.
#
# Usage: tools/fuzz.sh [SECONDS_PER_PARSER] [PARSER...]
#   SECONDS_PER_PARSER  budget for each parser (default 60)
#   PARSER              any of: text_matrix textgrid delimited npy nifti gifti (neuroscore/io/), safetensors
#                       llama2c_tokenizer llama2c_checkpoint gpt2_tokenizer hf_config (extract/);
#                       default: all nine
# Environment: FUZZ_OUT (default /tmp/neuroscore-fuzz) holds binaries, the grown corpora and crash
# files; FUZZ_JOBS (default 1) runs that many parallel fuzzing jobs per parser.
#
# Each entry point tests/{io,extract}/fuzz/<parser>_fuzz.cc is built (with the extract/ sources it
# needs) by
#   clang++ -fsanitize=fuzzer,address,undefined
# and run on a working corpus seeded from tests/{io,extract}/fuzz/corpus/<parser>/ (and
# tests/io/testdata/ for npy). The committed seed corpus is never modified. When a run finds a crash,
# the input is left as $FUZZ_OUT/<parser>/crash-*; copy it into the parser's committed corpus folder
# (so the Bazel replay test keeps checking it) once fixed. Exit status: 0 when no parser crashed, 1
# otherwise.
# Needs: tools/setup.sh --fuzz (clang, libclang-rt-14-dev) on top of tools/setup.sh.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-60}"
if [[ $# -gt 0 ]]; then shift; fi
parsers=("$@")
if [[ ${#parsers[@]} -eq 0 ]]; then
  parsers=(text_matrix textgrid delimited npy nifti gifti safetensors llama2c_tokenizer llama2c_checkpoint gpt2_tokenizer hf_config)
fi
out="${FUZZ_OUT:-/tmp/neuroscore-fuzz}"
jobs="${FUZZ_JOBS:-1}"

if ! command -v clang++ >/dev/null; then
  echo "fuzz.sh: clang++ not found; install it with: apt-get install -y clang libclang-rt-14-dev" >&2
  exit 2
fi

status=0
summary=()
for parser in "${parsers[@]}"; do
  # The extract/ parsers are compiled libraries: their sources (and libraries) go on the line.
  extra=()
  case "$parser" in
    text_matrix|textgrid|delimited|npy) tree=io ;;
    nifti|gifti) tree=io; extra=(-lz) ;;
    safetensors) tree=extract; extra=(extract/safetensors.cc) ;;
    llama2c_tokenizer) tree=extract; extra=(extract/llama2c_tokenizer.cc) ;;
    llama2c_checkpoint) tree=extract; extra=(extract/llama2c_checkpoint.cc extract/model_config.cc) ;;
    gpt2_tokenizer) tree=extract; extra=(extract/gpt2_tokenizer.cc -DPCRE2_CODE_UNIT_WIDTH=8 -lpcre2-8) ;;
    hf_config) tree=extract; extra=(extract/hf_config.cc extract/safetensors.cc extract/model_config.cc) ;;
    *) echo "fuzz.sh: unknown parser '$parser'" >&2; exit 2 ;;
  esac
  source_file="$root/tests/$tree/fuzz/${parser}_fuzz.cc"
  if [[ ! -f "$source_file" ]]; then
    echo "fuzz.sh: no entry point $source_file" >&2
    exit 2
  fi
  for i in "${!extra[@]}"; do
    if [[ "${extra[$i]}" == extract/* ]]; then extra[$i]="$root/${extra[$i]}"; fi
  done
  work="$out/$parser"
  mkdir -p "$work/corpus"
  binary="$work/${parser}_fuzz"
  echo "== building $parser"
  clang++ -std=c++17 -g -O1 -fno-omit-frame-pointer \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -DEIGEN_MPL2_ONLY -I"$root" -I/usr/include/eigen3 \
    "$source_file" "${extra[@]}" -o "$binary"

  seeds=("$root/tests/$tree/fuzz/corpus/$parser")
  if [[ "$parser" == npy ]]; then seeds+=("$root/tests/io/testdata"); fi
  if [[ "$parser" == nifti || "$parser" == gifti ]]; then seeds+=("$root/tests/io/testdata/$parser"); fi
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536
           -print_final_stats=1 -artifact_prefix="$work/")
  dict="$root/tests/$tree/fuzz/$parser.dict"
  if [[ -f "$dict" ]]; then options+=(-dict="$dict"); fi
  if [[ "$jobs" -gt 1 ]]; then options+=(-fork="$jobs"); fi

  echo "== fuzzing $parser for ${seconds}s (log: $work/fuzz.log)"
  rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*
  set +e
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$binary" "${options[@]}" "$work/corpus" "${seeds[@]}" >"$work/fuzz.log" 2>&1
  rc=$?
  set -e
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/fuzz.log" | grep -o '[0-9]*$' | tail -1)"
  coverage="$(grep -o 'cov: [0-9]*' "$work/fuzz.log" | tail -1)"
  artifacts="$(ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true)"
  if [[ $rc -ne 0 || -n "$artifacts" ]]; then
    status=1
    summary+=("$parser: FAILED (exit $rc) after ${runs:-?} runs; artifacts: ${artifacts:-none}; see $work/fuzz.log")
    tail -40 "$work/fuzz.log"
  else
    summary+=("$parser: ${runs:-?} runs in ${seconds}s, ${coverage:-cov: ?} edges, corpus $(ls "$work/corpus" | wc -l) files, no crash")
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"
