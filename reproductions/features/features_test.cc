// reproductions/features/features_test.cc: the cached feature artifacts have the words, segments
// and array shapes their consumers rely on, and their perplexities order as the model-quality and
// context series say (Mischler et al. 2024: M1 needs a quality series, M3 a context series).
#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/io/npy.hpp"
#include "tests/testing/data.hpp"

namespace {

namespace fs = std::filesystem;

const fs::path kDir = "reproductions/features";
constexpr Eigen::Index kDim = 64;    // stories260K
constexpr Eigen::Index kLayers = 6;  // embedding + 5 blocks

nlohmann::json manifest(const std::string& target) {
  std::ifstream in(kDir / target / "manifest.json");
  if (!in) throw std::runtime_error("no manifest for " + target);
  nlohmann::json j;
  in >> j;
  return j;
}

Eigen::MatrixXd array(const std::string& target, const std::string& name) {
  return neuroscore::io::read_npy_matrix(kDir / target / (name + ".npy"));
}

void expect_shape(const std::string& target, const std::string& name, Eigen::Index rows, Eigen::Index cols) {
  const Eigen::MatrixXd m = array(target, name);
  EXPECT_EQ(m.rows(), rows) << target << "/" << name;
  EXPECT_EQ(m.cols(), cols) << target << "/" << name;
  EXPECT_TRUE(m.allFinite()) << target << "/" << name;
}

double perplexity(const std::string& target) { return manifest(target)["perplexity"]["perplexity"].get<double>(); }

TEST(AliceFeatures, WordsAreLoadAliceWordsInOrder) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  const neuroscore::datasets::AliceData alice = neuroscore::datasets::load_alice(root);
  for (const std::string target : {"alice_trained", "alice_untrained", "alice_noise_0p4", "alice_context_1"}) {
    const std::vector<std::string> words = manifest(target)["words"].get<std::vector<std::string>>();
    ASSERT_EQ(words.size(), alice.words.size()) << target;
    // The extract tool trims the interval text ("and " at word 723 of the TextGrid is read as "and").
    for (std::size_t i = 0; i < words.size(); ++i) {
      std::string expected = alice.words[i].text;
      expected.erase(expected.find_last_not_of(" \t") + 1);
      expected.erase(0, expected.find_first_not_of(" \t"));
      ASSERT_EQ(words[i], expected) << target << " word " << i;
    }
  }
}

TEST(AliceFeatures, EveryFeatureHasOneRowPerWord) {
  for (const std::string target : {"alice_trained", "alice_untrained"}) {
    const nlohmann::json m = manifest(target);
    const auto w = static_cast<Eigen::Index>(m["words"].size());
    EXPECT_EQ(m["options"]["context_words"].get<int>(), 20);
    for (const std::string layer : {"embedding", "block_0", "block_4"}) expect_shape(target, "activations_" + layer, w, kDim);
    for (int b = 0; b < 5; ++b) {
      expect_shape(target, "attention_block_" + std::to_string(b), w, 10);
      expect_shape(target, "attention_per_head_block_" + std::to_string(b), w, 8 * 10);
      expect_shape(target, "conductance_block_" + std::to_string(b), w, 10);
    }
    for (const std::string name : {"grad_norm", "grad_x_input", "grad_x_input_l2", "integrated_gradients", "erasure"}) {
      expect_shape(target, name, w, 10);
    }
    expect_shape(target, "surprisal", w, 1);
    const Eigen::MatrixXd ctx = array(target, "context_words");
    EXPECT_EQ(ctx.maxCoeff(), 20.0) << target;
    EXPECT_EQ(ctx(0, 0), 0.0) << target;
    // IG from the mean embedding converges: the completeness gap is small next to f(x) - f(b).
    const Eigen::MatrixXd comp = array(target, "integrated_gradients_completeness");
    double gap = 0.0, diff = 0.0;
    for (Eigen::Index i = 0; i + 1 < comp.rows(); ++i) {
      gap += std::abs(comp(i, 2));
      diff += std::abs(comp(i, 0) - comp(i, 1));
    }
    // Measured: 0.077 on the first 100 words of the trained model with 40 nodes (10 nodes: 1.5).
    EXPECT_LT(gap, 0.15 * diff) << target << ": mean |gap| " << gap / comp.rows() << ", mean |f(x)-f(b)| "
                               << diff / comp.rows();
  }
  // The untrained model is a different function: its activations differ from the trained ones.
  EXPECT_GT((array("alice_trained", "activations_block_4") - array("alice_untrained", "activations_block_4"))
                .cwiseAbs()
                .maxCoeff(),
            0.1);
}

