// Word scores of a language model as benchmark-file methods (issue 28 item 3): LABEL/surprisal and
// LABEL/entropy are the extract pipeline's surprisal.npy and entropy.npy of the same words, read in
// the same context, one column each; `lag_words` adds the previous words' values within an item
// (spillover), 0 where the item has no such word. Checked against a direct run_extract of the
// table's words written as a text file, one item per line, on the shipped stories260K.
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "extract/run_extract.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/benchmarks/word_level_testing.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;

using word_testing::build_benchmark_file;
using word_testing::extract_lines;
using word_testing::find_method;

TEST(WordScores, SurprisalAndEntropyAreTheExtractsValuesWithSpillover) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const fs::path dir = testing::scratch_dir("word_scores");
  // Three items of words, stored in reverse order (sort_by puts them back).
  const std::vector<std::string> items = {
      "Once upon a time there was a little girl named Lily who liked to play in the park",
      "One day she saw a big red ball under a tree and she ran to get it",
      "The sun was warm and the birds were happy so Lily sang a song with her mom"};
  std::vector<std::vector<std::string>> words;
  for (const std::string& text : items) {
    std::istringstream in(text);
    words.emplace_back();
    for (std::string w; in >> w;) words.back().push_back(w);
  }
  std::mt19937_64 rng(28);
  std::normal_distribution<double> normal(300.0, 30.0);
  std::vector<std::string> rows;
  for (std::size_t s = 0; s < words.size(); ++s) {
    for (std::size_t p = 0; p < words[s].size(); ++p) {
      std::ostringstream row;
      row << s << "\t" << p << "\t" << words[s][p] << "\t" << normal(rng) << "\n";
      rows.push_back(row.str());
    }
  }
  std::string table = "story\tposition\tword\trt\n";
  for (auto r = rows.rbegin(); r != rows.rend(); ++r) table += *r;
  std::ofstream(dir / "t.tsv") << table;
  std::ofstream(dir / "t.json") << R"({"name": "word-scores", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["story", "position"], "word": "word"},
    "responses": {"columns": ["rt"]}, "groups": {"column": "story"}, "split": {"kind": "grouped", "folds": 3},
    "methods": [{"name": "lm", "kind": "language_model", "layers": ["block_0"], "scores": ["surprisal", "entropy"], "lag_words": [0, 1]}]})";

  const BuiltBenchmark built = build_benchmark_file(dir / "t.json", data, dir / "out", {MethodFamily::kActivations});

  // The same words as a text file, one item per line, through the pipeline directly.
  std::ofstream(dir / "items.txt") << items[0] << "\n" << items[1] << "\n" << items[2] << "\n";
  extract_lines(data, dir / "items.txt", dir / "direct", {extract::Feature::kActivations, extract::Feature::kEntropy});

  for (const std::string score : {"surprisal", "entropy"}) {
    SCOPED_TRACE(score);
    const Eigen::MatrixXd direct = io::read_npy_matrix(dir / "direct" / (score + ".npy"));
    const Method* m = find_method(built.methods, "trained/" + score);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->family, score);
    EXPECT_TRUE(m->ranked);
    ASSERT_EQ(m->x.rows(), direct.rows());
    ASSERT_EQ(m->x.cols(), 2);  // lag 0, lag 1
    EXPECT_EQ(m->column_labels, (std::vector<std::string>{"lag 0", "lag 1"}));
    Eigen::Index row = 0;
    for (std::size_t s = 0; s < words.size(); ++s) {
      for (std::size_t p = 0; p < words[s].size(); ++p, ++row) {
        EXPECT_EQ(m->x(row, 0), direct(row, 0)) << row;
        EXPECT_GT(m->x(row, 0), 0.0) << row;
        // Spillover: the previous word of the same item; the first word of an item has none.
        EXPECT_EQ(m->x(row, 1), p == 0 ? 0.0 : direct(row - 1, 0)) << row;
      }
    }
  }
  // The layer's activations get the same lags: twice the model's width.
  const Method* layer = find_method(built.methods, "trained/activations_block_0");
  ASSERT_NE(layer, nullptr);
  const Eigen::MatrixXd act = io::read_npy_matrix(dir / "direct" / "activations_block_0.npy");
  ASSERT_EQ(layer->x.cols(), 2 * act.cols());
  EXPECT_EQ(layer->x.row(1).tail(act.cols()), act.row(0));
  EXPECT_EQ(layer->x.row(words[0].size()).tail(act.cols()), Eigen::RowVectorXd::Zero(act.cols()));
}

