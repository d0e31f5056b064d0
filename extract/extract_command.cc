// extract/extract_command.cc: option parsing, model/tokenizer loading, word features, NPY files and
// the JSON manifest of `neuroscore extract`.
#include "extract/extract_command.hpp"

#include <torch/torch.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "extract/llama2c_tokenizer.hpp"
#include "extract/loaders.hpp"
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
    std::size_t used = 0;
    long long id = -1;
    try {
      id = std::stoll(s.substr(6), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != s.size() - 6 || id < 0 || id >= vocab) {
      throw std::invalid_argument("--baseline token:ID wants an id in 0.." + std::to_string(vocab - 1) + ", got '" +
                                  s + "'");
    }
    return Baseline{BaselineKind::kToken, id};
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

bool is_silence(const std::string& w) { return w.empty() || w == "sp" || w == "sil" || w == "<sil>"; }

}  // namespace

std::vector<std::string> read_stimulus_words(const std::string& path, const std::string& tier) {
  std::vector<std::string> words;
  const fs::path p(path);
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".textgrid") {
    const io::TextGrid grid = io::read_textgrid(p, io::TextGridOptions{io::TimeOrder::as_written});
    const io::Tier* chosen = nullptr;
    if (!tier.empty()) {
      chosen = &grid.tier(tier);
    } else {
      for (const io::Tier& t : grid.tiers) {
        if (t.kind == io::TierKind::interval && (t.name == "words" || t.name == "word")) chosen = &t;
      }
      for (const io::Tier& t : grid.tiers) {
        if (chosen == nullptr && t.kind == io::TierKind::interval) chosen = &t;
      }
    }
    if (chosen == nullptr || chosen->kind != io::TierKind::interval) {
      throw std::runtime_error(path + ": no interval tier of words");
    }
    for (const io::Interval& iv : chosen->intervals) {
      std::istringstream split(iv.text);
      std::string w;
      std::string joined;
      while (split >> w) joined += (joined.empty() ? "" : " ") + w;
      if (!is_silence(joined)) words.push_back(joined);
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
  torch::set_num_threads(static_cast<int>(req.threads));
  const std::vector<std::string> words = read_stimulus_words(req.stimulus_path, req.textgrid_tier);

  if (!fs::exists(req.model_path)) throw std::runtime_error("model not found: " + req.model_path);
  Model model = fs::is_directory(req.model_path) ? load_hf(req.model_path) : load_llama2c(req.model_path);
  if (req.dtype == "float64") model = to_dtype(model, torch::kFloat64);
  const Llama2cTokenizer tok =
      load_llama2c_tokenizer(req.tokenizer_path, static_cast<std::int32_t>(model.config.vocab_size));

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
  if (req.erasure == "remove") {
    opt.erasure.mode = ErasureMode::kRemove;
  } else if (req.erasure == "replace") {
    opt.erasure.mode = ErasureMode::kReplace;
  } else {
    throw std::invalid_argument("--erasure wants remove or replace, got '" + req.erasure + "'");
  }
  opt.erasure.baseline = opt.integrated_gradients.baseline;
  opt.bos = Llama2cTokenizer::kBos;
  if (progress != nullptr) {
    opt.progress = [progress, start](std::int64_t done, std::int64_t total) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      *progress << "\rextract: " << done << "/" << total << " words, " << std::fixed << std::setprecision(1) << s
                << " s" << std::flush;
    };
  }
  // Each word is encoded alone; run.c's encode adds the " " dummy prefix, so every word is
  // " word" as in running text.
  std::vector<std::vector<std::int32_t>> word_tokens;
  std::int64_t n_tokens = 0;
  for (const std::string& w : words) {
    word_tokens.push_back(encode(tok, w, EncodeOptions{false, false}));
    n_tokens += static_cast<std::int64_t>(word_tokens.back().size());
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
  if (features.erasure) save("erasure", wf.erasure, "f(x) - f(x without word's token)" + attr_note);
  if (features.conductance) {
    for (std::size_t l = 0; l < wf.conductance.size(); ++l) {
      save("conductance_block_" + std::to_string(l), wf.conductance[l], "layer conductance" + attr_note);
    }
  }
  RowMatrix ctx(static_cast<Eigen::Index>(words.size()), 1);
  for (std::size_t w = 0; w < words.size(); ++w) ctx(static_cast<Eigen::Index>(w), 0) = wf.context_words[w];
  save("context_words", ctx, "[words, 1] preceding words in the window each word was read from");

  nlohmann::json windows = nlohmann::json::array();
  for (const Window& w : wf.windows) {
    windows.push_back({w.first_word, w.end_word, w.assigned_begin, w.assigned_end});
  }
  const ModelConfig& c = model.config;
  nlohmann::json manifest = {
      {"tool", "neuroscore extract"},
      {"model", {{"path", fs::absolute(req.model_path).string()},
                 {"sha256", fs::is_directory(req.model_path) ? std::string("(directory)")
                                                             : sha256_file_hex(req.model_path)},
                 {"family", family_name(c.family)},
                 {"dim", c.dim},
                 {"n_layers", c.n_layers},
                 {"n_heads", c.n_heads},
                 {"vocab_size", c.vocab_size},
                 {"max_seq_len", c.max_seq_len}}},
      {"tokenizer", {{"path", fs::absolute(req.tokenizer_path).string()},
                     {"sha256", sha256_file_hex(req.tokenizer_path)},
                     {"kind", "llama2.c tokenizer.bin; each word encoded alone with run.c's \" \" prefix; BOS 1 "
                              "starts every window"}}},
      {"stimulus", {{"path", fs::absolute(req.stimulus_path).string()}, {"tier", req.textgrid_tier}}},
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
        {"conductance_points", req.ig_steps + 1},
        {"erasure", req.erasure},
        {"activation_pooling", req.activation_pooling},
        {"attribution_pooling", req.attribution_pooling}}},
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
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return summary;
}

}  // namespace neuroscore::extract
