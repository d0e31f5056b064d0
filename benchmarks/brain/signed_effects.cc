// benchmarks/brain/signed_effects.cc: signed effects of low-dimensional methods (signed_effects.hpp).
#include "benchmarks/brain/signed_effects.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/bootstrap.hpp"
#include "neuroscore/ols.hpp"

namespace neuroscore::benchmarks {
namespace {

std::string fixed(double v, int digits) {
  if (!std::isfinite(v)) return "-";
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  std::ostringstream o;
  o << std::setprecision(17) << v;
  return o.str();
}

}  // namespace

std::vector<SignedEffect> signed_effects(const Benchmark& b, const std::vector<Method>& methods, std::size_t resamples, Seed seed) {
  std::vector<SignedEffect> out;
  const ResamplingUnits units = bootstrap_units(b);
  const std::string adjusted = b.baseline_name.empty() || b.baseline.cols() == 0 ? "none" : b.baseline_name;
  const Eigen::MatrixXd covariates = adjusted == "none" ? Eigen::MatrixXd(b.responses.rows(), 0) : b.baseline;
  // The targets of each region (one per subject).
  std::map<std::string, std::vector<Eigen::Index>> region_targets;
  for (std::size_t j = 0; j < b.target_region.size(); ++j) region_targets[b.target_region[j]].push_back(static_cast<Eigen::Index>(j));
  for (const Method& m : methods) {
    if (!m.layer_candidates.empty() || m.family == "model+controls") continue;
    if (m.x.cols() < 1 || m.x.cols() > kMaxSignedEffectColumns) continue;
    // The baseline control's columns adjust each other (no covariates); another control is a part
    // of the baseline or beside it, and is reported only when there is no baseline.
    const bool is_baseline = adjusted != "none" && m.name == "control/" + b.baseline_name;
    if (adjusted != "none" && m.family == "control" && !is_baseline) continue;
    const Eigen::Index p = m.x.cols();
    OlsEffects e;
    std::string note;
    try {
      e = standardized_ols_bootstrap(m.x, is_baseline ? Eigen::MatrixXd(b.responses.rows(), 0) : covariates, b.responses, units, seed, resamples);
    } catch (const std::invalid_argument& error) {
      note = error.what();
    }
    for (const std::string& region : b.regions) {
      const std::vector<Eigen::Index>& targets = region_targets[region];
      for (Eigen::Index c = 0; c < p; ++c) {
        SignedEffect s;
        s.benchmark = b.name;
        s.method = m.name;
        s.column = static_cast<long>(c);
        s.columns = static_cast<long>(p);
        if (static_cast<Eigen::Index>(m.column_labels.size()) == p) s.label = m.column_labels[static_cast<std::size_t>(c)];
        s.region = region;
        s.rows = static_cast<std::size_t>(b.responses.rows());
        s.adjusted_for = is_baseline ? "its other columns" : adjusted;
        s.note = note;
        s.coefficient = s.ci_low = s.ci_high = std::numeric_limits<double>::quiet_NaN();
        if (note.empty()) {
          // The region's coefficient: the mean over its subjects' targets, in every draw too.
          double sum = 0.0;
          for (const Eigen::Index j : targets) sum += e.coefficient(c, j);
          s.coefficient = sum / static_cast<double>(targets.size());
          std::vector<double> draws;
          for (Eigen::Index r = 0; r < e.distribution.rows(); ++r) {
            double d = 0.0;
            for (const Eigen::Index j : targets) d += e.distribution(r, c + p * j);
            if (std::isfinite(d)) draws.push_back(d / static_cast<double>(targets.size()));
          }
          std::sort(draws.begin(), draws.end());
          s.ci_low = quantile_sorted(draws, (1.0 - e.confidence) / 2.0);
          s.ci_high = quantile_sorted(draws, (1.0 + e.confidence) / 2.0);
        }
        out.push_back(std::move(s));
      }
    }
  }
  return out;
}

void write_signed_effects_csv(const std::filesystem::path& path, const std::vector<SignedEffect>& effects) {
  std::ofstream f(path);
  if (!f) throw std::runtime_error(path.string() + ": cannot write");
  f << "benchmark,method,column,columns,label,region,coefficient,ci_low,ci_high,rows,adjusted_for,note\n";
  const auto field = [](const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string q = "\"";
    for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
  };
  for (const SignedEffect& e : effects) {
    f << field(e.benchmark) << "," << field(e.method) << "," << e.column << "," << e.columns << "," << field(e.label) << "," << field(e.region) << ","
      << csv_number(e.coefficient) << "," << csv_number(e.ci_low) << "," << csv_number(e.ci_high) << "," << e.rows << ","
      << field(e.adjusted_for) << "," << field(e.note) << "\n";
  }
}

std::string signed_effects_markdown(const std::vector<SignedEffect>& effects) {
  if (effects.empty()) return "";
  std::ostringstream md;
  md << "\n## Signed effects (word-level benchmarks)\n\n"
        "For each method with at most " << kMaxSignedEffectColumns << " feature columns (a word's surprisal, entropy, frequency, length; "
        "each lag or delay a column): the ordinary least-squares coefficient of the responses on the column, standardized "
        "(response units per SD of the feature), together with the benchmark's baseline control (also standardized) and an "
        "intercept; no shrinkage. 95% percentile bootstrap interval over the benchmark's resampling units (the same units as "
        "the r intervals); per region the mean over subjects. Ridge remains the estimator of r above. Mixed-effects models "
        "(random effects of subjects and items) are not fitted. All values are in signed_effects.csv.\n";
  std::string benchmark;
  for (const SignedEffect& e : effects) {
    if (e.benchmark != benchmark) {
      benchmark = e.benchmark;
      md << "\n### " << benchmark << " (" << e.rows << " rows)\n\n"
         << "| method | column | region | coefficient | 95% CI | sign | adjusted for |\n|---|---|---|---|---|---|---|\n";
    }
    const bool excludes_zero = e.ci_low > 0.0 || e.ci_high < 0.0;
    const std::string column = !e.label.empty() ? e.label : e.columns > 1 ? std::to_string(e.column) + " of " + std::to_string(e.columns) : "-";
    md << "| " << e.method << " | " << column << " | " << e.region
       << " | " << fixed(e.coefficient, 4) << " | ";
    if (!e.note.empty()) {
      md << e.note << " | - | " << e.adjusted_for << " |\n";
      continue;
    }
    md << "[" << fixed(e.ci_low, 4) << ", " << fixed(e.ci_high, 4) << "] | "
       << (excludes_zero ? (e.coefficient > 0 ? "+" : "-") : "interval holds 0") << " | " << e.adjusted_for << " |\n";
  }
  return md.str();
}

}  // namespace neuroscore::benchmarks
