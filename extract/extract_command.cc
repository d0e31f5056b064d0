// extract/extract_command.cc: option parsing, model/tokenizer loading, word features, NPY files and
// the JSON manifest of `neuroscore extract`.
#include "extract/extract_command.hpp"

#include <torch/types.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iomanip>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "benchmarks/cli/flags.hpp"
#include "extract/gpt2_tokenizer.hpp"
#include "extract/llama2c_tokenizer.hpp"
#include "extract/loaders.hpp"
#include "extract/sentencepiece_model.hpp"
#include "extract/sha256.hpp"
#include "extract/word_features.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/io/textgrid.hpp"

namespace neuroscore::extract {
namespace {

namespace fs = std::filesystem;

Target parse_target(const std::string& s) {
  if (s == "logprob") return Target::kLogProbabilityOfNext;
  if (s == "logit") return Target::kLogitOfNext;
  if (s == "argmax-logprob") return Target::kLogProbabilityOfArgmax;
  if (s == "argmax-logit") return Target::kLogitOfArgmax;
  throw std::invalid_argument("--target wants logprob, logit, argmax-logprob or argmax-logit, got '" + s + "'");
}

Baseline parse_baseline(const std::string& s, std::int64_t vocab) {
  if (s == "zero") return Baseline{BaselineKind::kZero, 0};
  if (s == "mean") return Baseline{BaselineKind::kMean, 0};
  if (s.rfind("token:", 0) == 0) {
    const std::optional<std::uint64_t> id = cli::whole_number(s.substr(6));
    if (!id || *id >= static_cast<std::uint64_t>(std::max<std::int64_t>(vocab, 0))) {
      throw std::invalid_argument("--baseline token:ID wants an id in 0.." + std::to_string(vocab - 1) + ", got '" +
                                  s + "'");
    }
    return Baseline{BaselineKind::kToken, static_cast<std::int64_t>(*id)};
  }
  throw std::invalid_argument("--baseline wants zero, mean or token:ID, got '" + s + "'");
}

Quadrature parse_quadrature(const std::string& s) {
  if (s == "gausslegendre") return Quadrature::kGaussLegendre;
  if (s == "riemann_left") return Quadrature::kRiemannLeft;
  if (s == "riemann_right") return Quadrature::kRiemannRight;
  if (s == "riemann_middle") return Quadrature::kRiemannMiddle;
  if (s == "riemann_trapezoid") return Quadrature::kRiemannTrapezoid;
  throw std::invalid_argument("--quadrature wants gausslegendre or riemann_{left,right,middle,trapezoid}, got '" +
                              s + "'");
}

Pooling parse_pooling(const std::string& flag, const std::string& s) {
  if (s == "last") return Pooling::kLast;
  if (s == "first") return Pooling::kFirst;
  if (s == "mean") return Pooling::kMean;
  if (s == "sum") return Pooling::kSum;
  if (s == "absmax") return Pooling::kAbsMax;
  throw std::invalid_argument(flag + " wants last, first, mean, sum or absmax, got '" + s + "'");
}

FeatureSet parse_features(const std::vector<std::string>& names) {
  FeatureSet f;
  f.activations = false;
  if (names.empty()) throw std::invalid_argument("--features lists no feature");
  for (const std::string& n : names) {
    if (n == "activations") f.activations = true;
    else if (n == "attention") f.attention = true;
    else if (n == "grad_norm") f.grad_norm = true;
    else if (n == "grad_x_input") f.grad_x_input = true;
    else if (n == "integrated_gradients") f.integrated_gradients = true;
    else if (n == "erasure") f.erasure = true;
    else if (n == "conductance") f.conductance = true;
    else
      throw std::invalid_argument("unknown feature '" + n +
                                  "' (known: activations, attention, grad_norm, grad_x_input, "
                                  "integrated_gradients, erasure, conductance)");
  }
  return f;
}


// A tokenizer as the extract pipeline needs it: the ids of one word (each family's convention for
// a word inside running text), the BOS id that starts every window (-1: none), and provenance.
struct WordTokenizer {
  std::string kind;
  std::int64_t bos = -1;
  std::function<std::vector<std::int32_t>(const std::string& word, bool first_in_segment)> encode_word;
  nlohmann::json files = nlohmann::json::object();  // path -> sha256
};

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

WordTokenizer gpt2_word_tokenizer(Gpt2Tokenizer tok, const std::string& source) {
  WordTokenizer t;
  const auto eot = tok.encoder.find("<|endoftext|>");
  t.bos = eot != tok.encoder.end() ? eot->second : -1;
  t.kind = "GPT-2 byte-level BPE (" + source + "); a word is encoded as \" word\" (leading space) except the first "
           "word of a segment; " +
           (t.bos >= 0 ? "<|endoftext|> (id " + std::to_string(t.bos) + ") starts every window"
                       : std::string("no <|endoftext|> in the vocabulary: windows start without BOS and their first "
                                     "token is not scored"));
  auto shared = std::make_shared<Gpt2Tokenizer>(std::move(tok));
  t.encode_word = [shared](const std::string& w, bool first) { return encode(*shared, first ? w : " " + w); };
  return t;
}

WordTokenizer load_word_tokenizer(const std::string& path, std::int64_t model_vocab) {
  if (!fs::exists(path)) throw std::runtime_error("tokenizer not found: " + path);
  WordTokenizer t;
  const std::string ext = lower_extension(path);
  if (fs::is_directory(path)) {
    const fs::path dir(path), json = dir / "tokenizer.json", vocab = dir / "vocab.json", merges = dir / "merges.txt";
    if (fs::exists(json)) {
      t = gpt2_word_tokenizer(load_gpt2_tokenizer_json(json.string()), "tokenizer.json");
      t.files[fs::absolute(json).string()] = sha256_file_hex(json.string());
    } else if (fs::exists(vocab) && fs::exists(merges)) {
      t = gpt2_word_tokenizer(load_gpt2_tokenizer(vocab.string(), merges.string()), "vocab.json + merges.txt");
      t.files[fs::absolute(vocab).string()] = sha256_file_hex(vocab.string());
      t.files[fs::absolute(merges).string()] = sha256_file_hex(merges.string());
    } else {
      throw std::runtime_error("tokenizer directory " + path + " holds neither tokenizer.json nor vocab.json + merges.txt");
    }
    return t;
  }
  t.files[fs::absolute(path).string()] = sha256_file_hex(path);
  if (ext == ".json") {
    WordTokenizer g = gpt2_word_tokenizer(load_gpt2_tokenizer_json(path), "tokenizer.json");
    g.files = t.files;
    return g;
  }
  if (ext == ".model") {
    // Read without libsentencepiece (its bundled protobuf clashes with libtorch's; see
    // sentencepiece_model.hpp); BPE models only.
    auto sp = std::make_shared<SentencePieceModel>(load_sentencepiece_model(path));
    if (sp->model_type != 2) {
      throw std::invalid_argument("--tokenizer " + path + ": SentencePiece model type " +
                                  std::to_string(sp->model_type) + " is not BPE; only BPE models are supported");
    }
    t.bos = sp->bos_id;
    t.kind = "SentencePiece BPE .model (read by sentencepiece_model.hpp); each word encoded alone with the dummy "
             "prefix, i.e. \"\u2581word\" as in running text; " +
             (t.bos >= 0 ? "BOS id " + std::to_string(t.bos) + " starts every window" : std::string("no BOS"));
    t.encode_word = [sp](const std::string& w, bool) { return encode_word(*sp, w); };
    return t;
  }
  auto tok = std::make_shared<Llama2cTokenizer>(
      load_llama2c_tokenizer(path, static_cast<std::int32_t>(model_vocab)));
  t.bos = Llama2cTokenizer::kBos;
  t.kind = "llama2.c tokenizer.bin; each word encoded alone with run.c's \" \" prefix; BOS 1 starts every window";
  t.encode_word = [tok](const std::string& w, bool) { return encode(*tok, w, EncodeOptions{false, false}); };
  return t;
}

// --model-variant: trained | untrained:SEED | noise:REL_SD:SEED.
struct ModelVariant {
  std::string kind = "trained";
  std::uint64_t seed = 0;
  double rel_sd = 0.0;
};

std::uint64_t parse_seed(const std::string& s, const std::string& spec) {
  const std::optional<std::uint64_t> v = cli::whole_number(s);
  if (!v) throw std::invalid_argument("--model-variant '" + spec + "': seed '" + s + "' is not a non-negative integer");
  return *v;
}

ModelVariant parse_variant(const std::string& spec) {
  ModelVariant v;
  if (spec == "trained") return v;
  if (spec.rfind("untrained:", 0) == 0) {
    v.kind = "untrained";
    v.seed = parse_seed(spec.substr(10), spec);
    return v;
  }
  if (spec.rfind("noise:", 0) == 0) {
    const std::string rest = spec.substr(6);
    const std::size_t colon = rest.find(':');
    if (colon == std::string::npos) {
      throw std::invalid_argument("--model-variant noise wants noise:REL_SD:SEED, got '" + spec + "'");
    }
    const std::string sd = rest.substr(0, colon);
    const std::optional<double> rel_sd = cli::finite_number(sd);
    v.rel_sd = rel_sd.value_or(0.0);
    if (!rel_sd || v.rel_sd < 0.0) {
      throw std::invalid_argument("--model-variant '" + spec + "': REL_SD '" + sd + "' is not a number >= 0");
    }
    v.kind = "noise";
    v.seed = parse_seed(rest.substr(colon + 1), spec);
    return v;
  }
  throw std::invalid_argument("--model-variant wants trained, untrained:SEED or noise:REL_SD:SEED, got '" + spec + "'");
}

nlohmann::json variant_json(const ModelVariant& v, const std::string& spec) {
  nlohmann::json j = {{"spec", spec}, {"kind", v.kind}};
  if (v.kind == "untrained") {
    j["seed"] = v.seed;
    j["note"] =
        "untrained_twin: same architecture, fresh weights drawn as the family's initialisation "
        "(N(0, initializer_range), norm gains 1) from a libtorch CPU generator with this seed";
  } else if (v.kind == "noise") {
    j["seed"] = v.seed;
    j["rel_sd"] = v.rel_sd;
    j["note"] =
        "noisy_copy: every weight tensor W of the trained model (embeddings, attention and MLP matrices and "
        "biases, norm gains and biases included, an untied classifier) + N(0, (rel_sd * sd(W))^2), sd(W) the "
        "population sd of W's entries; tied classifier stays tied";
  }
  return j;
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

// A segment's final punctuation: the trailing ASCII punctuation (std::ispunct: . , ; : ! ? " ' )
// and so on) of its last word, or a last word made only of punctuation. For each segment, the last
// content word and how many of its tokens come before the punctuation: the tokens of the word with
// its punctuation stripped, when they are a strict prefix of the word's tokens. When the tokenizer
// merged the punctuation into a word token (no such prefix), the word keeps all its tokens and the
// segment is counted in `merged`.
struct FinalPunctuation {
  std::vector<std::int64_t> activation_tokens;    // [words] WordFeatureOptions::activation_tokens
  std::vector<Eigen::Index> last_content_word;    // [segments]
  std::int64_t left_out = 0;           // segments whose last word's punctuation tokens are left out
  std::int64_t punctuation_words = 0;  // segments ending in a punctuation-only word (skipped)
  std::int64_t merged = 0;             // segments whose punctuation shares a token with the word
};

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

}  // namespace

SegmentedWords read_stimulus_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read stimulus " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  const auto blank = [](const std::string& l) {
    return l.find_first_not_of(" \t\r\f\v") == std::string::npos;
  };
  while (!lines.empty() && blank(lines.back())) lines.pop_back();
  SegmentedWords out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (blank(lines[i])) {
      throw std::runtime_error(path + ": line " + std::to_string(i + 1) +
                               " is blank (--segments lines wants one non-empty segment per line)");
    }
    std::istringstream split(lines[i]);
    std::string w;
    while (split >> w) {
      out.words.push_back(w);
      out.segment_of.push_back(static_cast<std::int64_t>(i));
    }
  }
  out.segments = static_cast<std::int64_t>(lines.size());
  if (out.words.empty()) throw std::runtime_error("stimulus " + path + " holds no words");
  return out;
}

