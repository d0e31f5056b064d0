// extract/run_extract.cc: the extract pipeline: checks the request, reads the stimulus, loads the
// model variant and tokenizer, computes word features; extract_output.cc writes them.
#include "extract/run_extract.hpp"

#include <torch/types.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iomanip>
#include <stdexcept>

#include "extract/extract_output.hpp"
#include "extract/loaders.hpp"
#include "extract/stimulus_files.hpp"
#include "extract/word_features.hpp"
#include "extract/word_tokenizer.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;
using internal::FinalPunctuation;

FeatureSet feature_set(const std::vector<Feature>& features) {
  FeatureSet f;
  f.activations = false;
  if (features.empty()) throw std::invalid_argument("--features lists no feature");
  for (const Feature n : features) {
    switch (n) {
      case Feature::kActivations: f.activations = true; break;
      case Feature::kAttention: f.attention = true; break;
      case Feature::kGradNorm: f.grad_norm = true; break;
      case Feature::kGradXInput: f.grad_x_input = true; break;
      case Feature::kIntegratedGradients: f.integrated_gradients = true; break;
      case Feature::kErasure: f.erasure = true; break;
      case Feature::kConductance: f.conductance = true; break;
      case Feature::kEntropy: f.entropy = true; break;
    }
  }
  return f;
}

Pooling pooling_of(WordPooling p) {
  switch (p) {
    case WordPooling::kLast: return Pooling::kLast;
    case WordPooling::kFirst: return Pooling::kFirst;
    case WordPooling::kMean: return Pooling::kMean;
    case WordPooling::kSum: return Pooling::kSum;
    case WordPooling::kAbsMax: return Pooling::kAbsMax;
  }
  throw std::logic_error("WordPooling: unknown value");
}

Target target_of(AttributionTarget t) {
  switch (t) {
    case AttributionTarget::kLogProbability: return Target::kLogProbabilityOfNext;
    case AttributionTarget::kLogit: return Target::kLogitOfNext;
    case AttributionTarget::kArgmaxLogProbability: return Target::kLogProbabilityOfArgmax;
    case AttributionTarget::kArgmaxLogit: return Target::kLogitOfArgmax;
  }
  throw std::logic_error("AttributionTarget: unknown value");
}

Baseline baseline_of(const AttributionBaseline& b, std::int64_t vocab) {
  switch (b.kind) {
    case AttributionBaseline::Kind::kZero: return Baseline{BaselineKind::kZero, 0};
    case AttributionBaseline::Kind::kMean: return Baseline{BaselineKind::kMean, 0};
    case AttributionBaseline::Kind::kToken:
      if (b.token >= static_cast<std::uint64_t>(std::max<std::int64_t>(vocab, 0))) {
        throw std::invalid_argument("--baseline token:ID wants an id in 0.." + std::to_string(vocab - 1) + ", got '" +
                                    to_string(b) + "'");
      }
      return Baseline{BaselineKind::kToken, static_cast<std::int64_t>(b.token)};
  }
  throw std::logic_error("AttributionBaseline: unknown kind");
}

Quadrature quadrature_of(IntegrationRule r) {
  switch (r) {
    case IntegrationRule::kGaussLegendre: return Quadrature::kGaussLegendre;
    case IntegrationRule::kRiemannLeft: return Quadrature::kRiemannLeft;
    case IntegrationRule::kRiemannRight: return Quadrature::kRiemannRight;
    case IntegrationRule::kRiemannMiddle: return Quadrature::kRiemannMiddle;
    case IntegrationRule::kRiemannTrapezoid: return Quadrature::kRiemannTrapezoid;
  }
  throw std::logic_error("IntegrationRule: unknown value");
}

FinalPunctuation final_punctuation_of(const SegmentedWords& stim, const std::vector<std::vector<std::int32_t>>& word_tokens,
                                      const WordTokenizer& tok) {
  const auto is_punct = [](char c) { return std::ispunct(static_cast<unsigned char>(c)) != 0; };
  const auto stem_of = [&](const std::string& w) {
    std::size_t end = w.size();
    while (end > 0 && is_punct(w[end - 1])) --end;
    return w.substr(0, end);
  };
  FinalPunctuation out;
  out.activation_tokens.assign(stim.words.size(), 0);
  out.last_content_word.assign(static_cast<std::size_t>(stim.segments), -1);
  for (std::size_t w = 0; w < stim.words.size(); ++w) {
    const bool last_of_segment = w + 1 == stim.words.size() || stim.segment_of[w + 1] != stim.segment_of[w];
    if (!last_of_segment) continue;
    const bool first_of_segment = w == 0 || stim.segment_of[w - 1] != stim.segment_of[w];
    std::size_t c = w;
    if (stem_of(stim.words[w]).empty() && !first_of_segment) {
      --c;  // "... world ." : the punctuation is a word of its own
      ++out.punctuation_words;
    }
    const auto seg = static_cast<std::size_t>(stim.segment_of[w]);
    out.last_content_word[seg] = static_cast<Eigen::Index>(c);
    const std::string stem = stem_of(stim.words[c]);
    if (stem.empty() || stem.size() == stim.words[c].size()) continue;
    const bool first = c == 0 || stim.segment_of[c - 1] != stim.segment_of[c];
    const std::vector<std::int32_t> stem_tokens = tok.encode_word(stem, first);
    const std::vector<std::int32_t>& all = word_tokens[c];
    if (!stem_tokens.empty() && stem_tokens.size() < all.size() &&
        std::equal(stem_tokens.begin(), stem_tokens.end(), all.begin())) {
      out.activation_tokens[c] = static_cast<std::int64_t>(stem_tokens.size());
      ++out.left_out;
    } else {
      ++out.merged;
    }
  }
  return out;
}

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

