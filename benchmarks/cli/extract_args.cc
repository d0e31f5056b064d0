// benchmarks/cli/extract_args.cc: `neuroscore extract`: flags -> extract::FeatureRequest, the help
// text, and the one-line summary.
#include "benchmarks/cli/extract_args.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iomanip>
#include <limits>
#include <optional>
#include <stdexcept>

#include "benchmarks/cli/flags.hpp"
#include "extract/run_extract.hpp"

namespace neuroscore::cli {
namespace {

namespace fs = std::filesystem;
using namespace neuroscore::extract;

AttributionTarget parse_target(const std::string& s) {
  if (s == "logprob") return AttributionTarget::kLogProbability;
  if (s == "logit") return AttributionTarget::kLogit;
  if (s == "argmax-logprob") return AttributionTarget::kArgmaxLogProbability;
  if (s == "argmax-logit") return AttributionTarget::kArgmaxLogit;
  throw std::invalid_argument("--target wants logprob, logit, argmax-logprob or argmax-logit, got '" + s + "'");
}

// token:ID is checked against the model's vocabulary by run_extract.
AttributionBaseline parse_baseline(const std::string& s) {
  if (s == "zero") return {AttributionBaseline::Kind::kZero, 0};
  if (s == "mean") return {AttributionBaseline::Kind::kMean, 0};
  if (s.rfind("token:", 0) == 0) {
    const std::optional<std::uint64_t> id = whole_number(s.substr(6));
    if (!id) throw std::invalid_argument("--baseline token:ID wants a whole-number id, got '" + s + "'");
    return {AttributionBaseline::Kind::kToken, *id};
  }
  throw std::invalid_argument("--baseline wants zero, mean or token:ID, got '" + s + "'");
}

IntegrationRule parse_quadrature(const std::string& s) {
  if (s == "gausslegendre") return IntegrationRule::kGaussLegendre;
  if (s == "riemann_left") return IntegrationRule::kRiemannLeft;
  if (s == "riemann_right") return IntegrationRule::kRiemannRight;
  if (s == "riemann_middle") return IntegrationRule::kRiemannMiddle;
  if (s == "riemann_trapezoid") return IntegrationRule::kRiemannTrapezoid;
  throw std::invalid_argument("--quadrature wants gausslegendre or riemann_{left,right,middle,trapezoid}, got '" +
                              s + "'");
}

WordPooling parse_pooling(const std::string& flag, const std::string& s) {
  if (s == "last") return WordPooling::kLast;
  if (s == "first") return WordPooling::kFirst;
  if (s == "mean") return WordPooling::kMean;
  if (s == "sum") return WordPooling::kSum;
  if (s == "absmax") return WordPooling::kAbsMax;
  throw std::invalid_argument(flag + " wants last, first, mean, sum or absmax, got '" + s + "'");
}

std::vector<Feature> parse_features(const std::vector<std::string>& names) {
  if (names.empty()) throw std::invalid_argument("--features lists no feature");
  std::vector<Feature> out;
  for (const std::string& n : names) {
    if (n == "activations") out.push_back(Feature::kActivations);
    else if (n == "attention") out.push_back(Feature::kAttention);
    else if (n == "grad_norm") out.push_back(Feature::kGradNorm);
    else if (n == "grad_x_input") out.push_back(Feature::kGradXInput);
    else if (n == "integrated_gradients") out.push_back(Feature::kIntegratedGradients);
    else if (n == "erasure") out.push_back(Feature::kErasure);
    else if (n == "conductance") out.push_back(Feature::kConductance);
    else if (n == "entropy") out.push_back(Feature::kEntropy);
    else
      throw std::invalid_argument("unknown feature '" + n +
                                  "' (known: activations, attention, grad_norm, grad_x_input, "
                                  "integrated_gradients, erasure, conductance, entropy)");
  }
  return out;
}

Segments parse_segments(const std::string& s) {
  if (s == "none") return Segments::kNone;
  if (s == "lines") return Segments::kLines;
  throw std::invalid_argument("--segments wants none or lines, got '" + s + "'");
}

SegmentPool parse_segment_pool(const std::string& s) {
  if (s == "none") return SegmentPool::kNone;
  if (s == "last") return SegmentPool::kLast;
  if (s == "mean") return SegmentPool::kMean;
  if (s == "last-token") return SegmentPool::kLastToken;
  throw std::invalid_argument("--segment-pool wants none, last, mean or last-token, got '" + s + "'");
}

Precision parse_dtype(const std::string& s) {
  if (s == "float32") return Precision::kFloat32;
  if (s == "float64") return Precision::kFloat64;
  throw std::invalid_argument("--dtype wants float32 or float64, got '" + s + "'");
}

Erasure parse_erasure(const std::string& s) {
  if (s == "remove") return Erasure::kRemove;
  if (s == "replace") return Erasure::kReplace;
  if (s == "remove-word") return Erasure::kRemoveWord;
  throw std::invalid_argument("--erasure wants remove, replace or remove-word, got '" + s + "'");
}

// Relative paths are the user's (bazel run's working directory), not the runfiles directory.
std::string user_path(const std::string& p) {
  const fs::path path(p);
  if (path.is_absolute()) return p;
  if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY"); cwd != nullptr && *cwd) {
    return (fs::path(cwd) / path).string();
  }
  return p;
}

std::int64_t count(const std::string& flag, const std::string& value) {
  return static_cast<std::int64_t>(parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
}

}  // namespace

const char* extract_usage() {
  return R"(usage: neuroscore extract --model M --tokenizer T --stimulus S --out DIR [options]

Word features of a causal language model for a stimulus: activations of every layer, attention to
the previous K words, "words x K" attributions of the prediction of word w+1 made at word w (Rahimi
et al. 2025), each word's surprisal and the stimulus perplexity. Writes one NPY per array and
manifest.json (model sha256 and variant, tokenizer, every option, words, windows, perplexity, shapes).

options:
  --model M          llama2.c checkpoint (.bin) or Hugging Face directory (config.json + safetensors)
  --tokenizer T      llama2.c tokenizer.bin; SentencePiece .model; GPT-2 tokenizer.json, or a
                     directory with tokenizer.json or vocab.json + merges.txt. Words are encoded
                     alone as the family writes them in running text: llama2.c " word" (run.c's
                     prefix), SentencePiece "▁word", GPT-2 " word" except a segment's first word.
  --stimulus S       text file (words split on whitespace) or a .TextGrid (required)
  --tier NAME        TextGrid tier of words (default: "words"/"word", else the first interval tier)
  --out DIR          output directory (required)
  --model-variant V  trained (default) | untrained:SEED (same architecture, fresh initialisation)
                     | noise:REL_SD:SEED (trained weights + Gaussian noise of REL_SD x each
                     tensor's own sd, norm gains included): a model-quality series
  --segments G       none (default) | lines: one segment (sentence, story) per line of a text
                     stimulus; context never crosses a line; writes segment.npy [words, 1]
  --segment-pool P   none (default) | last | mean | last-token: also segment_activations_<layer>.npy
                     [segments, dim], sentence representations: last = the last word's row
                     pooled up to the final punctuation ("ran." read at " ran"), mean = the mean
                     of the segment's word rows (final punctuation left out), last-token = the
                     last word's row with all its tokens (usually the "." token: identical for
                     every sentence in the embedding layer)
  --features LIST    comma-separated: activations,attention,grad_norm,grad_x_input,
                     integrated_gradients,erasure,conductance,entropy (default: activations;
                     surprisal.npy is always written)
  --context N        preceding words of context per word (default 0 = all that fit in the
                     model's max_seq_len, sliding windows)
  --stride N         sliding-window stride in words when --context is 0 (default: half a window)
  --lags K           previous words for attention and attributions (default 10)
  --threads T        libtorch threads (default 1)
  --dtype D          float32 (default) or float64
  --target X         logprob (default), logit, argmax-logprob, argmax-logit
  --baseline B       IG/conductance/erasure-replace baseline: zero (default; does not converge
                     on RMSNorm models: see the completeness file), mean, token:ID (token:0 = <unk>)
  --quadrature Q     gausslegendre (default), riemann_left|right|middle|trapezoid
  --ig-steps N       integration steps (default 50)
  --conductance-steps N  conductance n_steps as Captum's, N + 1 points (default: --ig-steps);
                     N = ig-steps - 1 computes IG and conductance in one pass, at half the cost
  --batch-elements N words whose gradient/IG/conductance attributions share one batched pass,
                     while words x interpolation points x context tokens x model width <= N
                     (default 65536; more takes more memory and was not faster on stories260K)
  --erasure E        remove (default: each sub-word token removed alone, pooled to words),
                     replace (by --baseline), or remove-word (all of a word's tokens at once)
  --activation-pooling P   last (default), first, mean, sum, absmax
  --attribution-pooling P  sum (default), last, first, mean, absmax

Perplexity (always, in manifest.json "perplexity" and surprisal.npy): every token is predicted
once, from the window its word is assigned to (BOS included), nats.

examples:
  neuroscore extract --model stories260K.bin --tokenizer tok512.bin --stimulus words.txt --out /tmp/f
  neuroscore extract --model stories260K.bin --tokenizer tok512.bin --stimulus story.TextGrid \
      --features activations,attention,integrated_gradients --baseline mean --context 20 --out /tmp/f
  neuroscore extract --model stories260K.bin --tokenizer tok512.bin --stimulus sentences.txt \
      --segments lines --segment-pool last --model-variant noise:0.2:1 --out /tmp/f
)";
}

// The flags are read first (unknown flags and malformed counts fail there), then the values are
// checked in the order run_extract checked them when it took strings, so that a command line with
// one mistake reports it as it always did.
FeatureRequest parse_extract_args(const std::vector<std::string>& args, bool* help) {
  FeatureRequest req;
  if (help != nullptr) *help = false;
  std::string stimulus_path, tier, variant = "trained", segments = "none", segment_pool = "none";
  std::vector<std::string> features = {"activations"};
  std::string dtype = "float32", target = "logprob", baseline = "zero", quadrature = "gausslegendre";
  std::string erasure = "remove", activation_pooling = "last", attribution_pooling = "sum";
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      if (help != nullptr) *help = true;
      return req;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument("unknown option or missing value: " + flag);
    const std::string& value = args[++i];
    if (flag == "--model") req.model_path = user_path(value);
    else if (flag == "--tokenizer") req.tokenizer_path = user_path(value);
    else if (flag == "--stimulus") stimulus_path = user_path(value);
    else if (flag == "--tier") tier = value;
    else if (flag == "--out") req.out_dir = user_path(value);
    else if (flag == "--model-variant") variant = value;
    else if (flag == "--segments") segments = value;
    else if (flag == "--segment-pool") segment_pool = value;
    else if (flag == "--features") features = split_names(value);
    else if (flag == "--context") req.context_words = count(flag, value);
    else if (flag == "--stride") req.stride_words = count(flag, value);
    else if (flag == "--lags") req.lags = count(flag, value);
    else if (flag == "--threads") req.threads = count(flag, value);
    else if (flag == "--dtype") dtype = value;
    else if (flag == "--target") target = value;
    else if (flag == "--baseline") baseline = value;
    else if (flag == "--quadrature") quadrature = value;
    else if (flag == "--ig-steps") req.ig_steps = count(flag, value);
    else if (flag == "--batch-elements") req.batch_elements = count(flag, value);
    else if (flag == "--conductance-steps") req.conductance_steps = count(flag, value);
    else if (flag == "--erasure") erasure = value;
    else if (flag == "--activation-pooling") activation_pooling = value;
    else if (flag == "--attribution-pooling") attribution_pooling = value;
    else throw std::invalid_argument("unknown option: " + flag);
  }
  if (stimulus_path.empty()) throw std::invalid_argument("--stimulus is required");
  if (req.threads < 1) throw std::invalid_argument("--threads must be >= 1");
  if (req.out_dir.empty()) throw std::invalid_argument("--out is required");
  if (req.model_path.empty()) throw std::invalid_argument("--model is required");
  if (req.tokenizer_path.empty()) throw std::invalid_argument("--tokenizer is required");
  req.features = parse_features(features);
  req.dtype = parse_dtype(dtype);
  req.model_variant = extract::parse_model_variant(variant, "--model-variant");
  req.stimulus = Stimulus::file(stimulus_path, parse_segments(segments), tier);
  req.segment_pool = parse_segment_pool(segment_pool);
  req.activation_pooling = parse_pooling("--activation-pooling", activation_pooling);
  req.attribution_pooling = parse_pooling("--attribution-pooling", attribution_pooling);
  req.target = parse_target(target);
  req.baseline = parse_baseline(baseline);
  req.quadrature = parse_quadrature(quadrature);
  req.erasure = parse_erasure(erasure);
  return req;
}

int extract_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool help = false;
  const FeatureRequest req = parse_extract_args(args, &help);
  if (help) {
    out << extract_usage();
    return 0;
  }
  const ExtractSummary s = run_extract(req, &err);
  out << "extract: " << s.words << " words (" << s.tokens << " tokens, " << s.segments << " segments) in "
      << std::fixed << std::setprecision(2) << s.seconds << " s (" << std::setprecision(1)
      << static_cast<double>(s.tokens) / s.seconds << " tokens/s); perplexity " << std::setprecision(3)
      << s.perplexity << " (" << std::setprecision(4) << s.nll_per_token << " nats/token over " << s.tokens_scored
      << " tokens); wrote " << s.files.size() << " files to " << req.out_dir << "\n";
  return 0;
}

}  // namespace neuroscore::cli
