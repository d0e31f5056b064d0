// extract/feature_request.hpp: the typed request of the extract pipeline (which model, which words,
// which features) and the names its values are written under. Main entry point: FeatureRequest.
//
// Free of libtorch: benchmarks and the command line build requests without its headers. Parsing
// strings into a request is the command line's job (benchmarks/cli/extract_args.hpp); to_string()
// gives each value's name as `neuroscore extract` spells it and manifest.json records it. The one
// exception is parse_model_variant: a variant is also named in benchmark files and by the
// reproductions' feature tool, so its reader lives beside its writer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace neuroscore::extract {

// Which weights are read: the checkpoint's own, a fresh initialisation of the same architecture
// (untrained_twin), or the checkpoint plus Gaussian noise (noisy_copy).
struct ModelVariant {
  enum class Kind { kTrained, kUntrained, kNoise };
  Kind kind = Kind::kTrained;
  std::uint64_t seed = 0;  // kUntrained, kNoise: the libtorch CPU generator's seed
  double rel_sd = 0.0;     // kNoise: the noise sd as a multiple of each tensor's own sd (>= 0)

  static ModelVariant trained() { return {}; }
  static ModelVariant untrained(std::uint64_t seed) { return {Kind::kUntrained, seed, 0.0}; }
  static ModelVariant noise(double rel_sd, std::uint64_t seed) { return {Kind::kNoise, seed, rel_sd}; }
};
// "trained", "untrained:SEED" or "noise:REL_SD:SEED" (REL_SD in the shortest form that reads back
// exactly, e.g. 0.05).
std::string to_string(const ModelVariant& variant);
// The inverse of to_string: "trained", "untrained:SEED", "noise:REL_SD:SEED" (SEED decimal digits,
// REL_SD a finite number >= 0 as std::from_chars reads it; no blanks, no '+'). Errors
// (std::invalid_argument) start with `what`, the place the name came from, e.g.
//   --model-variant 'untrained:x': seed 'x' is not a non-negative integer
//   --model-variant wants trained, untrained:SEED or noise:REL_SD:SEED, got 'big'
ModelVariant parse_model_variant(const std::string& name, const std::string& what);

// A layer of the residual stream, as manifest.json's layer_names spell it: the embedding ("embedding",
// index 0) or the output of block K ("block_K", index K + 1).
struct ModelLayer {
  std::int64_t index = 0;
  static ModelLayer embedding() { return {0}; }
  static ModelLayer block(std::int64_t k) { return {k + 1}; }
  bool operator==(const ModelLayer& o) const { return index == o.index; }
};
std::string to_string(const ModelLayer& layer);  // embedding, block_K
// The inverse of to_string (K decimal digits). Errors (std::invalid_argument) start with `what`:
//   layers: 'surprisal' is not a layer (embedding, block_0, block_1, ...)
ModelLayer parse_model_layer(const std::string& name, const std::string& what);

// The arrays computed for every word (manifest.json lists them in request order).
enum class Feature {
  kActivations,          // activations_<layer>.npy: the residual stream of every layer
  kAttention,            // attention to the previous `lags` words, per block
  kGradNorm,             // L1 norm of the gradient of the next word's prediction
  kGradXInput,           // gradient x input (signed, and its L2 norm)
  kIntegratedGradients,  // integrated gradients and their completeness gap
  kErasure,              // f(x) - f(x with a token erased)
  kConductance,          // layer conductance per block
  kEntropy,              // entropy.npy: the next-token entropy before each word (surprisal.npy is always written)
};
std::string to_string(Feature feature);  // activations, attention, grad_norm, ..., conductance, entropy

// How a text stimulus is cut into segments (sentences, stories) that are read without context
// from one another.
enum class Segments {
  kNone,   // one segment: context runs across lines
  kLines,  // one segment per line (text files) or per entry of SegmentedWords::segment_of
};
std::string to_string(Segments segments);  // none, lines

// One row per segment from the activations (segment_activations_<layer>.npy); needs kLines.
enum class SegmentPool {
  kNone,
  kLast,       // the last word's row, pooled up to the segment's final punctuation
  kMean,       // the mean of the segment's word rows, final punctuation left out
  kLastToken,  // the last word's row with all its tokens (usually the final punctuation)
};
std::string to_string(SegmentPool pool);  // none, last, mean, last-token

enum class Precision { kFloat32, kFloat64 };
std::string to_string(Precision precision);  // float32, float64

// The scalar attributions explain at word w: the prediction of word w+1's first token.
enum class AttributionTarget {
  kLogProbability,        // log p(next token)
  kLogit,                 // the next token's logit
  kArgmaxLogProbability,  // log p of the unperturbed argmax token
  kArgmaxLogit,
};
std::string to_string(AttributionTarget target);  // logprob, logit, argmax-logprob, argmax-logit

