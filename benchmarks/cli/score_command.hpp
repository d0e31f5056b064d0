// benchmarks/cli/score_command.hpp: `neuroscore score`: cross-validated ridge brain scores of a user's
// own features and responses (NPY, CSV/TSV, text, HDF5 FILE.h5:/dataset; responses also a NIfTI
// run with --mask or a GIfTI run), per target: the mean over folds of the per-fold Pearson r, its
// refit block-permutation p (uncorrected, max-statistic FWE, Benjamini-Hochberg FDR) and a
// bootstrap CI.
// Entry points: parse_score_args, run_score, score_main, score_usage.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/cli/flags.hpp"
#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/perf/peak_rss.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/io/brain_run.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/io/response_columns.hpp"
#include "neuroscore/io/text_matrix.hpp"
#include "neuroscore/fdr.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

// The help text; the default alpha grid is printed from kWideAlphas (alphas.hpp), in the form
// --alphas reads.
inline std::string score_usage() {
  std::ostringstream grid;
  for (std::size_t i = 0; i < kWideAlphas.size(); ++i) grid << (i ? "," : "") << kWideAlphas[i];
  return R"(usage: neuroscore score --features F --responses Y [--groups G | --contiguous K] [options]

Cross-validated ridge (per-target alpha by inner CV over --alphas, standardized features) from
F (samples x features) to Y (samples x targets); prints per target r, the mean over outer folds
of the test fold's Pearson r, and for that same r a one-sided p from the refit null (the response
series block-permuted, every fold refitted with the alpha it chose), its family-wise corrected
p_fwe (max statistic over targets), the Benjamini-Hochberg FDR q over targets, and a 95%
bootstrap CI (blocks, or whole groups with --groups). Inputs: NPY (.npy), CSV/TSV or text
(comma, semicolon, tab or space separated; one optional header line), or an HDF5 dataset as
FILE.h5:/group/dataset (or .hdf5); --responses also takes a 4D NIfTI run (.nii, .nii.gz; the
voxels under --mask) or a GIfTI surface run (.gii).

options:
  --features F       samples x features (required)
  --responses Y      samples x targets (required); or a 4D NIfTI run (.nii, .nii.gz): volumes x
                     voxels, the voxels under --mask (default: every voxel not constant over time);
                     or a GIfTI surface run (.gii): volumes x its non-constant vertices
  --mask M           3D NIfTI brain mask on the run's grid (non-zero = kept); NIfTI responses only
  --memory-budget B  read and score the targets in blocks that fit B bytes per process (e.g. 2G),
                     with a progress line per block (targets done, rate, ETA) and each block's
                     results appended to OUT.part as it finishes (with --out); .npy, HDF5
                     (FILE.h5:/dataset) and NIfTI responses; the results equal one pass over all
                     targets within 1e-12 (the same null and bootstrap draws)
  --groups G         one integer group per sample (stories, passages, runs): group 5-fold CV,
                     and the inner CV that picks alpha holds out whole groups too
  --contiguous K     contiguous K-fold CV (default: 5 folds)
  --gap N            purge gap in samples around each test block, inner CV too (default: the
                     largest delay with --delays, else 0)
  --delays LIST      FIR delays in samples applied to F, e.g. 1,2,3,4 (default: none); with
                     --groups each group's first rows get zeros, never the previous group's F
  --null N           block permutations for p-values (default 1000; 0 = no p-values)
  --block L          block length in samples for the null and the bootstrap (default 20)
  --bootstrap B      bootstrap resamples (default 1000; 0 = no CIs)
  --seed S           seed of the null and the bootstrap (default 0)
  --alphas LIST      the ridge's alpha grid, e.g. 0.01,0.1,1,10 (default: )" +
         grid.str() + R"()
  --float            fit the ridge in single precision (half the memory per target, about twice
                     the GEMM rate; r moves by about 1e-5); the null and the CI stay in double
  --out FILE         also write the per-target table as CSV; with NIfTI responses also the maps
                     FILE_r.nii.gz (and FILE_p_fwe.nii.gz with --null) on the run's grid, with its
                     affine (FILE without .csv; voxels outside the mask are NaN); with GIfTI
                     responses FILE_r.func.gii (and FILE_p_fwe.func.gii), one value per vertex

