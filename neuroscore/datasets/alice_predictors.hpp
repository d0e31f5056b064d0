// neuroscore/datasets/alice_predictors.hpp: Brennan et al.'s released HRF-convolved linguistic
// predictors for the Alice fMRI run. Entry point: load_alice_predictors(data_root) -> AlicePredictors.
#pragma once

#include <Eigen/Core>
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "neuroscore/data_root.hpp"
#include "neuroscore/datasets/alice.hpp"
#include "neuroscore/io/text_matrix.hpp"

namespace neuroscore::datasets {

// Column order of linguistic_predictors_hrf.txt (README_data.txt; the file has no header):
// word rate, word frequency, prosodic break, parser node counts (td*/bu*: top-down/bottom-up),
// CFG surprisal and n-gram surprisals (Brennan et al. 2016). "_conv": HRF-convolved; "_orth":
// orthogonalized as released.
inline constexpr std::array<std::string_view, 12> kAlicePredictorNames = {
    "rate_conv",          "frq_conv_orth",       "break_conv_orth",     "tdp_conv_orth",
    "tdx_conv_orth",      "bup_conv_orth",       "bux_conv_orth",       "cfgsurp_conv_orth",
    "bigramlex_conv_orth", "trigramlex_conv_orth", "bigrampos_conv_orth", "trigrampos_conv_orth"};

// Alice's released HRF-convolved linguistic predictors (linguistic_predictors_hrf.txt): 372 rows -> the
// 362 kept volumes (drop the first 10), 12 named columns.
struct AlicePredictors {
  std::vector<std::string> names;
  Eigen::MatrixXd values;  // 362 x 12; row i is volume i + 10, aligned with AliceSubject::timecourses
};

// Reads DATA_ROOT/alice_brennan2016/linguistic_predictors_hrf.txt, which must be exactly 372 x 12
// numbers (io::read_text_matrix's errors name the file and line), and drops the first 10 rows.
inline AlicePredictors load_alice_predictors(const std::filesystem::path& data_root) {
  const std::filesystem::path path = dataset_dir(data_root, "alice_brennan2016") / "linguistic_predictors_hrf.txt";
  const Eigen::Index cols = static_cast<Eigen::Index>(kAlicePredictorNames.size());
  const Eigen::MatrixXd all = io::read_text_matrix(
      path, io::TextMatrixOptions{kAliceVolumesKept + kAliceVolumesDiscarded, cols});
  AlicePredictors out;
  for (const std::string_view name : kAlicePredictorNames) out.names.emplace_back(name);
  out.values = all.bottomRows(kAliceVolumesKept);
  return out;
}

}  // namespace neuroscore::datasets
