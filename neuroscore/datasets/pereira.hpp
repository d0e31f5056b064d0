// neuroscore/datasets/pereira.hpp: the Pereira et al. 2018 sentences (384 + 243), their GloVe vectors
// and the averaged language-network response. Entry point: load_pereira(data_root) -> PereiraData.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/data_root.hpp"
#include "neuroscore/datasets/detail/pereira.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/io/text_matrix.hpp"

namespace neuroscore::datasets {

inline constexpr int kPereiraSentences384 = 384;  // experiment 2: 96 passages x 4 sentences
inline constexpr int kPereiraSentences243 = 243;  // experiment 3: 72 passages of 3-4 sentences
inline constexpr Eigen::Index kPereiraGloveDims = 300;

// How a stimulus sentence found its row of pereira_averaged.csv.
enum class PereiraMatch {
  exact,       // identical text after normalize_sentence (576 of 627 on the shipped data)
  edited,      // the closest remaining CSV sentence by word overlap (see PereiraOptions)
  unmatched,   // no row; response is NaN
};

struct PereiraOptions {
  // The beyond-brainscore stimulus files replace the pronoun opening of many experiment-2
  // sentences by its referent ("It has a flat surface..." -> "A desk has a flat surface...")
  // and fix a few words in experiment 3; the CSV keeps Pereira's original wording. After the
  // exact join, the leftover sentences of both sides are paired greedily, most similar pair
  // first, when their word similarity (2 * longest common word subsequence / total words,
  // after normalize_sentence) is at least this. On the shipped data every true pair scores
  // >= 0.80 and every wrong pair <= 0.47 (measured), so 0.7 separates them. 1.0 (or more)
  // turns the fuzzy stage off.
  double min_word_similarity = 0.7;
};

// Pereira et al. 2018, as released by Feghhi et al. (beyond-brainscore) + averaged language-network response.
struct PereiraData {
  std::vector<std::string> sentences;   // 627: stimuli_384sentences.txt lines, then stimuli_243sentences.txt lines
                                        // (file order; surrounding whitespace trimmed)
  std::vector<int> experiment;          // 384 or 243, per sentence
  std::vector<int> passage;             // 384 set: line / 4 (0..95); 243 set: -1 (boundaries not in the release)
  std::vector<int> position;            // 384 set: line % 4; 243 set: -1
  Eigen::VectorXd length_words;         // whitespace tokens per sentence
  Eigen::MatrixXd glove;                // 627 x 300, pereira_384_glove.txt then pereira_243_glove.txt
  Eigen::VectorXd response;             // averaged language-network EffectSize joined by sentence text; NaN where unmatched
  std::vector<std::string> unmatched;   // report: sentences (from either side) the join could not match, with why
  // Added: how each sentence was joined, the CSV row (0-based data row) it took, and for every
  // `edited` pair a line "stimulus 'A' <- csv 'B' (similarity S)" so a reader can check them.
  std::vector<PereiraMatch> match;
  std::vector<int> response_row;        // -1 where unmatched
  std::vector<std::string> edited_pairs;

  std::size_t matched_count() const {
    return static_cast<std::size_t>(
        std::count_if(match.begin(), match.end(), [](PereiraMatch m) { return m != PereiraMatch::unmatched; }));
  }
};

// Join key: lowercase ASCII; every character that is not a letter, digit or apostrophe becomes
// a space (so "bunchs," == "bunchs", "well-known" == "well known"); runs of whitespace collapse
// to one space; no leading/trailing space. Apostrophes are kept: "it's" and "its" differ.
inline std::string normalize_sentence(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char raw : text) {
    const unsigned char c = static_cast<unsigned char>(raw);
    if (std::isalnum(c) || c == '\'' || c >= 0x80) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      pending_space = true;
    }
  }
  return out;
}

// 2 * LCS(words a, words b) / (|a| + |b|), in [0, 1]; 1 for two empty sentences.
inline double sentence_word_similarity(const std::string& normalized_a, const std::string& normalized_b) {
  auto words = [](const std::string& s) {
    std::vector<std::string> w;
    std::istringstream in(s);
    for (std::string t; in >> t;) w.push_back(t);
    return w;
  };
  const std::vector<std::string> a = words(normalized_a);
  const std::vector<std::string> b = words(normalized_b);
  if (a.empty() && b.empty()) return 1.0;
  std::vector<std::size_t> prev(b.size() + 1, 0), cur(b.size() + 1, 0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    for (std::size_t j = 0; j < b.size(); ++j) {
      cur[j + 1] = a[i] == b[j] ? prev[j] + 1 : std::max(prev[j + 1], cur[j]);
    }
    std::swap(prev, cur);
  }
  return 2.0 * static_cast<double>(prev[b.size()]) / static_cast<double>(a.size() + b.size());
}

