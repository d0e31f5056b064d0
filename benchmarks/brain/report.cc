// benchmarks/brain/report.cc: the leaderboard's CSV, Markdown, HTML and gnuplot figures (see
// report.hpp).
#include "benchmarks/brain/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"

namespace neuroscore::benchmarks {

namespace detail::report {
namespace {

std::string num(double v, int precision = 4) {
  if (!std::isfinite(v)) return "";
  std::ostringstream s;
  s << std::fixed << std::setprecision(precision) << v;
  return s.str();
}
std::string dash(double v, int precision = 4) {
  const std::string s = num(v, precision);
  return s.empty() ? "–" : s;
}
std::string html_escape(const std::string& in) {
  std::string out;
  for (char c : in) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}
}  // namespace

// What the benchmark's bootstrap resamples, in words: whole groups, or blocks of consecutive rows;
// crossed with subjects when there are several.
std::string resampling_sentence(const Benchmark& b) {
  const int subjects = detail::leaderboard::subject_count(b);
  std::string unit;
  if (!b.bootstrap_groups.empty()) {
    std::vector<int> distinct = b.bootstrap_groups;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    unit = "its " + std::to_string(distinct.size()) + " groups (whole groups of rows drawn with replacement)";
  } else {
    unit = "blocks of " + std::to_string(b.block.samples) + " consecutive rows (drawn with replacement)";
  }
  return "95% percentile bootstrap over " + (subjects >= 2 ? std::to_string(subjects) + " subjects x " + unit + ", both drawn" : unit);
}

// What a METHOD+controls row is, when the benchmark has one.
std::string plus_controls_sentence(const Benchmark& b, const std::vector<MethodScore>& scores) {
  const bool any = std::any_of(scores.begin(), scores.end(), [&](const MethodScore& s) { return s.benchmark == b.name && s.family == "model+controls"; });
  if (!any) return "";
  return " A row ending in '+controls' is the model's middle layer (named in the row) and the baseline control (" + b.baseline_name +
         ") side by side in one ridge fit: what the model adds to the controls shows as its gain.";
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
std::string gp_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += (c == '_') ? ' ' : c;  // '_' is a subscript in enhanced text mode
  }
  return out + "\"";
}

// Runs `gnuplot script` (quietly); false when gnuplot is missing or fails.
bool run_gnuplot(const std::filesystem::path& script) {
  const std::string cmd = "gnuplot " + script.string() + " 2>" + script.string() + ".log";
  return std::system(cmd.c_str()) == 0;
}

}  // namespace
}  // namespace detail::report

void write_leaderboard_csv(const std::filesystem::path& path, const std::vector<MethodScore>& scores,
                           const std::string& split) {
  using detail::report::csv_field;
  using detail::report::num;
  std::ofstream out(path);
  out << "benchmark,split,method,model,family,layer,region,metric,value,ci_low,ci_high,unit,rank,p_vs_best\n";
  for (const MethodScore& s : scores) {
    const std::string head = csv_field(s.benchmark) + "," + split + "," + csv_field(s.method) + "," + s.model + "," +
                             s.family + "," + std::to_string(s.layer) + ",";
    out << head << "all,raw_r," << num(s.raw, 6) << "," << num(s.ci_low, 6) << "," << num(s.ci_high, 6) << ",r,"
        << s.rank << "," << num(s.p_vs_best, 6) << "\n";
    out << head << "all,normalized," << num(s.normalized, 6) << ",,,r/r_ceiling," << s.rank << ",\n";
    out << head << "all,gain_unique_r2," << num(s.gain_unique_r2, 6) << ",,,r^2," << s.rank << ",\n";
    for (const auto& [region, v] : s.region_raw) {
      out << head << region << ",raw_r," << num(v, 6) << ",,,r,,\n";
      const auto n = s.region_normalized.find(region);
      if (n != s.region_normalized.end()) out << head << region << ",normalized," << num(n->second, 6) << ",,,r/r_ceiling,,\n";
    }
  }
  if (!out) throw std::runtime_error(path.string() + ": could not write");
}

