// benchmarks/brain/benchmark_file.hpp: a leaderboard benchmark described by a JSON file (a user's own
// dataset, no C++): responses (NPY, CSV/TSV with a header, or whitespace text), what a row is
// (an fMRI volume with word timings from a TextGrid or an events TSV, a row of a table, a line
// of a text file), grouping, split, FIR delays, ridge grid, metric, ceiling, named controls and
// the baseline, and methods (language-model features, the user's own feature files). The format
// is documented in benchmarks/brain/examples/README.md; every error names the file, the key and the
// offending value ("study.json: split.kind: unknown split kind 'kfold' (known: ...)").
// Entry points: benchmark_file_entry, benchmark_text_entry, check_benchmark_file.
#pragma once

#include <filesystem>
#include <string>

#include "benchmarks/brain/leaderboard_registry.hpp"

namespace neuroscore::benchmarks {

// Reads and checks `file` (keys, types, values, that every named file exists) and returns a
// registry entry whose build reads the data, builds the benchmark, its controls and methods.
// Paths in the file are relative to the file's directory; "$DATA/..." is under `data_root`.
// Errors: std::invalid_argument "FILE: KEY: message".
BenchmarkEntry benchmark_file_entry(const std::filesystem::path& file, const std::filesystem::path& data_root);

// A benchmark file's JSON text (a built-in's, embedded in the binary at build time) as a registry
// entry: its name and its description (the summary) are read now; every other key when the entry
// is built, with "$DATA/..." under the request's data root. `display_name` stands for the file in
// messages and in the report; relative paths are relative to its directory.
// Errors: std::invalid_argument "DISPLAY_NAME: KEY: message".
BenchmarkEntry benchmark_text_entry(const std::string& json_text, const std::filesystem::path& display_name);

// `neuroscore benchmark check FILE`: reads everything the file names except language models
// (responses, timings, groups, controls, feature files), builds the split and the ceiling, and
// returns a description (rows, targets, subjects, groups, folds, words matched to timings,
// ceiling, methods). Errors: as benchmark_file_entry, plus every data error.
std::string check_benchmark_file(const std::filesystem::path& file, const std::filesystem::path& data_root);

}  // namespace neuroscore::benchmarks
