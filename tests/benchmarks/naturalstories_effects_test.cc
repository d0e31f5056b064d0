// The shipped Natural Stories reading times through a benchmark file with the model's surprisal and
// entropy, over length, frequency and position (benchmarks/brain/examples/naturalstories_surprisal.json;
// issue 28 item 11): the signed effect of surprisal on log reading time, with its 95% bootstrap
// interval, is registered here as it comes out. The published direction is positive (Smith & Levy
// 2013: slower reading of less predictable words); the model shipped here is a 260K-parameter
// story model, so the test registers what it gives rather than expecting the published sign. A
// change of these numbers must be re-registered with the reason.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/signed_effects.hpp"
#include "tests/benchmarks/word_level_testing.hpp"
#include "tests/testing/data.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;

TEST(NaturalStoriesEffects, SurprisalAndEntropyEffectsAreRegistered) {
  NEUROSCORE_DATA_ROOT_OR_SKIP(data);
  const fs::path dir = testing::scratch_dir("naturalstories_effects");
  const BuiltBenchmark built =
      word_testing::build_benchmark_file("benchmarks/brain/examples/naturalstories_surprisal.json", data, dir / "out", {MethodFamily::kActivations, MethodFamily::kControls});
  EXPECT_EQ(built.benchmark.responses.rows(), 10256 - 10);  // the first word of each story filtered out
  const std::vector<SignedEffect> effects = signed_effects(built.benchmark, built.methods, 1000, Seed{7});
  std::string shown;
  for (const SignedEffect& e : effects) {
    shown += e.method + "[" + std::to_string(e.column) + "] " + std::to_string(e.coefficient) + " [" + std::to_string(e.ci_low) + ", " +
             std::to_string(e.ci_high) + "] (" + e.adjusted_for + ")" + (e.note.empty() ? "" : " " + e.note) + "\n";
  }
  RecordProperty("effects", shown);
  std::cout << shown;
  const auto find = [&](const std::string& method, long column) -> const SignedEffect* {
    for (const SignedEffect& e : effects) {
      if (e.method == method && e.column == column) return &e;
    }
    return nullptr;
  };
  const SignedEffect* surprisal = find("trained/surprisal", 0);
  ASSERT_NE(surprisal, nullptr);
  EXPECT_TRUE(surprisal->note.empty()) << surprisal->note;
  EXPECT_EQ(surprisal->adjusted_for, "length+frequency+position");
  // Registered at its first run (stories260K, 1000 resamples of 50-word blocks, seed 7), in log
  // reading time per SD of surprisal: +0.0364 [0.0317, 0.0420], the published direction.
  EXPECT_NEAR(surprisal->coefficient, 0.036378, 1e-4);
  EXPECT_NEAR(surprisal->ci_low, 0.031683, 1e-4);
  EXPECT_NEAR(surprisal->ci_high, 0.042001, 1e-4);
  EXPECT_GT(surprisal->ci_low, 0.0);
  // Entropy before the word: -0.0013 [-0.0034, 0.0007], an interval that holds 0.
  const SignedEffect* entropy = find("trained/entropy", 0);
  ASSERT_NE(entropy, nullptr);
  EXPECT_NEAR(entropy->coefficient, -0.001276, 1e-4);
  EXPECT_NEAR(entropy->ci_low, -0.003370, 1e-4);
  EXPECT_NEAR(entropy->ci_high, 0.000693, 1e-4);
  // The baseline's own columns, adjusted for each other: longer words slower, frequent words and
  // later words faster.
  const SignedEffect* length = find("control/length+frequency+position", 0);
  const SignedEffect* frequency = find("control/length+frequency+position", 1);
  const SignedEffect* position = find("control/length+frequency+position", 2);
  ASSERT_TRUE(length && frequency && position);
  EXPECT_EQ(length->label, "word_length");  // a join's columns are named after its parts
  EXPECT_EQ(frequency->label, "word_frequency");
  EXPECT_EQ(position->label, "position");
  EXPECT_GT(length->ci_low, 0.0);
  EXPECT_LT(frequency->ci_high, 0.0);
  EXPECT_LT(position->ci_high, 0.0);
}

}  // namespace
}  // namespace neuroscore::benchmarks
