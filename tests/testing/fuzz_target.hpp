// Shared rule of the neuroscore::io fuzz entry points: only the documented exceptions may escape.
// Main entry points: neuroscore::fuzz::run_accepting_documented_errors(f), require, scratch_file.
#pragma once

#include <unistd.h>
#include <string_view>
#include <string>
#include <fstream>
#include <filesystem>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace neuroscore::fuzz {

// Runs `f`. A std::runtime_error or std::invalid_argument is the parser rejecting bad input, which
// is fine; any other exception is a bug, reported and turned into abort() so every fuzzer (libFuzzer
// or the replay driver) records a crash.
template <class F>
void run_accepting_documented_errors(F&& f) {
  try {
    f();
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "undocumented exception: %s\n", e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "undocumented non-std exception\n");
    std::abort();
  }
}

// A property the fuzzer checks (for example a write/read round trip); abort() when it fails.
inline void require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz property violated: %s\n", what);
    std::abort();
  }
}

// A fuzz input written to one scratch file per process under TEST_TMPDIR (or /tmp), named with
// `suffix` (".npy", ".nii"), for readers that take a path; returns the path.
inline std::filesystem::path scratch_file(std::string_view bytes, const std::string& suffix) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::filesystem::path path =
      std::filesystem::path(tmp ? tmp : "/tmp") / ("neuroscore_fuzz_" + std::to_string(::getpid()) + suffix);
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace neuroscore::fuzz
