// benchmarks/brain/benchmark_file_load.cc: a benchmark file's data, read and checked against each
// other (rows, responses, timings, groups), then the split and the ceiling
// (benchmark_file_internal.hpp).
#include "benchmarks/brain/benchmark_file_internal.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <memory>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/align.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/datasets/unicode.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/score.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks::bfile {
namespace {

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

// The words of a text, split on whitespace.
std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// A table's rows.text (after its groups): each item's text, from a column (the same on every row of
// the item) or a file (one line per item, in the order of the items after rows.sort_by); where each
// row's word is in it (rows.position), checked against the row's word; what is read before it
// (rows.context). Fills the text words, their items, the row -> text word map and the lines the
// language model reads.
void read_texts(Loaded& L) {
  const Spec& spec = L.spec;
  if (spec.text_column.empty() && spec.text_file.empty()) return;
  const auto where = [&L](const std::string& key) { return L.where(key); };
  const auto column_of = [&](const std::string& name, const std::string& key) {
    const auto it = std::find(L.table.columns.begin(), L.table.columns.end(), name);
    if (it == L.table.columns.end()) where(key).fail(spec.rows_file.string() + " has no column '" + name + "' (columns: " + io::list_column_names(L.table.columns) + ")");
    return static_cast<std::size_t>(it - L.table.columns.begin());
  };
  const auto cell = [&](std::size_t r, std::size_t c) -> const std::string& { return L.table.rows[L.order[r]][c]; };
  // Items: the runs of groups, in row order.
  std::vector<std::size_t> item_start;
  for (std::size_t r = 0; r < L.groups.size(); ++r) {
    if (r == 0 || L.groups[r] != L.groups[r - 1]) item_start.push_back(r);
  }
  const std::size_t items = item_start.size();
  item_start.push_back(L.groups.size());
  // One value per item from a column: every row of the item must give the same.
  const auto per_item = [&](const std::string& name, const std::string& key) {
    const std::size_t c = column_of(name, key);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < items; ++i) {
      const std::string& v = cell(item_start[i], c);
      for (std::size_t r = item_start[i] + 1; r < item_start[i + 1]; ++r) {
        if (cell(r, c) != v) {
          where(key).fail(describe_row(L, r) + " gives its item another " +
                          (key == "rows.text" ? std::string("text") : key == "rows.context" ? std::string("context") : "'" + name + "'") + " than row " +
                          std::to_string(item_start[i] + 1) + " ('" + cell(r, c) + "' vs '" + v + "')");
        }
      }
      out.push_back(v);
    }
    return out;
  };
  std::vector<std::string> texts;
  if (!spec.text_column.empty()) {
    texts = per_item(spec.text_column, "rows.text");
  } else {
    try {
      texts = io::read_text_lines(spec.text_file);
    } catch (const std::exception& e) {
      where("rows.text.file").fail(e.what());
    }
    if (texts.size() != items) {
      where("rows.text.file").fail(spec.text_file.string() + " has " + std::to_string(texts.size()) + " lines, the benchmark " + std::to_string(items) +
                                   " items (groups): one line per item, in the order of the items after rows.sort_by");
    }
  }
  std::vector<std::string> contexts = spec.context_column.empty() ? std::vector<std::string>(items) : per_item(spec.context_column, "rows.context");
  if (spec.context_previous_items > 0) {
    // The texts of up to N items before each, of the same `within` value (one value per item).
    const std::vector<std::string> within = spec.context_within.empty() ? std::vector<std::string>(items)
                                                                          : per_item(spec.context_within, "rows.context.within");
    for (std::size_t i = 0; i < items; ++i) {
      std::string context;
      for (std::size_t k = i >= static_cast<std::size_t>(spec.context_previous_items) ? i - static_cast<std::size_t>(spec.context_previous_items) : 0; k < i; ++k) {
        if (within[k] != within[i]) continue;
        context += (context.empty() ? "" : " ") + texts[k];
      }
      contexts[i] = context;
    }
  }
  const std::size_t pc = column_of(spec.position_column, "rows.position");
  const std::size_t wc = column_of(spec.word_column, "rows.word");
  // Positions are decimal numbers (the strict reader: "0x10", "nan", "" are errors naming the cell).
  Eigen::VectorXd positions;
  try {
    positions = L.table.numeric_column(spec.position_column);
  } catch (const std::exception& e) {
    where("rows.position").fail(spec.rows_file.string() + ": " + e.what() + " (row index: the 0-based data row of the file, before rows.sort_by)");
  }
  L.row_text_word.assign(L.groups.size(), 0);
  std::size_t read = 0;
  for (std::size_t i = 0; i < items; ++i) {
    const std::vector<std::string> words = split_words(texts[i]);
    if (words.empty()) {
      where(spec.text_file.empty() ? "rows.text" : "rows.text.file")
          .fail("the text of the item of " + describe_row(L, item_start[i]) + (spec.text_file.empty() ? "" : " (line " + std::to_string(i + 1) + " of " + spec.text_file.filename().string() + ")") + " has no word");
    }
    const std::size_t context = split_words(contexts[i]).size();
    L.context_words += context;
    read += context;
    const std::size_t first = L.text_words.size();
    for (std::size_t k = 0; k < words.size(); ++k) {
      L.text_words.push_back(words[k]);
      L.text_item.push_back(static_cast<int>(i));
      L.lm_word_of_text_word.push_back(read + k);
    }
    read += words.size();
    L.lm_lines.push_back(contexts[i].find_first_not_of(" \t") == std::string::npos ? texts[i] : contexts[i] + " " + texts[i]);
    std::vector<std::size_t> row_at(words.size(), L.groups.size());
    for (std::size_t r = item_start[i]; r < item_start[i + 1]; ++r) {
      const std::string& shown = cell(r, pc);
      const double p = positions(static_cast<Eigen::Index>(L.order[r])) - static_cast<double>(spec.position_first);
      if (!(p >= 0.0 && p < static_cast<double>(words.size()) && p == std::floor(p))) {
        where("rows.position").fail(describe_row(L, r) + ": position " + shown + " is not in its item's text (" + std::to_string(words.size()) +
                                    " words, the first at " + std::to_string(spec.position_first) + ")");
      }
      const auto k = static_cast<std::size_t>(p);
      if (row_at[k] != L.groups.size()) {
        where("rows.position").fail(describe_row(L, r) + ": position " + shown + " again (row " + std::to_string(row_at[k] + 1) + " has it): one row per word");
      }
      row_at[k] = r;
      if (cell(r, wc) != words[k]) {
        where("rows.word").fail(describe_row(L, r) + " says '" + cell(r, wc) + "', but word " + shown + " of its item's text (rows.text) is '" + words[k] + "'");
      }
      L.row_text_word[r] = first + k;
    }
  }
}