// The perplexity is the exponential of the mean per-token negative log-likelihood, whose terms are
// surprisal.npy; tokens_scored is every token of the stimulus (BOS starts every window).
TEST(AliceFeatures, PerplexityIsTheMeanOfTheSurprisals) {
  const nlohmann::json m = manifest("alice_trained");
  const Eigen::MatrixXd s = array("alice_trained", "surprisal");
  const auto tokens = m["perplexity"]["tokens_scored"].get<double>();
  EXPECT_EQ(tokens, m["perplexity"]["tokens_total"].get<double>());
  EXPECT_NEAR(m["perplexity"]["nll_per_token"].get<double>(), s.sum() / tokens, 1e-9);
  EXPECT_NEAR(m["perplexity"]["perplexity"].get<double>(), std::exp(s.sum() / tokens), 1e-6);
}

// Noise of 0 is the trained model itself; more noise, worse model (strictly higher perplexity).
TEST(AliceFeatures, NoiseSeriesDegradesTheModel) {
  EXPECT_EQ((array("alice_noise_0", "activations_block_4") - array("alice_trained", "activations_block_4"))
                .cwiseAbs()
                .maxCoeff(),
            0.0);
  EXPECT_DOUBLE_EQ(perplexity("alice_noise_0"), perplexity("alice_trained"));
  const std::vector<std::string> series = {"alice_noise_0", "alice_noise_0p05", "alice_noise_0p1",
                                           "alice_noise_0p2", "alice_noise_0p4", "alice_noise_0p8"};
  for (std::size_t i = 1; i < series.size(); ++i) {
    EXPECT_GT(perplexity(series[i]), perplexity(series[i - 1])) << series[i] << " vs " << series[i - 1];
  }
  // An untrained model (initializer sd 0.02) predicts nearly uniformly over the 512 tokens. Heavy
  // noise is worse than uniform: a damaged trained model is confidently wrong.
  EXPECT_NEAR(std::log(perplexity("alice_untrained")), std::log(512.0), 0.1);
  EXPECT_GT(perplexity("alice_noise_0p8"), perplexity("alice_untrained"));
}

// More context, better prediction: perplexity falls from 1 to 64 preceding words. Adjacent
// steps may plateau once the context exceeds what the model uses; allow 1% there.
TEST(AliceFeatures, ContextSeriesLowersPerplexity) {
  const std::vector<int> contexts = {1, 2, 4, 8, 16, 32, 64};
  for (std::size_t i = 1; i < contexts.size(); ++i) {
    const double prev = perplexity("alice_context_" + std::to_string(contexts[i - 1]));
    const double cur = perplexity("alice_context_" + std::to_string(contexts[i]));
    EXPECT_LT(cur, prev * 1.01) << contexts[i] << " vs " << contexts[i - 1];
  }
  EXPECT_LT(perplexity("alice_context_64"), 0.9 * perplexity("alice_context_1"));
}