Under MPI (the neuroscore_mpi binary, built when Open MPI is installed), `mpirun -np N
neuroscore_mpi score ...` gives each rank a contiguous share of the targets, read from the file
alone (.npy, HDF5, NIfTI); the null's per-draw maxima meet over ranks and rank 0 writes the same
table and maps as one process (equal within 1e-12).

examples:
  bazel run --config=opt //benchmarks/cli:neuroscore -- score --features X.npy --responses Y.npy --contiguous 5 --gap 4 --delays 1,2,3,4
  bazel run --config=opt //benchmarks/cli:neuroscore -- score --features X.csv --responses rt.csv --groups story.npy --null 0
)";
}

struct ScoreRequest {
  std::string features, responses, groups, out, mask;
  std::size_t memory_budget = 0;  // bytes; 0: every target at once
  std::size_t contiguous = 5;
  std::optional<std::size_t> gap;  // unset: the largest delay (0 without delays)
  std::vector<int> delays;
  std::size_t permutations = 1000;
  std::size_t block = 20;
  std::size_t resamples = 1000;
  std::uint64_t seed = 0;
  std::vector<double> alphas = kWideAlphas;  // alphas.hpp
  bool single_precision = false;  // --float: the ridge fit in float
};

struct ScoreResult {
  // Per target. r is the mean over folds of the per-fold r; p, p_fwe and q_fdr belong to that r
  // (NaN without --null); the CI is NaN without --bootstrap.
  Eigen::VectorXd r, p, p_fwe, q_fdr, ci_low, ci_high;
  std::size_t folds = 0, gap = 0;
  Eigen::Index samples = 0, features = 0;
  // NIfTI or GIfTI responses: where each target lies (for the maps); empty otherwise.
  io::BrainTargets targets;
};

// The purge gap a request uses: --gap when given, else the largest FIR delay (a delayed feature
// row i holds F(i - d), so without a gap of d the training rows next to a test block carry the
// test block's own stimulus), else 0.
inline std::size_t effective_gap(const ScoreRequest& req) {
  if (req.gap) return *req.gap;
  int largest = 0;
  for (const int d : req.delays) largest = std::max(largest, d);
  return static_cast<std::size_t>(largest);
}

namespace detail::score_cmd {

// .npy, or a delimited text matrix with an optional header line.
inline Eigen::MatrixXd read_matrix(const std::string& path, const char* what) {
  // FILE.h5:/dataset (or .hdf5): an HDF5 dataset.
  if (const auto h5 = io::split_hdf5_spec(path)) return io::read_hdf5_matrix(h5->first, h5->second);
  io::require_hdf5_dataset_named(path, what);
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error(std::string(what) + " " + path + ": file not found");
  const std::string ext = std::filesystem::path(path).extension().string();
  if (ext == ".npy") return io::read_npy_matrix(path);
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : text)
    if (c == ',' || c == ';') c = ' ';
  const std::size_t eol = text.find('\n');
  const std::string first = text.substr(0, eol);
  const bool header = std::any_of(first.begin(), first.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) && c != 'e' && c != 'E';
  });
  if (header) text = eol == std::string::npos ? std::string() : text.substr(eol + 1);
  return io::parse_text_matrix(text, path);
}

