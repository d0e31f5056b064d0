// extract/extract_command.hpp: the `neuroscore extract` pipeline without libtorch in the interface
// (stimulus words -> word features -> NPY files + manifest.json). Main entry points:
// ExtractRequest, run_extract, parse_extract_args, extract_main, extract_usage.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace neuroscore::extract {

// The version of what `extract` computes. Caches of its output (the leaderboard's results/.cache)
// key on it: bump it whenever a change alters any written number, even by rounding.
//   1: first release; 2: attributions batched across words, classifier on explained rows only
//   (summation order changes), --conductance-steps; 3: --segment-pool last reads a sentence's last
//   word before its final punctuation (was: the punctuation token, now last-token), mean added.
inline constexpr int kExtractVersion = 3;

// Every option of the command; strings are parsed (and rejected with std::invalid_argument naming
// the option) inside run_extract.
struct ExtractRequest {
  std::string model_path;      // llama2.c .bin, or a Hugging Face directory (config.json + safetensors)
  // llama2.c tokenizer.bin; SentencePiece .model; GPT-2 tokenizer.json, or a directory holding
  // tokenizer.json or vocab.json + merges.txt
  std::string tokenizer_path;
  std::string stimulus_path;   // words/sentences text (split on whitespace) or a Praat .TextGrid
  // trained | untrained:SEED (untrained_twin) | noise:REL_SD:SEED (noisy_copy of the trained weights)
  std::string model_variant = "trained";
  std::string segments = "none";      // none | lines (text stimulus: one segment per line, no context across)
  // none | last | mean | last-token (segment_activations_<layer>.npy; see extract_usage)
  std::string segment_pool = "none";
  std::string textgrid_tier;   // tier of word intervals; empty: "words" if present, else the first interval tier
  std::string out_dir;
  std::vector<std::string> features = {"activations"};  // activations, attention, grad_norm, grad_x_input,
                                                        // integrated_gradients, erasure, conductance
  std::int64_t context_words = 0;  // 0: all that fit
  std::int64_t stride_words = 0;
  std::int64_t lags = 10;
  std::int64_t threads = 1;
  std::string dtype = "float32";                // float32 | float64
  std::string target = "logprob";              // logprob | logit | argmax-logprob | argmax-logit
  std::string baseline = "zero";               // zero | mean | token:ID (e.g. token:0 = <unk>)
  std::string quadrature = "gausslegendre";    // gausslegendre | riemann_left | riemann_right | riemann_middle | riemann_trapezoid
  std::int64_t ig_steps = 50;
  std::int64_t conductance_steps = -1;  // -1: ig_steps (WordFeatureOptions::conductance_steps)
  std::int64_t batch_elements = std::int64_t{1} << 16;  // WordFeatureOptions::attribution_batch_elements
  std::string erasure = "remove";              // remove | replace (uses --baseline) | remove-word
  std::string activation_pooling = "last";     // last | first | mean | sum | absmax
  std::string attribution_pooling = "sum";
};

struct ExtractSummary {
  std::int64_t words = 0;
  std::int64_t tokens = 0;
  std::int64_t segments = 0;
  double nll_per_token = 0.0;  // mean negative log-likelihood (nats) of the scored tokens
  double perplexity = 0.0;
  std::int64_t tokens_scored = 0;
  double seconds = 0.0;
  std::vector<std::string> files;  // written, relative to out_dir
};

// Runs the pipeline; `progress` (may be null) receives a carriage-return progress line.
ExtractSummary run_extract(const ExtractRequest& request, std::ostream* progress);

// The words of a stimulus: a .TextGrid's non-empty intervals of `tier` (silences "", "sp", "sil"
// dropped), else whitespace-separated words of the text file. Throws std::runtime_error naming the
// path when it cannot be read or holds no words.
std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier = "");

// Words and their segment (0-based line index) of a text file with one segment per line. A blank
// line (other than trailing ones) is an error naming the line, since it would silently shift
// segment indices. Throws std::runtime_error naming the path.
struct SegmentedWords {
  std::vector<std::string> words;
  std::vector<std::int64_t> segment_of;  // [words]
  std::int64_t segments = 0;
};
SegmentedWords read_stimulus_lines(const std::string& path);

// The command line of `neuroscore extract` (everything after the subcommand name): flags to an
// ExtractRequest. Relative paths are resolved against $BUILD_WORKING_DIRECTORY when set (bazel
// run). Throws std::invalid_argument on an unknown flag or a missing or malformed value; sets
// `help` (when non-null) instead of parsing further on -h/--help.
ExtractRequest parse_extract_args(const std::vector<std::string>& args, bool* help = nullptr);

// The help text of `neuroscore extract` (options and examples).
const char* extract_usage();

// parse_extract_args + run_extract + a one-line summary on `out`, progress on `err`; returns the
// process exit code (0, or 0 after printing extract_usage() for --help). Exceptions propagate.
int extract_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace neuroscore::extract
