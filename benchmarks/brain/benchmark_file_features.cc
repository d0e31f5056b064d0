// benchmarks/brain/benchmark_file_features.cc: a benchmark file's controls and methods on its rows:
// word-level and row-level features, feature files, joins, language models, and the brain maps of
// NIfTI and GIfTI benchmarks (benchmark_file_internal.hpp).
#include "benchmarks/brain/benchmark_file_internal.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard_data.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/datasets/naturalstories.hpp"
#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks::bfile {
namespace {

// The rows of a benchmark from per-word values (`counts`: summed per volume, else Lanczos), FIR
// delays included, or per-row values with delays when asked.
Eigen::MatrixXd word_design(const Loaded& L, const Eigen::MatrixXd& w, bool counts, bool delays = true) {
  const Spec& s = L.spec;
  if (s.rows_kind == "volumes") {
    const Eigen::MatrixXd v = counts ? boxcar_per_volume(L.onsets, w, L.grid).sum
                                     : lanczos_resample(event_midpoints(L.onsets, L.ends), w, L.grid);
    const Eigen::MatrixXd delayed = s.delays.empty() || !delays ? v : fir_delays(v, s.delays);
    return delayed.bottomRows(L.all_rows);
  }
  if (s.delays.empty() || !delays) return w;
  return L.groups.empty() ? fir_delays(w, s.delays) : fir_delays(w, s.delays, runs_of_labels(L.groups));
}

// Spillover columns of per-word values `w` (words x k): for each lag k in `lags`, the values of the
// word k words back in the same item, 0 where the item has no such word (its first k words).
// `items`: the item of each word (empty: one stream of words). Columns are lag-major:
// [lag lags[0] | lag lags[1] | ...]. Empty lags: w itself.
Eigen::MatrixXd lagged_words(const Loaded& L, const FeatureSpec& f, const Eigen::MatrixXd& w, const std::vector<int>& items) {
  if (f.lag_words.empty()) return w;
  if (L.spec.unit == "sentence") L.where(f.key + ".lag_words").fail("lags are in words; this benchmark's rows are sentences");
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(w.rows(), w.cols() * static_cast<Eigen::Index>(f.lag_words.size()));
  for (std::size_t j = 0; j < f.lag_words.size(); ++j) {
    const auto k = static_cast<Eigen::Index>(f.lag_words[j]);
    for (Eigen::Index i = k; i < w.rows(); ++i) {
      const auto now = static_cast<std::size_t>(i), back = static_cast<std::size_t>(i - k);
      if (!items.empty() && items[now] != items[back]) continue;
      out.block(i, static_cast<Eigen::Index>(j) * w.cols(), 1, w.cols()) = w.row(i - k);
    }
  }
  return out;
}

// The words whose values word methods compute: the items' whole texts (rows.text), else one per
// row of a table or lines, or the timed words of volumes.
const std::vector<std::string>& words_read(const Loaded& L) { return L.text_words.empty() ? L.words : L.text_words; }

// Per-word values of words_read(L), with spillover (lags count the words of an item's text when it
// is given, else the rows of the item: a table's or lines' groups; the timed words of volumes are
// one stream), at the benchmark's words (rows of a table or lines, timed words of volumes).
Eigen::MatrixXd words_to_rows(const Loaded& L, const FeatureSpec& f, const Eigen::MatrixXd& w) {
  if (!L.text_words.empty()) return rows_of(lagged_words(L, f, w, L.text_item), L.row_text_word);
  const bool items = L.spec.rows_kind != "volumes" && !L.groups.empty();
  return lagged_words(L, f, w, items ? L.groups : std::vector<int>{});
}

Eigen::MatrixXd row_delays(const Loaded& L, const Eigen::MatrixXd& x) {
  if (L.spec.delays.empty()) return x;
  return L.groups.empty() ? fir_delays(x, L.spec.delays) : fir_delays(x, L.spec.delays, runs_of_labels(L.groups));
}

Eigen::MatrixXd apply_transform(const Node& where, const std::string& t, Eigen::MatrixXd x) {
  if (t == "log" || t == "log1p") {
    const double shift = t == "log1p" ? 1.0 : 0.0;
    if (((x.array() + shift) <= 0.0).any()) {
      Eigen::Index r = 0, c = 0;
      const double v = x.minCoeff(&r, &c);
      where.fail("transform '" + t + "' of " + std::to_string(v) + " (row " + std::to_string(r) + ", column " + std::to_string(c) + ")");
    }
    x = x.unaryExpr([shift](double v) { return std::log(v + shift); });  // libm's log, element by element
  }
  return x;
}

// One control or file method on the benchmark's rows. `done`: earlier controls (for joins).
Eigen::MatrixXd build_feature(const Loaded& L, const FeatureSpec& f, const std::map<std::string, Eigen::MatrixXd>& done) {
  auto file = std::make_shared<const std::string>(L.spec.file.string());
  const json empty = json::object();
  const Node where(empty, f.key, file);
  const Eigen::Index n = L.all_rows;  // every row: filters and missing responses are applied after (feature_matrix)
  const bool word_kind = f.kind == "word_rate" || f.kind == "word_length" || f.kind == "word_frequency";
  if (word_kind && L.words.empty()) where.fail("'" + f.kind + "' needs words (rows.words, or rows.word of a table)");
  if (word_kind && L.spec.unit == "sentence") where.fail("'" + f.kind + "' is per word; this benchmark's rows are sentences");
  Eigen::MatrixXd x;
  const std::vector<std::string>& words = words_read(L);
  if (f.kind == "word_rate") {
    x = word_design(L, words_to_rows(L, f, Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(words.size()), 1)), true);
  } else if (f.kind == "word_length" || f.kind == "word_frequency") {
    std::unique_ptr<datasets::UnigramCounts> corpus;
    if (f.kind == "word_frequency") {
      std::ifstream in(f.corpus, std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      corpus = std::make_unique<datasets::UnigramCounts>(datasets::count_unigrams(
          text.find("*** START OF") != std::string::npos ? datasets::gutenberg_body(f.corpus) : text));
    }
    // With rows.text, a word of a text that has no row and no letter (a dash, say) is scored by no
    // row; it counts as an unseen word (frequency) or as 0 characters (length) for the lags.
    std::vector<bool> scored(words.size(), L.text_words.empty());
    for (const std::size_t k : L.row_text_word) scored[k] = true;
    Eigen::MatrixXd w(static_cast<Eigen::Index>(words.size()), 1);
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::string key = datasets::frequency_key(words[i]);
      if (key.empty() && scored[i]) where.fail("word " + std::to_string(i) + " ('" + words[i] + "') has no letters or digits");
      w(static_cast<Eigen::Index>(i), 0) = corpus ? datasets::log10_per_million(*corpus, key) : static_cast<double>(datasets::word_length(words[i]));
    }
    x = word_design(L, words_to_rows(L, f, w), f.resample == "sum");
  } else if ((f.kind == "oasm" || f.kind == "position_one_hot") && n > 5000) {
    where.fail("'" + f.kind + "' has up to one column per row: " + std::to_string(n) + " rows would be an " + std::to_string(n) + " x " +
               std::to_string(n) + " matrix (limit 5000 rows)");
  } else if (f.kind == "position_one_hot" && L.groups.empty()) {
    where.fail("'position_one_hot' needs \"groups\" (without them every row has its own position)");
  } else if (f.kind == "position" || f.kind == "position_one_hot") {
    // With rows.text, a row's position is its word's place in the item's text (words without a
    // row count), not its place among the item's rows (item_places).
    const std::vector<std::size_t>& places = item_places(L).position;
    const std::vector<int> pos(places.begin(), places.end());
    if (f.kind == "position_one_hot") {
      x = one_hot(pos);
    } else {
      x.resize(n, 1);
      for (Eigen::Index i = 0; i < n; ++i) x(i, 0) = pos[static_cast<std::size_t>(i)] + 1.0;  // 1-based
      x = apply_transform(where, f.transform, x);
    }
  } else if (f.kind == "oasm") {
    x = oasm_features(L.groups.empty() ? std::vector<int>(static_cast<std::size_t>(n), 0) : L.groups, f.width);
  } else if (f.kind == "file") {
    std::vector<std::string> cols;
    Eigen::MatrixXd m = read_numeric(where, f.file, f.columns, f.skip_rows, &cols, f.dataset);
    require_finite_rows(where, f.file.string(), m, f.skip_rows, cols);
    m = apply_transform(where, f.transform, m);
    const auto expected = static_cast<Eigen::Index>(f.per == "word" ? L.words.size() : static_cast<std::size_t>(n));
    if (f.per == "word" && L.words.empty()) where.fail("per \"word\" needs words (rows.words, or rows.word of a table)");
    if (m.rows() != expected) {
      where.fail(f.file.string() + " has " + std::to_string(m.rows()) + " rows" + (f.skip_rows ? " after skip_rows" : "") + ", the benchmark " +
                 std::to_string(expected) + (f.per == "word" ? " words" : " rows"));
    }
    m = in_sorted_row_order(L, m);  // a table's words are its rows
    // A feature file has the rows' values only: its lags count rows, even with rows.text.
    const bool items = L.spec.rows_kind != "volumes" && !L.groups.empty();
    x = f.per == "word" ? word_design(L, lagged_words(L, f, m, items ? L.groups : std::vector<int>{}), f.resample == "sum", f.delays)
                        : (f.delays ? row_delays(L, m) : m);
  }
  if (x.rows() != n) where.fail("has " + std::to_string(x.rows()) + " rows, the benchmark " + std::to_string(n));
  return x;
}

}  // namespace

