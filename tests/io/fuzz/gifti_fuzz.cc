// libFuzzer entry point for neuroscore::io::parse_gifti and gifti_timeseries (tools/fuzz.sh;
// replayed in tests).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "neuroscore/io/gifti.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const neuroscore::io::GiftiImage img = neuroscore::io::parse_gifti(text, "fuzz");
    for (const auto& a : img.arrays) {
      std::int64_t n = 1;
      for (std::int64_t d : a.dims) n *= d;
      neuroscore::fuzz::require(static_cast<std::int64_t>(a.data.size()) == n, "one value per element");
    }
    (void)neuroscore::io::gifti_timeseries(img, "fuzz");
  });
  return 0;
}
