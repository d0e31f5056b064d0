// tests/benchmarks/word_level_testing.hpp: what the word-level benchmark-file tests share: a
// benchmark file built with chosen method families and models, a method found by name, and a direct
// extract of text lines (one item per line) by the shipped stories260K, which the benchmark's
// language-model methods must equal.
#pragma once

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/brain/benchmark_file.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "benchmarks/brain/lm_features.hpp"
#include "extract/run_extract.hpp"

namespace neuroscore::benchmarks::word_testing {

inline const Method* find_method(const std::vector<Method>& methods, const std::string& name) {
  for (const Method& m : methods) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

// benchmark_file_entry(file, data_root).build under a request for `families` and `models`, with its
// cache in `out_dir`.
inline BuiltBenchmark build_benchmark_file(const std::filesystem::path& file, const std::filesystem::path& data_root,
                                           const std::filesystem::path& out_dir, std::vector<MethodFamily> families,
                                           std::vector<LeaderboardModel> models = {LeaderboardModel::trained()}) {
  LeaderboardRequest req;
  req.data_root = data_root;
  req.out_dir = out_dir;
  req.methods = std::move(families);
  req.models = std::move(models);
  std::ostringstream log;
  LeaderboardContext ctx(req, log);
  return benchmark_file_entry(file, data_root).build(ctx);
}

// run_extract of `lines` (one segment per line) by stories260K with the leaderboard's options,
// into `out_dir`.
inline void extract_lines(const std::filesystem::path& data_root, const std::filesystem::path& lines, const std::filesystem::path& out_dir,
                          std::vector<extract::Feature> features = {extract::Feature::kActivations}) {
  extract::FeatureRequest q = leaderboard_feature_request();
  q.model_path = (data_root / "models/stories260K/stories260K.bin").string();
  q.tokenizer_path = (data_root / "models/stories260K/tok512.bin").string();
  q.stimulus = extract::Stimulus::file(lines.string(), extract::Segments::kLines);
  q.features = std::move(features);
  q.out_dir = out_dir.string();
  extract::run_extract(q, nullptr);
}

}  // namespace neuroscore::benchmarks::word_testing