// The responses: read a block of targets at a time when the format allows it and the request needs
// it (a memory budget, or a share of the targets under MPI); else read whole.
inline io::ResponseColumns open_responses(const ScoreRequest& req, bool in_blocks) {
  const bool nifti = io::is_nifti_path(req.responses);
  if (!req.mask.empty() && !nifti) throw std::invalid_argument("--mask " + req.mask + ": a mask needs NIfTI --responses (.nii, .nii.gz)");
  io::require_hdf5_dataset_named(req.responses, "--responses");
  const auto h5 = io::split_hdf5_spec(req.responses);
  const std::filesystem::path file = h5 ? h5->first : std::filesystem::path(req.responses);
  if (!std::filesystem::is_regular_file(file)) throw std::runtime_error("--responses " + file.string() + ": file not found");
  if (!req.mask.empty() && !std::filesystem::is_regular_file(req.mask)) throw std::runtime_error("--mask " + req.mask + ": file not found");
  if (in_blocks && io::streams_targets(req.responses)) return io::ResponseColumns(req.responses, req.mask);
  if (!io::is_brain_run_path(req.responses)) return io::ResponseColumns(read_matrix(req.responses, "--responses"), {});
  io::BrainRun run = io::read_brain_run(req.responses, req.mask);
  return io::ResponseColumns(std::move(run.data), std::move(run.targets));
}

}  // namespace detail::score_cmd

inline ScoreRequest parse_score_args(const std::vector<std::string>& args, bool* help) {
  using cli::parse_count;
  ScoreRequest r;
  bool contiguous_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      *help = true;
      return r;
    }
    if (flag.rfind("--", 0) != 0) throw std::invalid_argument("unexpected argument '" + flag + "' (see neuroscore score --help)");
    if (flag == "--float") {
      r.single_precision = true;
      continue;
    }
    if (i + 1 >= args.size()) throw std::invalid_argument(flag + " needs a value (see neuroscore score --help)");
    const std::string& v = args[++i];
    if (flag == "--features") r.features = v;
    else if (flag == "--responses") r.responses = v;
    else if (flag == "--groups") r.groups = v;
    else if (flag == "--contiguous") r.contiguous = parse_count(flag, v), contiguous_given = true;
    else if (flag == "--gap") r.gap = parse_count(flag, v);
    else if (flag == "--null") r.permutations = parse_count(flag, v);
    else if (flag == "--block") r.block = parse_count(flag, v);
    else if (flag == "--bootstrap") r.resamples = parse_count(flag, v);
    else if (flag == "--seed") r.seed = parse_count(flag, v);
    else if (flag == "--out") r.out = v;
    else if (flag == "--mask") r.mask = v;
    else if (flag == "--memory-budget") r.memory_budget = cli::parse_bytes(flag, v);
    else if (flag == "--alphas") r.alphas = cli::parse_positive_list(flag, v);
    else if (flag == "--delays") {
      for (const std::uint64_t d : cli::parse_count_list(flag, v, std::numeric_limits<int>::max())) r.delays.push_back(static_cast<int>(d));
    } else {
      throw std::invalid_argument("unknown option " + flag + " (see neuroscore score --help)");
    }
  }
  if (r.features.empty() || r.responses.empty()) throw std::invalid_argument("--features and --responses are required");
  if (!r.groups.empty() && contiguous_given) throw std::invalid_argument("--groups and --contiguous exclude each other");
  if (r.contiguous < 2) throw std::invalid_argument("--contiguous wants at least 2 folds, got " + std::to_string(r.contiguous));
  if (r.block == 0) throw std::invalid_argument("--block must be at least 1");
  return r;
}