std::vector<std::string> position_check_warnings(const std::vector<MethodScore>& scores, const std::vector<MethodScore>& checks) {
  using detail::report::dash;
  std::vector<std::string> out;
  for (const MethodScore& c : checks) {
    const MethodScore* best = nullptr;
    for (const MethodScore& s : scores) {
      if (s.benchmark == c.benchmark && s.ranked && (best == nullptr || s.raw > best->raw)) best = &s;
    }
    if (best == nullptr || !(best->raw > 0.0) || !(c.raw >= 0.5 * best->raw)) continue;
    // Edges are filtered out; a trend over positions is not removed by dropping rows, it belongs in
    // the baseline that gains are measured over.
    const std::string remedy = c.method == "check/sentence_final"
                                   ? "rerun with --filter sentence_final to score without the sentence-final rows"
                                   : "compare methods by their gain over a baseline control that holds the position (and the item's length), "
                                     "not by raw r; filtering rows does not remove a trend over positions";
    out.push_back(c.benchmark + ": " + c.method + " alone reaches r " + dash(c.raw) + ", at least half of the best method's (" + best->method +
                  ", r " + dash(best->raw) + "): the rows are partly predictable from their position alone; " + remedy);
  }
  return out;
}

std::string leaderboard_markdown(const ReportInputs& in) {
  using detail::report::dash;
  std::ostringstream md;
  md << "# neuroscore leaderboard\n\n" << in.run_note << "\n\n";
  std::set<std::string> checks;  // benchmarks that check the harness (simulated): not in the aggregate
  std::string with_ceiling, check_names;
  for (const Benchmark* b : in.benchmarks) {
    if (b->harness_check) {
      checks.insert(b->name);
      check_names += (check_names.empty() ? "" : ", ") + b->name;
    } else if (std::isfinite(b->ceiling)) {
      with_ceiling += (with_ceiling.empty() ? "" : ", ") + b->name;
    }
  }
  std::vector<MethodScore> real;
  for (const MethodScore& s : in.scores)
    if (!checks.count(s.benchmark)) real.push_back(s);
  const std::vector<MethodAggregate> agg = aggregate_rows(real);
  md << "## Aggregate\n\nUnweighted mean of ceiling-normalized scores over the real benchmarks that have a ceiling "
        "(score / ceiling, both r; here: " << (with_ceiling.empty() ? "none" : with_ceiling)
     << "), and mean raw r over every real benchmark the method was scored on. '–' in mean normalized: none of the method's "
        "benchmarks has a ceiling."
     << (check_names.empty() ? std::string() : " Left out (simulated, checks the harness): " + check_names + ".") << "\n\n"
        "| rank | method | mean normalized | benchmarks with ceiling | mean raw r | benchmarks |\n|---|---|---|---|---|---|\n";
  int rank = 1;
  for (const MethodAggregate& a : agg) {
    md << "| " << rank++ << " | " << a.method << " | " << dash(a.mean_normalized, 3) << " | " << a.benchmarks_with_ceiling
       << " | " << dash(a.mean_raw) << " | " << a.benchmarks << " |\n";
  }
  for (const Benchmark* b : in.benchmarks) {
    md << "\n## " << b->name << "\n\n" << b->description << ".\n\nCeiling: "
       << (std::isfinite(b->ceiling) ? dash(b->ceiling) + " r (" + b->ceiling_note + ")" : b->ceiling_note)
       << ". CI: " << detail::report::resampling_sentence(*b)
       << ". Gain: unique R^2 over the baseline (" << (b->baseline_name.empty() ? "none" : b->baseline_name)
       << "), r^2 units." << detail::report::plus_controls_sentence(*b, in.scores) << " p vs best: p that the method is as good as the best of the ranked methods (comparison with the "
          "best by a sign-flip max statistic over all of them: corrected for picking the leader on these data and for "
          "the number of methods; small = worse than the best). Rank '-': one layer of a layer curve, a diagnostic (its "
          "best is picked on the test folds); each model's entry is its inner-CV-chosen layer.\n\n"
       << "| rank | method | raw r | 95% CI | normalized (r/r_ceil) | gain (unique R^2) | p vs best |\n"
          "|---|---|---|---|---|---|---|\n";
    for (const MethodScore& s : in.scores) {
      if (s.benchmark != b->name) continue;
      md << "| " << (s.ranked ? std::to_string(s.rank) : std::string("-")) << " | " << s.method << " | " << dash(s.raw) << " | [" << dash(s.ci_low) << ", "
         << dash(s.ci_high) << "] | " << dash(s.normalized, 3) << " | " << dash(s.gain_unique_r2) << " | "
         << (!s.ranked ? std::string("-") : s.rank == 1 ? "leader (" + dash(s.p_vs_best, 4) + ")" : dash(s.p_vs_best, 4))
         << " |\n";
    }
    if (b->regions.size() > 50) {
      md << "\n" << b->regions.size() << " regions: per-region scores are in leaderboard.csv (and any maps the benchmark wrote).\n";
    } else if (b->regions.size() > 1) {
      md << "\nPer region (raw r, mean over subjects" << (b->region_ceiling.empty() ? "" : "; ceiling row: the region's ceiling, r units")
         << "):\n\n| method |";
      for (const auto& r : b->regions) md << " " << r << " |";
      md << "\n|---|";
      for (std::size_t k = 0; k < b->regions.size(); ++k) md << "---|";
      md << "\n";
      if (!b->region_ceiling.empty()) {
        md << "| *ceiling* |";
        for (const auto& r : b->regions) md << " " << dash(b->region_ceiling.at(r), 3) << " |";
        md << "\n";
      }
      for (const MethodScore& s : in.scores) {
        if (s.benchmark != b->name) continue;
        md << "| " << s.method << " |";
        for (const auto& r : b->regions) md << " " << dash(s.region_raw.at(r)) << " |";
        md << "\n";
      }
    }
  }
  if (!in.shuffled.empty()) {
    md << "\n## Shuffled vs contiguous splits (Alice; a control, not a score)\n\n| method | contiguous r | shuffled r |\n|---|---|---|\n";
    for (const MethodScore& s : in.shuffled) {
      double contiguous = std::nan("");
      for (const MethodScore& c : in.scores)
        if (c.benchmark == "alice2016-roi" && c.method == s.method) contiguous = c.raw;
      md << "| " << s.method << " | " << dash(contiguous) << " | " << dash(s.raw) << " |\n";
    }
  }
  if (!in.gap_sensitivity.empty()) {
    md << "\n## Purge-gap sensitivity (Alice; a check, not a score)\n\nThe benchmark purges 4 volumes (the longest FIR "
          "delay) around each test block; BOLD noise stays autocorrelated for 10-20 volumes, so the same methods again "
          "with gaps of 10 and 20 volumes (outer and inner folds). Raw r [95% CI]; a score that falls as the gap grows "
          "was partly leakage.\n\n| method | gap 4 | gap 10 | gap 20 |\n|---|---|---|---|\n";
    std::vector<std::string> order;
    for (const MethodScore& s : in.gap_sensitivity)
      if (std::find(order.begin(), order.end(), s.method) == order.end()) order.push_back(s.method);
    const auto cell = [&](const MethodScore* s) {
      return s ? dash(s->raw) + " [" + dash(s->ci_low) + ", " + dash(s->ci_high) + "]" : std::string("-");
    };
    for (const std::string& m : order) {
      const MethodScore *g4 = nullptr, *g10 = nullptr, *g20 = nullptr;
      for (const MethodScore& c : in.scores)
        if (c.benchmark == "alice2016-roi" && c.method == m) g4 = &c;
      for (const MethodScore& c : in.gap_sensitivity) {
        if (c.method != m) continue;
        if (c.benchmark == "alice2016-roi-gap10") g10 = &c;
        if (c.benchmark == "alice2016-roi-gap20") g20 = &c;
      }
      md << "| " << m << " | " << cell(g4) << " | " << cell(g10) << " | " << cell(g20) << " |\n";
    }
  }
  if (!in.position_checks.empty()) {
    md << "\n## Position-only checks (word-level benchmarks; a check, not a score)\n\n"
          "Each row's position alone, scored like every method: check/sentence_final is 1 on the last word of its item, "
          "check/position the word's place in the item, check/item_length the item's words. When one of them reaches "
          "half of the best method's r, the rows are partly predictable from where they are (wrap-up effects at "
          "sentence ends, say), and a method's r can come from position rather than from the words: rerun with "
          "`--filter sentence_final` (or `first_word`) to score without those rows; a trend over positions (readers "
          "speeding up through a story) belongs in the baseline control that gains are measured over.\n\n"
          "| benchmark | check | raw r | 95% CI | best method (raw r) |\n|---|---|---|---|---|\n";
    for (const MethodScore& c : in.position_checks) {
      const MethodScore* best = nullptr;
      for (const MethodScore& s : in.scores) {
        if (s.benchmark == c.benchmark && s.ranked && (best == nullptr || s.raw > best->raw)) best = &s;
      }
      md << "| " << c.benchmark << " | " << c.method << " | " << dash(c.raw) << " | [" << dash(c.ci_low) << ", " << dash(c.ci_high) << "] | "
         << (best ? best->method + " (" + dash(best->raw) + ")" : std::string("-")) << " |\n";
    }
    for (const std::string& w : position_check_warnings(in.scores, in.position_checks)) md << "\n**Warning:** " << w << "\n";
  }
  md << signed_effects_markdown(in.effects);
  return md.str();
}