std::vector<std::string> lag_labels(const Loaded& L, const FeatureSpec& f, Eigen::Index columns) {
  if (f.lag_words.empty() || static_cast<Eigen::Index>(f.lag_words.size()) != columns) return {};
  const bool delayed = f.kind == "file" ? f.delays && !L.spec.delays.empty() : !L.spec.delays.empty();
  if (delayed) return {};
  std::vector<std::string> out;
  for (const long k : f.lag_words) out.push_back("lag " + std::to_string(k));
  return out;
}

Eigen::MatrixXd feature_matrix(const Loaded& L, const FeatureSpec& f, const std::map<std::string, Eigen::MatrixXd>& done) {
  if (f.kind == "join") {  // of earlier controls, at the scored rows already
    std::vector<Eigen::MatrixXd> parts;
    for (const std::string& p : f.of) parts.push_back(done.at(p));
    return detail::lbdata::hcat(parts);
  }
  return L.scored(under(L, f.key, [&] { return build_feature(L, f, done); }));
}

namespace {

// The words as the extract pipeline reads them, in memory: one segment per sentence (sentence
// rows) or per group of word rows (with groups), or one unsegmented run of words. A word row
// holding whitespace would be read as several words: refused, naming it.
extract::Stimulus lm_stimulus(const Loaded& L) {
  if (L.lm_textgrid) {
    return extract::Stimulus::file(L.spec.words_file.string(), L.lm_segments == "lines" ? extract::Segments::kLines : extract::Segments::kNone);
  }
  if (L.spec.unit == "word") {
    for (std::size_t i = 0; i < L.words.size(); ++i) {
      if (L.words[i].find_first_of(" \t\n\r\f\v") != std::string::npos) {
        L.where("rows").fail(describe_row(L, i) + ": the word '" + L.words[i] + "' contains whitespace (one word per row)");
      }
    }
  }
  if (!L.lm_lines.empty()) return extract::Stimulus::in_memory(extract::segment_lines(L.lm_lines, L.spec.file.string()));
  if (L.lm_segments != "lines") return extract::Stimulus::in_memory(L.words);
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < L.words.size(); ++i) {
    const bool new_line = i == 0 || L.spec.unit == "sentence" || L.groups[i] != L.groups[i - 1];
    if (new_line) lines.push_back(L.words[i]);
    else lines.back() += " " + L.words[i];
  }
  return extract::Stimulus::in_memory(extract::segment_lines(lines, L.spec.file.string()));
}

}  // namespace

