#!/usr/bin/env bash
# Fetches (or, with --check, only verifies) neuroscore's public test data.
# Entry point: fetch_data.sh [--check] [DEST]; every file is listed in manifest.tsv.
#
# The data is never committed to this repository. manifest.tsv (next to this
# script) lists, per file, its path under DEST, its sha256, its size in bytes and
# the URL of the original public file. A row whose url is "-" has no public
# source (a note written by this project); it is verified when present but
# cannot be downloaded.
#
# DEST defaults to $NEUROSCORE_DATA, else ../shared/data relative to the
# repository root.
#
# Exit status: 0 if every file is present and verified, 1 if any file failed,
# 2 on a usage or manifest error.

set -euo pipefail

script_dir="$(cd "$(dirname "$0")" && pwd)"
repo_root="$(cd "$(dirname "$0")/../.." && pwd)"
manifest="${script_dir}/manifest.tsv"

usage() {
  cat <<EOF
usage: $(basename "$0") [--check] [DEST]

Downloads every file listed in ${manifest}
into DEST, verifying sha256 and size. Files already present with the right
sha256 are skipped.

  --check     only verify files already in DEST; download nothing
  -h, --help  show this help

DEST defaults to \$NEUROSCORE_DATA, else ${repo_root}/../shared/data
EOF
}

check_only=0
dest=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --check) check_only=1 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -*) echo "error: unknown option: $1" >&2; usage >&2; exit 2 ;;
    *)
      if [ -n "${dest}" ]; then
        echo "error: more than one DEST given: ${dest} and $1" >&2
        exit 2
      fi
      dest="$1"
      ;;
  esac
  shift
done
if [ "$#" -gt 0 ]; then
  if [ -n "${dest}" ] || [ "$#" -gt 1 ]; then
    echo "error: more than one DEST given" >&2
    exit 2
  fi
  dest="$1"
fi
if [ -z "${dest}" ]; then
  dest="${NEUROSCORE_DATA:-${repo_root}/../shared/data}"
fi

if [ ! -f "${manifest}" ]; then
  echo "error: manifest not found: ${manifest}" >&2
  exit 2
fi

# --- tools ------------------------------------------------------------------

