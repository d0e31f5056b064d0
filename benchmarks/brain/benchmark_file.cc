// benchmarks/brain/benchmark_file.cc: reading, checking and building a JSON benchmark file (see
// benchmark_file.hpp and benchmarks/brain/examples/README.md for the format).
#include "benchmarks/brain/benchmark_file.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_data.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/datasets/naturalstories.hpp"
#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/io/events.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/io/response_columns.hpp"
#include "neuroscore/io/text_matrix.hpp"
#include "neuroscore/io/textgrid.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- reading the JSON: every error names the file and the key ----

// A value of the file and where it is ("split.folds", "controls[2].file").
class Node {
 public:
  Node(const json& j, std::string key, std::shared_ptr<const std::string> file)
      : j_(&j), key_(std::move(key)), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& message) const {
    throw std::invalid_argument(*file_ + ": " + (key_.empty() ? "" : key_ + ": ") + message);
  }
  const std::string& key() const { return key_; }
  const std::string& file() const { return *file_; }
  const json& raw() const { return *j_; }
  // The value as the file wrote it, shortened for messages.
  std::string shown() const {
    std::string s = j_->dump();
    return s.size() > 60 ? s.substr(0, 57) + "..." : s;
  }

  bool has(const std::string& name) const { return j_->is_object() && j_->contains(name); }
  Node at(const std::string& name) const {
    if (!j_->is_object()) fail("expected an object, got " + shown());
    if (!j_->contains(name)) Node(*j_, join(name), file_).fail("missing (required)");
    return Node((*j_)[name], join(name), file_);
  }
  Node at(std::size_t i) const { return Node((*j_)[i], key_ + "[" + std::to_string(i) + "]", file_); }
  std::size_t size() const { return j_->size(); }

  // Every key of this object is one of `known` (a typo is an error, never ignored).
  void only(const std::set<std::string>& known) const {
    if (!j_->is_object()) fail("expected an object, got " + shown());
    for (const auto& item : j_->items()) {
      if (known.count(item.key())) continue;
      std::string list;
      for (const std::string& k : known) list += (list.empty() ? "" : ", ") + k;
      Node(item.value(), join(item.key()), file_).fail("unknown key (known here: " + list + ")");
    }
  }

  std::string str() const {
    if (!j_->is_string()) fail("expected a string, got " + shown());
    return j_->get<std::string>();
  }
  std::string str(const std::string& name, const std::string& fallback) const { return has(name) ? at(name).str() : fallback; }
  // One of `choices`.
  std::string choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& choices) const {
    const std::string v = str(name, fallback);
    if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
      std::string list;
      for (const std::string& c : choices) list += (list.empty() ? "" : ", ") + c;
      at(name).fail("unknown value '" + v + "' (known: " + list + ")");
    }
    return v;
  }
  double number() const {
    if (!j_->is_number()) fail("expected a number, got " + shown());
    const double v = j_->get<double>();
    if (!std::isfinite(v)) fail("expected a finite number, got " + shown());
    return v;
  }
  double number(const std::string& name, double fallback) const { return has(name) ? at(name).number() : fallback; }
  long integer(long minimum) const {
    constexpr double kLargest = 1e15;  // beyond any count or size here; keeps the conversion exact
    if (!j_->is_number() || j_->get<double>() != std::floor(j_->get<double>())) fail("expected a whole number, got " + shown());
    if (std::abs(j_->get<double>()) > kLargest) fail("implausibly large: " + shown());
    const long v = j_->is_number_float() ? static_cast<long>(j_->get<double>()) : j_->get<long>();
    if (v < minimum) fail("must be at least " + std::to_string(minimum) + ", got " + shown());
    return v;
  }
  long integer(const std::string& name, long fallback, long minimum) const {
    return has(name) ? at(name).integer(minimum) : fallback;
  }
  bool boolean(const std::string& name, bool fallback) const {
    if (!has(name)) return fallback;
    const Node n = at(name);
    if (!n.j_->is_boolean()) n.fail("expected true or false, got " + n.shown());
    return n.j_->get<bool>();
  }
  // A string or an array of strings.
  std::vector<std::string> strings() const {
    std::vector<std::string> out;
    if (j_->is_string()) return {j_->get<std::string>()};
    if (!j_->is_array()) fail("expected a string or an array of strings, got " + shown());
    for (std::size_t i = 0; i < size(); ++i) out.push_back(at(i).str());
    return out;
  }
  std::vector<std::string> strings(const std::string& name) const { return has(name) ? at(name).strings() : std::vector<std::string>{}; }
  std::vector<long> integers(long minimum) const {
    if (!j_->is_array()) fail("expected an array of whole numbers, got " + shown());
    std::vector<long> out;
    for (std::size_t i = 0; i < size(); ++i) out.push_back(at(i).integer(minimum));
    return out;
  }

 private:
  std::string join(const std::string& name) const { return key_.empty() ? name : key_ + "." + name; }
  const json* j_;
  std::string key_;
  std::shared_ptr<const std::string> file_;
};