namespace detail::score_cmd {

// A single-precision fit as the double one the null and the bootstrap take.
inline RidgeCvResult in_double(RidgeCvResultOf<float>&& f) {
  RidgeCvResult d;
  d.predictions = f.predictions.cast<double>();
  d.fold_r = std::move(f.fold_r);
  d.chosen_alpha = std::move(f.chosen_alpha);
  d.alphas_at_grid_edge = f.alphas_at_grid_edge;
  d.degenerate_scores = f.degenerate_scores;
  d.target_batch_size = f.target_batch_size;
  d.grid_edge = std::move(f.grid_edge);
  d.dropped_columns = std::move(f.dropped_columns);
  return d;
}

// The ridge fit of each block of targets on the same X, in double or (--float) single precision;
// with `keep_factorizations`, X's fold factorizations are computed for the first block and kept for
// the rest.
class BlockFitter {
 public:
  BlockFitter(const Eigen::MatrixXd& x, bool single_precision, bool keep_factorizations)
      : x_(x), single_(single_precision), keep_(keep_factorizations) {
    if (single_) xf_ = x.cast<float>();
  }
  RidgeCvResult fit(const Eigen::MatrixXd& y, const std::vector<Fold>& folds, const RidgeCvOptions& ridge) {
    if (!single_) return cross_validated_ridge(x_, y, folds, ridge, keep_ ? &cache_ : nullptr);
    return in_double(cross_validated_ridge(xf_, Eigen::MatrixXf(y.cast<float>()), folds, ridge, keep_ ? &cache_f_ : nullptr));
  }

 private:
  const Eigen::MatrixXd& x_;
  bool single_, keep_;
  Eigen::MatrixXf xf_;
  RidgeFoldCache<double> cache_;
  RidgeFoldCache<float> cache_f_;
};

// Scores targets [col0, col0 + y.cols()) of the run: the fit, the refit null (p, and the maximum
// over these targets of every null draw, folded into `null_max`) and the bootstrap CI. Every
// block re-seeds the null and the bootstrap with req.seed, so blocks draw the same permutations
// and resamples as one pass over all targets: the results do not depend on the block size beyond
// the last bits that the matrix products' blocking moves (1e-16 here).
inline void score_targets(const Eigen::MatrixXd& x, BlockFitter& fitter, const Eigen::MatrixXd& y, const Benchmark& plan,
                          const ScoreRequest& req, Eigen::Index col0, ScoreResult& out, Eigen::VectorXd& null_max) {
  if (!y.allFinite()) {
    for (Eigen::Index j = 0; j < y.cols(); ++j)
      for (Eigen::Index i = 0; i < y.rows(); ++i)
        if (!std::isfinite(y(i, j))) {
          throw std::invalid_argument("--responses " + req.responses + ": target " + std::to_string(col0 + j) + " is " +
                                      std::to_string(y(i, j)) + " at sample " + std::to_string(i) + " (responses must be finite)");
        }
  }
  Benchmark b = plan;
  b.responses = y;
  b.target_subject.clear();
  b.target_region.clear();
  for (Eigen::Index j = 0; j < y.cols(); ++j) {
    b.target_subject.push_back(static_cast<int>(j));
    b.target_region.push_back("t" + std::to_string(col0 + j));
  }
  validate_benchmark(b);
  const RidgeCvResult fit = fitter.fit(y, b.folds, b.ridge);
  out.r.segment(col0, y.cols()) = fit.fold_r.colwise().mean().transpose();
  if (req.permutations > 0) {
    // The null of the printed statistic itself: refit_null_test's statistic is the mean over
    // folds of the per-fold r, and it keeps the dependence between folds that a null of fixed
    // out-of-fold predictions loses (null.hpp). It reuses each fold's chosen alpha.
    RefitNullOptions po;
    po.block = BlockLength{req.block};
    po.permutations = req.permutations;
    po.keep_null = false;
    const PermutationTest null = refit_null_test(x, y, b.folds, fit, b.ridge, Seed{req.seed}, po);
    out.p.segment(col0, y.cols()) = null.p_value;
    null_max = null_max.cwiseMax(null.null_max);
  }
  if (req.resamples > 0) {
    // One resample of units serves every target (percentile interval per target).
    const ResamplingUnits units = bootstrap_units(b);
    const std::vector<int> fold_of = test_fold_of(b);
    // The library's resample draw (bootstrap.hpp draw_resample: raw draws of the 64-bit stream, so
    // a seed gives the same CI with every standard library).
    std::mt19937_64 rng(req.seed);
    Eigen::MatrixXd draws(static_cast<Eigen::Index>(req.resamples), y.cols());
    std::vector<std::size_t> idx;
    for (std::size_t d = 0; d < req.resamples; ++d) {
      draw_resample(units, rng, idx);
      draws.row(static_cast<Eigen::Index>(d)) = subject_scores_on(b, fold_of, fit.predictions, idx).transpose();
    }
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
      const Interval ci = percentile_interval(draws.col(j), 0.95);
      out.ci_low(col0 + j) = ci.lower;
      out.ci_high(col0 + j) = ci.upper;
    }
  }
}