if command -v sha256sum >/dev/null 2>&1; then
  sha256_of() { sha256sum -- "$1" | cut -d' ' -f1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256_of() { shasum -a 256 -- "$1" | cut -d' ' -f1; }
else
  echo "error: need sha256sum or shasum to verify files" >&2
  exit 2
fi

size_of() { wc -c < "$1" | tr -d ' '; }

downloader=""
if [ "${check_only}" -eq 0 ]; then
  if command -v curl >/dev/null 2>&1; then
    downloader="curl"
  elif command -v wget >/dev/null 2>&1; then
    downloader="wget"
  else
    echo "error: need curl or wget to download (or use --check)" >&2
    exit 2
  fi
fi

# download URL OUT: writes the body of URL to OUT; non-zero on any failure.
download() {
  if [ "${downloader}" = "curl" ]; then
    curl --fail --location --silent --show-error \
      --retry 3 --connect-timeout 30 --output "$2" -- "$1"
  else
    wget --quiet --tries=3 --timeout=30 --output-document="$2" -- "$1"
  fi
}

# --- destination --------------------------------------------------------------

if [ "${check_only}" -eq 1 ]; then
  if [ ! -d "${dest}" ]; then
    echo "error: DEST is not a directory: ${dest}" >&2
    exit 2
  fi
else
  mkdir -p -- "${dest}"
fi
dest="$(cd "${dest}" && pwd)"

tmp_file=""
cleanup() { if [ -n "${tmp_file}" ]; then rm -f -- "${tmp_file}"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- manifest -----------------------------------------------------------------

header="$(head -n 1 "${manifest}")"
if [ "${header}" != "$(printf 'path\tsha256\tbytes\turl')" ]; then
  echo "error: unexpected manifest header in ${manifest}: ${header}" >&2
  exit 2
fi
total="$(tail -n +2 "${manifest}" | grep -c . || true)"

# Report lists: one entry per line.
failures=""
skipped=""
n_ok=0
n_downloaded=0
n_failed=0
n_skipped=0
i=0

fail() {  # fail PATH REASON
  n_failed=$((n_failed + 1))
  failures="${failures}  $1: $2"$'\n'
  printf '[%d/%d] FAILED   %s: %s\n' "${i}" "${total}" "$1" "$2"
}

mode="fetch"
if [ "${check_only}" -eq 1 ]; then mode="check"; fi
echo "neuroscore data ${mode}: ${total} files, DEST=${dest}"

while IFS=$'\t' read -r path sha bytes url extra <&3 || [ -n "${path:-}" ]; do
  if [ -z "${path}" ]; then continue; fi
  i=$((i + 1))

  # Validate the row before touching the file system.
  if [ -n "${extra:-}" ] || [ -z "${url}" ]; then
    fail "${path}" "malformed manifest row (want 4 tab-separated fields)"
    continue
  fi
  case "${path}" in
    /*|../*|*/../*|*/..|..)
      fail "${path}" "unsafe path in manifest"
      continue
      ;;
  esac
  if ! [[ "${sha}" =~ ^[0-9a-f]{64}$ ]] || ! [[ "${bytes}" =~ ^[0-9]+$ ]]; then
    fail "${path}" "malformed sha256 or size in manifest"
    continue
  fi

  target="${dest}/${path}"

  # Present already: verify.
  if [ -f "${target}" ]; then
    if ! got_sha="$(sha256_of "${target}")"; then
      fail "${path}" "cannot read ${target}"
      continue
    fi
    if [ "${got_sha}" = "${sha}" ]; then
      n_ok=$((n_ok + 1))
      printf '[%d/%d] ok       %s\n' "${i}" "${total}" "${path}"
      continue
    fi
    got_bytes="$(size_of "${target}")"
    reason="sha256 mismatch expected ${sha} got ${got_sha} (size expected ${bytes} got ${got_bytes})"
    if [ "${check_only}" -eq 1 ] || [ "${url}" = "-" ]; then
      fail "${path}" "${reason}"
      continue
    fi
    printf '[%d/%d] replace  %s: %s\n' "${i}" "${total}" "${path}" "${reason}"
  elif [ -e "${target}" ]; then
    fail "${path}" "exists but is not a regular file"
    continue
  elif [ "${url}" = "-" ]; then
    # Written by this project, not public: nothing to download.
    n_skipped=$((n_skipped + 1))
    skipped="${skipped}  ${path}"$'\n'
    printf '[%d/%d] skipped  %s: missing, and it has no public URL\n' \
      "${i}" "${total}" "${path}"
    continue
  elif [ "${check_only}" -eq 1 ]; then
    fail "${path}" "missing"
    continue
  fi

  # Download into a temporary file next to the target, verify, then move.
  target_dir="$(dirname "${target}")"
  if ! mkdir -p -- "${target_dir}"; then
    fail "${path}" "cannot create directory ${target_dir}"
    continue
  fi
  if ! tmp_file="$(mktemp "${target_dir}/.$(basename "${path}").XXXXXX")"; then
    tmp_file=""
    fail "${path}" "cannot create a temporary file in ${target_dir}"
    continue
  fi
  if ! download "${url}" "${tmp_file}"; then
    rm -f -- "${tmp_file}"; tmp_file=""
    fail "${path}" "download failed from ${url}"
    continue
  fi
  got_sha="$(sha256_of "${tmp_file}")"
  got_bytes="$(size_of "${tmp_file}")"
  if [ "${got_sha}" != "${sha}" ]; then
    rm -f -- "${tmp_file}"; tmp_file=""
    fail "${path}" "sha256 mismatch expected ${sha} got ${got_sha} (size expected ${bytes} got ${got_bytes}) from ${url}"
    continue
  fi
  if [ "${got_bytes}" != "${bytes}" ]; then
    rm -f -- "${tmp_file}"; tmp_file=""
    fail "${path}" "size mismatch expected ${bytes} got ${got_bytes} from ${url}"
    continue
  fi
  chmod 0644 "${tmp_file}"
  if ! mv -f -- "${tmp_file}" "${target}"; then
    rm -f -- "${tmp_file}"; tmp_file=""
    fail "${path}" "cannot move download into place at ${target}"
    continue
  fi
  tmp_file=""
  n_downloaded=$((n_downloaded + 1))
  printf '[%d/%d] fetched  %s\n' "${i}" "${total}" "${path}"
done 3< <(tail -n +2 "${manifest}")

# --- summary ------------------------------------------------------------------

echo
echo "summary: ${i} files: ${n_ok} verified, ${n_downloaded} downloaded," \
  "${n_skipped} skipped (no public URL), ${n_failed} failed"
if [ "${n_skipped}" -gt 0 ]; then
  echo "skipped (project-written files with no public source):"
  printf '%s' "${skipped}"
fi
if [ "${n_failed}" -gt 0 ]; then
  echo "FAILED:"
  printf '%s' "${failures}"
  exit 1
fi
echo "all files verified in ${dest}"
