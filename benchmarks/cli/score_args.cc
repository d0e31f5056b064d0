// benchmarks/cli/score_args.cc: `neuroscore score`'s arguments: the help text, the request parsed
// from the command line (the one flag parser, flags.hpp), the purge gap it implies.
#include "benchmarks/cli/score_command.hpp"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "benchmarks/cli/flags.hpp"

namespace neuroscore::benchmarks {

std::string score_usage() {
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

std::size_t effective_gap(const ScoreRequest& req) {
  if (req.gap) return *req.gap;
  int largest = 0;
  for (const int d : req.delays) largest = std::max(largest, d);
  return static_cast<std::size_t>(largest);
}

ScoreRequest parse_score_args(const std::vector<std::string>& args, bool* help) {
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

}  // namespace neuroscore::benchmarks
