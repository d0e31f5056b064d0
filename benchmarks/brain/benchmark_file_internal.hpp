// benchmarks/brain/benchmark_file_internal.hpp: what the benchmark-file loader's translation units
// share (not a public interface; benchmark_file.hpp is): the JSON reader (Node, PathResolver), the
// parsed file (Spec, FeatureSpec), the data it names, read (Loaded), and the steps between them:
//   benchmark_file_parse.cc     parse_spec: the JSON, checked key by key
//   benchmark_file_read.cc      read_rows, read_responses, read_numeric: the files the spec names
//   benchmark_file_load.cc      load: rows, responses, timings, groups, split, ceiling -> Loaded
//   benchmark_file_features.cc  controls, feature files and language-model methods on the rows
//   benchmark_file.cc           the entry points: build (a registry entry), check (a description)
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/brain/leaderboard_registry.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/ridge.hpp"

namespace neuroscore::benchmarks::bfile {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- reading the JSON: every error names the file and the key (benchmark_file_parse.cc) ----

// A value of the file and where it is ("split.folds", "controls[2].file").
class Node {
 public:
  Node(const json& j, std::string key, std::shared_ptr<const std::string> file)
      : j_(&j), key_(std::move(key)), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& message) const;
  const std::string& key() const { return key_; }
  const std::string& file() const { return *file_; }
  const json& raw() const { return *j_; }
  // The value as the file wrote it, shortened for messages.
  std::string shown() const;

  bool has(const std::string& name) const { return j_->is_object() && j_->contains(name); }
  Node at(const std::string& name) const;
  Node at(std::size_t i) const { return Node((*j_)[i], key_ + "[" + std::to_string(i) + "]", file_); }
  std::size_t size() const { return j_->size(); }

  // Every key of this object is one of `known` (a typo is an error, never ignored).
  void only(const std::set<std::string>& known) const;

  std::string str() const;
  std::string str(const std::string& name, const std::string& fallback) const;
  // One of `choices`.
  std::string choice(const std::string& name, const std::string& fallback, const std::vector<std::string>& choices) const;
  double number() const;
  double number(const std::string& name, double fallback) const;
  long integer(long minimum) const;
  long integer(const std::string& name, long fallback, long minimum) const;
  bool boolean(const std::string& name, bool fallback) const;
  // A string or an array of strings.
  std::vector<std::string> strings() const;
  std::vector<std::string> strings(const std::string& name) const;
  std::vector<long> integers(long minimum) const;

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
  fs::path operator()(const Node& n) const;
  // A path whose file name may hold '*' (any characters): every matching file, sorted.
  std::vector<fs::path> glob(const Node& n) const;

 private:
  fs::path resolve(const Node& n, const std::string& s) const;
  static bool matches(const std::string& pattern, const std::string& name);
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
  std::vector<LeaderboardModel> variants;  // empty: the request's --models
  std::vector<extract::ModelLayer> layers;  // empty: every layer
  std::string attributions = "requested";  // requested | named | none
  // Word-level scores of the model, each a one-column method LABEL/NAME: "surprisal" (sum over
  // the word's tokens of -ln p, nats) and "entropy" (of the prediction of its first token).
  std::vector<std::string> scores;
  // Word-level methods: the values of the word itself (lag 0) and of the words before it in its
  // item (lag k: k words back), side by side; empty: [0].
  std::vector<long> lag_words;
};

// A rule that leaves rows out of scoring (the benchmark file's "filter").
struct RowFilter {
  std::string key;   // "filter[1]", for messages
  std::string rule;  // sentence_final | first_word | punctuation | column
  std::string column;               // column: the column of rows.file
  std::vector<std::string> values;  // column: the cells whose rows are left out
};

struct Spec {
  fs::path file;
  std::string name, description;
  // rows
  std::string rows_kind;  // volumes | table | lines
  fs::path rows_file;     // table or lines file
  std::vector<std::string> sort_by;
  std::string word_column, unit = "word";
  // table: each item's whole text, read by the language model (rows.text: a column or a file of one
  // line per item), where each row's word is in it (rows.position, counted from position_first),
  // and what is read before it (rows.context). Empty: the model reads the rows' words.
  std::string text_column, position_column, context_column;
  long context_previous_items = 0;  // rows.context.previous_items: the texts of up to N items before it
  std::string context_within;       // ... of the same value of this column (a story, a passage); "": any
  fs::path text_file;
  long position_first = 1;
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
  std::string missing = "error";  // error | drop: a missing response (NA, n/a, empty, nan) is an error, or drops its row
  std::vector<RowFilter> filters;
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

// Reads and checks the benchmark file (keys, types, values, that every named file exists).
Spec parse_spec(const fs::path& file, const fs::path& data_root);
// The same from the file's text (a built-in's embedded text); `file` names it in errors.
Spec parse_spec(const std::string& text, const fs::path& file, const fs::path& data_root);
// The JSON of a benchmark file; `file` names it in errors ("FILE: not valid JSON (...)").
nlohmann::json parse_json(const std::string& text, const fs::path& file);

// ---- reading the data (benchmark_file_read.cc, benchmark_file_load.cc) ----

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
  // A table with rows.text: the items' words (their texts, context left out) in order, the item of
  // each, the text word of each row, and each item's line as the language model reads it (context,
  // then text). Empty without rows.text.
  std::vector<std::string> text_words;
  std::vector<int> text_item;
  std::vector<std::size_t> row_text_word;
  std::vector<std::string> lm_lines;
  std::vector<std::size_t> lm_word_of_text_word;  // per text word: its index among the words the model reads
  std::size_t context_words = 0;                    // words of rows.context, over all items
  io::BrainTargets targets;          // NIfTI/GIfTI responses: where each target column lies (the first run's)
  bool lm_textgrid = false;        // the LM reads words_file itself
  std::string lm_segments = "none";
  std::shared_ptr<const std::string> file_name;

