// extract/extract_output.cc: one NPY per array and manifest.json (model sha256 and variant,
// tokenizer, every option, words, windows, perplexity, shapes) of an extract run.
#include "extract/extract_output.hpp"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "extract/sha256.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::extract::internal {
namespace {

namespace fs = std::filesystem;

std::string variant_kind(const ModelVariant& v) {
  switch (v.kind) {
    case ModelVariant::Kind::kTrained: return "trained";
    case ModelVariant::Kind::kUntrained: return "untrained";
    case ModelVariant::Kind::kNoise: return "noise";
  }
  return "";
}

nlohmann::json variant_json(const ModelVariant& v) {
  nlohmann::json j = {{"spec", to_string(v)}, {"kind", variant_kind(v)}};
  if (v.kind == ModelVariant::Kind::kUntrained) {
    j["seed"] = v.seed;
    j["note"] =
        "untrained_twin: same architecture, fresh weights drawn as the family's initialisation "
        "(N(0, initializer_range), norm gains 1) from a libtorch CPU generator with this seed";
  } else if (v.kind == ModelVariant::Kind::kNoise) {
    j["seed"] = v.seed;
    j["rel_sd"] = v.rel_sd;
    j["note"] =
        "noisy_copy: every weight tensor W of the trained model (embeddings, attention and MLP matrices and "
        "biases, norm gains and biases included, an untied classifier) + N(0, (rel_sd * sd(W))^2), sd(W) the "
        "population sd of W's entries; tied classifier stays tied";
  }
  return j;
}

std::vector<std::string> feature_names(const std::vector<Feature>& features) {
  std::vector<std::string> out;
  for (const Feature f : features) out.push_back(to_string(f));
  return out;
}

}  // namespace