void require_lm_words(const Loaded& L, const FeatureSpec& f) {
  if (L.words.empty()) L.where(f.key).fail("a language model needs words (rows.words, rows.word of a table, or lines)");
}

void add_lm_methods(const Loaded& L, const FeatureSpec& f, LeaderboardContext& ctx, BuiltBenchmark& out) {
  const Spec& spec = L.spec;
  require_lm_words(L, f);
  const bool word_level = spec.unit == "word";
  const bool attributions = word_level && (f.attributions == "requested" ? (ctx.wants(MethodFamily::kAttributions) || ctx.wants_named_attributions())
                                                                          : f.attributions == "named" && ctx.wants_named_attributions());
  const extract::Stimulus stimulus = lm_stimulus(L);
  const std::vector<LeaderboardModel>& models = f.variants.empty() ? ctx.request().models : f.variants;
  if (!f.scores.empty() && !word_level) L.where(f.key + ".scores").fail("word scores need word rows; this benchmark's rows are sentences");
  std::vector<extract::Feature> extras;  // surprisal.npy is always written
  if (std::find(f.scores.begin(), f.scores.end(), "entropy") != f.scores.end()) extras.push_back(extract::Feature::kEntropy);
  for (const LeaderboardModel& model : models) {
    const LmFeatures feats = ctx.extract(model, stimulus, word_level, attributions, f.model, f.tokenizer, extras);
    const auto read = static_cast<std::size_t>(word_level ? feats.words.size() : feats.read("segment_activations_" + feats.layer_names.front()).rows());
    const std::size_t expected = L.text_words.empty() ? L.words.size() : L.text_words.size() + L.context_words;
    if (read != expected) {
      L.where(f.key).fail("the language model read " + std::to_string(read) + (word_level ? " words" : " sentences") + ", the benchmark has " +
                          std::to_string(expected));
    }
    // The model's per-word values (of every word it read, context included) at words_read(L).
    const auto at_words = [&L](const Eigen::MatrixXd& w) { return L.text_words.empty() ? w : rows_of(w, L.lm_word_of_text_word); };
    for (const extract::ModelLayer& layer : f.layers) {
      if (std::find(feats.layer_names.begin(), feats.layer_names.end(), extract::to_string(layer)) == feats.layer_names.end()) {
        std::string known;
        for (const std::string& k : feats.layer_names) known += (known.empty() ? "" : ", ") + k;
        L.where(f.key + ".layers").fail("the model has no layer '" + extract::to_string(layer) + "' (layers: " + known + ")");
      }
    }
    const std::string label = f.name == "lm" ? model.label : f.name + ":" + model.label;
    const auto to_design = [&](const Eigen::MatrixXd& w, bool counts) {
      return L.scored(word_design(L, words_to_rows(L, f, at_words(w)), counts));
    };
    ctx.lm_methods(feats, label, word_level, attributions, to_design, out.benchmark.baseline, out.methods, f.layers);
    for (const std::string& score : f.scores) {
      const Eigen::MatrixXd values = feats.read(score);
      const Eigen::MatrixXd at_rows = L.text_words.empty() ? values : rows_of(at_words(values), L.row_text_word);
      for (Eigen::Index i = 0; i < at_rows.rows(); ++i) {
        if (!std::isfinite(at_rows(i, 0))) {
          L.where(f.key + ".scores").fail("the model gives no " + score + " for " + describe_row(L, static_cast<std::size_t>(i)) +
                                          " ('" + L.words[static_cast<std::size_t>(i)] + "'): its first token is not predicted");
        }
      }
      Method m{method_prefix(label) + "/" + score, method_prefix(label), score, -1, to_design(values, false)};
      m.column_labels = lag_labels(L, f, m.x.cols());
      out.methods.push_back(std::move(m));
    }
  }
}

