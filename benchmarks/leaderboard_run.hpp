// benchmarks/leaderboard_run.hpp: `neuroscore leaderboard`: builds the benchmarks from the shipped
// data, computes every method's features (language-model features through the cached extract
// pipeline), fits with a result cache, ranks, aggregates and writes the report.
// Entry points: LeaderboardRequest, parse_leaderboard_args, run_leaderboard, leaderboard_usage.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/leaderboard.hpp"
#include "benchmarks/leaderboard_data.hpp"
#include "benchmarks/lm_features.hpp"
#include "benchmarks/report.hpp"
#include "extract/sha256.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::benchmarks {

inline const char* leaderboard_usage() {
  return R"(usage: neuroscore leaderboard [--benchmarks LIST] [--methods LIST] [--models LIST] [--out DIR]

Scores feature methods on brain/behaviour benchmarks and writes DIR/leaderboard.csv (tidy: one
row per method x benchmark x region x metric), DIR/leaderboard.md and DIR/report.html with SVG
figures (gnuplot). Language-model features are extracted on the fly (context 20 words, 10 lags)
and cached with every fit in DIR/.cache, keyed by a hash of inputs and options: a second run
with the same inputs is fast. Progress goes to stderr.

options:
  --benchmarks LIST  comma-separated, default all: alice2016-roi,pereira2018-langnet,
                     naturalstories-rt,synthetic
  --methods LIST     families, default activations,attention,attributions,controls,model+controls;
                     attributions = grad_norm,grad_x_input (cheap); add conductance (layer
                     conductance per block, 8 Gauss-Legendre points, mean-embedding baseline) or
                     erasure (slow: ~8 min on Alice) explicitly. Attributions run on Alice; on
                     naturalstories-rt only when named explicitly (grad_norm, grad_x_input, ...).
                     Pereira is sentence-level: activations (each sentence's last word) only
  --models LIST      trained,untrained (default): stories260K and its seeded untrained twin
                     (untrained:1); any extract variant works, e.g. noise:0.5:1
  --model PATH       llama2.c checkpoint (default: DATA/models/stories260K/stories260K.bin)
  --tokenizer PATH   (default: DATA/models/stories260K/tok512.bin)
  --data DIR         data root (default: $NEUROSCORE_DATA, else ../shared/data)
  --out DIR          results directory (default: results)
  --bootstrap B      bootstrap resamples per score (default 1000)
  --no-shuffled      skip the shuffled-split control on Alice
  --no-gap-sensitivity  skip the Alice purge-gap sensitivity table (gaps 4, 10, 20 volumes)

examples:
  bazel run --config=opt //benchmarks:neuroscore -- leaderboard
  bazel run --config=opt //benchmarks:neuroscore -- leaderboard --benchmarks alice2016-roi --methods activations,controls --models trained --out /tmp/lb
)";
}

struct LeaderboardRequest {
  std::filesystem::path data_root, out_dir = "results", model_path, tokenizer_path;
  std::vector<std::string> benchmarks = {"alice2016-roi", "pereira2018-langnet", "naturalstories-rt", "synthetic"};
  std::vector<std::string> methods = {"activations", "attention", "attributions", "controls", "model+controls"};
  std::vector<std::string> models = {"trained", "untrained"};
  std::size_t bootstrap = 1000;
  bool shuffled_control = true;
  bool gap_sensitivity = true;
};

struct LeaderboardRun {
  std::vector<MethodScore> scores, shuffled;
  std::vector<MethodScore> gap_sensitivity;  // Alice with purge gaps 10 and 20 (the benchmark itself: 4)
  ReportFiles files;
  int fits_cached = 0, fits_computed = 0, extracts_cached = 0, extracts_computed = 0;
  double seconds = 0.0;
};

namespace detail::lbrun {

inline std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) if (!item.empty()) out.push_back(item);
  return out;
}