// Every word is read in context (issue 28 item 4): rows.text gives each item's whole text, so the
// words without a row (here the first word of every item, and one word in the middle) are still
// read by the model before the words that follow them, and rows.context puts text before an item
// that is read but never scored. The scores of the rows are those of a direct run_extract of the
// whole texts; spillover (lag_words) counts the words of the text, rows or not.
TEST(WordScores, EveryWordOfAnItemIsReadInContext) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const fs::path dir = testing::scratch_dir("word_context");
  const std::vector<std::string> items = {
      "Once upon a time there was a little girl named Lily who liked to play in the park",
      "One day she saw a big red ball under a tree and she ran to get it",
      "The sun was warm and the birds were happy so Lily sang a song with her mom"};
  const std::vector<std::string> context = {"", "", "Lily was tired."};
  std::vector<std::vector<std::string>> words;
  for (const std::string& text : items) {
    std::istringstream in(text);
    words.emplace_back();
    for (std::string w; in >> w;) words.back().push_back(w);
  }
  const auto has_row = [](std::size_t s, std::size_t p) { return p != 0 && !(s == 1 && p == 5); };
  std::mt19937_64 rng(4);
  std::normal_distribution<double> normal(300.0, 30.0);
  std::vector<std::string> rows;
  for (std::size_t s = 0; s < words.size(); ++s) {
    for (std::size_t p = 0; p < words[s].size(); ++p) {
      if (!has_row(s, p)) continue;
      std::ostringstream row;
      row << s << "\t" << p << "\t" << words[s][p] << "\t" << items[s] << "\t" << context[s] << "\t" << normal(rng) << "\n";
      rows.push_back(row.str());
    }
  }
  std::string table = "story\tposition\tword\tsentence\tbefore\trt\n";
  for (auto r = rows.rbegin(); r != rows.rend(); ++r) table += *r;
  std::ofstream(dir / "t.tsv") << table;
  std::ofstream(dir / "t.json") << R"({"name": "word-context", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["story", "position"], "word": "word",
      "text": {"column": "sentence"}, "position": {"column": "position", "first": 0}, "context": {"column": "before"}},
    "responses": {"columns": ["rt"]}, "groups": {"column": "story"}, "split": {"kind": "grouped", "folds": 3},
    "controls": [{"name": "length", "kind": "word_length", "lag_words": [0, 1]}, {"name": "position", "kind": "position"}],
    "methods": [{"name": "lm", "kind": "language_model", "layers": ["block_0"], "scores": ["surprisal", "entropy"], "lag_words": [0, 1]}]})";

  // `benchmark check` says what the model reads: 48 words with rows, the 52 words of the three texts
  // and the 3 words of context.
  EXPECT_NE(check_benchmark_file(dir / "t.json", data)
                .find("words       " + std::to_string(rows.size()) + " words, one per row; the language model reads 55 words: the whole "
                      "texts of 3 items (rows.text, 4 of their words have no row) and 3 words of context before them (rows.context)"),
            std::string::npos);

  const BuiltBenchmark built =
      build_benchmark_file(dir / "t.json", data, dir / "out", {MethodFamily::kActivations, MethodFamily::kControls});

  // The whole texts, context first, one item per line, through the pipeline directly.
  std::ofstream lines(dir / "items.txt");
  std::vector<Eigen::Index> first_word;  // per item: the index of its first word among all words read
  Eigen::Index read = 0;
  for (std::size_t s = 0; s < items.size(); ++s) {
    std::istringstream in(context[s]);
    for (std::string w; in >> w;) ++read;
    first_word.push_back(read);
    read += static_cast<Eigen::Index>(words[s].size());
    lines << (context[s].empty() ? "" : context[s] + " ") << items[s] << "\n";
  }
  lines.close();
  extract_lines(data, dir / "items.txt", dir / "direct", {extract::Feature::kActivations, extract::Feature::kEntropy});

  for (const std::string score : {"surprisal", "entropy"}) {
    SCOPED_TRACE(score);
    const Eigen::MatrixXd direct = io::read_npy_matrix(dir / "direct" / (score + ".npy"));
    ASSERT_EQ(direct.rows(), read);
    const Method* m = find_method(built.methods, "trained/" + score);
    ASSERT_NE(m, nullptr);
    ASSERT_EQ(m->x.rows(), static_cast<Eigen::Index>(rows.size()));
    ASSERT_EQ(m->x.cols(), 2);
    Eigen::Index row = 0;
    for (std::size_t s = 0; s < words.size(); ++s) {
      for (std::size_t p = 0; p < words[s].size(); ++p) {
        if (!has_row(s, p)) continue;
        const Eigen::Index w = first_word[s] + static_cast<Eigen::Index>(p);
        EXPECT_EQ(m->x(row, 0), direct(w, 0)) << row;
        EXPECT_EQ(m->x(row, 1), direct(w - 1, 0)) << row;  // the previous word of the text, with a row or not
        ++row;
      }
    }
  }
  // word_length's spillover counts the text's words too: "upon" (row 1) follows "Once" (no row).
  const Method* length = find_method(built.methods, "control/length");
  ASSERT_NE(length, nullptr);
  EXPECT_EQ(length->x(0, 0), 4.0);
  EXPECT_EQ(length->x(0, 1), 4.0);
  EXPECT_EQ(length->x(4, 1), 5.0);  // "was" after "there"
  // A position counts the words of the text: "upon" (row 0) is word 2 of its item.
  const Method* position = find_method(built.methods, "control/position");
  ASSERT_NE(position, nullptr);
  EXPECT_EQ(position->x(0, 0), 2.0);

  // Filters leave rows out after the model has read them (issue 28 item 5): with the sentence-final
  // rows filtered out, the other rows keep their values (bit for bit) and their lags.
  std::string with_filter;
  {
    std::ifstream in(dir / "t.json");
    with_filter.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  with_filter.replace(with_filter.rfind('}'), 1, R"(, "filter": [{"rule": "sentence_final"}]})");
  std::ofstream(dir / "t.json") << with_filter;
  const BuiltBenchmark filtered =
      build_benchmark_file(dir / "t.json", data, dir / "out", {MethodFamily::kActivations, MethodFamily::kControls});
  const Method* all = find_method(built.methods, "trained/surprisal");
  const Method* some = find_method(filtered.methods, "trained/surprisal");
  ASSERT_NE(some, nullptr);
  ASSERT_EQ(some->x.rows(), all->x.rows() - 3);  // the three items' last words have rows
  Eigen::Index row = 0, kept = 0;
  for (std::size_t s = 0; s < words.size(); ++s) {
    for (std::size_t p = 0; p < words[s].size(); ++p) {
      if (!has_row(s, p)) continue;
      if (p + 1 != words[s].size()) EXPECT_EQ(some->x.row(kept++), all->x.row(row)) << row;
      ++row;
    }
  }
}

