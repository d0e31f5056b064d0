// `neuroscore score` as a library call (run_score): the p-values belong to the printed r, the
// default gap follows the delays, delays respect groups, and the p is calibrated under a null.
#include "benchmarks/cli/score_command.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "neuroscore/align.hpp"
#include "neuroscore/alphas.hpp"
#include "neuroscore/io/gifti.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/nifti.hpp"
#include "neuroscore/io/npy.hpp"
#include "neuroscore/fdr.hpp"
#include "neuroscore/null.hpp"
#include "neuroscore/refit_null.hpp"
#include "neuroscore/ridge.hpp"
#include "neuroscore/split.hpp"

namespace ns = neuroscore;
namespace nb = neuroscore::benchmarks;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return fs::path(t ? t : "/tmp");
}

Eigen::MatrixXd normal(Eigen::Index n, Eigen::Index p, std::mt19937_64& rng) {
  std::normal_distribution<double> z;
  Eigen::MatrixXd m(n, p);
  for (Eigen::Index j = 0; j < p; ++j)
    for (Eigen::Index i = 0; i < n; ++i) m(i, j) = z(rng);
  return m;
}

// AR(1) columns with coefficient phi and unit innovations.
Eigen::MatrixXd ar1(Eigen::Index n, Eigen::Index p, double phi, std::mt19937_64& rng) {
  Eigen::MatrixXd e = normal(n, p, rng);
  for (Eigen::Index i = 1; i < n; ++i) e.row(i) += phi * e.row(i - 1);
  return e;
}

nb::ScoreRequest request(const Eigen::MatrixXd& x, const Eigen::MatrixXd& y, const std::string& tag) {
  nb::ScoreRequest r;
  r.features = (tmp_dir() / ("x_" + tag + ".npy")).string();
  r.responses = (tmp_dir() / ("y_" + tag + ".npy")).string();
  ns::io::write_npy(r.features, x);
  ns::io::write_npy(r.responses, y);
  return r;
}

}  // namespace

// The printed r is the mean over folds of the per-fold r; p, p_fwe and q must be the refit
// null's for exactly that statistic (before, p came from a fixed-prediction null of the pooled r).
TEST(ScoreCommand, PValuesBelongToThePrintedMeanFoldR) {
  std::mt19937_64 rng(11);
  const Eigen::Index n = 300;
  const Eigen::MatrixXd x = normal(n, 4, rng);
  Eigen::MatrixXd y = ar1(n, 3, 0.5, rng);
  y.col(0) += 0.8 * (x.col(0) - x.col(1));
  y.col(1) += 0.15 * x.col(2);
  nb::ScoreRequest req = request(x, y, "belongs");
  req.permutations = 199;
  req.block = 10;
  req.resamples = 0;
  req.seed = 5;
  const nb::ScoreResult r = nb::run_score(req);

  // The same fit and null by hand.
  const std::vector<ns::Fold> folds = ns::contiguous_kfold(n, 5, ns::Gap{0});
  ns::RidgeCvOptions ro;
  ro.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  ro.standardize = true;
  const ns::RidgeCvResult fit = ns::cross_validated_ridge(x, y, folds, ro);
  ns::RefitNullOptions po;
  po.block = ns::BlockLength{10};
  po.permutations = 199;
  const ns::PermutationTest null = ns::refit_null_test(x, y, folds, fit, ro, ns::Seed{5}, po);
  for (Eigen::Index j = 0; j < 3; ++j) {
    EXPECT_NEAR(r.r(j), fit.fold_r.col(j).mean(), 1e-12) << j;
    EXPECT_NEAR(null.observed(j), r.r(j), 1e-10) << "the null's statistic is the printed r, target " << j;
    EXPECT_EQ(r.p(j), null.p_value(j)) << j;
    EXPECT_EQ(r.p_fwe(j), null.p_fwe(j)) << j;
    EXPECT_GE(r.p_fwe(j), r.p(j)) << j;
  }
  const Eigen::VectorXd q = ns::fdr_q_values(null.p_value, ns::FdrMethod::benjamini_hochberg).q_value;
  EXPECT_EQ(r.q_fdr, q);
  EXPECT_LT(r.p(0), 0.01);
  EXPECT_GT(r.p(2), 0.01);
}