inline bool has(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

inline std::string variant_of(const std::string& model) {
  if (model == "trained") return "trained";
  if (model == "untrained") return "untrained:1";
  return model;
}

inline std::string label_of(const std::string& model) {
  std::string s = model;
  for (char& c : s) if (c == ':') c = '_';
  return s;
}

template <class M>
void hash_bytes(std::string& acc, const M& m) {
  acc += std::to_string(m.rows()) + "x" + std::to_string(m.cols()) + ":";
  acc.append(reinterpret_cast<const char*>(m.data()), static_cast<std::size_t>(m.size()) * sizeof(double));
}

// The fit cache key: every input of fit_method, and the version of what it computes. Bump the
// version whenever ridge.hpp or fit_method changes a number: v2, near-constant training columns
// dropped by RidgeDecomposition (the OASM fits changed; the OASM matrix no longer truncated);
// v3, grouped inner CV (RidgeCvOptions::inner_groups) on the passage and story benchmarks.
inline std::string fit_key(const Benchmark& b, const Method& m, bool with_baseline) {
  std::string acc = "fit-v3|" + b.name + "|" + m.name + "|";
  hash_bytes(acc, m.x);
  for (const Eigen::MatrixXd& c : m.layer_candidates) hash_bytes(acc, c);
  hash_bytes(acc, b.responses);
  if (with_baseline) hash_bytes(acc, b.baseline);
  for (double a : b.ridge.alphas) acc += std::to_string(a) + ",";
  acc += std::to_string(b.ridge.inner_folds) + "|" + std::to_string(b.ridge.inner_gap.samples) + "|" +
         std::to_string(b.ridge.standardize) + "|";
  for (int g : b.ridge.inner_groups) acc += std::to_string(g) + ",";
  acc += "|";
  for (const Fold& f : b.folds) {
    for (std::size_t i : f.train) acc += std::to_string(i) + ",";
    acc += "/";
    for (std::size_t i : f.test) acc += std::to_string(i) + ",";
    acc += ";";
  }
  return extract::sha256_hex(acc).substr(0, 24);
}

}  // namespace detail::lbrun

inline LeaderboardRequest parse_leaderboard_args(const std::vector<std::string>& args, bool* help) {
  using detail::lbrun::split_commas;
  LeaderboardRequest r;
  const std::set<std::string> known_benchmarks = {"alice2016-roi", "pereira2018-langnet", "naturalstories-rt", "synthetic"};
  const std::set<std::string> known_methods = {"activations", "attention", "attributions", "grad_norm", "grad_x_input",
                                               "conductance", "erasure", "controls", "model+controls"};
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      *help = true;
      return r;
    }
    if (flag == "--no-shuffled") {
      r.shuffled_control = false;
      continue;
    }
    if (flag == "--no-gap-sensitivity") {
      r.gap_sensitivity = false;
      continue;
    }
    if (flag.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + flag + "' (see neuroscore leaderboard --help)");
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value (see neuroscore leaderboard --help)");
    const std::string& v = args[++i];
    if (flag == "--benchmarks") {
      r.benchmarks = split_commas(v);
      for (const auto& b : r.benchmarks)
        if (!known_benchmarks.count(b)) throw std::invalid_argument("unknown benchmark '" + b + "' (known: alice2016-roi, pereira2018-langnet, naturalstories-rt, synthetic)");
    } else if (flag == "--methods") {
      r.methods = split_commas(v);
      for (const auto& m : r.methods)
        if (!known_methods.count(m)) throw std::invalid_argument("unknown method family '" + m + "' (see neuroscore leaderboard --help)");
    } else if (flag == "--models") {
      r.models = split_commas(v);
      for (const auto& m : r.models)
        if (m != "trained" && m != "untrained" && m.rfind("untrained:", 0) != 0 && m.rfind("noise:", 0) != 0)
          throw std::invalid_argument("unknown model '" + m + "' (trained, untrained, untrained:SEED, noise:SD:SEED)");
    } else if (flag == "--out") r.out_dir = v;
    else if (flag == "--data") r.data_root = v;
    else if (flag == "--model") r.model_path = v;
    else if (flag == "--tokenizer") r.tokenizer_path = v;
    else if (flag == "--bootstrap") {
      std::size_t used = 0;
      long long x = -1;
      try { x = std::stoll(v, &used); } catch (const std::exception&) { used = 0; }
      if (used != v.size() || x < 1) throw std::invalid_argument("--bootstrap wants a positive whole number, got '" + v + "'");
      r.bootstrap = static_cast<std::size_t>(x);
    } else {
      throw std::invalid_argument("unknown option " + flag + " (see neuroscore leaderboard --help)");
    }
  }
  if (r.benchmarks.empty() || r.methods.empty()) throw std::invalid_argument("--benchmarks and --methods must not be empty");
  return r;
}