  // An error about `key` of the benchmark file.
  Node where(const std::string& key) const;

  // Rows left out of scoring (the "filter" rules, missing responses with responses.missing "drop"):
  // features are computed on all rows (in context, with lags and delays), then `kept` (the scored
  // rows, in order) are the benchmark's rows. Empty: every row is scored. `groups` are of all rows,
  // `scored_groups` of the scored ones. `selection_note` says what was left out and why.
  Eigen::Index all_rows = 0;
  std::vector<std::size_t> kept;
  std::vector<int> scored_groups;
  std::string selection_note;

  // The scored rows (after filters and missing responses).
  Eigen::Index rows() const { return benchmark.responses.rows(); }
  // The rows of a feature of all rows, at the scored rows.
  Eigen::MatrixXd scored(const Eigen::MatrixXd& x) const;
};

// A numeric matrix from NPY, CSV/TSV with a header (columns by name), or whitespace text (columns
// by 0-based index); `names` receives the column names (header or "0", "1", ...).
Eigen::MatrixXd read_numeric(const Node& where, const fs::path& p, const std::vector<std::string>& columns, long skip_rows,
                             std::vector<std::string>* names, const std::string& dataset = "");

// Rows with a NaN or infinity are an error naming the file, row and column.
void require_finite_rows(const Node& where, const std::string& what, const Eigen::MatrixXd& m, long row_offset,
                         const std::vector<std::string>& columns);

// Where each row's word stands in its item, for every row (before filters): its 0-based place and
// the item's number of words, counted in the item's text with rows.text (words without a row
// count), else among the item's rows (groups; no groups: one item). Position controls, the
// first-word and sentence-final filters and the position-only checks all read it.
struct ItemPlaces {
  std::vector<std::size_t> position, size;
  bool first(std::size_t r) const { return position[r] == 0; }
  bool last(std::size_t r) const { return position[r] + 1 == size[r]; }
};
ItemPlaces item_places(const Loaded& L);

// Row r (0-based, in the benchmark's row order) as an error names it, with its numbering: for a
// table, its 1-based place after rows.sort_by, the data row of rows.file it came from (1-based, the
// header not counted) and its sort_by key ("row 18 after rows.sort_by (data row 3 of t.tsv,
// story=3 position=17)"); for other kinds, "row 18 (1-based)".
std::string describe_row(const Loaded& L, std::size_t r);

// The rule for every per-row file of a table benchmark (a feature file, a groups file): its rows are
// the table's rows in their STORED order, one per data row of rows.file, as a user writes them next
// to the table; they move with the table's rows under rows.sort_by. Other row kinds keep the file's
// order (their rows are never reordered).
Eigen::MatrixXd in_sorted_row_order(const Loaded& L, const Eigen::MatrixXd& m);

// What one row is: the rows table (sorted), the lines, or the timed words.
void read_rows(Loaded& L);

// The cells that are missing values under responses.missing "drop": empty, NA, N/A, n/a, na, nan,
// NaN, NAN (after trimming spaces and tabs).
const std::vector<std::string>& missing_cells();

// The response matrices, one per subject file (or repeat, or the table's columns), transformed;
// `names` receives the target names. Excluded subjects are recorded in L.excluded.
std::vector<Eigen::MatrixXd> read_responses(Loaded& L, std::vector<std::string>& names, std::ostream* log);

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

// Reads everything the spec names but the features: rows, responses, timings, groups; builds the
// split and the ceiling. `log` (may be null) receives warnings.
Loaded load(const Spec& spec, std::ostream* log);

// ---- features (benchmark_file_features.cc) ----

// One control or file method on the benchmark's rows, with every error naming the file and the
// feature's key. `done`: earlier controls (for joins).
Eigen::MatrixXd feature_matrix(const Loaded& L, const FeatureSpec& f, const std::map<std::string, Eigen::MatrixXd>& done);

// The labels of a feature's columns when each is one value of a word at one lag ("lag 0", "lag 1",
// ...): one column per lag, no FIR delays; else empty (numbered). `columns`: the feature's.
std::vector<std::string> lag_labels(const Loaded& L, const FeatureSpec& f, Eigen::Index columns);

// A language model needs words: timed words, a table's word column, or lines.
void require_lm_words(const Loaded& L, const FeatureSpec& f);

// The methods of one language-model entry: per variant, the extract (cached), checked against the
// benchmark's words (or sentences), then the leaderboard's LM methods on the benchmark's rows.
void add_lm_methods(const Loaded& L, const FeatureSpec& f, LeaderboardContext& ctx, BuiltBenchmark& out);

// Position-only controls of word rows in items (groups): check/sentence_final (1 on the last word of
// the item: of its text with rows.text, else its last row), check/position (the word's 1-based place
// in the item), check/item_length (words in the item); at the scored rows, diagnostic (not ranked).
// Empty for other benchmarks.
std::vector<Method> position_checks(const Loaded& L);

// A NIfTI or GIfTI benchmark's maps: per method, RESULTS/maps/BENCHMARK/METHOD_r.nii.gz (the runs'
// grid and affine) or METHOD_r.func.gii (one value per vertex), each voxel's or vertex's raw r (mean
// over subjects), NaN where nothing was scored.
std::function<std::vector<fs::path>(const std::vector<MethodScore>&, const fs::path&)> score_maps(const Loaded& L);

}  // namespace neuroscore::benchmarks::bfile