TEST(ScoreCommand, DefaultGapIsTheLargestDelay) {
  bool help = false;
  const auto parse = [&](std::vector<std::string> a) {
    a.insert(a.end(), {"--features", "x.npy", "--responses", "y.npy"});
    return nb::parse_score_args(a, &help);
  };
  EXPECT_EQ(nb::effective_gap(parse({})), 0u);
  EXPECT_EQ(nb::effective_gap(parse({"--delays", "1,2,5,3"})), 5u);
  EXPECT_EQ(nb::effective_gap(parse({"--delays", "1,2,5", "--gap", "0"})), 0u) << "an explicit --gap wins";
  EXPECT_EQ(nb::effective_gap(parse({"--gap", "7"})), 7u);

  std::mt19937_64 rng(2);
  const Eigen::MatrixXd x = normal(200, 2, rng), y = normal(200, 1, rng);
  nb::ScoreRequest req = request(x, y, "gap");
  req.delays = {1, 2, 4};
  req.permutations = 0;
  req.resamples = 0;
  EXPECT_EQ(nb::run_score(req).gap, 4u);
}

// With groups, a group's first rows get zeros for the delayed features, not the previous group's
// stimulus: the score equals a fit on fir_delays(x, delays, runs_of_labels(groups)).
TEST(ScoreCommand, DelaysStopAtGroupBoundaries) {
  std::mt19937_64 rng(4);
  const Eigen::Index n = 240;
  const Eigen::MatrixXd x = normal(n, 2, rng);
  std::vector<int> groups(n);
  Eigen::MatrixXd g(n, 1);
  for (Eigen::Index i = 0; i < n; ++i) g(i) = groups[static_cast<std::size_t>(i)] = static_cast<int>(i / 40);
  const Eigen::MatrixXd aware = ns::fir_delays(x, {1, 2, 3}, ns::runs_of_labels(groups));
  Eigen::MatrixXd y = normal(n, 2, rng);
  y.col(0) += aware.col(0) + aware.col(3);
  nb::ScoreRequest req = request(x, y, "groups");
  req.groups = (tmp_dir() / "g_groups.npy").string();
  ns::io::write_npy(req.groups, g);
  req.delays = {1, 2, 3};
  req.permutations = 0;
  req.resamples = 0;
  const nb::ScoreResult r = nb::run_score(req);

  ns::RidgeCvOptions ro;
  ro.alphas = {0.1, 1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8};
  ro.standardize = true;
  ro.inner_gap = ns::Gap{3};
  ro.inner_groups = groups;
  const std::vector<ns::Fold> folds = ns::group_kfold(groups, 5, ns::Gap{3});
  const Eigen::VectorXd want = ns::cross_validated_ridge(aware, y, folds, ro).fold_r.colwise().mean().transpose();
  EXPECT_NEAR((r.r - want).cwiseAbs().maxCoeff(), 0.0, 1e-12);
  const Eigen::VectorXd blind =
      ns::cross_validated_ridge(ns::fir_delays(x, {1, 2, 3}), y, folds, ro).fold_r.colwise().mean().transpose();
  EXPECT_GT((r.r - blind).cwiseAbs().maxCoeff(), 1e-6) << "the run-blind expansion must differ here";

  g(5) = 0.5;
  ns::io::write_npy(req.groups, g);
  EXPECT_THROW(nb::run_score(req), std::invalid_argument);
}

