// libFuzzer entry point for neuroscore::io::parse_npy, npy_to_matrix and NpyColumnReader
// (tools/fuzz.sh; replayed in tests). A parsed matrix is written with format_npy and read back bit
// for bit, and the column reader on the same bytes as a file gives its columns bit for bit.
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
    if (array.shape.size() >= 1 && array.shape.size() <= 2 && m.size() > 0) {
      // The column reader on the same bytes as a file must accept them and give the same columns.
      Eigen::MatrixXd block;
      const Eigen::Index last = m.cols() - 1, half = m.cols() / 2;
      try {
        block = neuroscore::io::NpyColumnReader(neuroscore::fuzz::scratch_file(bytes, ".npy")).read(half, last - half + 1);
      } catch (const std::exception&) {
        neuroscore::fuzz::require(false, "the column reader accepts what parse_npy accepts");
      }
      const Eigen::MatrixXd want = m.middleCols(half, last - half + 1);
      neuroscore::fuzz::require(block.rows() == want.rows() && block.cols() == want.cols() &&
                                    std::memcmp(block.data(), want.data(), sizeof(double) * static_cast<std::size_t>(want.size())) == 0,
                                "column block equals the whole read");
    }
    const neuroscore::io::NpyArray again = neuroscore::io::parse_npy(neuroscore::io::format_npy(m), "fuzz-again");
    const Eigen::MatrixXd back = neuroscore::io::npy_to_matrix(again, "fuzz-again");
    neuroscore::fuzz::require(back.rows() == m.rows() && back.cols() == m.cols(), "round trip keeps the shape");
    neuroscore::fuzz::require(
        m.size() == 0 || std::memcmp(back.data(), m.data(), sizeof(double) * static_cast<std::size_t>(m.size())) == 0,
        "round trip keeps every bit");
  });
  return 0;
}
