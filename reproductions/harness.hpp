// reproductions/harness.hpp: what every claim test shares: the claim registry (per-paper
// claims.tsv), verdicts, the printed verdict table, and the cached feature artifacts built by
// //reproductions/features. Entry points: registered_claim, report_and_check, feature_dir.
#pragma once

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/io/delimited.hpp"
#include "neuroscore/io/npy.hpp"

namespace neuroscore::reproductions {

// The verdict of a claim on our data. `replicated`: the paper's statement holds by its statistic
// and threshold; `not_replicated`: no evidence for it (CI covers the null, or p >= threshold);
// `reversed`: significant evidence for the opposite.
enum class Verdict { replicated, not_replicated, reversed };

inline const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::replicated: return "replicated";
    case Verdict::not_replicated: return "not_replicated";
    case Verdict::reversed: return "reversed";
  }
  return "?";
}

inline Verdict parse_verdict(const std::string& s, const std::string& where) {
  if (s == "replicated") return Verdict::replicated;
  if (s == "not_replicated") return Verdict::not_replicated;
  if (s == "reversed") return Verdict::reversed;
  throw std::invalid_argument(where + ": verdict must be replicated, not_replicated or reversed, got '" + s + "'");
}

// A simulated control: the claim's statistic on synthetic data with the effect planted
// (positive) or absent (negative).
// A simulated control of a claim's decision rule. Its name starts with its kind:
//   "positive: ..."  the claim holds by construction; the rule must detect it;
//   "negative: ..."  the claim does not hold; the rule must not detect it;
//   "confound: ..."  the claim does not hold, yet the rule detects it (a verdict other than
//                    not_replicated): a known weakness of the rule, pinned so that a fix shows up
//                    as a failing test. A claim with a detected confound cannot replicate or
//                    reverse on real data by that rule; its test says so in its verdict.
struct ControlResult {
  std::string name;        // e.g. "positive: planted autocorrelation-only signal"
  double value = 0.0;      // the claim's statistic
  double p = 1.0;
  bool detected = false;   // what the claim's decision rule says
};

// Whether control name `name` is of kind `kind` ("positive", "negative" or "confound").
inline bool is_control_kind(const std::string& name, const char* kind) { return name.rfind(kind, 0) == 0; }

// Whether the rule is expected to detect control `c` (positive and confound controls).
inline bool expected_detected(const ControlResult& c) {
  return is_control_kind(c.name, "positive") || is_control_kind(c.name, "confound");
}

// The seed of a control drawn at calibration offset `offset` (0: the registered draw; 1, 2, ...:
// reproductions/calibration.hpp): `base` + 1000 offset, so the draws of different controls and
// offsets never share a seed while a claim's bases stay below 1000.
inline std::uint64_t control_seed(std::uint64_t base, std::uint64_t offset) { return base + 1000 * offset; }

// The verdict a rule may give on real data: `rule_verdict`, or not_replicated when a confound
// control was detected (the rule answers the same in a world where the claim is false, so its
// answer on the real data says nothing about the claim). Appends the reason to `details`.
inline Verdict unless_confounded(Verdict rule_verdict, const std::vector<ControlResult>& controls,
                                 std::vector<std::string>& details) {
  if (rule_verdict == Verdict::not_replicated) return rule_verdict;
  std::string which;
  for (const ControlResult& c : controls) {
    if (c.detected && is_control_kind(c.name, "confound")) which += (which.empty() ? "" : "; ") + c.name;
  }
  if (which.empty()) return rule_verdict;
  details.push_back(std::string("- the rule's verdict '") + to_string(rule_verdict) +
                    "' is withheld (reported as not_replicated): the rule also detects " + which);
  return Verdict::not_replicated;
}

// The claim's statistic on the real data.
struct ClaimResult {
  std::string claim;       // "F1"
  std::string statistic;   // short description, e.g. "r(OASM, shuffled) - r(OASM, contiguous)"
  double value = 0.0;
  double ci_low = 0.0;     // 95% CI
  double ci_high = 0.0;
  double p = 1.0;
  Verdict verdict = Verdict::not_replicated;
  std::vector<std::string> details;  // extra lines under the table (side-by-side numbers)
};

// One row of a paper's claims.tsv.
// When the registered expectation (the verdict) was written, relative to the first run of the
// claim's statistic on the real data, as git history shows it:
//   before_data     committed before any real-data run of the statistic;
//   with_first_run  committed together with the first real-data numbers (history cannot show
//                   whether the rule was written before the run);
//   after_data      changed after real-data numbers had been seen.
enum class ExpectationSet { before_data, with_first_run, after_data };