// Size under the null: features independent of AR(1) 0.5 responses; 200 data sets, 99 refit
// permutations each. The fraction of p <= 0.05 must lie in the binomial(200, 0.05) 99.9% range
// [2, 22] (a fixed-seed draw, so the test is deterministic); the mean p is near 0.5.
TEST(ScoreCommand, RefitPIsCalibratedUnderTheNull) {
  std::mt19937_64 rng(123);
  int rejected = 0;
  double mean_p = 0.0;
  const int sets = 200;
  for (int s = 0; s < sets; ++s) {
    const Eigen::MatrixXd x = ar1(150, 3, 0.5, rng);
    const Eigen::MatrixXd y = ar1(150, 1, 0.5, rng);
    nb::ScoreRequest req = request(x, y, "size");
    req.permutations = 99;
    req.block = 10;
    req.resamples = 0;
    req.seed = static_cast<std::uint64_t>(s);
    const double p = nb::run_score(req).p(0);
    rejected += p <= 0.05;
    mean_p += p / sets;
  }
  EXPECT_GE(rejected, 2);
  EXPECT_LE(rejected, 22);
  EXPECT_NEAR(mean_p, 0.5, 0.07);
  std::printf("size at 0.05: %d / %d, mean p %.3f\n", rejected, sets, mean_p);
}

// A planted brain in NIfTI: a 6 x 5 x 4 grid, 240 volumes; the mask keeps the voxels with x < 3
// (60). Inside the mask, the voxels with y < 2 carry 0.8 * feature 0 plus AR(1) noise (planted
// r about 0.6), the rest noise only; outside the mask constant values (they must not be scored).
// `score --mask` finds the planted voxels, leaves the rest near 0, and writes the r and p_fwe maps
// on the run's grid with its affine, NaN outside the mask.
TEST(ScoreCommand, NiftiRunUnderAMaskGivesScoreMaps) {
  std::mt19937_64 rng(11);
  const Eigen::Index volumes = 240;
  const Eigen::MatrixXd x = normal(volumes, 3, rng);
  ns::io::NiftiImage grid;
  grid.dims = {6, 5, 4};
  grid.pixdim = {1.0, 3.0, 3.0, 3.5, 2.0, 0, 0, 0};
  grid.sform_code = 1;
  grid.srow = {{{3.0, 0.0, 0.0, -9.0}, {0.0, 3.0, 0.0, -7.5}, {0.0, 0.0, 3.5, 4.0}}};
  grid.xyzt_units = 10;  // mm and seconds
  std::vector<std::int64_t> voxels;
  for (std::int64_t v = 0; v < 120; ++v) voxels.push_back(v);
  Eigen::MatrixXd run = ar1(volumes, 120, 0.3, rng).transpose();  // voxels x volumes
  Eigen::MatrixXd mask_values = Eigen::MatrixXd::Zero(120, 1);
  for (std::int64_t v = 0; v < 120; ++v) {
    const std::int64_t vx = v % 6, vy = (v / 6) % 5;
    if (vx < 3) mask_values(v, 0) = 1.0;
    if (vx >= 3) run.row(v).setConstant(100.0);
    else if (vy < 2) run.row(v) += 0.8 * x.col(0).transpose();
  }
  const fs::path dir = tmp_dir() / "nifti_score";
  fs::create_directories(dir);
  ns::io::write_nifti_volumes(dir / "run.nii.gz", grid, voxels, run);
  ns::io::write_nifti_map(dir / "mask.nii", grid, voxels, mask_values.col(0));
  ns::io::write_npy(dir / "x.npy", x);

  std::ostringstream out, err;
  const int rc = nb::score_main({"--features", (dir / "x.npy").string(), "--responses", (dir / "run.nii.gz").string(), "--mask",
                                 (dir / "mask.nii").string(), "--null", "200", "--bootstrap", "0", "--out", (dir / "scores.csv").string()},
                                out, err);
  ASSERT_EQ(rc, 0);
  EXPECT_NE(out.str().find("60 voxels"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("60 targets: the 20 with the largest r"), std::string::npos) << out.str();

  const ns::io::NiftiImage r = ns::io::read_nifti(dir / "scores_r.nii.gz");
  const ns::io::NiftiImage p = ns::io::read_nifti(dir / "scores_p_fwe.nii.gz");
  ASSERT_EQ(r.dims, (std::vector<std::int64_t>{6, 5, 4}));
  EXPECT_EQ(r.srow, grid.srow);
  EXPECT_EQ(r.pixdim[3], 3.5);
  int planted_found = 0, noise_found = 0;
  for (std::int64_t v = 0; v < 120; ++v) {
    const std::int64_t vx = v % 6, vy = (v / 6) % 5;
    const double rv = r.data[static_cast<std::size_t>(v)], pv = p.data[static_cast<std::size_t>(v)];
    if (vx >= 3) {
      EXPECT_TRUE(std::isnan(rv) && std::isnan(pv)) << v;
    } else if (vy < 2) {
      EXPECT_GT(rv, 0.4) << v;
      planted_found += pv <= 0.05;
    } else {
      EXPECT_LT(std::abs(rv), 0.25) << v;
      noise_found += pv <= 0.05;
    }
  }
  EXPECT_EQ(planted_found, 24);  // every planted voxel (3 x 2 x 4) survives the family-wise correction
  EXPECT_LE(noise_found, 1);     // FWE 5% over 36 noise voxels: at most one false positive expected
  const std::string csv = [&] {
    std::ifstream in(dir / "scores.csv");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "target,r,p,p_fwe,q_fdr,ci_low,ci_high,x,y,z");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 61);
}

