// benchmarks/brain/benchmark_file_parse.cc: reading and checking a benchmark file's JSON, key by key
// (benchmark_file_internal.hpp; the format: benchmarks/brain/examples/README.md).
#include "benchmarks/brain/benchmark_file_internal.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks::bfile {

// ---- Node ----

void Node::fail(const std::string& message) const {
  throw std::invalid_argument(*file_ + ": " + (key_.empty() ? "" : key_ + ": ") + message);
}

std::string Node::shown() const {
  std::string s = j_->dump();
  return s.size() > 60 ? s.substr(0, 57) + "..." : s;
}

Node Node::at(const std::string& name) const {
  if (!j_->is_object()) fail("expected an object, got " + shown());
  if (!j_->contains(name)) Node(*j_, join(name), file_).fail("missing (required)");
  return Node((*j_)[name], join(name), file_);
}

void Node::only(const std::set<std::string>& known) const {
  if (!j_->is_object()) fail("expected an object, got " + shown());
  for (const auto& item : j_->items()) {
    if (known.count(item.key())) continue;
    std::string list;
    for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
    Node(item.value(), join(item.key()), file_).fail("unknown key (known here: " + list + ")");
  }
}

std::string Node::str() const {
  if (!j_->is_string()) fail("expected a string, got " + shown());
  return j_->get<std::string>();
}

std::string Node::str(const std::string& name, const std::string& fallback) const { return has(name) ? at(name).str() : fallback; }

std::string Node::choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& choices) const {
  const std::string v = str(name, fallback);
  if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
    std::string list;
    for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
    at(name).fail("unknown value '" + v + "' (known: " + list + ")");
  }
  return v;
}

double Node::number() const {
  if (!j_->is_number()) fail("expected a number, got " + shown());
  const double v = j_->get<double>();
  if (!std::isfinite(v)) fail("expected a finite number, got " + shown());
  return v;
}

double Node::number(const std::string& name, double fallback) const { return has(name) ? at(name).number() : fallback; }

long Node::integer(long minimum) const {
  constexpr double kLargest = 1e15;  // beyond any count or size here; keeps the conversion exact
  if (!j_->is_number() || j_->get<double>() != std::floor(j_->get<double>())) fail("expected a whole number, got " + shown());
  if (std::abs(j_->get<double>()) > kLargest) fail("implausibly large: " + shown());
  const long v = j_->is_number_float() ? static_cast<long>(j_->get<double>()) : j_->get<long>();
  if (v < minimum) fail("must be at least " + std::to_string(minimum) + ", got " + shown());
  return v;
}

long Node::integer(const std::string& name, long fallback, long minimum) const {
  return has(name) ? at(name).integer(minimum) : fallback;
}

bool Node::boolean(const std::string& name, bool fallback) const {
  if (!has(name)) return fallback;
  const Node n = at(name);
  if (!n.j_->is_boolean()) n.fail("expected true or false, got " + n.shown());
  return n.j_->get<bool>();
}

std::vector<std::string> Node::strings() const {
  std::vector<std::string> out;
  if (j_->is_string()) return {j_->get<std::string>()};
  if (!j_->is_array()) fail("expected a string or an array of strings, got " + shown());
  for (std::size_t i = 0; i < size(); ++i) out.push_back(at(i).str());
  return out;
}

std::vector<std::string> Node::strings(const std::string& name) const { return has(name) ? at(name).strings() : std::vector<std::string>{}; }

std::vector<long> Node::integers(long minimum) const {
  if (!j_->is_array()) fail("expected an array of whole numbers, got " + shown());
  std::vector<long> out;
  for (std::size_t i = 0; i < size(); ++i) out.push_back(at(i).integer(minimum));
  return out;
}

// ---- PathResolver ----

fs::path PathResolver::operator()(const Node& n) const {
  const fs::path p = resolve(n, n.str()).lexically_normal();
  if (!fs::is_regular_file(p)) n.fail("file not found: " + p.string());
  return p;
}

std::vector<fs::path> PathResolver::glob(const Node& n) const {
  const std::string s = n.str();
  const std::size_t slash = s.find_last_of('/');
  const std::string pattern = slash == std::string::npos ? s : s.substr(slash + 1);
  if (pattern.find('*') == std::string::npos) return {(*this)(n)};
  const std::string dir_text = slash == std::string::npos ? "." : s.substr(0, slash);
  if (dir_text.find('*') != std::string::npos) n.fail("'*' may appear only in the file name, got '" + s + "'");
  const fs::path d = resolve(n, dir_text);
  if (!fs::is_directory(d)) n.fail("directory not found: " + d.string());
  std::vector<fs::path> out;
  for (const fs::directory_entry& e : fs::directory_iterator(d)) {
    if (e.is_regular_file() && matches(pattern, e.path().filename().string())) out.push_back(e.path().lexically_normal());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) n.fail("no file matches " + (d / pattern).string());
  return out;
}

