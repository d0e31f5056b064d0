// libFuzzer entry point for neuroscore::io::parse_nifti, gunzip, nifti_timeseries and the streaming
// NiftiVolumeReader (tools/fuzz.sh; replayed in tests). Inputs starting with the gzip magic are
// inflated first, as read_nifti does. The same bytes as a file stream volume by volume: when the
// whole read succeeds, the streamed values equal it bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "neuroscore/io/nifti.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const bool gz = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
    const std::string inflated = gz ? neuroscore::io::gunzip(bytes, "fuzz") : std::string(bytes);
    // The streaming reader on the same bytes as a file: refusing is fine here, but not when the
    // whole read below accepts them.
    std::optional<neuroscore::io::NiftiImage> streamed;
    bool too_large = false;
    try {
      const neuroscore::io::NiftiVolumeReader reader(neuroscore::fuzz::scratch_file(bytes, ".nii"));
      const std::int64_t nv = reader.geometry().voxels_per_volume();
      too_large = nv * reader.geometry().volumes() > (1 << 20);
      neuroscore::io::NiftiImage all = reader.geometry();
      if (!too_large) reader.for_each_volume(0, nv, [&](std::int64_t, const double* v) { all.data.insert(all.data.end(), v, v + nv); });
      streamed = std::move(all);
    } catch (const std::runtime_error&) {
    } catch (const std::invalid_argument&) {
    }
    const neuroscore::io::NiftiImage img = neuroscore::io::parse_nifti(inflated, "fuzz");
    if (!too_large) {
      neuroscore::fuzz::require(streamed.has_value(), "the streaming reader accepts what parse_nifti accepts");
      neuroscore::fuzz::require(streamed->data.size() == img.data.size() &&
                                    std::memcmp(streamed->data.data(), img.data.data(), img.data.size() * sizeof(double)) == 0,
                                "streamed volumes equal the whole read");
    }
    neuroscore::fuzz::require(static_cast<std::int64_t>(img.data.size()) == img.voxels_per_volume() * img.volumes(),
                              "one value per voxel");
    if (img.dims.size() <= 4 && img.data.size() <= (1u << 20)) {
      const neuroscore::io::NiftiTimeseries ts = neuroscore::io::nifti_timeseries(img, nullptr, "fuzz");
      neuroscore::fuzz::require(ts.data.rows() == img.volumes(), "one row per volume");
    }
  });
  return 0;
}
