// benchmarks/brain/signed_effects.hpp: the signed effect of each low-dimensional method of a
// benchmark (a word's surprisal, frequency, length; each lag or delay a column of its own): its
// OLS coefficient on standardized features, adjusted for the benchmark's baseline control, with a
// bootstrap interval over the benchmark's resampling units (neuroscore/ols.hpp). Ridge remains the
// estimator of r; this is the sign and size psycholinguists report. Main entry points:
// signed_effects, write_signed_effects_csv, signed_effects_markdown.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"

namespace neuroscore::benchmarks {

// Methods with at most this many design columns get signed effects (one per column).
inline constexpr long kMaxSignedEffectColumns = 8;

struct SignedEffect {
  std::string benchmark, method;
  long column = 0, columns = 1;  // the method's design column (0-based) and its number of columns
  std::string label;             // what the column is (Method::column_labels), or "" when unnamed
  std::string region;            // the target region; the coefficient is the mean over subjects
  double coefficient = 0.0;      // response units per SD of the feature column
  double ci_low = 0.0, ci_high = 0.0;
  std::size_t rows = 0;
  std::string adjusted_for;  // the baseline control, "none", or "its other columns" (the baseline itself)
  std::string note;          // why there is no estimate (constant, collinear with the baseline), else ""
};

// One effect per method column and region for every method of `methods` with 1 to
// kMaxSignedEffectColumns design columns (not a layer-choosing method, not "model+controls"; of
// the controls, only the baseline when there is one, its columns adjusting each other, else each
// control alone): standardized_ols_bootstrap of the benchmark's responses on the column(s) with the
// baseline design as covariates, `resamples` draws of bootstrap_units(b) with
// `seed`, 95% percentile intervals; per region the mean over its subjects' targets (in every
// draw). A method that cannot be estimated (a constant column, collinear with the baseline) gets
// rows with NaN and a note.
std::vector<SignedEffect> signed_effects(const Benchmark& b, const std::vector<Method>& methods, std::size_t resamples, Seed seed);

// signed_effects.csv: benchmark, method, column, columns, region, coefficient, ci_low, ci_high,
// rows, adjusted_for, note.
void write_signed_effects_csv(const std::filesystem::path& path, const std::vector<SignedEffect>& effects);

// A Markdown section: what the coefficients are, then one table per benchmark.
std::string signed_effects_markdown(const std::vector<SignedEffect>& effects);

}  // namespace neuroscore::benchmarks