// A path of the file: "$DATA/x" under the data root, absolute as is, else relative to the file's
// directory. The file must exist.
struct PathResolver {
  fs::path dir, data_root;
  fs::path operator()(const Node& n) const {
    const fs::path p = resolve(n, n.str()).lexically_normal();
    if (!fs::is_regular_file(p)) n.fail("file not found: " + p.string());
    return p;
  }
  // A path whose file name may hold '*' (any characters): every matching file, sorted.
  std::vector<fs::path> glob(const Node& n) const {
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

 private:
  fs::path resolve(const Node& n, const std::string& s) const {
    if (s.empty()) n.fail("empty path");
    if (s == "$DATA" || s.rfind("$DATA/", 0) == 0) {
      if (data_root.empty()) n.fail("'" + s + "' is under $DATA but no data root is set (--data or NEUROSCORE_DATA)");
      return s == "$DATA" ? data_root : data_root / s.substr(6);
    }
    return fs::path(s).is_absolute() ? fs::path(s) : dir / s;
  }
  static bool matches(const std::string& pattern, const std::string& name) {
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
};

// ---- the parsed file ----

// A control or a method: a feature matrix on the benchmark's rows.
struct FeatureSpec {
  std::string key;   // where it is in the file, for messages
  std::string name;
  std::string kind;  // file | word_rate | word_length | word_frequency | position | position_one_hot | oasm | join | language_model
  // file
  fs::path file;
  std::string dataset;               // HDF5 file: the dataset path
  std::vector<std::string> columns;  // names (CSV/TSV) or 0-based indices (NPY, text)
  long skip_rows = 0;
  std::string per = "row";  // row | word
  // word-level features on volumes: lanczos (values) or sum (counts)
  std::string resample = "lanczos";
  bool delays = false;  // row features: apply the benchmark's FIR delays too
  std::string transform = "none";  // none | log | log1p
  fs::path corpus;                 // word_frequency
  double width = 1.0;              // oasm
  std::vector<std::string> of;     // join
  // language_model
  fs::path model, tokenizer;
  std::vector<std::string> variants;  // empty: the request's --models
  std::vector<std::string> layers;    // empty: every layer
  std::string attributions = "requested";  // requested | named | none
};

struct Spec {
  fs::path file;
  std::string name, description;
  // rows
  std::string rows_kind;  // volumes | table | lines
  fs::path rows_file;     // table or lines file
  std::vector<std::string> sort_by;
  std::string word_column, unit = "word";
  double tr = 0.0, t0 = 0.0;
  long first_volume = 0;
  fs::path words_file;  // volumes: TextGrid or events TSV
  std::string tier, onset_column = "onset", duration_column = "duration", words_column = "word";
  std::string trial_type;  // events TSV: keep only rows whose trial_type column has this value
  std::vector<std::string> skip;  // words left out; not given: io::silence_labels() for TextGrids, none for events
  bool skip_given = false;
  std::string na_duration = "error";  // events TSV: an "n/a" duration is an error, or "zero"
  // responses
  std::vector<fs::path> response_files;
  fs::path response_mask;  // NIfTI responses: the brain mask
  std::string response_dataset;  // HDF5 responses: the dataset path
  std::vector<std::string> response_columns, target_names;
  long response_skip_rows = 0;
  std::string transform = "none", zscore = "none";
  bool drop_constant = false;
  // groups
  std::string groups_kind = "none";  // none | column | file | every
  std::string groups_column;
  fs::path groups_file;
  long groups_every = 0;
  // split, delays, ridge, metric, bootstrap, ceiling
  std::string split_kind = "contiguous";
  long folds = 5, gap = 0;
  std::vector<int> delays;
  RidgeCvOptions ridge;
  std::string inner = "auto";
  std::string bootstrap_unit = "blocks";
  long block = 20;
  std::string ceiling = "none", ceiling_note;
  std::vector<FeatureSpec> controls, methods;
  std::string baseline;
};

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
    keys.insert({"model", "tokenizer", "variants", "attributions", "layers"});
    f.layers = n.strings("layers");
    if (n.has("model")) f.model = path(n.at("model"));
    if (n.has("tokenizer")) f.tokenizer = path(n.at("tokenizer"));
    if (f.model.empty() != f.tokenizer.empty()) n.fail("give both \"model\" and \"tokenizer\", or neither (the leaderboard's model)");
    f.variants = n.strings("variants");
    for (const std::string& v : f.variants) {
      if (!detail::lbrun::is_model_variant(v)) n.at("variants").fail("unknown variant '" + v + "' (trained, untrained, untrained:SEED, noise:SD:SEED)");
    }
    f.attributions = n.choice("attributions", "requested", {"requested", "named", "none"});
  }
  f.resample = n.choice("resample", f.kind == "word_rate" ? "sum" : "lanczos", {"lanczos", "sum"});
  f.transform = n.choice("transform", "none", {"none", "log", "log1p"});
  n.only(keys);
  return f;
}

Spec parse_spec(const fs::path& file, const fs::path& data_root) {
  auto name = std::make_shared<const std::string>(file.string());
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::invalid_argument(file.string() + ": cannot open the benchmark file");
  json root;
  try {
    root = json::parse(in);
  } catch (const json::parse_error& e) {
    throw std::invalid_argument(file.string() + ": not valid JSON (" + e.what() + ")");
  }
  const Node top(root, "", name);
  top.only({"name", "description", "rows", "responses", "groups", "split", "delays", "ridge", "metric", "bootstrap",
            "ceiling", "controls", "baseline", "methods"});
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
    rows.only({"kind", "file", "sort_by", "word", "unit"});
    s.rows_file = path(rows.at("file"));
    s.sort_by = rows.strings("sort_by");
    s.word_column = rows.str("word", "");
    s.unit = rows.choice("unit", s.rows_kind == "lines" ? "sentence" : "word", {"word", "sentence"});
    if (s.rows_kind == "lines" && (!s.sort_by.empty() || !s.word_column.empty())) {
      rows.fail("\"sort_by\" and \"word\" belong to kind \"table\"; a \"lines\" file has one row per line");
    }
  }

  const Node resp = top.at("responses");
  resp.only({"files", "mask", "dataset", "columns", "targets", "skip_rows", "transform", "zscore", "drop_constant_subjects"});
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
  return s;
}

// ---- reading the data ----

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

// A numeric matrix from NPY, CSV/TSV with a header (columns by name), or whitespace text (columns
// by 0-based index); `names` receives the column names (header or "0", "1", ...).
Eigen::MatrixXd read_numeric(const Node& where, const fs::path& p, const std::vector<std::string>& columns, long skip_rows,
                             std::vector<std::string>* names, const std::string& dataset = "") {
  const std::string ext = lower_extension(p);
  const bool h5 = ext == ".h5" || ext == ".hdf5" || io::is_hdf5_file(p);
  if (h5 && dataset.empty()) where.fail(p.string() + " is HDF5: name the dataset (\"dataset\": \"/group/name\")");
  if (!h5 && !dataset.empty()) where.fail("\"dataset\" applies to HDF5 files, and " + p.filename().string() + " is not one (no HDF5 signature)");
  if (h5 && !columns.empty()) where.fail("\"columns\" do not apply to HDF5 datasets (give a dataset of the columns you want)");
  Eigen::MatrixXd all;
  std::vector<std::string> header;
  try {
    if (h5) {
      all = io::read_hdf5_matrix(p, dataset);
      for (Eigen::Index c = 0; c < all.cols(); ++c) header.push_back(std::to_string(c));
    } else if (ext == ".csv" || ext == ".tsv") {
      const io::Table t = io::read_delimited(p);
      std::vector<std::size_t> take;
      if (columns.empty()) {
        for (std::size_t c = 0; c < t.columns.size(); ++c) take.push_back(c);
      }
      for (const std::string& c : columns) {
        const auto it = std::find(t.columns.begin(), t.columns.end(), c);
        if (it == t.columns.end()) where.fail(p.string() + " has no column '" + c + "' (columns: " + io::list_column_names(t.columns) + ")");
        take.push_back(static_cast<std::size_t>(it - t.columns.begin()));
      }
      all.resize(static_cast<Eigen::Index>(t.rows.size()), static_cast<Eigen::Index>(take.size()));
      for (std::size_t k = 0; k < take.size(); ++k) {
        all.col(static_cast<Eigen::Index>(k)) = t.numeric_column(t.columns[take[k]]);
        header.push_back(t.columns[take[k]]);
      }
    } else {
      all = ext == ".npy" ? io::read_npy_matrix(p) : io::read_text_matrix(p);
      if (columns.empty()) {
        for (Eigen::Index c = 0; c < all.cols(); ++c) header.push_back(std::to_string(c));
      } else {
        Eigen::MatrixXd picked(all.rows(), static_cast<Eigen::Index>(columns.size()));
        for (std::size_t k = 0; k < columns.size(); ++k) {
          const std::string& c = columns[k];
          if (c.empty() || !std::all_of(c.begin(), c.end(), ::isdigit)) {
            where.fail(p.string() + " has no header: name columns by 0-based index, not '" + c + "'");
          }
          const long idx = std::stol(c);
          if (idx >= all.cols()) where.fail(p.string() + " has " + std::to_string(all.cols()) + " columns, no column " + c);
          picked.col(static_cast<Eigen::Index>(k)) = all.col(idx);
          header.push_back(c);
        }
        all = std::move(picked);
      }
    }
  } catch (const std::exception& e) {
    if (std::string(e.what()).rfind(where.file() + ": ", 0) == 0) throw;  // names the benchmark file already
    where.fail(e.what());
  }
  if (skip_rows >= all.rows()) where.fail(p.string() + " has " + std::to_string(all.rows()) + " rows, skip_rows is " + std::to_string(skip_rows));
  if (names) *names = header;
  return all.bottomRows(all.rows() - skip_rows);
}