TEST(PereiraFeatures, SixHundredTwentySevenSentenceRows) {
  for (const std::string target : {"pereira_trained", "pereira_untrained"}) {
    const nlohmann::json m = manifest(target);
    EXPECT_EQ(m["stimulus"]["n_segments"].get<int>(), 627) << target;
    const auto w = static_cast<Eigen::Index>(m["words"].size());
    const Eigen::MatrixXd seg = array(target, "segment");
    ASSERT_EQ(seg.rows(), w);
    EXPECT_EQ(seg(0, 0), 0.0);
    EXPECT_EQ(seg(w - 1, 0), 626.0);
    for (Eigen::Index i = 1; i < w; ++i) ASSERT_LE(seg(i, 0) - seg(i - 1, 0), 1.0);
    // Context never crosses a sentence: the first word of each sentence has 0 context words.
    const Eigen::MatrixXd ctx = array(target, "context_words");
    for (Eigen::Index i = 0; i < w; ++i) {
      if (i == 0 || seg(i, 0) != seg(i - 1, 0)) {
        ASSERT_EQ(ctx(i, 0), 0.0) << "word " << i;
      }
    }
    for (const std::string layer : {"embedding", "block_0", "block_4"}) {
      expect_shape(target, "segment_activations_" + layer, 627, kDim);
      // Row s is the last word of sentence s.
      const Eigen::MatrixXd words = array(target, "activations_" + layer);
      const Eigen::MatrixXd sent = array(target, "segment_activations_" + layer);
      Eigen::Index s = 0;
      for (Eigen::Index i = 0; i < w; ++i) {
        if (i + 1 == w || seg(i + 1, 0) != seg(i, 0)) {
          ASSERT_EQ((sent.row(s) - words.row(i)).cwiseAbs().maxCoeff(), 0.0) << "sentence " << s;
          ++s;
        }
      }
      EXPECT_EQ(s, 627);
    }
  }
  // The first sentence of the 384 set opens the file; the first of the 243 set is segment 384.
  const nlohmann::json m = manifest("pereira_trained");
  EXPECT_EQ(m["words"][0].get<std::string>(), "An");
  EXPECT_EQ(m["dataset"]["experiment_sentences"][0].get<int>(), 384);
  EXPECT_EQ(m["dataset"]["experiment_sentences"][1].get<int>(), 243);
}

TEST(NaturalStoriesFeatures, TenThousandTwoHundredFiftySixWordsInTenStories) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  // The expected order, computed independently: processed_wordinfo.tsv sorted by (item, zone).
  std::ifstream in(root / "naturalstories_futrell2018" / "processed_wordinfo.tsv");
  ASSERT_TRUE(in);
  std::string line;
  std::getline(in, line);
  std::map<std::pair<int, int>, std::string> rows;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string word, zone, item;
    std::getline(f, word, '\t');
    std::getline(f, zone, '\t');
    std::getline(f, item, '\t');
    rows[{std::stoi(item), std::stoi(zone)}] = word;
  }
  ASSERT_EQ(rows.size(), 10256u);
  for (const std::string target : {"naturalstories_trained", "naturalstories_untrained"}) {
    const nlohmann::json m = manifest(target);
    const std::vector<std::string> words = m["words"].get<std::vector<std::string>>();
    ASSERT_EQ(words.size(), 10256u) << target;
    EXPECT_EQ(m["stimulus"]["n_segments"].get<int>(), 10);
    const Eigen::MatrixXd seg = array(target, "segment");
    std::size_t i = 0;
    for (const auto& [key, word] : rows) {
      ASSERT_EQ(words[i], word) << target << " word " << i;
      ASSERT_EQ(seg(static_cast<Eigen::Index>(i), 0), key.first - 1) << target << " word " << i;
      ++i;
    }
    for (const std::string layer : {"embedding", "block_4"}) expect_shape(target, "activations_" + layer, 10256, kDim);
    expect_shape(target, "surprisal", 10256, 1);
  }
  EXPECT_LT(perplexity("naturalstories_trained"), perplexity("naturalstories_untrained"));
}

}  // namespace
