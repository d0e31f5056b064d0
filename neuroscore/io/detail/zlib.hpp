// zlib streams for the readers and writers: inflate a gzip or zlib stream with an optional size
// limit, deflate into either wrapper. Main entry points: neuroscore::io::detail::inflate_stream
// and deflate_stream.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>

namespace neuroscore::io::detail {

// Which wrapper a stream has (zlib's windowBits: 15 for zlib, 15 + 16 for gzip, 15 + 32 to
// detect either when reading).
enum class ZlibWrapper { zlib = 15, gzip = 15 + 16, detect = 15 + 32 };

// The stream inflated. The output grows as the stream inflates, so a large `limit` costs nothing
// until data back it. Errors, std::runtime_error naming `where` and `noun` ("gzip stream",
// "compressed data"): "WHERE: NOUN corrupt (zlib: MESSAGE)", "WHERE: NOUN ends early (after N
// inflated bytes)", "WHERE: NOUN longer than the array (more than LIMIT bytes)".
inline std::string inflate_stream(std::string_view compressed, ZlibWrapper wrapper, const std::string& where, const std::string& noun,
                                  std::size_t limit = std::numeric_limits<std::size_t>::max()) {
  z_stream z{};
  if (inflateInit2(&z, static_cast<int>(wrapper)) != Z_OK) throw std::runtime_error(where + ": zlib inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = z.msg ? z.msg : (rc == Z_BUF_ERROR ? "the stream ends early" : "error " + std::to_string(rc));
      inflateEnd(&z);
      throw std::runtime_error(where + ": " + noun + " corrupt (zlib: " + why + ")");
    }
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > limit) {
      inflateEnd(&z);
      throw std::runtime_error(where + ": " + noun + " longer than the array (more than " + std::to_string(limit) + " bytes)");
    }
    if (rc != Z_STREAM_END && z.avail_in == 0 && z.avail_out != 0) {
      inflateEnd(&z);
      throw std::runtime_error(where + ": " + noun + " ends early (after " + std::to_string(out.size()) + " inflated bytes)");
    }
  }
  inflateEnd(&z);
  return out;
}

// `bytes` deflated at level 6 in the `wrapper` format (zlib or gzip; not detect).
inline std::string deflate_stream(std::string_view bytes, ZlibWrapper wrapper, const std::string& where) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, static_cast<int>(wrapper), 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error(where + ": zlib deflateInit2 failed");
  }
  std::string packed(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(packed.data());
  z.avail_out = static_cast<uInt>(packed.size());
  const int rc = deflate(&z, Z_FINISH);
  packed.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error(where + ": zlib deflate failed");
  return packed;
}

}  // namespace neuroscore::io::detail
