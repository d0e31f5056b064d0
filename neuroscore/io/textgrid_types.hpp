// neuroscore/io/textgrid_types.hpp: a Praat TextGrid as read (TextGrid, Tier, Interval, Point) and
// the reader's options (TextGridOptions, TimeOrder). textgrid.hpp includes it.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/io/detail/quote.hpp"

namespace neuroscore::io {

struct Interval {
  double start_seconds;
  double end_seconds;
  std::string text;
};

struct Point {
  double time_seconds;
  std::string mark;
};

enum class TierKind { interval, point };  // Praat's "IntervalTier" and "TextTier"

struct Tier {
  std::string name;
  TierKind kind;
  double start_seconds;
  double end_seconds;
  std::vector<Interval> intervals;  // filled when kind == TierKind::interval
  std::vector<Point> points;        // filled when kind == TierKind::point
};

struct TextGrid {
  double start_seconds;
  double end_seconds;
  std::vector<Tier> tiers;

  // The first tier called `name`. Throws std::invalid_argument naming the missing tier and the
  // available ones.
  const Tier& tier(std::string_view name) const;
};

// What the reader does with intervals that overlap, run backwards (end < start) or come out of
// order, and with points out of time order. Praat itself never writes such files, but some
// forced aligners do (the Natural Stories TextGrids have dozens per story).
enum class TimeOrder {
  strict,      // an error naming the line and both times
  as_written,  // kept exactly as written, in file order; the caller must cope
};

struct TextGridOptions {
  TimeOrder time_order = TimeOrder::strict;
};

inline const Tier& TextGrid::tier(std::string_view name) const {
  for (const Tier& candidate : tiers) {
    if (candidate.name == name) return candidate;
  }
  std::string message = "no tier named " + detail::quote_for_message(name);
  if (tiers.empty()) {
    message += "; the TextGrid has no tiers";
  } else {
    message += "; available tiers:";
    for (std::size_t i = 0; i < tiers.size(); ++i) {
      message += (i == 0 ? " " : ", ") + detail::quote_for_message(tiers[i].name);
    }
  }
  throw std::invalid_argument(message);
}

}  // namespace neuroscore::io