std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier) {
  std::vector<std::string> words;
  const fs::path p(path);
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".textgrid") {
    const io::TextGrid grid = io::read_textgrid(p, io::TextGridOptions{io::TimeOrder::as_written});
    const io::Tier* chosen = tier.empty() ? io::default_word_tier(grid) : &grid.tier(tier);
    if (chosen == nullptr || chosen->kind != io::TierKind::interval) {
      throw std::runtime_error(path + ": no interval tier of words");
    }
    for (const io::Interval& iv : chosen->intervals) {
      std::istringstream split(iv.text);
      std::string w;
      std::string joined;
      while (split >> w) joined += (joined.empty() ? "" : " ") + w;
      if (!io::is_silence_label(joined)) words.push_back(joined);
    }
  } else {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read stimulus " + path);
    std::string w;
    while (in >> w) words.push_back(w);
  }
  if (words.empty()) throw std::runtime_error("stimulus " + path + " holds no words");
  return words;
}

ExtractSummary run_extract(const ExtractRequest& req, std::ostream* progress) {
  const auto start = std::chrono::steady_clock::now();
  if (req.threads < 1) throw std::invalid_argument("--threads must be >= 1");
  if (req.out_dir.empty()) throw std::invalid_argument("--out is required");
  if (req.model_path.empty()) throw std::invalid_argument("--model is required");
  if (req.tokenizer_path.empty()) throw std::invalid_argument("--tokenizer is required");
  const FeatureSet features = parse_features(req.features);
  if (req.dtype != "float32" && req.dtype != "float64") {
    throw std::invalid_argument("--dtype wants float32 or float64, got '" + req.dtype + "'");
  }
  const ModelVariant variant = parse_variant(req.model_variant);
  if (req.segments != "none" && req.segments != "lines") {
    throw std::invalid_argument("--segments wants none or lines, got '" + req.segments + "'");
  }
  if (req.segment_pool != "none" && req.segment_pool != "last" && req.segment_pool != "mean" &&
      req.segment_pool != "last-token") {
    throw std::invalid_argument("--segment-pool wants none, last, mean or last-token, got '" + req.segment_pool + "'");
  }
  const bool segmented = req.segments == "lines";
  if (req.segment_pool != "none" && !segmented) {
    throw std::invalid_argument("--segment-pool " + req.segment_pool + " needs --segments lines");
  }
  if (req.segment_pool != "none" && !features.activations) {
    throw std::invalid_argument("--segment-pool " + req.segment_pool + " pools activations: add activations to --features");
  }
  if (segmented && lower_extension(req.stimulus_path) == ".textgrid") {
    throw std::invalid_argument("--segments lines wants a text stimulus (one segment per line), got " +
                                req.stimulus_path);
  }
  if (req.threads < 1) throw std::invalid_argument("--threads must be >= 1, got " + std::to_string(req.threads));
  const ComputeThreadsScope threads(static_cast<int>(req.threads));
  SegmentedWords stim;
  if (segmented) {
    stim = read_stimulus_lines(req.stimulus_path);
  } else {
    stim.words = read_stimulus_words(req.stimulus_path, req.textgrid_tier);
    stim.segment_of.assign(stim.words.size(), 0);
    stim.segments = 1;
  }
  const std::vector<std::string>& words = stim.words;

  if (!fs::exists(req.model_path)) throw std::runtime_error("model not found: " + req.model_path);
  Model model = fs::is_directory(req.model_path) ? load_hf(req.model_path) : load_llama2c(req.model_path);
  if (variant.kind == "untrained") model = untrained_twin(model.config, variant.seed);
  if (variant.kind == "noise") model = noisy_copy(model, variant.rel_sd, variant.seed);
  if (req.dtype == "float64") model = to_dtype(model, torch::kFloat64);
  const WordTokenizer tok = load_word_tokenizer(req.tokenizer_path, model.config.vocab_size);

  WordFeatureOptions opt;
  opt.features = features;
  opt.context_words = req.context_words;
  opt.stride_words = req.stride_words;
  opt.lags = req.lags;
  opt.activation_pooling = parse_pooling("--activation-pooling", req.activation_pooling);
  opt.attribution_pooling = parse_pooling("--attribution-pooling", req.attribution_pooling);
  opt.target = parse_target(req.target);
  opt.integrated_gradients.baseline = parse_baseline(req.baseline, model.config.vocab_size);
  opt.integrated_gradients.rule = parse_quadrature(req.quadrature);
  opt.integrated_gradients.steps = req.ig_steps;
  opt.attribution_batch_elements = req.batch_elements;
  if (req.conductance_steps < -1) {
    throw std::invalid_argument("--conductance-steps must be >= 0, got " + std::to_string(req.conductance_steps));
  }
  opt.conductance_steps = req.conductance_steps;
  if (req.erasure == "remove") {
    opt.erasure.mode = ErasureMode::kRemove;
  } else if (req.erasure == "replace") {
    opt.erasure.mode = ErasureMode::kReplace;
  } else if (req.erasure == "remove-word") {
    opt.erase_whole_words = true;
  } else {
    throw std::invalid_argument("--erasure wants remove, replace or remove-word, got '" + req.erasure + "'");
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
  // Each word is encoded alone, as the family writes a word inside running text (see
  // WordTokenizer::kind).
  std::vector<std::vector<std::int32_t>> word_tokens;
  std::int64_t n_tokens = 0;
  for (std::size_t w = 0; w < words.size(); ++w) {
    const bool first = w == 0 || stim.segment_of[w] != stim.segment_of[w - 1];
    word_tokens.push_back(tok.encode_word(words[w], first));
    if (word_tokens.back().empty()) {
      throw std::runtime_error("stimulus word " + std::to_string(w) + " '" + words[w] + "' encodes to no token");
    }
    n_tokens += static_cast<std::int64_t>(word_tokens.back().size());
  }
  // Sentence pooling reads each segment's words up to its final punctuation (see
  // final_punctuation_of): the model still reads the punctuation.
  const bool content_pool = req.segment_pool == "last" || req.segment_pool == "mean";
  FinalPunctuation punct;
  if (content_pool) {
    punct = final_punctuation_of(stim, word_tokens, tok);
    opt.activation_tokens = punct.activation_tokens;
  }
  const WordFeatures wf = extract_word_features(model, word_tokens, opt);
  if (progress != nullptr) *progress << "\n";

  fs::create_directories(req.out_dir);
  ExtractSummary summary;
  nlohmann::json arrays = nlohmann::json::object();
  const auto save = [&](const std::string& name, const RowMatrix& m, const std::string& meaning) {
    const std::string file = name + ".npy";
    io::write_npy(fs::path(req.out_dir) / file, m);
    summary.files.push_back(file);
    arrays[name] = {{"file", file}, {"shape", {m.rows(), m.cols()}}, {"dtype", "float64"}, {"meaning", meaning}};
  };
  const std::string lag_note = "[words, K]: column k is word w - k (k = 0 is word w), 0 before the window";
  if (features.activations) {
    for (std::size_t l = 0; l < wf.layer_names.size(); ++l) {
      save("activations_" + wf.layer_names[l], wf.activations[l],
           "[words, dim] " + req.activation_pooling + "-sub-word pooled residual stream");
    }
  }
  if (features.attention) {
    for (std::size_t l = 0; l < wf.attention.size(); ++l) {
      save("attention_block_" + std::to_string(l), wf.attention[l], "head-averaged attention " + lag_note);
      save("attention_per_head_block_" + std::to_string(l), wf.attention_per_head[l],
           "[words, n_heads * K] head-major (reshape to [words, n_heads, K])");
    }
  }
  const std::string attr_note = " of the prediction of word w+1 at word w " + lag_note;
  if (features.grad_norm) save("grad_norm", wf.grad_norm, "L1 gradient norm" + attr_note);
  if (features.grad_x_input) {
    save("grad_x_input", wf.grad_x_input, "signed gradient . input" + attr_note);
    save("grad_x_input_l2", wf.grad_x_input_l2, "L2 norm of gradient (.) input" + attr_note);
  }
  if (features.integrated_gradients) {
    save("integrated_gradients", wf.integrated_gradients, "integrated gradients" + attr_note);
    RowMatrix comp(wf.ig_target_value.size(), 3);
    comp.col(0) = wf.ig_target_value;
    comp.col(1) = wf.ig_baseline_value;
    comp.col(2) = wf.ig_completeness_gap;
    save("integrated_gradients_completeness", comp,
         "[words, 3]: f(x), f(baseline), sum(attributions over the whole context) - (f(x) - f(baseline)); NaN "
         "where no next word");
  }
  if (features.erasure) {
    save("erasure", wf.erasure,
         (req.erasure == "remove-word" ? std::string("f(x) - f(x without all of the word's tokens)")
          : req.erasure == "replace"   ? std::string("f(x) - f(x with each of the word's tokens replaced by the baseline)")
                                       : std::string("f(x) - f(x without each of the word's tokens), pooled")) +
             attr_note);
  }
  if (features.conductance) {
    for (std::size_t l = 0; l < wf.conductance.size(); ++l) {
      save("conductance_block_" + std::to_string(l), wf.conductance[l], "layer conductance" + attr_note);
    }
  }
  RowMatrix ctx(static_cast<Eigen::Index>(words.size()), 1);
  for (std::size_t w = 0; w < words.size(); ++w) ctx(static_cast<Eigen::Index>(w), 0) = wf.context_words[w];
  save("context_words", ctx, "[words, 1] preceding words in the window each word was read from");
  RowMatrix surprisal(static_cast<Eigen::Index>(words.size()), 1);
  surprisal.col(0) = wf.surprisal;
  save("surprisal", surprisal,
       "[words, 1] sum over the word's scored tokens of -ln p(token | its window prefix), nats (the perplexity's terms)");
  if (segmented) {
    RowMatrix seg(static_cast<Eigen::Index>(words.size()), 1);
    for (std::size_t w = 0; w < words.size(); ++w) seg(static_cast<Eigen::Index>(w), 0) = stim.segment_of[w];
    save("segment", seg, "[words, 1] 0-based line (segment) index of each word");
  }
  if (req.segment_pool != "none") {
    // Segments are consecutive runs of words, one per line. last-token: the row of the segment's
    // last word with all its tokens (typically the final "." token); last: the row of its last
    // content word, pooled up to the final punctuation; mean: the mean of the rows of its content
    // words (the last one again without the final punctuation).
    std::vector<Eigen::Index> first_word(static_cast<std::size_t>(stim.segments), -1), last_word = first_word;
    for (std::size_t w = 0; w < words.size(); ++w) {
      const auto g = static_cast<std::size_t>(stim.segment_of[w]);
      if (first_word[g] < 0) first_word[g] = static_cast<Eigen::Index>(w);
      last_word[g] = static_cast<Eigen::Index>(w);
    }
    const std::vector<Eigen::Index>& last_content = content_pool ? punct.last_content_word : last_word;
    std::string meaning;
    if (req.segment_pool == "last-token") {
      meaning = "the activation row of each segment's last word, all its tokens (usually the final punctuation)";
    } else if (req.segment_pool == "last") {
      meaning = "the activation row of each segment's last word before its final punctuation";
    } else {
      meaning = "the mean of the activation rows of each segment's words, final punctuation left out";
    }
    for (std::size_t l = 0; l < wf.layer_names.size(); ++l) {
      const RowMatrix& a = wf.activations[l];
      RowMatrix pooled(stim.segments, a.cols());
      for (std::int64_t g = 0; g < stim.segments; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        if (req.segment_pool == "mean") {
          const Eigen::Index count = last_content[gi] - first_word[gi] + 1;
          pooled.row(g) = a.middleRows(first_word[gi], count).colwise().mean();
        } else {
          pooled.row(g) = a.row(last_content[gi]);
        }
      }
      save("segment_activations_" + wf.layer_names[l], pooled,
           "[segments, dim] " + meaning + " (" + req.activation_pooling + "-sub-word pooled), segments in line order");
    }
  }
  const PerplexitySummary ppl = perplexity_of(wf);

  nlohmann::json windows = nlohmann::json::array();
  for (const Window& w : wf.windows) {
    windows.push_back({w.first_word, w.end_word, w.assigned_begin, w.assigned_end});
  }
  const ModelConfig& c = model.config;
  nlohmann::json manifest = {
      {"tool", "neuroscore extract"},
      {"extract_version", kExtractVersion},
      {"model", {{"path", fs::absolute(req.model_path).string()},
                 {"sha256", fs::is_directory(req.model_path) ? std::string("(directory)")
                                                             : sha256_file_hex(req.model_path)},
                 {"family", family_name(c.family)},
                 {"dim", c.dim},
                 {"n_layers", c.n_layers},
                 {"n_heads", c.n_heads},
                 {"vocab_size", c.vocab_size},
                 {"max_seq_len", c.max_seq_len}}},
      {"model_variant", variant_json(variant, req.model_variant)},
      {"tokenizer", {{"path", fs::absolute(req.tokenizer_path).string()},
                     {"files_sha256", tok.files},
                     {"bos", tok.bos},
                     {"kind", tok.kind}}},
      {"stimulus", {{"path", fs::absolute(req.stimulus_path).string()},
                    {"tier", req.textgrid_tier},
                    {"segments", req.segments},
                    {"n_segments", stim.segments},
                    {"segment_pool", req.segment_pool},
                    {"final_punctuation", {{"left_out_of_last_word", punct.left_out},
                                           {"punctuation_only_last_words", punct.punctuation_words},
                                           {"merged_into_a_word_token", punct.merged}}}}},
      {"perplexity",
       {{"nll_per_token", ppl.nll_per_token},
        {"perplexity", ppl.perplexity},
        {"tokens_scored", ppl.tokens_scored},
        {"tokens_total", n_tokens},
        {"unit", "nats"},
        {"definition",
         "every token of every word is predicted once, in the window its word is assigned to, from the "
         "positions before it (BOS included: a window's first token is scored after BOS); nll_per_token = "
         "mean of -ln p, perplexity = exp(nll_per_token)"}}},
      {"options",
       {{"features", req.features},
        {"context_words", req.context_words},
        {"stride_words", req.stride_words},
        {"lags", req.lags},
        {"threads", req.threads},
        {"dtype", req.dtype},
        {"target", req.target},
        {"baseline", req.baseline},
        {"quadrature", req.quadrature},
        {"ig_steps", req.ig_steps},
        {"ig_weights", "rounded to float32 as Captum"},
        {"conductance_points", (req.conductance_steps >= 0 ? req.conductance_steps : req.ig_steps) + 1},
        {"ig_and_conductance_one_pass", req.conductance_steps >= 0 && req.conductance_steps + 1 == req.ig_steps},
        {"attribution_batch_elements", req.batch_elements},
        {"erasure", req.erasure},
        {"activation_pooling", req.activation_pooling},
        {"model_variant", req.model_variant},
        {"segments", req.segments},
        {"segment_pool", req.segment_pool},
        {"attribution_pooling", req.attribution_pooling}}},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()},
      {"words", words},
      {"word_tokens", word_tokens},
      {"layer_names", wf.layer_names},
      {"windows", windows},
      {"arrays", arrays},
  };
  std::ofstream(fs::path(req.out_dir) / "manifest.json") << manifest.dump(2) << "\n";
  summary.files.push_back("manifest.json");
  summary.words = static_cast<std::int64_t>(words.size());
  summary.tokens = n_tokens;
  summary.segments = stim.segments;
  summary.nll_per_token = ppl.nll_per_token;
  summary.perplexity = ppl.perplexity;
  summary.tokens_scored = ppl.tokens_scored;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

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
                     integrated_gradients,erasure,conductance (default: activations)
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

ExtractRequest parse_extract_args(const std::vector<std::string>& args, bool* help) {
  ExtractRequest req;
  if (help != nullptr) *help = false;
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
    else if (flag == "--stimulus") req.stimulus_path = user_path(value);
    else if (flag == "--tier") req.textgrid_tier = value;
    else if (flag == "--out") req.out_dir = user_path(value);
    else if (flag == "--model-variant") req.model_variant = value;
    else if (flag == "--segments") req.segments = value;
    else if (flag == "--segment-pool") req.segment_pool = value;
    else if (flag == "--features") req.features = cli::split_names(value);
    else if (flag == "--context") req.context_words = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--stride") req.stride_words = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--lags") req.lags = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--threads") req.threads = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--dtype") req.dtype = value;
    else if (flag == "--target") req.target = value;
    else if (flag == "--baseline") req.baseline = value;
    else if (flag == "--quadrature") req.quadrature = value;
    else if (flag == "--ig-steps") req.ig_steps = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--batch-elements") req.batch_elements = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--conductance-steps") req.conductance_steps = static_cast<std::int64_t>(cli::parse_count(flag, value, std::numeric_limits<std::int64_t>::max()));
    else if (flag == "--erasure") req.erasure = value;
    else if (flag == "--activation-pooling") req.activation_pooling = value;
    else if (flag == "--attribution-pooling") req.attribution_pooling = value;
    else throw std::invalid_argument("unknown option: " + flag);
  }
  if (req.stimulus_path.empty()) throw std::invalid_argument("--stimulus is required");
  return req;
}

int extract_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  bool help = false;
  const ExtractRequest req = parse_extract_args(args, &help);
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

}  // namespace neuroscore::extract
