// benchmarks/brain/benchmark_file.cc: a JSON benchmark file as a registry entry (build) and as a
// description (check); see benchmark_file.hpp and benchmarks/brain/examples/README.md for the format.
// Parsing, reading and the features live in benchmark_file_{parse,read,load,features}.cc
// (benchmark_file_internal.hpp).
#include "benchmarks/brain/benchmark_file.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <iomanip>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/benchmark_file_internal.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;
using bfile::FeatureSpec;
using bfile::Loaded;
using bfile::Spec;
using bfile::add_lm_methods;
using bfile::feature_matrix;
using bfile::load;
using bfile::Node;
using bfile::parse_json;
using bfile::parse_spec;
using bfile::require_lm_words;
using bfile::score_maps;
using bfile::under;

// The spec with the request's --filter rules added (word rows of a table only; a rule the file
// has already is not repeated).
Spec with_request_filters(const Spec& file_spec, const LeaderboardContext& ctx) {
  Spec spec = file_spec;
  const std::vector<std::string>& rules = ctx.request().filters;
  if (rules.empty()) return spec;
  if (spec.rows_kind != "table" || spec.unit != "word") {
    ctx.log() << "leaderboard: " << spec.name << ": --filter applies to benchmark files of word rows; not to this one\n";
    return spec;
  }
  for (const std::string& rule : rules) {
    const bool has = std::any_of(spec.filters.begin(), spec.filters.end(), [&](const bfile::RowFilter& f) { return f.rule == rule; });
    if (has) continue;
    if ((rule == "sentence_final" || rule == "first_word") && spec.groups_kind == "none") {
      throw std::invalid_argument(spec.file.string() + ": --filter " + rule + " needs \"groups\" (the items whose first or last word it means)");
    }
    spec.filters.push_back({"--filter " + rule, rule, "", {}});
  }
  return spec;
}

BuiltBenchmark build(const Spec& file_spec, LeaderboardContext& ctx) {
  const Spec spec = with_request_filters(file_spec, ctx);
  ctx.log() << "leaderboard: loading benchmark file " << spec.file.string() << "\n";
  const Loaded L = load(spec, &ctx.log());
  std::vector<Method> controls;
  std::map<std::string, Eigen::MatrixXd> done;
  for (const FeatureSpec& f : spec.controls) {
    Eigen::MatrixXd x = feature_matrix(L, f, done);
    done[f.name] = x;
    Method m{"control/" + f.name, "control", "control", -1, std::move(x)};
    m.column_labels = bfile::lag_labels(L, f, m.x.cols());
    if (f.kind == "join") {
      // A join's columns are its parts' (a one-column part by its name).
      for (const std::string& part : f.of) {
        const Method* p = nullptr;
        for (const Method& c : controls) {
          if (c.name == "control/" + part) p = &c;
        }
        if (p == nullptr) continue;
        for (Eigen::Index k = 0; k < p->x.cols(); ++k) {
          const std::string own = static_cast<std::size_t>(k) < p->column_labels.size() ? " " + p->column_labels[static_cast<std::size_t>(k)] : "";
          m.column_labels.push_back(p->x.cols() == 1 || !own.empty() ? part + own : part + " [" + std::to_string(k) + "]");
        }
      }
      if (static_cast<Eigen::Index>(m.column_labels.size()) != m.x.cols()) m.column_labels.clear();
    }
    controls.push_back(std::move(m));
  }
  BuiltBenchmark out;
  if (!spec.baseline.empty()) {
    out = with_controls(ctx, L.benchmark, std::move(controls), "control/" + spec.baseline, spec.baseline);
  } else {
    out.benchmark = L.benchmark;
    if (ctx.wants(MethodFamily::kControls)) out.methods = std::move(controls);
  }
  if (!L.targets.voxels.empty()) out.write_outputs = score_maps(L);
  for (const FeatureSpec& f : spec.methods) {
    if (f.kind == "language_model") {
      if (ctx.wants_lm()) under(L, f.key, [&] { add_lm_methods(L, f, ctx, out); });
    } else {
      Method m{"user/" + f.name, "user", "user", -1, feature_matrix(L, f, done)};
      m.column_labels = bfile::lag_labels(L, f, m.x.cols());
      out.methods.push_back(std::move(m));
    }
  }
  out.position_checks = bfile::position_checks(L);
  validate_benchmark(out.benchmark);
  return out;
}

}  // namespace

BenchmarkEntry benchmark_file_entry(const fs::path& file, const fs::path& data_root) {
  const Spec spec = parse_spec(file, data_root);
  BenchmarkEntry e;
  e.name = spec.name;
  e.summary = (spec.description.empty() ? std::string("benchmark file") : spec.description) + " (" + file.string() + ")";
  e.build = [spec](LeaderboardContext& ctx) { return build(spec, ctx); };
  e.needs_data = false;  // its paths are resolved already
  return e;
}

