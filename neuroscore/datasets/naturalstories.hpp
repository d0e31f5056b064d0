// neuroscore/datasets/naturalstories.hpp: Natural Stories self-paced reading times (Futrell et al. 2021),
// one row per word, with word length and log frequency. Entry point: load_naturalstories(data_root).
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "neuroscore/data_root.hpp"
#include "neuroscore/datasets/unicode.hpp"
#include "neuroscore/io/delimited.hpp"

namespace neuroscore::datasets {

inline constexpr int kNaturalStoriesCount = 10;

// Natural Stories (Futrell et al. 2021): per-word mean self-paced reading time.
struct NaturalStoriesData {
  std::vector<std::string> words;       // processed_wordinfo.tsv rows ordered by (item, zone)
  std::vector<int> story;               // item, 1..10
  std::vector<int> zone;                // word position within story (1-based, contiguous per story)
  Eigen::VectorXd mean_rt;              // meanItemRT (ms)
  Eigen::VectorXd word_length;          // characters (graphemes) of the word without surrounding punctuation
  Eigen::VectorXd log_frequency;        // log10 occurrences per million, add-one smoothed (see frequency_source)
  std::string frequency_source;         // human-readable: which corpus, counted how
  // Added: readers per word (nItem) and the number of words of each story (10 entries, story
  // 1 first): the segment lengths for per-story folds and per-story LM contexts.
  Eigen::VectorXd readers;
  std::vector<Eigen::Index> story_lengths;
};

// Frequency key of a token: unicode::word_key, i.e. in NFC, surrounding grapheme clusters that
// are not letters or digits removed, full case folding ("'Admiral" -> "admiral", "Tourette's." ->
// "tourette's", "Über" -> "über", "STRASSE" and "straße" -> "strasse"). Inner apostrophes and
// hyphens stay. May be empty (a token of punctuation only). Throws for ill-formed UTF-8.
inline std::string frequency_key(std::string_view token) { return unicode::word_key(token); }

// Length of a token in characters: unicode::word_length, the extended grapheme clusters of the
// token in NFC without its surrounding punctuation ("café" 4, "Straße," 6, "e" + U+0301 1).
inline std::size_t word_length(std::string_view token) { return unicode::word_length(token); }

// Unigram counts of a text: split on whitespace and on "--" (Gutenberg's dash), each piece
// mapped through frequency_key, empty keys dropped.
struct UnigramCounts {
  std::unordered_map<std::string, double> counts;
  double tokens = 0;  // N
};

inline UnigramCounts count_unigrams(std::string_view text) {
  UnigramCounts out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t j = i;
    while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j]))) ++j;
    std::string_view piece = text.substr(i, j - i);
    i = j;
    while (!piece.empty()) {
      const std::size_t dash = piece.find("--");
      const std::string key = frequency_key(piece.substr(0, dash));
      if (!key.empty()) {
        out.counts[key] += 1;
        out.tokens += 1;
      }
      if (dash == std::string_view::npos) break;
      piece.remove_prefix(dash + 2);
    }
  }
  return out;
}

// Add-one (Laplace) smoothed log10 frequency per million tokens:
//   log10( (count(key) + 1) / (N + V + 1) * 1e6 ),
// N = corpus tokens, V = corpus types, the + 1 reserving one type for every unseen word.
inline double log10_per_million(const UnigramCounts& corpus, const std::string& key) {
  const auto it = corpus.counts.find(key);
  const double count = it == corpus.counts.end() ? 0.0 : it->second;
  const double denominator = corpus.tokens + static_cast<double>(corpus.counts.size()) + 1.0;
  return std::log10((count + 1.0) / denominator * 1e6);
}

// The body of a Project Gutenberg text file: the text between the "*** START OF" and "*** END OF"
// marker lines (the licence boilerplate outside them would otherwise count as words). Throws
// std::runtime_error naming the path when it cannot be read or a marker is missing.
inline std::string gutenberg_body(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot open");
  std::stringstream all;
  all << in.rdbuf();
  const std::string text = all.str();
  const std::size_t start = text.find("*** START OF");
  const std::size_t end = text.find("*** END OF");
  if (start == std::string::npos || end == std::string::npos || end < start) {
    throw std::runtime_error(path.string() +
                             ": not a Project Gutenberg text (no '*** START OF' ... '*** END OF' markers)");
  }
  const std::size_t body = text.find('\n', start);
  return text.substr(body, end - body);
}