// Reads DATA_ROOT/pereira2018/: the two stimulus files, the two GloVe files (each must have one
// 300-value row per sentence) and pereira_averaged.csv (header must be exactly ",Sentence,EffectSize"),
// then joins the CSV to the stimuli by normalize_sentence text (one-to-one: a normalized sentence
// that occurs twice on either side is an error), and pairs the leftovers as PereiraOptions says.
// Errors (std::runtime_error) name the file and, where there is one, the line.
inline PereiraData load_pereira(const std::filesystem::path& data_root, const PereiraOptions& options = {}) {
  namespace fs = std::filesystem;
  const fs::path dir = dataset_dir(data_root, "pereira2018");
  PereiraData d;
  const struct {
    int experiment;
    const char* stimuli;
    const char* glove;
  } parts[] = {{kPereiraSentences384, "stimuli_384sentences.txt", "pereira_384_glove.txt"},
               {kPereiraSentences243, "stimuli_243sentences.txt", "pereira_243_glove.txt"}};
  std::vector<Eigen::MatrixXd> gloves;
  for (const auto& part : parts) {
    const std::vector<std::string> lines = detail::read_sentence_lines(dir / part.stimuli, part.experiment);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      d.sentences.push_back(lines[i]);
      d.experiment.push_back(part.experiment);
      const bool four_per_passage = part.experiment == kPereiraSentences384;
      d.passage.push_back(four_per_passage ? static_cast<int>(i / 4) : -1);
      d.position.push_back(four_per_passage ? static_cast<int>(i % 4) : -1);
    }
    gloves.push_back(io::read_text_matrix(dir / part.glove,
                                          io::TextMatrixOptions{part.experiment, kPereiraGloveDims}));
  }
  const Eigen::Index n = static_cast<Eigen::Index>(d.sentences.size());
  d.glove.resize(n, kPereiraGloveDims);
  d.glove << gloves[0], gloves[1];
  d.length_words.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    std::istringstream in(d.sentences[static_cast<std::size_t>(i)]);
    int count = 0;
    for (std::string t; in >> t;) ++count;
    d.length_words(i) = count;
  }

  // The response table.
  const fs::path csv_path = dir / "pereira_averaged.csv";
  const io::Table table = io::read_delimited(csv_path);
  if (table.columns != std::vector<std::string>{"", "Sentence", "EffectSize"}) {
    std::string got;
    for (std::size_t i = 0; i < table.columns.size(); ++i) got += (i ? "," : "") + table.columns[i];
    throw std::runtime_error(csv_path.string() + ":1: expected the header ',Sentence,EffectSize', found '" +
                             got + "'");
  }
  Eigen::VectorXd effect;
  try {
    effect = table.numeric_column("EffectSize");
  } catch (const std::exception& e) {
    throw std::runtime_error(csv_path.string() + ": " + e.what());
  }
  const std::size_t rows = table.rows.size();

  // Exact join on normalized text, one-to-one.
  auto index_of = [](const std::vector<std::string>& texts, const std::string& where,
                     const std::string& unit) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const auto [it, fresh] = index.emplace(normalize_sentence(texts[i]), i);
      if (!fresh) {
        throw std::runtime_error(where + ": " + unit + " " + std::to_string(it->second) + " and " +
                                 std::to_string(i) + " are the same sentence after normalization: '" +
                                 texts[i] + "'");
      }
    }
    return index;
  };
  std::vector<std::string> csv_sentences(rows);
  for (std::size_t r = 0; r < rows; ++r) csv_sentences[r] = table.rows[r][1];
  const auto stim_index = index_of(d.sentences, dir.string(), "stimulus sentences (0-based, 384 then 243)");
  const auto csv_index = index_of(csv_sentences, csv_path.string(), "data rows (0-based)");

  d.match.assign(static_cast<std::size_t>(n), PereiraMatch::unmatched);
  d.response_row.assign(static_cast<std::size_t>(n), -1);
  d.response = Eigen::VectorXd::Constant(n, std::numeric_limits<double>::quiet_NaN());
  std::vector<bool> row_used(rows, false);
  for (const auto& [key, i] : stim_index) {
    const auto found = csv_index.find(key);
    if (found == csv_index.end()) continue;
    d.match[i] = PereiraMatch::exact;
    d.response_row[i] = static_cast<int>(found->second);
    row_used[found->second] = true;
  }

  // Fuzzy stage: leftover pairs, most similar first, each side used once.
  std::vector<std::size_t> left_stim, left_rows;
  for (std::size_t i = 0; i < d.sentences.size(); ++i) {
    if (d.match[i] == PereiraMatch::unmatched) left_stim.push_back(i);
  }
  for (std::size_t r = 0; r < rows; ++r) {
    if (!row_used[r]) left_rows.push_back(r);
  }
  struct Candidate {
    double similarity;
    std::size_t stim, row;
  };
  std::vector<Candidate> candidates;
  for (const std::size_t i : left_stim) {
    const std::string a = normalize_sentence(d.sentences[i]);
    for (const std::size_t r : left_rows) {
      const double s = sentence_word_similarity(a, normalize_sentence(csv_sentences[r]));
      if (s >= options.min_word_similarity) candidates.push_back({s, i, r});
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& x, const Candidate& y) { return x.similarity > y.similarity; });
  for (const Candidate& c : candidates) {
    if (d.match[c.stim] != PereiraMatch::unmatched || row_used[c.row]) continue;
    d.match[c.stim] = PereiraMatch::edited;
    d.response_row[c.stim] = static_cast<int>(c.row);
    row_used[c.row] = true;
    std::ostringstream line;
    line << "stimulus '" << d.sentences[c.stim] << "' <- csv '" << csv_sentences[c.row]
         << "' (similarity " << c.similarity << ")";
    d.edited_pairs.push_back(line.str());
  }

  for (std::size_t i = 0; i < d.sentences.size(); ++i) {
    if (d.match[i] == PereiraMatch::unmatched) {
      d.unmatched.push_back("stimulus " + std::to_string(i) + " (experiment " +
                            std::to_string(d.experiment[i]) + ") '" + d.sentences[i] +
                            "': no CSV sentence with the same normalized text or word similarity >= " +
                            std::to_string(options.min_word_similarity));
    } else {
      d.response(static_cast<Eigen::Index>(i)) = effect(d.response_row[i]);
    }
  }
  for (std::size_t r = 0; r < rows; ++r) {
    if (!row_used[r]) {
      d.unmatched.push_back("csv data row " + std::to_string(r) + " '" + csv_sentences[r] +
                            "': no stimulus sentence with the same normalized text or word similarity >= " +
                            std::to_string(options.min_word_similarity));
    }
  }
  return d;
}

}  // namespace neuroscore::datasets