std::vector<std::filesystem::path> draw_figures(const ReportInputs& in, const std::filesystem::path& dir,
                                                bool* ran) {
  namespace fs = std::filesystem;
  using detail::report::gp_quote;
  using detail::report::num;
  fs::create_directories(dir);
  std::vector<fs::path> svgs;
  *ran = true;
  const auto draw = [&](const std::string& stem, const std::string& data, const std::string& script) {
    std::ofstream(dir / (stem + ".dat")) << data;
    std::ofstream(dir / (stem + ".gp")) << "set terminal svg size 900,480 dynamic enhanced font 'sans,11' background rgb 'white'\n"
                                        << "set output '" << (dir / (stem + ".svg")).string() << "'\n"
                                        << "datafile = '" << (dir / (stem + ".dat")).string() << "'\n"
                                        << script;
    if (detail::report::run_gnuplot(dir / (stem + ".gp")) && fs::exists(dir / (stem + ".svg"))) svgs.push_back(dir / (stem + ".svg"));
    else *ran = false;
  };
  // 1. Leaderboard bars with 95% CIs, one figure per benchmark (top 20 methods).
  for (const Benchmark* b : in.benchmarks) {
    std::ostringstream d;
    int n = 0;
    for (const MethodScore& s : in.scores) {
      if (s.benchmark != b->name || n >= 20) continue;
      d << n++ << " " << gp_quote(s.method) << " " << num(s.raw, 6) << " " << num(s.ci_low, 6) << " " << num(s.ci_high, 6) << "\n";
    }
    if (n == 0) continue;
    draw("bars_" + b->name, d.str(),
         "set title " + gp_quote(b->name + ": raw score (Pearson r) with 95% bootstrap CI") +
             "\nset style fill solid 0.6\nset boxwidth 0.7\nset xtics rotate by -50 font ',8' nomirror\n"
             "set ylabel 'r'\nset grid ytics\nset bmargin 12\nset xrange [-0.6:" + std::to_string(n) + "-0.4]\n"
             "plot datafile using 1:3:xtic(2) with boxes lc rgb '#4477aa' title 'score', "
             "'' using 1:3:4:5 with yerrorbars lc rgb 'black' pt 0 title '95% CI'\n");
  }
  // 2. Layer-wise curves per ROI (Alice), one figure per model.
  std::map<std::string, std::map<int, const MethodScore*>> layers;  // model -> layer -> score
  for (const MethodScore& s : in.scores) {
    if (s.benchmark == "alice2016-roi" && s.family == "activations" && s.layer >= 0) layers[s.model][s.layer] = &s;
  }
  const Benchmark* alice = nullptr;
  for (const Benchmark* b : in.benchmarks)
    if (b->name == "alice2016-roi") alice = b;
  if (alice != nullptr) {
    for (const auto& [model, by_layer] : layers) {
      std::ostringstream d;
      for (const auto& [layer, s] : by_layer) {
        d << layer;
        for (const auto& r : alice->regions) d << " " << num(s->region_raw.at(r), 6);
        d << "\n";
      }
      std::string plot = "plot ";
      for (std::size_t k = 0; k < alice->regions.size(); ++k) {
        plot += (k ? ", " : "") + std::string("datafile using 1:") + std::to_string(k + 2) + " with linespoints lw 2 title " +
                gp_quote(alice->regions[k]);
      }
      draw("layers_" + model, d.str(),
           "set title " + gp_quote("alice2016-roi, " + model + " model: layer-wise score per ROI") +
               "\nset xlabel 'layer (0 = embedding, l = block l-1)'\nset ylabel 'r (mean over listeners)'\n"
               "set grid\nset key outside right\nset xtics 1\n" + plot + "\n");
    }
    // 3. Attribution vs activation per ROI: best activation layer vs each attribution, per model.
    std::ostringstream d;
    std::vector<std::string> cols;
    std::map<std::string, const MethodScore*> best;
    for (const MethodScore& s : in.scores) {
      if (s.benchmark != "alice2016-roi") continue;
      if (s.family == "activations-selected") best["act:" + s.model] = &s;  // the inner-CV layer, not the test-chosen best
      if (s.ranked && s.family == "attribution" && (!best.count("attr:" + s.model) || best["attr:" + s.model]->raw < s.raw)) best["attr:" + s.model] = &s;
    }
    if (best.size() >= 2) {
      for (const auto& [key, s] : best) cols.push_back(s->method);
      for (std::size_t k = 0; k < alice->regions.size(); ++k) {
        d << gp_quote(alice->regions[k]);
        for (const auto& [key, s] : best) d << " " << num(s->region_raw.at(alice->regions[k]), 6);
        d << "\n";
      }
      std::string plot = "plot ";
      for (std::size_t k = 0; k < cols.size(); ++k) {
        plot += (k ? ", " : "") + std::string("datafile using ") + std::to_string(k + 2) + (k ? "" : ":xtic(1)") +
                " title " + gp_quote(cols[k]);
      }
      draw("attribution_vs_activation", d.str(),
           "set title 'alice2016-roi: best attribution vs inner-CV activation layer, per ROI'\n"
           "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.7\n"
           "set ylabel 'r (mean over listeners)'\nset grid ytics\nset key outside right\n" + plot + "\n");
    }
  }
  // 4. Shuffled vs contiguous.
  if (!in.shuffled.empty()) {
    std::ostringstream d;
    for (const MethodScore& s : in.shuffled) {
      double contiguous = 0.0;
      for (const MethodScore& c : in.scores)
        if (c.benchmark == "alice2016-roi" && c.method == s.method) contiguous = c.raw;
      d << gp_quote(s.method) << " " << num(contiguous, 6) << " " << num(s.raw, 6) << "\n";
    }
    draw("shuffled_vs_contiguous", d.str(),
         "set title 'alice2016-roi: contiguous (honest) vs shuffled (leaky) 5-fold splits'\n"
         "set style data histograms\nset style histogram clustered gap 1\nset style fill solid 0.7\n"
         "set ylabel 'r'\nset grid ytics\nset xtics rotate by -20\nset bmargin 6\n"
         "plot datafile using 2:xtic(1) title 'contiguous', '' using 3 title 'shuffled'\n");
  }
  // 5. Signed effects, one forest plot per benchmark: each method column's coefficient per SD with
  // its 95% interval, a line at 0 (up to 40 rows; the rest are in signed_effects.csv).
  std::vector<std::string> effect_benchmarks;
  for (const SignedEffect& e : in.effects) {
    if (std::find(effect_benchmarks.begin(), effect_benchmarks.end(), e.benchmark) == effect_benchmarks.end()) effect_benchmarks.push_back(e.benchmark);
  }
  for (const std::string& name : effect_benchmarks) {
    std::ostringstream d;
    int n = 0;
    for (const SignedEffect& e : in.effects) {
      if (e.benchmark != name || !e.note.empty() || !std::isfinite(e.coefficient) || n >= 40) continue;
      const std::string label = e.method + (!e.label.empty() ? " " + e.label : e.columns > 1 ? " [" + std::to_string(e.column) + "]" : "") + " " + e.region;
      d << n++ << " " << gp_quote(label) << " " << num(e.coefficient, 6) << " " << num(e.ci_low, 6) << " " << num(e.ci_high, 6) << "\n";
    }
    if (n == 0) continue;
    draw("effects_" + name, d.str(),
         "set title " + gp_quote(name + ": signed effects (OLS per SD over the baseline) with 95% bootstrap CI") +
             "\nset ytics font ',8' nomirror\nset yrange [" + std::to_string(n) + "-0.5:-0.5]\nset xlabel 'response units per SD of the feature'\n"
             "set grid xtics\nset lmargin 40\nset arrow from 0, graph 0 to 0, graph 1 nohead lc rgb 'gray'\n"
             "plot datafile using 3:1:4:5:ytic(2) with xerrorbars lc rgb '#aa3377' pt 7 title 'coefficient, 95% CI'\n");
  }
  return svgs;
}

