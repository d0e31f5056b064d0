// Whole-file reads and writes for the neuroscore::io readers, with one-line errors naming the path.
// Main entry points: neuroscore::io::detail::read_file_bytes and write_file_bytes.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace neuroscore::io::detail {

struct CloseFile {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FileHandle = std::unique_ptr<std::FILE, CloseFile>;

// Reads every byte of `path`. Throws std::runtime_error "PATH: cannot open: REASON" for a
// missing or unreadable file or a directory, and "PATH: read error: REASON" on I/O failure.
// An empty file is returned as an empty string: callers decide whether that is an error.
inline std::string read_file_bytes(const std::filesystem::path& path) {
  std::error_code status_error;
  const std::filesystem::file_status status = std::filesystem::status(path, status_error);
  if (std::filesystem::is_directory(status)) {
    throw std::runtime_error(path.string() + ": cannot open: is a directory, not a file");
  }
  errno = 0;
  const FileHandle file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    const int open_errno = errno;
    throw std::runtime_error(path.string() + ": cannot open: " +
                             (open_errno != 0 ? std::strerror(open_errno) : "unknown error"));
  }
  std::string bytes;
  const std::uintmax_t size = std::filesystem::file_size(path, status_error);
  if (!status_error) bytes.reserve(static_cast<std::size_t>(size));
  char buffer[1 << 16];
  for (;;) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    bytes.append(buffer, got);
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get())) {
    throw std::runtime_error(path.string() + ": read error: " + std::strerror(errno));
  }
  return bytes;
}

// Writes `bytes` to `path`, replacing the file. Throws std::runtime_error
// "PATH: cannot open for writing: REASON" or "PATH: write error: REASON".
inline void write_file_bytes(const std::filesystem::path& path, std::string_view bytes) {
  errno = 0;
  FileHandle file(std::fopen(path.c_str(), "wb"));
  if (!file) {
    const int open_errno = errno;
    throw std::runtime_error(path.string() + ": cannot open for writing: " +
                             (open_errno != 0 ? std::strerror(open_errno) : "unknown error"));
  }
  const std::size_t written = std::fwrite(bytes.data(), 1, bytes.size(), file.get());
  const int write_errno = errno;
  std::FILE* raw = file.release();
  const bool closed = std::fclose(raw) == 0;
  if (written != bytes.size() || !closed) {
    throw std::runtime_error(path.string() + ": write error: " +
                             std::strerror(write_errno != 0 ? write_errno : errno));
  }
}

}  // namespace neuroscore::io::detail