TEST(ScoreCommand, AMaskNeedsNiftiResponses) {
  std::mt19937_64 rng(3);
  nb::ScoreRequest r = request(normal(50, 2, rng), normal(50, 2, rng), "mask");
  r.mask = "mask.nii";
  try {
    nb::run_score(r);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--mask mask.nii: a mask needs NIfTI --responses"), std::string::npos) << e.what();
  }
}

// A GIfTI surface run: 40 vertices (8 medial-wall vertices constant), 160 volumes, vertices 8..19
// carry 0.8 * feature 0. Only the 32 non-constant vertices are scored; the r map has one value
// per vertex, NaN on the medial wall.
TEST(ScoreCommand, GiftiRunGivesAVertexMap) {
  std::mt19937_64 rng(17);
  const Eigen::MatrixXd x = normal(160, 2, rng);
  Eigen::MatrixXd run = ar1(160, 40, 0.3, rng);
  run.leftCols(8).setZero();
  run.middleCols(8, 12).colwise() += 0.8 * x.col(0);
  const fs::path dir = tmp_dir() / "gifti_score";
  fs::create_directories(dir);
  ns::io::write_gifti_arrays(dir / "lh.func.gii", run);
  ns::io::write_npy(dir / "x.npy", x);
  std::ostringstream out, err;
  ASSERT_EQ(nb::score_main({"--features", (dir / "x.npy").string(), "--responses", (dir / "lh.func.gii").string(), "--null", "0",
                            "--bootstrap", "0", "--out", (dir / "lh.csv").string()},
                           out, err),
            0);
  EXPECT_NE(out.str().find("32 voxels"), std::string::npos) << out.str();
  const ns::io::GiftiImage map = ns::io::read_gifti(dir / "lh_r.func.gii");
  ASSERT_EQ(map.arrays.size(), 1u);
  ASSERT_EQ(map.arrays[0].data.size(), 40u);
  for (std::size_t v = 0; v < 40; ++v) {
    const double r = map.arrays[0].data[v];
    if (v < 8) EXPECT_TRUE(std::isnan(r)) << v;
    else if (v < 20) EXPECT_GT(r, 0.4) << v;
    else EXPECT_LT(std::abs(r), 0.25) << v;
  }
}

// FILE.h5:/dataset reads an HDF5 dataset: the same responses as NPY give the same r.
TEST(ScoreCommand, Hdf5DatasetResponsesMatchNpy) {
  std::mt19937_64 rng(9);
  const Eigen::MatrixXd x = normal(120, 2, rng);
  Eigen::MatrixXd y = ar1(120, 3, 0.2, rng);
  y.col(0) += x.col(1);
  nb::ScoreRequest npy = request(x, y, "h5");
  npy.permutations = 0;
  npy.resamples = 0;
  nb::ScoreRequest h5 = npy;
  ns::io::write_hdf5_matrix(tmp_dir() / "y.h5", "/ieeg/hfb", y);
  h5.responses = (tmp_dir() / "y.h5").string() + ":/ieeg/hfb";
  EXPECT_TRUE(nb::run_score(npy).r == nb::run_score(h5).r);
  // An HDF5 file is known by its signature, whatever its extension (.nwb).
  ns::io::write_hdf5_matrix(tmp_dir() / "y.nwb", "/ieeg/hfb", y);
  h5.responses = (tmp_dir() / "y.nwb").string() + ":/ieeg/hfb";
  EXPECT_TRUE(nb::run_score(npy).r == nb::run_score(h5).r);
}