// Max-statistic FWE p over all targets from the per-draw maxima of every block and rank
// (null.hpp fwe_p_values; the refit null's tail is greater), and Benjamini-Hochberg q.
inline void finish_corrections(const Eigen::VectorXd& null_max, ScoreResult& out) {
  out.p_fwe = fwe_p_values(out.r, null_max, Tail::greater);
  out.q_fdr = fdr_q_values(out.p, FdrMethod::benjamini_hochberg).q_value;
}

}  // namespace detail::score_cmd

// How the processes of one run share its targets: rank `rank` of `size` scores a contiguous share
// (ScoreShards::range); the per-draw null maxima meet by an element-wise maximum over ranks and the
// per-target results by concatenation on rank 0. One process (the default) is rank 0 of 1. The MPI
// build (benchmarks/cli/neuroscore_mpi_main.cc) fills these with MPI_Allreduce and MPI_Gatherv.
struct ScoreShards {
  int rank = 0, size = 1;
  std::function<void(Eigen::VectorXd&)> max_over_ranks = [](Eigen::VectorXd&) {};
  std::function<Eigen::VectorXd(const Eigen::VectorXd&)> gather = [](const Eigen::VectorXd& v) { return v; };

  // This rank's targets [first, first + count) of `targets`: the first `targets % size` ranks take
  // one more.
  std::pair<Eigen::Index, Eigen::Index> range(Eigen::Index targets) const {
    const Eigen::Index base = targets / size, extra = targets % size;
    return {rank * base + std::min<Eigen::Index>(rank, extra), base + (rank < extra ? 1 : 0)};
  }
};

namespace detail::score_cmd {

// Targets per block under a memory budget (bytes per process): X and its per-fold decompositions
// (outer and inner folds, about (n + p) x p each) are fixed; each target in a block costs about 6
// columns of n doubles (its responses, predictions, the ridge's working columns, a permuted copy,
// the bootstrap's predictions).
// Returns the block's targets and sets the ridge's batch bytes to a third of what the block leaves.
inline Eigen::Index block_under_budget(const ScoreRequest& req, Benchmark& plan, Eigen::Index n, Eigen::Index p, Eigen::Index targets) {
  const auto rows = static_cast<std::size_t>(n), cols = static_cast<std::size_t>(p);
  const std::size_t fixed = 8 * (4 * rows * cols + plan.folds.size() * (plan.ridge.inner_folds + 1) * (rows + cols) * cols);
  const std::size_t per_target = 8 * 6 * rows;
  if (fixed + per_target > req.memory_budget) {
    throw std::invalid_argument("--memory-budget " + std::to_string(req.memory_budget) + " bytes is below the fixed cost of " +
                                std::to_string(fixed + per_target) + " bytes (features and decompositions) plus one target");
  }
  plan.ridge.max_batch_bytes = std::max<std::size_t>(per_target, (req.memory_budget - fixed) / 3);
  return static_cast<Eigen::Index>(std::min<std::size_t>((req.memory_budget - fixed) / per_target, static_cast<std::size_t>(std::max<Eigen::Index>(targets, 1))));
}

// The per-target results of finished blocks, appended as they finish to OUT.part (OUT.part-K-of-N
// under MPI), so that a long run shows its results on disk before the end: target,r,p,ci_low,ci_high
// (p uncorrected; p_fwe and q_fdr need every target and come in OUT at the end). score_main removes
// them (rank 0, every rank's) once OUT and its maps are written; a run that stops keeps them.
class PartialResults {
 public:
  // OUT.part (one process) or OUT.part-K-of-N (rank K of N).
  static std::string path_of(const std::string& out, int rank, int size) {
    return out + (size == 1 ? ".part" : ".part-" + std::to_string(rank) + "-of-" + std::to_string(size));
  }
  PartialResults(const std::string& out, const ScoreShards& shards) {
    if (out.empty()) return;
    path_ = path_of(out, shards.rank, shards.size);
    file_.open(path_);
    if (!file_) throw std::runtime_error(path_ + ": cannot write");
    file_ << "target,r,p,ci_low,ci_high\n" << std::setprecision(17);
  }
  void append(const ScoreResult& r, Eigen::Index first, Eigen::Index count) {
    if (path_.empty()) return;
    for (Eigen::Index j = first; j < first + count; ++j) {
      file_ << j << ',' << r.r(j) << ',' << r.p(j) << ',' << r.ci_low(j) << ',' << r.ci_high(j) << "\n";
    }
    file_.flush();
    if (!file_) throw std::runtime_error(path_ + ": write failed");
  }
  void close() { file_.close(); }
  // Every shard's partial file of `out`: removed once the complete table is written.
  static void remove_all(const std::string& out, const ScoreShards& shards) {
    if (out.empty()) return;
    for (int k = 0; k < shards.size; ++k) std::filesystem::remove(path_of(out, k, shards.size));
  }

