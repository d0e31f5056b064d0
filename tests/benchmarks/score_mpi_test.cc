// `neuroscore score` with its targets shared over MPI ranks (ScoreShards filled by MPI, as in
// benchmarks/cli/neuroscore_mpi_main.cc) against the same run in one process. score_mpi_test.sh runs
// this binary under `mpirun -np 2`; both ranks run every test (the shared runs are collective),
// rank 0 also runs the single-process reference and compares.
#include <mpi.h>

#include <gtest/gtest.h>

#include <Eigen/Core>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "benchmarks/cli/mpi_shards.hpp"
#include "benchmarks/cli/score_command.hpp"
#include "neuroscore/io/hdf5.hpp"
#include "neuroscore/io/nifti.hpp"
#include "neuroscore/io/npy.hpp"

namespace ns = neuroscore;
namespace nb = neuroscore::benchmarks;
namespace fs = std::filesystem;

namespace {

int rank() {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

fs::path dir() {
  const char* t = std::getenv("TEST_TMPDIR");
  return fs::path(t ? t : "/tmp") / "score_mpi";
}

// Inputs written once by rank 0: 240 samples x 4 features; 37 targets (an odd count: the ranks'
// shares differ), the first 9 carrying feature 0, as .npy, an HDF5 dataset and a NIfTI run (a
// 5 x 4 x 3 grid whose first 37 voxels vary and the rest stay constant), plus a one-target .npy.
void write_inputs() {
  if (rank() == 0) {
    fs::create_directories(dir());
    std::mt19937_64 rng(21);
    std::normal_distribution<double> z;
    Eigen::MatrixXd x(240, 4), y(240, 37);
    for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = z(rng);
    for (Eigen::Index i = 0; i < y.size(); ++i) y.data()[i] = z(rng);
    for (Eigen::Index i = 1; i < 240; ++i) y.row(i) += 0.3 * y.row(i - 1);
    y.leftCols(9).colwise() += 0.7 * x.col(0);
    ns::io::write_npy(dir() / "x.npy", x);
    ns::io::write_npy(dir() / "y.npy", y);
    ns::io::write_npy(dir() / "y1.npy", Eigen::MatrixXd(y.leftCols(1)));
    ns::io::write_hdf5_matrix(dir() / "y.h5", "/bold/roi", y);
    ns::io::NiftiImage grid;
    grid.dims = {5, 4, 3};
    grid.pixdim = {1.0, 2.0, 2.0, 2.0, 2.0, 0, 0, 0};
    std::vector<std::int64_t> voxels;
    Eigen::MatrixXd run = Eigen::MatrixXd::Constant(60, 240, 7.0);
    for (std::int64_t v = 0; v < 60; ++v) voxels.push_back(v);
    run.topRows(37) = y.transpose();
    ns::io::write_nifti_volumes(dir() / "run.nii.gz", grid, voxels, run);
    Eigen::VectorXd mask = Eigen::VectorXd::Zero(60);
    for (int v = 1; v < 37; v += 2) mask(v) = 1.0;  // 18 of the varying voxels
    ns::io::write_nifti_map(dir() / "mask.nii", grid, voxels, mask);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

nb::ScoreRequest request(const std::string& responses) {
  nb::ScoreRequest r;
  r.features = (dir() / "x.npy").string();
  r.responses = responses;
  r.permutations = 60;
  r.resamples = 40;
  r.block = 12;
  r.seed = 3;
  return r;
}

// The shared run equals the single-process one: r, the CI and the uncorrected p within 1e-12 (the
// matrix products' blocking depends on how many targets a process holds), and the p-values and
// the corrections exactly (counts of null draws).
void expect_same_as_one_process(const nb::ScoreRequest& req) {
  const nb::ScoreResult shared = nb::run_score(req, nullptr, nb::mpi_score_shards());
  if (rank() != 0) {
    EXPECT_EQ(shared.r.size(), 0);
    return;
  }
  const nb::ScoreResult one = nb::run_score(req);
  ASSERT_EQ(shared.r.size(), one.r.size());
  for (const auto& [a, b, name] : {std::tuple{&one.r, &shared.r, "r"}, {&one.ci_low, &shared.ci_low, "ci_low"},
                                   {&one.ci_high, &shared.ci_high, "ci_high"}, {&one.p, &shared.p, "p"}}) {
    EXPECT_LE((*a - *b).cwiseAbs().maxCoeff(), 1e-12) << name << " of " << req.responses;
  }
  EXPECT_TRUE(one.p == shared.p && one.p_fwe == shared.p_fwe && one.q_fdr == shared.q_fdr) << req.responses;
  EXPECT_EQ(one.targets.voxels, shared.targets.voxels);
  EXPECT_GT(one.r.maxCoeff(), 0.3);  // planted targets are found
}

}  // namespace

TEST(ScoreMpi, TwoRanksEqualOneProcessForEveryStreamedFormat) {
  write_inputs();
  expect_same_as_one_process(request((dir() / "y.npy").string()));
  expect_same_as_one_process(request((dir() / "y.h5").string() + ":/bold/roi"));
  expect_same_as_one_process(request((dir() / "run.nii.gz").string()));
  nb::ScoreRequest masked = request((dir() / "run.nii.gz").string());
  masked.mask = (dir() / "mask.nii").string();
  expect_same_as_one_process(masked);
}

// Each rank streams its share in blocks under a memory budget: still the one-process numbers.
TEST(ScoreMpi, BlocksWithinEachRankToo) {
  write_inputs();
  nb::ScoreRequest req = request((dir() / "y.npy").string());
  // Fixed cost 8 * (4 * 240 * 4 + 5 * 6 * 244 * 4) = 264,960 bytes; 11,520 bytes per target: blocks of 4.
  req.memory_budget = 264960 + 4 * 11520;
  expect_same_as_one_process(req);
}

// One target over two ranks: rank 1 scores nothing and still takes part in the collectives.
TEST(ScoreMpi, ARankWithoutTargets) {
  write_inputs();
  expect_same_as_one_process(request((dir() / "y1.npy").string()));
}

// score_main on every rank: rank 0 alone prints and writes the table, which is the one-process
// table byte for byte, and no partial file is left behind.
TEST(ScoreMpi, RankZeroWritesTheSameTable) {
  write_inputs();
  const std::vector<std::string> common = {"--features", (dir() / "x.npy").string(), "--responses", (dir() / "run.nii.gz").string(),
                                           "--null",     "60",                        "--bootstrap", "40"};
  std::vector<std::string> shared = common, one = common;
  shared.insert(shared.end(), {"--out", (dir() / "shared.csv").string()});
  one.insert(one.end(), {"--out", (dir() / "one.csv").string()});
  std::ostringstream out, err;
  ASSERT_EQ(nb::score_main(shared, out, err, nb::mpi_score_shards()), 0);
  MPI_Barrier(MPI_COMM_WORLD);
  if (rank() != 0) {
    EXPECT_EQ(out.str(), "");
    return;
  }
  std::ostringstream out1, err1;
  ASSERT_EQ(nb::score_main(one, out1, err1), 0);
  const auto text = [](const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  };
  EXPECT_EQ(text(dir() / "shared.csv"), text(dir() / "one.csv"));
  EXPECT_EQ(text(dir() / "shared.csv").substr(0, 44), "target,r,p,p_fwe,q_fdr,ci_low,ci_high,x,y,z\n");
  EXPECT_TRUE(fs::exists(dir() / "shared_r.nii.gz") && fs::exists(dir() / "shared_p_fwe.nii.gz"));
  for (const auto& e : fs::directory_iterator(dir())) EXPECT_EQ(e.path().string().find(".part"), std::string::npos) << e.path();
  EXPECT_NE(err.str().find("score rank 0/2: 19/19 targets (0..18 of 37)"), std::string::npos) << err.str();
}

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  // An exception on one rank must end the run (mpirun then stops the other), not leave the other
  // rank waiting in a collective while gtest goes on to the next test.
  ::testing::GTEST_FLAG(catch_exceptions) = false;
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size != 2) {
    std::cerr << "score_mpi_test runs under mpirun -np 2 (score_mpi_test.sh), not with " << size << " process(es)\n";
    MPI_Finalize();
    return 1;
  }
  // Both ranks print their report; a failure on either fails the run.
  int failed = RUN_ALL_TESTS();
  MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  MPI_Finalize();
  return failed;
}
