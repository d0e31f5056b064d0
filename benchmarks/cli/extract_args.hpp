// benchmarks/cli/extract_args.hpp: the command line of `neuroscore extract`: its flags parsed into
// the extract pipeline's typed request, its help text, and the subcommand itself. Entry points:
// parse_extract_args, extract_usage, extract_main.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "extract/feature_request.hpp"

namespace neuroscore::cli {

// The command line of `neuroscore extract` (everything after the subcommand name) as a request.
// Relative paths are resolved against $BUILD_WORKING_DIRECTORY when set (bazel run). Throws
// std::invalid_argument naming the flag on an unknown flag, a missing or malformed value, or a
// missing --stimulus, --out, --model or --tokenizer; sets `help` (when non-null) instead of
// parsing further on -h/--help.
extract::FeatureRequest parse_extract_args(const std::vector<std::string>& args, bool* help = nullptr);

// The help text of `neuroscore extract` (options and examples).
const char* extract_usage();

// parse_extract_args + run_extract + a one-line summary on `out`, progress on `err`; returns the
// process exit code (0, or 0 after printing extract_usage() for --help). Exceptions propagate.
int extract_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace neuroscore::cli