fs::path PathResolver::resolve(const Node& n, const std::string& s) const {
  if (s.empty()) n.fail("empty path");
  if (s == "$DATA" || s.rfind("$DATA/", 0) == 0) {
    if (data_root.empty()) n.fail("'" + s + "' is under $DATA but no data root is set (--data or NEUROSCORE_DATA)");
    return s == "$DATA" ? data_root : data_root / s.substr(6);
  }
  return fs::path(s).is_absolute() ? fs::path(s) : dir / s;
}

bool PathResolver::matches(const std::string& pattern, const std::string& name) {
  const std::size_t star = pattern.find('*');
  if (star == std::string::npos) return pattern == name;
  const std::string head = pattern.substr(0, star);
  if (name.compare(0, head.size(), head) != 0) return false;
  const std::string rest = pattern.substr(star + 1);
  for (std::size_t i = head.size(); i <= name.size(); ++i) {
    if (matches(rest, name.substr(i))) return true;
  }
  return false;
}

// ---- the parsed file ----

namespace {

const std::vector<std::string> kFeatureKinds = {"file", "word_rate", "word_length", "word_frequency", "position",
                                                "position_one_hot", "oasm", "join", "language_model"};

// Column names (CSV/TSV) or 0-based indices (NPY, text), as strings.
std::vector<std::string> column_list(const Node& c) {
  if (!c.raw().is_array() || c.size() == 0) c.fail("expected a non-empty array of column names or indices, got " + c.shown());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < c.size(); ++i) {
    const Node ci = c.at(i);
    out.push_back(ci.raw().is_string() ? ci.str() : std::to_string(ci.integer(0)));
  }
  return out;
}