// Rows with a NaN or infinity are an error naming the file, row and column.
void require_finite_rows(const Node& where, const std::string& what, const Eigen::MatrixXd& m, long row_offset,
                         const std::vector<std::string>& columns) {
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (!std::isfinite(m(i, j))) {
        std::ostringstream v;
        v << m(i, j);
        where.fail(what + ": row " + std::to_string(i + row_offset + 1) + " of the file (1-based), column " +
                   (static_cast<std::size_t>(j) < columns.size() ? columns[static_cast<std::size_t>(j)] : std::to_string(j)) +
                   " is " + v.str() + " (drop the row or fill it; rows are never dropped silently)");
      }
    }
  }
}



// Everything the file describes, read: the benchmark without baseline and methods, and what the
// features need (words, their times, groups, the LM stimulus).
struct Loaded {
  Spec spec;
  Benchmark benchmark;
  std::vector<std::string> subject_ids;
  std::vector<std::string> excluded;  // "file: reason"
  std::vector<int> groups;            // per row; empty: none
  std::vector<std::string> words;     // volumes: timed words; table/lines: one per row (may be empty)
  std::vector<double> onsets, ends;   // volumes
  VolumeGrid grid;                    // volumes: the whole run from volume 0
  std::size_t words_before = 0, words_in = 0;
  std::string skipped_note;  // volumes with words: what the words file had that are not words, and why
  std::string tr_note;       // volumes: where the TR comes from
  io::Table table;  // table rows as stored in rows.file
  // table: order[r] is the stored row (0-based data row of rows.file) that is row r after rows.sort_by
  std::vector<std::size_t> order;
  std::vector<std::string> lines;  // lines rows
  io::BrainTargets targets;          // NIfTI/GIfTI responses: where each target column lies (the first run's)
  bool lm_textgrid = false;        // the LM reads words_file itself
  std::string lm_segments = "none";
  std::shared_ptr<const std::string> file_name;

  // An error about `key` of the benchmark file.
  Node where(const std::string& key) const {
    static const json empty = json::object();
    return Node(empty, key, file_name);
  }

  Eigen::Index rows() const { return benchmark.responses.rows(); }
};

// Row r (0-based, in the benchmark's row order) as an error names it, with its numbering: for a
// table, its 1-based place after rows.sort_by, the data row of rows.file it came from (1-based, the
// header not counted) and its sort_by key ("row 18 after rows.sort_by (data row 3 of t.tsv,
// story=3 position=17)"); for other kinds, "row 18 (1-based)".
std::string describe_row(const Loaded& L, std::size_t r) {
  if (L.spec.rows_kind != "table" || r >= L.order.size()) return "row " + std::to_string(r + 1) + " (1-based)";
  const std::size_t stored = L.order[r];
  std::string out = "row " + std::to_string(r + 1) + (L.spec.sort_by.empty() ? "" : " after rows.sort_by") + " (data row " +
                    std::to_string(stored + 1) + " of " + L.spec.rows_file.filename().string();
  for (const std::string& key : L.spec.sort_by) {
    const auto c = std::find(L.table.columns.begin(), L.table.columns.end(), key);
    if (c != L.table.columns.end()) out += (key == L.spec.sort_by.front() ? ", " : " ") + key + "=" + L.table.rows[stored][static_cast<std::size_t>(c - L.table.columns.begin())];
  }
  return out + ")";
}

// The rule for every per-row file of a table benchmark (a feature file, a groups file): its rows are
// the table's rows in their STORED order, one per data row of rows.file, as a user writes them next
// to the table; they move with the table's rows under rows.sort_by. Other row kinds keep the file's
// order (their rows are never reordered).
Eigen::MatrixXd in_sorted_row_order(const Loaded& L, const Eigen::MatrixXd& m) {
  if (L.spec.rows_kind != "table") return m;
  Eigen::MatrixXd out(m.rows(), m.cols());
  for (std::size_t r = 0; r < L.order.size(); ++r) out.row(static_cast<Eigen::Index>(r)) = m.row(static_cast<Eigen::Index>(L.order[r]));
  return out;
}

// Relative tolerance of a header TR against rows.tr: pixdim is float32 (a 1e-7 relative rounding),
// and a TR written in ms or us to a whole unit agrees to 1e-4 for TRs of 0.01 s and longer;
// anything beyond is another TR.
constexpr double kTrRelativeTolerance = 1e-4;

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::setprecision(10) << s;
  return o.str();
}

// A volumes benchmark's TR against the header TR of the run `p`: no "tr" takes the first header's,
// a mismatch (beyond kTrRelativeTolerance) is an error naming the file, both TRs and rows.tr.
void check_tr(Loaded& L, const fs::path& p, const io::RepetitionTime& header) {
  if (L.spec.rows_kind != "volumes") return;
  if (!header.seconds) {
    if (L.tr_note.empty()) L.tr_note = " (" + p.filename().string() + " gives no TR information: " + header.stated + ")";
    return;
  }
  const double h = *header.seconds;
  if (L.spec.tr == 0.0) {
    L.spec.tr = h;
    L.tr_note = " (from the NIfTI header of " + p.filename().string() + ": " + header.stated + ")";
    return;
  }
  if (std::abs(h - L.spec.tr) > kTrRelativeTolerance * L.spec.tr) {
    const bool given = L.tr_note.rfind(" (from the NIfTI header", 0) != 0;
    L.where("rows.tr").fail(p.string() + " has a TR of " + seconds_text(h) + " s in its header (" + header.stated + "), " +
                            (given ? "the benchmark file says " : "the first run's header says ") + seconds_text(L.spec.tr) +
                            " s (relative tolerance 1e-4)");
  }
  if (L.tr_note.empty()) L.tr_note = " (the NIfTI headers agree)";
}

// One subject's NIfTI or GIfTI run as volumes x voxels (responses.skip_rows volumes dropped):
// io::read_brain_run under responses.mask. Every subject must give the same voxels; the first
// sets L.targets. Column names: "v<voxel or vertex>".
Eigen::MatrixXd read_brain_run(Loaded& L, const Node& where, const fs::path& p, std::vector<std::string>* names) {
  const Spec& spec = L.spec;
  if (!spec.response_columns.empty()) where.fail("\"columns\" do not apply to NIfTI or GIfTI runs (use responses.mask)");
  io::BrainRun run;
  try {
    run = io::read_brain_run(p, spec.response_mask);
  } catch (const std::exception& e) {
    where.fail(e.what());
  }
  if (L.targets.voxels.empty()) {
    L.targets = run.targets;
  } else if (!run.targets.same_as(L.targets)) {
    where.fail(p.string() + ": its grid or kept voxels differ from the first run's (" + std::to_string(run.targets.voxels.size()) + " vs " +
               std::to_string(L.targets.voxels.size()) + " voxels); give responses.mask so every subject has the same voxels");
  }
  check_tr(L, p, run.tr);
  names->clear();
  for (std::int64_t v : run.targets.voxels) names->push_back("v" + std::to_string(v));
  if (spec.response_skip_rows >= run.data.rows()) where.fail(p.string() + " has " + std::to_string(run.data.rows()) + " volumes, skip_rows is " + std::to_string(spec.response_skip_rows));
  return run.data.bottomRows(run.data.rows() - spec.response_skip_rows);
}

