// neuroscore/data_root.hpp: where the real datasets live.
// Entry point: data_root() -> the directory named by NEUROSCORE_DATA, else ../shared/data.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace neuroscore {

// Resolution order:
//   1. the environment variable NEUROSCORE_DATA (must name an existing directory);
//   2. `../shared/data` next to the workspace root, where the workspace root is
//      BUILD_WORKSPACE_DIRECTORY (set by `bazel run`) or the first ancestor of the current
//      directory holding a WORKSPACE file.
// Returns std::nullopt when neither exists; data_root() turns that into an error.
inline std::optional<std::filesystem::path> find_data_root() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("NEUROSCORE_DATA"); env != nullptr && *env != '\0') {
    const fs::path root(env);
    if (!fs::is_directory(root)) {
      throw std::runtime_error("NEUROSCORE_DATA=" + root.string() +
                               " is not a directory (see third_party/data/fetch_data.sh)");
    }
    return root;
  }
  std::error_code ec;
  fs::path workspace;
  if (const char* bwd = std::getenv("BUILD_WORKSPACE_DIRECTORY"); bwd != nullptr && *bwd) {
    workspace = bwd;
  } else {
    for (fs::path dir = fs::current_path(ec); !ec && !dir.empty(); dir = dir.parent_path()) {
      if (fs::exists(dir / "WORKSPACE", ec)) {
        workspace = dir;
        break;
      }
      if (dir == dir.root_path()) break;
    }
  }
  if (workspace.empty()) return std::nullopt;
  const fs::path candidate = workspace / ".." / "shared" / "data";
  if (fs::is_directory(candidate, ec)) return fs::weakly_canonical(candidate, ec);
  return std::nullopt;
}

inline std::filesystem::path data_root() {
  if (auto root = find_data_root()) return *root;
  throw std::runtime_error(
      "no data directory: set NEUROSCORE_DATA to the data root, or fetch the data with "
      "third_party/data/fetch_data.sh into ../shared/data next to the workspace");
}

// The directory of one dataset (e.g. "alice_brennan2016") under `root`; a clear error
// naming the path when it is missing.
inline std::filesystem::path dataset_dir(const std::filesystem::path& root,
                                         std::string_view dataset) {
  const std::filesystem::path dir = root / std::string(dataset);
  if (!std::filesystem::is_directory(dir)) {
    throw std::runtime_error(dir.string() + ": dataset directory not found (data root " +
                             root.string() + "; see third_party/data/fetch_data.sh)");
  }
  return dir;
}

}  // namespace neuroscore
