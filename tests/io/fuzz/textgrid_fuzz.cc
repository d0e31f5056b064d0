// libFuzzer entry point for neuroscore::io::parse_textgrid (tools/fuzz.sh; replayed in tests).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "neuroscore/io/textgrid.hpp"
#include "tests/testing/fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using neuroscore::io::TextGridOptions;
  using neuroscore::io::TimeOrder;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const TimeOrder order : {TimeOrder::strict, TimeOrder::as_written}) {
    neuroscore::fuzz::run_accepting_documented_errors([&] {
      const neuroscore::io::TextGrid grid = neuroscore::io::parse_textgrid(text, "fuzz", TextGridOptions{order});
      neuroscore::fuzz::require(grid.end_seconds >= grid.start_seconds, "grid extent is ordered");
      for (const auto& tier : grid.tiers) {
        neuroscore::fuzz::require(grid.tier(tier.name).name == tier.name, "every tier can be looked up");
        if (order != TimeOrder::strict) continue;
        for (std::size_t i = 0; i < tier.intervals.size(); ++i) {
          neuroscore::fuzz::require(tier.intervals[i].end_seconds >= tier.intervals[i].start_seconds,
                                    "strict intervals run forwards");
          if (i > 0) {
            neuroscore::fuzz::require(tier.intervals[i].start_seconds >= tier.intervals[i - 1].end_seconds,
                                      "strict intervals are ordered");
          }
        }
      }
      (void)grid.tier("no such tier \x01");
    });
  }
  return 0;
}