// Reads DATA_ROOT/naturalstories_futrell2018/processed_wordinfo.tsv (columns word, zone, item,
// nItem, meanItemRT, ...; 10,256 rows in the release), sorts rows by (item, zone) and checks that
// items are 1..10 and each story's zones run 1, 2, ..., without gaps or repeats.
// Frequencies: the Natural Stories corpus has no frequency column and no offline word-frequency
// list is available to C++ here, so counts come from a real corpus that is not the Natural
// Stories text: Project Gutenberg #11, Alice's Adventures in Wonderland (whole book, body
// between the Gutenberg markers, DATA_ROOT/alice_brennan2016/alice_gutenberg_full_text.txt),
// counted by count_unigrams and smoothed by log10_per_million. About 27k tokens: a coarse,
// child-story-register estimate; unseen words all get the same floor.
// Errors name the file and line ("PATH:LINE: ...").
inline NaturalStoriesData load_naturalstories(const std::filesystem::path& data_root) {
  namespace fs = std::filesystem;
  const fs::path dir = dataset_dir(data_root, "naturalstories_futrell2018");
  const fs::path path = dir / "processed_wordinfo.tsv";
  const io::Table table = io::read_delimited(path);
  const std::size_t c_word = table.column_index("word");
  const std::size_t c_zone = table.column_index("zone");
  const std::size_t c_item = table.column_index("item");
  const std::size_t c_readers = table.column_index("nItem");
  const std::size_t c_rt = table.column_index("meanItemRT");
  const std::size_t n = table.rows.size();
  if (n == 0) throw std::runtime_error(path.string() + ": no data rows");

  // File line of data row r: header is line 1 and the reader skips no lines in this file
  // (empty lines would shift this; the message then says "data row" too).
  auto where = [&](std::size_t r) {
    return path.string() + ":" + std::to_string(r + 2) + " (data row " + std::to_string(r) + "): ";
  };
  auto integer = [&](std::size_t r, std::size_t c, const char* name) {
    const std::string& s = table.rows[r][c];
    std::size_t used = 0;
    long value = 0;
    try {
      value = std::stol(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size()) {
      throw std::runtime_error(where(r) + name + " '" + s + "' is not an integer");
    }
    return static_cast<int>(value);
  };
  auto number = [&](std::size_t r, std::size_t c, const char* name) {
    const std::string& s = table.rows[r][c];
    std::size_t used = 0;
    double value = 0;
    try {
      value = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() || !std::isfinite(value)) {
      throw std::runtime_error(where(r) + name + " '" + s + "' is not a finite number");
    }
    return value;
  };

  std::vector<int> item(n), zone(n);
  for (std::size_t r = 0; r < n; ++r) {
    item[r] = integer(r, c_item, "item");
    zone[r] = integer(r, c_zone, "zone");
    if (item[r] < 1 || item[r] > kNaturalStoriesCount) {
      throw std::runtime_error(where(r) + "item " + std::to_string(item[r]) + " is not a story 1..10");
    }
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return item[a] != item[b] ? item[a] < item[b] : zone[a] < zone[b];
  });

  const UnigramCounts corpus = count_unigrams(
      gutenberg_body(dataset_dir(data_root, "alice_brennan2016") / "alice_gutenberg_full_text.txt"));

  NaturalStoriesData d;
  d.frequency_source =
      "Project Gutenberg #11 (Alice's Adventures in Wonderland, whole book between the Gutenberg "
      "markers, " + std::to_string(static_cast<long>(corpus.tokens)) + " tokens, " +
      std::to_string(corpus.counts.size()) +
      " types): tokens split on whitespace and '--', surrounding punctuation stripped, case-folded; "
      "log10((count + 1) / (tokens + types + 1) * 1e6), add-one smoothing";
  const Eigen::Index rows = static_cast<Eigen::Index>(n);
  d.mean_rt.resize(rows);
  d.word_length.resize(rows);
  d.log_frequency.resize(rows);
  d.readers.resize(rows);
  d.story_lengths.assign(kNaturalStoriesCount, 0);
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t r = order[k];
    const int expected_zone = k > 0 && item[order[k - 1]] == item[r] ? zone[order[k - 1]] + 1 : 1;
    if (zone[r] != expected_zone) {
      throw std::runtime_error(where(r) + "story " + std::to_string(item[r]) + " has zone " +
                               std::to_string(zone[r]) + " where zone " + std::to_string(expected_zone) +
                               " was expected (zones must run 1, 2, ... without gaps or repeats)");
    }
    const std::string& word = table.rows[r][c_word];
    const std::string key = frequency_key(word);
    if (key.empty()) throw std::runtime_error(where(r) + "word '" + word + "' has no letters or digits");
    const Eigen::Index i = static_cast<Eigen::Index>(k);
    d.words.push_back(word);
    d.story.push_back(item[r]);
    d.zone.push_back(zone[r]);
    d.mean_rt(i) = number(r, c_rt, "meanItemRT");
    d.readers(i) = number(r, c_readers, "nItem");
    d.word_length(i) = static_cast<double>(word_length(word));
    d.log_frequency(i) = log10_per_million(corpus, key);
    ++d.story_lengths[static_cast<std::size_t>(item[r] - 1)];
  }
  for (int s = 0; s < kNaturalStoriesCount; ++s) {
    if (d.story_lengths[static_cast<std::size_t>(s)] == 0) {
      throw std::runtime_error(path.string() + ": story " + std::to_string(s + 1) + " has no words");
    }
  }
  return d;
}

}  // namespace neuroscore::datasets
