// extract/extract_command.hpp: the `neuroscore extract` pipeline without libtorch in the interface
// (stimulus words -> word features -> NPY files + manifest.json). Main entry points:
// ExtractRequest, run_extract, read_stimulus_words.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace neuroscore::extract {

// Every option of the command; strings are parsed (and rejected with std::invalid_argument naming
// the option) inside run_extract.
struct ExtractRequest {
  std::string model_path;      // llama2.c .bin, or a Hugging Face directory (config.json + safetensors)
  std::string tokenizer_path;  // llama2.c tokenizer.bin
  std::string stimulus_path;   // words/sentences text (split on whitespace) or a Praat .TextGrid
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
  std::string erasure = "remove";              // remove | replace (uses --baseline)
  std::string activation_pooling = "last";     // last | first | mean | sum | absmax
  std::string attribution_pooling = "sum";
};

struct ExtractSummary {
  std::int64_t words = 0;
  std::int64_t tokens = 0;
  double seconds = 0.0;
  std::vector<std::string> files;  // written, relative to out_dir
};

// Runs the pipeline; `progress` (may be null) receives a carriage-return progress line.
ExtractSummary run_extract(const ExtractRequest& request, std::ostream* progress);

// The words of a stimulus: a .TextGrid's non-empty intervals of `tier` (silences "", "sp", "sil"
// dropped), else whitespace-separated words of the text file. Throws std::runtime_error naming the
// path when it cannot be read or holds no words.
std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier = "");

}  // namespace neuroscore::extract