// An HDF5 file named without its dataset, whatever its extension: the error says to name it.
TEST(ScoreCommand, Hdf5WithoutADatasetSaysToNameIt) {
  std::mt19937_64 rng(10);
  const Eigen::MatrixXd y = ar1(120, 3, 0.2, rng);
  const nb::ScoreRequest npy = request(normal(120, 2, rng), y, "nwb");
  for (const std::string name : {"y_bare.nwb", "y_plain.h5"}) {
    ns::io::write_hdf5_matrix(tmp_dir() / name, "/y", y);
    nb::ScoreRequest bare = npy;
    bare.responses = (tmp_dir() / name).string();
    try {
      nb::run_score(bare);
      ADD_FAILURE() << "no error for " << name;
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find("is an HDF5 file: name the dataset (" + bare.responses + ":/path"), std::string::npos) << e.what();
    }
  }
}

namespace {

// A progress stream that, at every line, counts the rows of the partial results file: what is on
// disk while the run goes on.
class PartialRowsAtEachLine : public std::stringbuf {
 public:
  explicit PartialRowsAtEachLine(fs::path part) : part_(std::move(part)) {}
  std::vector<long> rows;

 protected:
  int sync() override {
    std::ifstream in(part_);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    rows.push_back(in ? static_cast<long>(std::count(text.begin(), text.end(), '\n')) - 1 : -1);
    return 0;
  }

 private:
  fs::path part_;
};

// Fortran-order .npy (numpy.asfortranarray): the column-major bytes after a hand-written header.
void write_fortran_npy(const fs::path& path, const Eigen::MatrixXd& m) {
  std::string header = "{'descr': '<f8', 'fortran_order': True, 'shape': (" + std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "), }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  const char len[2] = {static_cast<char>(header.size() & 0xff), static_cast<char>(header.size() >> 8)};
  out.write(len, 2);
  out << header;
  out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size() * sizeof(double)));
}

}  // namespace

