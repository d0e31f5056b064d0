// libFuzzer entry point for neuroscore::io::parse_text_matrix (tools/fuzz.sh; replayed in tests).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "neuroscore/io/text_matrix.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const Eigen::MatrixXd m = neuroscore::io::parse_text_matrix(text, "fuzz");
    neuroscore::fuzz::require(m.rows() > 0 && m.cols() > 0, "a parsed matrix is not empty");
    neuroscore::fuzz::require(m.allFinite(), "a parsed matrix holds finite values only");
  });
  // The same text with an expected shape taken from the input's length.
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const Eigen::Index rows = static_cast<Eigen::Index>(size % 5);
    const Eigen::Index cols = static_cast<Eigen::Index>(size % 3);
    const Eigen::MatrixXd m = neuroscore::io::parse_text_matrix(text, "fuzz", {rows, cols});
    neuroscore::fuzz::require(m.rows() == rows && m.cols() == cols, "expected shape is enforced");
  });
  return 0;
}
