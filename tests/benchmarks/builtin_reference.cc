// tests/benchmarks/builtin_reference.cc: see builtin_reference.hpp (moved verbatim from
// benchmarks/brain/leaderboard_data.cc).
#include "tests/benchmarks/builtin_reference.hpp"

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

#include "benchmarks/brain/leaderboard_data.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/ceiling.hpp"
#include "neuroscore/controls.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

Benchmark alice_benchmark(const datasets::AliceData& data, bool shuffled) {
  const AliceEncodingOptions enc;
  Benchmark b;
  b.name = shuffled ? "alice2016-roi-shuffled" : "alice2016-roi";
  const Eigen::Index rois = static_cast<Eigen::Index>(datasets::kAliceRois.size());
  const Eigen::Index volumes = data.subjects.front().timecourses.rows();
  const auto listeners = static_cast<Eigen::Index>(data.subjects.size());
  b.responses.resize(volumes, listeners * rois);
  std::vector<Eigen::MatrixXd> per_subject;
  for (Eigen::Index s = 0; s < listeners; ++s) {
    const auto& subj = data.subjects[static_cast<std::size_t>(s)];
    const Eigen::MatrixXd z = zscore_columns(subj.timecourses, "listener " + subj.id);
    b.responses.middleCols(s * rois, rois) = z;
    per_subject.push_back(z);
    for (Eigen::Index j = 0; j < rois; ++j) {
      b.target_subject.push_back(static_cast<int>(s));
      b.target_region.emplace_back(datasets::kAliceRois[static_cast<std::size_t>(j)]);
    }
  }
  for (auto r : datasets::kAliceRois) b.regions.emplace_back(r);
  b.folds = shuffled ? shuffled_kfold(static_cast<std::size_t>(volumes), enc.outer_folds, Seed{0}).folds
                     : contiguous_kfold(static_cast<std::size_t>(volumes), enc.outer_folds, enc.gap);
  b.block = BlockLength{20};
  b.ridge = enc.ridge;
  // Per test block, averaged over folds, exactly as the score (the per-fold mean r).
  const InterSubjectCeiling isc = leave_one_subject_out_ceiling(per_subject, b.folds);
  std::vector<double> c;
  for (Eigen::Index j = 0; j < rois; ++j) {
    b.region_ceiling[b.regions[static_cast<std::size_t>(j)]] = isc.corrected_r(j);
    c.push_back(isc.corrected_r(j));
  }
  b.ceiling = detail::leaderboard::median(c);
  b.ceiling_note = "leave-one-subject-out ISC per ROI on each test fold, mean over folds as the score, corrected to "
                   "one listener (sqrt(rho_1), r units); benchmark ceiling = median over ROIs";
  b.description = std::string("Brennan et al. 2016 Alice fMRI: ") + std::to_string(listeners) +
                  " listeners x 6 ROIs x " + std::to_string(volumes) + " volumes; " +
                  (shuffled ? "SHUFFLED 5-fold (leaky control)" : "contiguous 5-fold, 4-volume purge gap") +
                  "; FIR delays 1-4 volumes; ridge, per-target alpha by inner CV; Pearson r per fold, mean over "
                  "folds, median over ROIs, mean over listeners; bootstrap blocks of 20 volumes";
  return b;
}

Eigen::MatrixXd alice_design(const datasets::AliceData& data, const Eigen::Ref<const Eigen::MatrixXd>& words,
                             WordToVolume how) {
  return alice_volume_features(data, words, how, AliceEncodingOptions{}.delays_volumes);
}

std::vector<Method> alice_controls(const datasets::AliceData& data, const datasets::AlicePredictors& pred) {
  std::vector<Method> out;
  const Eigen::MatrixXd ones = Eigen::MatrixXd::Ones(static_cast<Eigen::Index>(data.words.size()), 1);
  out.push_back({"control/word_rate", "control", "control", -1, alice_design(data, ones, WordToVolume::sum)});
  Eigen::MatrixXd freq(pred.values.rows(), 1);
  for (std::size_t k = 0; k < pred.names.size(); ++k) {
    if (pred.names[k] == "frq_conv_orth") freq = pred.values.col(static_cast<Eigen::Index>(k));
  }
  out.push_back({"control/word_frequency", "control", "control", -1, freq});
  const std::vector<int> one_run(static_cast<std::size_t>(pred.values.rows()), 0);
  out.push_back({"control/oasm", "control", "control", -1, oasm_features(one_run, 1.0)});
  out.push_back({"control/rate+frequency", "control", "control", -1, detail::lbdata::hcat({out[0].x, out[1].x})});
  return out;
}

Benchmark naturalstories_benchmark(const datasets::NaturalStoriesData& d) {
  Benchmark b;
  b.name = "naturalstories-rt";
  b.responses = d.mean_rt.array().log().matrix();
  b.target_subject = {0};
  b.target_region = {"log_mean_rt"};
  b.regions = {"log_mean_rt"};
  b.folds = group_kfold(d.story, 5);
  b.ridge.inner_groups = d.story;  // alpha chosen on held-out stories too
  b.block = BlockLength{50};
  b.ridge.alphas = kTableAlphas;  // alphas.hpp
  b.ridge.standardize = true;
  b.ceiling_note = "none: a split-half ceiling needs per-reader reading times, which are not in the release";
  b.description = "Natural Stories (Futrell et al. 2021): " + std::to_string(d.words.size()) +
                  " words, log mean RT over readers; word-level; story-grouped 5-fold CV, alpha by story-grouped inner CV; bootstrap blocks of 50 "
                  "words; no ceiling";
  return b;
}

std::vector<Method> naturalstories_controls(const datasets::NaturalStoriesData& d) {
  std::vector<Method> out;
  Eigen::MatrixXd zone(static_cast<Eigen::Index>(d.zone.size()), 1);
  for (std::size_t i = 0; i < d.zone.size(); ++i) zone(static_cast<Eigen::Index>(i), 0) = std::log(1.0 + d.zone[i]);
  out.push_back({"control/word_length", "control", "control", -1, d.word_length});
  out.push_back({"control/word_frequency", "control", "control", -1, d.log_frequency});
  out.push_back({"control/position", "control", "control", -1, zone});
  out.push_back({"control/length+frequency+position", "control", "control", -1,
                 detail::lbdata::hcat({out[0].x, out[1].x, out[2].x})});
  return out;
}

}  // namespace neuroscore::benchmarks