// "N UNIT skipped" with the count per skipped label, and of another trial type.
std::string skipped_text(const std::map<std::string, std::size_t>& per_label, std::size_t other_trial_type, const std::string& unit) {
  std::size_t n = other_trial_type;
  std::string detail;
  for (const auto& [label, count] : per_label) {
    n += count;
    detail += (detail.empty() ? "" : ", ") + io::quote_for_message(label) + " " + std::to_string(count);
  }
  if (other_trial_type > 0) detail += (detail.empty() ? "" : ", ") + std::to_string(other_trial_type) + " of another trial_type";
  return std::to_string(n) + " " + unit + " skipped" + (detail.empty() ? "" : " (" + detail + ")");
}

// What one row is: the rows table (sorted), the lines, or the timed words.
void read_rows(Loaded& L) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  if (spec.rows_kind == "table") {
    try {
      L.table = io::read_delimited(spec.rows_file);
    } catch (const std::exception& e) {
      where("rows.file").fail(e.what());
    }
    if (L.table.rows.empty()) where("rows.file").fail(spec.rows_file.string() + ": no data rows");
    L.order.resize(L.table.rows.size());
    std::iota(L.order.begin(), L.order.end(), std::size_t{0});
    if (!spec.sort_by.empty()) {
      std::vector<Eigen::VectorXd> keys;
      for (const std::string& c : spec.sort_by) {
        if (std::find(L.table.columns.begin(), L.table.columns.end(), c) == L.table.columns.end()) {
          where("rows.sort_by").fail(spec.rows_file.string() + " has no column '" + c + "'");
        }
        try {
          keys.push_back(L.table.numeric_column(c));
        } catch (const std::exception& e) {
          where("rows.sort_by").fail(e.what());
        }
      }
      std::stable_sort(L.order.begin(), L.order.end(), [&](std::size_t a, std::size_t c) {
        for (const Eigen::VectorXd& k : keys) {
          if (k(static_cast<Eigen::Index>(a)) != k(static_cast<Eigen::Index>(c))) {
            return k(static_cast<Eigen::Index>(a)) < k(static_cast<Eigen::Index>(c));
          }
        }
        return false;
      });
    }
    if (!spec.word_column.empty()) {
      const auto it = std::find(L.table.columns.begin(), L.table.columns.end(), spec.word_column);
      if (it == L.table.columns.end()) where("rows.word").fail(spec.rows_file.string() + " has no column '" + spec.word_column + "'");
      const auto c = static_cast<std::size_t>(it - L.table.columns.begin());
      for (std::size_t r : L.order) L.words.push_back(L.table.rows[r][c]);
    }
  } else if (spec.rows_kind == "lines") {
    std::ifstream in(spec.rows_file);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) where("rows.file").fail(spec.rows_file.string() + ":" + std::to_string(L.lines.size() + 1) + ": empty line (one row per line)");
      L.lines.push_back(line);
    }
    if (L.lines.empty()) where("rows.file").fail(spec.rows_file.string() + ": no lines");
    L.words = L.lines;
  } else if (!spec.words_file.empty()) {
    const std::string ext = lower_extension(spec.words_file);
    try {
      if (ext == ".textgrid") {
        const io::TextGrid grid = io::read_textgrid(spec.words_file);
        const io::Tier* tier = spec.tier.empty() ? io::default_word_tier(grid) : &grid.tier(spec.tier);
        if (tier == nullptr || tier->kind != io::TierKind::interval) where("rows.words.file").fail(spec.words_file.string() + ": no interval tier of words");
        const std::vector<std::string>& skip = spec.skip_given ? spec.skip : io::silence_labels();
        std::map<std::string, std::size_t> skipped;
        for (const io::Interval& iv : tier->intervals) {
          if (std::find(skip.begin(), skip.end(), iv.text) != skip.end()) {
            ++skipped[iv.text];
            continue;
          }
          L.words.push_back(iv.text);
          L.onsets.push_back(iv.start_seconds);
          L.ends.push_back(iv.end_seconds);
        }
        L.skipped_note = skipped_text(skipped, 0, "intervals");
        // The extract pipeline reads this tier and skips these labels itself (extract_command.cc).
        L.lm_textgrid = tier == io::default_word_tier(grid) && skip == io::silence_labels();
      } else {
        // A BIDS events.tsv (or any TSV of word onsets), read by io::read_events.
        io::EventsOptions o;
        o.onset_column = spec.onset_column;
        o.duration_column = spec.duration_column;
        o.word_column = spec.words_column;
        o.trial_type = spec.trial_type;
        o.skip = spec.skip;
        o.na_duration = spec.na_duration == "zero" ? io::NaDuration::zero : io::NaDuration::error;
        io::TimedWords t;
        try {
          t = io::read_events(spec.words_file, o);
        } catch (const io::EventsError& e) {
          const std::map<std::string, std::string> keys = {
              {"onset_column", "rows.words.onset"}, {"duration_column", "rows.words.duration"}, {"na_duration", "rows.words.na_duration"}};
          const auto key = keys.find(e.option);
          where(key == keys.end() ? "rows.words.file" : key->second).fail(e.what());
        }
        L.words = std::move(t.words);
        L.onsets = std::move(t.onsets);
        L.ends = std::move(t.ends);
        L.skipped_note = skipped_text(t.skipped_words, t.skipped_trial_type, "rows");
      }
    } catch (const std::exception& e) {
      if (std::string(e.what()).rfind(spec.file.string() + ": ", 0) == 0) throw;  // names the benchmark file already
      where("rows.words.file").fail(e.what());
    }
    if (L.words.empty()) where("rows.words.file").fail(spec.words_file.string() + ": no words");
  }
}