ExtractSummary write_extract_outputs(const ExtractRun& run) {
  const FeatureRequest& req = run.request;
  const SegmentedWords& stim = run.stimulus;
  const std::vector<std::string>& words = stim.words;
  const WordFeatures& wf = run.features;
  const FinalPunctuation& punct = run.punctuation;
  const std::string activation_pooling = to_string(req.activation_pooling);
  const bool segmented = req.stimulus.segments == Segments::kLines;
  // A stimulus in memory has no path.
  const std::string stimulus_path =
      req.stimulus.words.words.empty() ? fs::absolute(req.stimulus.path).string() : std::string("(in memory)");
  fs::create_directories(req.out_dir);
  ExtractSummary summary;
  nlohmann::json arrays = nlohmann::json::object();
  const auto save = [&](const std::string& name, const RowMatrix& m, const std::string& meaning) {
    const std::string file = name + ".npy";
    io::write_npy(fs::path(req.out_dir) / file, m);
    summary.files.push_back(file);
    arrays[name] = {{"file", file}, {"shape", {m.rows(), m.cols()}}, {"dtype", "float64"}, {"meaning", meaning}};
  };
  const FeatureSet& features = run.feature_set;
  const std::string lag_note = "[words, K]: column k is word w - k (k = 0 is word w), 0 before the window";
  if (features.activations) {
    for (std::size_t l = 0; l < wf.layer_names.size(); ++l) {
      save("activations_" + wf.layer_names[l], wf.activations[l],
           "[words, dim] " + activation_pooling + "-sub-word pooled residual stream");
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
         (req.erasure == Erasure::kRemoveWord ? std::string("f(x) - f(x without all of the word's tokens)")
          : req.erasure == Erasure::kReplace   ? std::string("f(x) - f(x with each of the word's tokens replaced by the baseline)")
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
  if (features.entropy) {
    RowMatrix entropy(static_cast<Eigen::Index>(words.size()), 1);
    entropy.col(0) = wf.entropy;
    save("entropy", entropy,
         "[words, 1] entropy of the next-token distribution before the word's first token, nats; NaN where that "
         "token is not scored");
  }
  if (segmented) {
    RowMatrix seg(static_cast<Eigen::Index>(words.size()), 1);
    for (std::size_t w = 0; w < words.size(); ++w) seg(static_cast<Eigen::Index>(w), 0) = stim.segment_of[w];
    save("segment", seg, "[words, 1] 0-based line (segment) index of each word");
  }
  if (req.segment_pool != SegmentPool::kNone) {
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
    const bool content_pool = req.segment_pool == SegmentPool::kLast || req.segment_pool == SegmentPool::kMean;
    const std::vector<Eigen::Index>& last_content = content_pool ? punct.last_content_word : last_word;
    std::string meaning;
    if (req.segment_pool == SegmentPool::kLastToken) {
      meaning = "the activation row of each segment's last word, all its tokens (usually the final punctuation)";
    } else if (req.segment_pool == SegmentPool::kLast) {
      meaning = "the activation row of each segment's last word before its final punctuation";
    } else {
      meaning = "the mean of the activation rows of each segment's words, final punctuation left out";
    }
    for (std::size_t l = 0; l < wf.layer_names.size(); ++l) {
      const RowMatrix& a = wf.activations[l];
      RowMatrix pooled(stim.segments, a.cols());
      for (std::int64_t g = 0; g < stim.segments; ++g) {
        const auto gi = static_cast<std::size_t>(g);
        if (req.segment_pool == SegmentPool::kMean) {
          const Eigen::Index count = last_content[gi] - first_word[gi] + 1;
          pooled.row(g) = a.middleRows(first_word[gi], count).colwise().mean();
        } else {
          pooled.row(g) = a.row(last_content[gi]);
        }
      }
      save("segment_activations_" + wf.layer_names[l], pooled,
           "[segments, dim] " + meaning + " (" + activation_pooling + "-sub-word pooled), segments in line order");
    }
  }
  const PerplexitySummary ppl = perplexity_of(wf);

  nlohmann::json windows = nlohmann::json::array();
  for (const Window& w : wf.windows) {
    windows.push_back({w.first_word, w.end_word, w.assigned_begin, w.assigned_end});
  }
  const ModelConfig& c = run.model.config;
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
      {"model_variant", variant_json(req.model_variant)},
      {"tokenizer", {{"path", fs::absolute(req.tokenizer_path).string()},
                     {"files_sha256", run.tokenizer.files},
                     {"bos", run.tokenizer.bos},
                     {"kind", run.tokenizer.kind}}},
      {"stimulus", {{"path", stimulus_path},
                    {"tier", req.stimulus.textgrid_tier},
                    {"segments", to_string(req.stimulus.segments)},
                    {"n_segments", stim.segments},
                    {"segment_pool", to_string(req.segment_pool)},
                    {"final_punctuation", {{"left_out_of_last_word", punct.left_out},
                                           {"punctuation_only_last_words", punct.punctuation_words},
                                           {"merged_into_a_word_token", punct.merged}}}}},
      {"perplexity",
       {{"nll_per_token", ppl.nll_per_token},
        {"perplexity", ppl.perplexity},
        {"tokens_scored", ppl.tokens_scored},
        {"tokens_total", run.n_tokens},
        {"unit", "nats"},
        {"definition",
         "every token of every word is predicted once, in the window its word is assigned to, from the "
         "positions before it (BOS included: a window's first token is scored after BOS); nll_per_token = "
         "mean of -ln p, perplexity = exp(nll_per_token)"}}},
      {"options",
       {{"features", feature_names(req.features)},
        {"context_words", req.context_words},
        {"stride_words", req.stride_words},
        {"lags", req.lags},
        {"threads", req.threads},
        {"dtype", to_string(req.dtype)},
        {"target", to_string(req.target)},
        {"baseline", to_string(req.baseline)},
        {"quadrature", to_string(req.quadrature)},
        {"ig_steps", req.ig_steps},
        {"ig_weights", "rounded to float32 as Captum"},
        {"conductance_points", (req.conductance_steps >= 0 ? req.conductance_steps : req.ig_steps) + 1},
        {"ig_and_conductance_one_pass", req.conductance_steps >= 0 && req.conductance_steps + 1 == req.ig_steps},
        {"attribution_batch_elements", req.batch_elements},
        {"erasure", to_string(req.erasure)},
        {"activation_pooling", activation_pooling},
        {"model_variant", to_string(req.model_variant)},
        {"segments", to_string(req.stimulus.segments)},
        {"segment_pool", to_string(req.segment_pool)},
        {"attribution_pooling", to_string(req.attribution_pooling)}}},
      {"seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count()},
      {"words", words},
      {"word_tokens", run.word_tokens},
      {"layer_names", wf.layer_names},
      {"windows", windows},
      {"arrays", arrays},
  };
  std::ofstream(fs::path(req.out_dir) / "manifest.json") << manifest.dump(2) << "\n";
  summary.files.push_back("manifest.json");
  summary.words = static_cast<std::int64_t>(words.size());
  summary.tokens = run.n_tokens;
  summary.segments = stim.segments;
  summary.nll_per_token = ppl.nll_per_token;
  summary.perplexity = ppl.perplexity;
  summary.tokens_scored = ppl.tokens_scored;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run.start).count();
  return summary;
}

}  // namespace neuroscore::extract::internal