// The reference input of integrated gradients, conductance and erasure by replacement.
struct AttributionBaseline {
  enum class Kind { kZero, kMean, kToken };
  Kind kind = Kind::kZero;  // the zero embedding; the mean embedding row; token `token`'s row
  std::uint64_t token = 0;  // kToken: a token id below the model's vocabulary size
};
std::string to_string(const AttributionBaseline& baseline);  // zero, mean, token:ID

// Quadrature of the integrated-gradients path (Captum's approximation methods).
enum class IntegrationRule { kGaussLegendre, kRiemannLeft, kRiemannRight, kRiemannMiddle, kRiemannTrapezoid };
std::string to_string(IntegrationRule rule);  // gausslegendre, riemann_left, ..., riemann_trapezoid

enum class Erasure {
  kRemove,      // each sub-word token removed alone, pooled to words
  kReplace,     // each sub-word token replaced by the baseline
  kRemoveWord,  // all of a word's tokens removed at once
};
std::string to_string(Erasure erasure);  // remove, replace, remove-word

// How a word's sub-word tokens are pooled into one value.
enum class WordPooling { kLast, kFirst, kMean, kSum, kAbsMax };
std::string to_string(WordPooling pooling);  // last, first, mean, sum, absmax

// Words in order, each with its segment (0-based; non-decreasing, starting at 0, no segment
// skipped).
struct SegmentedWords {
  std::vector<std::string> words;
  std::vector<std::int64_t> segment_of;  // [words]
  std::int64_t segments = 0;
};

// The words a model reads: a file, or words held in memory.
struct Stimulus {
  // A text file (words split on whitespace; with kLines, one segment per line) or a Praat
  // .TextGrid. Empty when `words` holds the words.
  std::string path;
  std::string textgrid_tier;  // "" (default): "words"/"word" if present, else the first interval tier
  Segments segments = Segments::kNone;
  // Words in memory (used when non-empty; `path` is then ignored). With kNone every word is in
  // segment 0 whatever words.segment_of says.
  SegmentedWords words;

  static Stimulus file(std::string path, Segments segments = Segments::kNone, std::string textgrid_tier = "");
  // Words in memory, one segment (Segments::kNone).
  static Stimulus in_memory(std::vector<std::string> words);
  // Words in memory, segmented (Segments::kLines); e.g. segment_lines(lines).
  static Stimulus in_memory(SegmentedWords words);
};

// Everything the pipeline needs; defaults are those of `neuroscore extract`.
struct FeatureRequest {
  // llama2.c .bin, or a Hugging Face directory (config.json + safetensors).
  std::string model_path;
  // llama2.c tokenizer.bin; SentencePiece .model; GPT-2 tokenizer.json, or a directory holding
  // tokenizer.json or vocab.json + merges.txt.
  std::string tokenizer_path;
  ModelVariant model_variant;  // default: trained
  Stimulus stimulus;
  std::string out_dir;  // created; NPY files and manifest.json are written there
  std::vector<Feature> features = {Feature::kActivations};
  SegmentPool segment_pool = SegmentPool::kNone;
  std::int64_t context_words = 0;  // preceding words per word; 0 (default): all that fit, sliding windows
  std::int64_t stride_words = 0;   // sliding-window stride when context_words is 0; 0 (default): half a window
  std::int64_t lags = 10;          // previous words of attention and attributions
  std::int64_t threads = 1;        // libtorch threads (>= 1)
  Precision dtype = Precision::kFloat32;
  AttributionTarget target = AttributionTarget::kLogProbability;
  AttributionBaseline baseline;    // default: zero
  IntegrationRule quadrature = IntegrationRule::kGaussLegendre;
  std::int64_t ig_steps = 50;
  std::int64_t conductance_steps = -1;  // -1 (default): ig_steps (WordFeatureOptions::conductance_steps)
  std::int64_t batch_elements = std::int64_t{1} << 16;  // WordFeatureOptions::attribution_batch_elements
  Erasure erasure = Erasure::kRemove;
  WordPooling activation_pooling = WordPooling::kLast;
  WordPooling attribution_pooling = WordPooling::kSum;
};

// Words and segments of lines of text: each line is a segment, its words split on whitespace. A
// blank line is an error naming `source` and the line (it would silently shift segment
// indices); so is no word at all. Throws std::runtime_error.
SegmentedWords segment_lines(const std::vector<std::string>& lines, const std::string& source);

}  // namespace neuroscore::extract
