// benchmarks/cli/score_output.cc: `neuroscore score`'s outputs: the per-target table on the screen,
// the CSV and the brain maps beside it (score_main), and the partial results of finished blocks.
#include "benchmarks/cli/score_command.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <stdexcept>
#include <string>
#include <vector>

#include "neuroscore/io/brain_run.hpp"

namespace neuroscore::benchmarks {
namespace detail::score_cmd {

std::string PartialResults::path_of(const std::string& out, int rank, int size) {
  return out + (size == 1 ? ".part" : ".part-" + std::to_string(rank) + "-of-" + std::to_string(size));
}

PartialResults::PartialResults(const std::string& out, const ScoreShards& shards) {
  if (out.empty()) return;
  path_ = path_of(out, shards.rank, shards.size);
  file_.open(path_);
  if (!file_) throw std::runtime_error(path_ + ": cannot write");
  file_ << "target,r,p,ci_low,ci_high\n" << std::setprecision(17);
}

void PartialResults::append(const ScoreResult& r, Eigen::Index first, Eigen::Index count) {
  if (path_.empty()) return;
  for (Eigen::Index j = first; j < first + count; ++j) {
    file_ << j << ',' << r.r(j) << ',' << r.p(j) << ',' << r.ci_low(j) << ',' << r.ci_high(j) << "\n";
  }
  file_.flush();
  if (!file_) throw std::runtime_error(path_ + ": write failed");
}

void PartialResults::remove_all(const std::string& out, const ScoreShards& shards) {
  if (out.empty()) return;
  for (int k = 0; k < shards.size; ++k) std::filesystem::remove(path_of(out, k, shards.size));
}

}  // namespace detail::score_cmd

std::string beside(const std::string& csv, const std::string& suffix) {
  const std::string stem = csv.size() > 4 && csv.compare(csv.size() - 4, 4, ".csv") == 0 ? csv.substr(0, csv.size() - 4) : csv;
  return stem + suffix;
}

int score_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const ScoreShards& shards) {
  bool help = false;
  const ScoreRequest req = parse_score_args(args, &help);
  if (help) {
    if (shards.rank == 0) out << score_usage();
    return 0;
  }
  const ScoreResult r = run_score(req, &err, shards);
  if (shards.rank != 0) return 0;
  const bool nifti = !r.targets.voxels.empty();
  err << "score: fitted " << req.features << " -> " << req.responses << "\n";
  out << "score: " << r.samples << " samples, " << r.features << " features, " << r.r.size() << (nifti ? " voxels" : " targets") << ", "
      << r.folds << " folds, gap " << r.gap << "\n"
      << "r: mean over folds of the per-fold Pearson r; p, p_fwe (max statistic) and q_fdr (Benjamini-Hochberg) are "
         "for that r, from the refit block-permutation null\n";
  // Many targets (a brain): the 20 best on the screen, every one in --out.
  std::vector<Eigen::Index> shown(static_cast<std::size_t>(r.r.size()));
  for (Eigen::Index j = 0; j < r.r.size(); ++j) shown[static_cast<std::size_t>(j)] = j;
  constexpr std::size_t kShown = 20;
  if (shown.size() > 50) {
    std::partial_sort(shown.begin(), shown.begin() + kShown, shown.end(), [&](Eigen::Index a, Eigen::Index b) { return r.r(a) > r.r(b); });
    shown.resize(kShown);
    out << r.r.size() << " targets: the " << kShown << " with the largest r" << (req.out.empty() ? " (--out FILE writes all)" : "") << "\n";
  }
  out << std::left << std::setw(nifti ? 16 : 8) << (nifti ? "voxel x,y,z" : "target") << std::right;
  for (const char* h : {"r", "p", "p_fwe", "q_fdr", "ci_low", "ci_high"}) out << std::setw(10) << h;
  out << "\n" << std::fixed << std::setprecision(4);
  const auto xyz = [&](Eigen::Index j) {
    const std::int64_t v = r.targets.voxels[static_cast<std::size_t>(j)], nx = r.targets.geometry.dim(0), ny = r.targets.geometry.dim(1);
    if (r.targets.surface()) return std::to_string(v);
    return std::to_string(v % nx) + "," + std::to_string((v / nx) % ny) + "," + std::to_string(v / (nx * ny));
  };
  for (const Eigen::Index j : shown) {
    out << std::left << std::setw(nifti ? 16 : 8) << (nifti ? xyz(j) : std::to_string(j)) << std::right;
    for (const Eigen::VectorXd* v : {&r.r, &r.p, &r.p_fwe, &r.q_fdr, &r.ci_low, &r.ci_high}) out << std::setw(10) << (*v)(j);
    out << "\n";
  }
  if (req.out.empty()) return 0;
  std::ofstream csv(req.out);
  if (!csv) throw std::runtime_error(req.out + ": cannot write");
  csv << "target,r,p,p_fwe,q_fdr,ci_low,ci_high" << (!nifti ? "" : r.targets.surface() ? ",vertex" : ",x,y,z") << "\n" << std::setprecision(8);
  for (Eigen::Index j = 0; j < r.r.size(); ++j) {
    csv << j;
    for (const Eigen::VectorXd* v : {&r.r, &r.p, &r.p_fwe, &r.q_fdr, &r.ci_low, &r.ci_high}) csv << ',' << (*v)(j);
    if (nifti) csv << ',' << xyz(j);
    csv << "\n";
  }
  csv.close();
  if (!csv) throw std::runtime_error(req.out + ": write failed");
  if (nifti) {
    out << "wrote " << req.out << " and " << io::write_brain_map(beside(req.out, "_r"), r.targets, r.r).string();
    if (req.permutations > 0) out << ", " << io::write_brain_map(beside(req.out, "_p_fwe"), r.targets, r.p_fwe).string();
    out << (r.targets.surface() ? " (one value per vertex)\n" : " (the run's grid and affine)\n");
  }
  detail::score_cmd::PartialResults::remove_all(req.out, shards);
  return 0;
}

}  // namespace neuroscore::benchmarks