inline LeaderboardRun run_leaderboard(const LeaderboardRequest& req, std::ostream& log) {
  namespace fs = std::filesystem;
  using detail::lbrun::has;
  const auto start = std::chrono::steady_clock::now();
  LeaderboardRun run;
  const fs::path cache = req.out_dir / ".cache";
  fs::create_directories(cache / "fits");
  ScoringOptions scoring;
  scoring.bootstrap.resamples = req.bootstrap;
  const bool want_lm = has(req.methods, "activations") || has(req.methods, "attention") || has(req.methods, "attributions") ||
                       has(req.methods, "grad_norm") || has(req.methods, "grad_x_input") || has(req.methods, "conductance") ||
                       has(req.methods, "erasure") || has(req.methods, "model+controls");
  const fs::path model = req.model_path.empty() ? req.data_root / "models/stories260K/stories260K.bin" : req.model_path;
  const fs::path tok = req.tokenizer_path.empty() ? req.data_root / "models/stories260K/tok512.bin" : req.tokenizer_path;
  std::vector<std::string> attributions;
  if (has(req.methods, "attributions") || has(req.methods, "grad_norm")) attributions.push_back("grad_norm");
  if (has(req.methods, "attributions") || has(req.methods, "grad_x_input")) attributions.push_back("grad_x_input");
  if (has(req.methods, "erasure")) attributions.push_back("erasure");
  const bool conductance = has(req.methods, "conductance");
  std::vector<std::string> perplexities;

  // Natural Stories (10,256 words) gets attributions only when named explicitly (grad_norm,
  // grad_x_input, conductance, erasure): with the "attributions" family they would add ~6 minutes
  // per model to the default run.
  const bool ns_attributions = has(req.methods, "grad_norm") || has(req.methods, "grad_x_input") ||
                               has(req.methods, "conductance") || has(req.methods, "erasure");
  const auto extract = [&](const std::string& model_name, const std::string& stimulus, bool word_level,
                           const std::string& segments, bool with_attributions) {
    LmFeatureRequest q;
    q.model_path = model.string();
    q.tokenizer_path = tok.string();
    q.model_variant = detail::lbrun::variant_of(model_name);
    q.stimulus_path = stimulus;
    q.segments = segments;
    q.cache_root = cache;
    q.features = {"activations"};
    if (segments == "lines" && !word_level) q.segment_pool = "last";
    if (word_level) {
      if (has(req.methods, "attention")) q.features.push_back("attention");
      if (with_attributions) {
        for (const auto& a : attributions) q.features.push_back(a);
        if (conductance) q.features.push_back("conductance");
      }
    }
    LmFeatures f = cached_extract(q, &log);
    (f.cache_hit ? run.extracts_cached : run.extracts_computed) += 1;
    log << "leaderboard: " << model_name << " features for " << fs::path(stimulus).filename().string()
        << (f.cache_hit ? " (cache hit " : " (extracted in " + std::to_string(f.seconds) + " s, ") << f.dir.filename().string()
        << "), perplexity " << f.perplexity << "\n";
    return f;
  };

  // Word-level LM methods on any benchmark: `to_design` maps a word matrix to the benchmark's rows.
  const auto lm_methods = [&](const LmFeatures& f, const std::string& model_name, bool word_level, bool with_attributions,
                              const std::function<Eigen::MatrixXd(const Eigen::MatrixXd&, bool)>& to_design,
                              const Eigen::MatrixXd& baseline, std::vector<Method>& out) {
    const std::string label = detail::lbrun::label_of(model_name);
    if (has(req.methods, "activations") || has(req.methods, "model+controls")) {
      // One diagnostic row per layer (the layer curve; its maximum is picked on the test folds)
      // and the model's leaderboard entry: the layer chosen by inner CV per fold and target.
      Method selected{label + "/activations_inner_cv_layer", label, "activations-selected", -1, Eigen::MatrixXd()};
      for (std::size_t l = 0; l < f.layer_names.size(); ++l) {
        const std::string name = (word_level ? "activations_" : "segment_activations_") + f.layer_names[l];
        const Eigen::MatrixXd x = to_design(f.read(name), false);
        if (has(req.methods, "activations")) {
          Method layer{label + "/activations_" + f.layer_names[l], label, "activations", static_cast<int>(l), x};
          layer.ranked = false;
          out.push_back(std::move(layer));
          selected.layer_candidates.push_back(x);
        }
        if (has(req.methods, "model+controls") && l == f.layer_names.size() / 2 && baseline.size() > 0) {
          Eigen::MatrixXd joint(x.rows(), x.cols() + baseline.cols());
          joint << x, baseline;
          out.push_back({label + "/activations_" + f.layer_names[l] + "+controls", label, "model+controls", static_cast<int>(l), joint});
        }
      }
      if (selected.layer_candidates.size() >= 2) out.push_back(std::move(selected));
    }
    if (!word_level) return;
    if (has(req.methods, "attention")) {
      std::vector<Eigen::MatrixXd> parts;
      for (std::size_t l = 0; l + 1 < f.layer_names.size(); ++l) parts.push_back(to_design(f.read("attention_block_" + std::to_string(l)), true));
      out.push_back({label + "/attention_all_blocks", label, "attention", -1, detail::lbdata::hcat(parts)});
    }
    if (!with_attributions) return;
    for (const auto& a : attributions) out.push_back({label + "/" + a, label, "attribution", -1, to_design(f.read(a), true)});
    if (conductance) {
      Method selected{label + "/conductance_inner_cv_block", label, "attribution-selected", -1, Eigen::MatrixXd()};
      for (std::size_t l = 0; l + 1 < f.layer_names.size(); ++l) {
        Method block{label + "/conductance_block_" + std::to_string(l), label, "attribution", static_cast<int>(l + 1),
                     to_design(f.read("conductance_block_" + std::to_string(l)), true)};
        block.ranked = false;
        selected.layer_candidates.push_back(block.x);
        out.push_back(std::move(block));
      }
      if (selected.layer_candidates.size() >= 2) out.push_back(std::move(selected));
    }
  };

  const auto score_all = [&](const Benchmark& b, const std::vector<Method>& methods) {
    log << "leaderboard: " << b.name << ": " << methods.size() << " methods\n";
    const Eigen::VectorXd base = b.baseline.size() > 0 ? baseline_r2(b) : Eigen::VectorXd();
    std::vector<MethodScore> scores;
    for (std::size_t k = 0; k < methods.size(); ++k) {
      const Method& m = methods[k];
      const std::string key = detail::lbrun::fit_key(b, m, base.size() > 0);
      const fs::path stem = cache / "fits" / key;
      MethodFit fit;
      bool hit = fs::exists(fs::path(stem.string() + "_pred.npy"));
      if (hit) {
        fit.predictions = io::read_npy_matrix(stem.string() + "_pred.npy");
        fit.fold_r = io::read_npy_matrix(stem.string() + "_foldr.npy");
        if (base.size() > 0 && fs::exists(fs::path(stem.string() + "_joint.npy"))) {
          fit.r2_joint = io::read_npy_matrix(stem.string() + "_joint.npy").col(0);
        }
        if (fs::exists(fs::path(stem.string() + "_layer.npy"))) fit.chosen_layer = io::read_npy_matrix(stem.string() + "_layer.npy");
        ++run.fits_cached;
      } else {
        fit = fit_method(b, m, base.size() > 0);
        if (fit.r2_joint.size() > 0) io::write_npy(stem.string() + "_joint.npy", Eigen::MatrixXd(fit.r2_joint));
        if (fit.chosen_layer.size() > 0) io::write_npy(stem.string() + "_layer.npy", fit.chosen_layer);
        io::write_npy(stem.string() + "_foldr.npy", fit.fold_r);
        io::write_npy(stem.string() + "_pred.npy", fit.predictions);  // written last: marks a complete entry
        ++run.fits_computed;
      }
      scores.push_back(score_fit(b, m, std::move(fit), base, scoring));
      log << "  [" << (k + 1) << "/" << methods.size() << "] " << b.name << " " << m.name << ": r = " << std::fixed
          << std::setprecision(4) << scores.back().raw << std::defaultfloat << (hit ? " (cached fit)" : "") << "\n";
    }
    rank_methods(b, scores, scoring);
    return scores;
  };

  std::vector<Benchmark> benches;
  benches.reserve(5);
  std::vector<std::vector<Method>> method_sets;
  std::unique_ptr<Benchmark> shuffled_alice;
  std::vector<Method> shuffled_methods;
  std::vector<Benchmark> gap_alice;  // the Alice benchmark with longer purge gaps
  std::vector<Method> gap_methods;

  if (has(req.benchmarks, "alice2016-roi")) {
    log << "leaderboard: loading Alice\n";
    datasets::AliceOptions ao;
    ao.warnings = &log;
    const datasets::AliceData data = datasets::load_alice(req.data_root, ao);
    const datasets::AlicePredictors pred = datasets::load_alice_predictors(req.data_root);
    Benchmark b = alice_benchmark(data);
    std::vector<Method> controls = alice_controls(data, pred);
    b.baseline = control_features(controls, "control/rate+frequency");
    b.baseline_name = "word rate + word frequency";
    std::vector<Method> methods;
    if (has(req.methods, "controls")) methods = controls;
    if (want_lm) {
      for (const std::string& mname : req.models) {
        const LmFeatures f = extract(mname, (req.data_root / "alice_brennan2016/words.TextGrid").string(), true, "none", true);
        if (f.words.size() != data.words.size()) {
          throw std::runtime_error("alice: the extract read " + std::to_string(f.words.size()) + " words from words.TextGrid, the loader " +
                                   std::to_string(data.words.size()));
        }
        lm_methods(f, mname, true, true,
                   [&](const Eigen::MatrixXd& w, bool counts) {
                     return alice_design(data, w, counts ? WordToVolume::sum : WordToVolume::lanczos);
                   },
                   b.baseline, methods);
      }
    }
    if (req.shuffled_control) {
      shuffled_alice = std::make_unique<Benchmark>(alice_benchmark(data, true));
      shuffled_alice->baseline = b.baseline;
      for (const Method& m : methods) {
        if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_block_2" ||
            m.name == "untrained/activations_block_2")
          shuffled_methods.push_back(m);
      }
    }
    if (req.gap_sensitivity) {
      // split.hpp: BOLD noise stays autocorrelated for 10-20 volumes, longer than the 4-volume
      // purge (the longest FIR delay). The same methods with gaps of 10 and 20 volumes, outer and
      // inner; the test blocks (and so the per-block ceiling) are the same.
      for (const std::size_t gap : {10, 20}) {
        Benchmark g = b;
        g.name = "alice2016-roi-gap" + std::to_string(gap);
        g.folds = contiguous_kfold(static_cast<std::size_t>(b.responses.rows()), b.folds.size(), Gap{gap});
        g.ridge.inner_gap = Gap{gap};
        g.description = b.description + "; purge gap " + std::to_string(gap) + " volumes (a sensitivity check)";
        gap_alice.push_back(std::move(g));
      }
      for (const Method& m : methods) {
        if (m.name == "control/oasm" || m.name == "control/word_rate" || m.name == "trained/activations_inner_cv_layer" ||
            m.name == "untrained/activations_inner_cv_layer" || m.name == "trained/attention_all_blocks")
          gap_methods.push_back(m);
      }
    }
    benches.push_back(std::move(b));
    method_sets.push_back(std::move(methods));
  }
  if (has(req.benchmarks, "pereira2018-langnet")) {
    log << "leaderboard: loading Pereira 2018\n";
    const datasets::PereiraData d = datasets::load_pereira(req.data_root);
    Benchmark b = pereira_benchmark(d);
    std::vector<Method> controls = pereira_controls(d);
    b.baseline = control_features(controls, "control/length+position");
    b.baseline_name = "sentence length + position";
    std::vector<Method> methods;
    if (has(req.methods, "controls")) methods = controls;
    if (has(req.methods, "activations") || has(req.methods, "model+controls")) {
      const PereiraRows rows = pereira_rows(d);
      for (const std::string& mname : req.models) {
        const LmFeatures f = extract(mname, (req.data_root / "pereira2018/stimuli_384sentences.txt").string(), false, "lines", false);
        lm_methods(f, mname, false, false, [&](const Eigen::MatrixXd& s, bool) { return take(s, rows.rows); }, b.baseline, methods);
      }
    }
    benches.push_back(std::move(b));
    method_sets.push_back(std::move(methods));
  }
  if (has(req.benchmarks, "naturalstories-rt")) {
    log << "leaderboard: loading Natural Stories\n";
    const datasets::NaturalStoriesData d = datasets::load_naturalstories(req.data_root);
    Benchmark b = naturalstories_benchmark(d);
    std::vector<Method> controls = naturalstories_controls(d);
    b.baseline = control_features(controls, "control/length+frequency+position");
    b.baseline_name = "word length + log frequency + position";
    std::vector<Method> methods;
    if (has(req.methods, "controls")) methods = controls;
    if (want_lm) {
      // One story per line: context never crosses stories.
      const fs::path stim = cache / "naturalstories_stories.txt";
      {
        std::ostringstream text;
        for (std::size_t i = 0; i < d.words.size(); ++i) {
          if (i > 0) text << (d.story[i] != d.story[i - 1] ? '\n' : ' ');
          text << d.words[i];
        }
        text << '\n';
        std::ofstream(stim) << text.str();
      }
      for (const std::string& mname : req.models) {
        const LmFeatures f = extract(mname, stim.string(), true, "lines", ns_attributions);
        if (f.words.size() != d.words.size()) {
          throw std::runtime_error("naturalstories: the extract read " + std::to_string(f.words.size()) + " words, the loader " +
                                   std::to_string(d.words.size()));
        }
        lm_methods(f, mname, true, ns_attributions, [&](const Eigen::MatrixXd& w, bool) { return w; }, b.baseline, methods);
      }
    }
    benches.push_back(std::move(b));
    method_sets.push_back(std::move(methods));
  }
  if (has(req.benchmarks, "synthetic")) {
    SyntheticBenchmark syn = synthetic_benchmark(Seed{2024});
    benches.push_back(std::move(syn.benchmark));
    method_sets.push_back(std::move(syn.methods));
  }

  ReportInputs report;
  for (std::size_t i = 0; i < benches.size(); ++i) {
    if (method_sets[i].empty()) continue;
    std::vector<MethodScore> s = score_all(benches[i], method_sets[i]);
    run.scores.insert(run.scores.end(), s.begin(), s.end());
    report.benchmarks.push_back(&benches[i]);
  }
  if (shuffled_alice && !shuffled_methods.empty()) run.shuffled = score_all(*shuffled_alice, shuffled_methods);
  for (const Benchmark& g : gap_alice) {
    if (gap_methods.empty()) break;
    const std::vector<MethodScore> s = score_all(g, gap_methods);
    run.gap_sensitivity.insert(run.gap_sensitivity.end(), s.begin(), s.end());
  }
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream note;
  note << "Models: stories260K (" << model.filename().string() << ")";
  for (const auto& m : req.models) note << ", " << m << " = variant " << detail::lbrun::variant_of(m);
  note << ". LM word features: context 20 words, 10 lags, last-sub-word activations, summed attributions "
          "(grad_norm, grad_x_input; conductance uses 8 Gauss-Legendre points and a mean-embedding baseline when asked for). "
          "Raw score: Pearson r per test fold, mean over folds, median over a subject's targets, mean over subjects. "
          "CI: 95% percentile bootstrap, subjects x blocks on multi-subject benchmarks (" << req.bootstrap << " resamples). "
          "Ranked: each model through its inner-CV layer; single layers are diagnostic rows; p vs best: comparison with the best. Fits: " << run.fits_computed << " computed, "
       << run.fits_cached << " from the cache; extracts: " << run.extracts_computed << " computed, " << run.extracts_cached
       << " cached; " << std::fixed << std::setprecision(1) << run.seconds << " s.";
  report.run_note = note.str();
  report.scores = run.scores;
  report.shuffled = run.shuffled;
  report.gap_sensitivity = run.gap_sensitivity;
  run.files = write_report(report, req.out_dir);
  log << "leaderboard: wrote " << run.files.csv.string() << ", " << run.files.md.string() << ", " << run.files.html.string()
      << " (" << run.files.figures.size() << " figures" << (run.files.gnuplot_ran ? "" : "; gnuplot failed or missing") << ")\n";
  return run;
}

}  // namespace neuroscore::benchmarks
