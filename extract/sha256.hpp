// extract/sha256.hpp: SHA-256 (FIPS 180-4) of a file, for the provenance of extracted features.
// Main entry points: sha256_hex, sha256_file_hex.
#pragma once

#include <string>
#include <string_view>

namespace neuroscore::extract {

// Lower-case hex digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

// Lower-case hex digest of the file at `path`, read in chunks. Throws std::runtime_error naming the
// path when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace neuroscore::extract