std::string report_html(const std::string& markdown, const std::vector<std::filesystem::path>& figures,
                        const std::filesystem::path& out_dir) {
  using detail::report::html_escape;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>neuroscore leaderboard</title>\n"
       "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}"
       "td,th{border:1px solid #ccc;padding:2px 6px;font-size:13px}img{max-width:100%;border:1px solid #eee}</style>"
       "</head><body>\n";
  std::istringstream in(markdown);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) == 0) {
      if (line.find("|---") == 0) continue;
      if (!table) h << "<table>\n";
      const bool head = !table;
      table = true;
      h << "<tr>";
      std::string cell;
      std::istringstream cells(line.substr(1));
      while (std::getline(cells, cell, '|')) h << (head ? "<th>" : "<td>") << html_escape(cell) << (head ? "</th>" : "</td>");
      h << "</tr>\n";
      continue;
    }
    if (table) h << "</table>\n";
    table = false;
    if (line.rfind("## ", 0) == 0) h << "<h2>" << html_escape(line.substr(3)) << "</h2>\n";
    else if (line.rfind("# ", 0) == 0) h << "<h1>" << html_escape(line.substr(2)) << "</h1>\n";
    else if (!line.empty()) h << "<p>" << html_escape(line) << "</p>\n";
  }
  if (table) h << "</table>\n";
  h << "<h2>Figures</h2>\n";
  for (const auto& f : figures) {
    h << "<figure><img src=\"" << html_escape(std::filesystem::relative(f, out_dir).string()) << "\" alt=\""
      << html_escape(f.stem().string()) << "\"><figcaption>" << html_escape(f.stem().string()) << "</figcaption></figure>\n";
  }
  h << "</body></html>\n";
  return h.str();
}

