// libFuzzer entry point for neuroscore::io::parse_npy and npy_to_matrix (tools/fuzz.sh; replayed in
// tests). A parsed matrix is written with format_npy and read back bit for bit.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "neuroscore/io/npy.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const neuroscore::io::NpyArray array = neuroscore::io::parse_npy(bytes, "fuzz");
    const Eigen::MatrixXd m = neuroscore::io::npy_to_matrix(array, "fuzz");
    const neuroscore::io::NpyArray again = neuroscore::io::parse_npy(neuroscore::io::format_npy(m), "fuzz-again");
    const Eigen::MatrixXd back = neuroscore::io::npy_to_matrix(again, "fuzz-again");
    neuroscore::fuzz::require(back.rows() == m.rows() && back.cols() == m.cols(), "round trip keeps the shape");
    neuroscore::fuzz::require(
        m.size() == 0 || std::memcmp(back.data(), m.data(), sizeof(double) * static_cast<std::size_t>(m.size())) == 0,
        "round trip keeps every bit");
  });
  return 0;
}
