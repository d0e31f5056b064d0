// Whole-file reads and writes for the neuroscore::io readers, with one-line errors naming the path.
// Main entry points: neuroscore::io::detail::read_file_bytes, read_file_range, FileRanges and write_file_bytes.
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

// The size of the file at `path`. Throws std::runtime_error "PATH: cannot open: REASON".
inline std::uint64_t file_size_of(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw std::runtime_error(path.string() + ": cannot open: is a directory, not a file");
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) throw std::runtime_error(path.string() + ": cannot open: " + error.message());
  return static_cast<std::uint64_t>(size);
}

// Byte ranges of one open file, read in any order: for readers that take a part of a large file.
class FileRanges {
 public:
  explicit FileRanges(const std::filesystem::path& path) : path_(path) {
    errno = 0;
    file_.reset(std::fopen(path.c_str(), "rb"));
    if (!file_) {
      const int open_errno = errno;
      throw std::runtime_error(path.string() + ": cannot open: " + (open_errno != 0 ? std::strerror(open_errno) : "unknown error"));
    }
  }
  // Appends the `count` bytes at `offset` to `out`. Throws std::runtime_error
  // "PATH: ends before the COUNT bytes at offset OFFSET" for a file shorter than that.
  void append(std::uint64_t offset, std::uint64_t count, std::string& out) {
    const std::size_t before = out.size();
    out.resize(before + static_cast<std::size_t>(count));
    const bool placed = fseeko(file_.get(), static_cast<off_t>(offset), SEEK_SET) == 0;
    const std::size_t got = placed ? std::fread(out.data() + before, 1, static_cast<std::size_t>(count), file_.get()) : 0;
    if (got != count) {
      if (std::ferror(file_.get())) throw std::runtime_error(path_.string() + ": read error: " + std::strerror(errno));
      throw std::runtime_error(path_.string() + ": ends before the " + std::to_string(count) + " bytes at offset " + std::to_string(offset));
    }
  }

 private:
  std::filesystem::path path_;
  FileHandle file_;
};

// The `count` bytes of `path` from `offset` on (errors as FileRanges).
inline std::string read_file_range(const std::filesystem::path& path, std::uint64_t offset, std::uint64_t count) {
  std::string out;
  FileRanges(path).append(offset, count, out);
  return out;
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
