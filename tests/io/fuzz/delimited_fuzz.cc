// libFuzzer entry point for neuroscore::io::parse_delimited and format_delimited (tools/fuzz.sh;
// replayed in tests). Checks that writing a parsed table and parsing it again gives the same table.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "neuroscore/io/delimited.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  // The first byte picks the delimiter; the rest is the text.
  static constexpr char kDelimiters[] = {',', '\t', ';', '|', ' ', '"'};
  const char delimiter = kDelimiters[data[0] % sizeof kDelimiters];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  neuroscore::fuzz::run_accepting_documented_errors([&] {
    const neuroscore::io::Table table = neuroscore::io::parse_delimited(text, delimiter, "fuzz");
    for (const auto& row : table.rows) {
      neuroscore::fuzz::require(row.size() == table.columns.size(), "rows are as wide as the header");
    }
    if (!table.columns.empty()) {
      neuroscore::fuzz::run_accepting_documented_errors([&] { (void)table.numeric_column(table.columns[0]); });
    }
    const std::string written = neuroscore::io::format_delimited(table, delimiter);
    const neuroscore::io::Table again = neuroscore::io::parse_delimited(written, delimiter, "fuzz-again");
    neuroscore::fuzz::require(again.columns == table.columns, "round trip keeps the header");
    neuroscore::fuzz::require(again.rows == table.rows, "round trip keeps the rows");
  });
  return 0;
}
