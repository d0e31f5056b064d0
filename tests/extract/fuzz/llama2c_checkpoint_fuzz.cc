// libFuzzer entry point for neuroscore::extract::parse_llama2c_layout (replayed in tests by
// //tests/io/fuzz:replay_main.cc): any accepted layout tiles the file exactly.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "extract/llama2c_checkpoint.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroscore::extract;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const Llama2cLayout layout = parse_llama2c_layout(bytes, size, "fuzz");
    std::uint64_t at = kLlama2cHeaderBytes;
    for (const Llama2cTensor& t : layout.tensors) {
      neuroscore::fuzz::require(t.offset == at, "tensors are contiguous");
      at += t.bytes;
    }
    neuroscore::fuzz::require(at == size, "tensors end at the end of the file");
  });
  return 0;
}