inline ExpectationSet parse_expectation_set(const std::string& s, const std::string& where) {
  if (s == "before_data") return ExpectationSet::before_data;
  if (s == "with_first_run") return ExpectationSet::with_first_run;
  if (s == "after_data") return ExpectationSet::after_data;
  throw std::invalid_argument(where + ": expectation_set '" + s + "' is not before_data, with_first_run or after_data");
}

struct RegisteredClaim {
  std::string id, paper, figure, statement, dataset, model, statistic, threshold;
  Verdict expectation = Verdict::not_replicated;
  std::string rationale;
  double value = 0.0, ci_low = 0.0, ci_high = 0.0, p = 1.0;  // measured, recorded from the test log
  std::string rule_commit;  // the commit that introduced the current decision rule
  ExpectationSet expectation_set = ExpectationSet::with_first_run;
  std::string history;      // every later change of rule, statistic, expectation or numbers
  // Detection rate of each simulated control over many seeds (tools/calibrate_controls.sh):
  // power of the positives, size of the negatives, how often a confound fools the rule.
  std::string control_calibration;
};

inline const std::vector<std::string>& registry_columns() {
  static const std::vector<std::string> columns = {
      "id", "paper", "figure", "statement", "dataset", "model", "statistic", "threshold",
      "expectation", "rationale", "value", "ci_low", "ci_high", "p", "rule_commit", "expectation_set", "history",
      "control_calibration"};
  return columns;
}

// A workspace-relative path inside the test's runfiles tree.
inline std::filesystem::path runfile(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  const char* workspace = std::getenv("TEST_WORKSPACE");
  if (srcdir == nullptr || workspace == nullptr) {
    throw std::runtime_error("runfile(" + workspace_relative + "): TEST_SRCDIR/TEST_WORKSPACE unset; run under bazel test");
  }
  const std::filesystem::path p = std::filesystem::path(srcdir) / workspace / workspace_relative;
  if (!std::filesystem::exists(p)) {
    throw std::runtime_error(p.string() + ": not in the runfiles (add it to the test's data)");
  }
  return p;
}

inline std::vector<RegisteredClaim> load_registry(const std::filesystem::path& tsv) {
  const io::Table table = io::read_delimited(tsv, '\t');
  for (const std::string& c : registry_columns()) (void)table.column_index(c);  // throws naming the column
  std::vector<RegisteredClaim> out;
  const auto number = [&](std::size_t row, const std::string& col) {
    const std::string& s = table.rows[row][table.column_index(col)];
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || end != s.c_str() + s.size()) {
      throw std::invalid_argument(tsv.string() + ": row " + std::to_string(row + 2) + " column " + col +
                                  ": not a number: '" + s + "'");
    }
    return v;
  };
  for (std::size_t i = 0; i < table.rows.size(); ++i) {
    const auto& row = table.rows[i];
    const auto at = [&](const std::string& col) { return row[table.column_index(col)]; };
    RegisteredClaim c;
    c.id = at("id");
    c.paper = at("paper");
    c.figure = at("figure");
    c.statement = at("statement");
    c.dataset = at("dataset");
    c.model = at("model");
    c.statistic = at("statistic");
    c.threshold = at("threshold");
    c.expectation = parse_verdict(at("expectation"), tsv.string() + " row " + std::to_string(i + 2));
    c.rationale = at("rationale");
    c.value = number(i, "value");
    c.ci_low = number(i, "ci_low");
    c.ci_high = number(i, "ci_high");
    c.p = number(i, "p");
    c.rule_commit = at("rule_commit");
    const bool hex = c.rule_commit.size() >= 7 && c.rule_commit.size() <= 40 &&
                     c.rule_commit.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) {
      throw std::invalid_argument(tsv.string() + ": row " + std::to_string(i + 2) + " column rule_commit: '" +
                                  c.rule_commit + "' is not a commit hash");
    }
    c.expectation_set = parse_expectation_set(at("expectation_set"), tsv.string() + " row " + std::to_string(i + 2));
    c.history = at("history");
    c.control_calibration = at("control_calibration");
    out.push_back(c);
  }
  return out;
}