FeatureSpec parse_feature(const Node& n, const PathResolver& path, bool control) {
  FeatureSpec f;
  f.key = n.key();
  if (!n.raw().is_object()) n.fail("expected an object, got " + n.shown());
  std::string fallback = n.has("file") ? "file" : n.has("model") ? "language_model" : "";
  if (!n.has("kind") && fallback.empty()) n.fail("needs \"kind\" (one of file, word_rate, word_length, word_frequency, position, position_one_hot, oasm, join, language_model) or \"file\"");
  f.kind = n.choice("kind", fallback, kFeatureKinds);
  f.name = n.at("name").str();
  if (f.name.empty() || f.name.find_first_of("/,") != std::string::npos) {
    n.at("name").fail("a name must be non-empty without '/' or ',', got '" + f.name + "'");
  }
  std::set<std::string> keys = {"name", "kind"};
  if (f.kind == "file") {
    keys.insert({"file", "dataset", "columns", "skip_rows", "per", "resample", "delays", "transform"});
    f.file = path(n.at("file"));
    f.dataset = n.str("dataset", "");
    if (n.has("columns")) f.columns = column_list(n.at("columns"));
    f.skip_rows = n.integer("skip_rows", 0, 0);
    f.per = n.choice("per", "row", {"row", "word"});
    f.delays = n.boolean("delays", f.per == "word");
  } else if (f.kind == "word_frequency") {
    keys.insert({"corpus", "resample"});
    f.corpus = path(n.at("corpus"));
  } else if (f.kind == "position") {
    keys.insert("transform");
  } else if (f.kind == "oasm") {
    keys.insert("width");
    f.width = n.number("width", 1.0);
    if (f.width < 0.0) n.at("width").fail("must be >= 0, got " + n.at("width").shown());
  } else if (f.kind == "join") {
    keys.insert("of");
    f.of = n.at("of").strings();
    if (f.of.size() < 2) n.at("of").fail("a join needs at least 2 controls, got " + n.at("of").shown());
  } else if (f.kind == "word_length" || f.kind == "word_rate") {
    keys.insert("resample");
  } else if (f.kind == "language_model") {
    if (control) n.at("kind").fail("a language model is a method, not a control");
    keys.insert({"model", "tokenizer", "variants", "attributions", "layers", "scores"});
    f.scores = n.strings("scores");
    for (std::size_t i = 0; i < f.scores.size(); ++i) {
      if (f.scores[i] != "surprisal" && f.scores[i] != "entropy") {
        n.at("scores").at(i).fail("'" + f.scores[i] + "' is not a word score (surprisal, entropy)");
      }
      if (std::count(f.scores.begin(), f.scores.begin() + static_cast<long>(i), f.scores[i]) > 0) {
        n.at("scores").at(i).fail("'" + f.scores[i] + "' is listed twice");
      }
    }
    if (n.has("layers")) {
      const std::vector<std::string> names = n.strings("layers");
      for (std::size_t i = 0; i < names.size(); ++i) {
        try {
          f.layers.push_back(extract::parse_model_layer(names[i], "layers"));
        } catch (const std::invalid_argument&) {
          n.at("layers").at(i).fail("'" + names[i] + "' is not a layer (embedding, block_0, block_1, ...)");
        }
      }
    }
    if (n.has("model")) f.model = path(n.at("model"));
    if (n.has("tokenizer")) f.tokenizer = path(n.at("tokenizer"));
    if (f.model.empty() != f.tokenizer.empty()) n.fail("give both \"model\" and \"tokenizer\", or neither (the leaderboard's model)");
    for (const std::string& v : n.strings("variants")) {
      try {
        f.variants.push_back(parse_leaderboard_model(v, "variant"));
      } catch (const std::invalid_argument& e) {
        n.at("variants").fail(e.what());
      }
    }
    f.attributions = n.choice("attributions", "requested", {"requested", "named", "none"});
  }
  f.resample = n.choice("resample", f.kind == "word_rate" ? "sum" : "lanczos", {"lanczos", "sum"});
  f.transform = n.choice("transform", "none", {"none", "log", "log1p"});
  // Spillover: any per-word method (the word kinds, per-word files, language models).
  if (f.kind == "word_rate" || f.kind == "word_length" || f.kind == "word_frequency" || f.kind == "language_model" ||
      (f.kind == "file" && f.per == "word")) {
    keys.insert("lag_words");
    if (n.has("lag_words")) {
      const Node lags = n.at("lag_words");
      f.lag_words = lags.integers(0);
      if (f.lag_words.empty()) lags.fail("lists no lag (give [0] for the word itself)");
      for (std::size_t i = 0; i < f.lag_words.size(); ++i) {
        if (f.lag_words[i] > 1000) lags.at(i).fail("a lag of " + std::to_string(f.lag_words[i]) + " words (at most 1000)");
        if (std::count(f.lag_words.begin(), f.lag_words.begin() + static_cast<long>(i), f.lag_words[i]) > 0) {
          lags.at(i).fail("lag " + std::to_string(f.lag_words[i]) + " is listed twice");
        }
      }
    }
  }
  n.only(keys);
  return f;
}

}  // namespace

json parse_json(const std::string& text, const fs::path& file) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON (" + e.what() + ")");
  }
}

Spec parse_spec(const fs::path& file, const fs::path& data_root) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(file.string() + ": cannot open the benchmark file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_spec(text, file, data_root);
}