// The response matrices, one per subject file (or repeat, or the table's columns), transformed;
// `names` receives the target names. Excluded subjects are recorded in L.excluded.
std::vector<Eigen::MatrixXd> read_responses(Loaded& L, std::vector<std::string>& names, std::ostream* log) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  std::vector<Eigen::MatrixXd> per_file;
  if (!spec.response_files.empty()) {
    for (std::size_t i = 0; i < spec.response_files.size(); ++i) {
      const std::string key = spec.response_files.size() > 1 ? "responses.files[" + std::to_string(i) + "]" : "responses.files";
      const fs::path& p = spec.response_files[i];
      std::vector<std::string> cols;
      Eigen::MatrixXd y = io::is_brain_run_path(p) ? read_brain_run(L, where(key), p, &cols)
                                      : read_numeric(where(key), p, spec.response_columns, spec.response_skip_rows, &cols, spec.response_dataset);
      if (names.empty()) names = cols;
      if (!per_file.empty() && (y.rows() != per_file.front().rows() || y.cols() != per_file.front().cols())) {
        where(key).fail(p.string() + " is " + std::to_string(y.rows()) + " x " + std::to_string(y.cols()) + ", " +
                        spec.response_files.front().string() + " is " + std::to_string(per_file.front().rows()) + " x " +
                        std::to_string(per_file.front().cols()));
      }
      require_finite_rows(where(key), p.string(), y, spec.response_skip_rows, cols);
      std::string reason;
      if ((y.array() == 0.0).all()) reason = "all values are zero";
      for (Eigen::Index c = 0; c < y.cols() && reason.empty(); ++c) {
        if ((y.col(c).array() == y(0, c)).all()) reason = "column " + cols[static_cast<std::size_t>(c)] + " is constant";
      }
      if (!reason.empty()) {
        if (!spec.drop_constant || spec.ceiling == "repeats") {
          where(key).fail(p.string() + ": " + reason + " (set responses.drop_constant_subjects to exclude such subjects with a warning)");
        }
        L.excluded.push_back(p.string() + ": " + reason);
        if (log) *log << "warning: " << spec.file.string() << ": excluding subject " << p.string() << ": " << reason << "\n";
        continue;
      }
      per_file.push_back(std::move(y));
      L.subject_ids.push_back(p.stem().string());
    }
    if (per_file.empty()) where("responses.files").fail("every subject was excluded");
  } else {
    Eigen::MatrixXd y(static_cast<Eigen::Index>(L.table.rows.size()), static_cast<Eigen::Index>(spec.response_columns.size()));
    for (std::size_t k = 0; k < spec.response_columns.size(); ++k) {
      const std::string& c = spec.response_columns[k];
      if (std::find(L.table.columns.begin(), L.table.columns.end(), c) == L.table.columns.end()) {
        where("responses.columns").fail(spec.rows_file.string() + " has no column '" + c + "' (columns: " + io::list_column_names(L.table.columns) + ")");
      }
      Eigen::VectorXd v;
      try {
        v = L.table.numeric_column(c);
      } catch (const std::exception& e) {
        where("responses.columns").fail(spec.rows_file.string() + ": " + e.what() + " (row index: the 0-based data row of the file, before rows.sort_by)");
      }
      for (std::size_t r = 0; r < L.order.size(); ++r) y(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = v(static_cast<Eigen::Index>(L.order[r]));
    }
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      for (Eigen::Index k = 0; k < y.cols(); ++k) {
        if (!std::isfinite(y(r, k))) {
          where("responses.columns").fail(spec.rows_file.string() + ": " + describe_row(L, static_cast<std::size_t>(r)) + ", column " +
                                          spec.response_columns[static_cast<std::size_t>(k)] + " is " +
                                          L.table.rows[L.order[static_cast<std::size_t>(r)]][L.table.column_index(spec.response_columns[static_cast<std::size_t>(k)])] +
                                          " (drop the row or fill it; rows are never dropped silently)");
        }
      }
    }
    names = spec.response_columns;
    per_file.push_back(std::move(y));
    L.subject_ids.push_back(spec.rows_file.stem().string());
  }
  const Eigen::Index t = per_file.front().cols();
  if (!spec.target_names.empty()) {
    if (static_cast<Eigen::Index>(spec.target_names.size()) != t) {
      where("responses.targets").fail(std::to_string(spec.target_names.size()) + " names for " + std::to_string(t) + " response columns");
    }
    names = spec.target_names;
  }
  if (spec.transform == "log") {
    for (std::size_t i = 0; i < per_file.size(); ++i) {
      if ((per_file[i].array() <= 0.0).any()) {
        Eigen::Index r = 0, c = 0;
        per_file[i].minCoeff(&r, &c);
        where("responses.transform").fail("log of a value <= 0: " + std::to_string(per_file[i](r, c)) + " at row " +
                                          std::to_string(r + spec.response_skip_rows) + ", column " + names[static_cast<std::size_t>(c)] +
                                          (spec.response_files.empty() ? "" : " of subject " + L.subject_ids[i]));
      }
      per_file[i] = per_file[i].array().log().matrix();
    }
  }

  return per_file;
}

// The timings against the `n` response rows (and the volume grid of a volumes benchmark).
void check_timings(Loaded& L, Eigen::Index n) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  if (spec.rows_kind == "table" && static_cast<Eigen::Index>(L.table.rows.size()) != n) {
    where("rows.file").fail(spec.rows_file.string() + " has " + std::to_string(L.table.rows.size()) + " rows but the responses have " +
                            std::to_string(n) + " (one response row per table row)");
  }
  for (std::size_t k = 0; k < spec.delays.size(); ++k) {
    if (spec.delays[k] >= n) where("delays[" + std::to_string(k) + "]").fail("a delay of " + std::to_string(spec.delays[k]) + " rows, but there are only " + std::to_string(n) + " rows");
  }
  if (spec.rows_kind == "table" && !L.words.empty() && static_cast<Eigen::Index>(L.words.size()) != n) {
    where("rows.word").fail(std::to_string(L.words.size()) + " words but " + std::to_string(n) + " response rows");
  }
  if (spec.rows_kind == "lines" && static_cast<Eigen::Index>(L.lines.size()) != n) {
    where("rows.file").fail(spec.rows_file.string() + " has " + std::to_string(L.lines.size()) + " lines but the responses have " +
                            std::to_string(n) + " rows (one row per line)");
  }
  if (spec.rows_kind == "volumes") {
    L.grid = VolumeGrid{spec.first_volume + n, spec.tr, spec.t0};
    const double end = spec.t0 + static_cast<double>(spec.first_volume + n) * spec.tr;
    const double first_kept = spec.t0 + static_cast<double>(spec.first_volume) * spec.tr;
    for (std::size_t i = 0; i < L.onsets.size(); ++i) {
      if (L.onsets[i] >= end) {
        where("rows.words.file").fail(spec.words_file.string() + ": word " + std::to_string(i) + " ('" + L.words[i] + "') starts at " +
                                      std::to_string(L.onsets[i]) + " s, after the responses end (" + std::to_string(spec.first_volume) +
                                      " + " + std::to_string(n) + " volumes of " + std::to_string(spec.tr) + " s end at " +
                                      std::to_string(end) + " s): responses and timings do not match");
      }
      (L.onsets[i] < first_kept ? L.words_before : L.words_in) += 1;
    }
  }
}