// The registered row of claim `id` in `registry` (a workspace-relative path such as
// "reproductions/feghhi2024/claims.tsv", which must be in the test's data).
inline RegisteredClaim registered_claim(const std::string& registry, const std::string& id) {
  for (const RegisteredClaim& c : load_registry(runfile(registry))) {
    if (c.id == id) return c;
  }
  throw std::invalid_argument(registry + ": no claim '" + id + "'");
}

inline std::string format_number(double v) {
  std::ostringstream s;
  if (v != 0.0 && std::abs(v) < 1e-3) {
    s << std::scientific << std::setprecision(2) << v;
  } else {
    s << std::fixed << std::setprecision(4) << v;
  }
  return s.str();
}

// The verdict table (Markdown) for one claim: controls, then the real-data row next to the
// registered expectation.
inline std::string verdict_table(const ClaimResult& r, const RegisteredClaim& reg,
                                 const std::vector<ControlResult>& controls) {
  std::ostringstream s;
  s << "\n## " << r.claim << " (" << reg.paper << ", " << reg.figure << "): " << reg.statement << "\n";
  s << "| claim | statistic | value | 95% CI | p | verdict | expectation |\n|---|---|---|---|---|---|---|\n";
  for (const ControlResult& c : controls) {
    s << "| " << r.claim << " control | " << c.name << " | " << format_number(c.value) << " | | "
      << format_number(c.p) << " | " << (c.detected ? "detected" : "not detected") << " | "
      << (expected_detected(c) ? "detected" : "not detected") << " |\n";
  }
  s << "| " << r.claim << " | " << r.statistic << " | " << format_number(r.value) << " | ["
    << format_number(r.ci_low) << ", " << format_number(r.ci_high) << "] | " << format_number(r.p) << " | "
    << to_string(r.verdict) << " | " << to_string(reg.expectation) << " |\n";
  for (const std::string& d : r.details) s << d << "\n";
  return s.str();
}

// Prints the table and asserts: every positive and confound control detected, every negative not,
// the verdict equals the registered expectation, and the measured numbers equal the registry's
// within `tolerance` (absolute, on value, CI ends and p), so CLAIMS.md cannot drift from the test.
inline void report_and_check(const ClaimResult& r, const RegisteredClaim& reg,
                             const std::vector<ControlResult>& controls, double tolerance) {
  std::cout << verdict_table(r, reg, controls) << std::flush;
  for (const ControlResult& c : controls) {
    EXPECT_EQ(c.detected, expected_detected(c)) << r.claim << " control '" << c.name << "': value " << c.value << ", p " << c.p;
  }
  EXPECT_EQ(std::string(to_string(r.verdict)), std::string(to_string(reg.expectation)))
      << r.claim << ": the verdict on the real data differs from the registered expectation";
  EXPECT_NEAR(r.value, reg.value, tolerance) << r.claim << ": value differs from claims.tsv (update the registry?)";
  EXPECT_NEAR(r.ci_low, reg.ci_low, tolerance) << r.claim << ": CI low differs from claims.tsv";
  EXPECT_NEAR(r.ci_high, reg.ci_high, tolerance) << r.claim << ": CI high differs from claims.tsv";
  EXPECT_NEAR(r.p, reg.p, tolerance) << r.claim << ": p differs from claims.tsv";
}

// ---- Cached feature artifacts (//reproductions/features:<target>, `neuroscore extract` output) ----

class FeatureDir {
 public:
  explicit FeatureDir(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::ifstream in(dir_ / "manifest.json");
    if (!in) throw std::runtime_error((dir_ / "manifest.json").string() + ": cannot open");
    manifest_ = nlohmann::json::parse(in);
  }
  const std::filesystem::path& dir() const { return dir_; }
  const nlohmann::json& manifest() const { return manifest_; }
  // An array by its manifest name, e.g. "activations_block_2", "grad_norm".
  Eigen::MatrixXd array(const std::string& name) const {
    const std::filesystem::path p = dir_ / (name + ".npy");
    if (!std::filesystem::exists(p)) throw std::runtime_error(p.string() + ": no such feature array");
    return io::read_npy_matrix(p);
  }
  std::vector<std::string> layer_names() const { return manifest_.at("layer_names").get<std::vector<std::string>>(); }
  double perplexity() const { return manifest_.at("perplexity").at("perplexity").get<double>(); }

 private:
  std::filesystem::path dir_;
  nlohmann::json manifest_;
};

// The artifact of //reproductions/features:<target> (must be in the test's data).
inline FeatureDir feature_dir(const std::string& target) { return FeatureDir(runfile("reproductions/features/" + target)); }

}  // namespace neuroscore::reproductions
