// `neuroscore extract`'s command line (benchmarks/cli/extract_args.hpp): flags to the typed
// extract::FeatureRequest, and the values it refuses with the messages the command always gave.
#include "benchmarks/cli/extract_args.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace neuroscore::cli {
namespace {

using namespace neuroscore::extract;

const std::vector<std::string> kRequired = {"--model", "/m.bin", "--tokenizer", "/t.bin", "--stimulus", "/s.txt",
                                            "--out", "/o"};

std::vector<std::string> with(std::vector<std::string> more) {
  std::vector<std::string> args = kRequired;
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

// The message parse_extract_args throws for `args`, or "" when it does not throw.
std::string error_of(const std::vector<std::string>& args) {
  try {
    parse_extract_args(args);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ExtractArgs, FlagsMapToTheRequest) {
  bool help = false;
  const FeatureRequest r = parse_extract_args(
      {"--model", "/m.bin", "--tokenizer", "/t.bin", "--stimulus", "/s.txt", "--out", "/o", "--model-variant",
       "noise:0.2:3", "--segments", "lines", "--segment-pool", "last", "--features", "activations,grad_norm",
       "--context", "20", "--ig-steps", "7"},
      &help);
  EXPECT_FALSE(help);
  EXPECT_EQ(r.model_variant.kind, ModelVariant::Kind::kNoise);
  EXPECT_EQ(r.model_variant.rel_sd, 0.2);
  EXPECT_EQ(r.model_variant.seed, 3U);
  EXPECT_EQ(to_string(r.model_variant), "noise:0.2:3");
  EXPECT_EQ(r.stimulus.path, "/s.txt");
  EXPECT_TRUE(r.stimulus.words.words.empty());
  EXPECT_EQ(r.stimulus.segments, Segments::kLines);
  EXPECT_EQ(r.segment_pool, SegmentPool::kLast);
  EXPECT_EQ(r.features, (std::vector<Feature>{Feature::kActivations, Feature::kGradNorm}));
  EXPECT_EQ(r.context_words, 20);
  EXPECT_EQ(r.ig_steps, 7);
  parse_extract_args({"--help"}, &help);
  EXPECT_TRUE(help);
  EXPECT_THROW(parse_extract_args({"--stimulus", "s", "--bogus", "1"}), std::invalid_argument);
  EXPECT_THROW(parse_extract_args({"--stimulus", "s", "--context", "-1"}), std::invalid_argument);
  EXPECT_NE(std::string(extract_usage()).find("--model-variant"), std::string::npos);
}

TEST(ExtractArgs, DefaultsAreThePipelines) {
  const FeatureRequest r = parse_extract_args(kRequired);
  const FeatureRequest d;
  EXPECT_EQ(r.features, d.features);
  EXPECT_EQ(r.model_variant.kind, ModelVariant::Kind::kTrained);
  EXPECT_EQ(r.stimulus.segments, Segments::kNone);
  EXPECT_EQ(r.stimulus.textgrid_tier, "");
  EXPECT_EQ(r.segment_pool, SegmentPool::kNone);
  EXPECT_EQ(r.lags, 10);
  EXPECT_EQ(r.threads, 1);
  EXPECT_EQ(r.dtype, Precision::kFloat32);
  EXPECT_EQ(r.target, AttributionTarget::kLogProbability);
  EXPECT_EQ(r.baseline.kind, AttributionBaseline::Kind::kZero);
  EXPECT_EQ(r.quadrature, IntegrationRule::kGaussLegendre);
  EXPECT_EQ(r.ig_steps, 50);
  EXPECT_EQ(r.conductance_steps, -1);
  EXPECT_EQ(r.batch_elements, std::int64_t{1} << 16);
  EXPECT_EQ(r.erasure, Erasure::kRemove);
  EXPECT_EQ(r.activation_pooling, WordPooling::kLast);
  EXPECT_EQ(r.attribution_pooling, WordPooling::kSum);
}

// Every value name parses to the value whose to_string it is (one vocabulary both ways).
TEST(ExtractArgs, ValueNamesRoundTrip) {
  for (const std::string f : {"activations", "attention", "grad_norm", "grad_x_input", "integrated_gradients",
                              "erasure", "conductance", "entropy"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--features", f})).features.at(0)), f);
  }
  for (const std::string v : {"trained", "untrained:1", "noise:0:1", "noise:0.05:1", "noise:0.8:12"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--model-variant", v})).model_variant), v);
  }
  for (const std::string p : {"none", "last", "mean", "last-token"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--segments", "lines", "--segment-pool", p})).segment_pool), p);
  }
  for (const std::string t : {"logprob", "logit", "argmax-logprob", "argmax-logit"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--target", t})).target), t);
  }
  for (const std::string b : {"zero", "mean", "token:0", "token:17"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--baseline", b})).baseline), b);
  }
  for (const std::string q : {"gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--quadrature", q})).quadrature), q);
  }
  for (const std::string e : {"remove", "replace", "remove-word"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--erasure", e})).erasure), e);
  }
  for (const std::string p : {"last", "first", "mean", "sum", "absmax"}) {
    EXPECT_EQ(to_string(parse_extract_args(with({"--activation-pooling", p})).activation_pooling), p);
    EXPECT_EQ(to_string(parse_extract_args(with({"--attribution-pooling", p})).attribution_pooling), p);
  }
  EXPECT_EQ(to_string(parse_extract_args(with({"--dtype", "float64"})).dtype), "float64");
  // Layers (named in benchmark files, not by a flag of extract).
  for (const std::string l : {"embedding", "block_0", "block_7", "block_12"}) {
    EXPECT_EQ(to_string(parse_model_layer(l, "layers")), l);
  }
  EXPECT_EQ(parse_model_layer("block_2", "layers"), ModelLayer::block(2));
  for (const std::string bad : {"surprisal", "block_", "block_-1", "block_+1", "block_1x", "Block_1", "embeddings", ""}) {
    EXPECT_THROW(parse_model_layer(bad, "layers"), std::invalid_argument) << bad;
  }
}

// The messages run_extract gave when it parsed the strings itself.
TEST(ExtractArgs, RefusedValuesNameTheFlag) {
  EXPECT_EQ(error_of({"--model", "m"}), "--stimulus is required");
  EXPECT_EQ(error_of({"--stimulus", "s"}), "--out is required");
  EXPECT_EQ(error_of({"--stimulus", "s", "--out", "o"}), "--model is required");
  EXPECT_EQ(error_of({"--stimulus", "s", "--out", "o", "--model", "m"}), "--tokenizer is required");
  EXPECT_EQ(error_of(with({"--threads", "0"})), "--threads must be >= 1");
  EXPECT_EQ(error_of(with({"--features", "activations,bogus"})),
            "unknown feature 'bogus' (known: activations, attention, grad_norm, grad_x_input, integrated_gradients, "
            "erasure, conductance, entropy)");
  EXPECT_EQ(error_of(with({"--features", ","})), "--features lists no feature");
  EXPECT_EQ(error_of(with({"--dtype", "half"})), "--dtype wants float32 or float64, got 'half'");
  EXPECT_EQ(error_of(with({"--model-variant", "noise:x:1"})), "--model-variant 'noise:x:1': REL_SD 'x' is not a number >= 0");
  EXPECT_EQ(error_of(with({"--model-variant", "untrained:-1"})),
            "--model-variant 'untrained:-1': seed '-1' is not a non-negative integer");
  EXPECT_EQ(error_of(with({"--model-variant", "noise:0.1"})), "--model-variant noise wants noise:REL_SD:SEED, got 'noise:0.1'");
  EXPECT_EQ(error_of(with({"--model-variant", "big"})),
            "--model-variant wants trained, untrained:SEED or noise:REL_SD:SEED, got 'big'");
  EXPECT_EQ(error_of(with({"--segments", "words"})), "--segments wants none or lines, got 'words'");
  EXPECT_EQ(error_of(with({"--segment-pool", "first"})),
            "--segment-pool wants none, last, mean or last-token, got 'first'");
  EXPECT_EQ(error_of(with({"--activation-pooling", "max"})),
            "--activation-pooling wants last, first, mean, sum or absmax, got 'max'");
  EXPECT_EQ(error_of(with({"--target", "prob"})),
            "--target wants logprob, logit, argmax-logprob or argmax-logit, got 'prob'");
  EXPECT_EQ(error_of(with({"--baseline", "one"})), "--baseline wants zero, mean or token:ID, got 'one'");
  EXPECT_EQ(error_of(with({"--quadrature", "simpson"})),
            "--quadrature wants gausslegendre or riemann_{left,right,middle,trapezoid}, got 'simpson'");
  EXPECT_EQ(error_of(with({"--erasure", "mask"})), "--erasure wants remove, replace or remove-word, got 'mask'");
  EXPECT_EQ(error_of(with({"--context"})), "unknown option or missing value: --context");
}

}  // namespace
}  // namespace neuroscore::cli
