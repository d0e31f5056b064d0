# Sourced by tools/main.sh and tools/test.sh: the data root for tests and the main job.
# NEUROSCORE_DATA defaults to ../shared/data next to the repository, as an absolute path
# (tests run in Bazel's runfiles tree, where relative paths mean nothing).
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${NEUROSCORE_DATA:-}" && -d "$repo_root/../shared/data" ]]; then
  NEUROSCORE_DATA="$(cd "$repo_root/../shared/data" && pwd)"
fi
export NEUROSCORE_DATA="${NEUROSCORE_DATA:-}"
cd "$repo_root"
