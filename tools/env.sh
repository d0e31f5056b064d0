# Sourced by tools/main.sh and tools/test.sh: the data root for tests and the main job.
# NEUROSCORE_DATA defaults to ../shared/data next to the repository, as an absolute path
# (tests run in Bazel's runfiles tree, where relative paths mean nothing).
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -z "${NEUROSCORE_DATA:-}" && -d "$repo_root/../shared/data" ]]; then
  NEUROSCORE_DATA="$(cd "$repo_root/../shared/data" && pwd)"
fi
export NEUROSCORE_DATA="${NEUROSCORE_DATA:-}"
cd "$repo_root"

# The feature artifacts of //reproductions/features read the data in a build action. By default
# they find ../shared/data next to the workspace themselves; a data root elsewhere is passed with
# --define (not --action_env, which would enter every action's cache key).
NEUROSCORE_BAZEL_FLAGS=()
if [[ -n "$NEUROSCORE_DATA" ]]; then
  default_data="$(realpath -m "$repo_root/../shared/data")"
  if [[ "$(realpath -m "$NEUROSCORE_DATA")" != "$default_data" ]]; then
    NEUROSCORE_BAZEL_FLAGS+=("--define=neuroscore_data=$(realpath -m "$NEUROSCORE_DATA")")
  fi
fi