std::vector<Method> position_checks(const Loaded& L) {
  if (L.spec.rows_kind != "table" || L.spec.unit != "word" || L.groups.empty()) return {};
  const auto n = static_cast<std::size_t>(L.all_rows);
  Eigen::MatrixXd final_word(L.all_rows, 1), position(L.all_rows, 1), length(L.all_rows, 1);
  const ItemPlaces places = item_places(L);
  for (std::size_t r = 0; r < n; ++r) {
    const auto i = static_cast<Eigen::Index>(r);
    position(i, 0) = static_cast<double>(places.position[r] + 1);
    length(i, 0) = static_cast<double>(places.size[r]);
    final_word(i, 0) = places.last(r) ? 1.0 : 0.0;
  }
  std::vector<Method> out;
  for (const auto& [name, x] : {std::pair<const char*, const Eigen::MatrixXd*>{"sentence_final", &final_word}, {"position", &position},
                                {"item_length", &length}}) {
    Method m{std::string("check/") + name, "check", "position_check", -1, L.scored(*x)};
    m.ranked = false;
    out.push_back(std::move(m));
  }
  return out;
}

std::function<std::vector<fs::path>(const std::vector<MethodScore>&, const fs::path&)> score_maps(const Loaded& L) {
  return [targets = L.targets](const std::vector<MethodScore>& scores, const fs::path& out_dir) {
    std::vector<fs::path> written;
    for (const MethodScore& s : scores) {
      Eigen::VectorXd r(static_cast<Eigen::Index>(targets.voxels.size()));
      for (std::size_t k = 0; k < targets.voxels.size(); ++k) r(static_cast<Eigen::Index>(k)) = s.region_raw.at("v" + std::to_string(targets.voxels[k]));
      std::string file = s.method;
      for (char& c : file) if (c == '/' || c == ':') c = '_';
      const fs::path dir = out_dir / "maps" / s.benchmark;
      fs::create_directories(dir);
      written.push_back(io::write_brain_map(dir / (file + "_r"), targets, r));
    }
    return written;
  };
}

}  // namespace neuroscore::benchmarks::bfile