// One label per row, contiguous runs, each longer than a grouped split's purge gap.
void read_groups(Loaded& L, Eigen::Index n) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  if (spec.groups_kind == "column") {
    if (std::find(L.table.columns.begin(), L.table.columns.end(), spec.groups_column) == L.table.columns.end()) {
      where("groups.column").fail(spec.rows_file.string() + " has no column '" + spec.groups_column + "'");
    }
    Eigen::VectorXd g;
    try {
      g = L.table.numeric_column(spec.groups_column);
    } catch (const std::exception& e) {
      where("groups.column").fail(e.what());
    }
    for (std::size_t r : L.order) {
      const double v = g(static_cast<Eigen::Index>(r));
      if (v != std::floor(v) || std::abs(v) > 1e9) where("groups.column").fail("value " + std::to_string(v) + " is not a whole number up to 1e9");
      L.groups.push_back(static_cast<int>(v));
    }
  } else if (spec.groups_kind == "file") {
    const Eigen::MatrixXd g = read_numeric(where("groups.file"), spec.groups_file, {}, 0, nullptr);
    if (g.size() != n) where("groups.file").fail(spec.groups_file.string() + " has " + std::to_string(g.size()) + " values for " + std::to_string(n) + " rows");
    for (Eigen::Index i = 0; i < g.size(); ++i) {
      if (!std::isfinite(g(i)) || g(i) != std::floor(g(i)) || std::abs(g(i)) > 1e9) {
        where("groups.file").fail(spec.groups_file.string() + ": value " + std::to_string(g(i)) + " at value " + std::to_string(i + 1) +
                                  " of the file (1-based) is not a whole number up to 1e9");
      }
    }
    const Eigen::MatrixXd sorted = in_sorted_row_order(L, Eigen::Map<const Eigen::MatrixXd>(g.data(), g.size(), 1));
    for (Eigen::Index i = 0; i < sorted.rows(); ++i) L.groups.push_back(static_cast<int>(sorted(i, 0)));
  } else if (spec.groups_kind == "every") {
    if (n % spec.groups_every != 0) where("groups.every").fail(std::to_string(n) + " rows are not whole groups of " + std::to_string(spec.groups_every));
    for (Eigen::Index i = 0; i < n; ++i) L.groups.push_back(static_cast<int>(i / spec.groups_every));
  }
  if (!L.groups.empty()) {
    // Groups must be contiguous runs (a story, a passage, a run): folds and FIR delays assume it.
    std::set<int> seen;
    for (std::size_t i = 0; i < L.groups.size(); ++i) {
      if (i > 0 && L.groups[i] == L.groups[i - 1]) continue;
      if (!seen.insert(L.groups[i]).second) {
        where("groups").fail("group " + std::to_string(L.groups[i]) + " comes back at " + describe_row(L, i) +
                             " (groups must be contiguous runs of rows; sort the rows)");
      }
    }
    if (spec.gap > 0 && spec.split_kind != "contiguous") {
      std::size_t start = 0;
      for (const Eigen::Index len : runs_of_labels(L.groups).volumes) {
        if (len <= spec.gap) {
          where("split.gap").fail("gap " + std::to_string(spec.gap) + " rows, but group " + std::to_string(L.groups[start]) +
                                  " has only " + std::to_string(len) + " rows");
        }
        start += static_cast<std::size_t>(len);
      }
    }
  }
}

// Z-scores the subjects (or groups), averages repeats, and fills the benchmark's responses,
// subjects and regions. Returns the repeats (empty unless the ceiling is "repeats").
std::vector<Eigen::MatrixXd> assemble_responses(Loaded& L, std::vector<Eigen::MatrixXd>& per_file,
                                                const std::vector<std::string>& names) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  Benchmark& b = L.benchmark;
  const Eigen::Index n = per_file.front().rows(), t = per_file.front().cols();
  for (std::size_t i = 0; i < per_file.size(); ++i) {
    const std::string what = spec.response_files.empty() ? spec.rows_file.string() : L.subject_ids[i];
    try {
      if (spec.zscore == "subject") per_file[i] = zscore_columns(per_file[i], what);
      if (spec.zscore == "group") {
        if (L.groups.empty()) where("responses.zscore").fail("'group' needs \"groups\"");
        per_file[i] = zscore_per_run(per_file[i], runs_of_labels(L.groups), what);
      }
    } catch (const std::invalid_argument& e) {
      if (std::string(e.what()).rfind(spec.file.string(), 0) == 0) throw;
      where("responses.zscore").fail(e.what());
    }
  }
  std::vector<Eigen::MatrixXd> repeats;
  if (spec.ceiling == "repeats") {
    if (per_file.size() < 2) where("ceiling.kind").fail("'repeats' needs at least 2 response files (one per repeat), got " + std::to_string(per_file.size()));
    repeats = per_file;
    Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(n, t);
    for (const Eigen::MatrixXd& y : per_file) mean += y;
    per_file = {mean / static_cast<double>(repeats.size())};
    L.subject_ids = {"mean of " + std::to_string(repeats.size()) + " repeats"};
  }
  b.responses.resize(n, t * static_cast<Eigen::Index>(per_file.size()));
  for (std::size_t s = 0; s < per_file.size(); ++s) {
    b.responses.middleCols(static_cast<Eigen::Index>(s) * t, t) = per_file[s];
    for (Eigen::Index j = 0; j < t; ++j) {
      b.target_subject.push_back(static_cast<int>(s));
      b.target_region.push_back(names[static_cast<std::size_t>(j)]);
    }
  }
  b.regions = names;

  return repeats;
}

// Outer folds, ridge options (grouped inner folds when asked or when the split is grouped),
// bootstrap unit.
void set_split(Loaded& L) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  Benchmark& b = L.benchmark;
  const Eigen::Index n = b.responses.rows();
  try {
    if (spec.split_kind == "contiguous") b.folds = contiguous_kfold(static_cast<std::size_t>(n), static_cast<std::size_t>(spec.folds), Gap{static_cast<std::size_t>(spec.gap)});
    else if (spec.split_kind == "grouped") b.folds = group_kfold(L.groups, static_cast<std::size_t>(spec.folds), Gap{static_cast<std::size_t>(spec.gap)});
    else b.folds = leave_one_group_out(L.groups, Gap{static_cast<std::size_t>(spec.gap)});
  } catch (const std::invalid_argument& e) {
    where("split").fail(e.what());
  }
  b.ridge = spec.ridge;
  const bool grouped_inner = spec.inner == "grouped" || (spec.inner == "auto" && spec.split_kind != "contiguous");
  if (grouped_inner) b.ridge.inner_groups = L.groups;
  b.block = BlockLength{static_cast<std::size_t>(spec.block)};
  if (spec.bootstrap_unit == "groups") b.bootstrap_groups = L.groups;
}