ReportFiles write_report(const ReportInputs& in, const std::filesystem::path& out_dir) {
  namespace fs = std::filesystem;
  fs::create_directories(out_dir);
  ReportFiles files;
  files.csv = out_dir / "leaderboard.csv";
  files.md = out_dir / "leaderboard.md";
  files.html = out_dir / "report.html";
  write_leaderboard_csv(files.csv, in.scores, "default");
  // Controls and checks go into the same CSV under their own split label.
  for (const auto& [rows, split] : {std::pair<const std::vector<MethodScore>*, const char*>{&in.shuffled, "shuffled_control"},
                                    {&in.gap_sensitivity, "gap_sensitivity"}, {&in.position_checks, "position_check"}}) {
    if (rows->empty()) continue;
    std::ofstream extra(files.csv, std::ios::app);
    const fs::path t = out_dir / ".extra.csv";
    write_leaderboard_csv(t, *rows, split);
    std::ifstream s(t);
    std::string line;
    std::getline(s, line);  // header
    while (std::getline(s, line)) extra << line << "\n";
    s.close();
    fs::remove(t);
  }
  if (!in.effects.empty()) {
    files.effects_csv = out_dir / "signed_effects.csv";
    write_signed_effects_csv(files.effects_csv, in.effects);
  }
  const std::string md = leaderboard_markdown(in);
  std::ofstream(files.md) << md;
  files.figures = draw_figures(in, out_dir / "figures", &files.gnuplot_ran);
  std::ofstream(files.html) << report_html(md, files.figures, out_dir);
  return files;
}

}  // namespace neuroscore::benchmarks