// rows.context.previous_items: the texts of the items before each (within the same story) are read
// before it, never scored; the surprisal of an item's words is that of the direct extract of the
// joined texts.
TEST(WordScores, PreviousItemsOfTheSameStoryAreContext) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const fs::path dir = testing::scratch_dir("word_previous_items");
  const std::vector<std::string> items = {"Lily had a red ball", "She played with it in the park", "Tom saw a big dog"};
  const std::vector<int> story = {1, 1, 2};
  std::string table = "story\titem\tpos\tword\ttext\trt\n";
  int k = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::istringstream in(items[i]);
    int p = 1;
    for (std::string w; in >> w; ++p, ++k) {
      table += std::to_string(story[i]) + "\t" + std::to_string(i + 1) + "\t" + std::to_string(p) + "\t" + w + "\t" + items[i] + "\t" +
               std::to_string(300 + (k * 37) % 50) + "\n";
    }
  }
  std::ofstream(dir / "t.tsv") << table;
  std::ofstream(dir / "t.json") << R"({"name": "previous-items", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word",
      "text": {"column": "text"}, "position": "pos", "context": {"previous_items": 1, "within": "story"}},
    "responses": {"columns": ["rt"]}, "groups": {"column": "item"}, "split": {"kind": "grouped", "folds": 3},
    "methods": [{"name": "lm", "kind": "language_model", "layers": ["block_0"], "scores": ["surprisal"]}]})";
  EXPECT_NE(check_benchmark_file(dir / "t.json", data).find("and 5 words of context before them (rows.context)"), std::string::npos);
  const BuiltBenchmark built = build_benchmark_file(dir / "t.json", data, dir / "out", {MethodFamily::kActivations});
  std::ofstream(dir / "items.txt") << items[0] << "\n" << items[0] << " " << items[1] << "\n" << items[2] << "\n";
  extract_lines(data, dir / "items.txt", dir / "direct");
  const Eigen::MatrixXd direct = io::read_npy_matrix(dir / "direct" / "surprisal.npy");
  ASSERT_EQ(direct.rows(), 5 + 5 + 7 + 5);
  const Method* m = find_method(built.methods, "trained/surprisal");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->x.rows(), 17);
  // Item 1: read words 0..4; item 2: words 10..16 (after item 1 again, as context); item 3: 17..21.
  for (Eigen::Index r = 0; r < 5; ++r) EXPECT_EQ(m->x(r, 0), direct(r, 0)) << r;
  for (Eigen::Index r = 5; r < 12; ++r) EXPECT_EQ(m->x(r, 0), direct(r + 5, 0)) << r;
  for (Eigen::Index r = 12; r < 17; ++r) EXPECT_EQ(m->x(r, 0), direct(r + 5, 0)) << r;
  EXPECT_NE(m->x(5, 0), direct(5, 0));  // "She" after "... red ball" is not "She" at the start of a text
}