// The ceiling per region (r units) and the benchmark's (the median over regions).
void set_ceiling(Loaded& L, const std::vector<Eigen::MatrixXd>& per_subject, const std::vector<Eigen::MatrixXd>& repeats) {
  const Spec& spec = L.spec;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  Benchmark& b = L.benchmark;
  const std::vector<std::string>& names = b.regions;
  const auto t = static_cast<Eigen::Index>(names.size());
  if (spec.ceiling == "subjects") {
    if (per_subject.size() < 3) where("ceiling.kind").fail("'subjects' needs at least 3 subjects (response files), got " + std::to_string(per_subject.size()));
    const InterSubjectCeiling isc = leave_one_subject_out_ceiling(per_subject, b.folds);
    std::vector<double> c;
    for (Eigen::Index j = 0; j < t; ++j) {
      b.region_ceiling[names[static_cast<std::size_t>(j)]] = isc.corrected_r(j);
      c.push_back(isc.corrected_r(j));
    }
    b.ceiling = detail::leaderboard::median(c);
    b.ceiling_note = "leave-one-subject-out ISC per target on each test fold, mean over folds, corrected to one subject (sqrt(rho_1), r units); benchmark ceiling = median over targets";
  } else if (spec.ceiling == "repeats") {
    // Per test fold, as the score is (a per-fold r, averaged over folds): the split-half
    // reliability of the fold's rows, Spearman-Brown corrected to all repeats, its square root.
    Eigen::VectorXd per_target = Eigen::VectorXd::Zero(t);
    for (const Fold& fold : b.folds) {
      std::vector<Eigen::MatrixXd> rows(repeats.size(), Eigen::MatrixXd(static_cast<Eigen::Index>(fold.test.size()), t));
      for (std::size_t r = 0; r < repeats.size(); ++r) {
        for (std::size_t i = 0; i < fold.test.size(); ++i) rows[r].row(static_cast<Eigen::Index>(i)) = repeats[r].row(static_cast<Eigen::Index>(fold.test[i]));
      }
      const SplitHalfReliability rel = split_half_reliability(rows);
      per_target += rel.reliability.cwiseMax(0.0).cwiseSqrt() / static_cast<double>(b.folds.size());
    }
    std::vector<double> c;
    for (Eigen::Index j = 0; j < t; ++j) {
      b.region_ceiling[names[static_cast<std::size_t>(j)]] = per_target(j);
      c.push_back(per_target(j));
    }
    b.ceiling = detail::leaderboard::median(c);
    b.ceiling_note = "split-half reliability (even vs odd repeats) of the mean of " + std::to_string(repeats.size()) +
                     " repeats on each test fold, Spearman-Brown corrected, sqrt, mean over folds (r units; with an odd number of repeats "
                     "the factor 2 over-corrects slightly); benchmark ceiling = median over targets";
  } else {
    b.ceiling_note = spec.ceiling_note.empty() ? "none (the benchmark file gives none)" : spec.ceiling_note;
  }
}

// Runs `f`; an error that does not name the benchmark file yet (a reader's, a library
// function's) is reported as "FILE: KEY: message".
template <class F>
auto under(const Loaded& L, const std::string& key, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    const std::string m = e.what();
    if (m.rfind(*L.file_name + ": ", 0) == 0) throw;
    L.where(key).fail(m);
  }
}

Loaded load(const Spec& spec, std::ostream* log) {
  Loaded L;
  L.spec = spec;
  L.file_name = std::make_shared<const std::string>(spec.file.string());
  L.benchmark.name = spec.name;
  under(L, "rows", [&] { read_rows(L); });
  std::vector<std::string> names;
  std::vector<Eigen::MatrixXd> per_file = under(L, "responses", [&] { return read_responses(L, names, log); });
  if (spec.rows_kind == "volumes" && L.spec.tr == 0.0) {
    L.where("rows.tr").fail("missing: give the TR in seconds (required unless the responses are NIfTI runs whose headers state it)" + L.tr_note);
  }
  const Eigen::Index n = per_file.front().rows(), t = per_file.front().cols();
  under(L, "rows", [&] { check_timings(L, n); });
  under(L, "groups", [&] { read_groups(L, n); });
  const std::vector<Eigen::MatrixXd> repeats = under(L, "responses", [&] { return assemble_responses(L, per_file, names); });
  under(L, "split", [&] { set_split(L); });
  under(L, "ceiling", [&] { set_ceiling(L, per_file, repeats); });
  under(L, "responses", [&] { validate_benchmark(L.benchmark); });
  Benchmark& b = L.benchmark;
  std::ostringstream d;
  d << (spec.description.empty() ? spec.name : spec.description) << " (benchmark file " << spec.file.filename().string() << "): "
    << per_file.size() << " subject(s) x " << t << " targets x " << n << " rows (" << spec.rows_kind << "); " << spec.split_kind
    << (spec.split_kind == "leave-one-group-out" ? "" : " " + std::to_string(spec.folds) + "-fold") << ", gap " << spec.gap;
  if (!spec.delays.empty()) d << "; FIR delays " << spec.delays.size();
  d << "; Pearson r per fold, mean over folds";
  b.description = d.str();

  // The LM's stimulus: the TextGrid itself, else one line per group (or one line) of the words.
  // Volumes are one continuous run ("none"); a table's words break lines at group changes.
  if (spec.unit == "sentence") L.lm_segments = "lines";
  else if (spec.rows_kind == "table" && !L.groups.empty()) L.lm_segments = "lines";
  return L;
}

// ---- features ----

// The rows of a benchmark from per-word values (`counts`: summed per volume, else Lanczos), FIR
// delays included, or per-row values with delays when asked.
Eigen::MatrixXd word_design(const Loaded& L, const Eigen::MatrixXd& w, bool counts, bool delays = true) {
  const Spec& s = L.spec;
  if (s.rows_kind == "volumes") {
    const Eigen::MatrixXd v = counts ? boxcar_per_volume(L.onsets, w, L.grid).sum
                                     : lanczos_resample(event_midpoints(L.onsets, L.ends), w, L.grid);
    const Eigen::MatrixXd delayed = s.delays.empty() || !delays ? v : fir_delays(v, s.delays);
    return delayed.bottomRows(L.rows());
  }
  if (s.delays.empty() || !delays) return w;
  return L.groups.empty() ? fir_delays(w, s.delays) : fir_delays(w, s.delays, runs_of_labels(L.groups));
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
  const Eigen::Index n = L.rows();
  const bool word_kind = f.kind == "word_rate" || f.kind == "word_length" || f.kind == "word_frequency";
  if (word_kind && L.words.empty()) where.fail("'" + f.kind + "' needs words (rows.words, or rows.word of a table)");
  if (word_kind && L.spec.unit == "sentence") where.fail("'" + f.kind + "' is per word; this benchmark's rows are sentences");
  Eigen::MatrixXd x;
  if (f.kind == "word_rate") {
    x = word_design(L, Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(L.words.size()), 1), true);
  } else if (f.kind == "word_length" || f.kind == "word_frequency") {
    std::unique_ptr<datasets::UnigramCounts> corpus;
    if (f.kind == "word_frequency") {
      std::ifstream in(f.corpus, std::ios::binary);
      const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      corpus = std::make_unique<datasets::UnigramCounts>(datasets::count_unigrams(
          text.find("*** START OF") != std::string::npos ? datasets::gutenberg_body(f.corpus) : text));
    }
    Eigen::MatrixXd w(static_cast<Eigen::Index>(L.words.size()), 1);
    for (std::size_t i = 0; i < L.words.size(); ++i) {
      const std::string key = datasets::frequency_key(L.words[i]);
      if (key.empty()) where.fail("word " + std::to_string(i) + " ('" + L.words[i] + "') has no letters or digits");
      w(static_cast<Eigen::Index>(i), 0) = corpus ? datasets::log10_per_million(*corpus, key) : static_cast<double>(datasets::word_length(L.words[i]));
    }
    x = word_design(L, w, f.resample == "sum");
  } else if ((f.kind == "oasm" || f.kind == "position_one_hot") && n > 5000) {
    where.fail("'" + f.kind + "' has up to one column per row: " + std::to_string(n) + " rows would be an " + std::to_string(n) + " x " +
               std::to_string(n) + " matrix (limit 5000 rows)");
  } else if (f.kind == "position_one_hot" && L.groups.empty()) {
    where.fail("'position_one_hot' needs \"groups\" (without them every row has its own position)");
  } else if (f.kind == "position" || f.kind == "position_one_hot") {
    const std::vector<int> pos = position_in_group(L.groups.empty() ? std::vector<int>(static_cast<std::size_t>(n), 0) : L.groups);
    if (f.kind == "position_one_hot") {
      x = one_hot(pos);
    } else {
      x.resize(n, 1);
      for (Eigen::Index i = 0; i < n; ++i) x(i, 0) = pos[static_cast<std::size_t>(i)] + 1.0;  // 1-based
      x = apply_transform(where, f.transform, x);
    }
  } else if (f.kind == "oasm") {
    x = oasm_features(L.groups.empty() ? std::vector<int>(static_cast<std::size_t>(n), 0) : L.groups, f.width);
  } else if (f.kind == "join") {
    std::vector<Eigen::MatrixXd> parts;
    for (const std::string& p : f.of) parts.push_back(done.at(p));
    x = detail::lbdata::hcat(parts);
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
    x = f.per == "word" ? word_design(L, m, f.resample == "sum", f.delays) : (f.delays ? row_delays(L, m) : m);
  }
  if (x.rows() != n) where.fail("has " + std::to_string(x.rows()) + " rows, the benchmark " + std::to_string(n));
  return x;
}