 private:
  std::string path_;
  std::ofstream file_;
};

}  // namespace detail::score_cmd

// Scores the request. With `shards` (MPI), this process scores its share of the targets and the
// returned result is complete on rank 0 only (other ranks: r and the rest empty).
inline ScoreResult run_score(const ScoreRequest& req, std::ostream* progress = nullptr, const ScoreShards& shards = {}) {
  Eigen::MatrixXd x = detail::score_cmd::read_matrix(req.features, "--features");
  ScoreResult out;
  const bool in_blocks = req.memory_budget > 0 || shards.size > 1;
  if (req.memory_budget > 0 && !io::streams_targets(req.responses)) {
    throw std::invalid_argument("--memory-budget streams target blocks from .npy, HDF5 (FILE.h5:/dataset) or NIfTI (.nii, .nii.gz) responses; " +
                                req.responses + " is read whole: drop --memory-budget or convert it");
  }
  const io::ResponseColumns responses = detail::score_cmd::open_responses(req, in_blocks);
  const Eigen::Index n = responses.rows(), targets = responses.cols();
  out.targets = responses.targets();
  if (x.rows() != n) {
    throw std::invalid_argument("--features has " + std::to_string(x.rows()) + " rows but --responses has " + std::to_string(n));
  }
  std::vector<int> groups;
  if (!req.groups.empty()) {
    const Eigen::MatrixXd g = detail::score_cmd::read_matrix(req.groups, "--groups");
    if (g.size() != n) {
      throw std::invalid_argument("--groups has " + std::to_string(g.size()) + " values for " + std::to_string(n) + " samples");
    }
    for (Eigen::Index i = 0; i < g.size(); ++i) {
      if (!(std::isfinite(g(i)) && g(i) == std::floor(g(i)))) {
        throw std::invalid_argument("--groups " + req.groups + ": value " + std::to_string(g(i)) + " at sample " +
                                    std::to_string(i) + " is not a whole number");
      }
      groups.push_back(static_cast<int>(g(i)));
    }
  }
  // Delays never cross from one group (story, run) into the next.
  if (!req.delays.empty()) x = groups.empty() ? fir_delays(x, req.delays) : fir_delays(x, req.delays, runs_of_labels(groups));
  const std::size_t gap = effective_gap(req);
  Benchmark plan;
  plan.name = "score";
  if (!groups.empty()) {
    plan.bootstrap_groups = groups;
    plan.folds = group_kfold(plan.bootstrap_groups, 5, Gap{gap});
    plan.ridge.inner_groups = groups;  // alpha chosen on held-out groups too
  } else {
    plan.folds = contiguous_kfold(static_cast<std::size_t>(n), req.contiguous, Gap{gap});
  }
  plan.block = BlockLength{req.block};
  plan.ridge.alphas = req.alphas;
  plan.ridge.inner_gap = Gap{gap};
  plan.ridge.standardize = true;
  out.samples = n;
  out.features = x.cols();
  out.folds = plan.folds.size();
  out.gap = gap;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.r = Eigen::VectorXd::Constant(targets, nan);
  out.p = out.p_fwe = out.q_fdr = out.ci_low = out.ci_high = out.r;
  Eigen::VectorXd null_max = Eigen::VectorXd::Constant(static_cast<Eigen::Index>(req.permutations), -std::numeric_limits<double>::infinity());

  const auto [first, count] = shards.range(targets);
  Eigen::Index block = std::max<Eigen::Index>(count, 1);
  if (req.memory_budget > 0) block = detail::score_cmd::block_under_budget(req, plan, n, x.cols(), count);
  detail::score_cmd::PartialResults partial(req.out, shards);
  // X's fold factorizations are kept between blocks (they are most of a block's fixed cost); one
  // block needs no cache, and holds one outer fold's factorizations at a time without it.
  detail::score_cmd::BlockFitter fitter(x, req.single_precision, block < count);
  const std::string who = shards.size == 1 ? "score: " : "score rank " + std::to_string(shards.rank) + "/" + std::to_string(shards.size) + ": ";
  const auto start = std::chrono::steady_clock::now();
  for (Eigen::Index col0 = first; col0 < first + count; col0 += block) {
    const Eigen::Index cols = std::min(block, first + count - col0);
    detail::score_cmd::score_targets(x, fitter, responses.read(col0, cols), plan, req, col0, out, null_max);
    partial.append(out, col0, cols);
    if (progress && (block < count || shards.size > 1)) {
      const Eigen::Index done = col0 + cols - first;
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = static_cast<double>(done) / std::max(seconds, 1e-9);
      *progress << who << done << "/" << count << " targets";
      if (shards.size > 1) *progress << " (" << first << ".." << first + count - 1 << " of " << targets << ")";
      *progress << ", " << std::fixed << std::setprecision(1) << rate << " targets/s, ETA " << std::setprecision(0)
                << static_cast<double>(count - done) / rate << " s (blocks of " << block << ")";
      if (done == count) *progress << ", " << seconds << " s, peak RSS " << peak_rss_mib() << " MiB";
      *progress << "\n" << std::defaultfloat << std::flush;
    }
  }
  // Every rank's share meets on rank 0: the null maxima over all targets, then the per-target values.
  shards.max_over_ranks(null_max);
  for (Eigen::VectorXd* v : {&out.r, &out.p, &out.ci_low, &out.ci_high}) *v = shards.gather(v->segment(first, count));
  partial.close();
  if (shards.rank != 0) {
    out.p_fwe.resize(0);
    out.q_fdr.resize(0);
    return out;
  }
  if (req.permutations > 0) detail::score_cmd::finish_corrections(null_max, out);
  return out;
}

// FILE.csv -> FILE + suffix (the score maps beside the table).
inline std::string beside(const std::string& csv, const std::string& suffix) {
  const std::string stem = csv.size() > 4 && csv.compare(csv.size() - 4, 4, ".csv") == 0 ? csv.substr(0, csv.size() - 4) : csv;
  return stem + suffix;
}

// `neuroscore score ARGS`; under MPI every rank runs it with its `shards` and rank 0 prints and
// writes the results.
inline int score_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const ScoreShards& shards = {}) {
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