// --memory-budget streams the responses in blocks of targets from every format that can be read in
// part: .npy in C and Fortran order, an HDF5 dataset, a NIfTI run (.nii and .nii.gz, with and
// without a mask). With a budget that forces blocks of 5 targets, every number (r, p, p_fwe, q, CI)
// equals the one-pass run over the file read whole within 1e-12 (the p-values exactly); a progress line is printed per
// block, and each block's rows are in OUT.part when its line is printed (5, 10, ..., 23). A budget below the fixed cost, or a text file, is refused.
TEST(ScoreCommand, MemoryBudgetStreamsBlocksWithTheSameResults) {
  std::mt19937_64 rng(13);
  const Eigen::MatrixXd x = normal(100, 3, rng);
  Eigen::MatrixXd y = ar1(100, 23, 0.3, rng);
  y.leftCols(5).colwise() += x.col(0);
  nb::ScoreRequest one = request(x, y, "stream");
  one.permutations = 50;
  one.resamples = 40;
  const fs::path dir = tmp_dir() / "stream";
  fs::create_directories(dir);
  ns::io::write_hdf5_matrix(dir / "y.h5", "/y", y);
  write_fortran_npy(dir / "y_fortran.npy", y);
  ASSERT_TRUE(ns::io::read_npy_matrix(dir / "y_fortran.npy") == y);
  // A 4 x 4 x 3 grid: voxels 0..22 hold the 23 targets, the other 25 stay constant (not scored
  // without a mask); the mask keeps exactly the 23.
  ns::io::NiftiImage grid;
  grid.dims = {4, 4, 3};
  std::vector<std::int64_t> voxels(48);
  for (std::int64_t v = 0; v < 48; ++v) voxels[static_cast<std::size_t>(v)] = v;
  Eigen::MatrixXd run = Eigen::MatrixXd::Constant(48, 100, -3.0);
  run.topRows(23) = y.transpose();
  ns::io::write_nifti_volumes(dir / "run.nii.gz", grid, voxels, run);
  ns::io::write_nifti_volumes(dir / "run.nii", grid, voxels, run);
  Eigen::VectorXd mask = Eigen::VectorXd::Zero(48);
  mask.head(23).setOnes();
  ns::io::write_nifti_map(dir / "mask.nii.gz", grid, voxels, mask);

  // Fixed cost: 8 * (4 * 100 * 3 + 5 * 6 * 103 * 3) = 83,760 bytes; 4,800 bytes per target.
  const std::size_t budget = 83760 + 5 * 4800;
  for (const auto& [responses, mask_file] : std::vector<std::pair<fs::path, std::string>>{
           {one.responses, ""}, {dir / "y_fortran.npy", ""}, {dir / "y.h5:/y", ""}, {dir / "run.nii.gz", ""},
           {dir / "run.nii", ""}, {dir / "run.nii.gz", (dir / "mask.nii.gz").string()}}) {
    SCOPED_TRACE(responses.string() + " " + mask_file);
    nb::ScoreRequest whole = one;
    whole.responses = responses.string();
    whole.mask = mask_file;
    // The reference: the same file read whole (NIfTI stores float32, so its numbers differ from y's).
    const nb::ScoreResult a = nb::run_score(whole);
    EXPECT_GT(a.r.head(5).minCoeff(), 0.5);
    nb::ScoreRequest streamed = whole;
    streamed.memory_budget = budget;
    streamed.out = (dir / "out.csv").string();
    PartialRowsAtEachLine lines(dir / "out.csv.part");
    std::ostream progress(&lines);
    const nb::ScoreResult b = nb::run_score(streamed, &progress);
    for (const auto& [u, v] : {std::pair{&a.r, &b.r}, {&a.p, &b.p}, {&a.p_fwe, &b.p_fwe}, {&a.q_fdr, &b.q_fdr}, {&a.ci_low, &b.ci_low},
                               {&a.ci_high, &b.ci_high}}) {
      // Within 1e-12, not bit for bit: the matrix products' blocking depends on the block width.
      ASSERT_EQ(u->size(), v->size());
      EXPECT_LE((*u - *v).cwiseAbs().maxCoeff(), 1e-12) << *u << "\n---\n" << *v;
    }
    EXPECT_TRUE(a.p == b.p && a.p_fwe == b.p_fwe);
    EXPECT_EQ(lines.rows, (std::vector<long>{5, 10, 15, 20, 23}));
    EXPECT_NE(lines.str().find("score: 5/23 targets"), std::string::npos) << lines.str();
    EXPECT_NE(lines.str().find("score: 23/23 targets"), std::string::npos) << lines.str();
    EXPECT_NE(lines.str().find("(blocks of 5)"), std::string::npos) << lines.str();
    // run_score leaves the partial table (nothing is lost before OUT is written); score_main
    // removes it after writing OUT (tests/benchmarks/score_mpi_test.cc checks that).
    EXPECT_TRUE(fs::exists(dir / "out.csv.part"));
    fs::remove(dir / "out.csv.part");
  }
  nb::ScoreRequest small = one;
  small.memory_budget = 1000;
  EXPECT_THROW(nb::run_score(small), std::invalid_argument);
  nb::ScoreRequest text = one;
  text.responses = (dir / "y.csv").string();
  std::ofstream(text.responses) << "1,2\n3,4\n";
  text.memory_budget = 1 << 30;
  try {
    nb::run_score(text);
    ADD_FAILURE() << "no error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("--memory-budget streams target blocks from .npy, HDF5 (FILE.h5:/dataset) or NIfTI"),
              std::string::npos)
        << e.what();
  }
}