// build_feature, with every error naming the file and the feature's key.
Eigen::MatrixXd feature_matrix(const Loaded& L, const FeatureSpec& f, const std::map<std::string, Eigen::MatrixXd>& done) {
  return under(L, f.key, [&] { return build_feature(L, f, done); });
}

// Writes the words as text (one line per group, or per line) for the extract pipeline.
fs::path write_words(const Loaded& L, const fs::path& dir) {
  fs::create_directories(dir);
  std::ostringstream text;
  for (std::size_t i = 0; i < L.words.size(); ++i) {
    if (L.words[i].find_first_of(" \t\n") != std::string::npos && L.spec.unit == "word") {
      throw std::invalid_argument(L.spec.file.string() + ": word " + std::to_string(i) + " ('" + L.words[i] + "') contains whitespace");
    }
    if (i > 0) {
      const bool new_line = L.lm_segments == "lines" && (L.spec.unit == "sentence" || L.groups[i] != L.groups[i - 1]);
      text << (new_line ? '\n' : ' ');
    }
    text << L.words[i];
  }
  text << '\n';
  const fs::path p = dir / (L.spec.name + "_stimulus.txt");
  std::ofstream(p) << text.str();
  return p;
}

// A language model needs words: timed words, a table's word column, or lines.
void require_lm_words(const Loaded& L, const FeatureSpec& f) {
  if (L.words.empty()) L.where(f.key).fail("a language model needs words (rows.words, rows.word of a table, or lines)");
}

// The methods of one language-model entry: per variant, the extract (cached), checked against the
// benchmark's words (or sentences), then the leaderboard's LM methods on the benchmark's rows.
void add_lm_methods(const Loaded& L, const FeatureSpec& f, LeaderboardContext& ctx, BuiltBenchmark& out) {
  const Spec& spec = L.spec;
  require_lm_words(L, f);
  const bool word_level = spec.unit == "word";
  const bool attributions = word_level && (f.attributions == "requested" ? (ctx.wants("attributions") || ctx.wants_named_attributions())
                                                                          : f.attributions == "named" && ctx.wants_named_attributions());
  const std::string stimulus = L.lm_textgrid ? spec.words_file.string() : write_words(L, ctx.cache()).string();
  const std::vector<std::string>& variants = f.variants.empty() ? ctx.request().models : f.variants;
  for (const std::string& v : variants) {
    const LmFeatures feats = ctx.extract(v, stimulus, word_level, L.lm_segments, attributions, f.model, f.tokenizer);
    const auto read = static_cast<std::size_t>(word_level ? feats.words.size() : feats.read("segment_activations_" + feats.layer_names.front()).rows());
    if (read != L.words.size()) {
      L.where(f.key).fail("the language model read " + std::to_string(read) + (word_level ? " words" : " sentences") + ", the benchmark has " +
                          std::to_string(L.words.size()));
    }
    for (const std::string& layer : f.layers) {
      if (std::find(feats.layer_names.begin(), feats.layer_names.end(), layer) == feats.layer_names.end()) {
        std::string known;
        for (const std::string& k : feats.layer_names) known += (known.empty() ? "" : ", ") + k;
        L.where(f.key + ".layers").fail("the model has no layer '" + layer + "' (layers: " + known + ")");
      }
    }
    const std::string label = f.name == "lm" ? v : f.name + ":" + v;
    ctx.lm_methods(feats, label, word_level, attributions,
                   [&](const Eigen::MatrixXd& w, bool counts) { return word_design(L, w, counts); }, out.benchmark.baseline,
                   out.methods, f.layers);
  }
}

// A NIfTI or GIfTI benchmark's maps: per method, RESULTS/maps/BENCHMARK/METHOD_r.nii.gz (the runs'
// grid and affine) or METHOD_r.func.gii (one value per vertex), each voxel's or vertex's raw r (mean
// over subjects), NaN where nothing was scored.
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

BuiltBenchmark build(const Spec& spec, LeaderboardContext& ctx) {
  ctx.log() << "leaderboard: loading benchmark file " << spec.file.string() << "\n";
  const Loaded L = load(spec, &ctx.log());
  std::vector<Method> controls;
  std::map<std::string, Eigen::MatrixXd> done;
  for (const FeatureSpec& f : spec.controls) {
    Eigen::MatrixXd x = feature_matrix(L, f, done);
    done[f.name] = x;
    controls.push_back({"control/" + f.name, "control", "control", -1, std::move(x)});
  }
  BuiltBenchmark out;
  if (!spec.baseline.empty()) {
    out = with_controls(ctx, L.benchmark, std::move(controls), "control/" + spec.baseline, spec.baseline);
  } else {
    out.benchmark = L.benchmark;
    if (ctx.wants("controls")) out.methods = std::move(controls);
  }
  if (!L.targets.voxels.empty()) out.write_outputs = score_maps(L);
  for (const FeatureSpec& f : spec.methods) {
    if (f.kind == "language_model") {
      if (ctx.wants_lm()) under(L, f.key, [&] { add_lm_methods(L, f, ctx, out); });
    } else {
      out.methods.push_back({"user/" + f.name, "user", "user", -1, feature_matrix(L, f, done)});
    }
  }
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
  o << "  targets     " << b.regions.size() << " per subject (" << io::list_column_names(b.regions) << "), " << b.responses.cols() << " in all\n";
  o << "  subjects    " << L.subject_ids.size();
  if (!L.excluded.empty()) o << " (" << L.excluded.size() << " excluded: " << L.excluded.front() << (L.excluded.size() > 1 ? ", ..." : "") << ")";
  o << "\n";
  if (!L.groups.empty()) o << "  groups      " << sorted_distinct(L.groups).size() << " (" << spec.groups_kind << ")\n";
  if (spec.rows_kind == "volumes" && !L.words.empty()) {
    o << "  words       " << L.words.size() << " timed words from " << spec.words_file.filename().string() << ": " << L.words_in
      << " during the response volumes, " << L.words_before << " before them (volumes 0.." << spec.first_volume - 1 << "), 0 after; "
      << L.skipped_note << "\n";
  } else if (!L.words.empty()) {
    o << "  words       " << L.words.size() << (spec.unit == "sentence" ? " sentences" : " words") << ", one per row\n";
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
