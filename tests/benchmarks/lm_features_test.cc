// The leaderboard's feature cache key (benchmarks/brain/lm_features.hpp) is the one it was before
// the extract request became typed, so caches written by earlier builds stay valid; and words in
// memory share the key of the text file holding them.
#include "benchmarks/brain/lm_features.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "neuroscore/datasets/naturalstories.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;
using namespace neuroscore::extract;

TEST(LmFeatures, ModelNamesAreVariants) {
  EXPECT_EQ(to_string(parse_leaderboard_model("trained", "--models").variant), "trained");
  EXPECT_EQ(to_string(parse_leaderboard_model("untrained:1", "--models").variant), "untrained:1");
  EXPECT_EQ(to_string(parse_leaderboard_model("noise:0.05:1", "--models").variant), "noise:0.05:1");
  EXPECT_EQ(parse_leaderboard_model("noise:0.05:1", "--models").variant.rel_sd, 0.05);
  // "untrained" is the seed-1 twin under its own label (method names untrained/...).
  const LeaderboardModel u = parse_leaderboard_model("untrained", "--models");
  EXPECT_EQ(u.label, "untrained");
  EXPECT_EQ(to_string(u.variant), "untrained:1");
  EXPECT_EQ(parse_leaderboard_model("untrained:7", "--models").label, "untrained:7");
  for (const std::string bad : {"untrained:", "untrained:x", "untrained:+1", "untrained: 1", "noise:0.1", "noise:-1:1",
                                "noise:x:1", "noise:0.1:", "noise:inf:1", "noise:nan:1", "big", ""}) {
    EXPECT_THROW(parse_leaderboard_model(bad, "--models"), std::invalid_argument) << bad;
  }
  try {
    parse_leaderboard_model("big", "--models");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "--models wants trained, untrained, untrained:SEED or noise:REL_SD:SEED, got 'big'");
  }
}

// The golden keys are the cache directories `neuroscore leaderboard` wrote at commit b0b5990 (the
// last commit with string requests) for the default models on stories260K, results/.cache of the
// main checkout: same inputs, same key.
TEST(LmFeatures, CacheKeysAreUnchanged) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(root);
  FeatureRequest q = leaderboard_feature_request();
  q.model_path = (root / "models/stories260K/stories260K.bin").string();
  q.tokenizer_path = (root / "models/stories260K/tok512.bin").string();
  const std::vector<Feature> word_features = {Feature::kActivations, Feature::kAttention, Feature::kGradNorm,
                                              Feature::kGradXInput};
  q.stimulus = Stimulus::file((root / "alice_brennan2016/words.TextGrid").string());
  q.features = word_features;
  EXPECT_EQ(lm_feature_key(q), "e888837d14495d1a86d4");
  q.model_variant = ModelVariant::untrained(1);
  EXPECT_EQ(lm_feature_key(q), "6f56f468fd09b9c65511");

  q.stimulus = Stimulus::file((root / "pereira2018/stimuli_384sentences.txt").string(), Segments::kLines);
  q.features = {Feature::kActivations};
  q.segment_pool = SegmentPool::kLast;
  EXPECT_EQ(lm_feature_key(q), "dac23e43108392198a4b");
  q.model_variant = ModelVariant::trained();
  EXPECT_EQ(lm_feature_key(q), "cff0f05e7758ccd5a3c5");

  // Natural Stories: one story per line, written to a file (as the built-in does) or in memory.
  const datasets::NaturalStoriesData d = datasets::load_naturalstories(root);
  SegmentedWords words;
  std::ostringstream text;
  for (std::size_t i = 0; i < d.words.size(); ++i) {
    if (i > 0) text << (d.story[i] != d.story[i - 1] ? '\n' : ' ');
    text << d.words[i];
    words.words.push_back(d.words[i]);
    words.segment_of.push_back(i == 0 ? 0 : words.segment_of.back() + (d.story[i] != d.story[i - 1] ? 1 : 0));
  }
  text << '\n';
  const fs::path file = neuroscore::testing::scratch_dir("lm_features") / "naturalstories_stories.txt";
  std::ofstream(file) << text.str();
  q.features = {Feature::kActivations, Feature::kAttention};
  q.segment_pool = SegmentPool::kNone;
  q.stimulus = Stimulus::file(file.string(), Segments::kLines);
  EXPECT_EQ(lm_feature_key(q), "743231a9c3bfea9c3ea6");
  q.stimulus = Stimulus::in_memory(words);
  EXPECT_EQ(lm_feature_key(q), "743231a9c3bfea9c3ea6");
  q.model_variant = ModelVariant::untrained(1);
  EXPECT_EQ(lm_feature_key(q), "f47ef10acea3e2361ad3");

  // Options the leaderboard leaves at the pipeline's defaults change the key when set.
  FeatureRequest other = q;
  other.dtype = Precision::kFloat64;
  EXPECT_NE(lm_feature_key(other), lm_feature_key(q));
  other = q;
  other.activation_pooling = WordPooling::kMean;
  EXPECT_NE(lm_feature_key(other), lm_feature_key(q));
  other = q;
  other.threads = 2;  // the same numbers, the same entry
  EXPECT_EQ(lm_feature_key(other), lm_feature_key(q));
}

}  // namespace
}  // namespace neuroscore::benchmarks
