// extract/stimulus_files.hpp: the words of a Stimulus, read from its file (text or Praat TextGrid)
// or taken from memory. Main entry point: stimulus_words.
#pragma once

#include <string>
#include <vector>

#include "extract/feature_request.hpp"

namespace neuroscore::extract {

// The words of a stimulus: a .TextGrid's non-empty intervals of `tier` (silences "", "sp", "sil"
// dropped), else whitespace-separated words of the text file. Throws std::runtime_error naming the
// path when it cannot be read or holds no words.
std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier = "");

// Words and their segment (0-based line index) of a text file with one segment per line
// (segment_lines of its lines, trailing blank lines dropped). A blank line (other than trailing
// ones) is an error naming the line, since it would silently shift segment indices. Throws
// std::runtime_error naming the path.
SegmentedWords read_stimulus_lines(const std::string& path);

// The words and segments a request's stimulus holds: its words in memory, else its file read with
// read_stimulus_lines (Segments::kLines) or read_stimulus_words. Throws std::invalid_argument for
// kLines on a .TextGrid, for words in memory with no word or whose segment_of is not one
// non-decreasing entry per word from segment 0 on (no segment skipped).
SegmentedWords stimulus_words(const Stimulus& stimulus);

}  // namespace neuroscore::extract
