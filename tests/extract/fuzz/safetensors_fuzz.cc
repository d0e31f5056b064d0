// libFuzzer entry point for neuroscore::extract::parse_safetensors (replayed in tests by
// //tests/io/fuzz:replay_main.cc). A parsed file is re-encoded with format_safetensors and must
// parse back to the same tensors and bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "extract/safetensors.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroscore::extract;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const SafetensorsHeader h = parse_safetensors(bytes, "fuzz");
    std::vector<TensorToWrite> tensors;
    std::size_t total = 0;
    for (const SafetensorsEntry& e : h.tensors) {
      neuroscore::fuzz::require(e.end <= size - h.data_start, "tensor inside the file");
      const std::string_view raw = bytes.substr(h.data_start + e.begin, e.end - e.begin);
      total += raw.size();
      tensors.push_back(TensorToWrite{e.name, e.dtype, e.shape, std::string(raw)});
      if (raw.size() <= 4096) {
        std::vector<double> values(raw.size() / dtype_bytes(e.dtype));
        to_float64(e.dtype, raw, values.data());
      }
    }
    neuroscore::fuzz::require(h.data_start + total == size, "tensors tile the data section");
    const std::string again = format_safetensors(tensors, h.metadata);
    const SafetensorsHeader h2 = parse_safetensors(again, "fuzz-again");
    neuroscore::fuzz::require(h2.tensors.size() == h.tensors.size(), "round trip keeps every tensor");
    neuroscore::fuzz::require(h2.metadata == h.metadata, "round trip keeps the metadata");
    neuroscore::fuzz::require(again.size() - h2.data_start == total, "round trip keeps the data size");
  });
  return 0;
}