BenchmarkEntry benchmark_text_entry(const std::string& json_text, const fs::path& display_name) {
  const nlohmann::json root = parse_json(json_text, display_name);
  const Node top(root, "", std::make_shared<const std::string>(display_name.string()));
  BenchmarkEntry e;
  e.name = top.at("name").str();
  e.summary = top.str("description", "benchmark file");
  e.build = [json_text, display_name](LeaderboardContext& ctx) {
    return build(parse_spec(json_text, display_name, ctx.data_root()), ctx);
  };
  e.needs_data = true;  // "$DATA/..." paths are resolved when it is built
  return e;
}

std::string check_benchmark_file(const fs::path& file, const fs::path& data_root) {
  const Spec spec = parse_spec(file, data_root);
  std::ostringstream log;
  const Loaded L = load(spec, &log);
  const Benchmark& b = L.benchmark;
  std::ostringstream o;
  o << file.string() << ": OK\n";
  o << "  benchmark   " << spec.name << "\n";
  o << "  rows        " << b.responses.rows() << " (" << spec.rows_kind;
  if (spec.rows_kind == "volumes") o << ", TR " << L.spec.tr << " s" << L.tr_note;
  o << ")\n";
  if (!L.selection_note.empty()) o << "  scored      " << L.selection_note << "\n";
  o << "  targets     " << b.regions.size() << " per subject (" << io::list_column_names(b.regions) << "), " << b.responses.cols() << " in all\n";
  o << "  subjects    " << L.subject_ids.size();
  if (!L.excluded.empty()) o << " (" << L.excluded.size() << " excluded: " << L.excluded.front() << (L.excluded.size() > 1 ? ", ..." : "") << ")";
  o << "\n";
  if (!L.groups.empty()) o << "  groups      " << sorted_distinct(L.groups).size() << " (" << spec.groups_kind << ")\n";
  if (spec.rows_kind == "volumes" && !L.words.empty()) {
    o << "  words       " << L.words.size() << " timed words from " << spec.words_file.filename().string() << ": " << L.words_in
      << " during the response volumes, " << L.words_before << " before them (volumes 0.." << spec.first_volume - 1 << "), 0 after; "
      << L.skipped_note << "\n";
  } else if (!L.text_words.empty()) {
    o << "  words       " << L.words.size() << " words, one per row; the language model reads " << L.text_words.size() + L.context_words
      << " words: the whole texts of " << L.lm_lines.size() << " items (rows.text, " << L.text_words.size() - L.words.size()
      << " of their words have no row)";
    if (L.context_words > 0) o << " and " << L.context_words << " words of context before them (rows.context)";
    o << "\n";
  } else if (!L.words.empty()) {
    o << "  words       " << L.words.size() << (spec.unit == "sentence" ? " sentences" : " words") << ", one per row";
    if (spec.rows_kind == "table" && spec.unit == "word") o << " (a language model reads these words only; rows.text gives it each item's whole text)";
    o << "\n";
  }
  std::size_t smallest = b.responses.rows();
  for (const Fold& f : b.folds) smallest = std::min(smallest, f.test.size());
  o << "  split       " << spec.split_kind << ", " << b.folds.size() << " folds (smallest test fold " << smallest << " rows), gap " << spec.gap << "\n";
  o << "  delays      " << (spec.delays.empty() ? std::string("none") : std::to_string(spec.delays.size()) + " FIR delays") << "\n";
  o << "  ceiling     " << spec.ceiling;
  if (spec.ceiling != "none") o << ": " << std::setprecision(4) << b.ceiling << " (median over targets, r units)";
  o << "\n";
  std::map<std::string, Eigen::MatrixXd> done;
  for (const FeatureSpec& f : spec.controls) {
    done[f.name] = feature_matrix(L, f, done);
    o << "  control     " << f.name << ": " << done[f.name].rows() << " x " << done[f.name].cols()
      << (f.name == spec.baseline ? " (baseline)" : "") << "\n";
  }
  for (const FeatureSpec& f : spec.methods) {
    if (f.kind == "language_model") {
      require_lm_words(L, f);
      o << "  method      " << f.name << ": language model " << (f.model.empty() ? "(the leaderboard's model)" : f.model.string())
        << " on " << L.words.size() << (spec.unit == "sentence" ? " sentences" : " words") << " (extracted by neuroscore leaderboard)\n";
    } else {
      const Eigen::MatrixXd x = feature_matrix(L, f, done);
      o << "  method      " << f.name << ": " << x.rows() << " x " << x.cols() << " from " << f.file.filename().string() << "\n";
    }
  }
  o << log.str();
  return o.str();
}

}  // namespace neuroscore::benchmarks
