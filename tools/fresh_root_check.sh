#!/usr/bin/env bash
# Runs the README's two commands as a newcomer would: in a brand-new Debian 12 root
# (debootstrap --variant=minbase bookworm), with nothing installed and no Bazel cache, and
# times each. Needs root, debootstrap and network access to a Debian mirror.
#
#   tools/fresh_root_check.sh DIR [--tarball T] [--data D] [--test-only]
#
# DIR must not exist. --tarball T unpacks a saved pristine debootstrap root instead of running
# debootstrap (same result, minus the download). --data D is the data root bind-mounted
# read-only at ../shared/data next to the clone (default: $NEUROSCORE_DATA or ../shared/data).
# --test-only skips `tools/main.sh` (the suite then builds every artifact itself).
# The clone is of this repository's HEAD. Timings go to DIR/timings.tsv and standard output;
# the commands' logs to DIR/main.log and DIR/test.log.
set -euo pipefail

usage() {
  echo "usage: $0 DIR [--tarball T] [--data D] [--test-only]" >&2
  exit 2
}
(($# >= 1)) || usage
root="$1"
shift
tarball=""
data="${NEUROSCORE_DATA:-}"
test_only=0
while (($#)); do
  case "$1" in
    --tarball) tarball="${2:?--tarball needs a file}"; shift 2 ;;
    --data) data="${2:?--data needs a directory}"; shift 2 ;;
    --test-only) test_only=1; shift ;;
    *) echo "fresh_root_check.sh: unknown option '$1'" >&2; usage ;;
  esac
done

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[[ -n "$data" ]] || data="$repo/../shared/data"
data="$(realpath -e "$data")" || { echo "fresh_root_check.sh: no data root at '$data'" >&2; exit 1; }
if [[ $(id -u) -ne 0 ]]; then
  echo "fresh_root_check.sh: needs root (debootstrap, mount, chroot)" >&2
  exit 1
fi
if [[ -e "$root" ]]; then
  echo "fresh_root_check.sh: '$root' exists; the root must be brand-new" >&2
  exit 1
fi

mkdir -p "$root"
root="$(realpath "$root")"
if [[ -n "$tarball" ]]; then
  tar -C "$root" -xf "$tarball"
else
  command -v debootstrap >/dev/null || { echo "fresh_root_check.sh: debootstrap is not installed" >&2; exit 1; }
  debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
fi

mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -l "${mounts[i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() {  # bind SRC DEST [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
  if [[ "${3:-}" == ro ]]; then mount -o remount,bind,ro "$2"; fi
}
bind /proc "$root/proc"
bind /sys "$root/sys"
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
cp /etc/resolv.conf "$root/etc/resolv.conf"

git clone -q "$repo" "$root/work/main"
bind "$data" "$root/work/shared/data" ro

timings="$root/timings.tsv"
printf 'command\tseconds\texit\tcommit\n' >"$timings"
commit="$(git -C "$repo" rev-parse --short HEAD)"
run() {  # run NAME COMMAND
  local start end status
  start=$(date +%s)
  set +e
  chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 /bin/bash -c "cd /work/main && $2" >"$root/$1.log" 2>&1
  status=$?
  set -e
  end=$(date +%s)
  printf '%s\t%d\t%d\t%s\n' "$2" $((end - start)) "$status" "$commit" | tee -a "$timings"
  return $status
}
if ((test_only == 0)); then
  run main "bash tools/main.sh"
fi
run test "NEUROSCORE_REQUIRE_DATA=1 bash tools/test.sh"
