// BIDS events files (events.tsv) as timed words: onsets, durations and words read exactly as written.
// Main entry point: neuroscore::io::read_events(path, options) -> TimedWords.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/io/delimited.hpp"
#include "neuroscore/io/detail/parse_number.hpp"

namespace neuroscore::io {

// What an "n/a" duration (BIDS: not available) means.
enum class NaDuration {
  error,  // an error naming the row (the default: a word without a duration is not a 0 s word)
  zero,   // 0 seconds: the word is an impulse at its onset
};

struct EventsOptions {
  std::string onset_column = "onset";        // seconds, decimal (BIDS)
  std::string duration_column = "duration";  // seconds, decimal; optional column (0 s when absent)
  std::string word_column = "word";
  std::string trial_type;          // non-empty: keep only rows whose "trial_type" column has this value
  std::vector<std::string> skip;   // words left out (none by default: every row is a word)
  NaDuration na_duration = NaDuration::error;
};

// An error of read_events: a std::invalid_argument that also says which option it is about
// ("onset_column", "duration_column", "na_duration", "word_column", "trial_type"; "" for the file
// itself), so that callers can name their own key for it.
struct EventsError : std::invalid_argument {
  EventsError(const std::string& message, std::string option_name) : std::invalid_argument(message), option(std::move(option_name)) {}
  std::string option;
};

// The words of an events file in file order, each with its onset and end (onset + duration) in
// seconds, the data row it came from, and what was left out.
struct TimedWords {
  std::vector<std::string> words;
  std::vector<double> onsets, ends;
  std::vector<std::size_t> data_rows;                 // 1-based data row (the header is not a data row)
  std::size_t skipped_trial_type = 0;                 // rows of another trial_type
  std::map<std::string, std::size_t> skipped_words;   // per word of options.skip: rows left out
  std::size_t skipped() const {
    std::size_t n = skipped_trial_type;
    for (const auto& [word, count] : skipped_words) n += count;
    return n;
  }
};

// Reads the tab-delimited events file at `path` (read_delimited: no quoting, UTF-8 or UTF-16 with
// a byte-order mark). Onsets and durations are decimal numbers (parse_double: "0x10", "1,5",
// "nan" and "inf" are errors); a duration of "n/a" follows options.na_duration. Onsets must not
// decrease and durations must be >= 0. Errors (std::invalid_argument) name the path, the data row
// and its line of the file ("data row 3 (line 4 of the file)"), the column and the value; they are
// EventsError. Reading errors of the file itself are read_delimited's.
inline TimedWords read_events(const std::filesystem::path& path, const EventsOptions& options = {});

// ---------------------------------------------------------------------------------------------
// Implementation.

inline TimedWords read_events(const std::filesystem::path& path, const EventsOptions& options) {
  const Table t = read_delimited(path, '\t');
  const auto column = [&](const std::string& name, const char* option) {
    try {
      return t.column_index(name);
    } catch (const std::invalid_argument& e) {
      throw EventsError(path.string() + ": " + e.what(), option);
    }
  };
  const std::size_t oc = column(options.onset_column, "onset_column"), wc = column(options.word_column, "word_column");
  const bool has_duration = std::find(t.columns.begin(), t.columns.end(), options.duration_column) != t.columns.end();
  const std::size_t dc = has_duration ? column(options.duration_column, "duration_column") : 0;
  const std::size_t tc = options.trial_type.empty() ? 0 : column("trial_type", "trial_type");
  const auto where = [&](std::size_t r) {
    return path.string() + ": data row " + std::to_string(r + 1) + " (line " + std::to_string(t.row_lines[r]) + " of the file): ";
  };
  const auto seconds = [&](std::size_t r, std::size_t c, const char* option) {
    const std::string& v = t.rows[r][c];
    if (v == "n/a" && has_duration && c == dc) {
      if (options.na_duration == NaDuration::zero) return 0.0;
      throw EventsError(where(r) + t.columns[c] + " 'n/a': no duration (read it as 0 s only when asked: na_duration zero)", "na_duration");
    }
    const detail::ParsedNumber x = detail::parse_double(v);
    if (x.status != detail::NumberStatus::ok || !std::isfinite(x.value)) {
      throw EventsError(where(r) + t.columns[c] + " '" + v + "' is not a decimal number of seconds", option);
    }
    return x.value;
  };
  TimedWords out;
  double previous = -std::numeric_limits<double>::infinity();
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    if (!options.trial_type.empty() && t.rows[r][tc] != options.trial_type) {
      ++out.skipped_trial_type;
      continue;
    }
    const std::string& w = t.rows[r][wc];
    if (std::find(options.skip.begin(), options.skip.end(), w) != options.skip.end()) {
      ++out.skipped_words[w];
      continue;
    }
    const double onset = seconds(r, oc, "onset_column");
    const double duration = has_duration ? seconds(r, dc, "duration_column") : 0.0;
    if (onset < previous) {
      throw EventsError(where(r) + "onset " + std::to_string(onset) + " is before the previous word's", "onset_column");
    }
    if (duration < 0.0) throw EventsError(where(r) + "duration " + std::to_string(duration) + " is negative", "duration_column");
    previous = onset;
    out.words.push_back(w);
    out.onsets.push_back(onset);
    out.ends.push_back(onset + duration);
    out.data_rows.push_back(r + 1);
  }
  return out;
}

}  // namespace neuroscore::io