ExtractSummary run_extract(const FeatureRequest& req, std::ostream* progress) {
  const auto start = std::chrono::steady_clock::now();
  if (req.threads < 1) throw std::invalid_argument("--threads must be >= 1");
  if (req.out_dir.empty()) throw std::invalid_argument("--out is required");
  if (req.model_path.empty()) throw std::invalid_argument("--model is required");
  if (req.tokenizer_path.empty()) throw std::invalid_argument("--tokenizer is required");
  const Stimulus& stimulus = req.stimulus;
  if (stimulus.path.empty() && stimulus.words.words.empty()) throw std::invalid_argument("--stimulus is required");
  const FeatureSet features = feature_set(req.features);
  const std::string pool = to_string(req.segment_pool);
  const bool segmented = stimulus.segments == Segments::kLines;
  if (req.segment_pool != SegmentPool::kNone && !segmented) {
    throw std::invalid_argument("--segment-pool " + pool + " needs --segments lines");
  }
  if (req.segment_pool != SegmentPool::kNone && !features.activations) {
    throw std::invalid_argument("--segment-pool " + pool + " pools activations: add activations to --features");
  }
  if (segmented && stimulus.words.words.empty() && lower_extension(stimulus.path) == ".textgrid") {
    throw std::invalid_argument("--segments lines wants a text stimulus (one segment per line), got " + stimulus.path);
  }
  if (req.conductance_steps < -1) {
    throw std::invalid_argument("--conductance-steps must be >= 0, got " + std::to_string(req.conductance_steps));
  }
  const ComputeThreadsScope threads(static_cast<int>(req.threads));
  const SegmentedWords stim = stimulus_words(stimulus);
  const std::vector<std::string>& words = stim.words;

  if (!fs::exists(req.model_path)) throw std::runtime_error("model not found: " + req.model_path);
  Model model = fs::is_directory(req.model_path) ? load_hf(req.model_path) : load_llama2c(req.model_path);
  const ModelVariant& variant = req.model_variant;
  if (variant.kind == ModelVariant::Kind::kUntrained) model = untrained_twin(model.config, variant.seed);
  if (variant.kind == ModelVariant::Kind::kNoise) model = noisy_copy(model, variant.rel_sd, variant.seed);
  if (req.dtype == Precision::kFloat64) model = to_dtype(model, torch::kFloat64);
  const WordTokenizer tok = load_word_tokenizer(req.tokenizer_path, model.config.vocab_size);

  WordFeatureOptions opt;
  opt.features = features;
  opt.context_words = req.context_words;
  opt.stride_words = req.stride_words;
  opt.lags = req.lags;
  opt.activation_pooling = pooling_of(req.activation_pooling);
  opt.attribution_pooling = pooling_of(req.attribution_pooling);
  opt.target = target_of(req.target);
  opt.integrated_gradients.baseline = baseline_of(req.baseline, model.config.vocab_size);
  opt.integrated_gradients.rule = quadrature_of(req.quadrature);
  opt.integrated_gradients.steps = req.ig_steps;
  opt.attribution_batch_elements = req.batch_elements;
  opt.conductance_steps = req.conductance_steps;
  if (req.erasure == Erasure::kRemove) {
    opt.erasure.mode = ErasureMode::kRemove;
  } else if (req.erasure == Erasure::kReplace) {
    opt.erasure.mode = ErasureMode::kReplace;
  } else {
    opt.erase_whole_words = true;
  }
  opt.erasure.baseline = opt.integrated_gradients.baseline;
  opt.bos = tok.bos;
  if (segmented) opt.segment_of = stim.segment_of;
  if (progress != nullptr) {
    opt.progress = [progress, start, last = -1.0](std::int64_t done, std::int64_t total) mutable {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (done < total && s - last < 1.0) return;  // at most one line a second
      last = s;
      *progress << "\rextract: " << done << "/" << total << " words, " << std::fixed << std::setprecision(1) << s
                << " s" << std::flush;
    };
  }
  // Each segment's words are encoded whole, as the model reads running text, and each token is
  // given to its word by the one alignment rule (extract/word_alignment.hpp; WordTokenizer::kind).
  const std::vector<std::vector<std::int32_t>> word_tokens = encode_words_in_context(tok, words, stim.segment_of);
  std::int64_t n_tokens = 0;
  for (std::size_t w = 0; w < words.size(); ++w) {
    if (word_tokens[w].empty()) {
      throw std::runtime_error("stimulus word " + std::to_string(w) + " '" + words[w] + "' encodes to no token");
    }
    n_tokens += static_cast<std::int64_t>(word_tokens[w].size());
  }
  // Sentence pooling reads each segment's words up to its final punctuation (see
  // final_punctuation_of): the model still reads the punctuation.
  FinalPunctuation punct;
  if (req.segment_pool == SegmentPool::kLast || req.segment_pool == SegmentPool::kMean) {
    punct = final_punctuation_of(stim, word_tokens, tok);
    opt.activation_tokens = punct.activation_tokens;
  }
  const WordFeatures wf = extract_word_features(model, word_tokens, opt);
  if (progress != nullptr) *progress << "\n";
  return internal::write_extract_outputs({req, stim, model, tok, word_tokens, n_tokens, punct, features, wf, start});
}

}  // namespace neuroscore::extract
