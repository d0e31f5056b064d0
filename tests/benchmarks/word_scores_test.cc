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
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "extract/run_extract.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;

const Method* find_method(const std::vector<Method>& methods, const std::string& name) {
  for (const Method& m : methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

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

  LeaderboardRequest req;
  req.data_root = data;
  req.out_dir = dir / "out";
  req.methods = {MethodFamily::kActivations};
  req.models = {LeaderboardModel::trained()};
  std::ostringstream log;
  LeaderboardContext ctx(req, log);
  const BuiltBenchmark built = benchmark_file_entry(dir / "t.json", data).build(ctx);

  // The same words as a text file, one item per line, through the pipeline directly.
  std::ofstream(dir / "items.txt") << items[0] << "\n" << items[1] << "\n" << items[2] << "\n";
  extract::FeatureRequest q = leaderboard_feature_request();
  q.model_path = (data / "models/stories260K/stories260K.bin").string();
  q.tokenizer_path = (data / "models/stories260K/tok512.bin").string();
  q.stimulus = extract::Stimulus::file((dir / "items.txt").string(), extract::Segments::kLines);
  q.features = {extract::Feature::kActivations, extract::Feature::kEntropy};
  q.out_dir = (dir / "direct").string();
  extract::run_extract(q, nullptr);

  for (const std::string score : {"surprisal", "entropy"}) {
    SCOPED_TRACE(score);
    const Eigen::MatrixXd direct = io::read_npy_matrix(dir / "direct" / (score + ".npy"));
    const Method* m = find_method(built.methods, "trained/" + score);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->family, score);
    EXPECT_TRUE(m->ranked);
    ASSERT_EQ(m->x.rows(), direct.rows());
    ASSERT_EQ(m->x.cols(), 2);  // lag 0, lag 1
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
