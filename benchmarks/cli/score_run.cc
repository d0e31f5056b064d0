// benchmarks/cli/score_run.cc: `neuroscore score`'s computation: reads the features and responses,
// builds the split, fits each block of targets, runs the refit null and the bootstrap, and meets
// the shards' results on rank 0 (run_score).
#include "benchmarks/cli/score_command.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <limits>
#include <random>
#include <stdexcept>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "benchmarks/brain/leaderboard.hpp"
#include "benchmarks/perf/peak_rss.hpp"
#include "neuroscore/align.hpp"
#include "neuroscore/bootstrap.hpp"
#include "neuroscore/fdr.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/io/response_columns.hpp"
#include "neuroscore/io/text_matrix.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace neuroscore::benchmarks {

namespace detail::score_cmd {

// .npy, or a delimited text matrix with an optional header line.
Eigen::MatrixXd read_matrix(const std::string& path, const char* what) {
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
io::ResponseColumns open_responses(const ScoreRequest& req, bool in_blocks) {
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

// A single-precision fit as the double one the null and the bootstrap take.
RidgeCvResult in_double(RidgeCvResultOf<float>&& f) {
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
void score_targets(const Eigen::MatrixXd& x, BlockFitter& fitter, const Eigen::MatrixXd& y, const Benchmark& plan,
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
void finish_corrections(const Eigen::VectorXd& null_max, ScoreResult& out) {
  out.p_fwe = fwe_p_values(out.r, null_max, Tail::greater);
  out.q_fdr = fdr_q_values(out.p, FdrMethod::benjamini_hochberg).q_value;
}

// Targets per block under a memory budget (bytes per process): X and its per-fold decompositions
// (outer and inner folds, about (n + p) x p each) are fixed; each target in a block costs about 6
// columns of n doubles (its responses, predictions, the ridge's working columns, a permuted copy,
// the bootstrap's predictions).
// Returns the block's targets and sets the ridge's batch bytes to a third of what the block leaves.
Eigen::Index block_under_budget(const ScoreRequest& req, Benchmark& plan, Eigen::Index n, Eigen::Index p, Eigen::Index targets) {
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

}  // namespace detail::score_cmd

std::pair<Eigen::Index, Eigen::Index> ScoreShards::range(Eigen::Index targets) const {
  const Eigen::Index base = targets / size, extra = targets % size;
  return {rank * base + std::min<Eigen::Index>(rank, extra), base + (rank < extra ? 1 : 0)};
}

ScoreResult run_score(const ScoreRequest& req, std::ostream* progress, const ScoreShards& shards) {
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
      // One write per line: under MPI every rank's stderr meets in one stream, and a line written
      // piecewise (std::cerr is unbuffered) comes out cut by the other ranks' lines.
      std::ostringstream line;
      line << who << done << "/" << count << " targets";
      if (shards.size > 1) line << " (" << first << ".." << first + count - 1 << " of " << targets << ")";
      line << ", " << std::fixed << std::setprecision(1) << rate << " targets/s, ETA " << std::setprecision(0)
           << static_cast<double>(count - done) / rate << " s (blocks of " << block << ")";
      if (done == count) line << ", " << seconds << " s, peak RSS " << peak_rss_mib() << " MiB";
      line << "\n";
      *progress << line.str() << std::flush;
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

}  // namespace neuroscore::benchmarks