// The default grid is alphas.hpp's kWideAlphas, and --help prints it from that constant in a form
// --alphas reads back to the same doubles.
TEST(ScoreCommand, HelpPrintsTheDefaultAlphaGridFromTheConstant) {
  bool help = false;
  EXPECT_EQ(nb::parse_score_args({"--features", "x.npy", "--responses", "y.npy"}, &help).alphas, ns::kWideAlphas);
  const std::string usage = nb::score_usage();
  const std::string grid = "0.1,1,10,100,1000,10000,100000,1e+06,1e+07,1e+08";
  EXPECT_NE(usage.find("(default: " + grid + ")"), std::string::npos) << usage;
  EXPECT_EQ(nb::parse_score_args({"--features", "x.npy", "--responses", "y.npy", "--alphas", grid}, &help).alphas, ns::kWideAlphas);
}

// --alphas sets the grid (the chosen alpha per target is one of its values); --float fits the ridge
// in single precision: r within 1e-4 of the double fit, the same alpha for (nearly) every target,
// and the refit null and the CI still computed (in double, from the float fit's alphas and
// predictions). Bad lists are refused with the flag and the item.
TEST(ScoreCommand, AlphaGridAndSinglePrecision) {
  bool help = false;
  const nb::ScoreRequest parsed = nb::parse_score_args({"--features", "x.npy", "--responses", "y.npy", "--alphas", "0.5,2,1e3", "--float"}, &help);
  EXPECT_EQ(parsed.alphas, (std::vector<double>{0.5, 2.0, 1000.0}));
  EXPECT_TRUE(parsed.single_precision);
  for (const std::string bad : {"", "1,,2", "0", "-1", "1,x", "nan", "1e400"}) {
    try {
      nb::parse_score_args({"--features", "x.npy", "--responses", "y.npy", "--alphas", bad}, &help);
      ADD_FAILURE() << "accepted --alphas '" << bad << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--alphas: '", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find("is not a positive number"), std::string::npos) << e.what();
    }
  }

  std::mt19937_64 rng(17);
  const Eigen::MatrixXd x = normal(400, 20, rng);
  Eigen::MatrixXd y = ar1(400, 30, 0.3, rng);
  y.leftCols(10) += x.leftCols(10) * 0.4;
  nb::ScoreRequest d = request(x, y, "float");
  d.alphas = {1.0, 10.0, 100.0, 1000.0};
  d.permutations = 99;
  d.resamples = 50;
  nb::ScoreRequest f = d;
  f.single_precision = true;
  const nb::ScoreResult rd = nb::run_score(d), rf = nb::run_score(f);
  EXPECT_LE((rd.r - rf.r).cwiseAbs().maxCoeff(), 1e-4);
  EXPECT_GT((rd.r - rf.r).cwiseAbs().maxCoeff(), 0.0);  // the fit really ran in float
  EXPECT_LE((rd.ci_low - rf.ci_low).cwiseAbs().maxCoeff(), 1e-3);
  EXPECT_LE((rd.p - rf.p).cwiseAbs().maxCoeff(), 0.05);
  EXPECT_LT(rf.p.head(10).maxCoeff(), 0.02);
  EXPECT_TRUE(rf.p_fwe.allFinite() && rf.q_fdr.allFinite());
}

// A non-finite response is named by its target in the whole file, also when it arrives in a later
// block of a streamed run (the ridge alone would name its column within the block).
TEST(ScoreCommand, NonFiniteResponseNamesTheTarget) {
  std::mt19937_64 rng(19);
  const Eigen::MatrixXd x = normal(100, 3, rng);
  Eigen::MatrixXd y = ar1(100, 23, 0.3, rng);
  y(3, 17) = std::numeric_limits<double>::quiet_NaN();
  nb::ScoreRequest req = request(x, y, "nan");
  req.permutations = 0;
  req.resamples = 0;
  for (const std::size_t budget : {std::size_t{0}, std::size_t{83760 + 5 * 4800}}) {
    req.memory_budget = budget;
    try {
      nb::run_score(req);
      ADD_FAILURE() << "no error";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("y_nan.npy: target 17 is nan at sample 3 (responses must be finite)"), std::string::npos)
          << e.what();
    }
  }
}
