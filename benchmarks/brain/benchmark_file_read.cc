// benchmarks/brain/benchmark_file_read.cc: reading the files a benchmark file names: numeric
// matrices (NPY, CSV/TSV, text, HDF5), NIfTI and GIfTI runs, the rows (a table, lines, timed words)
// and the responses (benchmark_file_internal.hpp).
#include "benchmarks/brain/benchmark_file_internal.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/io/delimited.hpp"
#include "neuroscore/io/events.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/io/text_matrix.hpp"
#include "neuroscore/io/textgrid.hpp"
#include "neuroscore/score.hpp"

namespace neuroscore::benchmarks::bfile {
namespace {

std::string lower_extension(const fs::path& p) {
  std::string ext = p.extension().string();
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

Eigen::MatrixXd read_numeric(const Node& where, const fs::path& p, const std::vector<std::string>& columns, long skip_rows,
                             std::vector<std::string>* names, const std::string& dataset) {
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

void require_finite_rows(const Node& where, const std::string& what, const Eigen::MatrixXd& m, long row_offset,
                         const std::vector<std::string>& columns) {
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    for (Eigen::Index j = 0; j < m.cols(); ++j) {
      if (!std::isfinite(m(i, j))) {
        std::ostringstream v;
        v << m(i, j);
        where.fail(what + ": row " + std::to_string(i + row_offset + 1) + " of the file (1-based), column " +
                   (static_cast<std::size_t>(j) < columns.size() ? columns[static_cast<std::size_t>(j)] : std::to_string(j)) +
                   " is " + v.str() + " (drop the row or fill it, or let responses.missing \"drop\" leave its row out of scoring, counted; rows are never dropped silently)");
      }
    }
  }
}

Node Loaded::where(const std::string& key) const {
  static const json empty = json::object();
  return Node(empty, key, file_name);
}

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

Eigen::MatrixXd in_sorted_row_order(const Loaded& L, const Eigen::MatrixXd& m) {
  if (L.spec.rows_kind != "table") return m;
  Eigen::MatrixXd out(m.rows(), m.cols());
  for (std::size_t r = 0; r < L.order.size(); ++r) out.row(static_cast<Eigen::Index>(r)) = m.row(static_cast<Eigen::Index>(L.order[r]));
  return out;
}

namespace {

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

}  // namespace

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
    std::vector<std::string> lines;
    try {
      lines = io::read_text_lines(spec.rows_file);
    } catch (const std::exception& e) {
      where("rows.file").fail(e.what());
    }
    for (const std::string& line : lines) {
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

const std::vector<std::string>& missing_cells() {
  static const std::vector<std::string> cells = {"", "NA", "N/A", "n/a", "na", "nan", "NaN", "NAN"};
  return cells;
}

Eigen::MatrixXd Loaded::scored(const Eigen::MatrixXd& x) const { return kept.empty() ? x : rows_of(x, kept); }

ItemPlaces item_places(const Loaded& L) {
  const auto n = static_cast<std::size_t>(L.all_rows);
  const std::vector<int> one_item(n, 0);
  const std::vector<int>& items = !L.text_words.empty() ? L.text_item : L.groups.empty() ? one_item : L.groups;
  std::vector<std::size_t> start(items.size()), size_of(items.size());
  for (std::size_t w = 0; w < items.size(); ++w) start[w] = w > 0 && items[w - 1] == items[w] ? start[w - 1] : w;
  for (std::size_t w = items.size(); w-- > 0;) size_of[w] = w + 1 < items.size() && items[w + 1] == items[w] ? size_of[w + 1] : w - start[w] + 1;
  ItemPlaces out;
  for (std::size_t r = 0; r < n; ++r) {
    const std::size_t w = L.text_words.empty() ? r : L.row_text_word[r];
    out.position.push_back(w - start[w]);
    out.size.push_back(size_of[w]);
  }
  return out;
}

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
      // With missing "drop", a NaN is a missing value (its row is dropped in load); infinities stay errors.
      require_finite_rows(where(key), p.string(), spec.missing == "drop" ? Eigen::MatrixXd(y.array().isNaN().select(0.0, y)) : y,
                          spec.response_skip_rows, cols);
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
        v = spec.missing == "drop" ? L.table.numeric_column(c, missing_cells()) : L.table.numeric_column(c);
      } catch (const std::exception& e) {
        where("responses.columns").fail(spec.rows_file.string() + ": " + e.what() + " (row index: the 0-based data row of the file, before rows.sort_by)" +
                                        (spec.missing == "error" ? "; if it is a missing value, responses.missing \"drop\" leaves its row out of scoring, counted" : ""));
      }
      for (std::size_t r = 0; r < L.order.size(); ++r) y(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = v(static_cast<Eigen::Index>(L.order[r]));
    }
    for (Eigen::Index r = 0; r < y.rows(); ++r) {
      for (Eigen::Index k = 0; k < y.cols(); ++k) {
        if (!std::isfinite(y(r, k)) && !(spec.missing == "drop" && std::isnan(y(r, k)))) {
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

}  // namespace neuroscore::benchmarks::bfile