Spec parse_spec(const std::string& text, const fs::path& file, const fs::path& data_root) {
  auto name = std::make_shared<const std::string>(file.string());
  const json root = parse_json(text, file);
  const Node top(root, "", name);
  top.only({"name", "description", "rows", "responses", "groups", "split", "delays", "ridge", "metric", "bootstrap",
            "ceiling", "controls", "baseline", "methods", "filter"});
  const PathResolver path{file.parent_path(), data_root};
  Spec s;
  s.file = file;
  s.name = top.at("name").str();
  if (s.name.empty() || s.name.find_first_of(",/ ") != std::string::npos) {
    top.at("name").fail("a benchmark name must be non-empty without ',', '/' or spaces, got '" + s.name + "'");
  }
  s.description = top.str("description", "");

  const Node rows = top.at("rows");
  s.rows_kind = rows.choice("kind", "", {"volumes", "table", "lines"});
  if (s.rows_kind == "volumes") {
    rows.only({"kind", "tr", "first_volume", "start_seconds", "words"});
    s.tr = rows.has("tr") ? rows.at("tr").number() : 0.0;  // 0: from the NIfTI headers (load)
    if (rows.has("tr") && !(s.tr > 0.0)) rows.at("tr").fail("the TR must be > 0 seconds, got " + rows.at("tr").shown());
    s.first_volume = rows.integer("first_volume", 0, 0);
    if (s.first_volume > 1000000) rows.at("first_volume").fail("more than a million discarded volumes is not a run, got " + rows.at("first_volume").shown());
    s.t0 = rows.number("start_seconds", 0.0);
    if (rows.has("words")) {
      const Node w = rows.at("words");
      w.only({"file", "tier", "skip", "onset", "duration", "word", "trial_type", "na_duration"});
      s.na_duration = w.choice("na_duration", "error", {"error", "zero"});
      s.trial_type = w.str("trial_type", "");
      s.words_file = path(w.at("file"));
      s.tier = w.str("tier", "");
      s.skip_given = w.has("skip");
      if (s.skip_given) s.skip = w.at("skip").strings();
      s.onset_column = w.str("onset", s.onset_column);
      s.duration_column = w.str("duration", s.duration_column);
      s.words_column = w.str("word", s.words_column);
    }
  } else {
    rows.only({"kind", "file", "sort_by", "word", "unit", "text", "position", "context"});
    s.rows_file = path(rows.at("file"));
    s.sort_by = rows.strings("sort_by");
    s.word_column = rows.str("word", "");
    s.unit = rows.choice("unit", s.rows_kind == "lines" ? "sentence" : "word", {"word", "sentence"});
    if (s.rows_kind == "lines" && (!s.sort_by.empty() || !s.word_column.empty())) {
      rows.fail("\"sort_by\" and \"word\" belong to kind \"table\"; a \"lines\" file has one row per line");
    }
    if (s.rows_kind == "lines" && (rows.has("text") || rows.has("position") || rows.has("context"))) {
      rows.fail("\"text\", \"position\" and \"context\" belong to kind \"table\"");
    }
    // Each item's whole text (issue 28 item 4): rows.text, a column or a file of one line per item;
    // rows.position, where each row's word is in it; rows.context, read before it, never scored.
    if (rows.has("text")) {
      const Node t = rows.at("text");
      t.only({"column", "file"});
      if (t.has("column") == t.has("file")) t.fail("give exactly one of \"column\" (the item's text on each of its rows) or \"file\" (one line per item)");
      if (t.has("column")) s.text_column = t.at("column").str();
      else s.text_file = path(t.at("file"));
      if (!rows.has("position")) t.fail("needs rows.position (the column that places each row's word in its item's text)");
      if (s.word_column.empty()) t.fail("needs rows.word (each row's word, checked against the text)");
      if (s.unit != "word") t.fail("the text of an item places words; this benchmark's rows are sentences");
    }
    if (rows.has("position")) {
      const Node p = rows.at("position");
      if (!rows.has("text")) p.fail("places rows in rows.text; give rows.text");
      if (p.raw().is_string()) {
        s.position_column = p.str();
      } else {
        p.only({"column", "first"});
        s.position_column = p.at("column").str();
        s.position_first = p.integer("first", 1, 0);
        if (s.position_first > 1) p.at("first").fail("the first word of a text is at 0 or 1, got " + p.at("first").shown());
      }
    }
    if (rows.has("context")) {
      const Node c = rows.at("context");
      if (!rows.has("text")) c.fail("is read before an item's text; give rows.text");
      c.only({"column", "previous_items", "within"});
      if (c.has("column") == c.has("previous_items")) {
        c.fail("give exactly one of \"column\" (text read before each item) or \"previous_items\" (the texts of the items before it)");
      }
      if (c.has("column")) {
        s.context_column = c.at("column").str();
        if (c.has("within")) c.at("within").fail("belongs to \"previous_items\"");
      } else {
        s.context_previous_items = c.integer("previous_items", 0, 1);
        s.context_within = c.str("within", "");
      }
    }
  }

  const Node resp = top.at("responses");
  resp.only({"files", "mask", "dataset", "columns", "targets", "skip_rows", "transform", "zscore", "drop_constant_subjects", "missing"});
  s.missing = resp.choice("missing", "error", {"error", "drop"});
  if (s.missing == "drop" && s.rows_kind == "volumes") {
    resp.at("missing").fail("dropping rows of volumes (scrubbing) is not supported; \"drop\" is for table and lines rows");
  }
  s.response_dataset = resp.str("dataset", "");
  if (resp.has("mask")) s.response_mask = path(resp.at("mask"));
  if (resp.has("files")) {
    const Node files = resp.at("files");
    if (files.raw().is_array() && files.size() == 0) files.fail("no files");
    const std::size_t entries = files.strings().size();  // checks: a string or an array of strings
    for (std::size_t i = 0; i < entries; ++i) {
      const Node entry = files.raw().is_array() ? files.at(i) : files;
      for (const fs::path& p : path.glob(entry)) {
        const auto same = [&](const fs::path& q) { return fs::weakly_canonical(q) == fs::weakly_canonical(p); };
        if (std::any_of(s.response_files.begin(), s.response_files.end(), same)) {
          entry.fail(p.string() + " is listed twice (a subject counted twice would weigh double and sit in its own ceiling)");
        }
        s.response_files.push_back(p);
      }
    }
  } else if (s.rows_kind != "table") {
    resp.fail("needs \"files\" (only a \"table\" benchmark reads its responses from the rows table)");
  }
  if (resp.has("columns")) s.response_columns = column_list(resp.at("columns"));
  if (s.rows_kind == "table" && s.response_files.empty() && s.response_columns.empty()) {
    resp.fail("needs \"columns\": the response columns of the rows table");
  }
  s.target_names = resp.strings("targets");
  s.response_skip_rows = resp.integer("skip_rows", 0, 0);
  s.transform = resp.choice("transform", "none", {"none", "log"});
  s.zscore = resp.choice("zscore", "none", {"none", "subject", "group"});
  s.drop_constant = resp.boolean("drop_constant_subjects", false);
  if (!s.sort_by.empty() && !s.response_files.empty()) {
    resp.at("files").fail("responses in their own files cannot follow rows.sort_by; put them in the rows table (\"columns\")");
  }

  if (top.has("groups")) {
    const Node g = top.at("groups");
    g.only({"column", "file", "every"});
    const int given = g.has("column") + g.has("file") + g.has("every");
    if (given != 1) g.fail("give exactly one of \"column\", \"file\", \"every\"");
    if (g.has("column")) {
      if (s.rows_kind != "table") g.at("column").fail("a group column needs rows.kind \"table\"");
      s.groups_kind = "column";
      s.groups_column = g.at("column").str();
    } else if (g.has("file")) {
      s.groups_kind = "file";
      s.groups_file = path(g.at("file"));
    } else {
      s.groups_kind = "every";
      s.groups_every = g.at("every").integer(1);
    }
  }

  if ((!s.text_column.empty() || !s.text_file.empty()) && s.groups_kind == "none") {
    rows.at("text").fail("needs \"groups\" (the rows of one item form one group, and each item has one text)");
  }

  if (top.has("split")) {
    const Node sp = top.at("split");
    sp.only({"kind", "folds", "gap"});
    s.split_kind = sp.choice("kind", "contiguous", {"contiguous", "grouped", "leave-one-group-out"});
    s.folds = sp.integer("folds", 5, 2);
    s.gap = sp.integer("gap", 0, 0);
    if (s.split_kind == "leave-one-group-out" && sp.has("folds")) sp.at("folds").fail("leave-one-group-out has one fold per group");
  }
  if (s.split_kind != "contiguous" && s.groups_kind == "none") {
    top.at("split").at("kind").fail("'" + s.split_kind + "' needs \"groups\"");
  }
  if (top.has("delays")) {
    const Node d = top.at("delays");
    for (long v : d.integers(0)) {
      if (v > 1000000) d.fail("a delay of " + std::to_string(v) + " rows is not a delay");
      s.delays.push_back(static_cast<int>(v));
    }
  }

  s.ridge.alphas = kWideAlphas;  // alphas.hpp
  s.ridge.standardize = true;
  if (top.has("ridge")) {
    const Node r = top.at("ridge");
    r.only({"alphas", "inner_folds", "inner", "standardize"});
    if (r.has("alphas")) {
      const Node a = r.at("alphas");
      if (!a.raw().is_array() || a.size() == 0) a.fail("expected a non-empty array of alphas, got " + a.shown());
      s.ridge.alphas.clear();
      for (std::size_t i = 0; i < a.size(); ++i) {
        const double v = a.at(i).number();
        if (!(v > 0.0)) a.at(i).fail("an alpha must be > 0, got " + a.at(i).shown());
        s.ridge.alphas.push_back(v);
      }
    }
    s.ridge.inner_folds = static_cast<std::size_t>(r.integer("inner_folds", 5, 2));
    s.inner = r.choice("inner", "auto", {"auto", "contiguous", "grouped"});
    s.ridge.standardize = r.boolean("standardize", true);
    if (s.inner == "grouped" && s.groups_kind == "none") r.at("inner").fail("grouped inner folds need \"groups\"");
  }
  s.ridge.inner_gap = Gap{static_cast<std::size_t>(s.gap)};

  if (top.has("metric") && top.at("metric").str() != "pearson") {
    top.at("metric").fail("unknown metric '" + top.at("metric").str() + "' (known: pearson: Pearson r per test fold, mean over folds)");
  }
  if (top.has("bootstrap")) {
    const Node b = top.at("bootstrap");
    b.only({"unit", "block"});
    s.bootstrap_unit = b.choice("unit", "blocks", {"blocks", "groups"});
    s.block = b.integer("block", 20, 1);
    if (s.bootstrap_unit == "groups" && s.groups_kind == "none") b.at("unit").fail("resampling groups needs \"groups\"");
  }
  if (top.has("ceiling")) {
    const Node c = top.at("ceiling");
    c.only({"kind", "note"});
    s.ceiling = c.choice("kind", "none", {"none", "subjects", "repeats"});
    s.ceiling_note = c.str("note", "");
  }

  std::set<std::string> names;
  if (top.has("controls")) {
    const Node c = top.at("controls");
    if (!c.raw().is_array()) c.fail("expected an array of controls, got " + c.shown());
    for (std::size_t i = 0; i < c.size(); ++i) {
      s.controls.push_back(parse_feature(c.at(i), path, true));
      if (!names.insert(s.controls.back().name).second) c.at(i).at("name").fail("duplicate name '" + s.controls.back().name + "'");
    }
    for (std::size_t i = 0; i < s.controls.size(); ++i) {
      for (const std::string& part : s.controls[i].of) {
        const bool earlier = std::any_of(s.controls.begin(), s.controls.begin() + static_cast<std::ptrdiff_t>(i),
                                         [&](const FeatureSpec& f) { return f.name == part; });
        if (!earlier) c.at(i).at("of").fail("'" + part + "' is not a control listed before this one");
      }
    }
  }
  if (top.has("baseline")) {
    s.baseline = top.at("baseline").str();
    if (!names.count(s.baseline)) top.at("baseline").fail("'" + s.baseline + "' is not one of the controls");
  }
  if (top.has("methods")) {
    const Node m = top.at("methods");
    if (!m.raw().is_array()) m.fail("expected an array of methods, got " + m.shown());
    for (std::size_t i = 0; i < m.size(); ++i) {
      s.methods.push_back(parse_feature(m.at(i), path, false));
      const FeatureSpec& f = s.methods.back();
      if (f.kind == "join") m.at(i).at("kind").fail("a join is a control (list it under \"controls\")");
      if (!names.insert(f.name).second) m.at(i).at("name").fail("duplicate name '" + f.name + "'");
    }
  }
  if (s.controls.empty() && s.methods.empty()) top.fail("no \"controls\" and no \"methods\": nothing to score");

  // Row filters: rows left out of scoring after every feature is computed on all rows, in context.
  if (top.has("filter")) {
    const Node fl = top.at("filter");
    if (!fl.raw().is_array()) fl.fail("a list of rules, e.g. [{\"rule\": \"sentence_final\"}], got " + fl.shown());
    if (s.rows_kind != "table") fl.fail("filters are for rows of kind \"table\"");
    for (std::size_t i = 0; i < fl.size(); ++i) {
      const Node r = fl.at(i);
      RowFilter f;
      f.key = r.key();
      f.rule = r.choice("rule", "", {"sentence_final", "first_word", "punctuation", "column"});
      if (f.rule == "column") {
        r.only({"rule", "column", "values"});
        f.column = r.at("column").str();
        f.values = r.strings("values");
        if (f.values.empty()) r.fail("\"column\" needs \"values\": the cells whose rows are left out");
      } else {
        r.only({"rule"});
      }
      if ((f.rule == "sentence_final" || f.rule == "first_word") && s.groups_kind == "none") {
        r.at("rule").fail("'" + f.rule + "' needs \"groups\" (the items whose first or last word it means)");
      }
      if (f.rule == "punctuation" && s.word_column.empty()) r.at("rule").fail("'punctuation' needs rows.word");
      for (const RowFilter& earlier : s.filters) {
        if (earlier.rule == f.rule && earlier.column == f.column) r.fail("the same rule as " + earlier.key);
      }
      s.filters.push_back(std::move(f));
    }
  }
  return s;
}

}  // namespace neuroscore::benchmarks::bfile