// rows.text names what does not fit: a row whose word is not the text's word at its position, an
// item whose rows disagree on its text, a position outside the text, and keys given without it.
TEST(WordScores, TextThatDoesNotFitTheRowsIsNamed) {
  const fs::path dir = testing::scratch_dir("word_context_bad");
  const auto error_of = [&](const std::string& table, const std::string& rows_keys) {
    std::ofstream(dir / "t.tsv") << table;
    std::ofstream(dir / "t.json") << R"({"name": "bad", "rows": {"kind": "table", "file": "t.tsv", "sort_by": ["item", "pos"], "word": "word", )" +
                                         rows_keys + R"(}, "responses": {"columns": ["rt"]}, "groups": {"column": "item"}, "split": {"folds": 2},
      "controls": [{"name": "length", "kind": "word_length"}]})";
    try {
      check_benchmark_file(dir / "t.json", {});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string keys = R"("text": {"column": "text"}, "position": "pos")";
  const std::string good = "item\tpos\tword\ttext\trt\n1\t2\tcat\tthe cat sat\t1\n1\t3\tsat\tthe cat sat\t2\n2\t1\ta\ta dog\t3\n2\t2\tdog\ta dog\t4\n";
  EXPECT_EQ(error_of(good, keys), "no error");
  EXPECT_NE(error_of("item\tpos\tword\ttext\trt\n1\t2\tcat\tthe cat sat\t1\n1\t3\tmat\tthe cat sat\t2\n", keys)
                .find("t.json: rows.word: row 2 after rows.sort_by (data row 2 of t.tsv, item=1 pos=3) says 'mat', but word 3 of its "
                      "item's text (rows.text) is 'sat'"),
            std::string::npos);
  EXPECT_NE(error_of("item\tpos\tword\ttext\trt\n1\t2\tcat\tthe cat sat\t1\n1\t3\tsat\tthe cat sits\t2\n", keys)
                .find("rows.text: row 2 after rows.sort_by (data row 2 of t.tsv, item=1 pos=3) gives its item another text than row 1"),
            std::string::npos);
  EXPECT_NE(error_of("item\tpos\tword\ttext\trt\n1\t4\tcat\tthe cat sat\t1\n", keys)
                .find("rows.position: row 1 after rows.sort_by (data row 1 of t.tsv, item=1 pos=4): position 4 is not in its item's "
                      "text (3 words, the first at 1)"),
            std::string::npos);
  // Positions are decimal numbers: "0x2" (which strtod reads as 2) is an error naming the cell.
  const std::string hex = error_of("item\tpos\twpos\tword\ttext\trt\n1\t1\t0x2\tcat\tthe cat sat\t1\n",
                                   R"("text": {"column": "text"}, "position": "wpos")");
  EXPECT_NE(hex.find("rows.position: "), std::string::npos) << hex;
  EXPECT_NE(hex.find("\"0x2\" is not a number"), std::string::npos) << hex;
  EXPECT_NE(error_of(good, R"("position": "pos")").find("rows.position: places rows in rows.text; give rows.text"), std::string::npos);
  EXPECT_NE(error_of(good, R"("text": {"column": "text"})").find("rows.text: needs rows.position"), std::string::npos);
}

TEST(WordScores, BadScoresAndLagsAreNamed) {
  const fs::path dir = testing::scratch_dir("word_scores_bad");
  std::ofstream(dir / "t.tsv") << "story\tposition\tword\trt\n0\t0\ta\t1\n0\t1\tb\t2\n";
  const auto error_of = [&](const std::string& method) {
    std::ofstream(dir / "t.json") << R"({"name": "bad", "rows": {"kind": "table", "file": "t.tsv", "word": "word"},
      "responses": {"columns": ["rt"]}, "methods": [)" + method + "]}";
    try {
      check_benchmark_file(dir / "t.json", {});
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(R"({"name": "lm", "kind": "language_model", "scores": ["surprisal", "perplexity"]})")
                .find("t.json: methods[0].scores[1]: 'perplexity' is not a word score (surprisal, entropy)"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "lm", "kind": "language_model", "scores": ["entropy", "entropy"]})")
                .find("methods[0].scores[1]: 'entropy' is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "lm", "kind": "language_model", "lag_words": [0, -1]})").find("methods[0].lag_words[1]"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "lm", "kind": "language_model", "lag_words": [1, 1]})")
                .find("methods[0].lag_words[1]: lag 1 is listed twice"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"name": "lm", "kind": "language_model", "lag_words": []})").find("lists no lag"), std::string::npos);
  // Lags are for per-word methods only.
  EXPECT_NE(error_of(R"({"name": "p", "kind": "position", "lag_words": [1]})").find("lag_words"), std::string::npos);
}

}  // namespace
}  // namespace neuroscore::benchmarks
