// libFuzzer entry point for neuroscore::io::parse_nifti, gunzip and nifti_timeseries (tools/fuzz.sh;
// replayed in tests). Inputs starting with the gzip magic are inflated first, as read_nifti does.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neuroscore/io/nifti.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const std::string inflated = gz ? neuroscore::io::gunzip(bytes, "fuzz") : std::string(bytes);
    const neuroscore::io::NiftiImage img = neuroscore::io::parse_nifti(inflated, "fuzz");
    neuroscore::fuzz::require(static_cast<std::int64_t>(img.data.size()) == img.voxels_per_volume() * img.volumes(),
                              "one value per voxel");
    if (img.dims.size() <= 4 && img.data.size() <= (1u << 20)) {
      const neuroscore::io::NiftiTimeseries ts = neuroscore::io::nifti_timeseries(img, nullptr, "fuzz");
      neuroscore::fuzz::require(ts.data.rows() == img.volumes(), "one row per volume");
    }
  });
  return 0;
}
