// extract/stimulus_files.cc: words of text files, TextGrids and in-memory stimuli.
#include "extract/stimulus_files.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "neuroscore/io/textgrid.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// Words in memory: one segment_of entry per word, from 0, each step 0 or +1.
SegmentedWords checked_in_memory(const Stimulus& s) {
  const SegmentedWords& in = s.words;
  if (in.words.empty()) throw std::invalid_argument("stimulus in memory holds no words");
  SegmentedWords out;
  out.words = in.words;
  if (s.segments == Segments::kNone) {
    out.segment_of.assign(in.words.size(), 0);
    out.segments = 1;
    return out;
  }
  if (in.segment_of.size() != in.words.size()) {
    throw std::invalid_argument("stimulus in memory: " + std::to_string(in.words.size()) + " words but " +
                                std::to_string(in.segment_of.size()) + " segment_of entries");
  }
  for (std::size_t w = 0; w < in.words.size(); ++w) {
    const std::int64_t want_low = w == 0 ? 0 : in.segment_of[w - 1];
    const std::int64_t step = in.segment_of[w] - want_low;
    if (step < 0 || step > 1 || (w == 0 && in.segment_of[0] != 0)) {
      throw std::invalid_argument("stimulus in memory: segment_of[" + std::to_string(w) + "] = " +
                                  std::to_string(in.segment_of[w]) +
                                  " (segments are numbered from 0, non-decreasing, none skipped)");
    }
  }
  out.segment_of = in.segment_of;
  out.segments = in.segment_of.back() + 1;
  if (in.segments != 0 && in.segments != out.segments) {
    throw std::invalid_argument("stimulus in memory: segments = " + std::to_string(in.segments) + " but segment_of runs to " +
                                std::to_string(out.segments - 1));
  }
  return out;
}

}  // namespace

SegmentedWords read_stimulus_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read stimulus " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  const auto blank = [](const std::string& l) { return l.find_first_not_of(" \t\r\f\v") == std::string::npos; };
  while (!lines.empty() && blank(lines.back())) lines.pop_back();
  return segment_lines(lines, path);
}

std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier) {
  std::vector<std::string> words;
  const fs::path p(path);
  if (lower_extension(p) == ".textgrid") {
    const io::TextGrid grid = io::read_textgrid(p, io::TextGridOptions{io::TimeOrder::as_written});
    const io::Tier* chosen = tier.empty() ? io::default_word_tier(grid) : &grid.tier(tier);
    if (chosen == nullptr || chosen->kind != io::TierKind::interval) {
      throw std::runtime_error(path + ": no interval tier of words");
    }
    for (const io::Interval& iv : chosen->intervals) {
      std::istringstream split(iv.text);
      std::string w;
      std::string joined;
      while (split >> w) joined += (joined.empty() ? "" : " ") + w;
      if (!io::is_silence_label(joined)) words.push_back(joined);
    }
  } else {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read stimulus " + path);
    std::string w;
    while (in >> w) words.push_back(w);
  }
  if (words.empty()) throw std::runtime_error("stimulus " + path + " holds no words");
  return words;
}

SegmentedWords stimulus_words(const Stimulus& s) {
  if (!s.words.words.empty()) return checked_in_memory(s);
  if (s.segments == Segments::kLines) {
    if (lower_extension(s.path) == ".textgrid") {
      throw std::invalid_argument("--segments lines wants a text stimulus (one segment per line), got " + s.path);
    }
    return read_stimulus_lines(s.path);
  }
  SegmentedWords out;
  out.words = read_stimulus_words(s.path, s.textgrid_tier);
  out.segment_of.assign(out.words.size(), 0);
  out.segments = 1;
  return out;
}

}  // namespace neuroscore::extract
