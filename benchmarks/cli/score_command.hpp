// benchmarks/cli/score_command.hpp: `neuroscore score`: cross-validated ridge brain scores of a user's
// own features and responses (NPY, CSV/TSV, text, HDF5 FILE.h5:/dataset; responses also a NIfTI
// run with --mask or a GIfTI run), per target: the mean over folds of the per-fold Pearson r, its
// refit block-permutation p (uncorrected, max-statistic FWE, Benjamini-Hochberg FDR) and a
// bootstrap CI. Declarations; the arguments are parsed in score_args.cc, the scores computed in
// score_run.cc, the table, CSV and maps written in score_output.cc.
// Entry points: parse_score_args, run_score, score_main, score_usage.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/alphas.hpp"
#include "neuroscore/io/brain_run.hpp"

namespace neuroscore::benchmarks {

// The help text; the default alpha grid is printed from kWideAlphas (alphas.hpp), in the form
// --alphas reads.
std::string score_usage();

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
std::size_t effective_gap(const ScoreRequest& req);

// `neuroscore score ARGS` as a request; sets *help on -h/--help. Errors: std::invalid_argument
// naming the flag (see neuroscore score --help).
ScoreRequest parse_score_args(const std::vector<std::string>& args, bool* help);

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
  std::pair<Eigen::Index, Eigen::Index> range(Eigen::Index targets) const;
};

namespace detail::score_cmd {

// The per-target results of finished blocks, appended as they finish to OUT.part (OUT.part-K-of-N
// under MPI), so that a long run shows its results on disk before the end: target,r,p,ci_low,ci_high
// (p uncorrected; p_fwe and q_fdr need every target and come in OUT at the end). score_main removes
// them (rank 0, every rank's) once OUT and its maps are written; a run that stops keeps them.
class PartialResults {
 public:
  // OUT.part (one process) or OUT.part-K-of-N (rank K of N).
  static std::string path_of(const std::string& out, int rank, int size);
  PartialResults(const std::string& out, const ScoreShards& shards);
  void append(const ScoreResult& r, Eigen::Index first, Eigen::Index count);
  void close() { file_.close(); }
  // Every shard's partial file of `out`: removed once the complete table is written.
  static void remove_all(const std::string& out, const ScoreShards& shards);

 private:
  std::string path_;
  std::ofstream file_;
};

}  // namespace detail::score_cmd

// Scores the request. With `shards` (MPI), this process scores its share of the targets and the
// returned result is complete on rank 0 only (other ranks: r and the rest empty).
ScoreResult run_score(const ScoreRequest& req, std::ostream* progress = nullptr, const ScoreShards& shards = {});

// FILE.csv -> FILE + suffix (the score maps beside the table).
std::string beside(const std::string& csv, const std::string& suffix);

// `neuroscore score ARGS`; under MPI every rank runs it with its `shards` and rank 0 prints and
// writes the results.
int score_main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err, const ScoreShards& shards = {});

}  // namespace neuroscore::benchmarks