// The rows scored: all but those with a missing response (responses.missing "drop") and those a
// "filter" rule leaves out. Subsets the response matrices; fills L.kept (empty when every row is
// scored), L.scored_groups and L.selection_note (rows left out per rule, missing cells per target).
void select_rows(Loaded& L, std::vector<Eigen::MatrixXd>& per_file, const std::vector<std::string>& names) {
  const Spec& spec = L.spec;
  const auto n = static_cast<std::size_t>(per_file.front().rows());
  std::vector<bool> out(n, false);
  std::vector<std::string> notes;
  if (spec.missing == "drop") {
    std::vector<std::size_t> per_target(names.size(), 0);
    std::size_t rows = 0;
    for (std::size_t r = 0; r < n; ++r) {
      for (const Eigen::MatrixXd& y : per_file) {
        for (Eigen::Index j = 0; j < y.cols(); ++j) {
          if (!std::isnan(y(static_cast<Eigen::Index>(r), j))) continue;
          if (!out[r]) ++rows;
          out[r] = true;
          ++per_target[static_cast<std::size_t>(j)];
        }
      }
    }
    std::string counts;
    for (std::size_t j = 0; j < names.size(); ++j) counts += (j ? ", " : "") + names[j] + " " + std::to_string(per_target[j]);
    notes.push_back(std::to_string(rows) + " with a missing response (responses.missing \"drop\"; missing cells per target: " + counts + ")");
  }
  L.all_rows = static_cast<Eigen::Index>(n);
  const ItemPlaces places = item_places(L);
  for (const RowFilter& f : spec.filters) {
    std::size_t column = 0;
    if (f.rule == "column") {
      const auto it = std::find(L.table.columns.begin(), L.table.columns.end(), f.column);
      if (it == L.table.columns.end()) L.where(f.key + ".column").fail(spec.rows_file.string() + " has no column '" + f.column + "' (columns: " + io::list_column_names(L.table.columns) + ")");
      column = static_cast<std::size_t>(it - L.table.columns.begin());
    }
    std::size_t matched = 0;
    for (std::size_t r = 0; r < n; ++r) {
      bool hit = false;
      if (f.rule == "sentence_final") hit = places.last(r);
      else if (f.rule == "first_word") hit = places.first(r);
      else if (f.rule == "punctuation") hit = unicode::has_punctuation(L.words[r]);
      else {
        std::string cell = L.table.rows[L.order[r]][column];
        const auto a = cell.find_first_not_of(" \t");
        cell = a == std::string::npos ? "" : cell.substr(a, cell.find_last_not_of(" \t") - a + 1);
        hit = std::find(f.values.begin(), f.values.end(), cell) != f.values.end();
      }
      if (!hit) continue;
      ++matched;
      out[r] = true;
    }
    const std::string what = f.rule == "column" ? "column " + f.column + " in (" + io::list_column_names(f.values) + ")" : f.rule;
    notes.push_back(std::to_string(matched) + " by " + f.key + " (" + what + ")");
  }
  const auto left_out = static_cast<std::size_t>(std::count(out.begin(), out.end(), true));
  if (!notes.empty()) {
    std::string joined;
    for (const std::string& s : notes) joined += (joined.empty() ? "" : "; ") + s;
    L.selection_note = std::to_string(n - left_out) + " of " + std::to_string(n) + " rows scored, " + std::to_string(left_out) +
                       " left out (a row may match several rules): " + joined;
  }
  if (left_out == n) L.where(spec.filters.empty() ? "responses.missing" : "filter").fail("every row is left out: " + L.selection_note);
  if (left_out == 0) {
    L.scored_groups = L.groups;
    return;
  }
  for (std::size_t r = 0; r < n; ++r) {
    if (!out[r]) L.kept.push_back(r);
  }
  for (Eigen::MatrixXd& y : per_file) y = rows_of(y, L.kept);
  if (!L.groups.empty()) {
    for (const std::size_t r : L.kept) L.scored_groups.push_back(L.groups[r]);
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
        per_file[i] = zscore_per_run(per_file[i], runs_of_labels(L.scored_groups), what);
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
    else if (spec.split_kind == "grouped") b.folds = group_kfold(L.scored_groups, static_cast<std::size_t>(spec.folds), Gap{static_cast<std::size_t>(spec.gap)});
    else b.folds = leave_one_group_out(L.scored_groups, Gap{static_cast<std::size_t>(spec.gap)});
  } catch (const std::invalid_argument& e) {
    where("split").fail(e.what());
  }
  b.ridge = spec.ridge;
  const bool grouped_inner = spec.inner == "grouped" || (spec.inner == "auto" && spec.split_kind != "contiguous");
  if (grouped_inner) b.ridge.inner_groups = L.scored_groups;
  b.block = BlockLength{static_cast<std::size_t>(spec.block)};
  if (spec.bootstrap_unit == "groups") b.bootstrap_groups = L.scored_groups;
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

}  // namespace

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
  under(L, "rows", [&] { read_texts(L); });
  under(L, "filter", [&] { select_rows(L, per_file, names); });
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
  if (!L.selection_note.empty()) d << "; " << L.selection_note;
  b.description = d.str();
  b.signed_effects = spec.rows_kind == "table" && spec.unit == "word";

  // The LM's stimulus: the TextGrid itself, else one line per group (or one line) of the words.
  // Volumes are one continuous run ("none"); a table's words break lines at group changes.
  if (spec.unit == "sentence") L.lm_segments = "lines";
  else if (spec.rows_kind == "table" && !L.groups.empty()) L.lm_segments = "lines";
  return L;
}

}  // namespace neuroscore::benchmarks::bfile
